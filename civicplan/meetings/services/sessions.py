"""Sessions, sections, quotas, agenda, materials, registration and check-in.

The idea board (joining, ideas, votes, moderation) lives in `board.py`; resolutions and their
proposals in `outcomes.py`.
"""

from __future__ import annotations

import datetime
import secrets
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civicplan.accounts.services import consent_record_create, ip_hash, policy_current
from civicplan.core.errors import Conflict, InvalidInput, NotFound
from civicplan.core.pagecache import changes_public_pages
from civicplan.core.ratelimit import rate_limit_hit
from civicplan.core.registry import event_emit
from civicplan.core.uploads import DOCUMENTS, MB, upload_check
from civicplan.meetings.models import (
    AgendaItem,
    GroupQuota,
    Material,
    Participant,
    ParticipantStatus,
    Section,
    Session,
    SessionState,
    StakeholderGroup,
)

CHECKIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ACTIVE_STATUSES = (ParticipantStatus.REGISTERED, ParticipantStatus.INVITED)


def _unique_code(model: Any, field: str, make: Any) -> str:
    for _attempt in range(50):
        code = make()
        if not model.objects.filter(**{field: code}).exists():
            return code
    raise Conflict(_("Не удалось подобрать свободный код, попробуйте ещё раз."))


def section_code_new() -> str:
    """A six-digit code, easy to type on a phone."""
    return _unique_code(Section, "code", lambda: f"{secrets.randbelow(900000) + 100000}")


def checkin_code_new() -> str:
    return _unique_code(
        Participant,
        "checkin_code",
        lambda: "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(8)),
    )


@changes_public_pages
@transaction.atomic
def session_create(
    *,
    campaign: Any,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    slug: str = "",
    level: str = "regional",
    theme: str = "",
    summary: str = "",
    tz: str = "Europe/Samara",
    format: str = "in_person",
    place: str = "",
    online_url: str = "",
    state: str = SessionState.PLANNED,
    municipality: Any = None,
    directions: list[Any] | None = None,
    organisers: list[Any] | None = None,
    organiser_names: str = "",
    capacity: int | None = None,
) -> Session:
    title = title.strip()
    if not title:
        raise InvalidInput(_("Укажите название сессии."), field="title")
    if ends_at < starts_at:
        raise InvalidInput(_("Сессия не может закончиться раньше, чем начнётся."), field="ends_at")
    if format in ("online", "hybrid") and not online_url:
        raise InvalidInput(_("Для онлайн-сессии укажите ссылку на трансляцию."), field="online_url")
    if format in ("in_person", "hybrid") and not place:
        raise InvalidInput(_("Укажите место проведения."), field="place")
    base = slug or slugify(f"{starts_at:%Y-%m-%d}-{secrets.token_hex(3)}")
    candidate = base
    n = 2
    while Session.objects.filter(slug=candidate).exists():
        candidate = f"{base}-{n}"
        n += 1
    session = Session.objects.create(
        campaign=campaign,
        title=title,
        slug=candidate,
        level=level,
        theme=theme,
        summary=summary,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=tz,
        format=format,
        place=place,
        online_url=online_url,
        state=state,
        municipality=municipality,
        organiser_names=organiser_names,
        capacity=capacity,
    )
    if directions:
        session.directions.set(directions)
    if organisers:
        session.organisers.set(organisers)
    event_emit("session.created", session=session)
    return session


@changes_public_pages
def session_state_set(*, session: Session, state: str) -> Session:
    if state not in SessionState.values:
        raise InvalidInput(_("Неизвестное состояние сессии."), field="state")
    session.state = state
    session.save(update_fields=["state"])
    return session


@transaction.atomic
def section_create(
    *,
    session: Session,
    title: str,
    question: str,
    moderator: Any = None,
    moderator_name: str = "",
    direction: Any = None,
    order: int = 0,
    voting_mode: str = "dots",
    dots_per_member: int = 3,
) -> Section:
    if not title.strip() or not question.strip():
        raise InvalidInput(_("У секции должны быть название и вопрос для работы."))
    return Section.objects.create(
        session=session,
        title=title.strip(),
        question=question.strip(),
        moderator=moderator,
        moderator_name=moderator_name
        or (moderator.get_full_name() if moderator is not None else ""),
        direction=direction,
        order=order,
        code=section_code_new(),
        voting_mode=voting_mode,
        dots_per_member=dots_per_member,
    )


