"""Consent to cookies and metrics; the news list, RSS and sitemap; the API."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from civicplan.accounts.models import ConsentRecord
from civicplan.publications.models import ArticleState
from civicplan.publications.tests.conftest import BROWSER_UA
from civicplan.publications.visitor import CONSENT_COOKIE, VISITOR_COOKIE

pytestmark = pytest.mark.django_db

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_banner_offers_accept_and_refuse_with_policy_links(client, policies):
    html = client.get("/news/").content.decode()

    banner = html[html.index('id="consent-banner"') :]
    assert "Принять" in banner and "Отказаться" in banner
    assert "/accounts/policy/cookies/" in banner
    assert "/accounts/policy/personal-data/" in banner
    assert "Настройки cookie" in html


def test_pages_have_no_inline_scripts(client, article, poll):
    for url in ("/news/", article.get_absolute_url(), "/news/polls/", "/news/cookies/", "/"):
        html = client.get(url, HTTP_USER_AGENT=BROWSER_UA).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, (url, tag)
        assert not re.search(r"\son[a-z]+=", html), url


def test_refusing_sets_no_tracking_cookie_and_hides_the_banner(client, article):
    client.cookies[VISITOR_COOKIE] = "left-from-an-earlier-consent-x"

    response = client.post("/news/cookies/", {"choice": "refuse", "next": "/news/"})

    assert response.status_code == 302 and response["Location"] == "/news/"
    assert response.cookies[CONSENT_COOKIE].value == "refused"
    assert response.cookies[VISITOR_COOKIE].value == ""  # deleted
    assert not ConsentRecord.objects.filter(policy__kind="cookies").exists()
    page = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA)
    assert 'id="consent-banner"' not in page.content.decode()
    assert VISITOR_COOKIE not in page.cookies
    article.refresh_from_db()
    assert article.views_count == 1


def test_accepting_sets_the_visitor_cookie_and_records_consent(client, policies):
    response = client.post("/news/cookies/", {"choice": "accept", "next": "/news/"})

    assert response.cookies[CONSENT_COOKIE].value == "accepted:1.0"
    assert len(response.cookies[VISITOR_COOKIE].value) >= 16
    record = ConsentRecord.objects.get()
    assert record.policy.kind == "cookies" and record.policy.version == "1.0"
    assert record.ip_hash and record.ip_hash != "127.0.0.1"


def test_banner_returns_when_the_cookie_policy_changes(client, policies):
    from civicplan.accounts.services import policy_publish

    client.post("/news/cookies/", {"choice": "accept"})
    assert 'id="consent-banner"' not in client.get("/news/").content.decode()

    policy_publish(kind="cookies", version="2.0", title="Политика cookie", text="Новая редакция.")

    assert 'id="consent-banner"' in client.get("/news/").content.decode()


def test_banner_answers_json_for_the_script(client, policies):
    response = client.post("/news/cookies/", {"choice": "refuse"}, HTTP_ACCEPT="application/json")

    assert response.json()["accepted"] is False
    assert "Мы их не устанавливаем" in response.json()["message"]


def test_unknown_choice_and_foreign_next_are_refused(client, policies):
    response = client.post("/news/cookies/", {"choice": "maybe"})
    assert response.status_code == 422
    assert CONSENT_COOKIE not in response.cookies

    response = client.post("/news/cookies/", {"choice": "refuse", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_news_list_filters_by_tag_municipality_and_direction(client, demo_campaign, make_article):
    from civicplan.territories.models import Municipality

    otradny = Municipality.objects.get(oktmo="36724000000")
    direction = demo_campaign.strategy.directions.get(slug="small-towns")
    make_article(title="Набережная Отрадного", municipality=otradny, tags=["благоустройство"])
    make_article(title="Малые города и молодёжь", direction=direction, tags=["молодёжь"])
    make_article(title="Кадры для промышленности", tags=["кадры"])

    def titles(query: str) -> set[str]:
        html = client.get("/news/" + query).content.decode()
        return {
            t
            for t in ("Набережная Отрадного", "Малые города и молодёжь", "Кадры для промышленности")
            if t in html
        }

    assert titles("") == {
        "Набережная Отрадного",
        "Малые города и молодёжь",
        "Кадры для промышленности",
    }
    assert titles("?municipality=36724000000") == {"Набережная Отрадного"}
    assert titles(f"?direction={direction.pk}") == {"Малые города и молодёжь"}
    tag_slug = client.get("/news/").content.decode()
    assert "молодёжь (1)" in tag_slug
    from civicplan.publications.models import Tag

    assert titles(f"?tag={Tag.objects.get(name='кадры').slug}") == {"Кадры для промышленности"}
    assert titles("?direction=не-число&municipality=<script>") == set()


def test_rss_feed_is_valid_xml_with_published_items_only(client, make_article):
    make_article(title="Итоги сессии в Самаре", tags=["стратегические сессии"])
    make_article(title="Черновик", state=ArticleState.DRAFT)
    make_article(title="Завтрашняя новость", publish_at=timezone.now() + datetime.timedelta(days=1))

    response = client.get("/news/rss/")

    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") == "Новости стратегии региона"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Итоги сессии в Самаре"]
    assert items[0].findtext("link").startswith("http://testserver/news/")
    assert items[0].findtext("category") == "стратегические сессии"
    assert items[0].findtext("pubDate")


def test_sitemap_is_valid_xml_listing_published_articles(client, make_article):
    published = make_article(title="Итоги сессии")
    draft = make_article(title="Черновик", state=ArticleState.DRAFT)

    response = client.get("/sitemap.xml")

    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP_NS}urlset"
    locs = [u.findtext(f"{SITEMAP_NS}loc") for u in root.findall(f"{SITEMAP_NS}url")]
    assert f"http://testserver{published.get_absolute_url()}" in locs
    assert f"http://testserver{draft.get_absolute_url()}" not in locs
    assert "http://testserver/news/" in locs
    entry = next(
        u
        for u in root.findall(f"{SITEMAP_NS}url")
        if u.findtext(f"{SITEMAP_NS}loc").endswith(published.get_absolute_url())
    )
    assert entry.findtext(f"{SITEMAP_NS}lastmod")


def test_api_lists_articles_and_hides_poll_results_until_closed(client, make_article, make_poll):
    make_article(title="Итоги сессии", tags=["малые города"])
    open_poll = make_poll()
    closed = make_poll(
        question="Завершённый",
        opens_at=timezone.now() - datetime.timedelta(days=9),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )

    articles = client.get("/api/v1/publications/articles").json()
    assert articles["count"] == 1
    assert articles["items"][0]["tags"] == ["малые города"]
    assert client.get("/api/v1/publications/articles/net-takoy").status_code == 404
    detail = client.get(f"/api/v1/publications/polls/{open_poll.pk}").json()
    assert detail["results"] is None and detail["is_open"] is True
    closed_detail = client.get(f"/api/v1/publications/polls/{closed.pk}").json()
    assert closed_detail["votes_count"] == 0
    assert [r["label"] for r in closed_detail["results"]] == [
        "Отремонтировать дороги",
        "Благоустроить дворы",
        "Создать рабочие места",
    ]
