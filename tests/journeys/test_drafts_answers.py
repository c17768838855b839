"""The public discussion continued in a browser, on a phone: the drafting group groups the
similar comments and answers a group with one form; the summary table downloads as DOCX with
those rows; version 2 shows the change linked to the accepted comment («Что изменилось и
почему»). Picks up where `test_drafts.py` leaves off: a published draft with moderated
comments (made here through the services)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document

pytestmark = [pytest.mark.browser]

SHOTS = Path("/tmp/drafts2")
SIMILAR = [
    "Нужно больше участков для голосования за проекты благоустройства в малых городах.",
    "Участков для голосования за проекты благоустройства в малых городах нужно больше.",
    "Больше участков для голосования за благоустройство в малых городах!",
]
OTHER = "Добавьте сроки: к какому году малые города получат поддержку?"
REASON = "Голосование пройдёт и на участках в библиотеках и МФЦ, не только на сайте."
NEW_WORDING = (
    "Малые города области получат поддержку проектов благоустройства, если жители сами "
    "выберут общественные пространства на открытом голосовании — на сайте и на участках "
    "в библиотеках и МФЦ."
)


def _discussion() -> tuple[int, int, list[int]]:
    """A published draft (the sample DOCX) with three similar comments and another one on
    the small towns' paragraph, all published by the moderator."""
    from civicplan.campaigns.models import Campaign
    from civicplan.drafts.services import comment_moderate
    from civicplan.drafts.testing import (
        EDITOR_EMAIL,
        MODERATOR_EMAIL,
        SMALL_TOWNS,
        comment_make,
        draft_make,
        paragraph_with,
        user,
        version_published,
    )

    campaign = Campaign.objects.get(slug="strategy-leadership-samara")
    editor, moderator = user(EDITOR_EMAIL), user(MODERATOR_EMAIL)
    draft = draft_make(campaign, editor, title="Проект стратегии: ответы рабочей группы")
    version = version_published(draft, editor, problems=False)
    paragraph = paragraph_with(version, SMALL_TOWNS[:40])
    ids = []
    for n, text in enumerate([*SIMILAR, OTHER], start=900):
        comment = comment_make(paragraph, n, body=text)
        comment_moderate(comment=comment, actor=moderator, publish=True)
        ids.append(comment.pk)
    return draft.pk, version.pk, ids


def _version_two(draft_id: int) -> None:
    """The editor makes version 2 with the paragraph reworded (on the editor's pages, which
    `test_drafts.py` walks; here through the same services)."""
    from django.utils import timezone

    from civicplan.drafts.models import Draft
    from civicplan.drafts.services import (
        paragraph_edit,
        version_create_next,
        version_publish,
    )
    from civicplan.drafts.testing import EDITOR_EMAIL, SMALL_TOWNS, paragraph_with, user

    editor = user(EDITOR_EMAIL)
    second = version_create_next(draft=Draft.objects.get(pk=draft_id), actor=editor)
    paragraph = paragraph_with(second, SMALL_TOWNS[:40])
    paragraph_edit(paragraph=paragraph, actor=editor, text=NEW_WORDING)
    today = timezone.localdate()
    version_publish(
        version=second, actor=editor, opens=today, closes=today + timezone.timedelta(days=30)
    )


def test_the_drafting_group_answers_in_bulk_and_version_two_shows_why(visitor, demo_db):
    SHOTS.mkdir(parents=True, exist_ok=True)
    draft_id, version_id, ids = _discussion()

    # The drafting group (the strategy editor) groups the similar comments on a phone.
    group = visitor()
    group.sign_in("strategy@civicplan.local")
    page = group.open(f"/drafts/work/answers/{version_id}/")
    page.get_by_role("button", name="Сгруппировать похожие замечания").click()
    page.wait_for_load_state()
    group.check()
    card = page.locator(".answer-group")
    assert card.count() == 1
    assert "Похожие замечания: 3" in card.inner_text()
    assert OTHER not in card.inner_text()  # the different comment stays on its own

    # One form answers the whole group.
    card.get_by_role("radio", name="учтено", exact=True).check()
    card.get_by_label("Обоснование").fill(REASON)
    page.screenshot(path=str(SHOTS / "answers-group-375.png"), full_page=True)
    card.get_by_role("button", name="Ответить всем 3").click()
    page.wait_for_load_state()
    group.check()
    assert "Решение «учтено» записано: замечаний — 3." in page.content()
    assert page.locator(".answer-group").count() == 0  # answered: off the list of open work

    # Anyone downloads the summary table as DOCX: the three rows carry the decision and reason.
    resident = visitor()
    page = resident.open(f"/drafts/{draft_id}/v1/summary/")
    page.screenshot(path=str(SHOTS / "summary-375.png"), full_page=True)
    assert page.locator(".summary-table tbody tr").count() == 4
    link = page.get_by_role("link", name="Скачать DOCX")
    response = page.request.get(resident.base + link.get_attribute("href"))
    assert response.status == 200, response.text()[:500]
    assert "attachment" in response.headers["content-disposition"]
    saved = SHOTS / "сводка.docx"
    saved.write_bytes(response.body())
    rows = [
        [cell.text for cell in row.cells]
        for row in Document(io.BytesIO(saved.read_bytes())).tables[0].rows
    ]
    assert rows[0][:3] == ["№", "Раздел, пункт", "Автор или организация"]
    answered = [r for r in rows[1:] if r[4].startswith("Учтено")]  # a repeat says so too
    assert sorted(r[3] for r in answered) == sorted(SIMILAR)
    assert all(r[5] == REASON for r in answered)
    assert all("@example.ru" not in cell for r in rows for cell in r)

    # Version 2 rewords the paragraph; the group marks the comments its wording answers.
    _version_two(draft_id)
    page = group.open(f"/drafts/work/answers/{version_id}/?all=1")
    for _ in range(3):
        page.get_by_role(
            "button", name=re.compile("^Отметить: новая редакция пункта")
        ).first.click()
        page.wait_for_load_state()
        group.check()
    assert page.get_by_text("Учтено в пункте").count() == 3

    # «Что изменилось и почему» shows the words and the comments.
    page = resident.open(f"/drafts/{draft_id}/changes/")
    page.screenshot(path=str(SHOTS / "changes-375.png"), full_page=True)
    change = page.locator(".change-changed")
    assert change.count() == 1
    assert "на участках в библиотеках и МФЦ" in change.locator("ins").all_inner_texts()[-1]
    answers = change.locator(".change-answer")
    assert answers.count() == 3
    answers.first.get_by_role("link").click()
    page.wait_for_load_state()
    resident.check()
    assert re.search(r"/drafts/paragraphs/\d+/#c-" + str(ids[0]), page.url)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(resident.base + f"/drafts/{draft_id}/changes/")
    page.screenshot(path=str(SHOTS / "changes-1366.png"), full_page=True)
