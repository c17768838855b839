"""Personal API tokens: shown once, stored hashed, scoped, expiring, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Status
from ninja.testing import TestClient

from civicplan.accounts.auth import api_auth, require_scope
from civicplan.accounts.models import ApiToken, AuditLog, Role
from civicplan.accounts.scopes import PERSONAL_DATA_READ, PROPOSALS_MODERATE, PROPOSALS_READ
from civicplan.accounts.services.tokens import api_token_issue, api_token_revoke
from civicplan.accounts.tests.factories import staff_create, user_create
from civicplan.core.api import ErrorOut
from civicplan.core.errors import DomainError, Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.django_db

router = Router()


@router.get("/moderation/", auth=api_auth, response={200: dict, 403: ErrorOut})
def moderation(request):
    try:
        user = require_scope(request, PROPOSALS_MODERATE)
    except DomainError as exc:
        return Status(403, exc.as_dict())
    return Status(200, {"email": user.email})


@pytest.fixture
def moderator(samara):
    from civicplan.territories.models import Municipality

    otradny = Municipality.objects.get(oktmo="36724000000")
    return staff_create("moderator@otradny.ru", role=Role.MUNICIPAL_MODERATOR, municipality=otradny)


def test_token_is_shown_once_and_only_its_hash_is_kept(moderator):
    token, raw = api_token_issue(
        user=moderator, name="Выгрузка для отдела", scopes=[PROPOSALS_MODERATE], lifetime_days=30
    )
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw.startswith("cp_") and len(raw) > 40
    assert raw not in (stored.token_hash, stored.prefix) and raw.startswith(stored.prefix)
    assert AuditLog.objects.filter(action="api_token.issue", object_id=str(token.pk)).exists()


def test_token_authenticates_and_carries_only_its_scopes(moderator):
    _token, raw = api_token_issue(
        user=moderator, name="Модерация", scopes=[PROPOSALS_MODERATE], lifetime_days=30
    )
    _other, read_only = api_token_issue(
        user=moderator, name="Чтение", scopes=[PROPOSALS_READ], lifetime_days=30
    )
    client = TestClient(router)
    ok = client.get("/moderation/", headers={"Authorization": f"Bearer {raw}"})
    assert ok.status_code == 200 and ok.json() == {"email": "moderator@otradny.ru"}
    refused = client.get("/moderation/", headers={"Authorization": f"Bearer {read_only}"})
    assert refused.status_code == 403
    assert "proposals:moderate" in refused.json()["detail"]
    assert client.get("/moderation/").status_code == 401
    assert (
        client.get("/moderation/", headers={"Authorization": "Bearer cp_guess"}).status_code == 401
    )
    assert ApiToken.objects.get(name="Модерация").last_used_at is not None


def test_revoked_and_expired_tokens_are_refused(moderator):
    token, raw = api_token_issue(
        user=moderator, name="Старый", scopes=[PROPOSALS_MODERATE], lifetime_days=30
    )
    client = TestClient(router)
    api_token_revoke(user=moderator, token_id=token.pk)
    assert client.get("/moderation/", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    expired, raw2 = api_token_issue(
        user=moderator, name="Истёкший", scopes=[PROPOSALS_MODERATE], lifetime_days=1
    )
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert (
        client.get("/moderation/", headers={"Authorization": f"Bearer {raw2}"}).status_code == 401
    )


def test_token_of_a_deactivated_user_stops_working(moderator):
    _token, raw = api_token_issue(
        user=moderator, name="Модерация", scopes=[PROPOSALS_MODERATE], lifetime_days=30
    )
    moderator.is_active = False
    moderator.save()
    client = TestClient(router)
    assert client.get("/moderation/", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_resident_cannot_give_himself_staff_scopes(db):
    resident = user_create("petrov@example.ru")
    with pytest.raises(Forbidden, match="personal_data:read"):
        api_token_issue(user=resident, name="Хитрый", scopes=[PERSONAL_DATA_READ], lifetime_days=30)
    token, _raw = api_token_issue(
        user=resident, name="Мои предложения", scopes=[PROPOSALS_READ], lifetime_days=30
    )
    assert token.scopes == [PROPOSALS_READ]


@pytest.mark.parametrize(
    ("name", "scopes", "days", "field"),
    [
        ("", [PROPOSALS_READ], 30, "name"),
        ("Токен", [], 30, "scopes"),
        ("Токен", ["proposals:delete_all"], 30, "scopes"),
        ("Токен", [PROPOSALS_READ], 0, "lifetime_days"),
        ("Токен", [PROPOSALS_READ], 5000, "lifetime_days"),
    ],
)
def test_bad_token_requests_are_refused_and_nothing_is_stored(db, name, scopes, days, field):
    user = user_create()
    with pytest.raises(InvalidInput) as error:
        api_token_issue(user=user, name=name, scopes=scopes, lifetime_days=days)
    assert error.value.field == field
    assert not ApiToken.objects.exists()


def test_one_cannot_revoke_someone_elses_token(moderator):
    token, _raw = api_token_issue(
        user=moderator, name="Модерация", scopes=[PROPOSALS_MODERATE], lifetime_days=30
    )
    stranger = user_create("stranger@example.ru")
    with pytest.raises(NotFound):
        api_token_revoke(user=stranger, token_id=token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_tokens_page_issues_shows_once_and_revokes(client, moderator):
    client.force_login(moderator)
    url = reverse("accounts:tokens")
    page = client.get(url)
    assert "модерация предложений" in page.content.decode()
    assert "редактирование стратегии" not in page.content.decode()
    response = client.post(
        url,
        {"name": "Для отчёта", "scopes": [PROPOSALS_MODERATE], "lifetime_days": 90},
        follow=True,
    )
    html = response.content.decode()
    token = ApiToken.objects.get(name="Для отчёта")
    assert "больше он показан не будет" in html
    shown = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert shown.startswith(token.prefix)
    again = client.get(url).content.decode()
    assert shown not in again and token.prefix in again
    refused = client.post(url, {"name": "", "scopes": [PROPOSALS_MODERATE], "lifetime_days": 90})
    assert refused.status_code == 400 and ApiToken.objects.count() == 1
    client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_tokens_page_needs_sign_in(client):
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
