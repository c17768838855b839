"""Every write of the notifications app: subscribers, follows, preferences, notifications.

`notify` turns one event into notifications for its followers and, for those who want
letters at once, outbox messages — in the caller's transaction, so an event that rolls back
leaves no letter behind and a committed one always has its letters queued.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.models import PolicyDocument
from civicplan.accounts.services import consent_record_create, policy_current
from civicplan.core.errors import Conflict, InvalidInput, NotFound
from civicplan.core.ratelimit import rate_limit_hit
from civicplan.notifications.models import (
    DEFAULT_EMAIL_MODES,
    Category,
    EmailMode,
    Event,
    FeedbackAnswer,
    Follow,
    FollowSource,
    Notification,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    ProblemFeedback,
    Subscriber,
    TargetKind,
)
from civicplan.notifications.targets import target_get

logger = logging.getLogger(__name__)

BATCH = 1000


# --- who may receive anything -------------------------------------------------------------


def receivable_q() -> Q:
    """Subscribers who may receive anything at all: an active account, or an anonymous
    address that was confirmed and whose consent stands. A withdrawn consent stops all."""
    return Q(user__is_active=True) | Q(
        user__isnull=True,
        confirmed_at__isnull=False,
        consent__isnull=False,
        consent__withdrawn_at__isnull=True,
    )


def email_allowed(subscriber: Subscriber) -> bool:
    """May a letter go to this subscriber now (confirmed address, consent, not refused)?"""
    if subscriber.email_stopped_at or subscriber.bounced_at:
        return False
    if subscriber.user_id:
        user = subscriber.user
        return bool(
            user
            and user.is_active
            and user.email_confirmed_at
            and user.email
            and not user.email.endswith("@invalid")
        )
    consent = subscriber.consent
    return bool(
        subscriber.confirmed_at and subscriber.email and consent and consent.withdrawn_at is None
    )


# --- subscribers and follows --------------------------------------------------------------


def subscriber_for_user(user: Any) -> Subscriber:
    try:
        return Subscriber.objects.get(user=user)
    except Subscriber.DoesNotExist:
        try:
            with transaction.atomic():
                return Subscriber.objects.create(user=user)
        except IntegrityError:
            return Subscriber.objects.get(user=user)


def _subscriber_ids_for_users(user_ids: Iterable[int]) -> set[int]:
    wanted = {uid for uid in user_ids if uid}
    if not wanted:
        return set()
    existing = dict(Subscriber.objects.filter(user_id__in=wanted).values_list("user_id", "pk"))
    missing = wanted - set(existing)
    if missing:
        Subscriber.objects.bulk_create(
            [Subscriber(user_id=uid) for uid in missing], ignore_conflicts=True
        )
        existing = dict(Subscriber.objects.filter(user_id__in=wanted).values_list("user_id", "pk"))
    return set(existing.values())


def follow_add(
    *,
    subscriber: Subscriber,
    kind: str,
    target_id: int,
    source: str = FollowSource.MANUAL,
) -> Follow:
    """Follow a target. A manual follow needs a published target; authors and supporters are
    added by the services that know they may (their own proposal before publication)."""
    if kind not in TargetKind.values:
        raise InvalidInput(_("Неизвестный вид подписки."), code="follow_kind", field="kind")
    if source == FollowSource.MANUAL and target_get(kind, int(target_id)) is None:
        raise NotFound(_("На это нельзя подписаться: страница не найдена или не опубликована."))
    follow, _created = Follow.objects.get_or_create(
        subscriber=subscriber,
        kind=kind,
        target_id=int(target_id),
        defaults={"source": source},
    )
    return follow


def follow_remove(*, subscriber: Subscriber, kind: str, target_id: int) -> int:
    deleted, _rest = Follow.objects.filter(
        subscriber=subscriber, kind=kind, target_id=int(target_id)
    ).delete()
    return deleted


def follow_users(*, user_ids: Iterable[int], kind: str, target_id: int, source: str) -> int:
    """Auto-follow for accounts (authors, supporters, participants); existing follows stay."""
    ids = _subscriber_ids_for_users(user_ids)
    Follow.objects.bulk_create(
        [Follow(subscriber_id=sid, kind=kind, target_id=target_id, source=source) for sid in ids],
        ignore_conflicts=True,
    )
    return len(ids)


def follows_backfill() -> int:
    """Authors and supporters follow their proposals — also those that came before this app
    (imports, demo data); safe to run again."""
    from civicplan.proposals.models import Proposal, Support

    pairs: set[tuple[int, int, str]] = set()
    for pk, author_id in Proposal.objects.filter(author__isnull=False).values_list(
        "pk", "author_id"
    ):
        pairs.add((author_id, pk, FollowSource.AUTHOR))
    for proposal_id, user_id in Support.objects.values_list("proposal_id", "user_id"):
        pairs.add((user_id, proposal_id, FollowSource.SUPPORTER))
    subscribers = dict(
        Subscriber.objects.filter(
            pk__in=_subscriber_ids_for_users({u for u, _p, _s in pairs})
        ).values_list("user_id", "pk")
    )
    rows = [
        Follow(subscriber_id=subscribers[u], kind=TargetKind.PROPOSAL, target_id=p, source=s)
        for u, p, s in sorted(pairs, key=lambda t: t[2] != FollowSource.AUTHOR)
        if u in subscribers
    ]
    before = Follow.objects.count()
    Follow.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return Follow.objects.count() - before


def _clean_email(email: str) -> str:
    value = (email or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError as exc:
        raise InvalidInput(
            _("Проверьте адрес электронной почты: в нём ошибка."), code="email", field="email"
        ) from exc
    return value


@transaction.atomic
def follow_by_email(
    *,
    email: str,
    kind: str,
    target_id: int,
    consent: bool,
    ip: str | None,
    user_agent: str = "",
    source: str = FollowSource.MANUAL,
) -> Subscriber:
    """An anonymous visitor follows by e-mail: nothing is sent but the confirmation letter
    until the address is confirmed."""
    if not consent:
        raise InvalidInput(
            _("Чтобы получать письма, нужно согласие на обработку адреса электронной почты."),
            code="consent_required",
            field="consent",
        )
    address = _clean_email(email)
    rate_limit_hit(key=f"notifications:follow:{ip or '-'}", limit=20, window=3600)
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
        user=None, email=address
    )
    if subscriber.consent_id is None or (
        subscriber.consent and subscriber.consent.withdrawn_at is not None
    ):
        subscriber.consent = consent_record_create(
            policy=policy_current(kind=PolicyDocument.Kind.PERSONAL_DATA),
            ip=ip,
            user_agent=user_agent,
        )
        subscriber.confirmed_at = None
        subscriber.email_stopped_at = None
        subscriber.save(update_fields=["consent", "confirmed_at", "email_stopped_at"])
    follow_add(subscriber=subscriber, kind=kind, target_id=target_id, source=source)
    if subscriber.confirmed_at is None:
        sent_today = OutboxMessage.objects.filter(
            subscriber=subscriber,
            kind=OutboxKind.CONFIRM,
            created_at__gte=timezone.now() - datetime.timedelta(hours=1),
        ).count()
        if sent_today < 3:
            outbox_add(
                subscriber=subscriber,
                kind=OutboxKind.CONFIRM,
                key=f"confirm:{subscriber.pk}:{timezone.now().timestamp():.0f}",
            )
    return subscriber


@transaction.atomic
def subscriber_confirm(*, subscriber_id: int) -> Subscriber:
    subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.user_id:
        raise NotFound(_("Ссылка устарела: подпишитесь ещё раз."))
    if subscriber.consent is None or subscriber.consent.withdrawn_at is not None:
        raise Conflict(_("Согласие на обработку адреса отозвано: подпишитесь ещё раз."))
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


@transaction.atomic
def preferences_set(
    *, subscriber: Subscriber, modes: dict[str, str], email_stopped: bool
) -> Subscriber:
    clean: dict[str, str] = {}
    for category in Category.values:
        mode = modes.get(category, subscriber.email_mode(category))
        if mode not in EmailMode.values:
            raise InvalidInput(_("Неизвестный способ доставки."), code="mode", field=category)
        if category == Category.STAFF and mode in (EmailMode.IMMEDIATE, EmailMode.WEEKLY):
            mode = EmailMode.DAILY
        clean[category] = mode
    subscriber.email_modes = clean
    subscriber.email_stopped_at = (
        (subscriber.email_stopped_at or timezone.now()) if email_stopped else None
    )
    subscriber.save(update_fields=["email_modes", "email_stopped_at"])
    return subscriber


@transaction.atomic
def unsubscribe(*, subscriber_id: int, scope: str) -> Subscriber:
    """One-click unsubscribe (RFC 8058): a category, a digest (`mode:daily`) or `all`."""
    subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if subscriber is None:
        raise NotFound(_("Подписка не найдена: возможно, она уже удалена."))
    if scope == "all":
        subscriber.email_stopped_at = subscriber.email_stopped_at or timezone.now()
        subscriber.save(update_fields=["email_stopped_at"])
    else:
        modes = {c: subscriber.email_mode(c) for c in Category.values}
        if scope.startswith("mode:"):
            mode = scope.split(":", 1)[1]
            for category, current in modes.items():
                if current == mode:
                    modes[category] = EmailMode.OFF
        elif scope in modes:
            modes[scope] = EmailMode.OFF
        else:
            raise InvalidInput(_("Ссылка для отписки повреждена."), code="scope")
        subscriber.email_modes = modes
        subscriber.save(update_fields=["email_modes"])
    # what is still waiting for this subscriber in that scope is not sent
    pending = OutboxMessage.objects.filter(subscriber=subscriber, state=OutboxState.PENDING)
    if scope == "all":
        pending.update(state=OutboxState.SKIPPED, last_error="unsubscribed")
    return subscriber


def notifications_mark_read(*, subscriber: Subscriber, ids: Iterable[int] | None = None) -> int:
    rows = Notification.objects.filter(subscriber=subscriber, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


# --- events into notifications ------------------------------------------------------------


def outbox_add(
    *, subscriber: Subscriber, kind: str, key: str, payload: dict[str, Any] | None = None
) -> OutboxMessage:
    message, _created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "subscriber": subscriber,
            "kind": kind,
            "payload": payload or {},
            "next_attempt_at": timezone.now(),
        },
    )
    sender_kick()
    return message


def sender_kick() -> None:
    """Ask a worker to send the outbox once this transaction commits."""

    def _kick() -> None:
        from civicplan.notifications.tasks import send_outbox

        try:
            send_outbox.delay()
        except Exception:  # a broker that is down must not break the page; beat retries
            logger.exception("Could not hand the outbox to a worker")

    transaction.on_commit(_kick)


def followers(kind: str, target_ids: Iterable[int]) -> set[int]:
    ids = [int(pk) for pk in target_ids if pk is not None]
    if not ids:
        return set()
    return set(
        Follow.objects.filter(kind=kind, target_id__in=ids).values_list("subscriber_id", flat=True)
    )


def notify(
    *,
    name: str,
    category: str,
    subscriber_ids: Iterable[int],
    title: str,
    text: str = "",
    url: str = "",
    kind: str = "",
    target_id: int | None = None,
    exclude_user: Any = None,
    site_only: Iterable[int] = (),
) -> Event | None:
    """Record an event and one notification per receivable subscriber; queue letters for
    those who want them at once. Digests pick up the rest (`digests.digest_queue`)."""
    ids = set(subscriber_ids)
    if exclude_user is not None and getattr(exclude_user, "is_authenticated", False):
        ids -= set(Subscriber.objects.filter(user=exclude_user).values_list("pk", flat=True))
    if not ids:
        return None
    now = timezone.now()
    event = Event.objects.create(
        name=name,
        category=category,
        kind=kind,
        target_id=target_id,
        title=title[:300],
        text=text,
        url=url[:500],
        created_at=now,
    )
    default = DEFAULT_EMAIL_MODES.get(category, EmailMode.OFF)
    quiet = set(site_only)
    rows = (
        Subscriber.objects.filter(pk__in=ids)
        .filter(receivable_q())
        .values_list("pk", "email_modes", "email_stopped_at", "bounced_at")
    )
    plan: list[tuple[int, str]] = []
    for pk, modes, stopped, bounced in rows.iterator(chunk_size=BATCH):
        mode = (modes or {}).get(category) or default
        if stopped or bounced or pk in quiet:
            mode = EmailMode.OFF
        plan.append((pk, mode))
    immediate = [pk for pk, mode in plan if mode == EmailMode.IMMEDIATE]
    outbox_ids: dict[int, int] = {}
    for start in range(0, len(immediate), BATCH):
        created = OutboxMessage.objects.bulk_create(
            [
                OutboxMessage(
                    subscriber_id=pk,
                    kind=OutboxKind.IMMEDIATE,
                    key=f"n:{event.pk}:{pk}",
                    payload={"event": event.pk},
                    next_attempt_at=now,
                )
                for pk in immediate[start : start + BATCH]
            ]
        )
        if created and created[0].pk is None:  # a backend that does not return keys
            outbox_ids.update(
                OutboxMessage.objects.filter(key__in=[m.key for m in created]).values_list(
                    "subscriber_id", "pk"
                )
            )
        else:
            outbox_ids.update({m.subscriber_id: m.pk for m in created})
    Notification.objects.bulk_create(
        [
            Notification(
                subscriber_id=pk,
                event=event,
                email_mode=mode,
                outbox_id=outbox_ids.get(pk),
                created_at=now,
            )
            for pk, mode in plan
        ],
        batch_size=BATCH,
    )
    if immediate:
        sender_kick()
    return event


# --- «Решена ли проблема?» -----------------------------------------------------------------


@transaction.atomic
def feedback_answer(
    *, feedback: ProblemFeedback, answer: str, comment: str = ""
) -> ProblemFeedback:
    if answer not in FeedbackAnswer.values:
        raise InvalidInput(
            _("Выберите ответ: да, частично или нет."), code="feedback_answer", field="answer"
        )
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise InvalidInput(
            _("Комментарий длиннее 2000 знаков: сократите его, пожалуйста."),
            code="feedback_comment",
            field="comment",
        )
    feedback.answer = answer
    feedback.comment = comment
    feedback.answered_at = timezone.now()
    feedback.save(update_fields=["answer", "comment", "answered_at"])
    return feedback
