from __future__ import annotations

import datetime

import pytest

from civicplan.campaigns.selectors import (
    campaign_accepts_proposals,
    campaign_current,
    phase_current,
)

pytestmark = pytest.mark.django_db


def test_home_page_shows_current_campaign_phase_and_directions(client, demo_campaign):
    html = client.get("/").content.decode()
    assert "Стратегия лидерства: Самарская область — 2036" in html
    assert "Муниципальные обсуждения с жителями" in html
    assert "Идёт приём предложений" in html
    assert "Малые города — большие возможности" in html
    assert 'aria-current="step"' in html


def test_home_page_without_campaign_says_so(client, db):
    html = client.get("/").content.decode()
    assert "Кампания по сбору предложений ещё не открыта" in html


def test_proposals_are_accepted_only_in_an_open_phase(demo_campaign):
    assert campaign_current() == demo_campaign
    assert campaign_accepts_proposals(demo_campaign) is not None
    later = demo_campaign.ends_on - datetime.timedelta(days=10)
    assert campaign_accepts_proposals(demo_campaign, today=later) is None
    assert phase_current(demo_campaign, today=later).kind == "monitoring"
