"""Outcomes of a section: resolutions, the proposals they become, draft strategy measures."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from civicplan.core.errors import Conflict, InvalidInput
from civicplan.meetings.models import Idea, Resolution, Section

# Codes of measures made from a session's resolutions: «СС-12». A code is an identifier
# people type into the strategy workbook, not a message, so it stays as it is.
RESOLUTION_CODE_PREFIX = "СС-"


@transaction.atomic
def resolution_create(
    *,
    section: Section,
    title: str,
    text: str,
    direction: Any,
    idea: Idea | None = None,
    order: int | None = None,
) -> Resolution:
    title = " ".join(title.split())
    text = text.strip()
    if not title:
        raise InvalidInput(_("Сформулируйте заголовок резолюции."), field="title")
    if len(text) < 10:
        raise InvalidInput(_("Текст резолюции слишком короткий."), field="text")
    if direction is None:
        raise InvalidInput(_("Укажите направление стратегии."), field="direction")
    strategy_id = section.session.campaign.strategy_id
    if strategy_id is not None and direction.strategy_id != strategy_id:
        raise InvalidInput(_("Направление — из стратегии другого региона."), field="direction")
    if idea is not None and idea.section_id != section.pk:
        raise InvalidInput(_("Идея — из другой секции."), field="idea")
    if order is None:
        order = section.resolutions.count() + 1
    return Resolution.objects.create(
        section=section, title=title[:200], text=text, direction=direction, idea=idea, order=order
    )


def _proposal_create_from_session(*, resolution: Resolution) -> Any:
    """A published proposal of the campaign, channel «стратегическая сессия».

    Recorded through the proposals app's one way in, like a resident's: with its history
    («поступило», then «опубликовано» — the section formulated it in public) and the
    «proposals received» event, so it is analysed like any other.
    """
    from civicplan.campaigns.selectors import phase_current
    from civicplan.proposals.models import ProposalChannel, ProposalStatus
    from civicplan.proposals.services import StatusStep, proposal_record

    session = resolution.section.session
    campaign = session.campaign
    return proposal_record(
        campaign=campaign,
        channel=ProposalChannel.SESSION,
        text=resolution.text,
        municipality=session.municipality,
        phase=phase_current(campaign),
        direction=resolution.direction,
        title=resolution.title,
        external_id=f"session-resolution:{resolution.pk}",
        author_display_name=_("Секция «%(section)s», сессия «%(session)s»")
        % {"section": resolution.section.title, "session": session.title},
        reason=_("Сформулировано на стратегической сессии «%(session)s».")
        % {"session": session.title},
        steps=(
            StatusStep(
                ProposalStatus.PUBLISHED,
                _("Опубликовано: секция сформулировала предложение публично."),
            ),
        ),
    )


@transaction.atomic
def resolution_publish(*, resolution: Resolution) -> Any:
    """Turn the resolution into a proposal of the campaign (once; a second call returns it)."""
    locked = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if locked.proposal_id is not None:
        return locked.proposal
    proposal = _proposal_create_from_session(resolution=locked)
    locked.proposal = proposal
    locked.save(update_fields=["proposal"])
    resolution.proposal = proposal
    return proposal


def section_resolutions_publish(*, section: Section) -> int:
    count = 0
    for resolution in section.resolutions.select_related("section__session__campaign", "direction"):
        if resolution.proposal_id is None:
            resolution_publish(resolution=resolution)
            count += 1
    return count


@transaction.atomic
def resolution_to_measure(
    *,
    resolution: Resolution,
    organisation: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    sector: str = "government",
    actor: Any = None,
) -> Any:
    """A draft measure of the strategy's roadmap from a resolution, linked to its proposal.

    The measure is created by the strategy's own service (its validation, its change
    history) in the «planned» state without budget; the strategy editors complete it in the
    roadmap.
    """
    from civicplan.strategy.models import Measure, MeasureState
    from civicplan.strategy.services import measure_upsert

    strategy = resolution.direction.strategy
    if not organisation.strip():
        raise InvalidInput(_("Укажите ответственного исполнителя."), field="organisation")
    if ends_on < starts_on:
        raise InvalidInput(_("Мероприятие не может закончиться раньше, чем начнётся."))
    code = f"{RESOLUTION_CODE_PREFIX}{resolution.pk}"
    if Measure.objects.filter(strategy=strategy, code=code).exists():
        raise Conflict(_("По этой резолюции мероприятие уже создано."))
    proposal = resolution_publish(resolution=resolution)
    session = resolution.section.session
    measure, _outcome = measure_upsert(
        strategy=strategy,
        code=code,
        actor=actor,
        direction=resolution.direction,
        title=resolution.title,
        description=_("%(text)s\n\nИсточник: резолюция секции «%(section)s» сессии «%(session)s».")
        % {"text": resolution.text, "section": resolution.section.title, "session": session.title},
        organisation=organisation.strip(),
        sector=sector,
        starts_on=starts_on,
        ends_on=ends_on,
        state=MeasureState.PLANNED,
        order=999,
        proposals=[proposal],
        municipalities=[session.municipality] if session.municipality_id else None,
    )
    resolution.measure_note = _("Проект мероприятия %(code)s в дорожной карте стратегии.") % {
        "code": code
    }
    resolution.save(update_fields=["measure_note"])
    return measure
