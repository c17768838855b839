"""A small world for the drafts tests: the Samara region, its strategy with two directions,
a campaign with the phase «общественное обсуждение проекта», an editor, a moderator and the
personal-data policy. Built in a fraction of a second (the full demo takes much longer)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from civicplan.accounts.models import Role, User
from civicplan.accounts.services import policy_publish, role_grant


@dataclass
class World:
    region: Any
    strategy: Any
    campaign: Any
    economy: Any
    people: Any
    editor: User
    moderator: User
    other_editor: User


@pytest.fixture(autouse=True)
def _mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def world(db: None) -> World:
    from civicplan.campaigns.models import Campaign, Phase
    from civicplan.strategy.models import Direction, Strategy
    from civicplan.territories.models import Region

    today = timezone.localdate()
    samara = Region.objects.create(code=63, name="Самарская область", timezone="Europe/Samara")
    orenburg = Region.objects.create(code=56, name="Оренбургская область")
    strategy = Strategy.objects.create(
        region=samara,
        title="Стратегия Самарской области до 2036 года",
        slug="samara-2036",
        horizon_start=2025,
        horizon_end=2036,
    )
    economy = Direction.objects.create(
        strategy=strategy, title="Экономический прорыв", slug="economy", order=1
    )
    people = Direction.objects.create(
        strategy=strategy, title="Сбережение народа", slug="people", order=2
    )
    campaign = Campaign.objects.create(
        region=samara,
        strategy=strategy,
        title="Стратегия лидерства",
        slug="leadership",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=200),
    )
    Phase.objects.create(
        campaign=campaign,
        kind=Phase.Kind.PUBLIC_DISCUSSION,
        title="Общественное обсуждение проекта стратегии",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=20),
    )
    policy_publish(
        kind="personal-data",
        version="1",
        title="Согласие на обработку персональных данных",
        text="Оператор обрабатывает имя, адрес электронной почты и телефон для ответа на замечание.",
    )
    editor = User.objects.create_user(
        "editor@example.ru", "пароль-редактора-2026", first_name="Ольга"
    )
    role_grant(user=editor, role=Role.STRATEGY_EDITOR, region=samara)
    moderator = User.objects.create_user("moder@example.ru", "пароль-модератора-2026")
    role_grant(user=moderator, role=Role.REGIONAL_MODERATOR, region=samara)
    other = User.objects.create_user("orenburg@example.ru", "пароль-редактора-2026")
    role_grant(user=other, role=Role.STRATEGY_EDITOR, region=orenburg)
    return World(samara, strategy, campaign, economy, people, editor, moderator, other)
