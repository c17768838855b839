"""Demo campaigns «Стратегия лидерства» in the Samara and Orenburg regions.

Phase dates are laid around the day the demo is loaded, so that proposals are being accepted
and sessions are under way whenever somebody runs `make run`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from civicplan.campaigns.models import Phase
from civicplan.campaigns.services import campaign_upsert, phase_upsert
from civicplan.strategy.models import Strategy
from civicplan.territories.models import Region

CAMPAIGNS = [
    (
        63,
        "samara-2036",
        "strategy-leadership-samara",
        "Стратегия лидерства: Самарская область — 2036",
        "Предложите, каким должен стать ваш город и регион через десять лет. Каждое предложение "
        "рассмотрят рабочие группы стратегических сессий, а ответ появится на этом сайте.",
    ),
    (
        56,
        "orenburg-2036",
        "strategy-leadership-orenburg",
        "Стратегия лидерства: Оренбургская область — 2036",
        "Оренбуржье обновляет стратегию развития до 2036 года. Расскажите, что нужно изменить в "
        "вашем городе или селе — предложения лягут в основу дорожных карт.",
    ),
]

# (kind, title, start offset, end offset, proposals, supports, comments, votes)
PHASES = [
    (
        Phase.Kind.MUNICIPAL_DISCUSSIONS,
        "Муниципальные обсуждения с жителями",
        -75,
        30,
        True,
        True,
        True,
        False,
    ),
    (
        Phase.Kind.REGIONAL_SESSIONS,
        "Региональные тематические стратегические сессии",
        -20,
        50,
        True,
        True,
        True,
        True,
    ),
    (Phase.Kind.DRAFTING, "Подготовка проекта стратегии", 51, 110, False, True, True, False),
    (
        Phase.Kind.PUBLIC_DISCUSSION,
        "Общественное обсуждение проекта стратегии",
        111,
        150,
        False,
        True,
        True,
        True,
    ),
    (Phase.Kind.APPROVAL, "Утверждение стратегии", 151, 180, False, False, False, False),
    (
        Phase.Kind.MONITORING,
        "Мониторинг исполнения",
        181,
        181 + 365 * 10,
        False,
        False,
        True,
        False,
    ),
]


def load(*, stdout: Any, only_region_codes: set[int] | None = None) -> None:
    today = timezone.localdate()
    for region_code, strategy_slug, slug, title, summary in CAMPAIGNS:
        if only_region_codes is not None and region_code not in only_region_codes:
            continue
        region = Region.objects.get(code=region_code)
        campaign = campaign_upsert(
            slug=slug,
            region=region,
            strategy=Strategy.objects.filter(slug=strategy_slug).first(),
            title=title,
            summary=summary,
            description=summary,
            starts_on=today + datetime.timedelta(days=PHASES[0][2]),
            ends_on=today + datetime.timedelta(days=PHASES[-1][3]),
        )
        for order, (kind, ptitle, start, end, proposals, supports, comments, votes) in enumerate(
            PHASES, 1
        ):
            phase_upsert(
                campaign=campaign,
                kind=kind,
                title=ptitle,
                order=order,
                starts_on=today + datetime.timedelta(days=start),
                ends_on=today + datetime.timedelta(days=end),
                accepts_proposals=proposals,
                accepts_supports=supports,
                accepts_comments=comments,
                accepts_votes=votes,
            )
        stdout.write(f"  Кампания «{campaign.title}»: этапов {campaign.phases.count()}")
