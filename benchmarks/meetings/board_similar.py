"""Near-duplicate ideas on a board of 600 (300 participants × 2): the cost of the index, of one
«похожие идеи» hint while a participant types, and of the moderator's full duplicate scan.

Mirrors `civicplan.meetings.board_similar` on the analytics index itself (no database):

    .venv/bin/python benchmarks/meetings/board_similar.py [--ideas 600]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from civicplan.analytics.text.similar import SimilarityIndex

SUBJECTS = [
    "велодорожку вдоль набережной",
    "коворкинг для молодёжи",
    "детскую площадку во дворе",
    "освещение в парке",
    "остановку автобуса у школы",
    "пешеходный переход у поликлиники",
    "каток в парке Победы",
    "скамейки и урны на набережной",
    "ремонт дороги до райцентра",
    "кружки робототехники в школе",
    "служебное жильё для врачей",
    "ярмарку выходного дня",
    "парковку у вокзала",
    "спортивную площадку у школы № 3",
    "бесплатный интернет в сёлах",
]
VERBS = ["Сделать", "Построить", "Открыть", "Нужно", "Предлагаю", "Организовать", "Отремонтировать"]
PLACES = ["", " в Отрадном", " в Кинеле", " в Похвистнево", " в центре", " на улице Гагарина"]


def ideas(n: int, rng: random.Random) -> list[str]:
    return [
        f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)}{rng.choice(PLACES)}".strip() for _ in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=600)
    args = parser.parse_args()
    rng = random.Random(7)
    texts = ideas(args.ideas, rng)
    SimilarityIndex(initial_capacity=16).add([0], ["прогрев словарей"])  # load navec, pymorphy
    started = time.perf_counter()
    index = SimilarityIndex(initial_capacity=max(16, len(texts)))
    index.add(list(range(len(texts))), texts)
    build = time.perf_counter() - started
    hints = []
    for typed in ideas(200, random.Random(11)):
        typed = typed.replace("о", "а", 1)  # a typo in every hint
        t = time.perf_counter()
        index.query(typed, k=13, typos=True)
        hints.append(time.perf_counter() - t)
    t = time.perf_counter()
    for k, text in enumerate(texts):
        index.query(text, k=6, exclude=[k], typos=True)
    scan = time.perf_counter() - t
    hints.sort()
    print(f"ideas: {len(texts)}")
    print(f"index build: {build:.2f} s")
    print(
        f"typing hint (typos): median {statistics.median(hints) * 1000:.1f} ms, "
        f"p95 {hints[int(len(hints) * 0.95)] * 1000:.1f} ms"
    )
    print(f"moderator's duplicate scan (every idea against all): {scan:.2f} s")


if __name__ == "__main__":
    main()
