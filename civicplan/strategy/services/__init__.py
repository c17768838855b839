"""Every write to the strategy, by topic; callers import from here.

Each service validates its input (raising `InvalidInput` with a Russian message, nothing
written), writes atomically and records who changed what in `StrategyChange`.

- `common`: who may edit, the change history, validation helpers.
- `plan`: the strategy, its stages, directions, goals, measures and milestones.
- `kpis`: KPIs, their targets and actual values, the sync from official statistics.
- `versions`: saving a version of the strategy.
"""

from civicplan.strategy.services.common import (
    change_record,
    strategy_can_edit,
    strategy_require_editor,
    units_match,
)
from civicplan.strategy.services.kpis import (
    MIN_COVERAGE,
    STATISTICS_SOURCE,
    kpi_targets_set,
    kpi_upsert,
    kpi_value_record,
    kpi_values_sync_from_statistics,
    region_series_from_statistics,
)
from civicplan.strategy.services.plan import (
    MEASURE_FIELDS,
    direction_upsert,
    goal_upsert,
    measure_draft_from_text,
    measure_progress_set,
    measure_rollup,
    measure_tree,
    measure_upsert,
    milestone_upsert,
    stage_set,
    strategy_update,
)
from civicplan.strategy.services.versions import (
    strategy_version_save,
)

__all__ = [
    "MEASURE_FIELDS",
    "MIN_COVERAGE",
    "STATISTICS_SOURCE",
    "change_record",
    "direction_upsert",
    "goal_upsert",
    "kpi_targets_set",
    "kpi_upsert",
    "kpi_value_record",
    "kpi_values_sync_from_statistics",
    "measure_draft_from_text",
    "measure_progress_set",
    "measure_rollup",
    "measure_tree",
    "measure_upsert",
    "milestone_upsert",
    "region_series_from_statistics",
    "stage_set",
    "strategy_can_edit",
    "strategy_require_editor",
    "strategy_update",
    "strategy_version_save",
    "units_match",
]
