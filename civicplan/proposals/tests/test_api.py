"""The same flow through the API: submit with consent, moderate with a token, support, track."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from civicplan.accounts.models import AuditLog, ConsentRecord
from civicplan.accounts.services.tokens import api_token_issue
from civicplan.proposals.models import Proposal, ProposalPersonalData
from civicplan.proposals.tests.conftest import OTRADNY, TEXT, make_resident, published, submit

pytestmark = pytest.mark.django_db

BASE = "/api/v1/proposals"


def body(**overrides: Any) -> dict[str, Any]:
    data = {
        "text": TEXT,
        "municipality": OTRADNY,
        "name": "Анна Петрова",
        "email": "anna.api@example.ru",
        "consent": True,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client: Client, url: str, data: Any = None, token: str | None = None, **extra: Any):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(
        url, json.dumps(data or {}), content_type="application/json", **headers, **extra
    )


def token_for(user: Any, *scopes: str) -> str:
    _record, raw = api_token_issue(user=user, name="Тест", scopes=scopes, lifetime_days=30)
    return raw


def test_full_flow_through_api(client, campaign, otradny_moderator):
    created = post(client, f"{BASE}/", body(), REMOTE_ADDR="10.2.2.2")
    assert created.status_code == 201, created.content
    info = created.json()
    assert info["status"] == "new" and info["tracking_url"].endswith(
        f"/proposals/track/{info['tracking_code']}/"
    )
    assert client.get(f"{BASE}/{info['id']}").status_code == 404  # not yet published

    token = token_for(otradny_moderator, "proposals:moderate")
    queue = client.get(f"{BASE}/moderation/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [row["id"] for row in queue.json()["items"]] == [info["id"]]
    published_ = post(client, f"{BASE}/moderation/{info['id']}/publish", {"reason": ""}, token)
    assert published_.status_code == 200 and published_.json()["status"] == "published"

    listing = client.get(f"{BASE}/", {"municipality": OTRADNY}).json()
    assert [row["id"] for row in listing["items"]] == [info["id"]]
    assert "email" not in listing["items"][0]

    supporter = make_resident("supporter@example.ru")
    supporter_token = token_for(supporter, "proposals:participate")
    support = post(client, f"{BASE}/{info['id']}/support", token=supporter_token)
    assert support.status_code == 200 and support.json()["supports_count"] == 1
    again = post(client, f"{BASE}/{info['id']}/support", token=supporter_token)
    assert again.status_code == 409 and again.json()["code"] == "already_supported"

    track = client.get(f"{BASE}/track/{info['tracking_code']}").json()
    assert [h["to_status"] for h in track["history"]] == ["new", "published"]
    detail = client.get(f"{BASE}/{info['id']}").json()
    assert detail["supports_count"] == 1 and len(detail["history"]) == 2


API_BAD = [
    ("empty text", {"text": ""}, 422, "text_empty"),
    ("too long text", {"text": "а" * 6000}, 422, "text_too_long"),
    ("only HTML", {"text": "<div><span></span></div>" * 5}, 422, "text_markup_only"),
    ("only a link", {"text": "http://example.ru/" + "x" * 40}, 422, "text_link_only"),
    ("missing consent", {"consent": False}, 422, "consent_required"),
    ("unknown municipality", {"municipality": "00000000000"}, 422, "unknown_municipality"),
    ("forged phase", {"phase": 999999}, 422, "phase_mismatch"),
    ("no contact", {"email": ""}, 422, "contact_required"),
]


@pytest.mark.parametrize(
    ("case", "overrides", "status", "code"), API_BAD, ids=[c[0] for c in API_BAD]
)
def test_api_bad_input(client, campaign, case, overrides, status, code):
    response = post(client, f"{BASE}/", body(**overrides))
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["detail"]
    assert (
        Proposal.objects.count()
        == ProposalPersonalData.objects.count()
        == ConsentRecord.objects.count()
        == 0
    )


def test_api_consent_field_is_required(client, campaign):
    data = body()
    del data["consent"]
    response = post(client, f"{BASE}/", data)
    assert response.status_code == 422
    assert Proposal.objects.count() == 0


def test_api_same_proposal_twice(client, campaign):
    assert post(client, f"{BASE}/", body()).status_code == 201
    second = post(client, f"{BASE}/", body())
    assert second.status_code == 409 and second.json()["code"] == "duplicate_submission"
    assert Proposal.objects.count() == 1


def test_api_script_is_returned_as_plain_text(client, campaign, otradny_moderator):
    proposal = published(
        campaign, otradny_moderator, text="<script>alert(1)</script> Нужна остановка у больницы."
    )
    assert client.get(f"{BASE}/{proposal.pk}").json()["text"].startswith("<script>")
    assert client.get(f"{BASE}/{proposal.pk}")["Content-Type"].startswith("application/json")


def test_staff_endpoints_need_token_with_scope_and_territory(
    client, campaign, otradny_moderator, kinel_moderator
):
    proposal = submit(campaign)
    assert client.get(f"{BASE}/moderation/").status_code == 401
    read_only = token_for(otradny_moderator, "proposals:read")
    response = post(client, f"{BASE}/moderation/{proposal.pk}/publish", {}, read_only)
    assert response.status_code == 403 and response.json()["code"] == "scope_missing"
    other = token_for(kinel_moderator, "proposals:moderate")
    # Out of territory answers exactly like a missing id: 404, the same body
    foreign = post(client, f"{BASE}/moderation/{proposal.pk}/publish", {}, other)
    missing = post(client, f"{BASE}/moderation/99999999/publish", {}, other)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    read = client.get(f"{BASE}/moderation/{proposal.pk}", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert read.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "new"


def test_personal_data_endpoint_is_audited(client, campaign, otradny_moderator):
    proposal = submit(campaign)
    without = token_for(otradny_moderator, "proposals:moderate")
    assert (
        client.get(
            f"{BASE}/moderation/{proposal.pk}/personal-data", HTTP_AUTHORIZATION=f"Bearer {without}"
        ).status_code
        == 403
    )
    token = token_for(otradny_moderator, "proposals:moderate", "personal_data:read")
    response = client.get(
        f"{BASE}/moderation/{proposal.pk}/personal-data", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200 and response.json()["name"] == "Анна Петрова"
    assert (
        AuditLog.objects.filter(
            action="proposal.personal_data.read", actor=otradny_moderator
        ).count()
        == 1
    )


def test_moderation_endpoints(client, campaign, otradny_moderator):
    token = token_for(otradny_moderator, "proposals:moderate")
    original = published(
        campaign, otradny_moderator, text="Отремонтировать дорогу на улице Гагарина, там ямы."
    )
    copy = submit(campaign)
    dup = post(client, f"{BASE}/moderation/{copy.pk}/duplicate", {"original": original.pk}, token)
    assert dup.status_code == 200 and dup.json()["duplicate_of"] == original.pk
    rejected = post(
        client, f"{BASE}/moderation/{original.pk}/reject", {"reason_code": "nonsense"}, token
    )
    assert rejected.status_code == 422
    answer = post(
        client,
        f"{BASE}/moderation/{original.pk}/answer",
        {
            "text": "Ремонт дороги включён в план на 2027 год.",
            "organisation": "Минтранс",
            "status": "accepted",
        },
        token,
    )
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    bad = post(client, f"{BASE}/moderation/{original.pk}/status", {"status": "new"}, token)
    assert bad.status_code == 409


def test_openapi_lists_error_responses(client, campaign):
    schema = client.get("/api/v1/openapi.json").json()
    create = schema["paths"]["/api/v1/proposals/"]["post"]["responses"]
    assert {"201", "409", "422", "429"} <= set(create)
    publish = schema["paths"]["/api/v1/proposals/moderation/{pk}/publish"]["post"]["responses"]
    assert {"200", "401", "403", "404", "409"} <= set(publish)


def test_comment_through_api_waits_for_moderation(client, campaign, otradny_moderator):
    proposal = published(campaign, otradny_moderator)
    token = token_for(make_resident("talk@example.ru"), "proposals:participate")
    response = post(
        client, f"{BASE}/{proposal.pk}/comments", {"text": "Согласен, тротуар нужен."}, token
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert client.get(f"{BASE}/{proposal.pk}/comments").json() == []


def test_supports_and_comments_need_the_participate_scope(client, campaign, otradny_moderator):
    # Given a published proposal, a resident's read-only token and a facilitator's session token
    from django.utils import timezone

    from civicplan.accounts.models import User

    proposal = published(campaign, otradny_moderator)
    facilitator = User.objects.get(email="facilitator@civicplan.local")
    facilitator.email_confirmed_at = timezone.now()
    facilitator.save(update_fields=["email_confirmed_at"])
    tokens = [
        token_for(make_resident("reader@example.ru"), "proposals:read"),
        token_for(facilitator, "meetings:manage"),
    ]
    for token in tokens:
        # When such a token supports or comments
        support = post(client, f"{BASE}/{proposal.pk}/support", token=token)
        comment = post(client, f"{BASE}/{proposal.pk}/comments", {"text": "Согласен."}, token)
        unsupport = client.delete(
            f"{BASE}/{proposal.pk}/support", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        # Then it is refused for the missing scope and nothing is written
        for response in (support, comment, unsupport):
            assert response.status_code == 403 and response.json()["code"] == "scope_missing"
    proposal.refresh_from_db()
    assert proposal.supports_count == 0 and proposal.comments.count() == 0
