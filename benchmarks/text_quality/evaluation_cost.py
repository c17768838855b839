"""Cost of the classifier evaluation the campaign analysis runs (issue 14, per-class figures).

    .venv/bin/python benchmarks/text_quality/evaluation_cost.py [--examples 2000] [--folds 5]

Takes `--examples` labelled appeals of the hard corpus's train split (15 directions,
imbalanced like a portal: ЖКХ about half, five directions under 1 %) and runs
`civicplan.analytics.text.evaluation.cross_validate` with `DirectionClassifier(labels)` as
the analysis job does (one BLAS thread, raw texts: cleaning and lemmatising included). Prints
the wall time, CPU time, accuracy, macro-F1, the weakest directions and the top confusions.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hard_corpus import LABELS, load  # noqa: E402

from civicplan.analytics.text import DirectionClassifier  # noqa: E402
from civicplan.analytics.text.evaluation import cross_validate  # noqa: E402
from civicplan.analytics.text.vectorize import warm_up  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-examples", type=int, default=2000)
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    texts, y = load("train")
    texts, y = texts[: args.examples], y[: args.examples]
    warm_up()
    print(f"load average before: {os.getloadavg()}")
    with threadpool_limits(limits=1):
        wall, cpu = time.perf_counter(), time.process_time()
        result = cross_validate(
            texts,
            y,
            make_classifier=lambda: DirectionClassifier(LABELS),
            labels=[label.name for label in LABELS],
            folds=args.folds,
            max_examples=args.max_examples,
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert result is not None
    print(f"load average after: {os.getloadavg()}")
    print(
        f"{result.examples} of {result.examples_total} examples, {result.folds} folds: "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU; accuracy {result.accuracy:.3f}, "
        f"macro-F1 {result.macro_f1:.3f}"
    )
    for c in result.weakest_first()[:5]:
        print(f"  {c.label:24s} P {c.precision:.2f} R {c.recall:.2f} F1 {c.f1:.2f} n {c.support}")
    for c in result.confusions(5):
        print(f"  {c.truth} → {c.predicted or 'не определено'}: {c.count}")


if __name__ == "__main__":
    main()
