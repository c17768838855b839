"""Commenters' personal data is exported and erased like the proposals' authors'."""

from __future__ import annotations

from typing import Any

import pytest

from civicplan.accounts.models import User
from civicplan.accounts.personal_data import personal_data_erase, personal_data_export
from civicplan.drafts.models import (
    AuthorKind,
    Draft,
    DraftComment,
    DraftCommentPersonalData,
    DraftCommentSupport,
    DraftParagraph,
    DraftVersion,
)

pytestmark = pytest.mark.django_db


def _comment(campaign: Any, user: User | None) -> DraftComment:
    draft = Draft.objects.create(
        strategy=campaign.strategy, campaign=campaign, title="Проект стратегии до 2036 года"
    )
    version = DraftVersion.objects.create(draft=draft, number=1)
    paragraph = DraftParagraph.objects.create(
        version=version, order=1, number="1", text="Развитие малых городов области."
    )
    comment = DraftComment.objects.create(
        paragraph=paragraph,
        body="Добавить поддержку ремесленных ярмарок в малых городах.",
        author_kind=AuthorKind.RESIDENT,
        author_display_name="Анна из Сызрани",
        user=user,
    )
    DraftCommentPersonalData.objects.create(
        comment=comment, name="Анна Петрова", email="anna@example.ru", phone="+79270000000"
    )
    return comment


def test_download_my_data_lists_my_draft_comments(demo_campaign: Any) -> None:
    user = User.objects.create_user(email="anna@example.ru", password="x-9f8e7d6c")
    _comment(demo_campaign, user)

    data = personal_data_export(user=user)

    assert data["draft_comments"][0]["email"] == "anna@example.ru"
    assert data["draft_comments"][0]["text"].startswith("Добавить поддержку")


def test_erasure_blanks_the_author_and_keeps_the_comment(demo_campaign: Any) -> None:
    user = User.objects.create_user(email="anna@example.ru", password="x-9f8e7d6c")
    comment = _comment(demo_campaign, user)
    DraftCommentSupport.objects.create(comment=comment, user=user)

    personal_data_erase(user=user)

    comment.refresh_from_db()
    data = DraftCommentPersonalData.objects.get(comment=comment)
    assert (data.name, data.email, data.phone) == ("", "", "")
    assert data.erased_at is not None
    assert comment.user is None and comment.author_display_name == ""
    assert comment.body.startswith("Добавить поддержку")
    assert not DraftCommentSupport.objects.filter(comment=comment).exists()
