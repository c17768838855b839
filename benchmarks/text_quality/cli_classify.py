"""The classifier as the issue's evaluator met it: through `civicplan analyze classify`.

    .venv/bin/python benchmarks/text_quality/cli_classify.py [--variant harder|standard]
        [--split heldout|dev] [--modes supervised 20 5 zero] [--seeds 1]

Writes the hard corpus's training examples, labels and test texts as CSV files, runs the
command (`--train … --label-column`, alone — the examples' label names are all it knows of
the directions — and with `--labels`, their descriptions; `--labels` alone for zero-shot),
reads `predicted_label`
back and scores it against the categories: accuracy and macro-F1, «не определено» counted
as a miss. Two readings of the same output: the table as written (every text with words gets
its most likely direction) and «with the threshold» (the rows marked `needs_review` read as
«не определено», which is what the table held before), with the share of such rows and how
often their guess is right. The baselines of `hard.py` in the same process on the same files.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hard import few, scores, svm, tfidf_to_descriptions  # noqa: E402
from hard_corpus import LABELS, VARIANTS, load  # noqa: E402

from civicplan.analytics.cli import main as cli  # noqa: E402
from civicplan.analytics.text.types import UNDEFINED_LABEL  # noqa: E402


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def run_cli(
    folder: Path, test: list[str], train: list[tuple[str, str]] | None, descriptions: bool
) -> list[dict[str, str]]:
    source = _write(folder / "test.csv", [["text"]] + [[t] for t in test])
    out = folder / "out.csv"
    extra: list[str] = []
    if descriptions:
        labels = _write(
            folder / "labels.csv",
            [["label", "description"]] + [[lab.name, lab.description] for lab in LABELS],
        )
        extra += ["--labels", str(labels)]
    if train is not None:
        examples = _write(folder / "train.csv", [["text", "label"]] + [list(p) for p in train])
        extra += ["--train", str(examples), "--label-column", "label"]
    err = io.StringIO()
    code = cli(
        ["classify", str(source), "--text-column", "text", "--output", str(out), "--no-progress"]
        + extra,
        stderr=err,
    )
    if code != 0:
        raise SystemExit(f"civicplan analyze classify failed ({code}): {err.getvalue()}")
    return _read(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variant", default="harder", choices=VARIANTS)
    parser.add_argument("--split", default="heldout", choices=("dev", "heldout"))
    parser.add_argument("--modes", nargs="*", default=["supervised", "20", "5", "zero"])
    parser.add_argument("--seeds", type=int, default=1)
    args = parser.parse_args()
    train_texts, train_y = load("train", args.variant)
    test, truth = load(args.split, args.variant)
    print(f"variant {args.variant}, {args.split}: {len(test)} test texts")
    print("mode, labels file | the table (best guess) | with the threshold | under it: share, "
          "right | char SVM | balanced")  # fmt: skip
    for mode in args.modes:
        seeds = [0] if mode in ("supervised", "zero") else list(range(args.seeds))
        runs = [(seed, d) for seed in seeds for d in ((True,) if mode == "zero" else (False, True))]
        for seed, descriptions in runs:
            if mode == "zero":
                train = None
            elif mode == "supervised":
                train = list(zip(train_texts, train_y, strict=True))
            else:
                chosen = few(train_y, int(mode), seed)
                train = [(train_texts[i], train_y[i]) for i in chosen]
            started = time.perf_counter()
            with tempfile.TemporaryDirectory() as tmp:
                rows = run_cli(Path(tmp), test, train, descriptions)
            seconds = time.perf_counter() - started
            table = [r["predicted_label"] for r in rows]
            unsure = [r["needs_review"] == "да" for r in rows]
            thresholded = [UNDEFINED_LABEL if u else p for p, u in zip(table, unsure, strict=True)]
            under = [p == t for p, t, u in zip(table, truth, unsure, strict=True) if u]
            if train is None:
                baselines = [tfidf_to_descriptions(test)]
            else:
                texts, y = [t for t, _ in train], [label for _, label in train]
                baselines = [svm(texts, y, test, False), svm(texts, y, test, True)]
            cells = [scores(truth, p) for p in (table, thresholded, *baselines)]
            shown = " | ".join(f"{a:.3f} / {f:.3f}" for a, f in cells[:2])
            share = f"{len(under) / len(rows):.3f}, {sum(under) / max(1, len(under)):.2f}"
            rest = " | ".join(f"{a:.3f} / {f:.3f}" for a, f in cells[2:])
            how = "--labels" if descriptions else "none"
            print(f"{mode:>10} seed {seed}, {how:>8}: {shown} | {share} | {rest}   "
                  f"[{seconds:.0f} s]", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
