"""Personal data of session participants (152-FZ): export and erasure.

Registration keeps a name, e-mail, phone, organisation and position. A user's «download my
data» lists his registrations (matched by account or by his e-mail); erasure — on withdrawn
consent or when the campaign's retention period ends — replaces them with placeholders and
keeps only the stakeholder group and attendance, which the session statistics need.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from civicplan.meetings.models import Participant

ERASED = "—"


def _user_q(user: Any) -> Q:
    return Q(user=user) | Q(email__iexact=user.email)


def export(user: Any) -> dict[str, Any]:
    rows = Participant.objects.filter(_user_q(user)).select_related("session", "section")
    return {
        "session_registrations": [
            {
                "session": p.session.title,
                "starts_at": p.session.starts_at.isoformat(),
                "last_name": p.last_name,
                "first_name": p.first_name,
                "patronymic": p.patronymic,
                "email": p.email,
                "phone": p.phone,
                "group": p.get_group_display(),
                "organisation": p.organisation,
                "position": p.position,
                "section": p.section.title if p.section_id else None,  # type: ignore[union-attr]  # the _id check guarantees the relation
                "status": p.get_status_display(),
                "checked_in_at": p.checked_in_at.isoformat() if p.checked_in_at else None,
            }
            for p in rows
        ]
    }


def erase(*, user: Any = None, campaign: Any = None, dry_run: bool = False) -> int:
    qs = Participant.objects.exclude(last_name=ERASED)
    if user is not None:
        qs = qs.filter(_user_q(user))
    elif campaign is not None:
        qs = qs.filter(session__campaign=campaign)
    else:
        return 0
    if dry_run:
        return qs.count()
    count = 0
    for p in qs.only("pk"):
        Participant.objects.filter(pk=p.pk).update(
            user=None,
            last_name=ERASED,
            first_name=ERASED,
            patronymic="",
            email=f"erased-{p.pk}@invalid",
            phone="",
            organisation="",
            position="",
        )
        count += 1
    return count
