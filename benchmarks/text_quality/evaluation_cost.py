"""Cost of the classifier evaluation the campaign analysis runs (issue 14, per-class figures).

    .venv/bin/python benchmarks/text_quality/evaluation_cost.py [--examples 2000] [--folds 5]
        [--max-examples 2000] [--n-jobs 2] [--per-fold-calibration]

Takes `--examples` labelled appeals of the hard corpus's train split (15 directions,
imbalanced like a portal: ЖКХ about half, five directions under 1 %) and runs
`civicplan.analytics.text.evaluation.cross_validate` with `DirectionClassifier(labels)` as
the analysis job does (one BLAS thread a process, raw texts: cleaning and lemmatising
included): the classifier's calibration chosen once on the examples evaluated and reused in
each fold, folds on `--n-jobs` processes. `--per-fold-calibration --n-jobs 1` is the first
version of issue 14 (each fold's classifier calibrates itself, one process). Prints the wall
time, CPU time (this process and its workers), accuracy, macro-F1, the weakest directions
and the top confusions.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hard_corpus import LABELS, load  # noqa: E402

from civicplan.analytics.text import DirectionClassifier  # noqa: E402
from civicplan.analytics.text.evaluation import cross_validate, stratified_sample  # noqa: E402
from civicplan.analytics.text.lemmatize import prepare_texts  # noqa: E402
from civicplan.analytics.text.vectorize import warm_up  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-examples", type=int, default=2000)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--per-fold-calibration", action="store_true")
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    texts, y = load("train")
    texts, y = texts[: args.examples], y[: args.examples]
    warm_up()
    print(f"load average before: {os.getloadavg()}")

    def cpu_now() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    with threadpool_limits(limits=1):
        wall, cpu = time.perf_counter(), cpu_now()
        calibration = None
        prepared = prepare_texts(texts)
        if not args.per_fold_calibration:
            # As the job: chosen once on the examples evaluated (when all are evaluated the
            # job takes its own model's, already fitted: this fit is then extra here).
            chosen = stratified_sample(y, args.max_examples)
            calibration = (
                DirectionClassifier(LABELS)
                .fit(prepared.take(chosen), [y[i] for i in chosen])
                .calibration_
            )
        result = cross_validate(
            prepared,
            y,
            make_classifier=lambda: DirectionClassifier(LABELS, calibration=calibration),
            labels=[label.name for label in LABELS],
            folds=args.folds,
            max_examples=args.max_examples,
            n_jobs=args.n_jobs,
        )
        wall, cpu = time.perf_counter() - wall, cpu_now() - cpu
    assert result is not None
    print(f"load average after: {os.getloadavg()}")
    print(
        f"{result.examples} of {result.examples_total} examples, {result.folds} folds, "
        f"{'per-fold' if args.per_fold_calibration else 'once'} calibration, "
        f"{args.n_jobs} process(es): "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU; accuracy {result.accuracy:.3f}, "
        f"macro-F1 {result.macro_f1:.3f}"
    )
    for c in result.weakest_first()[:5]:
        print(f"  {c.label:24s} P {c.precision:.2f} R {c.recall:.2f} F1 {c.f1:.2f} n {c.support}")
    for c in result.confusions(5):
        print(f"  {c.truth} → {c.predicted or 'не определено'}: {c.count}")


if __name__ == "__main__":
    main()
