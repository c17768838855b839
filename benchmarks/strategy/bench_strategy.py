"""Strategy: how long the pages' reads, the roadmap timeline, the exports and a re-import take
for a large roadmap.

Builds, inside a transaction that is rolled back, a strategy with N measures (a quarter of them
nested under parents, 3 municipalities and 2 milestones each) and K KPIs with targets and five
years of actuals, on the database of DATABASE_URL (needs region 63 loaded: `manage.py load_demo`
or the territories demo), then times each step (median of --repeat runs).

    DATABASE_URL=sqlite:////tmp/cp.sqlite3 .venv/bin/python benchmarks/strategy/bench_strategy.py \
        --measures 1000 --kpis 200 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from civicplan.strategy import exports, importers  # noqa: E402
from civicplan.strategy.charts import roadmap_chart  # noqa: E402
from civicplan.strategy.models import (  # noqa: E402
    KPI,
    Goal,
    KPITarget,
    KPIValue,
    Measure,
    Milestone,
    Strategy,
)
from civicplan.strategy.selectors import monitoring, roadmap_measures, strategy_tree  # noqa: E402
from civicplan.strategy.services import measure_rollup  # noqa: E402
from civicplan.territories.models import Municipality, Region  # noqa: E402


class Rollback(Exception):
    pass


def build(measures: int, kpis: int) -> Strategy:
    region = Region.objects.get(code=63)
    strategy = Strategy.objects.create(
        region=region, title="Бенчмарк", slug="bench-strategy", horizon_start=2025, horizon_end=2036
    )
    directions = [
        strategy.directions.create(title=f"Направление {i}", slug=f"d{i}", order=i)
        for i in range(5)
    ]
    goals = [
        Goal.objects.create(direction=directions[i % 5], code=f"Ц{i}", title=f"Цель {i}")
        for i in range(20)
    ]
    kpi_rows = KPI.objects.bulk_create(
        KPI(
            goal=goals[i % 20],
            code=f"П{i}",
            name=f"Показатель {i}",
            unit="%",
            baseline_year=2023,
            baseline_value=50,
            better="lower" if i % 4 == 0 else "higher",
        )
        for i in range(kpis)
    )
    KPITarget.objects.bulk_create(
        KPITarget(kpi=k, year=y, value=50 + (y - 2023) * 2)
        for k in kpi_rows
        for y in (2025, 2027, 2030, 2036)
    )
    KPIValue.objects.bulk_create(
        KPIValue(kpi=k, year=y, value=50 + (y - 2023) * 1.8)
        for k in kpi_rows
        for y in range(2021, 2026)
    )
    towns = list(Municipality.objects.filter(region=region).exclude(kind="intracity")[:30])
    parents: list[Measure] = []
    rows = []
    for i in range(measures):
        start = dt.date(2025 + i % 4, 1 + i % 12, 1)
        rows.append(
            Measure(
                strategy=strategy,
                direction=directions[i % 5],
                code=f"{i}",
                title=f"Мероприятие номер {i} по развитию малых городов",
                organisation=f"Исполнитель {i % 40}",
                sector=["government", "municipality", "business", "civil", "science"][i % 5],
                starts_on=start,
                ends_on=start + dt.timedelta(days=365 + 30 * (i % 24)),
                progress=(i * 7) % 101,
                state=["planned", "in_progress", "done", "delayed"][i % 4],
            )
        )
    created = Measure.objects.bulk_create(rows)
    parents = created[: measures // 20]
    nested = created[measures // 20 : measures // 20 + measures // 4]
    for index, m in enumerate(nested):
        m.parent = parents[index % len(parents)]
        m.direction = m.parent.direction
    Measure.objects.bulk_update(nested, ["parent", "direction"])
    through = Measure.municipalities.through
    through.objects.bulk_create(
        through(measure_id=m.pk, municipality_id=towns[(m.pk + j) % len(towns)].pk)
        for m in created
        for j in range(3)
    )
    Milestone.objects.bulk_create(
        Milestone(measure=m, title=t, due_on=m.starts_on + dt.timedelta(days=d))
        for m in created
        for t, d in (("Документация", 90), ("Отчёт", 300))
    )
    return strategy


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, int]:
    times = []
    counter = {"n": 0}

    def count(execute: Callable[..., object], *args: object) -> object:
        counter["n"] += 1
        return execute(*args)

    for _ in range(repeat):
        counter["n"] = 0
        with connection.execute_wrapper(count):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(times), counter["n"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=1000)
    parser.add_argument("--kpis", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f}; database: {connection.vendor}")
    try:
        with transaction.atomic():
            start = time.perf_counter()
            strategy = build(args.measures, args.kpis)
            print(f"build: {time.perf_counter() - start:.2f} s")
            template = importers.structure_template(strategy, filled=True)
            steps: list[tuple[str, Callable[[], object]]] = [
                ("roll-up of all parents", lambda: measure_rollup(strategy=strategy)),
                ("strategy tree with KPI status", lambda: strategy_tree(strategy)),
                ("roadmap: measures in tree order", lambda: roadmap_measures(strategy)),
                (
                    "roadmap: measures + timeline SVG",
                    lambda: roadmap_chart(roadmap_measures(strategy), title="Дорожная карта"),
                ),
                ("monitoring summary", lambda: monitoring(strategy)),
                ("DOCX export", lambda: exports.strategy_docx(strategy)),
                ("XLSX export", lambda: exports.strategy_xlsx(strategy)),
                (
                    "structure template (filled)",
                    lambda: importers.structure_template(strategy, filled=True),
                ),
                (
                    "re-import of the filled template (unchanged)",
                    lambda: importers.structure_import(strategy=strategy, source=template),
                ),
            ]
            print(f"{'step':48} {'median, s':>10} {'queries':>8}")
            for name, fn in steps:
                seconds, queries = timed(fn, args.repeat)
                print(f"{name:48} {seconds:10.3f} {queries:8d}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
