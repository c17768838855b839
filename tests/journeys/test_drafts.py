"""The public discussion of the draft strategy, end to end in a browser: the editor imports a
DOCX and publishes it; a resident on a phone chooses a passage with the keyboard, comments it
and proposes an amendment; a moderator publishes both; the reading view counts them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from civicplan.drafts.testing import (
    AMENDMENT_PASSAGE,
    JOURNEY_PASSAGE,
    browser_create_draft,
    browser_import_and_publish,
    browser_select_passage_with_keyboard,
    sample_docx,
)

pytestmark = [pytest.mark.browser]

SHOTS = Path("/tmp/drafts")
WIDE = {"width": 1366, "height": 900}


def test_draft_discussion_from_import_to_moderation(visitor, demo_db):
    SHOTS.mkdir(parents=True, exist_ok=True)
    docx = SHOTS / "проект-стратегии.docx"
    docx.write_bytes(sample_docx())

    # The editor imports the DOCX and publishes it for discussion.
    editor = visitor()
    editor.sign_in("strategy@civicplan.local")
    page = editor.page
    draft_id = browser_create_draft(
        page, editor.base, title="Проект Стратегии Самарской области до 2036 года (обсуждение)"
    )
    editor.check()
    browser_import_and_publish(page, docx_path=str(docx))
    editor.check()
    page.screenshot(path=str(SHOTS / "editor-manage-375.png"), full_page=True)

    # A resident on a phone is invited from the home page, reads the draft and opens a
    # paragraph's discussion.
    resident = visitor()
    page = resident.open("/")
    assert page.get_by_role("link", name="Читать и обсуждать проект").count() == 1
    page.screenshot(path=str(SHOTS / "home-375.png"), full_page=True)
    page = resident.open(f"/drafts/{draft_id}/")
    page.screenshot(path=str(SHOTS / "reading-375.png"), full_page=True)
    paragraph = page.locator(".dp", has_text="Малые города области")
    paragraph.get_by_role("link", name=re.compile("Обсудить")).click()
    page.wait_for_load_state()
    resident.check()

    # A comment on a passage chosen with the keyboard only.
    browser_select_passage_with_keyboard(page, JOURNEY_PASSAGE)
    assert page.get_by_label("Выбранный фрагмент").input_value() == JOURNEY_PASSAGE
    page.screenshot(path=str(SHOTS / "passage-keyboard-375.png"), full_page=False)
    page.get_by_label("Замечание или обоснование поправки").fill(
        "Голосовать должны и те, у кого нет интернета: нужны участки для голосования."
    )
    page.get_by_label("Как к вам обращаться").fill("Мария Иванова")
    page.get_by_label("Электронная почта").fill("maria.journey@example.ru")
    page.get_by_label(re.compile("Я даю согласие")).check()
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_url(re.compile(r"/drafts/fate/"))
    resident.check()
    assert page.locator("#fate-moderation").inner_text().startswith("на модерации")
    assert "maria.journey@example.ru" not in page.content()
    # The fate page from the letter is also where consent is withdrawn, without an account.
    page.get_by_label("Да, удалить мои персональные данные").check()
    page.get_by_role("button", name="Отозвать согласие").click()
    page.wait_for_url(re.compile(r"/drafts/fate/"))
    assert "Мы отправили письмо со ссылкой для подтверждения" in page.content()

    # An amendment from an NGO, again on a passage chosen with the keyboard.
    page = resident.open(f"/drafts/{draft_id}/")
    page.locator(".dp", has_text="Малые города области").get_by_role(
        "link", name=re.compile("Обсудить")
    ).click()
    page.wait_for_load_state()
    page.get_by_label("Предложить новую редакцию (поправку)").check()
    browser_select_passage_with_keyboard(page, AMENDMENT_PASSAGE)
    page.get_by_label("Предлагаемая редакция").fill("проектов благоустройства и ремонта дворов")
    page.get_by_label("Вы пишете как").select_option(label="НКО")
    page.get_by_label("Организация").fill("АНО «Городские инициативы Сызрани»")
    page.get_by_label("Как к вам обращаться").fill("Олег Смирнов")
    page.get_by_label("Телефон").fill("+7 927 111-22-33")
    page.get_by_label(re.compile("Я даю согласие")).check()
    page.screenshot(path=str(SHOTS / "amendment-375.png"), full_page=True)
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_url(re.compile(r"/drafts/fate/"))
    resident.check()

    # On the reading view, words selected by mouse or finger lead to the form with the passage.
    page = resident.open(f"/drafts/{draft_id}/")
    page.evaluate(
        """() => { const p = [...document.querySelectorAll('.dp-text')].find(
             e => e.textContent.includes('Пригородные электрички')).querySelector('p');
           const t = p.firstChild, i = t.data.indexOf('не реже одного раза в час');
           const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 25);
           const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); }"""
    )
    page.get_by_role("link", name="Прокомментировать фрагмент").click()
    page.wait_for_load_state()
    assert page.get_by_label("Выбранный фрагмент").input_value() == "не реже одного раза в час"
    resident.check()

    # The moderator publishes both.
    moderator = visitor()
    moderator.sign_in("moderator.samara@civicplan.local")
    page = moderator.open("/drafts/moderation/")
    for words in ("нужны участки для голосования", "ремонта дворов"):
        item = page.locator(".draft-comment", has_text=words)
        item.get_by_role("button", name=re.compile("^Опубликовать")).click()
        page.wait_for_load_state()
        moderator.check()
        assert page.locator(".draft-comment", has_text=words).count() == 0

    # Everyone sees two comments beside the paragraph, the passage and the proposed wording.
    page = resident.open(f"/drafts/{draft_id}/")
    assert "2\xa0замечания" in page.locator(".dp", has_text="Малые города области").inner_text()
    page.locator(".dp", has_text="Малые города области").get_by_role(
        "link", name=re.compile("замечания")
    ).click()
    page.wait_for_load_state()
    resident.check()
    text = page.locator(".draft-comments").inner_text()
    assert f"«{JOURNEY_PASSAGE}»" in text and "ремонта дворов" in text
    assert "АНО «Городские инициативы Сызрани»" in text and "+7 927" not in page.content()
    page.screenshot(path=str(SHOTS / "discussion-375.png"), full_page=True)
    # At 1366 px (the header's menu toggle is hidden there, so no axe run on this one).
    page.set_viewport_size(WIDE)
    page.goto(resident.base + f"/drafts/{draft_id}/")
    page.screenshot(path=str(SHOTS / "reading-1366.png"), full_page=True)
