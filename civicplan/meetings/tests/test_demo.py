"""The demo sessions: past ones with ideas, votes and resolutions that became proposals."""

from __future__ import annotations

import io

import pytest

from civicplan.meetings import demo
from civicplan.meetings.models import Participant, Session, StakeholderGroup
from civicplan.meetings.services.board import section_results
from civicplan.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_demo_loads_sessions_with_every_group_ideas_votes_and_resolutions(demo_campaign) -> None:
    out = io.StringIO()
    demo.load(stdout=out)
    small = Session.objects.get(slug="small-towns-63")
    assert small.title == "Малые города — большие возможности" and small.state == "finished"
    groups = set(Participant.objects.filter(session=small).values_list("group", flat=True))
    assert groups == set(StakeholderGroup.values)
    sections = list(small.sections.all())
    assert len(sections) == 3
    assert {s.voting_mode for s in sections} == {"dots", "pairwise"}
    for section in sections:
        results = section_results(section)
        assert len(results) >= 5 and results[0].value > 0
        assert section.resolutions.filter(proposal__channel="session").exists()
    # the near-identical coworking ideas were merged by the duplicate suggestions
    assert small.sections.get(order=1).ideas.filter(merged_into__isnull=False).exists()
    assert Proposal.objects.filter(channel="session").count() == 6
    assert Session.objects.filter(state="registration").exists()
    # idempotent
    demo.load(stdout=out)
    assert Session.objects.filter(slug="small-towns-63").count() == 1
    assert "уже загружены" in out.getvalue()
