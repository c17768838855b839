"""A new proposal is analysed at once, and moderators' decisions change the next suggestions."""

from __future__ import annotations

import secrets

import pytest
from django.utils import timezone

from civicplan.insights import engine, services
from civicplan.insights.models import SuggestionFeedback
from civicplan.proposals.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db

FAIRS = [
    "Предлагаю организовать ярмарку выходного дня для фермеров на центральной площади Отрадного",
    "Нужна сельскохозяйственная ярмарка в Кинеле, чтобы фермеры продавали овощи без посредников",
    "Просим проводить ярмарки местных фермеров по субботам в Похвистнево",
    "Сделайте ярмарку фермерской продукции у рынка в Чапаевске, торговать негде",
]
ROADS = [
    "Отремонтируйте дорогу на улице Гагарина в Отрадном, ямы по колено",
    "Дорога от Кинеля до Алексеевки разбита, нужен ремонт асфальта",
    "Просим заасфальтировать дорогу к школе в Похвистнево",
    "Ямочный ремонт дорог в Чапаевске не помогает, нужен капитальный ремонт",
]


def _proposal(campaign, text, *, direction=None, status=ProposalStatus.PUBLISHED):
    return Proposal.objects.create(
        campaign=campaign,
        text=text,
        direction=direction,
        status=status,
        tracking_code=secrets.token_hex(8),
        created_at=timezone.now(),
    )


def test_moderators_labels_change_the_next_suggestion(demo_campaign):
    campaign = demo_campaign
    directions = {d.slug: d for d in campaign.strategy.directions.all()}
    talent = directions["talent-strategy"]  # deliberately unusual for fairs: learnt, not guessed
    quality = directions["new-quality-of-life"]
    newcomer = _proposal(
        campaign, "Хотим ярмарку фермеров по выходным в Нефтегорске", status=ProposalStatus.NEW
    )
    before = services.proposal_analyze(proposal=newcomer)
    assert before.predicted_direction != talent

    for text in FAIRS:
        _proposal(campaign, text, direction=talent)
    for text in ROADS:
        _proposal(campaign, text, direction=quality)
    after = services.proposal_analyze(proposal=newcomer)
    assert after.pk == before.pk  # the same row, replaced: safe to run twice
    assert after.predicted_direction == talent


def test_new_proposal_is_checked_against_existing_ones(demo_campaign):
    original = _proposal(demo_campaign, ROADS[0])
    repeat = _proposal(demo_campaign, ROADS[0] + "!", status=ProposalStatus.NEW)
    analysis = services.proposal_analyze(proposal=repeat)
    assert analysis.duplicate_of == original
    assert analysis.duplicate_score >= services.DUPLICATE_SCORE
    from civicplan.territories.models import Municipality

    otradny = Municipality.objects.get(oktmo="36724000000")
    assert otradny.pk in analysis.municipality_ids


def test_similar_proposals_come_from_the_index_and_grow_without_rebuild(demo_campaign):
    from civicplan.proposals.selectors import proposal_similar

    for text in FAIRS[:2]:
        _proposal(demo_campaign, text)
    index = engine.similarity_index(demo_campaign)
    size = len(index)
    later = _proposal(demo_campaign, FAIRS[2])
    hits = proposal_similar(demo_campaign, "ярмарка для фермеров в выходные")
    assert later in hits
    assert engine.similarity_index(demo_campaign) is index and len(index) == size + 1


def test_feedback_counts_accepted_suggestions(demo_campaign):
    p = _proposal(demo_campaign, FAIRS[0])
    services.suggestion_feedback_record(proposal=p, kind="direction", suggested="A", final="A")
    services.suggestion_feedback_record(proposal=p, kind="direction", suggested="A", final="B")
    from civicplan.insights.selectors import _feedback

    assert _feedback(demo_campaign) == {"total": 2, "accepted": 1, "rate": 50}
    assert SuggestionFeedback.objects.filter(accepted=False).count() == 1


def test_a_page_adds_a_few_new_proposals_itself_and_leaves_many_to_the_background(
    demo_campaign, settings, monkeypatch
):
    settings.JOBS_RUN_INLINE = False
    started = []
    from civicplan.core import similarity

    monkeypatch.setattr(
        similarity.threading,
        "Thread",
        lambda **kw: type("T", (), {"start": lambda s: started.append(kw)})(),
    )
    engine.engine_reset(demo_campaign.pk)
    for text in FAIRS[:2]:
        _proposal(demo_campaign, text)
    index = engine.similarity_index_for_page(demo_campaign)
    assert len(index) >= 2 and not started

    for n in range(similarity.INLINE_ADD_LIMIT + 1):
        _proposal(demo_campaign, f"{ROADS[0]} Дом {n}.")
    size = len(index)

    assert engine.similarity_index_for_page(demo_campaign) is index
    assert len(index) == size, "the page did not add 51 proposals itself"
    assert [kw["name"] for kw in started] == ["similarity-index"]
    engine.similarity_index(demo_campaign)  # what the background thread does
    assert len(index) == size + similarity.INLINE_ADD_LIMIT + 1


def test_duplicate_detection_uses_the_index_the_proposal_form_uses(demo_campaign):
    from civicplan.proposals.selectors import proposal_text_index

    assert engine.similarity_index(demo_campaign) is proposal_text_index(demo_campaign)
