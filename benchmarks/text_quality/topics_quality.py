"""Topics: how many are found, agreement with human categories, and what the labels say.

    .venv/bin/python benchmarks/text_quality/topics_quality.py

* Agreement (ARI, NMI) of `TopicModel` with the categories of the hard corpus
  (`hard_corpus.py`, heldout split) and with kzgovdata's 10 categories, against k-means on
  TF-IDF (lemmas) with the same number of clusters, as the issue asks.
* Topic counts on mixed corpora from 30 to 5,000 texts (the synthetic generator's 22 topics).
* The labels found, to read.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hard_corpus import load  # noqa: E402

from civicplan.analytics.text import NavecVectorizer, prepare_texts  # noqa: E402
from civicplan.analytics.text.synthetic import generate  # noqa: E402
from civicplan.analytics.text.topics import TopicModel  # noqa: E402


def agreement(name: str, texts: list[str], truth: list[str]) -> None:
    prepared = prepare_texts(texts)
    vectors = NavecVectorizer().transform(prepared.lemmas)
    started = time.perf_counter()
    model = TopicModel().fit(prepared, vectors)
    seconds = time.perf_counter() - started
    ours = model.labels_
    k = len(model.topics_)
    tfidf = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True, min_df=2)
    matrix = tfidf.fit_transform(prepared.lemmas)
    baseline = KMeans(n_clusters=k, random_state=0, n_init=3).fit_predict(matrix)
    print(
        f"{name}: {len(texts)} texts, {len(set(truth))} categories, {k} topics "
        f"({(ours == -1).mean():.0%} in «прочее») in {seconds:.1f} s\n"
        f"  ours     ARI {adjusted_rand_score(truth, ours):.3f}  "
        f"NMI {normalized_mutual_info_score(truth, ours):.3f}\n"
        f"  k-means  ARI {adjusted_rand_score(truth, baseline):.3f}  "
        f"NMI {normalized_mutual_info_score(truth, baseline):.3f}"
    )
    for topic in model.topics_[:12]:
        print(f"    {topic.size:5d}  {topic.label}")


def counts() -> None:
    proposals = generate(5000, seed=11)
    for n in (30, 50, 100, 300, 1000, 5000):
        sample = proposals[:n]
        prepared = prepare_texts([p.text for p in sample])
        vectors = NavecVectorizer().transform(prepared.lemmas)
        model = TopicModel().fit(prepared, vectors)
        truth = [p.topic for p in sample]
        print(
            f"mixed synthetic, {n:5d} texts ({len(set(truth))} true topics): "
            f"{len(model.topics_)} topics, ARI {adjusted_rand_score(truth, model.labels_):.3f}; "
            + "; ".join(t.label for t in model.topics_[:6])
        )


def main() -> None:
    texts, truth = load("heldout")
    agreement("hard corpus (heldout)", texts, truth)
    with (ROOT / "data/texts/kzgovdata_ru.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    agreement("kzgovdata", [r["text"] for r in rows], [r["category"] for r in rows])
    counts()
    _ = np


if __name__ == "__main__":
    main()
