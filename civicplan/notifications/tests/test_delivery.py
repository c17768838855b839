"""Delivery: immediate letters, digests, one-click unsubscribe, exactly-once sending."""

from __future__ import annotations

import datetime as dt
import smtplib
import zoneinfo
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from civicplan.notifications.models import (
    Category,
    EmailMode,
    Notification,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Subscriber,
    TargetKind,
)
from civicplan.notifications.services import (
    follow_add,
    follow_by_email,
    notify,
    preferences_set,
    subscriber_for_user,
)
from civicplan.notifications.services.digests import (
    digest_queue,
    session_reminders_queue,
    staff_digest_queue,
)
from civicplan.notifications.services.outbox import (
    LEASE,
    outbox_claim,
    outbox_deliver,
    outbox_recover,
    outbox_send,
)
from civicplan.notifications.tests.conftest import OTRADNY, published, session_in, submit
from civicplan.notifications.tokens import confirm_token, unsubscribe_token
from civicplan.proposals.models import ProposalStatus
from civicplan.proposals.services import proposal_status_set
from civicplan.territories.models import Municipality

pytestmark = pytest.mark.django_db


def event_for(
    subscribers: list[Subscriber], title: str = "Предложение «Тротуар у школы»: учтено"
) -> Any:
    return notify(
        name="proposal.status_changed",
        category=Category.PROPOSAL,
        subscriber_ids=[s.pk for s in subscribers],
        title=title,
        text="Статус предложения изменился.",
        url="/proposals/1/",
    )


def to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


def test_immediate_letter_has_html_text_and_one_click_unsubscribe(anna):
    subscriber = subscriber_for_user(anna)
    event_for([subscriber])

    outbox_send()

    [letter] = to(anna.email)
    assert letter.subject == "Предложение «Тротуар у школы»: учтено"
    assert "Статус предложения изменился." in letter.body
    html = letter.alternatives[0][0]
    assert "Отписаться от таких писем" in html
    assert letter.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert letter.extra_headers["List-Unsubscribe"].startswith(
        "<https://strategy.example.ru/notifications/unsubscribe/"
    )


def test_unconfirmed_address_gets_the_site_notification_but_no_letter(campaign):
    from civicplan.notifications.tests.conftest import make_resident

    person = make_resident("unconfirmed@example.ru", confirmed=False)
    event_for([subscriber_for_user(person)])
    counts = outbox_send()
    assert Notification.objects.filter(subscriber__user=person).count() == 1
    assert to(person.email) == []
    assert counts.get(OutboxState.SKIPPED) == 1


def test_daily_digest_groups_a_days_events_into_one_letter(anna):
    subscriber = subscriber_for_user(anna)
    preferences_set(
        subscriber=subscriber, modes={Category.PROPOSAL: EmailMode.DAILY}, email_stopped=False
    )
    for title in ("Первое событие", "Второе событие", "Третье событие"):
        event_for([subscriber], title=title)
    assert OutboxMessage.objects.count() == 0  # nothing at once

    digest_queue(mode=EmailMode.DAILY)
    digest_queue(mode=EmailMode.DAILY)  # beat fired twice: still one letter
    outbox_send()

    [letter] = to(anna.email)
    assert letter.subject == "Сводка за день: 3 уведомления"
    for title in ("Первое событие", "Второе событие", "Третье событие"):
        assert title in letter.body
    assert "mode%3Adaily" not in letter.extra_headers["List-Unsubscribe"]  # signed, not plain


def test_weekly_digest_waits_for_its_week_and_sends_once(anna):
    subscriber = subscriber_for_user(anna)
    preferences_set(
        subscriber=subscriber, modes={Category.PROPOSAL: EmailMode.WEEKLY}, email_stopped=False
    )
    event_for([subscriber])
    assert digest_queue(mode=EmailMode.DAILY) == 0
    assert digest_queue(mode=EmailMode.WEEKLY) == 1
    outbox_send()
    outbox_send()
    assert len(to(anna.email)) == 1


