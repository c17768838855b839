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


class Col:
    """Column headers of the workbooks: data, not messages — a file's headers are matched
    against them, so they stay literal (the file format is Russian)."""

    CODE = "Код"
    TITLE = "Название"
    DESCRIPTION = "Описание"
    ORDER = "Порядок"
    GOAL_CODE = "Код цели"
    DIRECTION_CODE = "Код направления"
    KPI_CODE = "Код показателя"
    UNIT = "Единица измерения"
    BETTER = "Что лучше"
    BASELINE_YEAR = "Базовый год"
    BASELINE_VALUE = "Базовое значение"
    INDICATOR = "Показатель статистики"
    AGGREGATE = "Способ расчёта по региону"
    SOURCE = "Источник"
    PARENT = "Входит в"
    GOALS = "Цели"
    KPIS = "Показатели"
    ORGANISATION = "Ответственный исполнитель"
    SECTOR = "Сектор"
    PARTNERS = "Соисполнители и партнёры"
    MUNICIPALITIES = "Муниципалитеты (ОКТМО)"
    STARTS_ON = "Начало"
    ENDS_ON = "Окончание"
    BUDGET_FEDERAL = "Федеральный бюджет, млн руб."
    BUDGET_REGIONAL = "Областной бюджет, млн руб."
    BUDGET_MUNICIPAL = "Местные бюджеты, млн руб."
    BUDGET_PRIVATE = "Внебюджетные средства, млн руб."
    STATE = "Состояние"
    PROGRESS = "Выполнение, %"
    WEIGHT = "Вес"
    PROPOSALS = "Предложения"
    KPI_NAME = "Показатель"
    YEAR = "Год"
    OKTMO = "ОКТМО"
    VALUE = "Значение"


DIRECTION_COLUMNS = [Col.CODE, Col.TITLE, Col.DESCRIPTION, Col.ORDER]
GOAL_COLUMNS = [Col.GOAL_CODE, Col.DIRECTION_CODE, Col.TITLE, Col.DESCRIPTION, Col.ORDER]
KPI_COLUMNS = [
    Col.KPI_CODE,
    Col.GOAL_CODE,
    Col.TITLE,
    Col.UNIT,
    Col.BETTER,
    Col.BASELINE_YEAR,
    Col.BASELINE_VALUE,
    Col.INDICATOR,
    Col.AGGREGATE,
    Col.SOURCE,
]
MEASURE_COLUMNS = [
    Col.CODE,
    Col.PARENT,
    Col.DIRECTION_CODE,
    Col.TITLE,
    Col.DESCRIPTION,
    Col.GOALS,
    Col.KPIS,
    Col.ORGANISATION,
    Col.SECTOR,
    Col.PARTNERS,
    Col.MUNICIPALITIES,
    Col.STARTS_ON,
    Col.ENDS_ON,
    Col.BUDGET_FEDERAL,
    Col.BUDGET_REGIONAL,
    Col.BUDGET_MUNICIPAL,
    Col.BUDGET_PRIVATE,
    Col.STATE,
    Col.PROGRESS,
    Col.WEIGHT,
    Col.PROPOSALS,
]
VALUE_COLUMNS = [
    Col.KPI_CODE,
    Col.KPI_NAME,
    Col.UNIT,
    Col.YEAR,
    Col.OKTMO,
    Col.VALUE,
    Col.SOURCE,
]
REQUIRED_VALUE_COLUMNS = [Col.KPI_CODE, Col.UNIT, Col.YEAR, Col.VALUE]

# «Что лучше»: the template writes these words and the import reads them back.
BETTER_WORD = {Better.HIGHER: "больше", Better.LOWER: "меньше"}
BETTER_WORDS = {
    **{word: better for better, word in BETTER_WORD.items()},
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

# service field -> the column a person sees in the file
COLUMN_OF_FIELD = {
    "title": Col.TITLE,
    "name": Col.TITLE,
    "unit": Col.UNIT,
    "better": Col.BETTER,
    "baseline_year": Col.BASELINE_YEAR,
    "baseline_value": Col.BASELINE_VALUE,
    "targets": "",
    "code": Col.CODE,
    "organisation": Col.ORGANISATION,
    "sector": Col.SECTOR,
    "state": Col.STATE,
    "starts_on": Col.STARTS_ON,
    "ends_on": Col.ENDS_ON,
    "progress": Col.PROGRESS,
    "weight": Col.WEIGHT,
    "parent": Col.PARENT,
    "budget_federal": Col.BUDGET_FEDERAL,
    "budget_regional": Col.BUDGET_REGIONAL,
    "budget_municipal": Col.BUDGET_MUNICIPAL,
    "budget_private": Col.BUDGET_PRIVATE,
    "goals": Col.GOALS,
    "kpis": Col.KPIS,
    "proposals": Col.PROPOSALS,
    "year": Col.YEAR,
    "value": Col.VALUE,
    "municipality": Col.OKTMO,
}


def _choice_by_label(choices: Any, text: str) -> str | None:
    text = text.strip().lower()
    for value, label in choices.choices:
        if text in (value, str(label).lower()):
            return value
    return None
