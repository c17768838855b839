"""A moderator of Отрадный cannot see or change a proposal of Кинель — not in lists, not by
guessing its id, not through the pages, the exports or the API (session or token)."""

from __future__ import annotations

import pytest
from django.test import Client

from civicplan.accounts.models import AuditLog
from civicplan.accounts.scopes import PERSONAL_DATA_READ, PROPOSALS_MODERATE
from civicplan.accounts.services.tokens import api_token_issue
from civicplan.proposals.models import Proposal, ProposalStatus
from tests.trust.conftest import KINEL, KINEL_EMAIL, KINEL_TEXT, OTRADNY_TEXT

pytestmark = pytest.mark.django_db

KINEL_SNIPPET = "крытый каток в Кинеле"
OTRADNY_SNIPPET = "улице Гагарина в Отрадном"


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_issue(
        user=user,
        name="Проверка доступа",
        scopes=[PROPOSALS_MODERATE, PERSONAL_DATA_READ],
        lifetime_days=1,
    )
    return {"Authorization": f"Bearer {raw}"}


def _unchanged(proposal: Proposal) -> None:
    fresh = Proposal.objects.get(pk=proposal.pk)
    assert fresh.status == ProposalStatus.NEW
    assert fresh.text == KINEL_TEXT
    assert fresh.municipality_id == proposal.municipality_id
    assert not fresh.status_changes.exclude(actor=None).exists()


def test_queue_pages_show_only_his_municipality(two_towns):
    client = _as(two_towns["otradny_moderator"])
    html = client.get("/proposals/moderation/?status=").content.decode()
    assert OTRADNY_SNIPPET in html and KINEL_SNIPPET not in html
    filtered = client.get(f"/proposals/moderation/?status=&municipality={KINEL}").content.decode()
    assert KINEL_SNIPPET not in filtered
    searched = client.get("/proposals/moderation/?status=&q=каток").content.decode()
    assert KINEL_SNIPPET not in searched
    regional = _as(two_towns["regional_moderator"]).get("/proposals/moderation/?status=")
    assert KINEL_SNIPPET in regional.content.decode(), "the regional moderator sees both"


def test_guessing_the_id_on_pages_reveals_and_changes_nothing(two_towns):
    kinel = two_towns["kinel"]
    client = _as(two_towns["otradny_moderator"])
    for path in (
        f"/proposals/moderation/{kinel.pk}/",
        f"/proposals/moderation/{kinel.pk}/?personal=1",
    ):
        response = client.get(path)
        assert response.status_code in (403, 404), path
        body = response.content.decode()
        assert KINEL_SNIPPET not in body and KINEL_EMAIL not in body
    for action in (
        {"action": "publish"},
        {"action": "status", "status": "under_review"},
        {"action": "reject", "reason_code": "offensive", "note": "x"},
        {"action": "correct", "text": "Подмена текста предложения жителя Кинеля", "reason": "x"},
        {"action": "redact", "text": "Подмена", "reason": "x"},
        {"action": "answer", "text": "Ответ", "status": "accepted"},
    ):
        response = client.post(f"/proposals/moderation/{kinel.pk}/action/", action)
        assert response.status_code in (403, 404), action
    _unchanged(kinel)
    assert not AuditLog.objects.filter(
        object_id=str(kinel.pk), actor=two_towns["otradny_moderator"]
    ).exists()
    own = client.get(f"/proposals/moderation/{two_towns['otradny'].pk}/")
    assert own.status_code == 200 and OTRADNY_SNIPPET in own.content.decode()


def test_exports_of_a_moderator_hold_only_his_municipality(two_towns):
    client = _as(two_towns["otradny_moderator"])
    for query in ("?all=1", "?personal=1", "?personal=1&format=xlsx"):
        response = client.get("/proposals/export/" + query)
        assert response.status_code == 200, query
        body = response.content if b"PK" == response.content[:2] else response.content.decode()
        if isinstance(body, str):
            assert KINEL_SNIPPET not in body and KINEL_EMAIL not in body
            if "personal" in query:
                assert "otradny.author@example.ru" in body, "the test must see his own data"
        else:
            from io import BytesIO

            from openpyxl import load_workbook

            cells = " ".join(
                str(c)
                for row in load_workbook(BytesIO(body)).active.iter_rows(values_only=True)
                for c in row
                if c is not None
            )
            assert KINEL_SNIPPET not in cells and KINEL_EMAIL not in cells
            assert OTRADNY_TEXT[:30] in cells


