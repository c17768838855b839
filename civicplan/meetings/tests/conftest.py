"""Factories of the meetings tests: a running session with two sections."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from civicplan.meetings import services
from civicplan.meetings.models import Section, Session, SessionState


def make_session(campaign: Any, *, state: str = SessionState.IN_PROGRESS, **extra: Any) -> Session:
    starts = extra.pop("starts_at", timezone.now() - datetime.timedelta(hours=1))
    return services.session_create(
        campaign=campaign,
        title=extra.pop("title", "Малые города — большие возможности"),
        theme=extra.pop("theme", "Развитие малых городов Самарской области"),
        starts_at=starts,
        ends_at=extra.pop("ends_at", starts + datetime.timedelta(hours=6)),
        place=extra.pop("place", "Самара, ул. Молодогвардейская, 210"),
        state=state,
        **extra,
    )


def make_section(session: Session, **extra: Any) -> Section:
    strategy = session.campaign.strategy
    return services.section_create(
        session=session,
        title=extra.pop("title", "Городская среда и предпринимательство"),
        question=extra.pop(
            "question", "Что мешает малым городам удерживать молодёжь и открывать бизнес?"
        ),
        direction=extra.pop("direction", strategy.directions.first() if strategy else None),
        **extra,
    )


@pytest.fixture
def session(demo_campaign: Any) -> Session:
    return make_session(demo_campaign)


@pytest.fixture
def section(session: Session) -> Section:
    return make_section(session)
