"""API token scopes: the one place where their names, labels and eligible roles live.

A scope narrows what a personal API token may do; it never widens a user's rights. The
territory the token acts in is still the user's role scope (`accounts.selectors.user_scope`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from civicplan.accounts.models import Role

PROPOSALS_READ = "proposals:read"
PROPOSALS_MODERATE = "proposals:moderate"
PROPOSALS_PARTICIPATE = "proposals:participate"  # support and comment as the token's owner
STRATEGY_WRITE = "strategy:write"
MEETINGS_MANAGE = "meetings:manage"
INSIGHTS_RUN = "insights:run"
PUBLICATIONS_WRITE = "publications:write"
PERSONAL_DATA_READ = "personal_data:read"
NOTIFICATIONS_MANAGE = "notifications:manage"  # one's own notifications and follows
DRAFTS_PARTICIPATE = "drafts:participate"  # comment the draft strategy as the token's owner
DRAFTS_ANSWER = "drafts:answer"  # the drafting group's decisions on comments


@dataclass(frozen=True)
class ScopeInfo:
    name: str
    label: object
    roles: frozenset[str]
    """Roles any one of which lets a user put this scope on a token (empty: anyone)."""


_MODERATORS = frozenset({Role.MUNICIPAL_MODERATOR, Role.REGIONAL_MODERATOR, Role.REGIONAL_ADMIN})

SCOPES: dict[str, ScopeInfo] = {
    info.name: info
    for info in [
        ScopeInfo(PROPOSALS_READ, _("чтение предложений"), frozenset()),
        ScopeInfo(PROPOSALS_MODERATE, _("модерация предложений"), _MODERATORS),
        ScopeInfo(
            PROPOSALS_PARTICIPATE,
            _("поддержка и комментарии к предложениям от вашего имени"),
            frozenset(),
        ),
        ScopeInfo(
            STRATEGY_WRITE,
            _("редактирование стратегии"),
            frozenset({Role.STRATEGY_EDITOR, Role.REGIONAL_ADMIN}),
        ),
        ScopeInfo(
            MEETINGS_MANAGE,
            _("проведение стратегических сессий"),
            frozenset({Role.FACILITATOR, Role.REGIONAL_ADMIN}),
        ),
        ScopeInfo(
            INSIGHTS_RUN,
            _("запуск аналитики"),
            frozenset({Role.ANALYST, Role.REGIONAL_ADMIN}),
        ),
        ScopeInfo(
            PUBLICATIONS_WRITE,
            _("публикация новостей и материалов"),
            frozenset({Role.STRATEGY_EDITOR, Role.REGIONAL_ADMIN}),
        ),
        ScopeInfo(PERSONAL_DATA_READ, _("чтение персональных данных"), _MODERATORS),
        ScopeInfo(NOTIFICATIONS_MANAGE, _("ваши уведомления и подписки"), frozenset()),
        ScopeInfo(
            DRAFTS_PARTICIPATE,
            _("замечания и поправки к проекту стратегии от вашего имени"),
            frozenset(),
        ),
        ScopeInfo(
            DRAFTS_ANSWER,
            _("решения рабочей группы по замечаниям к проекту стратегии"),
            frozenset({Role.STRATEGY_EDITOR, Role.REGIONAL_ADMIN}),
        ),
    ]
}

SCOPE_NAMES: tuple[str, ...] = tuple(SCOPES)


def scope_choices() -> list[tuple[str, object]]:
    return [(name, f"{info.label} ({name})") for name, info in SCOPES.items()]
