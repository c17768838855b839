"""Options for the supervised engine on the hard corpus, measured on cached member scores.

    .venv/bin/python benchmarks/text_quality/hard_options.py --variant standard|harder

Members, each fitted on 5 stratified folds of `train` (out-of-fold scores, where weights and
biases are chosen) and on the whole of `train` (scores on `dev` and `heldout`):

* `engine` — the engine's own model: class-weighted LinearSVC on lemma 1–2-gram + character
  2–5-gram TF-IDF (`DirectionClassifier._train`), margins through a softmax (T 0.3);
* `descriptions` — the label-description prior (navec `LabelScorer`, softmax T 0.04);
* `raw SVM` — the balanced baseline itself: `char_wb` 2–5 TF-IDF + LinearSVC on the raw text;
* `segments` — the engine's model applied to each sentence (or 20-word window of a long
  unpunctuated sentence) of a text, max-pooled per class and added to the text's margins.

Prints accuracy / macro-F1 on out-of-fold, dev and heldout for each option. About 10 CPU
minutes a variant (two engine fits per fold).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hard_corpus import CATEGORIES, LABELS, VARIANTS, load  # noqa: E402

from civicplan.analytics.text import DirectionClassifier, prepare_texts  # noqa: E402
from civicplan.analytics.text.calibration import class_offsets  # noqa: E402
from civicplan.analytics.text.classify import LabelScorer  # noqa: E402

NAMES = [c.name for c in CATEGORIES]
K = len(NAMES)
SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")


def softmax(z: np.ndarray, t: float) -> np.ndarray:
    z = z / t
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def scores(y: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    matrix = np.bincount(y * K + predicted, minlength=K * K).reshape(K, K)
    tp = np.diag(matrix)
    both = matrix.sum(axis=0) + matrix.sum(axis=1)
    f1 = np.where(both > 0, 2 * tp / np.maximum(both, 1), 0.0)
    return float(tp.sum() / len(y)), float(f1[both > 0].mean())


def segments(text: str) -> list[str]:
    out: list[str] = []
    for part in (p for p in SENTENCE.split(text) if p.strip()):
        words = part.split()
        if len(words) > 30:
            out += [" ".join(words[i : i + 20]) for i in range(0, len(words), 15)]
        else:
            out.append(part)
    return out


def members(
    train_p: Any, train_raw: list[str], y: np.ndarray, test_p: Any, test_raw: list[str]
) -> dict[str, np.ndarray]:
    classifier = DirectionClassifier(LABELS, threshold=0.0)
    classifier.classes__ = NAMES
    classifier.mode_ = "supervised"
    state = classifier._train(train_p, y, keep_classes=False)
    model = state["model"]

    def margins(prepared: Any) -> np.ndarray:
        features, _ = classifier._features(
            prepared, fit=False, vectorizers=state["vectorizers"], dense=False
        )
        out = np.full((len(prepared), K), -5.0)
        out[:, model.classes_] = model.decision_function(features)
        return out

    out = {"engine": margins(test_p)}
    scorer = LabelScorer(classifier.navec_, classifier._label_words(None))
    out["descriptions"] = scorer.scores(test_p.lemmas)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    svm = LinearSVC(class_weight="balanced").fit(vectorizer.fit_transform(train_raw), y)
    raw = np.full((len(test_p), K), -5.0)
    raw[:, svm.classes_] = svm.decision_function(vectorizer.transform(test_raw))
    out["raw"] = raw
    pieces: list[str] = []
    owner: list[int] = []
    for i, text in enumerate(test_p.texts):
        parts = segments(text)
        if len(parts) >= 2:
            pieces += parts
            owner += [i] * len(parts)
    pooled = np.zeros((len(test_p), K))
    if pieces:
        piece_margins = margins(prepare_texts(pieces))
        owners = np.asarray(owner)
        for i in np.unique(owners):
            pooled[i] = piece_margins[owners == i].max(axis=0)
    out["segments"] = pooled
    return out


def stratified_folds(y: np.ndarray, folds: int = 5) -> np.ndarray:
    """Each example's fold (0 … folds − 1), every class spread evenly, seeded."""
    rng = np.random.default_rng(0)
    fold = np.zeros(len(y), dtype=int)
    for k in range(K):
        chosen = np.flatnonzero(y == k)
        rng.shuffle(chosen)
        fold[chosen] = np.arange(len(chosen)) % folds
    return fold


