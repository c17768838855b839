"""The cost of analysing one proposal when it arrives (what `insights.proposal_analyze` does).

    .venv/bin/python benchmarks/text_speed/arrival.py --n 100000 --arrivals 300

Warm process (the models a web or Celery worker keeps in memory): an index of N synthetic
proposals, the direction classifier trained zero-shot (self-trained on a 20,000 sample, as
the pipeline does) and the place linker. Then each of `--arrivals` new proposals goes
through the engine's part of `proposal_analyze`, one at a time: cleaning + lemmas + navec
vector, the direction, «similar / likely duplicate» (query of the index, then adding the
text to it) and places. CPU time per proposal (`time.process_time`, one BLAS thread) is
reported per step, p50 and p95; the database writes are not included.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

from civicplan.analytics.text.classify import DirectionClassifier
from civicplan.analytics.text.lemmatize import prepare_texts
from civicplan.analytics.text.places import PlaceLinker
from civicplan.analytics.text.similar import SimilarityIndex
from civicplan.analytics.text.synthetic import DIRECTIONS, gazetteer_rows, generate
from civicplan.analytics.text.types import Label
from civicplan.analytics.text.vectorize import NavecVectorizer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--arrivals", type=int, default=300)
    args = parser.parse_args()
    proposals = generate(args.n + args.arrivals, seed=11)
    indexed, arriving = proposals[: args.n], proposals[args.n :]
    started = time.perf_counter()
    prepared = prepare_texts([p.text for p in indexed], n_jobs=2)
    with threadpool_limits(limits=1):
        vectors = NavecVectorizer().transform(prepared.lemmas)
        index = SimilarityIndex()
        index.add_vectors([p.id for p in indexed], vectors, prepared.lemmas)
        sample = prepared.take(list(range(0, len(prepared), max(1, len(prepared) // 20_000))))
        classifier = DirectionClassifier([Label(d.name, d.description) for d in DIRECTIONS])
        classifier.fit(sample)
        linker = PlaceLinker(gazetteer_rows())
        print(f"warm models for {len(index)} proposals in {time.perf_counter() - started:.0f} s")
        # First calls load lazy parts (NER for ambiguous places, caches): not an arrival.
        warm = arriving[0].text
        classifier.predict(prepare_texts([warm]))
        index.query(warm, k=5)
        linker.link_ids(warm)

        steps: dict[str, list[float]] = {"prepare": [], "direction": [], "similar": [],
                                         "places": [], "total": []}  # fmt: skip
        for p in arriving:
            t0 = time.process_time()
            one = prepare_texts([p.text])
            t1 = time.process_time()
            classifier.predict(one)
            t2 = time.process_time()
            index.query(p.text, k=5)
            index.add([p.id], one)
            t3 = time.process_time()
            linker.link_ids(one.texts[0])
            t4 = time.process_time()
            for key, value in zip(
                steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0), strict=True
            ):
                value_ms = value * 1000
                steps[key].append(value_ms)
    print(f"{len(arriving)} arrivals against {args.n} proposals, CPU ms per proposal:")
    for key, values in steps.items():
        print(
            f"  {key:<9} p50 {np.percentile(values, 50):6.1f}  p95 {np.percentile(values, 95):6.1f}"
        )


if __name__ == "__main__":
    main()
