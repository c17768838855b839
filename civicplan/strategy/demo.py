"""Demo strategy of the Samara region with its five directions."""

from __future__ import annotations

from typing import Any

from civicplan.strategy.models import Direction, Strategy
from civicplan.territories.models import Region

DIRECTIONS = [
    (
        "new-quality-of-life",
        "Новое качество жизни",
        "#1f5fa8",
        "Комфортная городская и сельская среда, доступное жильё, благоустройство дворов и "
        "общественных пространств, качественные дороги и общественный транспорт, чистая вода, "
        "экология, культура и досуг.",
    ),
    (
        "saving-people",
        "Сбережение народа",
        "#2e8b57",
        "Здоровье и долголетие: доступная медицина и лекарства, поддержка семей с детьми и "
        "рождаемости, детские сады и школы, активное долголетие, спорт, социальная поддержка.",
    ),
    (
        "talent-strategy",
        "Кадровая стратегия",
        "#d9822b",
        "Подготовка кадров для экономики региона: колледжи и вузы, профориентация школьников, "
        "целевое обучение, переобучение взрослых, закрепление молодёжи, достойная заработная плата.",
    ),
    (
        "economic-breakthrough",
        "Экономический прорыв. Цифровая экономика",
        "#6a4c93",
        "Рост экономики и инвестиций: промышленность, малый и средний бизнес, сельское хозяйство, "
        "туризм, цифровизация, интернет и связь, электронные услуги, технологическое предпринимательство.",
    ),
    (
        "small-towns",
        "Малые города — большие возможности",
        "#b03a48",
        "Развитие малых и средних городов и сёл: рабочие места, легализация уличной торговли и "
        "теневой занятости, местные бренды и ремёсла, транспортная доступность, ремонт "
        "инфраструктуры, привлечение молодёжи.",
    ),
]


DEMO_STRATEGIES = {
    63: (
        "samara-2036",
        "Стратегия социально-экономического развития Самарской области на период до 2036 года",
    ),
    56: (
        "orenburg-2036",
        "Стратегия социально-экономического развития Оренбургской области на период до 2036 года",
    ),
}


def strategy_demo_get_or_create(region_code: int = 63) -> Strategy:
    region = Region.objects.get(code=region_code)
    slug, title = DEMO_STRATEGIES[region_code]
    # The demo seed of a strategy skeleton (a strategy is created in the admin, there is no
    # service for it); idempotent, so `load_demo` can run again.
    strategy, _created = Strategy.objects.get_or_create(
        slug=slug,
        defaults={
            "region": region,
            "title": title,
            "horizon_start": 2025,
            "horizon_end": 2036,
            "version": "2.0",
            "state": Strategy.State.PUBLIC_DISCUSSION,
            "summary": "Проект обновлённой стратегии, подготовленный вместе с жителями, бизнесом и экспертами.",
        },
    )
    for order, (slug, title, color, description) in enumerate(DIRECTIONS, start=1):
        Direction.objects.update_or_create(
            strategy=strategy,
            slug=slug,
            defaults={"title": title, "description": description, "order": order, "color": color},
        )
    return strategy


def load(*, stdout: Any) -> None:
    for code in DEMO_STRATEGIES:
        strategy = strategy_demo_get_or_create(code)
        stdout.write(f"  Стратегия: {strategy.title}, направлений: {strategy.directions.count()}")
