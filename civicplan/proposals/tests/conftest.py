"""Fixtures of the proposals tests: the demo campaign, its people, a quick submission."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from civicplan.accounts.models import User
from civicplan.proposals.models import Proposal
from civicplan.proposals.services import AuthorData, proposal_publish, proposal_submit

TEXT = (
    "Предлагаю отремонтировать дорогу по улице Гагарина в Отрадном и сделать тротуар "
    "до школы № 3: дети ходят по обочине."
)
OTRADNY = "36724000000"
KINEL = "36708000000"


@pytest.fixture(autouse=True)
def _fast_forms(settings: Any) -> None:
    settings.PROPOSALS_MIN_FILL_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def campaign(demo_campaign: Any) -> Any:
    return demo_campaign


def user(email: str) -> User:
    return User.objects.get(email=email)


@pytest.fixture
def regional_moderator(campaign: Any) -> User:
    return user("moderator.samara@civicplan.local")


@pytest.fixture
def otradny_moderator(campaign: Any) -> User:
    return user("moderator.otradny@civicplan.local")


@pytest.fixture
def kinel_moderator(campaign: Any) -> User:
    return user("moderator.kinel@civicplan.local")


@pytest.fixture
def resident(campaign: Any) -> User:
    return user("resident@civicplan.local")


def make_resident(email: str, *, confirmed: bool = True) -> User:
    from django.utils import timezone

    person = User.objects.create_user(email, "пароль-жителя-2026", first_name="Пётр")
    if confirmed:
        person.email_confirmed_at = timezone.now()
        person.save(update_fields=["email_confirmed_at"])
    return person


_counter = itertools.count(1)


def submit(campaign: Any, **overrides: Any) -> Proposal:
    """A proposal through the service; each call looks like another sender."""
    n = next(_counter)
    params: dict[str, Any] = {
        "campaign": campaign,
        "text": TEXT,
        "municipality": OTRADNY,
        "author": AuthorData(name="Анна Петрова", email=f"anna{n}@example.ru", show_name=True),
        "consent_given": True,
        "ip": f"10.0.{n // 250}.{n % 250}",
        "user_agent": "pytest",
    }
    params.update(overrides)
    return proposal_submit(**params)


def published(campaign: Any, moderator: User, **overrides: Any) -> Proposal:
    proposal = submit(campaign, **overrides)
    return proposal_publish(proposal=proposal, actor=moderator)
