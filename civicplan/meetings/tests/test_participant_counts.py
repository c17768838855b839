"""Issue 13 item 11: the calendar, the session report's table and its chart gave three
participant counts for one session (40 registered on the calendar, 34 present in the table,
a chart mixing present and registered by group). One selector counts them now."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from civicplan.meetings import demo
from civicplan.meetings.models import Participant, Session

pytestmark = pytest.mark.django_db


def _calendar_count(html: str, session: Session) -> int:
    cards = html.split('<li class="card session-card">')
    link = reverse("meetings:session", args=[session.slug])
    card = next(c for c in cards if f'href="{link}"' in c)
    return int(re.search(r"(\d+)\s+участник", card).group(1))


def _report_numbers(html: str) -> tuple[int, int, int]:
    """(registered total, present total, sum of the chart's bars) of the session page."""
    section = html[html.index('id="groups-h"') :]
    foot = section[section.index("<tfoot>") : section.index("</tfoot>")]
    registered, present = (int(n) for n in re.findall(r'class="num">(\d+)<', foot))
    chart = section[section.index('class="chart-bar"') : section.index("</figure>")]
    bars = re.findall(r'class="bar-amount"[^>]*>(\d+)\s+человек', chart)
    return registered, present, sum(int(n) for n in bars)


def test_calendar_report_table_and_chart_give_one_count_on_the_demo_sessions(
    client, demo_campaign
) -> None:
    demo.load(stdout=io.StringIO())
    small = Session.objects.get(slug="small-towns-63")
    # A group nobody of whom came: the old chart showed its registered count instead.
    Participant.objects.filter(session=small, group="other_region").update(checked_in_at=None)
    present = Participant.objects.filter(
        session=small, status__in=["registered", "invited"], checked_in_at__isnull=False
    ).count()
    registered = Participant.objects.filter(
        session=small, status__in=["registered", "invited"]
    ).count()
    assert 0 < present < registered

    calendar = client.get(reverse("meetings:calendar")).content.decode()
    page = client.get(reverse("meetings:session", args=[small.slug])).content.decode()
    table_registered, table_present, chart_total = _report_numbers(page)
    assert (table_registered, table_present) == (registered, present)
    assert chart_total == present
    assert _calendar_count(calendar, small) == present
    assert "Присутствовали, по группам" in page

    # A session before its day: nobody checked in, its participants are those registered.
    upcoming = Session.objects.get(slug="digital-economy-63")
    for k, p in enumerate(Participant.objects.filter(session=small).order_by("pk")[:5]):
        p.pk, p.session, p.checked_in_at, p.section = None, upcoming, None, None
        p.email, p.checkin_code, p.consent = f"budushchii{k}@example.ru", f"UP{k:04d}", None
        p.save()
    calendar = client.get(reverse("meetings:calendar")).content.decode()
    count = Participant.objects.filter(
        session=upcoming, status__in=["registered", "invited"]
    ).count()
    upcoming_page = client.get(reverse("meetings:session", args=[upcoming.slug]))
    if upcoming_page.status_code == 200 and 'id="groups-h"' in upcoming_page.content.decode():
        assert _report_numbers(upcoming_page.content.decode())[2] == count
    assert _calendar_count(calendar, upcoming) == count
