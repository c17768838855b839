"""The one way a proposal comes in, whatever the channel.

The form and the API (`proposal_submit`), file imports, resolutions of strategic sessions
and the demo loaders all store proposals through `proposals_record`: it writes the
proposal, the author's personal data (kept apart, 152-FZ), the status history from the
first «поступило» entry on, and fires one «proposals received» event for the whole batch
(`civicplan.core.registry`), so every listener — the analysis engine above all — sees every
proposal, one at a time or ten thousand from a file.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.campaigns.models import Campaign, Phase
from civicplan.core.registry import event_emit, proposals_received_listeners
from civicplan.proposals.models import (
    PUBLIC_STATUSES,
    Proposal,
    ProposalPersonalData,
    ProposalStatus,
    ProposalStatusChange,
)
from civicplan.proposals.textcheck import text_fingerprint
from civicplan.strategy.models import Direction
from civicplan.territories.models import Municipality

BATCH = 500
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def tracking_code_new() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _i in range(12))


@dataclass(frozen=True, slots=True)
class StatusStep:
    """A status the proposal already reached before it was recorded here (imports, demo)."""

    status: str
    reason: str
    when: datetime.datetime | None = None
    actor: Any = None


@dataclass
class AuthorData:
    """What the author tells about himself; every field optional except a way to answer."""

    name: str = ""
    email: str = ""
    phone: str = ""
    age_group: str = ""
    show_name: bool = False
    errors: list[dict[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class ProposalInput:
    """One proposal to record; the values are already checked and cleaned by the channel."""

    text: str
    municipality: Municipality | None  # None: a regional session's resolution
    title: str = ""
    direction: Direction | None = None
    phase: Phase | None = None
    external_id: str = ""
    created_at: datetime.datetime | None = None
    author: AuthorData | None = None  # private personal data, kept apart (152-FZ)
    consent: Any = None  # the accounts.ConsentRecord under which it was given
    user: Any = None  # the signed-in resident who sent it, if any
    author_display_name: str = ""
    fingerprint: str = ""
    steps: Sequence[StatusStep] = ()
    # Demo loaders only: counters and fields of a proposal whose life is simulated.
    extra: dict[str, Any] = field(default_factory=dict)


def _history(
    proposal: Proposal,
    from_status: str,
    to_status: str,
    actor: Any,
    reason: str,
    when: datetime.datetime | None = None,
) -> ProposalStatusChange:
    change = ProposalStatusChange.objects.create(
        proposal=proposal,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        changed_at=when or timezone.now(),
    )
    event_emit(
        "proposal.status_changed",
        proposal=proposal,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        changed_at=change.changed_at,
    )
    return change


def _build(
    campaign: Campaign, channel: str, item: ProposalInput, now: datetime.datetime
) -> Proposal:
    created = item.created_at or now
    status = item.steps[-1].status if item.steps else ProposalStatus.NEW
    published = next(
        (s.when or now for s in item.steps if s.status in PUBLIC_STATUSES),
        None,
    )
    user = item.user if getattr(item.user, "is_authenticated", False) else None
    fingerprint = item.fingerprint or text_fingerprint(
        item.text,
        item.municipality.oktmo if item.municipality else "",
        item.external_id or created.isoformat(),
    )
    values: dict[str, Any] = dict(
        campaign=campaign,
        phase=item.phase,
        municipality=item.municipality,
        direction=item.direction,
        title=item.title,
        text=item.text,
        status=status,
        channel=channel,
        tracking_code=tracking_code_new(),
        external_id=item.external_id,
        author=user,
        author_display_name=item.author_display_name,
        created_at=created,
        published_at=published,
        answer_due_on=timezone.localdate(created)
        + datetime.timedelta(days=campaign.answer_deadline_days),
        content_hash=fingerprint,
    )
    values.update(item.extra)
    return Proposal(**values)


@transaction.atomic
def proposals_record(
    *,
    campaign: Campaign,
    channel: str,
    items: Sequence[ProposalInput],
    actor: Any = None,
    reason: str = "",
    announce: bool = True,
) -> list[Proposal]:
    """Store proposals from any channel, with history, and announce them once.

    `reason` is the first history entry's text («Предложение поступило.» by default);
    `actor` the staff member who brought them in (an import), if any. Each item's `steps`
    add the statuses it already has (published at once, answered on another portal...).
    Listeners run inside this transaction; they defer real work with `on_commit`.
    """
    if not items:
        return []
    now = timezone.now()
    first_reason = reason or _("Предложение поступило.")
    proposals = [_build(campaign, channel, item, now) for item in items]
    if len(proposals) == 1:
        proposals[0].save(force_insert=True)
    else:
        Proposal.objects.bulk_create(proposals, batch_size=BATCH)
        if any(p.pk is None for p in proposals):  # a backend without RETURNING
            ids = dict(
                Proposal.objects.filter(
                    tracking_code__in=[p.tracking_code for p in proposals]
                ).values_list("tracking_code", "pk")
            )
            for p in proposals:
                p.pk = ids[p.tracking_code]
    personal: list[ProposalPersonalData] = []
    history: list[ProposalStatusChange] = []
    staff = actor if getattr(actor, "pk", None) else None
    for proposal, item in zip(proposals, items, strict=True):
        if item.author is not None or item.consent is not None:
            author = item.author or AuthorData()
            personal.append(
                ProposalPersonalData(
                    proposal=proposal,
                    name=author.name[:150],
                    email=author.email[:254],
                    phone=author.phone[:32],
                    age_group=author.age_group,
                    show_name=author.show_name,
                    consent=item.consent,
                )
            )
        history.append(
            ProposalStatusChange(
                proposal=proposal,
                from_status="",
                to_status=ProposalStatus.NEW,
                actor=staff,
                reason=first_reason,
                changed_at=proposal.created_at,
            )
        )
        before: str = ProposalStatus.NEW
        for step in item.steps:
            history.append(
                ProposalStatusChange(
                    proposal=proposal,
                    from_status=before,
                    to_status=step.status,
                    actor=step.actor if getattr(step.actor, "pk", None) else staff,
                    reason=step.reason,
                    changed_at=step.when or now,
                )
            )
            before = step.status
    ProposalPersonalData.objects.bulk_create(personal, batch_size=BATCH)
    ProposalStatusChange.objects.bulk_create(history, batch_size=BATCH)
    if announce:
        for listener in proposals_received_listeners():
            listener(proposals)
    return proposals


def proposal_record(
    *,
    campaign: Campaign,
    channel: str,
    text: str,
    municipality: Municipality | None,
    actor: Any = None,
    reason: str = "",
    **fields: Any,
) -> Proposal:
    """Store one proposal from any channel: `proposals_record` for a batch of one."""
    return proposals_record(
        campaign=campaign,
        channel=channel,
        items=[ProposalInput(text=text, municipality=municipality, **fields)],
        actor=actor,
        reason=reason,
    )[0]
