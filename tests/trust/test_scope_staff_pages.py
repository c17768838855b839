"""Staff pages of every app are scoped to the region of the role: an official of another
region, holding every staff role there, gets nothing from Samara's staff pages, while
Samara's own staff get them."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from civicplan.accounts.models import Role, User
from civicplan.accounts.services import role_grant

pytestmark = pytest.mark.django_db

STAFF_ROLES = [
    Role.REGIONAL_MODERATOR,
    Role.FACILITATOR,
    Role.ANALYST,
    Role.STRATEGY_EDITOR,
    Role.REGIONAL_ADMIN,
]


@pytest.fixture
def samara_world(demo_campaign):
    from civicplan.meetings import demo as meetings_demo
    from civicplan.publications import demo as publications_demo

    for module in (meetings_demo, publications_demo):
        try:
            module.load(stdout=io.StringIO())
        except Exception as exc:  # an app's demo in flux must not hide the others' checks
            pytest.skip(f"{module.__name__} demo failed to load: {exc}")
    return demo_campaign


@pytest.fixture
def outsider(samara_world):
    from civicplan.territories.models import Region

    orenburg, _ = Region.objects.get_or_create(
        code=56, defaults={"name": "Оренбургская область", "timezone": "Asia/Yekaterinburg"}
    )
    user = User.objects.create_user("official@orenburg.example", "Пароль-чиновника-2026")
    for role in STAFF_ROLES:
        role_grant(user=user, role=role, region=orenburg)
    return user


@pytest.fixture
def insider(samara_world):
    user = User.objects.create_user("official@samregion.example", "Пароль-чиновника-2026")
    for role in STAFF_ROLES:
        role_grant(user=user, role=role, region=samara_world.region)
    return user


def staff_urls(campaign) -> list[str]:
    from civicplan.meetings.models import Session

    urls = [
        f"/insights/campaigns/{campaign.slug}/",
        f"/insights/campaigns/{campaign.slug}/report/",
        f"/strategy/{campaign.strategy.slug}/import/",
    ]
    # The proposals' moderation pages: tests/trust/test_scope_proposals.py. The poll export
    # (/news/polls/<pk>/export.xlsx) is scoped by the poll's region: tests/trust/test_exports.py.
    session = Session.objects.filter(campaign=campaign).order_by("pk").first()
    if session is not None:
        urls += [f"/sessions/{session.slug}/manage/"]
    return urls


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_samara_staff_pages_open_for_samara_staff_only(samara_world, outsider, insider):
    urls = staff_urls(samara_world)
    own = _as(insider)
    stranger = _as(outsider)
    reachable = []
    for url in urls:
        response = own.get(url)
        if response.status_code == 404 and "/moderation/" not in url:
            continue  # a page that is not built yet
        assert response.status_code == 200, (url, response.status_code)
        reachable.append(url)
        refused = stranger.get(url)
        assert refused.status_code in (302, 403, 404), (url, refused.status_code)
    assert len(reachable) >= 3, reachable


def test_anonymous_visitors_are_sent_to_sign_in(samara_world):
    for url in staff_urls(samara_world):
        response = Client().get(url)
        assert response.status_code in (302, 403, 404), url
        if response.status_code == 302:
            assert "/login/" in response["Location"], url
