"""Wall time per stage and peak memory of `analyze()` on N synthetic proposals.

    .venv/bin/python benchmarks/text_speed/pipeline_speed.py --n 100000 [--labels] [--places]

Peak memory is the maximum resident set of this process and of its worker processes
(resource.getrusage); the whole command, file reading and report writing included, is
measured with /usr/bin/time -v in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import resource
import time

from civicplan.analytics.text.pipeline import analyze
from civicplan.analytics.text.synthetic import DIRECTIONS, gazetteer_rows, generate
from civicplan.analytics.text.types import Document, Label


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-labels", action="store_true")
    parser.add_argument("--no-places", action="store_true")
    args = parser.parse_args()
    proposals = generate(args.n, seed=2026)
    docs = [Document(p.id, p.text, p.created_at) for p in proposals]
    labels = None if args.no_labels else [Label(d.name, d.description) for d in DIRECTIONS]
    gazetteer = None if args.no_places else gazetteer_rows()
    marks: dict[str, float] = {}
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in marks:
            marks[stage] = time.perf_counter() - started
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            cpu = time.process_time()
            print(f"  {marks[stage]:7.1f} s  start {stage:<10} peak so far {rss:.0f} MB, "
                  f"cpu {cpu:.1f} s", flush=True)  # fmt: skip

    result = analyze(docs, labels=labels, gazetteer=gazetteer, progress=progress, n_jobs=args.jobs)
    wall = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"n={args.n} jobs={args.jobs} wall={wall:.1f} s")
    print("stages (s):", result.timings)
    print(f"peak RSS: main {own:.0f} MB, largest worker {children:.0f} MB")
    print(
        f"topics={sum(1 for t in result.topics if t.id >= 0)} "
        f"duplicate groups={len(result.duplicate_groups)} places={len(result.places)}"
    )


if __name__ == "__main__":
    main()