def test_one_click_unsubscribe_from_the_letter_without_a_session(client, anna):
    subscriber = subscriber_for_user(anna)
    event_for([subscriber])
    outbox_send()
    [letter] = to(anna.email)
    url = (
        letter.extra_headers["List-Unsubscribe"]
        .strip("<>")
        .replace("https://strategy.example.ru", "")
    )

    # a link scanner's GET changes nothing
    assert client.get(url).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.email_mode(Category.PROPOSAL) == EmailMode.IMMEDIATE

    # the mail client's RFC 8058 POST, no cookies, no CSRF token
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.email_mode(Category.PROPOSAL) == EmailMode.OFF

    mail.outbox.clear()
    event_for([subscriber])
    outbox_send()
    assert to(anna.email) == []
    assert Notification.objects.filter(subscriber=subscriber).count() == 2  # the site still shows


def test_forged_unsubscribe_token_is_refused(client, anna):
    token = unsubscribe_token(subscriber_id=subscriber_for_user(anna).pk, scope="all")
    response = client.post(reverse("notifications:unsubscribe", args=[token[:-3] + "abc"]))
    assert response.status_code == 400
    assert Subscriber.objects.get(user=anna).email_stopped_at is None


def test_killed_worker_sends_nothing_twice(anna, boris):
    # given two letters claimed by a worker that dies before sending
    event_for([subscriber_for_user(anna), subscriber_for_user(boris)])
    _dead, claimed = outbox_claim(limit=10)
    assert len(claimed) == 2

    # a second worker meanwhile gets nothing: the rows are claimed
    _other, nothing = outbox_claim(limit=10)
    assert nothing == []
    assert outbox_send() == {"returned": 0, "uncertain": 0}
    assert mail.outbox == []

    # when the lease runs out, recovery gives the rows back, and each is sent once
    later = timezone.now() + LEASE + dt.timedelta(seconds=1)
    assert outbox_recover(now=later) == {"returned": 2, "uncertain": 0}
    outbox_send()
    outbox_send()
    assert len(to(anna.email)) == 1 and len(to(boris.email)) == 1
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {OutboxState.SENT}


def test_a_worker_killed_during_the_hand_over_never_resends(anna):
    event_for([subscriber_for_user(anna)])
    token, [pk] = outbox_claim(limit=10)
    # the worker marked the row «sending» and died inside the SMTP conversation
    OutboxMessage.objects.filter(pk=pk).update(state=OutboxState.SENDING)

    outbox_recover(now=timezone.now() + LEASE + dt.timedelta(seconds=1))
    outbox_send()

    assert OutboxMessage.objects.get(pk=pk).state == OutboxState.UNCERTAIN
    assert mail.outbox == []


class RefusingConnection:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc
        self.calls = 0

    def send_messages(self, messages: list[Any]) -> int:
        self.calls += 1
        raise self.exc


def test_refused_address_is_recorded_and_not_retried(anna):
    event_for([subscriber_for_user(anna)])
    token, [pk] = outbox_claim(limit=1)
    refused = smtplib.SMTPRecipientsRefused({anna.email: (550, b"5.1.1 User unknown")})

    state = outbox_deliver(message_id=pk, token=token, mail_connection=RefusingConnection(refused))

    assert state == OutboxState.FAILED
    assert Subscriber.objects.get(user=anna).bounced_at is not None
    assert outbox_claim(limit=10, now=timezone.now() + dt.timedelta(days=1))[1] == []
    # and no new letters are queued for a refused address
    event_for([subscriber_for_user(anna)])
    assert OutboxMessage.objects.filter(state=OutboxState.PENDING).count() == 0


