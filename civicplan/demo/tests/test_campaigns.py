"""Campaign writes: a loader run twice updates the campaign and its phases, never doubles them."""

from __future__ import annotations

import io

import pytest

from civicplan.campaigns.models import Campaign, Phase

pytestmark = pytest.mark.django_db


def test_loading_the_demo_campaigns_twice_keeps_one_campaign_with_its_phases(samara):
    from civicplan.demo import campaigns as campaigns_demo
    from civicplan.strategy.demo import strategy_demo_get_or_create

    strategy_demo_get_or_create(63)
    campaigns_demo.load(stdout=io.StringIO(), only_region_codes={63})
    campaign = Campaign.objects.get(slug="strategy-leadership-samara")
    Campaign.objects.filter(pk=campaign.pk).update(title="Старое название")
    phases = campaign.phases.count()

    campaigns_demo.load(stdout=io.StringIO(), only_region_codes={63})

    assert Campaign.objects.filter(region__code=63).count() == 1
    campaign.refresh_from_db()
    assert campaign.title != "Старое название"
    assert phases == Phase.objects.filter(campaign=campaign).count() > 0