@pytest.mark.parametrize("auth", ["session", "token"])
def test_api_lists_and_guessed_ids_are_scoped(two_towns, auth):
    moderator = two_towns["otradny_moderator"]
    kinel = two_towns["kinel"]
    if auth == "session":
        client, headers = _as(moderator), {}
    else:
        client, headers = Client(), _bearer(moderator)
    listing = client.get("/api/v1/proposals/moderation/?status=", headers=headers)
    assert listing.status_code == 200
    ids = {item["id"] for item in listing.json()["items"]}
    assert two_towns["otradny"].pk in ids and kinel.pk not in ids
    base = f"/api/v1/proposals/moderation/{kinel.pk}"
    for path in (base, base + "/personal-data"):
        response = client.get(path, headers=headers)
        assert response.status_code in (403, 404), path
        assert KINEL_SNIPPET not in response.content.decode()
        assert KINEL_EMAIL not in response.content.decode()
    writes = {
        "/publish": {"reason": ""},
        "/status": {"status": "under_review", "reason": ""},
        "/reject": {"reason_code": "offensive", "note": "x"},
        "/correct": {"text": "Подмена текста предложения жителя Кинеля", "reason": "x"},
        "/redact": {"text": "Подмена", "reason": "x"},
        "/classify": {"municipality": "36724000000", "reason": "x"},
        "/answer": {"text": "Ответ", "status": "accepted"},
        "/duplicate": {"original": two_towns["otradny"].pk, "note": "x"},
    }
    for suffix, payload in writes.items():
        response = client.post(
            base + suffix, payload, content_type="application/json", headers=headers
        )
        assert response.status_code in (403, 404, 422), (suffix, response.status_code)
        assert response.status_code != 422 or "Кинел" not in response.content.decode()
    own_as_duplicate_of_kinel = client.post(
        f"/api/v1/proposals/moderation/{two_towns['otradny'].pk}/duplicate",
        {"original": kinel.pk, "note": "x"},
        content_type="application/json",
        headers=headers,
    )
    assert own_as_duplicate_of_kinel.status_code in (403, 404)
    _unchanged(kinel)
    assert Proposal.objects.get(pk=two_towns["otradny"].pk).duplicate_of_id is None


def test_token_of_the_kinel_moderator_reaches_kinel_but_only_with_its_scope(two_towns):
    kinel = two_towns["kinel"]
    headers = _bearer(two_towns["kinel_moderator"])
    response = Client().get(f"/api/v1/proposals/moderation/{kinel.pk}", headers=headers)
    assert response.status_code == 200 and response.json()["id"] == kinel.pk
    _token, read_only = api_token_issue(
        user=two_towns["kinel_moderator"],
        name="Только чтение",
        scopes=["proposals:read"],
        lifetime_days=1,
    )
    refused = Client().get(
        f"/api/v1/proposals/moderation/{kinel.pk}", headers={"Authorization": f"Bearer {read_only}"}
    )
    assert refused.status_code == 403


def test_anonymous_and_residents_get_nothing_from_staff_endpoints(two_towns):
    kinel = two_towns["kinel"]
    anonymous = Client()
    assert anonymous.get("/api/v1/proposals/moderation/").status_code == 401
    assert anonymous.get(f"/api/v1/proposals/moderation/{kinel.pk}").status_code == 401
    page = anonymous.get(f"/proposals/moderation/{kinel.pk}/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    from civicplan.accounts.models import User

    resident = _as(User.objects.get(email="resident@civicplan.local"))
    assert resident.get(f"/proposals/moderation/{kinel.pk}/").status_code in (403, 404)
    listing = resident.get("/api/v1/proposals/moderation/?status=")
    assert listing.status_code in (200, 403)
    if listing.status_code == 200:
        assert listing.json()["items"] == []
