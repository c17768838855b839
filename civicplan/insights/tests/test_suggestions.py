"""One-click acceptance of the engine's suggestions in the moderation queue."""

from __future__ import annotations

import secrets

import pytest
from django.utils import timezone

from civicplan.accounts.models import User
from civicplan.insights import services
from civicplan.insights.models import SuggestionFeedback
from civicplan.proposals.models import Proposal, ProposalStatus
from civicplan.territories.models import Municipality

pytestmark = pytest.mark.django_db


def _proposal(campaign, text, **extra):
    return Proposal.objects.create(
        campaign=campaign,
        text=text,
        municipality=Municipality.objects.get(oktmo="36724000000"),
        tracking_code=secrets.token_hex(8),
        created_at=timezone.now(),
        **extra,
    )


def test_moderator_accepts_suggested_direction_in_one_click(client, demo_campaign):
    proposal = _proposal(
        demo_campaign,
        "В поликлинике Отрадного не хватает врачей, очередь к терапевту на три недели, нужна запись онлайн",
        status=ProposalStatus.NEW,
    )
    analysis = services.proposal_analyze(proposal=proposal)
    assert analysis.predicted_direction is not None
    client.force_login(User.objects.get(email="moderator.otradny@civicplan.local"))
    response = client.post(
        f"/insights/suggestions/{proposal.pk}/",
        {"kind": "direction", "next": "/proposals/moderation/"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.direction == analysis.predicted_direction
    feedback = SuggestionFeedback.objects.get(proposal=proposal)
    assert feedback.accepted


def test_moderator_of_another_town_cannot_accept(client, demo_campaign):
    proposal = _proposal(
        demo_campaign, "Нужен ремонт дороги на улице Советской в Отрадном, много ям и луж"
    )
    services.proposal_analyze(proposal=proposal)
    client.force_login(User.objects.get(email="moderator.kinel@civicplan.local"))
    client.post(f"/insights/suggestions/{proposal.pk}/", {"kind": "direction"})
    proposal.refresh_from_db()
    assert proposal.direction is None
    assert not SuggestionFeedback.objects.exists()


def test_moderator_of_another_town_cannot_reject_a_suggestion_either(client, demo_campaign):
    # given an Otradny proposal with an engine suggestion
    proposal = _proposal(
        demo_campaign, "Во дворах Отрадного нет освещения, вечером страшно возвращаться домой"
    )
    services.proposal_analyze(proposal=proposal)
    # when the Kinel moderator presses «Не подходит» on it
    client.force_login(User.objects.get(email="moderator.kinel@civicplan.local"))
    response = client.post(f"/insights/suggestions/{proposal.pk}/", {"kind": "reject-direction"})
    # then he learns nothing (the same 404 as for a missing id) and teaches the engine nothing
    assert response.status_code == 404
    assert (
        client.post("/insights/suggestions/99999999/", {"kind": "reject-direction"}).status_code
        == 404
    )
    assert not SuggestionFeedback.objects.exists()


def test_likely_duplicate_is_marked_in_one_click(client, demo_campaign):
    text = (
        "Прошу установить светофор у школы номер 3 в Отрадном, дети переходят дорогу без светофора"
    )
    original = _proposal(demo_campaign, text, status=ProposalStatus.PUBLISHED)
    repeat = _proposal(demo_campaign, text, status=ProposalStatus.NEW)
    analysis = services.proposal_analyze(proposal=repeat)
    assert analysis.duplicate_of == original
    client.force_login(User.objects.get(email="moderator.otradny@civicplan.local"))
    client.post(f"/insights/suggestions/{repeat.pk}/", {"kind": "duplicate"})
    repeat.refresh_from_db()
    assert repeat.duplicate_of_id == original.pk


def test_queue_and_proposal_pages_show_suggestions_similar_and_measures(client, demo_campaign):
    text = (
        "Прошу установить светофор у школы номер 3 в Отрадном, дети переходят дорогу без светофора"
    )
    original = _proposal(demo_campaign, text, status=ProposalStatus.PUBLISHED)
    repeat = _proposal(demo_campaign, text + " Спасибо.", status=ProposalStatus.NEW)
    services.proposal_analyze(proposal=repeat)
    client.force_login(User.objects.get(email="moderator.otradny@civicplan.local"))
    queue = client.get("/proposals/moderation/", {"status": "new"}).content.decode()
    assert "Вероятный повтор" in queue and "Отметить повтором" in queue
    page = client.get(f"/proposals/{original.pk}/")
    assert page.status_code == 200


def test_submitted_proposal_is_analysed_at_once(demo_campaign, django_capture_on_commit_callbacks):
    from civicplan.core.registry import proposals_received_listeners
    from civicplan.insights.models import ProposalAnalysis

    proposal = _proposal(
        demo_campaign, "Нужна новая детская площадка во дворе на улице Гагарина в Отрадном"
    )
    with django_capture_on_commit_callbacks(execute=True):
        for listener in proposals_received_listeners():
            listener([proposal])
    assert ProposalAnalysis.objects.filter(proposal=proposal, run__is_current=True).exists()


def test_an_unsure_guess_is_offered_as_possible_and_taken_in_one_click(client, demo_campaign):
    # given a proposal the model cannot place with confidence (it names no subject)
    proposal = _proposal(
        demo_campaign,
        "Прошу разобраться, сколько можно ждать ответа на наши обращения",
        status=ProposalStatus.NEW,
    )
    analysis = services.proposal_analyze(proposal=proposal)
    assert analysis.predicted_direction is None
    guess = analysis.guessed_direction
    assert guess is not None
    # when its moderator opens the queue
    client.force_login(User.objects.get(email="moderator.otradny@civicplan.local"))
    page = client.get("/proposals/moderation/").content.decode()
    # then the guess is offered as one, not as the model's answer
    assert f"Возможно, направление «{guess.title}» — модель не уверена, проверьте" in page
    # and one click takes it, and teaches the engine like an accepted suggestion
    client.post(f"/insights/suggestions/{proposal.pk}/", {"kind": "direction"})
    proposal.refresh_from_db()
    assert proposal.direction == guess
    assert SuggestionFeedback.objects.get(proposal=proposal).accepted
