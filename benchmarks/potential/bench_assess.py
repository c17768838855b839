"""Time the potential assessment of all municipalities of Russia.

    .venv/bin/python benchmarks/potential/bench_assess.py [DATA_DIR] [--repeat 5]

DATA_DIR holds municipalities.csv and indicators.csv (default: ../shared/data/municipal,
then data/municipal in the repository). Prints the median of several runs for reading the
CSV files, building the panel (checks included) and assessing (index, ranks, typology,
peers, growth points), plus one municipality's result as a sanity check.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from civicplan.analytics.potential import (
    assess_panel,
    build_panel,
    default_methodology,
    load_csv,
)

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = [ROOT.parent / "shared" / "data" / "municipal", ROOT / "data" / "municipal"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", nargs="?", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--oktmo", default="36724000000")
    args = parser.parse_args()
    data_dir = args.data_dir or next(p for p in CANDIDATES if (p / "indicators.csv").exists())
    methodology = default_methodology()

    timings: dict[str, list[float]] = {"read CSV": [], "build panel": [], "assess": []}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        records, observations, _ = load_csv(
            data_dir / "municipalities.csv", data_dir / "indicators.csv"
        )
        t1 = time.perf_counter()
        panel = build_panel(records, observations)
        t2 = time.perf_counter()
        assessment = assess_panel(panel, methodology)
        t3 = time.perf_counter()
        timings["read CSV"].append(t1 - t0)
        timings["build panel"].append(t2 - t1)
        timings["assess"].append(t3 - t2)

    n = len(assessment.municipalities)
    computed = int((assessment.index == assessment.index).sum())
    print(f"municipalities: {n}, index computed: {computed}, observations: {len(observations)}")
    total = 0.0
    for step, values in timings.items():
        median = statistics.median(values)
        total += median
        print(f"{step:12s} median {median:.3f} s  (min {min(values):.3f}, max {max(values):.3f})")
    print(f"{'total':12s} median-sum {total:.3f} s over {args.repeat} runs")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (other work slows every step)")
    result = assessment.result(args.oktmo)
    print(
        f"{result.name}: index {result.index:.1f}, rank {result.rank_region} of "
        f"{result.count_region} in region, type «{result.cluster_name}»"
    )
    print(result.explanation)


if __name__ == "__main__":
    main()
