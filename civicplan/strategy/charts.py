"""Charts of the strategy: a KPI over the years and a roadmap timeline (server-rendered SVG)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from civicplan.core.svg import GanttRow, Series, gantt_chart, line_chart
from civicplan.strategy.models import Measure
from civicplan.strategy.selectors import KpiStatus


def kpi_chart(status: KpiStatus, *, width: int = 640, height: int = 300) -> SafeString:
    """Baseline and targets (dashed), actuals, and the linear trend to the horizon (dotted grey)."""
    kpi = status.kpi
    plan_points = [(kpi.baseline_year, kpi.baseline_value), *sorted(status.targets.items())]
    series = [
        Series(name=_("Цель"), points=plan_points, color="#1f5fa8", dashed=True),
    ]
    if status.actuals:
        series.append(Series(name=_("Факт"), points=list(status.actuals.items()), color="#d9822b"))
    if status.trend is not None:
        first = min(status.actuals) if status.actuals else kpi.baseline_year
        first = min(first, kpi.baseline_year)
        series.append(
            Series(
                name=_("Тренд до %(y)s года") % {"y": status.horizon_end},
                points=[
                    (first, status.trend.at(first)),
                    (status.horizon_end, status.trend.at(status.horizon_end)),
                ],
                color="#777",
                dashed=True,
                markers=False,
            )
        )
    return line_chart(
        series,
        title=_("%(name)s: базовое значение, цели, факт и тренд") % {"name": kpi.name},
        y_label=kpi.unit,
        width=width,
        height=height,
    )


def roadmap_chart(
    measures: Sequence[Measure],
    *,
    title: str,
    url: Callable[[Measure], str] | None = None,
    today: dt.date | None = None,
) -> SafeString:
    rows = [
        GanttRow(
            label=f"{m.code}. {m.title}",
            start=m.starts_on,
            end=m.ends_on,
            progress=float(m.progress),
            color=m.direction.color,
            late=bool(getattr(m, "late", False)),
            depth=int(getattr(m, "depth", 0)),
            url=url(m) if url else "",
            note=f"{m.organisation} ({m.get_sector_display()}), {m.get_state_display()}",
            marks=[(ms.due_on, ms.title, ms.done_on is not None) for ms in m.milestones.all()],
        )
        for m in measures
    ]
    return gantt_chart(rows, title=title, today=today)
