"""The home page and the proposals list from the anonymous page cache: a published proposal,
a new status, a comment and a support show at once; a moderator never gets a cached page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from civicplan.proposals.models import ProposalStatus
from civicplan.proposals.services import (
    comment_add,
    comment_moderate,
    proposal_status_set,
    support_add,
)
from civicplan.proposals.tests.conftest import make_resident, published, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

LIST = "/proposals/"
DEEP = "/proposals/?municipality=36724000000&sort=supported&page=1"


def anonymous_page(url: str) -> tuple[str, str]:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode(), response.get("X-Page-Cache", "")


def warm(*urls: str) -> None:
    for url in urls:
        anonymous_page(url)
        assert anonymous_page(url)[1] == "hit"


def test_published_proposal_appears_on_the_cached_list_and_home(
    campaign: Any, regional_moderator: Any
) -> None:
    warm(LIST, DEEP, "/")
    proposal = submit(campaign, text="Предлагаю открыть в Отрадном бассейн для школьников.")
    assert "бассейн для школьников" not in anonymous_page(LIST)[0], "not before moderation"

    proposal_status_set(
        proposal=proposal, actor=regional_moderator, status=ProposalStatus.PUBLISHED
    )

    for url in (LIST, DEEP, "/"):
        html, source = anonymous_page(url)
        assert source == "miss"
        assert "бассейн для школьников" in html, url


def test_changed_status_shows_on_the_cached_list(campaign: Any, regional_moderator: Any) -> None:
    proposal = published(campaign, regional_moderator)
    warm(LIST)
    assert f'badge-warn">{ProposalStatus.UNDER_REVIEW.label}</span>' not in anonymous_page(LIST)[0]

    proposal_status_set(
        proposal=proposal, actor=regional_moderator, status=ProposalStatus.UNDER_REVIEW
    )

    html, _ = anonymous_page(LIST)
    badge = f'badge-warn">{ProposalStatus.UNDER_REVIEW.label}</span>'
    assert badge in html


def test_support_and_comment_change_the_counts_on_the_cached_list(
    campaign: Any, regional_moderator: Any
) -> None:
    published(campaign, regional_moderator)
    warm(LIST)
    proposal = published(campaign, regional_moderator, text="Нужна велодорожка вдоль Волги.")
    before, _ = anonymous_page(LIST)
    warm(LIST)

    support_add(proposal=proposal, user=make_resident("fan@example.ru"))
    after_support, _ = anonymous_page(LIST)
    comment = comment_add(
        proposal=proposal, user=make_resident("talk@example.ru"), text="Поддерживаю, и освещение!"
    )
    if comment.status != "published":
        comment_moderate(comment=comment, actor=regional_moderator, publish=True)
    after_comment, _ = anonymous_page(LIST)

    assert "0\u00a0поддержек" in before
    assert "1\u00a0поддержка" in after_support
    assert "1\u00a0комментарий" in after_comment


def test_moderator_never_gets_the_cached_list(campaign: Any, regional_moderator: Any) -> None:
    published(campaign, regional_moderator)
    warm(LIST, "/")
    staff = Client()
    staff.force_login(regional_moderator)

    for url in (LIST, "/"):
        response = staff.get(url)
        assert "X-Page-Cache" not in response
        assert "Выйти" in response.content.decode()
        assert "Выйти" not in anonymous_page(url)[0]


def test_htmx_partial_and_full_list_are_cached_apart(
    campaign: Any, regional_moderator: Any
) -> None:
    published(campaign, regional_moderator)
    anonymous_page(LIST)

    partial = Client().get(LIST, HTTP_HX_REQUEST="true").content.decode()
    full, source = anonymous_page(LIST)

    assert "<html" not in partial
    assert "<html" in full
    assert source == "hit"


def test_a_published_proposal_leaves_the_cached_town_page_alone(
    campaign: Any, regional_moderator: Any
) -> None:
    town = "/territories/municipalities/36724000000/"
    warm(town, LIST)
    proposal = submit(campaign, text="Предлагаю открыть в Отрадном пункт проката велосипедов.")

    proposal_status_set(
        proposal=proposal, actor=regional_moderator, status=ProposalStatus.PUBLISHED
    )

    assert anonymous_page(town)[1] == "hit", "the town page shows statistics, not proposals"
    assert anonymous_page(LIST)[1] == "miss"


# Signed-in visitors: the blocks that are the same for everyone come from the cache too -----


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_signed_in_home_shows_a_published_proposal_at_once(
    campaign: Any, regional_moderator: Any
) -> None:
    anna = signed_in(make_resident("anna@example.ru"))
    assert anna.get("/").status_code == 200

    published(campaign, regional_moderator, text="Предлагаю построить в Отрадном скейт-парк.")

    html = anna.get("/").content.decode()
    assert "построить в Отрадном скейт-парк" in html
    assert "X-Page-Cache" not in anna.get("/")


def test_signed_in_home_shares_the_proposals_block_but_not_the_moderators_controls(
    campaign: Any, regional_moderator: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    published(campaign, regional_moderator, text="Предлагаю открыть в Отрадном бассейн.")
    moderator_html = signed_in(regional_moderator).get("/").content.decode()
    boris = signed_in(make_resident("boris@example.ru"))

    with CaptureQueriesContext(connection) as queries:
        html = boris.get("/").content.decode()

    assert "открыть в Отрадном бассейн" in html
    assert not [q for q in queries.captured_queries if "proposals_proposal" in q["sql"]], (
        "the block rendered for the moderator is served to the resident"
    )
    staff_link = 'href="/proposals/moderation/'
    assert staff_link in moderator_html
    assert staff_link not in html
    assert (
        "csrfmiddlewaretoken" not in html.split('id="home-proposals-h"')[1].split("</section>")[0]
    )


def test_signed_in_list_shows_a_published_proposal_at_once(
    campaign: Any, regional_moderator: Any
) -> None:
    anna = signed_in(make_resident("anna@example.ru"))
    for url in (LIST, DEEP):
        assert "скейт-парк" not in anna.get(url).content.decode()

    published(campaign, regional_moderator, text="Предлагаю построить в Отрадном скейт-парк.")

    for url in (LIST, DEEP):
        assert "построить в Отрадном скейт-парк" in anna.get(url).content.decode(), url
    htmx = anna.get(LIST, HTTP_HX_REQUEST="true").content.decode()
    assert "построить в Отрадном скейт-парк" in htmx
    assert "<html" not in htmx


def test_proposal_page_from_the_cache_shows_a_comment_and_a_support_at_once(
    campaign: Any, regional_moderator: Any
) -> None:
    proposal = published(campaign, regional_moderator, text="Нужна велодорожка вдоль Волги.")
    url = f"/proposals/{proposal.pk}/"
    warm(url)

    support_add(proposal=proposal, user=make_resident("fan@example.ru"))
    comment = comment_add(
        proposal=proposal, user=make_resident("talk@example.ru"), text="Поддерживаю, и освещение!"
    )
    if comment.status != "published":
        comment_moderate(comment=comment, actor=regional_moderator, publish=True)
    html, source = anonymous_page(url)

    assert source == "miss"
    assert "Поддерживаю, и освещение!" in html
    assert "1\u00a0житель поддержал" in html
    assert "Войдите" in html


def test_signed_in_resident_never_gets_the_cached_proposal_page(
    campaign: Any, regional_moderator: Any
) -> None:
    proposal = published(campaign, regional_moderator, text="Нужна велодорожка вдоль Волги.")
    url = f"/proposals/{proposal.pk}/"
    warm(url)
    fan = make_resident("fan@example.ru")
    support_add(proposal=proposal, user=fan)
    warm(url)

    response = signed_in(fan).get(url)

    assert "X-Page-Cache" not in response
    assert "Вы поддержали это предложение." in response.content.decode()
    assert "Вы поддержали это предложение." not in anonymous_page(url)[0]


def test_similar_proposals_block_shows_a_newly_published_one(
    campaign: Any, regional_moderator: Any
) -> None:
    first = published(
        campaign, regional_moderator, text="В Отрадном нужен крытый бассейн для детей и школьников."
    )
    anna = signed_in(make_resident("anna@example.ru"))
    before = anna.get(f"/proposals/{first.pk}/").content.decode()

    second = published(
        campaign,
        regional_moderator,
        text="Постройте в Отрадном крытый бассейн, детям негде плавать.",
    )
    after = anna.get(f"/proposals/{first.pk}/").content.decode()

    assert f'href="/proposals/{second.pk}/"' not in before
    assert f'href="/proposals/{second.pk}/"' in after