def bias_for(logp: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-class offsets by coordinate ascent on accuracy + macro-F1 (two rounds)."""
    return class_offsets(logp, y, list(range(K)), macro_weight=1.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variant", default="standard", choices=VARIANTS)
    args = parser.parse_args()
    texts, labels = load("train", args.variant)
    y = np.asarray([NAMES.index(v) for v in labels])
    prepared = prepare_texts(texts)
    fold = stratified_folds(y)
    oof: dict[str, np.ndarray] = {}
    for f in range(5):
        test, train = np.flatnonzero(fold == f), np.flatnonzero(fold != f)
        part = members(
            prepared.take(train.tolist()),
            [texts[i] for i in train],
            y[train],
            prepared.take(test.tolist()),
            [texts[i] for i in test],
        )
        for name, value in part.items():
            oof.setdefault(name, np.zeros((len(y), K)))[test] = value
    evaluated: dict[str, tuple[dict[str, np.ndarray], np.ndarray]] = {"out-of-fold": (oof, y)}
    for split in ("dev", "heldout"):
        split_texts, split_labels = load(split, args.variant)
        evaluated[split] = (
            members(prepared, texts, y, prepare_texts(split_texts), split_texts),
            np.asarray([NAMES.index(v) for v in split_labels]),
        )

    def blend(m: dict[str, np.ndarray], w_desc: float, w_raw: float, seg: float) -> np.ndarray:
        engine = m["engine"] + seg * m["segments"]
        return (
            (1 - w_desc - w_raw) * softmax(engine, 0.3)
            + w_desc * softmax(m["descriptions"], 0.04)
            + w_raw * softmax(m["raw"], 0.3)
        )

    def chosen(grid: list[tuple[float, float, float]]) -> tuple[float, float, float]:
        return max(grid, key=lambda g: sum(scores(y, blend(oof, *g).argmax(axis=1))))

    w_desc = chosen([(w, 0.0, 0.0) for w in np.arange(0, 0.65, 0.1)])[0]
    options: list[tuple[str, Any]] = [
        ("engine model alone", lambda m: softmax(m["engine"], 1)),
        ("balanced raw char SVM alone (the baseline)", lambda m: softmax(m["raw"], 1)),
        (f"engine + descriptions (weight {w_desc:.1f} chosen out-of-fold)", None),
    ]
    options[-1] = (options[-1][0], lambda m: blend(m, w_desc, 0.0, 0.0))
    for w_raw in (0.2, 0.3, 0.5):
        options.append(
            (f"  + raw SVM member, weight {w_raw}", lambda m, w=w_raw: blend(m, w_desc, w, 0.0))
        )
    g = chosen([(d, r, 0.0) for d in np.arange(0, 0.65, 0.1) for r in np.arange(0, 0.75, 0.1)])
    options.append(
        (f"  + raw SVM, weights chosen out-of-fold {g[0]:.1f}, {g[1]:.1f}", lambda m: blend(m, *g))
    )
    for seg in (0.2, 0.5, 1.0):
        options.append(
            (f"  + segments max-pool, λ {seg}", lambda m, s=seg: blend(m, w_desc, 0.0, s))
        )
    bias = bias_for(np.log(np.clip(blend(oof, w_desc, 0.0, 0.0), 1e-9, 1)), y)
    options.append(
        (
            "  + per-class bias tuned out-of-fold (acc + macro-F1)",
            lambda m: np.log(np.clip(blend(m, w_desc, 0.0, 0.0), 1e-9, 1)) + bias,
        )
    )

    def stack_features(m: dict[str, np.ndarray]) -> np.ndarray:
        return np.hstack(
            [
                np.log(np.clip(softmax(m[k], t), 1e-6, 1))
                for k, t in (("engine", 0.3), ("descriptions", 0.04), ("raw", 0.3))
            ]
        )

    stack = LogisticRegression(C=0.3, max_iter=3000).fit(stack_features(oof), y)
    options.append(
        (
            "stacking: logistic regression (C 0.3) on the members",
            lambda m: stack.predict_proba(stack_features(m)),
        )
    )
    print_options(args.variant, options, evaluated, width=62)


def print_options(variant: str, options: list[Any], evaluated: dict[str, Any], width: int) -> None:
    """One line per option: accuracy / macro-F1 out-of-fold, on dev and on heldout."""
    print(f"variant {variant}; cells accuracy / macro-F1: out-of-fold | dev | heldout")
    for name, fn in options:
        cells = []
        for _split, (m, truth) in evaluated.items():
            a, f = scores(truth, np.asarray(fn(m)).argmax(axis=1))
            cells.append(f"{a:.3f} / {f:.3f}")
        print(f"{name:{width}s} " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
