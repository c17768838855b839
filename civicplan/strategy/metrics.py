"""KPI arithmetic: the plan for a year, attainment, traffic light, linear trend; progress roll-up.

Pure functions on numbers, no database: pages, exports and the API share them.

Attainment follows the method Russian ministries use to assess state programmes: for «higher
is better» it is actual / plan × 100, for «lower is better» plan / actual × 100. When the plan
or the actual is zero or negative (net migration, for instance) a ratio means nothing, and
attainment is measured as the distance travelled from the baseline towards the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

GREEN_FROM = 95.0
YELLOW_FROM = 85.0


def plan_for_year(
    *, baseline_year: int, baseline_value: float, targets: dict[int, float], year: int
) -> float | None:
    """The target for `year`: explicit, or linear between the baseline and the targets around it.

    None before the baseline year. After the last target, the last target holds.
    """
    if year in targets:
        return targets[year]
    points = sorted({baseline_year: baseline_value, **targets}.items())
    if year < points[0][0]:
        return None
    for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
        if y0 <= year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return points[-1][1]


def attainment(
    *, actual: float, plan: float, baseline: float | None = None, lower_is_better: bool = False
) -> float:
    """How far the actual value reaches the plan, in percent (100 — exactly on plan)."""
    if plan > 0 and actual > 0:
        ratio = plan / actual if lower_is_better else actual / plan
        return ratio * 100.0
    # Zero or negative values: progress from the baseline towards the plan.
    start = baseline if baseline is not None else 0.0
    span = plan - start
    if abs(span) < 1e-12:
        span = abs(plan) or 1.0
        if lower_is_better:
            span = -span
    return 100.0 + (actual - plan) / abs(span) * 100.0 * (-1 if lower_is_better else 1)


def traffic_light(value: float | None) -> str:
    """«green» from 95 %, «yellow» from 85 %, «red» below, «grey» without data."""
    if value is None:
        return "grey"
    if value >= GREEN_FROM:
        return "green"
    if value >= YELLOW_FROM:
        return "yellow"
    return "red"


@dataclass(frozen=True)
class Trend:
    slope: float
    intercept: float

    def at(self, year: float) -> float:
        return self.intercept + self.slope * year


def linear_trend(points: Iterable[tuple[float, float]]) -> Trend | None:
    """Least-squares line through (year, value); None with fewer than two distinct years."""
    data = list(points)
    years = {x for x, _ in data}
    if len(years) < 2:
        return None
    n = len(data)
    mean_x = sum(x for x, _ in data) / n
    mean_y = sum(y for _, y in data) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in data)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in data)
    slope = sxy / sxx
    return Trend(slope=slope, intercept=mean_y - slope * mean_x)


@dataclass(frozen=True)
class Node:
    """A measure in the roll-up: its own progress, weight, and children."""

    key: object
    progress: float
    weight: float = 1.0
    children: Sequence[Node] = ()
    cancelled: bool = False


def rolled_up_progress(node: Node) -> float:
    """A leaf keeps its progress; a parent gets the weighted mean of its children.

    Cancelled children and children of zero weight do not count; a parent whose children all
    drop out keeps its own progress.
    """
    counted = [c for c in node.children if not c.cancelled and c.weight > 0]
    if not counted:
        return float(node.progress)
    total = sum(c.weight for c in counted)
    return sum(rolled_up_progress(c) * c.weight for c in counted) / total


def find_cycle(parent_of: dict[int, int | None], start: int) -> list[int] | None:
    """The chain start → parent → … if it comes back to a measure already seen, else None."""
    seen: list[int] = []
    current: int | None = start
    while current is not None:
        if current in seen:
            return [*seen, current]
        seen.append(current)
        current = parent_of.get(current)
    return None