def test_temporary_error_retries_with_back_off_then_sends_once(anna):
    event_for([subscriber_for_user(anna)])
    token, [pk] = outbox_claim(limit=1)
    busy = smtplib.SMTPResponseException(451, b"4.3.0 Try again later")

    assert outbox_deliver(message_id=pk, token=token, mail_connection=RefusingConnection(busy)) == (
        OutboxState.PENDING
    )
    row = OutboxMessage.objects.get(pk=pk)
    assert row.attempts == 1 and row.next_attempt_at > timezone.now() + dt.timedelta(minutes=1)
    assert outbox_claim(limit=1)[1] == []  # not before its time

    token, [again] = outbox_claim(limit=1, now=row.next_attempt_at)
    assert outbox_deliver(message_id=again, token=token) == OutboxState.SENT
    assert len(to(anna.email)) == 1


def test_anonymous_follower_must_confirm_and_withdrawn_consent_stops_all(
    client, campaign, otradny_moderator
):
    from civicplan.accounts.services import consent_withdraw

    proposal = published(campaign, otradny_moderator)
    subscriber = follow_by_email(
        email="Resident.Otradny@example.ru",
        kind=TargetKind.PROPOSAL,
        target_id=proposal.pk,
        consent=True,
        ip="10.2.2.2",
    )
    outbox_send()
    [confirm_letter] = to("resident.otradny@example.ru")
    assert "Подтвердите адрес" in confirm_letter.subject

    # before confirmation: nothing but that letter
    proposal_status_set(
        proposal=proposal, actor=otradny_moderator, status=ProposalStatus.UNDER_REVIEW
    )
    outbox_send()
    assert len(to("resident.otradny@example.ru")) == 1

    # after confirmation by the link: the next change arrives
    token = confirm_token(subscriber_id=subscriber.pk)
    assert client.get(reverse("notifications:confirm", args=[token])).status_code == 200
    proposal_status_set(proposal=proposal, actor=otradny_moderator, status=ProposalStatus.ACCEPTED)
    outbox_send()
    assert len(to("resident.otradny@example.ru")) == 2

    # consent withdrawn: nothing at all, not even in a digest
    subscriber.refresh_from_db()
    consent_withdraw(consent=subscriber.consent)
    proposal_status_set(
        proposal=proposal, actor=otradny_moderator, status=ProposalStatus.IMPLEMENTING
    )
    digest_queue(mode=EmailMode.DAILY)
    outbox_send()
    assert len(to("resident.otradny@example.ru")) == 2


def test_anonymous_author_follows_by_tracking_code_and_is_forgotten_on_withdrawal(
    client, campaign, otradny_moderator
):
    from civicplan.proposals.services import proposal_consent_withdraw

    proposal = submit(campaign)
    response = client.post(
        reverse("notifications:follow_email"),
        {
            "email": "avtor@example.ru",
            "consent": "on",
            "code": proposal.tracking_code,
            "next": reverse("proposals:track", args=[proposal.tracking_code]),
        },
    )
    assert response.status_code == 302
    assert Subscriber.objects.filter(email="avtor@example.ru", user__isnull=True).exists()

    proposal_consent_withdraw(tracking_code=proposal.tracking_code)

    assert not Subscriber.objects.filter(email="avtor@example.ru").exists()


def test_staff_digest_is_scoped_to_the_moderators_territory(
    campaign, otradny_moderator, kinel_moderator, regional_moderator
):
    submit(campaign, municipality=OTRADNY)
    queued = staff_digest_queue()
    outbox_send()

    assert queued >= 2
    assert len(to(otradny_moderator.email)) == 1
    assert "1 на модерации" in to(otradny_moderator.email)[0].subject
    assert to(kinel_moderator.email) == []  # nothing in Кинель: no letter at all
    assert len(to(regional_moderator.email)) == 1


