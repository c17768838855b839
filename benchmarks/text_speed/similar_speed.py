"""«Similar to this text»: query latency against an index of N proposals, and adding texts.

.venv/bin/python benchmarks/text_speed/similar_speed.py --n 100000 --queries 1000
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from civicplan.analytics.text.lemmatize import prepare_texts
from civicplan.analytics.text.similar import SimilarityIndex
from civicplan.analytics.text.synthetic import generate
from civicplan.analytics.text.vectorize import NavecVectorizer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    proposals = generate(args.n + args.queries, seed=7)
    indexed, queries = proposals[: args.n], proposals[args.n :]
    started = time.perf_counter()
    prepared = prepare_texts([p.text for p in indexed], n_jobs=2)
    vectors = NavecVectorizer().transform(prepared.lemmas)
    index = SimilarityIndex()
    index.add_vectors([p.id for p in indexed], vectors, prepared.lemmas)
    print(f"index of {len(index)} built in {time.perf_counter() - started:.1f} s")
    index.query(queries[0].text)  # warm caches
    latencies = []
    for p in queries:
        began = time.perf_counter()
        index.query(p.text, k=10)
        latencies.append((time.perf_counter() - began) * 1000)
    p50 = statistics.median(latencies)
    p95 = float(np.percentile(latencies, 95))
    print(f"query: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(latencies):.1f} ms")
    began = time.perf_counter()
    for p in queries[:100]:
        index.add([p.id + "-new"], [p.text])
    print(f"add one text: {(time.perf_counter() - began) * 10:.2f} ms on average (no rebuild)")


if __name__ == "__main__":
    main()
