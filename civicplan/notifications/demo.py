"""Demo content: the demo resident follows his town, a direction, a session and a measure and
has notifications to read; authors of demo proposals follow them; authors of proposals in
completed measures were asked «Решена ли проблема?» and some answered."""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from civicplan.core.errors import DomainError
from civicplan.notifications.models import FeedbackAnswer, ProblemFeedback, TargetKind
from civicplan.notifications.services import (
    feedback_answer,
    follow_add,
    follows_backfill,
    subscriber_for_user,
)
from civicplan.notifications.services.events import (
    feedback_ask,
    measure_proposals_linked,
    proposal_answered,
)

DEMO_RESIDENT = "resident@civicplan.local"
ANSWERS = [
    (FeedbackAnswer.YES, "Дорогу отремонтировали, тротуар до школы сделали. Спасибо!"),
    (FeedbackAnswer.PARTLY, "Освещение поставили, но только на половине улицы."),
    (FeedbackAnswer.YES, ""),
    (FeedbackAnswer.NO, "Работы объявлены выполненными, но во дворе всё по-прежнему."),
    (FeedbackAnswer.YES, "Площадка открыта, дети занимаются."),
]


def load(*, stdout: TextIO) -> None:
    from civicplan.accounts.models import User
    from civicplan.meetings.models import Session
    from civicplan.proposals.models import PUBLIC_STATUSES, Proposal
    from civicplan.strategy.models import Measure, MeasureState
    from civicplan.territories.models import Municipality

    if ProblemFeedback.objects.exists():
        stdout.write("  Подписки и уведомления уже загружены")
        return
    with transaction.atomic():
        follows = follows_backfill()
        asked = 0
        for done in Measure.objects.filter(
            state=MeasureState.DONE, proposals__isnull=False
        ).distinct()[:8]:
            asked += feedback_ask(measure=done)
        for feedback, (answer, comment) in zip(
            ProblemFeedback.objects.order_by("pk")[::2], ANSWERS * 20, strict=False
        ):
            feedback_answer(feedback=feedback, answer=answer, comment=comment)
        resident = User.objects.filter(email=DEMO_RESIDENT).first()
        if resident is not None:
            subscriber = subscriber_for_user(resident)
            town = Municipality.objects.filter(short_name="Отрадный").first()
            if town is not None:
                follow_add(subscriber=subscriber, kind=TargetKind.MUNICIPALITY, target_id=town.pk)
            session = Session.objects.filter(is_published=True).order_by("starts_at").first()
            if session is not None:
                follow_add(subscriber=subscriber, kind=TargetKind.SESSION, target_id=session.pk)
            measure = (
                Measure.objects.filter(proposals__status__in=PUBLIC_STATUSES)
                .exclude(state=MeasureState.DONE)
                .select_related("strategy", "direction")
                .first()
            )
            if measure is not None:
                follow_add(subscriber=subscriber, kind=TargetKind.MEASURE, target_id=measure.pk)
                follow_add(
                    subscriber=subscriber, kind=TargetKind.DIRECTION, target_id=measure.direction_id
                )
                proposal = measure.proposals.filter(status__in=PUBLIC_STATUSES).first()
                if proposal is not None:  # the filter above found a measure with one
                    follow_add(
                        subscriber=subscriber, kind=TargetKind.PROPOSAL, target_id=proposal.pk
                    )
                    measure_proposals_linked(measure=measure, proposal_ids=[proposal.pk])
            try:
                with transaction.atomic():
                    asked += _resident_proposal_in_a_completed_measure(resident)
            except DomainError as exc:  # a closed phase in a customised demo: skip this part
                stdout.write(f"  Предложение демонстрационного жителя не подано: {exc.message}")
            answered = (
                Proposal.objects.filter(status__in=PUBLIC_STATUSES, answers__isnull=False)
                .distinct()
                .first()
            )
            if answered is not None:
                follow_add(subscriber=subscriber, kind=TargetKind.PROPOSAL, target_id=answered.pk)
                proposal_answered(proposal=answered, answer=answered.answers.first())
    stdout.write(
        f"  Подписок авторов и сторонников: {follows}; вопросов «Решена ли проблема?»: {asked}"
    )


def _resident_proposal_in_a_completed_measure(resident: object) -> int:
    """The demo resident's own proposal, answered and included in a measure that is already
    completed: her cabinet then shows the question «Решена ли проблема?»."""
    from civicplan.accounts.models import User
    from civicplan.campaigns.models import Campaign
    from civicplan.proposals.models import ProposalStatus
    from civicplan.proposals.services import (
        AuthorData,
        proposal_answer,
        proposal_publish,
        proposal_submit,
    )
    from civicplan.strategy.models import Measure, MeasureState
    from civicplan.strategy.services import measure_upsert

    campaign = Campaign.objects.filter(slug="strategy-leadership-samara").first()
    moderator = User.objects.filter(email="moderator.otradny@civicplan.local").first()
    measure = (
        Measure.objects.filter(state=MeasureState.DONE, strategy__campaigns=campaign)
        .order_by("pk")
        .first()
        if campaign
        else None
    )
    if campaign is None or moderator is None or measure is None:
        return 0
    proposal = proposal_submit(
        campaign=campaign,
        text=(
            "Во дворе дома № 12 по улице Гагарина в Отрадном нет детской площадки: дети играют "
            "у дороги. Предлагаю оборудовать площадку и поставить освещение."
        ),
        municipality="36724000000",
        author=AuthorData(name="Елена Смирнова", email=str(resident.email), show_name=True),  # type: ignore[attr-defined]
        consent_given=True,
        ip="127.0.0.1",
        user_agent="demo",
        user=resident,
    )
    proposal_publish(proposal=proposal, actor=moderator)
    proposal_answer(
        proposal=proposal,
        actor=moderator,
        text="Предложение учтено: площадка включена в мероприятие стратегии по благоустройству.",
        organisation="Администрация городского округа Отрадный",
        status=ProposalStatus.ACCEPTED,
    )
    measure_upsert(
        strategy=measure.strategy, code=measure.code, proposals=[*measure.proposals.all(), proposal]
    )
    return feedback_ask(measure=measure)
