"""The idea board in a real browser (issue 13 item 9): a participant on a phone is shown the
idea already on the board while he types; the moderator ticks near-duplicates with the
keyboard and the mouse, picks the wording that stays and merges them; the room screen
follows. Every board page is looked at at 375 px and 1366 px with the cookie banner
unanswered (screenshots in /tmp/boards/), and passes axe-core."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser]

SHOTS = Path("/tmp/boards")
WIDE = {"width": 1366, "height": 900}
VELO = "Сделать велодорожку вдоль набережной"


def _section():  # type: ignore[no-untyped-def]
    from civicplan.meetings.models import Section
    from civicplan.meetings.services import section_create

    running = (
        Section.objects.filter(session__campaign__region__code=63, board_state="ideas")
        .select_related("session")
        .first()
    )
    return section_create(
        session=running.session,
        title="Набережная и велодорожки",
        question="Что сделать с набережной Самары, чтобы по ней удобно ездить и гулять?",
        order=9,
    )


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_participant_gets_the_suggestion_and_moderator_merges_by_hand(visitor, demo_db):
    from civicplan.meetings.models import Idea
    from civicplan.meetings.services import board

    section = _section()
    first, _ = board.board_join(section=section, nickname="Ольга")
    velo = board.idea_post(section=section, member=first, kind="proposal", text=VELO)
    board.idea_post(
        section=section, member=first, kind="challenge", text="На набережной нет скамеек и урн"
    )

    # A participant on a phone types a reworded copy: the board shows him the idea it repeats.
    p = visitor()
    page = p.open(f"/sessions/b/{section.code}/")
    assert page.locator("#consent-banner").first.is_visible()
    page.get_by_label("Как вас подписать на доске").fill("Дмитрий")
    page.get_by_role("button", name="Войти на доску").click()
    page.wait_for_url(re.compile(r"/board/"))
    p.check()
    page.get_by_label("Ваша идея").press_sequentially("Велодорожка вдоль набережной нужна")
    hint = page.locator("#similar-ideas")
    hint.get_by_text(VELO).wait_for()
    assert "Похожие идеи уже есть" in hint.inner_text()
    p.check()
    _shot(page, "board-participant-hint-375")
    # He sends it anyway (he was shown the match): it goes straight to the moderator.
    page.get_by_role("button", name="Отправить идею").click()
    page.wait_for_load_state()
    p.check()
    copy = Idea.objects.get(section=section, text="Велодорожка вдоль набережной нужна")
    typo = board.idea_post(
        section=section,
        member=first,
        kind="proposal",
        text="Сделать веладорожку вдоль набережнай",
    )

    # The moderator at a desk: the duplicates are flagged; he ticks three ideas — one with
    # the keyboard, two with the mouse — and keeps the participant's wording.
    m = visitor()
    m.sign_in("facilitator@civicplan.local")
    m.page.set_viewport_size(WIDE)
    url = f"/sessions/{section.session.slug}/sections/{section.pk}/moderate/"
    page = m.open(url)
    flagged = page.locator(".suggestions").inner_text()
    assert VELO in flagged and "Велодорожка вдоль набережной нужна" in flagged
    assert "веладорожку" in flagged
    _shot(page, "board-moderator-flagged-1366")
    page.locator(f"#pick-{velo.pk}").focus()
    page.keyboard.press("Space")
    page.get_by_text("Велодорожка вдоль набережной нужна", exact=True).click()
    page.locator(f"#pick-{typo.pk}").click()
    # A new idea arrives: the feed is redrawn (every 3 s) and keeps the ticks.
    board.idea_post(section=section, member=first, kind="risk", text="Летом набережную затапливает")
    page.locator("#feed").get_by_text("Летом набережную затапливает").wait_for(timeout=10_000)
    assert page.locator(f"#pick-{velo.pk}").is_checked()
    assert page.locator(f"#pick-{typo.pk}").is_checked()
    page.get_by_role("button", name="Объединить отмеченные").press("Enter")
    page.wait_for_url(re.compile(r"merge="))
    m.check()
    _shot(page, "board-moderator-merge-1366")
    choice = page.get_by_role("radio", name=re.compile("Велодорожка вдоль набережной нужна"))
    choice.focus()
    page.keyboard.press("Space")
    assert choice.is_checked()
    page.get_by_role("button", name="Объединить", exact=True).click()
    page.wait_for_url(lambda url: "merge=" not in url)
    m.check()
    assert "Объединено идей: 3" in page.locator(".message").first.inner_text()
    page.locator("summary", has_text="Объединено").click()
    assert (
        f"«{VELO}» — объединено с «Велодорожка вдоль набережной нужна»"
        in page.locator("main").inner_text()
    )
    _shot(page, "board-moderator-merged-1366")
    assert set(
        Idea.objects.filter(pk__in=[velo.pk, typo.pk]).values_list("merged_into", flat=True)
    ) == {copy.pk}

    # The room screen shows one idea where there were three; the participant sees why.
    page = m.open(f"/sessions/b/{section.code}/screen/")
    screen = page.locator("main").inner_text()
    assert "Велодорожка вдоль набережной нужна" in screen and VELO not in screen
    assert "объединена с 2 похожими" in screen
    page = p.open(f"/sessions/b/{section.code}/board/")
    assert "Велодорожка вдоль набережной нужна" in page.locator(".my-ideas").inner_text()


def test_every_board_page_at_a_phone_and_a_desk_with_the_banner_unanswered(visitor, demo_db):
    from civicplan.meetings.models import Section
    from civicplan.meetings.services import board

    section = _section()
    author, _ = board.board_join(section=section, nickname="Автор")
    for text in (VELO, "На набережной нет скамеек и урн", "Прокат велосипедов у речного вокзала"):
        board.idea_post(section=section, member=author, kind="proposal", text=text)
    finished = Section.objects.filter(
        session__campaign__region__code=63, session__state="finished"
    ).first()
    p = visitor()
    m = visitor()
    m.sign_in("facilitator@civicplan.local")
    page = p.open(f"/sessions/b/{section.code}/")
    page.get_by_label("Как вас подписать на доске").fill("Смотрящий")
    page.get_by_role("button", name="Войти на доску").click()
    page.wait_for_url(re.compile(r"/board/"))
    moderate = f"/sessions/{section.session.slug}/sections/{section.pk}/moderate/"
    pages = {
        "join": (p, "/sessions/join/"),
        "ideas": (p, f"/sessions/b/{section.code}/board/"),
        "screen": (p, f"/sessions/b/{section.code}/screen/"),
        "calendar": (p, "/sessions/"),
        "report": (p, f"/sessions/{finished.session.slug}/"),
        "moderate": (m, moderate),
    }
    for width in (375, 1366):
        for who in (p, m):
            who.page.set_viewport_size({"width": width, "height": 812 if width == 375 else 900})
        for name, (who, path) in pages.items():
            page = who.open(path)
            if who is p and name != "screen":
                assert page.locator("#consent-banner").first.is_visible()
            _shot(page, f"board-{name}-{width}")
        board.section_board_update(section=section, board_state="voting", voting_mode="dots")
        page = p.open(f"/sessions/b/{section.code}/board/")
        page.get_by_role("button", name=re.compile("Голосую")).first.click()
        page.wait_for_load_state()
        p.check()
        _shot(page, f"board-dots-{width}")
        board.section_board_update(section=section, board_state="ideas")
