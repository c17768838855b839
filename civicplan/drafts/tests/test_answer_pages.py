"""The drafting group's answer page, «Что изменилось и почему» and the public summary."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from civicplan.accounts.models import User
from civicplan.drafts.models import (
    Decision,
    DraftComment,
    DraftCommentGroup,
    DraftParagraph,
    DraftVersion,
    VersionStatus,
)
from civicplan.drafts.services import comment_decide, paragraph_answers_set
from civicplan.drafts.tests.answers_data import Discussion, discussion_make

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_drafting_group_groups_similar_comments_and_answers_a_group_with_one_form(
    world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    found = discussion_make(world.campaign)
    client = _signed_in(found.editor)
    page = reverse("drafts:answers", args=[found.version.pk])

    client.post(reverse("drafts:group_similar", args=[found.version.pk]))
    html = client.get(page).content.decode()
    group = DraftCommentGroup.objects.get(paragraph=found.roads)
    assert "Похожие замечания: 3" in html
    assert "Ответить всем 3" in html
    assert "Вероятно, повторяет замечание" in html

    response = client.post(
        reverse("drafts:answer_group", args=[group.pk]),
        {"decision": "accepted", "reason": "Срок ремонта перенесён на 2028 год."},
        follow=True,
    )

    assert "Решение «учтено» записано: замечаний — 3." in response.content.decode()
    members = DraftComment.objects.filter(group=group)
    assert set(members.values_list("decision", flat=True)) == {Decision.ACCEPTED}
    # The answered group leaves the list of open work; the other paragraph stays.
    html = client.get(page).content.decode()
    assert "Ответить всем 3" not in html and "Пункт 2.2" in html


def test_a_decline_without_reason_is_explained_and_loses_nothing(world: Any) -> None:
    found = discussion_make(world.campaign)
    comment = found.comments["health"]

    response = _signed_in(found.editor).post(
        reverse("drafts:answer_comment", args=[comment.pk]),
        {"decision": "declined", "reason": ""},
        follow=True,
    )

    assert "укажите обоснование" in response.content.decode()
    assert DraftComment.objects.get(pk=comment.pk).decision == Decision.NONE


def test_residents_and_moderators_of_comments_do_not_answer(world: Any) -> None:
    found = discussion_make(world.campaign)
    resident = User.objects.create_user(email="zhitel@example.ru", password="pass-12345-x")

    page = _signed_in(resident).get(reverse("drafts:answers", args=[found.version.pk]))
    post = _signed_in(world.moderator).post(
        reverse("drafts:answer_comment", args=[found.comments["health"].pk]),
        {"decision": "accepted"},
    )

    assert page.status_code == 403 and post.status_code == 403
    assert DraftComment.objects.get(pk=found.comments["health"].pk).decision == Decision.NONE


def test_the_public_summary_page_and_its_docx_show_the_decisions_without_contacts(
    world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    found = discussion_make(world.campaign)
    comment_decide(
        comment=found.comments["amendment"],
        decision=Decision.PARTLY,
        reason="Число центров увеличено до 12.",
        actor=found.editor,
    )
    client = Client()

    html = client.get(reverse("drafts:summary", args=[found.draft.pk, 1])).content.decode()
    download = client.get(reverse("drafts:summary_download", args=[found.draft.pk, 1, "docx"]))

    assert "Учтено частично" in html and "Число центров увеличено до 12." in html
    assert "ООО «Волга-Агро»" in html
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    rows = [
        [c.text for c in r.cells] for r in Document(io.BytesIO(download.content)).tables[0].rows
    ]
    assert ["Учтено частично", "Число центров увеличено до 12."] in [r[4:] for r in rows]
    for secret in ("anna@example.ru", "Пётр Иванов", "+79277654321"):
        assert secret not in html
    unpublished = DraftVersion.objects.create(draft=found.draft, number=2)
    assert client.get(reverse("drafts:summary", args=[found.draft.pk, 2])).status_code == 404
    unpublished.delete()


def _second_version(found: Discussion) -> tuple[DraftVersion, DraftParagraph]:
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
    return second, centres


def test_what_changed_and_why_shows_words_and_the_accepted_comment(world: Any) -> None:
    found = discussion_make(world.campaign)
    amendment = found.comments["amendment"]
    comment_decide(comment=amendment, decision=Decision.ACCEPTED, reason="", actor=found.editor)
    _second, centres = _second_version(found)
    paragraph_answers_set(paragraph=centres, comments=[amendment], actor=found.editor)

    html = Client().get(reverse("drafts:changes", args=[found.draft.pk])).content.decode()

    assert "изменено пунктов — 1, новых — 0, исключено — 0" in html
    assert '<del><span class="visually-hidden">[удалено: </span>10 ' in html
    assert '<ins><span class="visually-hidden">[добавлено: </span>15 ' in html
    assert f"#c-{amendment.pk}" in html and "ООО «Волга-Агро»" in html
    assert "«Создать 15 центров поддержки предпринимательства" in html  # what it asked
    assert "Пункт 2.1" not in html  # unchanged paragraphs are not listed


def test_the_group_marks_which_accepted_comments_the_next_version_answers(world: Any) -> None:
    found = discussion_make(world.campaign)
    amendment = found.comments["amendment"]
    comment_decide(comment=amendment, decision=Decision.ACCEPTED, reason="", actor=found.editor)
    _second, centres = _second_version(found)
    client = _signed_in(found.editor)
    page = reverse("drafts:answers", args=[found.version.pk])

    html = client.get(page, {"all": "1"}).content.decode()
    assert "Есть редакция 2." in html
    assert "Отметить: новая редакция пункта 2.2 отвечает на это замечание" in html
    client.post(reverse("drafts:link_answer", args=[amendment.pk]))

    assert list(centres.answers.all()) == [amendment]
    changes = Client().get(reverse("drafts:changes", args=[found.draft.pk])).content.decode()
    assert f"#c-{amendment.pk}" in changes
    client.post(reverse("drafts:link_answer", args=[amendment.pk]), {"unlink": "1"})
    assert not centres.answers.exists()


def test_the_fate_page_names_the_paragraph_of_version_two_that_answers(world: Any) -> None:
    found = discussion_make(world.campaign)
    amendment = found.comments["amendment"]
    comment_decide(comment=amendment, decision=Decision.ACCEPTED, reason="", actor=found.editor)
    _second, centres = _second_version(found)
    paragraph_answers_set(paragraph=centres, comments=[amendment], actor=found.editor)

    html = Client().get(reverse("drafts:fate", args=[amendment.tracking_token])).content.decode()

    assert "Учтено в пункте 2.2 редакции 2." in html
    assert f"/drafts/{found.draft.pk}/changes/?to=2#change-{centres.lineage}" in html


def test_a_large_summary_is_built_by_a_job_and_then_downloaded(
    world: Any,
    settings: Any,
    tmp_path: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from civicplan.core.models import Job
    from civicplan.drafts import answer_views

    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(answer_views, "SUMMARY_INLINE_LIMIT", 2)
    found = discussion_make(world.campaign)
    url = reverse("drafts:summary_download", args=[found.draft.pk, 1, "xlsx"])

    with django_capture_on_commit_callbacks(execute=True):  # the job runs after the commit
        first = Client().get(url)
    job = Job.objects.get(kind="drafts.summary")
    second = Client().get(url)

    assert first.status_code == 202 and "Сводка готовится" in first.content.decode()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert second.status_code == 200 and "attachment" in second["Content-Disposition"]
