"""Each event reaches its followers and nobody else."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from civicplan.notifications.models import (
    Follow,
    FollowSource,
    Notification,
    ProblemFeedback,
    TargetKind,
)
from civicplan.notifications.services import follow_add, subscriber_for_user
from civicplan.notifications.tests.conftest import (
    KINEL,
    OTRADNY,
    measure_for,
    published,
    session_in,
    submit,
)
from civicplan.proposals.models import ProposalStatus
from civicplan.proposals.services import (
    comment_add,
    proposal_answer,
    proposal_status_set,
    support_add,
)
from civicplan.strategy.services import measure_progress_set, measure_upsert
from civicplan.territories.models import Municipality

pytestmark = pytest.mark.django_db


def titles(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(subscriber__user=user)
        .order_by("created_at", "pk")
        .values_list("event__title", flat=True)
    )


def test_author_and_supporter_follow_and_hear_the_answer_others_do_not(
    campaign, otradny_moderator, anna, boris, stranger
):
    # given a proposal by Anna (signed in), published and supported by Boris
    proposal = published(campaign, otradny_moderator, user=anna)
    support_add(proposal=proposal, user=boris)
    assert Follow.objects.filter(subscriber__user=anna, source=FollowSource.AUTHOR).exists()
    assert Follow.objects.filter(subscriber__user=boris, source=FollowSource.SUPPORTER).exists()

    # when the moderator gives the official answer
    proposal_answer(
        proposal=proposal,
        actor=otradny_moderator,
        text="Ремонт улицы Гагарина включён в план дорожных работ на 2026 год.",
        organisation="Администрация г. о. Отрадный",
        status=ProposalStatus.ACCEPTED,
    )

    # then both hear of it, the stranger and the moderator himself do not
    assert any("Официальный ответ" in t for t in titles(anna))
    assert any("Официальный ответ" in t for t in titles(boris))
    assert titles(stranger) == []
    assert titles(otradny_moderator) == []


def test_municipality_followers_hear_of_new_proposals_only_in_their_town(
    campaign, otradny_moderator, kinel_moderator, anna, boris
):
    otradny = Municipality.objects.get(oktmo=OTRADNY)
    kinel = Municipality.objects.get(oktmo=KINEL)
    follow_add(
        subscriber=subscriber_for_user(anna), kind=TargetKind.MUNICIPALITY, target_id=otradny.pk
    )
    follow_add(
        subscriber=subscriber_for_user(boris), kind=TargetKind.MUNICIPALITY, target_id=kinel.pk
    )

    published(campaign, otradny_moderator, municipality=OTRADNY)

    assert any("Новое предложение: Отрадный" in t for t in titles(anna))
    assert titles(boris) == []


def test_status_change_reaches_followers_not_the_moderator_of_another_town(
    campaign, otradny_moderator, kinel_moderator, anna
):
    proposal = published(campaign, otradny_moderator, user=anna)
    proposal_status_set(
        proposal=proposal, actor=otradny_moderator, status=ProposalStatus.UNDER_REVIEW
    )
    assert any("рассматривается рабочей группой" in t for t in titles(anna))
    assert titles(kinel_moderator) == []


def test_a_reply_reaches_earlier_commenters_not_the_one_who_wrote_it(
    campaign, otradny_moderator, anna, boris, stranger
):
    campaign.comments_premoderated = False
    campaign.save(update_fields=["comments_premoderated"])
    proposal = published(campaign, otradny_moderator)
    comment_add(proposal=proposal, user=anna, text="Поддерживаю, у школы № 3 нет тротуара.")

    comment_add(proposal=proposal, user=boris, text="Согласен, вечером там ещё и темно.")

    assert any("Новый ответ в обсуждении" in t for t in titles(anna))
    assert titles(boris) == []
    assert titles(stranger) == []


def test_measure_link_progress_completion_and_the_question(
    campaign, otradny_moderator, anna, boris, stranger
):
    proposal = published(campaign, otradny_moderator, user=anna)
    support_add(proposal=proposal, user=boris)
    measure = measure_for(campaign)

    measure_upsert(strategy=campaign.strategy, code=measure.code, proposals=[proposal])
    assert any("вошло в мероприятие" in t for t in titles(anna))

    measure_progress_set(measure=measure, progress=60)
    assert any("выполнено на 60 %" in t for t in titles(boris))

    measure_progress_set(measure=measure, progress=100)
    assert any("выполнено" in t and "Мероприятие" in t for t in titles(boris))
    # only the author is asked whether the problem was solved
    asked = ProblemFeedback.objects.filter(measure=measure)
    assert [f.subscriber.user for f in asked] == [anna]
    assert any("Решена ли проблема?" in t for t in titles(anna))
    assert not any("Решена ли проблема?" in t for t in titles(boris))
    assert titles(stranger) == []


def test_new_session_in_my_town_and_auto_follow_on_registration(campaign, anna, boris):
    from civicplan.meetings.services import participant_register

    otradny = Municipality.objects.get(oktmo=OTRADNY)
    kinel = Municipality.objects.get(oktmo=KINEL)
    follow_add(
        subscriber=subscriber_for_user(anna), kind=TargetKind.MUNICIPALITY, target_id=otradny.pk
    )
    follow_add(
        subscriber=subscriber_for_user(boris), kind=TargetKind.MUNICIPALITY, target_id=kinel.pk
    )

    session = session_in(campaign, otradny)
    assert any("Новая стратегическая сессия: Отрадный" in t for t in titles(anna))
    assert titles(boris) == []

    participant_register(
        session=session,
        last_name="Иванов",
        first_name="Борис",
        email=boris.email,
        group="public",
        consent_given=True,
        ip="10.1.1.1",
        user=boris,
    )
    assert Follow.objects.filter(
        subscriber__user=boris, kind=TargetKind.SESSION, target_id=session.pk
    ).exists()


def test_erased_user_gets_nothing_more(
    campaign, otradny_moderator, anna, django_capture_on_commit_callbacks
):
    from civicplan.accounts.services.personal_data import personal_data_erase

    proposal = published(campaign, otradny_moderator, user=anna)
    personal_data_erase(user=anna)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        proposal_status_set(
            proposal=proposal, actor=otradny_moderator, status=ProposalStatus.UNDER_REVIEW
        )

    assert Notification.objects.filter(subscriber__user=anna).count() == 0
    assert not [m for m in mail.outbox if anna.email in m.to]


def test_unpublished_proposal_cannot_be_followed_by_a_stranger(campaign, stranger):
    from civicplan.core.errors import NotFound

    proposal = submit(campaign)
    with pytest.raises(NotFound):
        follow_add(
            subscriber=subscriber_for_user(stranger),
            kind=TargetKind.PROPOSAL,
            target_id=proposal.pk,
        )


def test_the_author_gets_one_letter_about_the_answer_not_two(
    campaign, otradny_moderator, anna, django_capture_on_commit_callbacks
):
    from civicplan.notifications.services.outbox import outbox_send
    from civicplan.proposals.services import AuthorData

    proposal = published(
        campaign,
        otradny_moderator,
        user=anna,
        author=AuthorData(name="Анна Петрова", email=anna.email, show_name=True),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_answer(
            proposal=proposal,
            actor=otradny_moderator,
            text="Тротуар до школы № 3 будет построен в 2026 году.",
            organisation="Администрация г. о. Отрадный",
            status=ProposalStatus.ACCEPTED,
        )
    outbox_send()

    about_answer = [m for m in mail.outbox if anna.email in m.to and "ответ" in m.subject.lower()]
    assert len(about_answer) == 1
    assert any("Официальный ответ" in t for t in titles(anna))  # and in the site list
