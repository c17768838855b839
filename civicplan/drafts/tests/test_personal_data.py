"""Commenters' personal data is exported and erased like the proposals' authors'."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from civicplan.accounts.models import User
from civicplan.accounts.services.personal_data import personal_data_erase, personal_data_export
from civicplan.campaigns.retention import retention_run
from civicplan.drafts.models import DraftCommentPersonalData, DraftCommentSupport
from civicplan.drafts.services import comment_support
from civicplan.drafts.testing import comment_make, draft_make, paragraph_with, version_published

pytestmark = pytest.mark.django_db


def _comment(world: Any, user: User | None = None, n: int = 1) -> Any:
    version = version_published(draft_make(world.campaign, world.editor), world.editor)
    comment = comment_make(paragraph_with(version, "Малые города"), n)
    if user is not None:
        comment.user = user
        comment.save(update_fields=["user"])
    return comment


def test_download_my_data_lists_my_draft_comments(world: Any) -> None:
    user = User.objects.create_user(email="anna1@example.ru", password="x-9f8e7d6c")
    _comment(world, user)

    data = personal_data_export(user=user)

    assert data["draft_comments"][0]["email"] == "anna1@example.ru"
    assert data["draft_comments"][0]["text"].startswith("Прошу уточнить")


def test_erasure_blanks_the_author_and_keeps_the_comment(world: Any) -> None:
    user = User.objects.create_user(email="anna1@example.ru", password="x-9f8e7d6c")
    comment = _comment(world, user)
    comment.status = "published"
    comment.save(update_fields=["status"])
    supporter = User.objects.create_user(email="petr@example.ru", password="x-9f8e7d6c")
    comment_support(comment=comment, user=supporter)

    personal_data_erase(user=user)
    personal_data_erase(user=supporter)

    comment.refresh_from_db()
    data = DraftCommentPersonalData.objects.get(comment=comment)
    assert (data.name, data.email, data.phone) == ("", "", "")
    assert data.erased_at is not None
    assert comment.user is None and comment.author_display_name == ""
    assert comment.body.startswith("Прошу уточнить")
    assert not DraftCommentSupport.objects.filter(comment=comment).exists()
    assert comment.support_count == 0


def test_retention_erases_the_campaigns_commenters(world: Any) -> None:
    comment = _comment(world)
    world.campaign.ends_on = timezone.localdate().replace(year=2020)
    world.campaign.retention_days = 30
    world.campaign.save()

    retention_run()

    data = DraftCommentPersonalData.objects.get(comment=comment)
    assert data.email == "" and data.erased_at is not None
