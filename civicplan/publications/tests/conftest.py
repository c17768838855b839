"""Factories for the publications tests."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from civicplan.publications import services
from civicplan.publications.models import Article, ArticleState, Poll

BODY = (
    "<p>В Самаре прошла стратегическая сессия «Малые города — большие возможности». "
    "Участники обсудили, как удержать молодёжь и создать рабочие места.</p>"
    "<p>Предложения войдут в дорожную карту направления.</p>"
)

BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


@pytest.fixture
def policies(db: None) -> None:
    from civicplan.accounts.services import policy_publish

    policy_publish(
        kind="personal-data",
        version="1.0",
        title="Согласие на обработку персональных данных",
        text="Текст согласия.",
    )
    policy_publish(
        kind="cookies", version="1.0", title="Политика использования cookie", text="Текст."
    )


@pytest.fixture
def make_article(db: None) -> Callable[..., Article]:
    counter = {"n": 0}

    def make(**overrides: Any) -> Article:
        counter["n"] += 1
        fields: dict[str, Any] = {
            "title": f"Стратегическая сессия в Самаре №{counter['n']}",
            "lead": "Участники обсудили будущее малых городов.",
            "body": BODY,
            "state": ArticleState.PUBLISHED,
            "publish_at": timezone.now() - datetime.timedelta(hours=1),
            "tags": ["стратегические сессии"],
        }
        fields.update(overrides)
        return services.article_create(**fields)

    return make


@pytest.fixture
def article(make_article: Callable[..., Article], policies: None) -> Article:
    return make_article()


@pytest.fixture
def make_poll(db: None) -> Callable[..., Poll]:
    def make(**overrides: Any) -> Poll:
        now = timezone.now()
        fields: dict[str, Any] = {
            "question": "Что важнее всего сделать в вашем городе?",
            "options": ["Отремонтировать дороги", "Благоустроить дворы", "Создать рабочие места"],
            "opens_at": now - datetime.timedelta(days=1),
            "closes_at": now + datetime.timedelta(days=7),
        }
        fields.update(overrides)
        return services.poll_create(**fields)

    return make


@pytest.fixture
def poll(make_poll: Callable[..., Poll]) -> Poll:
    return make_poll()
