"""Classification on the hard development corpus, against strong baselines.

    .venv/bin/python benchmarks/text_quality/hard.py [--split dev|heldout] [--modes ...]

Baselines run in the same process on the same texts: TF-IDF of character 2–5-grams
(`char_wb`, sublinear) + LinearSVC, with and without `class_weight="balanced"`; for
zero-shot, TF-IDF similarity of a text to each label's name and description. The engine is
`DirectionClassifier` as the CLI uses it. Prints accuracy, macro-F1, per-class precision /
recall / F1 and the frequent mistakes of the engine (`--details`, through
`civicplan.analytics.text.evaluation`, the function the dashboard and the CLI use).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hard_corpus import CATEGORIES, LABELS, VARIANTS, load  # noqa: E402

from civicplan.analytics.text import DirectionClassifier, prepare_texts  # noqa: E402
from civicplan.analytics.text.evaluation import format_text, score  # noqa: E402
from civicplan.analytics.text.types import PreparedTexts  # noqa: E402

NAMES = [c.name for c in CATEGORIES]


def svm(train: list[str], y: list[str], test: list[str], balanced: bool) -> list[str]:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    x = vectorizer.fit_transform(train)
    model = LinearSVC(class_weight="balanced" if balanced else None)
    model.fit(x, y)
    return list(model.predict(vectorizer.transform(test)))


def tfidf_to_descriptions(test: list[str]) -> list[str]:
    docs = [f"{label.name}. {label.description}" for label in LABELS]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    x = vectorizer.fit_transform(docs + test)
    sims = (x[len(docs) :] @ x[: len(docs)].T).toarray()
    return [NAMES[int(i)] for i in sims.argmax(axis=1)]


ENGINE: dict[str, float] = {}
"""Keyword arguments of the engine (`--nb-weight`)."""


def engine(train: PreparedTexts | None, y: list[str] | None, test: PreparedTexts) -> list[str]:
    classifier = DirectionClassifier(LABELS, threshold=0.0, **ENGINE)
    if train is None:
        classifier.fit(test)
    else:
        classifier.fit(train, y, unlabelled=test)  # the CLI reads its corpus the same way
    return [p.label or "" for p in classifier.predict(test)]


def scores(truth: list[str], predicted: list[str]) -> tuple[float, float]:
    return (
        float(accuracy_score(truth, predicted)),
        float(f1_score(truth, predicted, labels=NAMES, average="macro", zero_division=0)),
    )


def few(labels: list[str], per_label: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        by_label[label].append(i)
    chosen: list[int] = []
    for label in NAMES:
        members = by_label.get(label, [])
        chosen += rng.sample(members, min(per_label, len(members)))
    return sorted(chosen)


def tail(labels: list[str], rare: int, seed: int) -> list[int]:
    """All examples except the `rare` rarest directions, which keep one each: a campaign whose
    moderators labelled a direction only once."""
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        by_label[label].append(i)
    rarest = sorted(by_label, key=lambda label: (len(by_label[label]), label))[:rare]
    chosen: list[int] = []
    for label, members in by_label.items():
        chosen += [rng.choice(members)] if label in rarest else members
    return sorted(chosen)


def details(truth: list[str], predicted: list[str]) -> None:
    """Per-class figures and the frequent mistakes, as the dashboard and the CLI give them."""
    result = score(truth, [p or None for p in predicted], NAMES)
    print("   " + format_text(result).replace("\n", "\n   "))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="heldout", choices=("dev", "heldout"))
    parser.add_argument(
        "--modes",
        nargs="*",
        default=["supervised", "20", "5", "zero"],
        help="supervised, zero, N (N examples per label), tailN (all examples, the N rarest "
        "directions one each)",
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--details", action="store_true")
    parser.add_argument(
        "--variant",
        default="standard",
        choices=VARIANTS,
        help="the corpus: standard (3.12.2026) or harder (resembles the real appeals)",
    )
    parser.add_argument(
        "--engine",
        nargs="*",
        default=[],
        metavar="KEY=VALUE",
        help="keyword arguments of DirectionClassifier (numbers), e.g. stack_weight=0",
    )
    parser.add_argument(
        "--nb-weight", type=float, default=None, help="weight of the naive Bayes (0: without)"
    )
    args = parser.parse_args()
    if args.nb_weight is not None:
        ENGINE["nb_weight"] = args.nb_weight
    for item in args.engine:
        key, value = item.split("=", 1)
        ENGINE[key] = float(value)
    train_texts, train_y = load("train", args.variant)
    test_texts, test_y = load(args.split, args.variant)
    started = time.perf_counter()
    train_p = prepare_texts(train_texts)
    test_p = prepare_texts(test_texts)
    print(
        f"prepared in {time.perf_counter() - started:.1f} s; split {args.split}, "
        f"variant {args.variant}"
    )
    for mode in args.modes:
        started = time.perf_counter()
        if mode == "supervised":
            ours = engine(train_p, train_y, test_p)
            plain = svm(train_texts, train_y, test_texts, False)
            balanced = svm(train_texts, train_y, test_texts, True)
            row = [scores(test_y, ours), scores(test_y, plain), scores(test_y, balanced)]
            if args.details:
                details(test_y, ours)
        elif mode == "zero":
            ours = engine(None, None, test_p)
            row = [scores(test_y, ours), scores(test_y, tfidf_to_descriptions(test_texts))]
            if args.details:
                details(test_y, ours)
        else:
            runs = []
            for seed in range(args.seeds):
                if mode.startswith("tail"):
                    idx = tail(train_y, int(mode[4:] or 1), seed)
                else:
                    idx = few(train_y, int(mode), seed)
                texts = [train_texts[i] for i in idx]
                y = [train_y[i] for i in idx]
                ours = engine(train_p.take(idx), y, test_p)
                runs.append(
                    [
                        scores(test_y, ours),
                        scores(test_y, svm(texts, y, test_texts, False)),
                        scores(test_y, svm(texts, y, test_texts, True)),
                    ]
                )
            row = [tuple(np.mean([r[k] for r in runs], axis=0)) for k in range(3)]
        cells = " | ".join(f"{a:.3f} / {f:.3f}" for a, f in row)
        print(
            f"{mode:>10}: engine | svm | svm balanced (acc / macro-F1): {cells}"
            f"   [{time.perf_counter() - started:.0f} s]",
            flush=True,
        )


if __name__ == "__main__":
    main()
