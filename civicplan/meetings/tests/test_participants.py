"""Registration with consent, quotas and the waiting list, invitations, check-in, materials."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicplan.accounts.models import ConsentRecord
from civicplan.core.errors import Conflict, InvalidInput, NotFound
from civicplan.meetings import services
from civicplan.meetings.models import Material, Participant

from .conftest import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_session(demo_campaign):  # type: ignore[no-untyped-def]
    return make_session(demo_campaign, state="registration")


def _register(session, email, group="business", **extra):  # type: ignore[no-untyped-def]
    return services.participant_register(
        session=session,
        last_name=extra.pop("last_name", "Иванов"),
        first_name=extra.pop("first_name", "Сергей"),
        patronymic="Петрович",
        email=email,
        group=group,
        organisation="ООО «Волга-Агро»",
        position="директор",
        consent_given=extra.pop("consent_given", True),
        ip="10.0.0.1",
        user_agent="pytest",
        **extra,
    )


def test_registration_stores_consent_to_the_current_policy(open_session) -> None:
    p = _register(open_session, "Ivanov@Volga-agro.ru")
    assert p.status == "registered" and p.email == "ivanov@volga-agro.ru"
    assert p.consent.policy.kind == "personal-data"
    assert p.consent.ip_hash and "10.0.0.1" not in p.consent.ip_hash
    assert len(p.checkin_code) == 8


def test_registration_without_consent_stores_nothing(open_session) -> None:
    consents = ConsentRecord.objects.count()
    with pytest.raises(InvalidInput, match="согласия"):
        _register(open_session, "a@example.ru", consent_given=False)
    assert Participant.objects.count() == 0 and ConsentRecord.objects.count() == consents


def test_registration_checks_fields_and_duplicates(open_session, demo_campaign) -> None:
    with pytest.raises(InvalidInput) as info:
        _register(open_session, "не-почта", last_name=" ", group="aliens")
    fields = {e["field"] for e in info.value.errors}
    assert fields == {"last_name", "email", "group"}
    _register(open_session, "petrova@samregion.ru")
    with pytest.raises(Conflict, match="уже зарегистрирован"):
        _register(open_session, "PETROVA@samregion.ru")
    closed = make_session(demo_campaign, title="Закрытая", state="planned")
    with pytest.raises(Conflict, match="закрыта"):
        _register(closed, "x@example.ru")


def test_full_group_goes_to_waiting_list_and_moves_up_on_cancellation(open_session) -> None:
    services.quota_set(session=open_session, group="youth", places=1)
    first = _register(open_session, "first@example.ru", group="youth")
    second = _register(open_session, "second@example.ru", group="youth")
    other_group = _register(open_session, "expert@example.ru", group="expert")
    assert (first.status, second.status, other_group.status) == (
        "registered",
        "waitlisted",
        "registered",
    )
    promoted = services.participant_cancel(participant=first)
    assert promoted == second
    second.refresh_from_db()
    assert second.status == "registered"
    counts = services.group_counts(open_session)
    assert counts["youth"] == {
        "registered": 1,
        "invited": 0,
        "waitlisted": 0,
        "checked_in": 0,
        "quota": 1,
    }


def test_invitation_bypasses_quota_and_check_in_works_once(open_session, demo_campaign) -> None:
    services.quota_set(session=open_session, group="government", places=0)
    from civicplan.accounts.models import User

    organiser = User.objects.get(email="facilitator@civicplan.local")
    guest = services.participant_invite(
        session=open_session,
        invited_by=organiser,
        last_name="Сидорова",
        first_name="Мария",
        email="sidorova@samregion.ru",
        group="government",
    )
    assert guest.status == "invited" and guest.consent is None
    checked = services.participant_check_in(
        session=open_session, code=guest.checkin_code.lower()[:4] + " " + guest.checkin_code[4:]
    )
    assert checked.checked_in_at is not None
    with pytest.raises(Conflict, match="уже отметился"):
        services.participant_check_in(session=open_session, code=guest.checkin_code)
    with pytest.raises(NotFound):
        services.participant_check_in(session=open_session, code="ZZZZZZZZ")


def test_waitlisted_person_cannot_check_in(open_session) -> None:
    services.quota_set(session=open_session, group="public", places=0)
    p = _register(open_session, "wait@example.ru", group="public")
    with pytest.raises(Conflict, match="листе ожидания"):
        services.participant_check_in(session=open_session, code=p.checkin_code)


def test_material_is_checked_by_content(open_session, tmp_path, settings) -> None:
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("program.pdf", b"%PDF-1.4\n%test\n" + b"0" * 100)
    material = services.material_add(session=open_session, title="Программа сессии", upload=pdf)
    assert material.kind == "PDF" and material.file.name.endswith(".pdf")
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf at all")
    with pytest.raises(InvalidInput, match="не похож"):
        services.material_add(session=open_session, title="Подделка", upload=fake)
    with pytest.raises(InvalidInput, match="название"):
        services.material_add(session=open_session, title=" ", upload=io.BytesIO(b"%PDF-1.4"))
    assert Material.objects.count() == 1


def test_session_dates_and_place_are_validated(demo_campaign) -> None:
    import datetime

    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(InvalidInput, match="раньше"):
        make_session(demo_campaign, starts_at=now, ends_at=now - datetime.timedelta(hours=1))
    with pytest.raises(InvalidInput, match="ссылку"):
        make_session(demo_campaign, format="online", place="")


def test_personal_data_is_exported_and_erased_but_statistics_stay(open_session) -> None:
    from civicplan.accounts.models import User
    from civicplan.meetings.services import personal_data

    user = User.objects.get(email="resident@civicplan.local")
    p = _register(open_session, "resident@civicplan.local", group="public", user=user)
    services.participant_check_in(session=open_session, code=p.checkin_code)
    exported = personal_data.export(user)["session_registrations"]
    assert exported[0]["last_name"] == "Иванов" and exported[0]["group"] == "общественность"
    assert personal_data.erase(user=user, dry_run=True) == 1
    assert personal_data.erase(user=user) == 1
    p.refresh_from_db()
    assert (p.last_name, p.email, p.organisation) == ("—", f"erased-{p.pk}@invalid", "")
    assert p.group == "public" and p.checked_in_at is not None
    assert services.group_counts(open_session)["public"]["checked_in"] == 1
