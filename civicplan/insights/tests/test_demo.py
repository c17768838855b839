"""The demo's generated proposals read as proposals to this region's campaign."""

from __future__ import annotations

import re

import pytest

from civicplan.analytics.text.synthetic import generate
from civicplan.insights.demo import demo_proposals_create
from civicplan.proposals.models import CommentStatus, Proposal

pytestmark = pytest.mark.django_db

# Stems of the towns of other regions that the generator mentions; a case ending of up to
# three letters may follow («Казани», «Уфой», «Саратове»), a longer word is another name
# (a street «Казанькова» in Samara is not Kazan).
OTHER_REGIONS = ("уф", "казан", "пенз", "саратов", "ульяновск", "бугульм", "актобе", "орёл", "орле")
ABOUT_OTHER_REGIONS = re.compile(rf"\b(?:{'|'.join(OTHER_REGIONS)})\w{{0,3}}\b", re.IGNORECASE)
# A resident's signature names a person, not a town («С уважением, Ивна Казано»).
SIGNATURE = re.compile(r"С уважением,[^.]*\.")


def test_generator_marks_texts_about_towns_of_other_regions():
    items = generate(400, seed=11)
    elsewhere = [item for item in items if "elsewhere" in item.metadata]
    assert elsewhere, "the generator writes about other regions' towns about 10 % of the time"
    assert all(item.metadata["elsewhere"][:2].lower() in item.text.lower() for item in elsewhere)


def test_samara_demo_campaign_has_no_proposal_about_ufa_or_kazan(demo_campaign):
    created = demo_proposals_create(demo_campaign, 300, seed=5)
    assert created == 300
    texts = list(Proposal.objects.filter(campaign=demo_campaign).values_list("text", flat=True))
    strays = [t for t in texts if ABOUT_OTHER_REGIONS.search(SIGNATURE.sub("", t))]
    assert strays == []


def test_comment_counts_on_demo_cards_match_the_comments_shown(demo_campaign):
    demo_proposals_create(demo_campaign, 200, seed=6)
    for proposal in Proposal.objects.filter(campaign=demo_campaign).prefetch_related("comments"):
        shown = [c for c in proposal.comments.all() if c.status == CommentStatus.PUBLISHED]
        assert proposal.comments_count == len(shown), proposal.text[:80]
