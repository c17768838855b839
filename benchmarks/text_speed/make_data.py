"""Write the benchmark inputs: N synthetic proposals (CSV), labels and the gazetteer.

.venv/bin/python benchmarks/text_speed/make_data.py --n 100000 --out var/bench
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from civicplan.analytics.text.synthetic import DIRECTIONS, gazetteer_rows, generate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", default="var/bench")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    proposals = generate(args.n, seed=args.seed)
    with open(out / f"proposals_{args.n}.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "created_at", "direction", "topic", "duplicate_of"])
        for p in proposals:
            writer.writerow([p.id, p.text, p.created_at.isoformat(), p.direction, p.topic,
                             p.duplicate_of or ""])  # fmt: skip
    with open(out / "labels.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "description"])
        writer.writerows((d.name, d.description) for d in DIRECTIONS)
    with open(out / "places.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "name", "kind", "aliases"])
        writer.writeheader()
        writer.writerows(gazetteer_rows())
    print(f"{args.n} proposals in {time.perf_counter() - started:.1f} s → {out}")


if __name__ == "__main__":
    main()
