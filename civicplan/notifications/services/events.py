"""The listener: what each domain event means for followers.

Registered in `NotificationsConfig.ready()` with `core.registry.register_event_listener`;
it runs inside the transaction of the service that emitted the event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from civicplan.notifications.models import (
    Category,
    Follow,
    FollowSource,
    OutboxKind,
    ProblemFeedback,
    Subscriber,
    TargetKind,
)
from civicplan.notifications.services import (
    follow_users,
    followers,
    notify,
    outbox_add,
    receivable_q,
)
from civicplan.notifications.tokens import feedback_url

logger = logging.getLogger(__name__)

Handler = Callable[..., None]
_HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    def wrap(fn: Handler) -> Handler:
        _HANDLERS[name] = fn
        return fn

    return wrap


def on_event(name: str, **payload: Any) -> None:
    handler = _HANDLERS.get(name)
    if handler is not None:
        handler(**payload)


def on_proposals_received(proposals: Any) -> None:
    """Authors with an account follow their proposals from the start (any channel)."""
    for proposal in proposals:
        if proposal.author_id:
            follow_users(
                user_ids=[proposal.author_id],
                kind=TargetKind.PROPOSAL,
                target_id=proposal.pk,
                source=FollowSource.AUTHOR,
            )


def _proposal_url(proposal: Any) -> str:
    return reverse("proposals:detail", args=[proposal.pk]) if proposal.is_public else ""


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _authors_written_to(proposal: Any) -> set[int]:
    """Authors who gave an address in the form: the proposals app itself writes to them about
    the status and the answer, so here they get the site notification only (no second letter)."""
    from civicplan.proposals.models import ProposalPersonalData

    if (
        not ProposalPersonalData.objects.filter(proposal_id=proposal.pk, erased_at__isnull=True)
        .exclude(email="")
        .exists()
    ):
        return set()
    return set(
        Follow.objects.filter(
            kind=TargetKind.PROPOSAL, target_id=proposal.pk, source=FollowSource.AUTHOR
        ).values_list("subscriber_id", flat=True)
    )


@handles("proposal.status_changed")
def proposal_status_changed(
    *,
    proposal: Any,
    from_status: str,
    to_status: str,
    actor: Any = None,
    changed_at: Any = None,
    **_rest: Any,
) -> None:
    from civicplan.proposals.models import ProposalStatus

    if not from_status:
        return  # the proposal was just received: nobody follows it yet
    if changed_at is not None and proposal.answered_at == changed_at:
        return  # the status moved with the official answer: «proposal.answered» tells it

    label = ProposalStatus(to_status).label
    notify(
        name="proposal.status_changed",
        category=Category.PROPOSAL,
        subscriber_ids=followers(TargetKind.PROPOSAL, [proposal.pk]),
        title=_("Предложение «%(p)s»: %(s)s") % {"p": _short(proposal), "s": label},
        text=_("Статус предложения изменился: теперь оно «%(s)s».") % {"s": label},
        url=_proposal_url(proposal),
        kind=TargetKind.PROPOSAL,
        target_id=proposal.pk,
        exclude_user=actor,
        site_only=_authors_written_to(proposal),
    )
    if to_status == ProposalStatus.PUBLISHED and from_status == ProposalStatus.NEW:
        place = followers(TargetKind.MUNICIPALITY, [proposal.municipality_id])
        place |= followers(TargetKind.DIRECTION, [proposal.direction_id])
        place -= followers(TargetKind.PROPOSAL, [proposal.pk])
        where = proposal.municipality.short_name if proposal.municipality_id else ""
        notify(
            name="proposal.published",
            category=Category.NEWS,
            subscriber_ids=place,
            title=(
                _("Новое предложение: %(m)s — «%(p)s»") % {"m": where, "p": _short(proposal)}
                if where
                else _("Новое предложение: «%(p)s»") % {"p": _short(proposal)}
            ),
            text=_short(proposal.text, 400),
            url=_proposal_url(proposal),
            kind=TargetKind.PROPOSAL,
            target_id=proposal.pk,
            exclude_user=actor,
        )


@handles("proposal.answered")
def proposal_answered(*, proposal: Any, answer: Any, **_rest: Any) -> None:
    notify(
        name="proposal.answered",
        category=Category.PROPOSAL,
        subscriber_ids=followers(TargetKind.PROPOSAL, [proposal.pk]),
        title=_("Официальный ответ на предложение «%(p)s»") % {"p": _short(proposal)},
        text=f"{answer.organisation}: {_short(answer.text, 1200)}",
        url=_proposal_url(proposal),
        kind=TargetKind.PROPOSAL,
        target_id=proposal.pk,
        exclude_user=getattr(answer, "author", None),
        site_only=_authors_written_to(proposal),
    )


@handles("proposal.supported")
def proposal_supported(*, proposal: Any, user: Any, **_rest: Any) -> None:
    follow_users(
        user_ids=[user.pk],
        kind=TargetKind.PROPOSAL,
        target_id=proposal.pk,
        source=FollowSource.SUPPORTER,
    )


@handles("proposal.comment_published")
def comment_published(*, comment: Any, **_rest: Any) -> None:
    """A new comment is a reply to everyone who spoke earlier in the discussion."""
    from civicplan.proposals.models import Comment, CommentStatus

    earlier = (
        Comment.objects.filter(
            proposal_id=comment.proposal_id,
            status=CommentStatus.PUBLISHED,
            author__isnull=False,
            created_at__lte=comment.created_at,
        )
        .exclude(pk=comment.pk)
        .exclude(author_id=comment.author_id)
        .values_list("author_id", flat=True)
        .distinct()
    )
    user_ids = set(earlier)
    if not user_ids:
        return
    ids = set(Subscriber.objects.filter(user_id__in=user_ids).values_list("pk", flat=True))
    missing = user_ids - set(
        Subscriber.objects.filter(pk__in=ids).values_list("user_id", flat=True)
    )
    if missing:
        Subscriber.objects.bulk_create(
            [Subscriber(user_id=uid) for uid in missing], ignore_conflicts=True
        )
        ids = set(Subscriber.objects.filter(user_id__in=user_ids).values_list("pk", flat=True))
    proposal = comment.proposal
    notify(
        name="proposal.comment_reply",
        category=Category.DISCUSSION,
        subscriber_ids=ids,
        title=_("Новый ответ в обсуждении предложения «%(p)s»") % {"p": _short(proposal)},
        text=f"{comment.author_display_name}: {_short(comment.text, 600)}",
        url=_proposal_url(proposal) + f"#comment-{comment.pk}",
        kind=TargetKind.PROPOSAL,
        target_id=proposal.pk,
    )


@handles("proposal.consent_withdrawn")
def proposal_consent_withdrawn(*, proposal: Any, **_rest: Any) -> None:
    """The anonymous author withdrew consent: his address is forgotten with everything queued."""
    Subscriber.objects.filter(
        user__isnull=True,
        follows__kind=TargetKind.PROPOSAL,
        follows__target_id=proposal.pk,
        follows__source=FollowSource.AUTHOR,
    ).delete()


def _measure_audience(measure: Any) -> set[int]:
    ids = followers(TargetKind.MEASURE, [measure.pk])
    ids |= followers(TargetKind.PROPOSAL, measure.proposals.values_list("pk", flat=True))
    return ids


def _measure_url(measure: Any) -> str:
    return reverse("strategy:measure", args=[measure.strategy.slug, measure.pk])


@handles("measure.proposals_linked")
def measure_proposals_linked(*, measure: Any, proposal_ids: list[int], **_rest: Any) -> None:
    from civicplan.proposals.models import Proposal

    for proposal in Proposal.objects.filter(pk__in=list(proposal_ids)):
        notify(
            name="measure.proposal_linked",
            category=Category.MEASURE,
            subscriber_ids=followers(TargetKind.PROPOSAL, [proposal.pk]),
            title=_("Предложение «%(p)s» вошло в мероприятие стратегии «%(m)s»")
            % {"p": _short(str(proposal), 60), "m": _short(measure.title, 90)},
            text=_("Исполнитель: %(o)s. Срок: %(d)s.")
            % {"o": measure.organisation, "d": formats.date_format(measure.ends_on, "j E Y")},
            url=_measure_url(measure),
            kind=TargetKind.MEASURE,
            target_id=measure.pk,
        )


@handles("measure.changed")
def measure_changed(*, measure: Any, changes: dict[str, tuple[Any, Any]], **_rest: Any) -> None:
    """A new state says more than a new percentage: one notification per change."""
    if "state" in changes:
        from_state, to_state = changes["state"]
        measure_state_changed(measure=measure, from_state=from_state, to_state=to_state)
    elif "progress" in changes:
        before, after = changes["progress"]
        measure_progress_changed(measure=measure, from_progress=before, to_progress=after)


def measure_state_changed(*, measure: Any, from_state: str, to_state: str) -> None:
    from civicplan.strategy.models import MeasureState

    if to_state == MeasureState.DONE:
        notify(
            name="measure.completed",
            category=Category.MEASURE,
            subscriber_ids=_measure_audience(measure),
            title=_("Мероприятие «%(m)s» выполнено") % {"m": _short(measure.title)},
            text=_("Исполнитель: %(o)s.") % {"o": measure.organisation},
            url=_measure_url(measure),
            kind=TargetKind.MEASURE,
            target_id=measure.pk,
        )
        feedback_ask(measure=measure)
        return
    notify(
        name="measure.state_changed",
        category=Category.MEASURE,
        subscriber_ids=_measure_audience(measure),
        title=_("Мероприятие «%(m)s»: %(s)s, выполнено на %(p)d %%")
        % {"m": _short(measure.title), "s": MeasureState(to_state).label, "p": measure.progress},
        text=_("Исполнитель: %(o)s.") % {"o": measure.organisation},
        url=_measure_url(measure),
        kind=TargetKind.MEASURE,
        target_id=measure.pk,
    )


def measure_progress_changed(*, measure: Any, from_progress: int, to_progress: int) -> None:
    notify(
        name="measure.progress_changed",
        category=Category.MEASURE,
        subscriber_ids=_measure_audience(measure),
        title=_("Мероприятие «%(m)s» выполнено на %(p)d %%")
        % {"m": _short(measure.title), "p": to_progress},
        text=_("Было %(a)d %%, стало %(b)d %%.") % {"a": from_progress, "b": to_progress},
        url=_measure_url(measure),
        kind=TargetKind.MEASURE,
        target_id=measure.pk,
    )


def feedback_ask(*, measure: Any) -> int:
    """Ask the authors of the measure's proposals «Решена ли проблема?» (once each)."""
    proposal_ids = list(measure.proposals.values_list("pk", flat=True))
    asked = 0
    authors = (
        Follow.objects.filter(
            kind=TargetKind.PROPOSAL, target_id__in=proposal_ids, source=FollowSource.AUTHOR
        )
        .filter(subscriber__in=Subscriber.objects.filter(receivable_q()))
        .select_related("subscriber")
    )
    now = timezone.now()
    for follow in authors:
        feedback, created = ProblemFeedback.objects.get_or_create(
            measure=measure,
            proposal_id=follow.target_id,
            subscriber=follow.subscriber,
            defaults={"asked_at": now},
        )
        if not created:
            continue
        asked += 1
        url = feedback_url(feedback_id=feedback.pk)
        notify(
            name="measure.feedback_asked",
            category=Category.MEASURE,
            subscriber_ids=[follow.subscriber_id],
            title=_("Решена ли проблема? Мероприятие «%(m)s» выполнено")
            % {"m": _short(measure.title)},
            text=_("Ответьте одним нажатием: да, частично или нет."),
            url=url,
            kind=TargetKind.MEASURE,
            target_id=measure.pk,
        )
        outbox_add(
            subscriber=follow.subscriber,
            kind=OutboxKind.FEEDBACK,
            key=f"feedback:{feedback.pk}",
            payload={"feedback": feedback.pk},
        )
    return asked


