"""The API: everyone reads the discussion and the decisions; decisions need the token's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from civicplan.accounts.scopes import DRAFTS_ANSWER, DRAFTS_PARTICIPATE
from civicplan.accounts.services.tokens import api_token_issue
from civicplan.drafts.models import (
    Decision,
    DraftComment,
    DraftParagraph,
    DraftVersion,
    VersionStatus,
)
from civicplan.drafts.services.decisions import comment_decide, paragraph_answers_set
from civicplan.drafts.tests.answers_data import discussion_make

pytestmark = pytest.mark.django_db


def _bearer(user: Any, scopes: list[str]) -> dict[str, str]:
    _token, raw = api_token_issue(user=user, name="Рабочая группа", scopes=scopes, lifetime_days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_everyone_reads_published_comments_without_contacts(world: Any) -> None:
    found = discussion_make(world.campaign)
    client = Client()

    response = client.get(f"/api/v1/drafts/versions/{found.version.pk}/comments")

    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 5  # the comment waiting for moderation is not there
    assert {i["author"] for i in items} >= {"Анна из Сызрани", "ООО «Волга-Агро»", "Житель"}
    body = response.content.decode()
    for secret in ("anna@example.ru", "Пётр Иванов", "+79277654321", "tracking_token"):
        assert secret not in body
    drafts = client.get("/api/v1/drafts/").json()
    assert drafts[0]["versions"][0]["number"] == 1
    paragraphs = client.get(f"/api/v1/drafts/versions/{found.version.pk}/paragraphs").json()
    assert [p["comments_count"] for p in paragraphs["items"]] == [3, 2]


def test_a_decision_needs_the_answer_scope_and_is_then_public(world: Any) -> None:
    found = discussion_make(world.campaign)
    comment = found.comments["health"]
    client = Client()
    url = f"/api/v1/drafts/comments/{comment.pk}/decision"
    payload = {"decision": "declined", "reason": "Показатель уже есть в разделе 4."}

    anonymous = client.post(url, payload, content_type="application/json")
    narrow = client.post(
        url, payload, content_type="application/json", **_bearer(found.editor, [DRAFTS_PARTICIPATE])
    )
    granted = client.post(
        url, payload, content_type="application/json", **_bearer(found.editor, [DRAFTS_ANSWER])
    )

    assert anonymous.status_code == 401
    assert narrow.status_code == 403 and narrow.json()["code"] == "scope_missing"
    assert granted.status_code == 200
    assert granted.json()["decision_label"] == "не учтено"
    summary = client.get(f"/api/v1/drafts/versions/{found.version.pk}/summary").json()
    row = next(r for r in summary["items"] if r["comment"] == comment.pk)
    assert (row["decision_label"], row["reason"]) == (
        "Не учтено",
        "Показатель уже есть в разделе 4.",
    )


def test_a_declined_decision_without_reason_is_a_clear_422(world: Any) -> None:
    found = discussion_make(world.campaign)
    response = Client().post(
        f"/api/v1/drafts/comments/{found.comments['health'].pk}/decision",
        {"decision": "declined", "reason": ""},
        content_type="application/json",
        **_bearer(found.editor, [DRAFTS_ANSWER]),
    )

    assert response.status_code == 422
    assert "укажите обоснование" in response.json()["detail"]
    assert DraftComment.objects.get(pk=found.comments["health"].pk).decision == Decision.NONE


def test_the_comparison_names_the_accepted_comment_a_change_answers(world: Any) -> None:
    found = discussion_make(world.campaign)
    amendment = found.comments["amendment"]
    comment_decide(comment=amendment, decision=Decision.ACCEPTED, reason="", actor=found.editor)
    second = DraftVersion.objects.create(
        draft=found.draft, number=2, based_on=found.version, status=VersionStatus.OPEN
    )
    DraftParagraph.objects.create(
        version=second, order=1, number="2.1", lineage=found.roads.lineage, text=found.roads.text
    )
    centres = DraftParagraph.objects.create(
        version=second,
        order=2,
        number="2.2",
        lineage=found.centres.lineage,
        text="Создать 15 центров поддержки предпринимательства в малых городах и сёлах.",
    )
    paragraph_answers_set(paragraph=centres, comments=[amendment], actor=found.editor)

    data = Client().get(f"/api/v1/drafts/versions/{found.version.pk}/compare/{second.pk}").json()

    assert (data["changed"], data["same"]) == (1, 1)
    (change,) = data["changes"]
    assert change["answers"] == [amendment.pk]
    assert {"kind": "del", "text": "10 "} in change["segments"]
    assert {"kind": "ins", "text": "15 "} in change["segments"]


def test_a_resident_comments_with_a_token_and_after_the_deadline_is_refused_with_the_date(
    world: Any,
) -> None:
    import datetime as dt

    from django.utils import timezone

    from civicplan.accounts.models import User
    from civicplan.drafts.models import ModerationStatus

    found = discussion_make(world.campaign)
    resident = User.objects.create_user(
        email="olga@example.ru", password="pass-12345-x", first_name="Ольга"
    )
    headers = _bearer(resident, [DRAFTS_PARTICIPATE])
    url = f"/api/v1/drafts/paragraphs/{found.centres.pk}/comments"
    payload = {
        "kind": "amendment",
        "proposed_text": "Создать 12 центров поддержки предпринимательства и ремёсел.",
        "body": "Ремёсла — важная часть экономики малых городов.",
        "consent": True,
    }

    late = Client().post(url, payload, content_type="application/json", **headers)
    found.version.discussion_closes = timezone.localdate() + dt.timedelta(days=10)
    found.version.save(update_fields=["discussion_closes"])
    accepted = Client().post(url, payload, content_type="application/json", **headers)

    assert late.status_code == 409 and "30 ноября 2026" in late.json()["detail"]
    assert accepted.status_code == 201
    comment = DraftComment.objects.get(pk=accepted.json()["id"])
    assert comment.status == ModerationStatus.PENDING and comment.user == resident
    assert comment.personal_data.email == "olga@example.ru"
