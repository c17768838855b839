"""Letters from outbox rows: HTML and plain text in Russian, one-click unsubscribe headers
(RFC 2369 List-Unsubscribe, RFC 8058 List-Unsubscribe-Post), an .ics file for reminders.

Every kind fills the same structure (intro, sections of items, buttons), rendered by one
pair of templates, so a letter of any kind looks the same in the site's words."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from civicplan.core.templatetags.civic import ru_plural_form
from civicplan.notifications.models import (
    Category,
    EmailMode,
    Event,
    OutboxKind,
    OutboxMessage,
    ProblemFeedback,
)
from civicplan.notifications.tokens import (
    absolute,
    confirm_token,
    feedback_token,
    unsubscribe_url,
)


def _domain() -> str:
    site = str(getattr(settings, "SITE_URL", "")).split("://", 1)[-1]
    return site.split("/", 1)[0].split(":", 1)[0] or "civicplan.local"


def message_id(key: str) -> str:
    """The same outbox row always has the same Message-ID: a resent copy is recognisable."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{_domain()}>"


def _when(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j E, H:i")


def _item(event: Event) -> dict[str, Any]:
    return {
        "title": event.title,
        "text": event.text,
        "url": absolute(event.url) if event.url else "",
        "when": _when(event.created_at),
    }


def _grouped(events: list[Event]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        groups[event.category].append(_item(event))
    return [
        {"heading": Category(category).label, "items": groups[category]}
        for category in Category.values
        if category in groups
    ]


def ics_for_session(session: Any) -> str:
    """An iCalendar (RFC 5545) event for a session, in UTC, with a stable UID."""

    def esc(value: str) -> str:
        return (
            str(value)
            .replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\r\n", "\\n")
            .replace("\n", "\\n")
        )

    def fold(line: str) -> str:
        out, current = [], ""
        for char in line:
            if len((current + char).encode()) > 73:
                out.append(current)
                current = " " + char
            else:
                current += char
        out.append(current)
        return "\r\n".join(out)

    def utc(moment: dt.datetime) -> str:
        return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")

    url = absolute(reverse("meetings:session", args=[session.slug]))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//civicplan//Strategicheskie sessii//RU",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:session-{session.pk}@{_domain()}",
        f"DTSTAMP:{utc(timezone.now())}",
        f"DTSTART:{utc(session.starts_at)}",
        f"DTEND:{utc(session.ends_at)}",
        f"SUMMARY:{esc(session.title)}",
        f"LOCATION:{esc(session.place or session.online_url)}",
        f"URL:{url}",
        f"DESCRIPTION:{esc((session.summary or session.theme or '') + ' ' + url)}",
        "BEGIN:VALARM",
        "TRIGGER:-PT2H",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{esc(session.title)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"


def _content(
    message: OutboxMessage,
) -> tuple[dict[str, Any], str, list[tuple[str, str, str]]] | None:
    """(context, unsubscribe scope, attachments) for a letter; None when nothing is left."""
    subscriber = message.subscriber
    kind = message.kind
    attachments: list[tuple[str, str, str]] = []
    carried = sorted(message.notifications.all(), key=lambda n: (n.created_at, n.pk))
    if kind == OutboxKind.IMMEDIATE:
        event = (
            carried[0].event
            if carried
            else Event.objects.filter(pk=message.payload.get("event")).first()
        )
        if event is None or subscriber.email_mode(event.category) == EmailMode.OFF:
            return None
        return (
            {
                "subject": event.title,
                "sections": [{"heading": "", "items": [_item(event)]}],
                "reason": Category(event.category).label,
            },
            event.category,
            attachments,
        )
    if kind in (OutboxKind.DAILY, OutboxKind.WEEKLY):
        events = [n.event for n in carried if subscriber.email_mode(n.event.category) == kind]
        if not events:
            return None
        count = len(events)
        counted = f"{count} " + ru_plural_form(
            count, (_("уведомление"), _("уведомления"), _("уведомлений"))
        )
        if kind == OutboxKind.DAILY:
            subject = _("Сводка за день: %(c)s") % {"c": counted}
        else:
            subject = _("Сводка за неделю: %(c)s") % {"c": counted}
        return (
            {
                "subject": subject,
                "intro": _("Что произошло с тем, за чем вы следите:"),
                "sections": _grouped(events),
                "reason": _("сводка, которую вы выбрали в настройках уведомлений"),
            },
            f"mode:{kind}",
            attachments,
        )
    if kind == OutboxKind.STAFF:
        data = message.payload

        def rows(key: str) -> list[dict[str, Any]]:
            return [
                {
                    "title": row["title"],
                    "text": _("ответить до %(d)s") % {"d": row["due"]} if row.get("due") else "",
                    "url": absolute(reverse("proposals:moderate", args=[row["id"]])),
                }
                for row in data.get(key, [])
            ]

        sections = [
            {
                "heading": _("На модерации: %(n)d") % {"n": data["queue"]},
                "items": rows("queue_items"),
            },
            {
                "heading": _("Срок ответа истекает в ближайшие 3 дня: %(n)d") % {"n": data["soon"]},
                "items": rows("soon_items"),
            },
            {
                "heading": _("Срок ответа прошёл: %(n)d") % {"n": data["late"]},
                "items": rows("late_items"),
            },
        ]
        return (
            {
                "subject": _("Сводка модератора: %(q)d на модерации, %(l)d просрочено")
                % {"q": data["queue"], "l": data["late"]},
                "intro": _("Комментариев ждут проверки: %(c)d.") % {"c": data.get("comments", 0)},
                "sections": [s for s in sections if s["items"]],
                "actions": [
                    {
                        "label": _("Открыть очередь модерации"),
                        "url": absolute(reverse("proposals:queue")),
                    }
                ],
                "reason": Category.STAFF.label,
            },
            Category.STAFF,
            attachments,
        )
    if kind == OutboxKind.REMINDER:
        from civicplan.meetings.models import Session

        session = Session.objects.filter(pk=message.payload.get("session")).first()
        if session is None:
            return None
        zone = zoneinfo.ZoneInfo(session.timezone or "Europe/Moscow")
        start = timezone.localtime(session.starts_at, zone)
        attachments.append(
            ("session.ics", ics_for_session(session), "text/calendar; method=PUBLISH")
        )
        return (
            {
                "subject": _("Завтра в %(t)s — стратегическая сессия «%(s)s»")
                % {"t": f"{start:%H:%M}", "s": session.title},
                "intro": _(
                    "Напоминаем: вы зарегистрированы на сессию. Файл для календаря — во вложении."
                ),
                "sections": [
                    {
                        "heading": "",
                        "items": [
                            {
                                "title": session.title,
                                "text": " · ".join(
                                    part
                                    for part in (
                                        formats.date_format(start, "j E Y, H:i"),
                                        session.place,
                                        session.online_url,
                                    )
                                    if part
                                ),
                                "url": absolute(reverse("meetings:session", args=[session.slug])),
                            }
                        ],
                    }
                ],
                "reason": Category.SESSION.label,
            },
            Category.SESSION,
            attachments,
        )
    if kind == OutboxKind.CONFIRM:
        url = absolute(
            reverse("notifications:confirm", args=[confirm_token(subscriber_id=subscriber.pk)])
        )
        return (
            {
                "subject": _("Подтвердите адрес, чтобы получать уведомления"),
                "intro": _(
                    "Вы подписались на уведомления на сайте «Стратегия вместе». Пока вы не "
                    "подтвердите адрес, мы не пришлём ни одного письма. Если это были не вы, "
                    "просто не отвечайте на это письмо."
                ),
                "actions": [{"label": _("Подтвердить адрес"), "url": url}],
                "reason": _("подписка по электронной почте без учётной записи"),
            },
            "all",
            attachments,
        )
    if kind == OutboxKind.FEEDBACK:
        feedback = (
            ProblemFeedback.objects.select_related("measure", "proposal")
            .filter(pk=message.payload.get("feedback"))
            .first()
        )
        if feedback is None or feedback.answered_at:
            return None
        token = feedback_token(feedback_id=feedback.pk)
        base = absolute(reverse("notifications:feedback", args=[token]))
        return (
            {
                "subject": _("Решена ли проблема? Мероприятие «%(m)s» выполнено")
                % {"m": feedback.measure.title[:80]},
                "intro": _(
                    "Ваше предложение «%(p)s» вошло в мероприятие стратегии «%(m)s», и оно "
                    "выполнено. Скажите, решена ли проблема, о которой вы писали: ваш ответ "
                    "увидят исполнители и все жители на странице мероприятия."
                )
                % {"p": str(feedback.proposal)[:120], "m": feedback.measure.title},
                "actions": [
                    {"label": _("Да, решена"), "url": f"{base}?answer=yes"},
                    {"label": _("Частично"), "url": f"{base}?answer=partly"},
                    {"label": _("Нет, не решена"), "url": f"{base}?answer=no"},
                ],
                "reason": Category.MEASURE.label,
            },
            Category.MEASURE,
            attachments,
        )
    return None


def build_email(message: OutboxMessage) -> EmailMultiAlternatives | None:
    content = _content(message)
    if content is None:
        return None
    context, scope, attachments = content
    subscriber = message.subscriber
    unsubscribe = unsubscribe_url(subscriber_id=subscriber.pk, scope=scope)
    context.update(
        {
            "unsubscribe_url": unsubscribe,
            "unsubscribe_all_url": unsubscribe_url(subscriber_id=subscriber.pk, scope="all"),
            "settings_url": absolute(reverse("notifications:follows"))
            if subscriber.user_id
            else "",
            "site_url": absolute("/"),
        }
    )
    text = render_to_string("notifications/email/letter.txt", context)
    html = render_to_string("notifications/email/letter.html", context)
    email = EmailMultiAlternatives(
        subject=" ".join(str(context["subject"]).split())[:200],
        body=text,
        to=[subscriber.address],
        headers={
            "Message-ID": message_id(message.key),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    email.attach_alternative(html, "text/html")
    for name, body, mimetype in attachments:
        email.attach(name, body, mimetype)
    return email
