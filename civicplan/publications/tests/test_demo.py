"""The demo news and polls load quickly, once, and fill the pages."""

from __future__ import annotations

import io

import pytest

from civicplan.publications import demo, selectors
from civicplan.publications.models import Article, Poll

pytestmark = pytest.mark.django_db


def test_demo_adds_twenty_news_and_three_polls_with_votes(client, demo_campaign):
    out = io.StringIO()

    demo.load(stdout=out)
    demo.load(stdout=out)

    assert Article.objects.count() >= 20
    assert Article.objects.filter(campaign=demo_campaign).count() >= 12
    polls = list(Poll.objects.all())
    assert len(polls) == 3
    assert all(p.votes_count > 0 for p in polls)
    assert all(sum(o.votes_count for o in p.options.all()) >= p.votes_count - 20 for p in polls)
    assert "пропускаю" in out.getvalue()
    assert len(selectors.top_read()) == 5
    html = client.get("/news/").content.decode()
    assert "Малые города — большие возможности" in html
    first = Article.objects.filter(title__startswith="В Самаре прошла").get()
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Оцените материал" in page and "Средняя оценка" in page


def test_demo_news_link_to_the_regional_sessions_of_meetings(client, demo_campaign):
    meetings_demo = pytest.importorskip("civicplan.meetings.demo")
    meetings_demo.load(stdout=io.StringIO())

    demo.load(stdout=io.StringIO())

    article = Article.objects.get(title__startswith="В Самаре прошла стратегическая сессия")
    assert article.event is not None
    assert article.event.title == "Малые города — большие возможности"
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'Событие: <a href="/sessions/' in html
