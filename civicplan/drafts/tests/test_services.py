"""Publishing, the next version, editing, and comments: the rules a resident and an editor
notice (dates, duplicates, empty texts, passages, moderation, supports)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from civicplan.core.errors import Conflict, Forbidden, InvalidInput
from civicplan.drafts.models import DraftComment, DraftCommentPersonalData, VersionStatus
from civicplan.drafts.selectors import comment_counts, paragraph_discussion, reading
from civicplan.drafts.services import (
    CommentInput,
    comment_moderate,
    comment_submit,
    comment_support,
    paragraph_edit,
    paragraph_links_set,
    passage_locate,
    version_create_next,
    version_publish,
)
from civicplan.drafts.testing import (
    SMALL_TOWNS,
    author,
    comment_make,
    draft_make,
    paragraph_with,
    version_imported,
    version_published,
)

pytestmark = pytest.mark.django_db


def test_publishing_takes_the_dates_of_the_discussion_phase(world: Any) -> None:
    version = version_imported(draft_make(world.campaign, world.editor), world.editor)

    version_publish(version=version, actor=world.editor)

    version.refresh_from_db()
    phase = world.campaign.phases.get(kind="discussion")
    assert version.status == VersionStatus.OPEN
    assert (version.discussion_opens, version.discussion_closes) == (phase.starts_on, phase.ends_on)


def test_a_published_version_is_read_only(world: Any) -> None:
    version = version_published(draft_make(world.campaign, world.editor), world.editor)
    paragraph = paragraph_with(version, "Малые города")
    with pytest.raises(Conflict) as refused:
        paragraph_edit(paragraph=paragraph, actor=world.editor, text="Новый текст пункта.")
    assert "уже опубликована" in refused.value.message


def test_only_the_regions_editors_edit(world: Any) -> None:
    version = version_imported(draft_make(world.campaign, world.editor), world.editor)
    paragraph = paragraph_with(version, "Малые города")
    with pytest.raises(Forbidden):
        paragraph_edit(paragraph=paragraph, actor=world.other_editor, text="Чужая правка пункта.")
    with pytest.raises(InvalidInput):
        paragraph_edit(paragraph=paragraph, actor=world.editor, text="   ")
    edited = paragraph_edit(
        paragraph=paragraph, actor=world.editor, text="Малые города получат гранты."
    )
    assert edited.text == "Малые города получат гранты."


def test_the_next_version_copies_text_links_and_lineage(world: Any) -> None:
    draft = draft_make(world.campaign, world.editor)
    first = version_published(draft, world.editor)
    towns = paragraph_with(first, "Малые города")
    paragraph_links_set(paragraph=towns, actor=world.editor, directions=[world.people])

    second = version_create_next(draft=draft, actor=world.editor)

    copy = second.paragraphs.get(lineage=towns.lineage)
    assert copy.text == towns.text and copy.number == towns.number
    assert list(copy.directions.all()) == [world.people]
    assert second.based_on == first and second.status == VersionStatus.DRAFT
    assert second.sections.count() == first.sections.count()


def test_comment_after_the_deadline_is_refused_with_the_date(world: Any) -> None:
    version = version_published(draft_make(world.campaign, world.editor), world.editor)
    version.discussion_opens = datetime.date(2026, 3, 1)
    version.discussion_closes = datetime.date(2026, 3, 31)
    version.save()
    with pytest.raises(Conflict) as refused:
        comment_make(paragraph_with(version, "Малые города"))
    assert "31 марта 2026" in refused.value.message
    assert not DraftComment.objects.exists()


def test_empty_and_duplicate_comments_are_refused(world: Any) -> None:
    version = version_published(draft_make(world.campaign, world.editor), world.editor)
    paragraph = paragraph_with(version, "Малые города")
    with pytest.raises(InvalidInput) as empty:
        comment_make(paragraph, body="  ")
    assert "пустое замечание" in empty.value.message
    comment_make(paragraph, 1)
    with pytest.raises(Conflict) as again:
        comment_make(paragraph, 1)
    assert "уже отправили такое же замечание" in again.value.message
    comment_make(paragraph, 2)  # the same words from someone else are welcome
    assert DraftComment.objects.count() == 2


def test_an_amendment_needs_new_wording(world: Any) -> None:
    version = version_published(draft_make(world.campaign, world.editor), world.editor)
    paragraph = paragraph_with(version, "Малые города")
    with pytest.raises(InvalidInput) as refused:
        comment_make(paragraph, kind="amendment", body="", proposed_text="")
    assert refused.value.field == "proposed_text"
    with pytest.raises(InvalidInput):
        comment_make(paragraph, kind="amendment", proposed_text=SMALL_TOWNS)


def test_comment_on_a_passage_keeps_its_offsets_and_mails_the_fate_link(world: Any) -> None:
    version = version_published(draft_make(world.campaign, world.editor), world.editor)
    paragraph = paragraph_with(version, "Малые города")
    start = paragraph.text.index("на открытом голосовании")

    with django_capture_on_commit():
        comment = comment_make(
            paragraph,
            kind="amendment",
            body="Голосование должно идти и офлайн, для пожилых жителей.",
            proposed_text="на открытом голосовании на сайте и на избирательных участках",
            passage_start=start - 1,  # a selection by words grabs the space before
            passage_end=start + len("на открытом голосовании"),
            author_kind="ngo",
            organisation="АНО «Городские инициативы»",
        )

    assert comment.passage == "на открытом голосовании"
    assert comment.passage_start == start
    assert comment.status == "pending" and comment.signature.startswith(
        "АНО «Городские инициативы»"
    )
    data = DraftCommentPersonalData.objects.get(comment=comment)
    assert data.consent is not None and data.email == "anna1@example.ru"
    assert len(mail.outbox) == 1 and comment.tracking_token in mail.outbox[0].body


def django_capture_on_commit() -> Any:
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_a_typed_passage_is_found_in_the_text_or_refused() -> None:
    text = "Малые города области получат поддержку проектов благоустройства."
    assert passage_locate(text, passage="получат   поддержку") == ("получат поддержку", 21, 38)
    with pytest.raises(InvalidInput):
        passage_locate(text, passage="большие города")


def test_organisations_name_themselves_and_consent_is_required(world: Any) -> None:
    version = version_published(draft_make(world.campaign, world.editor), world.editor)
    paragraph = paragraph_with(version, "Малые города")
    with pytest.raises(InvalidInput) as unnamed:
        comment_make(paragraph, author_kind="business")
    assert unnamed.value.field == "organisation"
    with pytest.raises(InvalidInput) as no_consent:
        comment_submit(
            paragraph=paragraph,
            data=CommentInput(kind="remark", body="Нужны сроки и деньги на проекты."),
            author=author(5),
            consent_given=False,
        )
    assert no_consent.value.field == "consent"


def test_moderation_supports_and_counts(world: Any) -> None:
    version = version_published(draft_make(world.campaign, world.editor), world.editor)
    paragraph = paragraph_with(version, "Малые города")
    comment = comment_make(paragraph)
    with pytest.raises(Forbidden):
        comment_moderate(comment=comment, actor=world.editor, publish=True)
    with pytest.raises(InvalidInput):
        comment_moderate(comment=comment, actor=world.moderator, publish=False)
    with pytest.raises(Conflict):
        comment_support(comment=comment, visitor="v1")  # not public yet

    comment_moderate(comment=comment, actor=world.moderator, publish=True)
    comment_support(comment=comment, visitor="v1")
    with pytest.raises(Conflict):
        comment_support(comment=comment, visitor="v1")
    comment = comment_support(comment=comment, user=world.editor)

    assert comment.support_count == 2
    assert comment_counts(version) == {paragraph.lineage: 1}
    shown = reading(version)
    heat = {p.pk: p.heat for part in shown.sections for p in part.paragraphs}
    assert heat[paragraph.pk] == 4 and list(heat.values()).count(0) == len(heat) - 1


def test_a_comment_on_reworded_text_stays_and_is_marked_earlier(world: Any) -> None:
    draft = draft_make(world.campaign, world.editor)
    first = version_published(draft, world.editor)
    towns = paragraph_with(first, "Малые города")
    start = towns.text.index("открытом голосовании")
    kept = comment_make(
        towns, 1, body="Согласен: малым городам это нужно.", passage="Малые города области"
    )
    reworded = comment_make(
        towns, 2, passage_start=start, passage_end=start + len("открытом голосовании")
    )
    for c in (kept, reworded):
        comment_moderate(comment=c, actor=world.moderator, publish=True)

    second = version_create_next(draft=draft, actor=world.editor)
    new_towns = second.paragraphs.get(lineage=towns.lineage)
    paragraph_edit(
        paragraph=new_towns,
        actor=world.editor,
        text=towns.text.replace("на открытом голосовании", "на голосовании на сайте и на участках"),
    )
    new_towns.refresh_from_db()
    today = timezone.localdate()
    version_publish(
        version=second, actor=world.editor, opens=today, closes=today + datetime.timedelta(days=10)
    )

    shown = {c.pk: c.earlier_wording for c in paragraph_discussion(new_towns)}
    assert shown == {kept.pk: False, reworded.pk: True}
    first.refresh_from_db()
    assert first.status == VersionStatus.CLOSED
