"""Outcomes of a section: resolutions, the proposals they become, draft strategy measures."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.errors import Conflict, InvalidInput
from civicplan.meetings.models import Idea, Resolution, Section


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

    `proposals.services.proposal_submit` is for residents (personal data, consent,
    municipality, rate limits) and does not fit a section's collective resolution, so the
    record is filled here: published at once (the section formulated it in public), with its
    first status-history entry and the proposals app's tracking code.
    """
    from civicplan.campaigns.selectors import phase_current
    from civicplan.proposals.models import (
        Proposal,
        ProposalChannel,
        ProposalStatus,
        ProposalStatusChange,
    )
    from civicplan.proposals.services import tracking_code_new

    session = resolution.section.session
    now = timezone.now()
    campaign = session.campaign
    proposal = Proposal.objects.create(
        campaign=campaign,
        phase=phase_current(campaign),
        municipality=session.municipality,
        direction=resolution.direction,
        title=resolution.title,
        text=resolution.text,
        status=ProposalStatus.PUBLISHED,
        channel=ProposalChannel.SESSION,
        tracking_code=tracking_code_new(),
        external_id=f"session-resolution:{resolution.pk}",
        author_display_name=_("Секция «%(section)s», сессия «%(session)s»")
        % {"section": resolution.section.title, "session": session.title},
        created_at=now,
        published_at=now,
        answer_due_on=(now + datetime.timedelta(days=campaign.answer_deadline_days)).date(),
    )
    ProposalStatusChange.objects.create(
        proposal=proposal,
        from_status="",
        to_status=ProposalStatus.PUBLISHED,
        reason=_("Сформулировано на стратегической сессии «%(session)s».")
        % {"session": session.title},
        changed_at=now,
    )
    return proposal


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
) -> Any:
    """A draft measure of the strategy's roadmap from a resolution, linked to its proposal.

    The measure is created in the «planned» state without budget; the strategy editors
    complete it in the roadmap.
    """
    from civicplan.strategy.models import Measure, MeasureState

    strategy = resolution.direction.strategy
    if not organisation.strip():
        raise InvalidInput(_("Укажите ответственного исполнителя."), field="organisation")
    if ends_on < starts_on:
        raise InvalidInput(_("Мероприятие не может закончиться раньше, чем начнётся."))
    code = f"СС-{resolution.pk}"
    if Measure.objects.filter(strategy=strategy, code=code).exists():
        raise Conflict(_("По этой резолюции мероприятие уже создано."))
    proposal = resolution_publish(resolution=resolution)
    session = resolution.section.session
    measure = Measure.objects.create(
        strategy=strategy,
        direction=resolution.direction,
        code=code,
        title=resolution.title,
        description=_("%(text)s\n\nИсточник: резолюция секции «%(section)s» сессии «%(session)s».")
        % {"text": resolution.text, "section": resolution.section.title, "session": session.title},
        organisation=organisation.strip(),
        sector=sector,
        starts_on=starts_on,
        ends_on=ends_on,
        state=MeasureState.PLANNED,
        order=999,
    )
    measure.proposals.add(proposal)
    if session.municipality_id:
        measure.municipalities.add(session.municipality_id)
    resolution.measure_note = _("Проект мероприятия %(code)s в дорожной карте стратегии.") % {
        "code": code
    }
    resolution.save(update_fields=["measure_note"])
    return measure
