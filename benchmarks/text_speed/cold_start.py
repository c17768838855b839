"""Cold start: a fresh process imports the pipeline, loads every model, analyses one text.

.venv/bin/python benchmarks/text_speed/cold_start.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

CHILD = r"""
import time
t0 = time.perf_counter()
from civicplan.analytics.text.lemmatize import get_morph
from civicplan.analytics.text.vectorize import load_navec, warm_up
from civicplan.analytics.text.places import PlaceLinker
from civicplan.analytics.text.synthetic import gazetteer_rows
t1 = time.perf_counter()
warm_up()
t2 = time.perf_counter()
linker = PlaceLinker(gazetteer_rows(), use_ner=True)
linker._ner_model()
t3 = time.perf_counter()
from civicplan.analytics.text.similar import SimilarityIndex
index = SimilarityIndex()
index.add(["1"], ["Прошу отремонтировать дорогу в Отрадном"])
index.query("Дорога в Отрадном разбита")
t4 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {t4 - t0:.3f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for _ in range(args.repeat):
        out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                             check=True)  # fmt: skip
        rows.append([float(x) for x in out.stdout.split()])
    names = ["imports", "pymorphy3 + navec", "slovnet NER", "first query, total"]
    for i, name in enumerate(names):
        print(f"{name}: median {statistics.median(r[i] for r in rows):.2f} s")


if __name__ == "__main__":
    main()
