from __future__ import annotations

import pytest

from civicplan.insights import engine


@pytest.fixture(autouse=True)
def _fresh_engine():
    engine.engine_reset()
    yield
    engine.engine_reset()


@pytest.fixture
def campaign_with_proposals(demo_campaign):
    """The Samara demo campaign with 100 generated proposals (statuses, some labelled)."""
    from civicplan.insights.demo import demo_proposals_create

    demo_proposals_create(demo_campaign, 100, seed=3)
    return demo_campaign