@handles("session.created")
def session_created(*, session: Any, **_rest: Any) -> None:
    if not session.is_published:
        return
    audience = followers(TargetKind.MUNICIPALITY, [session.municipality_id])
    audience |= followers(TargetKind.DIRECTION, session.directions.values_list("pk", flat=True))
    when = formats.date_format(timezone.localtime(session.starts_at), "j E Y, H:i")
    where = session.municipality.short_name if session.municipality_id else ""
    notify(
        name="session.created",
        category=Category.SESSION,
        subscriber_ids=audience,
        title=(
            _("Новая стратегическая сессия: %(m)s — «%(t)s», %(d)s")
            % {"m": where, "t": session.title, "d": when}
            if where
            else _("Новая стратегическая сессия «%(t)s», %(d)s") % {"t": session.title, "d": when}
        ),
        text=session.summary or session.theme,
        url=reverse("meetings:session", args=[session.slug]),
        kind=TargetKind.SESSION,
        target_id=session.pk,
    )


@handles("session.registered")
def session_registered(*, participant: Any, **_rest: Any) -> None:
    if participant.user_id:
        follow_users(
            user_ids=[participant.user_id],
            kind=TargetKind.SESSION,
            target_id=participant.session_id,
            source=FollowSource.PARTICIPANT,
        )
