"""The layout of the strategy workbooks: sheet names, columns, words for choices."""

from __future__ import annotations

from typing import Any

from civicplan.strategy.models import (
    Better,
    IndicatorAggregate,
)

MAX_ROWS = 20_000
MAX_COLUMNS = 60

DIRECTIONS_SHEET = "Направления"
GOALS_SHEET = "Цели"
KPIS_SHEET = "Показатели"
MEASURES_SHEET = "Мероприятия"
VALUES_SHEET = "Факт"

DIRECTION_COLUMNS = ["Код", "Название", "Описание", "Порядок"]
GOAL_COLUMNS = ["Код цели", "Код направления", "Название", "Описание", "Порядок"]
KPI_COLUMNS = [
    "Код показателя",
    "Код цели",
    "Название",
    "Единица измерения",
    "Что лучше",
    "Базовый год",
    "Базовое значение",
    "Показатель статистики",
    "Способ расчёта по региону",
    "Источник",
]
MEASURE_COLUMNS = [
    "Код",
    "Входит в",
    "Код направления",
    "Название",
    "Описание",
    "Цели",
    "Показатели",
    "Ответственный исполнитель",
    "Сектор",
    "Соисполнители и партнёры",
    "Муниципалитеты (ОКТМО)",
    "Начало",
    "Окончание",
    "Федеральный бюджет, млн руб.",
    "Областной бюджет, млн руб.",
    "Местные бюджеты, млн руб.",
    "Внебюджетные средства, млн руб.",
    "Состояние",
    "Выполнение, %",
    "Вес",
    "Предложения",
]
VALUE_COLUMNS = [
    "Код показателя",
    "Показатель",
    "Единица измерения",
    "Год",
    "ОКТМО",
    "Значение",
    "Источник",
]
REQUIRED_VALUE_COLUMNS = ["Код показателя", "Единица измерения", "Год", "Значение"]

BETTER_WORDS = {
    "больше": Better.HIGHER,
    "меньше": Better.LOWER,
    **{b.value: b.value for b in Better},
}

# «Способ расчёта по региону»: how the regional value of a KPI with a statistics indicator is
# made from the municipalities. The template writes the first word; the others are accepted.
AGGREGATE_WORDS = {
    IndicatorAggregate.SUM: "сумма",
    IndicatorAggregate.MEAN: "среднее",
    IndicatorAggregate.WEIGHTED_MEAN: "средневзвешенное по населению",
}
AGGREGATE_READ = {
    **{word: code for code, word in AGGREGATE_WORDS.items()},
    **{str(label).lower(): code for code, label in IndicatorAggregate.choices},
    **{code: code for code in IndicatorAggregate.values},
    "средневзвешенное": IndicatorAggregate.WEIGHTED_MEAN,
    "среднее взвешенное": IndicatorAggregate.WEIGHTED_MEAN,
}


def _choice_by_label(choices: Any, text: str) -> str | None:
    text = text.strip().lower()
    for value, label in choices.choices:
        if text in (value, str(label).lower()):
            return value
    return None
