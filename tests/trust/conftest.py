"""Fixtures of the cross-app trust tests: two municipalities of Samara, their moderators,
proposals with personal data in each."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

OTRADNY = "36724000000"
KINEL = "36708000000"
OTRADNY_TEXT = (
    "Предлагаю отремонтировать дорогу по улице Гагарина в Отрадном и сделать тротуар до школы."
)
KINEL_TEXT = (
    "Предлагаю построить крытый каток в Кинеле возле стадиона «Локомотив» для секций хоккея."
)
KINEL_EMAIL = "kinel.author@example.ru"

_counter = itertools.count(1)


def submit(campaign: Any, *, municipality: str, text: str, email: str) -> Any:
    from civicplan.proposals.services import AuthorData, proposal_submit

    n = next(_counter)
    return proposal_submit(
        campaign=campaign,
        text=text,
        municipality=municipality,
        author=AuthorData(name="Мария Кузнецова", email=email, phone="+7 927 000-00-00"),
        consent_given=True,
        ip=f"10.9.{n // 250}.{n % 250}",
        user_agent="pytest",
    )


@pytest.fixture
def two_towns(demo_campaign: Any, settings: Any) -> dict[str, Any]:
    """The demo campaign with a new proposal in Отрадный and one in Кинель."""
    from civicplan.accounts.models import User

    settings.PROPOSALS_MIN_FILL_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return {
        "campaign": demo_campaign,
        "otradny": submit(
            demo_campaign,
            municipality=OTRADNY,
            text=OTRADNY_TEXT,
            email="otradny.author@example.ru",
        ),
        "kinel": submit(demo_campaign, municipality=KINEL, text=KINEL_TEXT, email=KINEL_EMAIL),
        "otradny_moderator": User.objects.get(email="moderator.otradny@civicplan.local"),
        "kinel_moderator": User.objects.get(email="moderator.kinel@civicplan.local"),
        "regional_moderator": User.objects.get(email="moderator.samara@civicplan.local"),
    }
