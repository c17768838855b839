"""The commenter hears of the decision by e-mail, with the link to the comment's page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from civicplan.accounts.models import AuditLog
from civicplan.drafts.models import Decision
from civicplan.drafts.services.decisions import comment_decide
from civicplan.drafts.tests.answers_data import discussion_make

pytestmark = pytest.mark.django_db


def test_a_decision_is_kept_with_its_reason_audited_and_mailed_to_the_author(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    found = discussion_make(world.campaign)
    comment = found.comments["earlier"]

    with django_capture_on_commit_callbacks(execute=True):
        comment_decide(
            comment=comment,
            decision=Decision.PARTLY,
            reason="Срок ремонта дорог сокращён до 2028 года для трасс в малые города.",
            actor=found.editor,
        )

    comment.refresh_from_db()
    assert comment.decision == Decision.PARTLY
    assert comment.decided_by == found.editor and comment.decided_at is not None
    entry = AuditLog.objects.get(action="drafts.comment_decide", object_id=str(comment.pk))
    assert entry.details["previous_decision"] == Decision.NONE
    (letter,) = mail.outbox
    assert letter.to == ["anna@example.ru"]
    assert "учтено частично" in letter.subject
    assert "сокращён до 2028 года" in letter.body
    assert comment.tracking_token in letter.body


def test_no_letter_without_an_address_and_none_for_the_same_decision_twice(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    found = discussion_make(world.campaign)
    with django_capture_on_commit_callbacks(execute=True):
        comment_decide(
            comment=found.comments["sooner"],
            decision=Decision.ACCEPTED,
            reason="",
            actor=found.editor,
        )
        comment_decide(
            comment=found.comments["earlier"],
            decision=Decision.ACCEPTED,
            reason="",
            actor=found.editor,
        )
        comment_decide(
            comment=found.comments["earlier"],
            decision=Decision.ACCEPTED,
            reason="",
            actor=found.editor,
        )

    assert len(mail.outbox) == 1  # only «earlier» left an address, and only once
