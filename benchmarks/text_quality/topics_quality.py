"""Topics: how many are found, agreement with human categories, and what the labels say.

    .venv/bin/python benchmarks/text_quality/topics_quality.py [--variant standard|harder|both]
        [--sizes 30 300 3000] [--only hard kzgov synthetic] [--terms]

* Agreement (ARI, NMI) of `TopicModel` with the categories of the hard corpus
  (`hard_corpus.py`, heldout split, `--variant`) and with kzgovdata's 10 categories, against
  k-means on TF-IDF (lemmas) with the same number of clusters, as the issue asks.
* Topic counts and ARI on mixed synthetic proposals (the generator's 22 topics, `--sizes`).
* Every topic's label with its size and the human category most of its texts carry (share
  in brackets); `--terms` adds the key terms behind the label. CPU seconds of the labelling
  step (`TopicModel._describe`) are printed per corpus.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

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


def _timed_fit(prepared: Any, vectors: Any) -> tuple[TopicModel, float]:
    """Fit a TopicModel; the CPU seconds its labelling step (`_describe`) took."""
    model = TopicModel()
    spent = [0.0]
    describe = model._describe

    def timed(*args: Any, **kwargs: Any) -> None:
        started = time.process_time()
        describe(*args, **kwargs)
        spent[0] += time.process_time() - started

    model._describe = timed  # type: ignore[method-assign]
    model.fit(prepared, vectors)
    return model, spent[0]


def _print_labels(model: TopicModel, truth: list[str], *, terms: bool) -> None:
    for topic in model.topics_:
        majority, count = Counter(truth[i] for i in topic.members).most_common(1)[0]
        line = f"    {topic.size:5d}  {topic.label:<42} {majority} ({count / topic.size:.0%})"
        if terms:
            line += "  [" + "; ".join(topic.terms) + "]"
        print(line)


def agreement(name: str, texts: list[str], truth: list[str], *, terms: bool) -> None:
    prepared = prepare_texts(texts)
    vectors = NavecVectorizer().transform(prepared.lemmas)
    started = time.perf_counter()
    model, labelling = _timed_fit(prepared, vectors)
    seconds = time.perf_counter() - started
    ours = model.labels_
    k = len(model.topics_)
    tfidf = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True, min_df=2)
    matrix = tfidf.fit_transform(prepared.lemmas)
    baseline = KMeans(n_clusters=k, random_state=0, n_init=3).fit_predict(matrix)
    print(
        f"{name}: {len(texts)} texts, {len(set(truth))} categories, {k} topics "
        f"({(ours == -1).mean():.0%} in «прочее») in {seconds:.1f} s "
        f"(labels {labelling:.2f} CPU s)\n"
        f"  ours     ARI {adjusted_rand_score(truth, ours):.3f}  "
        f"NMI {normalized_mutual_info_score(truth, ours):.3f}\n"
        f"  k-means  ARI {adjusted_rand_score(truth, baseline):.3f}  "
        f"NMI {normalized_mutual_info_score(truth, baseline):.3f}"
    )
    _print_labels(model, truth, terms=terms)


def synthetic(sizes: list[int], *, terms: bool) -> None:
    proposals = generate(max(sizes), seed=11)
    for n in sizes:
        sample = proposals[:n]
        prepared = prepare_texts([p.text for p in sample])
        vectors = NavecVectorizer().transform(prepared.lemmas)
        model, labelling = _timed_fit(prepared, vectors)
        truth = [p.topic for p in sample]
        print(
            f"mixed synthetic, {n:5d} texts ({len(set(truth))} true topics): "
            f"{len(model.topics_)} topics, ARI {adjusted_rand_score(truth, model.labels_):.3f}"
            f" (labels {labelling:.2f} CPU s)"
        )
        _print_labels(model, truth, terms=terms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variant", default="both", choices=("standard", "harder", "both"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 300, 3000])
    parser.add_argument(
        "--only", nargs="+", default=["hard", "kzgov", "synthetic"],
        choices=("hard", "kzgov", "synthetic"),
    )  # fmt: skip
    parser.add_argument("--terms", action="store_true", help="print the key terms too")
    args = parser.parse_args()
    if "hard" in args.only:
        variants = ("standard", "harder") if args.variant == "both" else (args.variant,)
        for variant in variants:
            texts, truth = load("heldout", variant)
            agreement(f"hard corpus ({variant}, heldout)", texts, truth, terms=args.terms)
    if "kzgov" in args.only:
        with (ROOT / "data/texts/kzgovdata_ru.csv").open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        texts = [r["text"] for r in rows]
        agreement("kzgovdata", texts, [r["category"] for r in rows], terms=args.terms)
    if "synthetic" in args.only:
        synthetic(args.sizes, terms=args.terms)


if __name__ == "__main__":
    main()
