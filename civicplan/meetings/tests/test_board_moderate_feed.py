"""The moderator's polled feed (issue 17): its ideas are rendered once per version of the
ideas and each idea's votes are put in after every vote; what he sees is exactly the feed
rendered whole, and each vote shows at the next poll."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from civicplan.accounts.models import User
from civicplan.meetings.board_moderate import _feed_context
from civicplan.meetings.models import Section
from civicplan.meetings.services import board

pytestmark = pytest.mark.django_db

COWORKING = "Открыть коворкинг для молодых предпринимателей в центре города"
BUS = "Запустить льготный автобус до областного центра каждый час"
CULTURE = "Отремонтировать дом культуры и сделать в нём молодёжное пространство"
BUS_AGAIN = "Пустить автобус до областного центра каждый час, льготный"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _fresh(section: Section) -> Section:
    return Section.objects.get(pk=section.pk)


@pytest.fixture
def moderator() -> Client:
    client = Client()
    client.force_login(User.objects.get(email="facilitator@civicplan.local"))
    return client


@pytest.fixture
def ideas(section: Section) -> dict[str, Any]:
    author, _token = board.board_join(section=section, nickname="Дарья")
    return {
        text: board.idea_post(section=section, member=author, kind="proposal", text=text)
        for text in (COWORKING, BUS, CULTURE, BUS_AGAIN)
    }


def _feed(moderator: Client, section: Section) -> str:
    url = reverse("meetings:moderate", args=[section.session.slug, section.pk]) + "?feed=1"
    response = moderator.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode().replace("\xa0", " ")


def _line(feed: str, idea_pk: int) -> str:
    return feed.split(f'data-idea="{idea_pk}"', 1)[1].split("</li>", 1)[0]


def _whole(section: Section) -> str:
    """The same feed rendered in one go, votes and all, as the moderator's page does."""
    section = _fresh(section)
    context = {
        **_feed_context(section),
        "version": board.board_version(section),
        "csrf_token": "x",
    }
    return render_to_string("meetings/partials/moderate_feed.html", context).replace("\xa0", " ")


def _same(feed: str, whole: str) -> None:
    assert TOKEN.sub("TOKEN", feed) == TOKEN.sub("TOKEN", whole)


def test_each_dot_shows_at_the_next_poll_next_to_its_idea(section, ideas, moderator) -> None:
    board.section_board_update(section=section, board_state="voting", voting_mode="dots")
    before = _feed(moderator, section)  # ideas rendered and kept
    assert "0 гол." in _line(before, ideas[BUS].pk)
    voters = [board.board_join(section=section, nickname=name)[0] for name in ("Игорь", "Анна")]
    for count, voter in enumerate(voters, start=1):
        board.dot_vote_cast(section=_fresh(section), member=voter, idea_id=ideas[BUS].pk)
        feed = _feed(moderator, section)
        assert f"{count} гол." in _line(feed, ideas[BUS].pk)
        assert "0 гол." in _line(feed, ideas[COWORKING].pk)
        assert f"{count} голос" in feed  # the counts above the feed
        _same(feed, _whole(section))
    board.dot_vote_withdraw(section=_fresh(section), member=voters[0], idea_id=ideas[BUS].pk)
    feed = _feed(moderator, section)
    assert "1 гол." in _line(feed, ideas[BUS].pk)
    _same(feed, _whole(section))


def test_pairwise_scores_merges_and_hidden_ideas_as_in_the_whole_feed(
    section, ideas, moderator
) -> None:
    board.ideas_merge(section=section, ideas=[ideas[BUS], ideas[BUS_AGAIN]], survivor=ideas[BUS])
    board.idea_hide(idea=ideas[CULTURE])
    board.section_board_update(section=section, board_state="voting", voting_mode="pairwise")
    _same(_feed(moderator, section), _whole(section))
    voter, _token = board.board_join(section=section, nickname="Игорь")
    pair = board.pair_next(section=_fresh(section), member=voter)
    assert pair is not None
    left, right, ticket = pair
    board.pair_vote_cast(section=_fresh(section), member=voter, ticket=ticket, winner_id=left.pk)
    feed = _feed(moderator, section)
    assert "баллов" in _line(feed, ideas[BUS].pk)
    assert " · +1" in _line(feed, ideas[BUS].pk)  # BUS_AGAIN merged into it
    assert "Скрытые идеи (1)" in feed
    _same(feed, _whole(section))
