"""The board's cached lists (issue 17): the list of ideas, the results, the room's screen, the
participant's voting list and the moderator's feed are kept under the board's revisions, so
each kind of write shows at once; and nothing of one participant or moderator reaches another.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from civicplan.accounts.models import User
from civicplan.meetings.models import Idea, Section
from civicplan.meetings.services import board

pytestmark = pytest.mark.django_db

COWORKING = "Открыть коворкинг для молодых предпринимателей в центре города"
BUS = "Запустить льготный автобус до областного центра каждый час"
CULTURE = "Отремонтировать дом культуры и сделать в нём молодёжное пространство"
INTERNET = "Провести быстрый интернет в сёла района"


def _api(section: Section) -> str:
    return f"/api/v1/sessions/board/{section.code}"


def _ideas(client: Client, section: Section) -> list[str]:
    response = client.get(f"{_api(section)}/ideas")
    assert response.status_code == 200
    return [row["text"] for row in response.json()]


def _results(client: Client, section: Section) -> dict[str, float]:
    response = client.get(f"{_api(section)}/results")
    assert response.status_code == 200
    return {row["text"]: row["value"] for row in response.json()}


def _screen(client: Client, section: Section) -> str:
    response = client.get(reverse("meetings:screen", args=[section.code]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def _fresh(section: Section) -> Section:
    return Section.objects.get(pk=section.pk)


@pytest.fixture
def board_with_ideas(section: Section) -> dict[str, Any]:
    author, _token = board.board_join(section=section, nickname="Дарья")
    ideas = {
        text: board.idea_post(section=section, member=author, kind="proposal", text=text)
        for text in (COWORKING, BUS, CULTURE)
    }
    return {"author": author, "ideas": ideas}


def test_list_and_results_change_after_each_kind_of_write(client, section, board_with_ideas):
    ideas = board_with_ideas["ideas"]
    author = board_with_ideas["author"]
    assert _ideas(client, section) == [COWORKING, BUS, CULTURE]  # now cached
    assert _results(client, section) == {COWORKING: 0, BUS: 0, CULTURE: 0}

    board.idea_post(section=section, member=author, kind="challenge", text=INTERNET)
    assert INTERNET in _ideas(client, section)
    assert INTERNET in _results(client, section)

    board.section_board_update(section=section, board_state="voting", voting_mode="dots")
    voter, _token = board.board_join(section=section, nickname="Игорь")
    board.dot_vote_cast(section=_fresh(section), member=voter, idea_id=ideas[BUS].pk)
    assert _results(client, section)[BUS] == 1

    board.dot_vote_withdraw(section=_fresh(section), member=voter, idea_id=ideas[BUS].pk)
    assert _results(client, section)[BUS] == 0

    board.dot_vote_cast(section=_fresh(section), member=voter, idea_id=ideas[CULTURE].pk)
    board.ideas_merge(
        section=section, ideas=[ideas[CULTURE], ideas[BUS]], survivor=ideas[BUS], text=""
    )
    assert CULTURE not in _ideas(client, section)
    assert _results(client, section)[BUS] == 1  # the dot moved with the merge

    board.idea_unmerge(idea=Idea.objects.get(pk=ideas[CULTURE].pk))
    assert CULTURE in _ideas(client, section)

    board.idea_hide(idea=ideas[COWORKING])
    assert COWORKING not in _ideas(client, section)
    assert COWORKING not in _results(client, section)

    board.idea_edit(idea=Idea.objects.get(pk=ideas[BUS].pk), text="Льготный автобус до Самары")
    assert "Льготный автобус до Самары" in _ideas(client, section)


def test_pairwise_votes_change_the_cached_results(client, section, board_with_ideas):
    ideas = board_with_ideas["ideas"]
    board.section_board_update(section=section, board_state="voting", voting_mode="pairwise")
    before = _results(client, section)
    assert set(before.values()) == {50.0}  # no comparison yet: all equal
    voter, _token = board.board_join(section=section, nickname="Сравнивающий")
    left, right, ticket = board.pair_next(section=_fresh(section), member=voter)  # type: ignore[misc]
    board.pair_vote_cast(section=_fresh(section), member=voter, ticket=ticket, winner_id=left.pk)
    after = _results(client, section)
    assert after[left.text] > after[right.text]
    assert len(ideas) == len(after)


def test_room_screen_and_its_poll_follow_votes_and_section_changes(
    client, section, board_with_ideas
):
    ideas = board_with_ideas["ideas"]
    first = _screen(client, section)
    assert "Приём идей" in first or "Идеи" in first
    version = re.search(r"\?v=([\w.]+)", first)
    assert version is not None
    poll = reverse("meetings:screen", args=[section.code]) + f"?v={version.group(1)}"
    assert client.get(poll, HTTP_HX_REQUEST="true").status_code == 204  # nothing changed

    board.section_board_update(section=section, board_state="voting", voting_mode="dots")
    changed = client.get(poll, HTTP_HX_REQUEST="true")
    assert changed.status_code == 200
    assert "Голосование" in changed.content.decode()

    voter, _token = board.board_join(section=section, nickname="Игорь")
    board.dot_vote_cast(section=_fresh(section), member=voter, idea_id=ideas[BUS].pk)
    assert "1 голос" in _screen(client, section).replace("\xa0", " ")
    board.idea_hide(idea=ideas[BUS])
    assert BUS not in _screen(client, section)


def _participant(section: Section, nickname: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("meetings:board_join", args=[section.code]),
        {"nickname": nickname},
    )
    assert response.status_code in (302, 403)
    if response.status_code == 403:  # the join form wants its CSRF token first
        page = client.get(reverse("meetings:board_join", args=[section.code]))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        assert token is not None
        response = client.post(
            reverse("meetings:board_join", args=[section.code]),
            {"nickname": nickname, "csrfmiddlewaretoken": token.group(1)},
        )
        assert response.status_code == 302
    return client


def _page(client: Client, url: str) -> str:
    """The page as a reader sees it (ru_plural joins a number to its word with a no-break
    space)."""
    return client.get(url).content.decode().replace("\xa0", " ")


def _csrf(page: str) -> str:
    found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found
    return str(found[0])


def test_one_participants_votes_and_ideas_never_show_on_anothers_page(section, board_with_ideas):
    ideas = board_with_ideas["ideas"]
    url = reverse("meetings:board", args=[section.code])
    daria, igor = _participant(section, "Дарья Орлова"), _participant(section, "Игорь")
    member = board.BoardMember.objects.get(nickname="Дарья Орлова")
    board.idea_post(section=section, member=member, kind="risk", text=INTERNET)
    board.section_board_update(section=section, board_state="voting", voting_mode="dots")
    # Игорь's page first: the shared list is rendered and cached while nobody has voted.
    assert "Осталось: 3 голоса из 3" in _page(igor, url)
    page = _page(daria, url)
    vote = daria.post(
        reverse("meetings:board_vote", args=[section.code]),
        {"dot": ideas[BUS].pk, "csrfmiddlewaretoken": _csrf(page)},
    )
    assert vote.status_code == 302

    daria_page = _page(daria, url)
    igor_page = _page(igor, url)
    assert "Осталось: 2 голоса из 3" in daria_page
    assert f'name="undot" value="{ideas[BUS].pk}"' in daria_page
    assert "Осталось: 3 голоса из 3" in igor_page
    assert f'name="undot" value="{ideas[BUS].pk}"' not in igor_page
    assert f'name="dot" value="{ideas[BUS].pk}"' in igor_page
    assert "Ваши идеи" in daria_page and "Ваши идеи" not in igor_page
    assert "вы — Дарья Орлова" in daria_page and "Дарья Орлова" not in igor_page
    # Each page carries its own browser's CSRF token, which works for him only.
    igor_vote = igor.post(
        reverse("meetings:board_vote", args=[section.code]),
        {"dot": ideas[COWORKING].pk, "csrfmiddlewaretoken": _csrf(daria_page)},
    )
    assert igor_vote.status_code == 403
    igor_vote = igor.post(
        reverse("meetings:board_vote", args=[section.code]),
        {"dot": ideas[COWORKING].pk, "csrfmiddlewaretoken": _csrf(igor_page)},
    )
    assert igor_vote.status_code == 302
    assert "Осталось: 2 голоса из 3" in _page(igor, url)
    results = _results(Client(), section)
    assert results[BUS] == 1 and results[COWORKING] == 1

    # Дарья spent all her dots: no «Голосую» for her, still for Игорь.
    page = _page(daria, url)
    for idea in (COWORKING, CULTURE):
        daria.post(
            reverse("meetings:board_vote", args=[section.code]),
            {"dot": ideas[idea].pk, "csrfmiddlewaretoken": _csrf(page)},
        )
    assert 'name="dot"' not in _page(daria, url)
    assert f'name="dot" value="{ideas[CULTURE].pk}"' in _page(igor, url)


def test_participants_voting_list_follows_hides_merges_and_section_changes(
    section, board_with_ideas
):
    ideas = board_with_ideas["ideas"]
    url = reverse("meetings:board", args=[section.code])
    igor = _participant(section, "Игорь")
    assert "Отправить идею" in _page(igor, url)
    board.section_board_update(section=section, board_state="voting", voting_mode="dots")
    page = _page(igor, url)
    assert "Голосование точками" in page and CULTURE in page
    board.idea_hide(idea=ideas[CULTURE])
    assert CULTURE not in _page(igor, url)
    board.ideas_merge(section=section, ideas=[ideas[COWORKING], ideas[BUS]], survivor=ideas[BUS])
    page = _page(igor, url)
    assert COWORKING not in page and BUS in page
    board.section_board_update(section=section, dots_per_member=5)
    assert "Осталось: 5 голосов из 5" in _page(igor, url)
    board.section_board_update(section=section, board_state="closed")
    assert "Сейчас доска не принимает идеи и голоса" in _page(igor, url)


def test_moderators_feed_follows_writes_and_carries_each_moderators_own_token(
    section, board_with_ideas
):
    ideas = board_with_ideas["ideas"]
    feed_url = reverse("meetings:moderate", args=[section.session.slug, section.pk]) + "?feed=1"
    first = Client(enforce_csrf_checks=True)
    first.force_login(User.objects.get(email="facilitator@civicplan.local"))
    second = Client(enforce_csrf_checks=True)
    second.force_login(User.objects.create_superuser("glavred@civicplan.local", "Пароль-2026"))
    first_feed = first.get(feed_url, HTTP_HX_REQUEST="true").content.decode()
    second_feed = second.get(feed_url, HTTP_HX_REQUEST="true").content.decode()
    assert CULTURE in first_feed and CULTURE in second_feed
    assert "csrf-slot" not in first_feed

    hide = second.post(
        reverse("meetings:moderate", args=[section.session.slug, section.pk]),
        {"action": "hide", "idea": ideas[CULTURE].pk, "csrfmiddlewaretoken": _csrf(second_feed)},
    )
    assert hide.status_code == 302
    feed = first.get(feed_url, HTTP_HX_REQUEST="true").content.decode()
    assert "Скрытые идеи (1)" in feed
    # The second moderator's token from the cached feed is his: the first one's is refused.
    refused = second.post(
        reverse("meetings:moderate", args=[section.session.slug, section.pk]),
        {"action": "show", "idea": ideas[CULTURE].pk, "csrfmiddlewaretoken": _csrf(feed)},
    )
    assert refused.status_code == 403

    voter, _token = board.board_join(section=section, nickname="Игорь")
    board.section_board_update(section=section, board_state="voting", voting_mode="dots")
    board.dot_vote_cast(section=_fresh(section), member=voter, idea_id=ideas[BUS].pk)
    feed = first.get(feed_url, HTTP_HX_REQUEST="true").content.decode()
    assert "1 голос" in feed.replace("\xa0", " ")


def test_the_api_answers_304_until_the_board_changes(client, section, board_with_ideas):
    first = client.get(f"{_api(section)}/ideas")
    etag = first["ETag"]
    again = client.get(f"{_api(section)}/ideas", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    author = board_with_ideas["author"]
    board.idea_post(section=section, member=author, kind="risk", text=INTERNET)
    changed = client.get(f"{_api(section)}/ideas", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert INTERNET in [row["text"] for row in json.loads(changed.content)]

    board.section_board_update(section=section, board_state="voting")
    voter, _token = board.board_join(section=section, nickname="Игорь")  # joining changes none
    results = client.get(f"{_api(section)}/results")
    assert (
        client.get(f"{_api(section)}/results", HTTP_IF_NONE_MATCH=results["ETag"]).status_code
        == 304
    )
    board.dot_vote_cast(
        section=_fresh(section), member=voter, idea_id=board_with_ideas["ideas"][BUS].pk
    )
    assert (
        client.get(f"{_api(section)}/results", HTTP_IF_NONE_MATCH=results["ETag"]).status_code
        == 200
    )


def test_a_full_save_of_an_old_section_never_turns_its_revisions_back(section, board_with_ideas):
    stale = Section.objects.get(pk=section.pk)
    board.idea_post(section=section, member=board_with_ideas["author"], kind="risk", text=INTERNET)
    stale.title = "Городская среда"
    stale.save()
    assert INTERNET in _ideas(Client(), section)
    assert Section.objects.get(pk=section.pk).ideas_rev > stale.ideas_rev
