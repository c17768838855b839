"""Fixtures of the strategy tests: the demo strategy of Samara, a small strategy, editors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from civicplan.strategy import services
from civicplan.strategy.demo import strategy_demo_get_or_create


@pytest.fixture
def region63(db: None) -> Any:
    """Region 63 with two real towns — enough for tests that need no statistics (fast).
    Tests that need the statistics ask for `samara` first."""
    from civicplan.territories.models import Municipality, Region

    region, _ = Region.objects.get_or_create(code=63, defaults={"name": "Самарская область"})
    for oktmo, name, short in (
        ("36724000000", "городской округ Отрадный", "Отрадный"),
        ("36708000000", "городской округ Кинель", "Кинель"),
    ):
        Municipality.objects.get_or_create(
            oktmo=oktmo,
            defaults={"name": name, "short_name": short, "region": region, "kind": "urban_okrug"},
        )
    return region


@pytest.fixture
def strategy(region63: Any) -> Any:
    """The Samara strategy 2025–2036 with its five directions, no goals yet."""
    return strategy_demo_get_or_create(63)


@pytest.fixture
def direction(strategy: Any) -> Any:
    return strategy.directions.get(slug="small-towns")


@pytest.fixture
def goal(direction: Any) -> Any:
    goal, _ = services.goal_upsert(
        direction=direction, code="Ц5.1", title="Малые города сохраняют население"
    )
    return goal


@pytest.fixture
def kpi(goal: Any) -> Any:
    kpi, _ = services.kpi_upsert(
        goal=goal,
        code="П5.3",
        name="Число самозанятых в малых городах",
        unit="тыс. чел.",
        baseline_year=2023,
        baseline_value=48,
        targets={2025: 60, 2030: 85, 2036: 110},
    )
    return kpi


def make_measure(strategy: Any, direction: Any, code: str, **extra: Any) -> Any:
    fields = {
        "direction": direction,
        "title": f"Мероприятие {code}",
        "organisation": "Министерство экономического развития и инвестиций Самарской области",
        "sector": "government",
        "starts_on": dt.date(2025, 1, 1),
        "ends_on": dt.date(2027, 12, 31),
        **extra,
    }
    measure, _ = services.measure_upsert(strategy=strategy, code=code, **fields)
    return measure


@pytest.fixture
def editor(strategy: Any, django_user_model: Any) -> Any:
    from civicplan.accounts.models import Role
    from civicplan.accounts.services import role_grant

    user = django_user_model.objects.create_user(
        email="redaktor@example.ru", password="pass-12345-x", first_name="Ирина"
    )
    role_grant(user=user, role=Role.STRATEGY_EDITOR, region=strategy.region)
    return user


@pytest.fixture
def outsider(django_user_model: Any) -> Any:
    from civicplan.accounts.models import Role
    from civicplan.accounts.services import role_grant
    from civicplan.territories.models import Region

    region, _ = Region.objects.get_or_create(code=56, defaults={"name": "Оренбургская область"})
    user = django_user_model.objects.create_user(
        email="chuzhoi@example.ru", password="pass-12345-x"
    )
    role_grant(user=user, role=Role.STRATEGY_EDITOR, region=region)
    return user