def quota_set(*, session: Session, group: str, places: int | None) -> GroupQuota | None:
    if group not in StakeholderGroup.values:
        raise InvalidInput(_("Неизвестная группа участников."), field="group")
    if places is None:
        GroupQuota.objects.filter(session=session, group=group).delete()
        return None
    quota, _created = GroupQuota.objects.update_or_create(
        session=session, group=group, defaults={"places": places}
    )
    return quota


def agenda_item_add(
    *,
    session: Session,
    starts_at: datetime.datetime,
    title: str,
    ends_at: datetime.datetime | None = None,
    speaker: str = "",
) -> AgendaItem:
    if ends_at is not None and ends_at < starts_at:
        raise InvalidInput(_("Пункт программы не может закончиться раньше, чем начнётся."))
    return AgendaItem.objects.create(
        session=session, starts_at=starts_at, ends_at=ends_at, title=title, speaker=speaker
    )


def material_add(*, session: Session, title: str, upload: IO[bytes], name: str = "") -> Material:
    """Attach a file; its content must be a PDF, an image, DOCX or XLSX up to 20 MB."""
    if not title.strip():
        raise InvalidInput(_("Укажите название материала."), field="title")
    kind = upload_check(upload, allowed=DOCUMENTS, max_bytes=20 * MB, name=name)
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    from django.core.files.base import File

    material = Material(session=session, title=title.strip(), kind=kind.name, size=size)
    material.file.save(f"{secrets.token_hex(8)}.{kind.extension}", File(upload), save=False)
    material.save()
    return material


# --- participants --------------------------------------------------------------------------


def _group_taken(session: Session, group: str) -> int:
    return Participant.objects.filter(
        session=session, group=group, status=ParticipantStatus.REGISTERED
    ).count()


def _has_place(session: Session, group: str) -> bool:
    quota = GroupQuota.objects.filter(session=session, group=group).first()
    if quota is not None and _group_taken(session, group) >= quota.places:
        return False
    if session.capacity is not None:
        total = Participant.objects.filter(session=session, status__in=ACTIVE_STATUSES).count()
        if total >= session.capacity:
            return False
    return True


def _validate_person(
    *, session: Session, last_name: str, first_name: str, email: str, group: str, section: Any
) -> None:
    errors = []
    if not last_name.strip():
        errors.append({"field": "last_name", "message": _("Укажите фамилию.")})
    if not first_name.strip():
        errors.append({"field": "first_name", "message": _("Укажите имя.")})
    if "@" not in email or "." not in email.split("@")[-1]:
        errors.append({"field": "email", "message": _("Укажите адрес электронной почты.")})
    if group not in StakeholderGroup.values:
        errors.append({"field": "group", "message": _("Выберите группу участников.")})
    if section is not None and section.session_id != session.pk:
        errors.append({"field": "section", "message": _("Эта секция — из другой сессии.")})
    if errors:
        raise InvalidInput(errors[0]["message"], field=errors[0]["field"], errors=errors)
    if Participant.objects.filter(
        session=session, email__iexact=email.strip(), status__in=[*ACTIVE_STATUSES, "waitlisted"]
    ).exists():
        raise Conflict(
            _("Участник с адресом %(email)s уже зарегистрирован на эту сессию.")
            % {"email": email.strip()},
            field="email",
        )


@transaction.atomic
def participant_register(
    *,
    session: Session,
    last_name: str,
    first_name: str,
    email: str,
    group: str,
    consent_given: bool,
    patronymic: str = "",
    phone: str = "",
    organisation: str = "",
    position: str = "",
    section: Section | None = None,
    ip: str | None = None,
    user_agent: str = "",
    user: Any = None,
) -> Participant:
    """Registration through the public form: with consent under 152-FZ; a full group goes
    to the waiting list."""
    rate_limit_hit(key=f"session-register:{ip_hash(ip)}", limit=20, window=3600)
    if not session.accepts_registration:
        raise Conflict(_("Регистрация на эту сессию закрыта."))
    if not consent_given:
        raise InvalidInput(
            _("Без согласия на обработку персональных данных зарегистрироваться нельзя."),
            field="consent",
        )
    _validate_person(
        session=session,
        last_name=last_name,
        first_name=first_name,
        email=email,
        group=group,
        section=section,
    )
    # Serialise registrations of one session so that quotas hold under concurrency.
    Session.objects.select_for_update().filter(pk=session.pk).first()
    consent = consent_record_create(
        policy=policy_current(kind="personal-data"), ip=ip, user_agent=user_agent, user=user
    )
    status = (
        ParticipantStatus.REGISTERED if _has_place(session, group) else ParticipantStatus.WAITLISTED
    )
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                session=session,
                user=user if user is not None and user.is_authenticated else None,
                last_name=last_name.strip(),
                first_name=first_name.strip(),
                patronymic=patronymic.strip(),
                email=email.strip().lower(),
                phone=phone.strip(),
                group=group,
                organisation=organisation.strip(),
                position=position.strip(),
                section=section,
                status=status,
                checkin_code=checkin_code_new(),
                consent=consent,
            )
    except IntegrityError as exc:
        raise Conflict(_("Участник с таким адресом уже зарегистрирован.")) from exc
    event_emit("session.registered", participant=participant)
    return participant


