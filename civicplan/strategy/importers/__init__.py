"""XLSX templates and importers for the strategy's structure and for KPI actual values.

The structure workbook has four sheets («Направления», «Цели», «Показатели», «Мероприятия»),
the values workbook one («Факт»). Rows are matched by their codes, so importing the same file
again updates rows instead of duplicating them. Every row is checked by the same services the
pages use; if any row is wrong, nothing is saved and the report names each line and column.

- `layout`: sheet names and columns of both workbooks.
- `reading`: reading a workbook, streamed, with line numbers for every row.
- `structure`: importing directions, goals, KPIs and measures.
- `jobs`: the import as a background job with progress.
- `values`: importing KPI actual values.
- `templates`: the blank and filled templates to download.
"""

from civicplan.strategy.importers.layout import (
    BETTER_WORDS,
    DIRECTION_COLUMNS,
    DIRECTIONS_SHEET,
    GOAL_COLUMNS,
    GOALS_SHEET,
    KPI_COLUMNS,
    KPIS_SHEET,
    MAX_ROWS,
    MEASURE_COLUMNS,
    MEASURES_SHEET,
    REQUIRED_VALUE_COLUMNS,
    VALUE_COLUMNS,
    VALUES_SHEET,
)
from civicplan.strategy.importers.reading import (
    COLUMN_OF_FIELD,
    Sheet,
)
from civicplan.strategy.importers.structure import (
    structure_import,
)
from civicplan.strategy.importers.templates import (
    kpi_values_template,
    structure_template,
)
from civicplan.strategy.importers.values import (
    kpi_values_import,
)

__all__ = [
    "BETTER_WORDS",
    "COLUMN_OF_FIELD",
    "DIRECTIONS_SHEET",
    "DIRECTION_COLUMNS",
    "GOALS_SHEET",
    "GOAL_COLUMNS",
    "KPIS_SHEET",
    "KPI_COLUMNS",
    "MAX_ROWS",
    "MEASURES_SHEET",
    "MEASURE_COLUMNS",
    "REQUIRED_VALUE_COLUMNS",
    "Sheet",
    "VALUES_SHEET",
    "VALUE_COLUMNS",
    "kpi_values_import",
    "kpi_values_template",
    "structure_import",
    "structure_template",
]
