"""Fixtures of the notifications tests: the demo campaign with its moderators, residents,
a measure of the Samara strategy, and a mail outbox in memory."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from civicplan.accounts.models import User
from civicplan.proposals.tests.conftest import (  # noqa: F401  (re-exported helpers)
    KINEL,
    OTRADNY,
    TEXT,
    make_resident,
    published,
    submit,
)


@pytest.fixture(autouse=True)
def _mail(settings: Any) -> None:
    settings.PROPOSALS_MIN_FILL_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://strategy.example.ru"


@pytest.fixture
def campaign(demo_campaign: Any) -> Any:
    return demo_campaign


@pytest.fixture
def otradny_moderator(campaign: Any) -> User:
    return User.objects.get(email="moderator.otradny@civicplan.local")


@pytest.fixture
def kinel_moderator(campaign: Any) -> User:
    return User.objects.get(email="moderator.kinel@civicplan.local")


@pytest.fixture
def regional_moderator(campaign: Any) -> User:
    return User.objects.get(email="moderator.samara@civicplan.local")


@pytest.fixture
def anna(campaign: Any) -> User:
    return make_resident("anna.petrova@example.ru")


@pytest.fixture
def boris(campaign: Any) -> User:
    return make_resident("boris.ivanov@example.ru")


@pytest.fixture
def stranger(campaign: Any) -> User:
    return make_resident("stranger@example.ru")


def measure_for(campaign: Any, code: str = "5.9.1", **extra: Any) -> Any:
    from civicplan.strategy.services import measure_upsert

    strategy = campaign.strategy
    measure, _outcome = measure_upsert(
        strategy=strategy,
        code=code,
        direction=extra.pop("direction", strategy.directions.first()),
        title=extra.pop("title", "Ремонт улично-дорожной сети малых городов"),
        organisation="Министерство транспорта и автомобильных дорог Самарской области",
        sector="government",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        **extra,
    )
    return measure


def session_in(campaign: Any, municipality: Any, *, days: float = 10, **extra: Any) -> Any:
    from civicplan.meetings.services import session_create

    starts = timezone.now() + dt.timedelta(days=days)
    return session_create(
        campaign=campaign,
        title=extra.pop("title", "Городская среда Отрадного"),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        place="Отрадный, ул. Первомайская, 18, ДК «Нефтяник»",
        level="municipal",
        municipality=municipality,
        state=extra.pop("state", "registration"),
        **extra,
    )
