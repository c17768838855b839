"""An author withdraws consent from the fate page: a link goes to his e-mail, his name and
contacts are erased only when he confirms; the comment stays without his name."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from civicplan.drafts.models import DraftCommentPersonalData
from civicplan.drafts.services import versions_close_expired
from civicplan.drafts.testing import comment_make, draft_make, paragraph_with, version_published

pytestmark = pytest.mark.django_db


def test_withdrawal_waits_for_the_link_from_the_email(
    world: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    version = version_published(draft_make(world.campaign, world.editor), world.editor)
    comment = comment_make(paragraph_with(version, "Малые города"), 3)
    fate = reverse("drafts:fate", args=[comment.tracking_token])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("drafts:withdraw", args=[comment.tracking_token]), {"confirm": "yes"})

    data = DraftCommentPersonalData.objects.get(comment=comment)
    assert data.email == "anna3@example.ru"  # nothing erased yet
    letter = mail.outbox[-1]
    assert letter.to == ["anna3@example.ru"] and "Подтвердите отзыв согласия" in letter.subject
    path = re.search(r"/drafts/withdraw/\S+/", letter.body).group(0)
    assert client.get(path).status_code == 200  # a mail scanner opening the link erases nothing
    data.refresh_from_db()
    assert data.erased_at is None

    client.post(path)

    data.refresh_from_db()
    comment.refresh_from_db()
    assert (data.name, data.email, data.erased_at is not None) == ("", "", True)
    assert data.consent.withdrawn_at is not None
    assert comment.author_display_name == "" and comment.body
    assert "Согласие отозвано" in client.get(fate).content.decode()


def test_a_forged_link_erases_nothing(world: Any, client: Client) -> None:
    version = version_published(draft_make(world.campaign, world.editor), world.editor)
    comment = comment_make(paragraph_with(version, "Малые города"), 4)
    answer = client.post(reverse("drafts:withdraw_confirm", args=["поддельная-ссылка"]))
    assert answer.status_code == 404
    assert DraftCommentPersonalData.objects.get(comment=comment).erased_at is None


def test_expired_discussions_are_marked_closed(world: Any) -> None:
    import datetime

    version = version_published(draft_make(world.campaign, world.editor), world.editor)
    assert versions_close_expired(today=version.discussion_closes) == 0
    assert versions_close_expired(today=version.discussion_closes + datetime.timedelta(days=1)) == 1
    version.refresh_from_db()
    assert version.status == "closed"
