"""Reads of the meetings app shared by pages, the API and reports; permission checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from civicplan.accounts.models import Role
from civicplan.accounts.selectors import user_scope
from civicplan.meetings.models import (
    Participant,
    ParticipantStatus,
    Resolution,
    Section,
    Session,
    SessionState,
)

MANAGER_ROLES = (Role.FACILITATOR, Role.REGIONAL_MODERATOR, Role.MUNICIPAL_MODERATOR)


def session_public_qs() -> QuerySet[Session]:
    return (
        Session.objects.filter(is_published=True, campaign__is_published=True)
        .select_related("campaign", "campaign__region", "municipality")
        .prefetch_related("directions")
        .annotate(sections_count=Count("sections", distinct=True))
    )


# Who counts as a participant of a session: registered or invited (not cancelled, not waiting).
COUNTED_STATUSES = (ParticipantStatus.REGISTERED, ParticipantStatus.INVITED)


@dataclass(frozen=True)
class GroupCount:
    group: str
    label: str
    registered: int
    attended: int


@dataclass(frozen=True)
class ParticipantCounts:
    """The participants of a session by stakeholder group — the one count shown by the
    calendar, the report's table and its chart. Once attendance is taken (anyone checked
    in) a session's participants are those who came; before, those registered."""

    groups: list[GroupCount]

    @property
    def registered(self) -> int:
        return sum(g.registered for g in self.groups)

    @property
    def attended(self) -> int:
        return sum(g.attended for g in self.groups)

    @property
    def attendance_taken(self) -> bool:
        return self.attended > 0

    @property
    def total(self) -> int:
        return self.attended if self.attendance_taken else self.registered

    def of(self, group: GroupCount) -> int:
        return group.attended if self.attendance_taken else group.registered


def participant_counts(sessions: Iterable[Session]) -> dict[int, ParticipantCounts]:
    """`ParticipantCounts` of each session, by its pk (one query for any number)."""
    from civicplan.meetings.models import StakeholderGroup

    ids = [s.pk for s in sessions]
    rows: dict[tuple[int, str], tuple[int, int]] = {}
    for session_id, group, registered, attended in (
        Participant.objects.filter(session_id__in=ids, status__in=COUNTED_STATUSES)
        .values("session_id", "group")
        .annotate(
            registered=Count("pk"), attended=Count("pk", filter=Q(checked_in_at__isnull=False))
        )
        .values_list("session_id", "group", "registered", "attended")
    ):
        rows[(session_id, group)] = (registered, attended)
    return {
        session_id: ParticipantCounts(
            groups=[
                GroupCount(str(value), str(label), *rows.get((session_id, value), (0, 0)))
                for value, label in StakeholderGroup.choices
            ]
        )
        for session_id in ids
    }


def _with_counts(sessions: list[Session]) -> list[Session]:
    counts = participant_counts(sessions)
    for s in sessions:
        s.participants_count = counts[s.pk].total  # type: ignore[attr-defined]
    return sessions


def session_calendar(
    *, region_code: int | None = None, level: str = "", when: str = ""
) -> dict[str, list[Session]]:
    """Upcoming (soonest first) and past (latest first) sessions."""
    qs = session_public_qs()
    if region_code:
        qs = qs.filter(campaign__region__code=region_code)
    if level:
        qs = qs.filter(level=level)
    now = timezone.now()
    upcoming = _with_counts(list(qs.filter(ends_at__gte=now).order_by("starts_at")))
    past = _with_counts(list(qs.filter(ends_at__lt=now).order_by("-starts_at")))
    if when == "upcoming":
        past = []
    elif when == "past":
        upcoming = []
    return {"upcoming": upcoming, "past": past}


def session_upcoming(*, campaign: Any = None, limit: int = 3) -> list[Session]:
    qs = session_public_qs().filter(ends_at__gte=timezone.now())
    if campaign is not None:
        qs = qs.filter(campaign__region_id=campaign.region_id)
    return _with_counts(list(qs.order_by("starts_at")[:limit]))


def session_detail(slug: str) -> Session | None:
    return (
        Session.objects.filter(slug=slug)
        .select_related("campaign", "campaign__region", "campaign__strategy", "municipality")
        .prefetch_related(
            "directions",
            "agenda",
            "materials",
            "quotas",
            Prefetch(
                "sections",
                queryset=Section.objects.select_related("direction", "moderator").prefetch_related(
                    Prefetch(
                        "resolutions",
                        queryset=Resolution.objects.select_related("direction", "proposal"),
                    )
                ),
            ),
        )
        .first()
    )


def attendees_by_group(session: Session, *, checked_in_only: bool = False) -> list[dict[str, Any]]:
    """Participants grouped by stakeholder group, in the order of the groups' choices."""
    from civicplan.meetings.models import StakeholderGroup

    qs = Participant.objects.filter(session=session, status__in=COUNTED_STATUSES).select_related(
        "section"
    )
    if checked_in_only:
        qs = qs.filter(checked_in_at__isnull=False)
    by_group: dict[str, list[Participant]] = {g: [] for g in StakeholderGroup.values}
    for p in qs.order_by("last_name", "first_name"):
        by_group[p.group].append(p)
    return [
        {"group": g, "label": StakeholderGroup(g).label, "participants": by_group[g]}
        for g in StakeholderGroup.values
    ]


def waiting_list(session: Session) -> list[Participant]:
    return list(
        Participant.objects.filter(session=session, status=ParticipantStatus.WAITLISTED).order_by(
            "created_at", "pk"
        )
    )


def can_manage_session(user: Any, session: Session) -> bool:
    """Organisers, facilitators and moderators of the region (or of the municipality)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if session.organisers.filter(pk=user.pk).exists():
        return True
    scope = user_scope(user, MANAGER_ROLES)
    return scope.allows(
        region_id=session.campaign.region_id, municipality_id=session.municipality_id
    )


def can_moderate_section(user: Any, section: Section) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if section.moderator_id == user.pk:
        return True
    return can_manage_session(user, section.session)


def sessions_for_results() -> QuerySet[Session]:
    return session_public_qs().filter(state=SessionState.FINISHED)


def home_block_context(request: Any, campaign: Any) -> dict[str, Any] | None:
    """Upcoming sessions for the home page; hidden when there are none."""
    sessions = session_upcoming(campaign=campaign, limit=3)
    if not sessions:
        return None
    return {"sessions": sessions}