@transaction.atomic
def participant_invite(
    *,
    session: Session,
    invited_by: Any,
    last_name: str,
    first_name: str,
    email: str,
    group: str,
    patronymic: str = "",
    organisation: str = "",
    position: str = "",
    section: Section | None = None,
) -> Participant:
    """An invitation by the organisers: outside group quotas, no waiting list."""
    _validate_person(
        session=session,
        last_name=last_name,
        first_name=first_name,
        email=email,
        group=group,
        section=section,
    )
    return Participant.objects.create(
        session=session,
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        patronymic=patronymic.strip(),
        email=email.strip().lower(),
        group=group,
        organisation=organisation.strip(),
        position=position.strip(),
        section=section,
        status=ParticipantStatus.INVITED,
        checkin_code=checkin_code_new(),
        invited_by=invited_by if getattr(invited_by, "is_authenticated", False) else None,
    )


@transaction.atomic
def participant_cancel(*, participant: Participant) -> Participant | None:
    """Cancel a registration; the first person waiting in the same group takes the place.

    Returns the promoted participant, if any.
    """
    if participant.status == ParticipantStatus.CANCELLED:
        return None
    was_counted = participant.status == ParticipantStatus.REGISTERED
    participant.status = ParticipantStatus.CANCELLED
    participant.save(update_fields=["status"])
    if not was_counted:
        return None
    session = participant.session
    waiting = (
        Participant.objects.select_for_update()
        .filter(session=session, group=participant.group, status=ParticipantStatus.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is not None and _has_place(session, waiting.group):
        waiting.status = ParticipantStatus.REGISTERED
        waiting.save(update_fields=["status"])
        return waiting
    return None


@transaction.atomic
def participant_check_in(*, session: Session, code: str) -> Participant:
    """Mark arrival by the code from the registration letter."""
    normalized = "".join(code.split()).upper()
    participant = (
        Participant.objects.select_for_update()
        .filter(session=session, checkin_code=normalized)
        .first()
    )
    if participant is None:
        raise NotFound(_("Участник с кодом «%(code)s» не найден.") % {"code": normalized})
    if participant.status not in ACTIVE_STATUSES:
        raise Conflict(
            _("%(name)s — %(status)s, отметить на входе нельзя.")
            % {"name": participant.full_name, "status": participant.get_status_display()}
        )
    if participant.checked_in_at is not None:
        raise Conflict(
            _("%(name)s уже отметился в %(time)s.")
            % {
                "name": participant.full_name,
                "time": timezone.localtime(participant.checked_in_at).strftime("%H:%M"),
            }
        )
    participant.checked_in_at = timezone.now()
    participant.save(update_fields=["checked_in_at"])
    return participant


def group_counts(session: Session) -> dict[str, dict[str, int]]:
    """Per group: registered, invited, waitlisted, checked in; with quotas."""
    result: dict[str, dict[str, int]] = {
        g: {"registered": 0, "invited": 0, "waitlisted": 0, "checked_in": 0, "quota": 0}
        for g in StakeholderGroup.values
    }
    rows = (
        Participant.objects.filter(session=session)
        .values("group", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        if row["status"] in result[row["group"]]:
            result[row["group"]][row["status"]] = row["n"]
    for checked in (
        Participant.objects.filter(session=session, checked_in_at__isnull=False)
        .values("group")
        .annotate(n=Count("pk"))
    ):
        result[checked["group"]]["checked_in"] = checked["n"]
    for quota in GroupQuota.objects.filter(session=session):
        result[quota.group]["quota"] = quota.places
    return result
