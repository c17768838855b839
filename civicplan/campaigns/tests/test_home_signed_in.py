"""The signed-in home page keeps which campaign is current with its shared parts: it still
follows a change of the campaign at once, and the next campaign the day it starts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from civicplan.accounts.testing import person, signed_in, signed_in_page
from civicplan.campaigns.models import Campaign
from civicplan.core.pagecache import public_pages_changed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def test_signed_in_home_follows_a_renamed_campaign(demo_campaign: Campaign) -> None:
    zarema = signed_in(person("zarema@example.ru", "Зарема"))
    assert "Стратегия лидерства: Самарская область — 2036" in signed_in_page(zarema, "/")

    Campaign.objects.filter(pk=demo_campaign.pk).update(title="Самара-2036: голос жителей")
    public_pages_changed("campaigns")  # what a save in the admin does

    html = signed_in_page(zarema, "/")
    assert "<title>Самара-2036: голос жителей — civicplan</title>" in html
    assert "Стратегия лидерства: Самарская область — 2036" not in html


def test_signed_in_home_shows_the_next_campaign_the_day_it_starts(
    demo_campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = timezone.localdate()
    Campaign.objects.filter(pk=demo_campaign.pk).update(ends_on=today)  # ends tonight
    demo = Campaign.objects.get(pk=demo_campaign.pk)
    Campaign.objects.create(
        region_id=demo.region_id,
        strategy_id=demo.strategy_id,
        title="Сызрань: город у Волги",
        slug="syzran-2037",
        starts_on=demo.ends_on + datetime.timedelta(days=1),
        ends_on=demo.ends_on + datetime.timedelta(days=90),
        is_published=True,
    )
    public_pages_changed("campaigns")
    user = person("zarema@example.ru", "Зарема")
    before = signed_in_page(signed_in(user), "/")
    assert "Стратегия лидерства: Самарская область — 2036" in before
    assert "Сызрань: город у Волги" not in before

    start = datetime.datetime.combine(
        demo.ends_on + datetime.timedelta(days=1),
        datetime.time(9, 0),
        tzinfo=timezone.get_current_timezone(),
    )
    monkeypatch.setattr(timezone, "now", lambda: start)  # no write: only the date moved
    after = signed_in_page(signed_in(user), "/")  # signed in again: sessions idle out
    assert "<title>Сызрань: город у Волги — civicplan</title>" in after