def test_reminder_the_day_before_with_an_ics_file(campaign, anna):
    from civicplan.meetings.services import participant_register

    otradny = Municipality.objects.get(oktmo=OTRADNY)
    session = session_in(campaign, otradny, days=1.2)
    participant_register(
        session=session,
        last_name="Петрова",
        first_name="Анна",
        email=anna.email,
        group="public",
        consent_given=True,
        ip="10.3.3.3",
        user=anna,
    )
    # The daily job runs at 10:00 of the day before, in the session's own time zone (a fixed
    # hour: «26 hours before» fell two calendar days before when the tests ran in the evening).
    zone = zoneinfo.ZoneInfo(session.timezone or "Europe/Moscow")
    day_before = session.starts_at.astimezone(zone).date() - dt.timedelta(days=1)
    now = dt.datetime.combine(day_before, dt.time(10, 0), tzinfo=zone)
    assert session_reminders_queue(now=now) == 1
    assert session_reminders_queue(now=now) == 0
    outbox_send()

    [letter] = to(anna.email)
    assert letter.subject.startswith("Завтра в ")
    [(name, body, mimetype)] = letter.attachments
    assert name == "session.ics" and mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and f"UID:session-{session.pk}@" in body


def test_stop_all_letters_in_preferences(anna):
    subscriber = subscriber_for_user(anna)
    preferences_set(subscriber=subscriber, modes={}, email_stopped=True)
    event_for([subscriber])
    outbox_send()
    assert to(anna.email) == []
    assert OutboxMessage.objects.filter(kind=OutboxKind.IMMEDIATE).count() == 0


def test_follow_on_a_municipality_page(client, anna, campaign):
    otradny = Municipality.objects.get(oktmo=OTRADNY)
    client.force_login(anna)
    response = client.post(
        reverse("notifications:follow"),
        {"kind": "municipality", "target_id": otradny.pk, "next": "/territories/"},
    )
    assert response.status_code == 302
    follow_add  # noqa: B018
    assert subscriber_for_user(anna).follows.filter(kind="municipality").count() == 1


class DyingConnection:
    """Hands one letter to the server, then the worker is killed (SIGKILL-like: no cleanup)."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send_messages(self, messages: list[Any]) -> int:
        if self.sent:
            raise KeyboardInterrupt("worker killed")
        self.sent.extend(messages)
        return len(messages)


def test_worker_killed_mid_batch_sends_each_letter_at_most_once(campaign):
    from civicplan.notifications.services.outbox import outbox_deliver_many
    from civicplan.notifications.tests.conftest import make_resident

    people = [make_resident(f"zhitel{i}@example.ru") for i in range(5)]
    event_for([subscriber_for_user(p) for p in people])
    token, ids = outbox_claim(limit=10)
    dying = DyingConnection()

    with pytest.raises(KeyboardInterrupt):
        outbox_deliver_many(message_ids=ids[:3], token=token, mail_connection=dying)

    outbox_recover(now=timezone.now() + LEASE + dt.timedelta(seconds=1))
    outbox_send()
    outbox_send()

    delivered = [m.to[0] for m in dying.sent] + [m.to[0] for m in mail.outbox]
    assert len(delivered) == len(set(delivered)) == 3  # one before the kill, two after recovery
    states = sorted(OutboxMessage.objects.values_list("state", flat=True))
    assert states == [OutboxState.SENT] * 2 + [OutboxState.UNCERTAIN] * 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_claim_the_same_letter_on_postgresql(monkeypatch):
    import threading

    from django.db import connection, connections, transaction

    from civicplan.notifications.tests.conftest import make_resident

    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is a PostgreSQL feature; SQLite serialises writers")
    # no worker wakes up on commit here: the test plays the workers
    monkeypatch.setattr("civicplan.notifications.services.sender_kick", lambda: None)
    people = [make_resident(f"rabochiy{i}@example.ru") for i in range(6)]
    event_for([subscriber_for_user(p) for p in people])
    first_three = list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True)[:3])
    locked, done = threading.Event(), threading.Event()

    def slow_worker() -> None:  # holds three rows locked, as a worker in the middle of its claim
        try:
            with transaction.atomic():
                list(OutboxMessage.objects.select_for_update().filter(pk__in=first_three))
                locked.set()
                done.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_worker)
    thread.start()
    locked.wait(10)
    _token, mine = outbox_claim(limit=10)
    done.set()
    thread.join()

    assert len(mine) == 3 and not set(mine) & set(first_three)
