"""A resident downloads a copy of his data and withdraws consent (erasure)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from civicplan.accounts.models import AuditLog, ConsentRecord, PolicyDocument, Role, User
from civicplan.accounts.services import consent_record_create, policy_publish
from civicplan.accounts.services.personal_data import personal_data_erase
from civicplan.accounts.tests.factories import staff_create, user_create
from civicplan.core import registry
from civicplan.core.errors import Forbidden

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(db):
    user = user_create("smirnova@example.ru", first_name="Елена", last_name="Смирнова")
    policy = policy_publish(
        kind=PolicyDocument.Kind.PERSONAL_DATA, version="1.0", title="Согласие", text="Текст"
    )
    consent_record_create(policy=policy, ip="192.0.2.1", user_agent="Firefox", user=user)
    return user


@pytest.fixture
def plugged_app(monkeypatch):
    """An app that keeps personal data, plugged in through the registry."""
    erased: list[int] = []

    def export(user):
        return {"sessions": [{"title": "Стратегическая сессия в Отрадном", "email": user.email}]}

    def erase(*, user=None, campaign=None, dry_run=False):
        erased.append(user.pk)
        return 3

    monkeypatch.setattr(registry, "_PD_EXPORTERS", [export])
    monkeypatch.setattr(registry, "_PD_ERASERS", [erase])
    return erased


def test_resident_downloads_everything_about_him(client, resident, plugged_app):
    client.force_login(resident)
    response = client.get(reverse("accounts:data_export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == "smirnova@example.ru"
    assert data["account"]["last_name"] == "Смирнова"
    assert data["consents"][0]["version"] == "1.0"
    assert data["sessions"][0]["title"] == "Стратегическая сессия в Отрадном"
    assert AuditLog.objects.filter(action="personal_data.export", actor=resident).exists()


def test_withdrawing_consent_erases_the_account_but_keeps_a_trace(client, resident, plugged_app):
    client.force_login(resident)
    refused = client.post(reverse("accounts:data_erase"), {})
    assert refused.status_code == 400 and "Подтвердите удаление" in refused.content.decode()
    assert User.objects.filter(pk=resident.pk).exists()

    response = client.post(reverse("accounts:data_erase"), {"confirm": "on"})
    assert "Данные удалены" in response.content.decode()
    assert not User.objects.filter(email="smirnova@example.ru").exists()
    closed = User.objects.get(pk=resident.pk)
    assert (closed.first_name, closed.last_name, closed.is_active) == ("", "", False)
    assert not closed.has_usable_password()
    assert plugged_app == [resident.pk]
    consent = ConsentRecord.objects.get()
    assert consent.withdrawn_at is not None and consent.user is None and consent.user_agent == ""
    entry = AuditLog.objects.get(action="personal_data.erase")
    assert entry.object_id == str(resident.pk) and entry.details["consents_withdrawn"] == 1
    assert "_auth_user_id" not in client.session


def test_staff_accounts_are_not_erased_from_the_profile(samara):
    analyst = staff_create("analyst@samregion.ru", role=Role.ANALYST, region=samara)
    with pytest.raises(Forbidden):
        personal_data_erase(user=analyst)
    assert User.objects.filter(pk=analyst.pk).exists()
