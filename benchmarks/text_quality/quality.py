"""Quality of the text analytics core: classification and duplicates.

Run from the repository root:

    .venv/bin/python benchmarks/text_quality/quality.py [--only classify|duplicates] [--quick]

Data: `data/texts/kzgovdata_ru.csv` (1,200 template-like complaints, 10 categories) and
texts from the project's synthetic generator (`civicplan.analytics.text.synthetic`, 5
strategy directions, planted duplicates with known originals).

Classification modes, each against the baseline «TF-IDF character 2–5-grams + LinearSVC»
trained on the same examples:

* supervised — a 70/30 split; rows with the same text are kept on one side (the file repeats
  texts: a random split would put copies of test rows in training);
* few-shot — 5, 10, 20 examples per label drawn from the training side, 5 seeds each;
* zero-shot — label names and short descriptions only (written here, not taken from the
  data); the baseline is trained on the descriptions as one example per label.

Duplicates: pair precision and recall against planted duplicates (copies, edited copies,
paraphrases) built from kzgov texts and from the synthetic generator, and agreement with
kzgov's own `duplicate` flag.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from civicplan.analytics.text import (  # noqa: E402
    DirectionClassifier,
    Document,
    DuplicateFinder,
    Label,
    prepare_texts,
)
from civicplan.analytics.text.types import PreparedTexts  # noqa: E402

KZ_LABELS = [
    Label(
        "ЖКХ",
        "Жилищно-коммунальное хозяйство: отопление, горячая и холодная вода, "
        "канализация, вывоз мусора, управляющая компания, подъезд, лифт, крыша, квартплата.",
    ),
    Label(
        "медицина",
        "Здравоохранение: поликлиника, больница, врачи, запись на приём, "
        "очереди к врачу, скорая помощь, лекарства, аптека.",
    ),
    Label(
        "дороги",
        "Дороги и тротуары: ямы, асфальт, ремонт дорог, разметка, светофоры, "
        "освещение улиц, пешеходные переходы.",
    ),
    Label(
        "образование",
        "Школы и детские сады: учителя, уроки, питание детей, места в "
        "садике, ремонт школы, кружки, университеты.",
    ),
    Label(
        "полиция",
        "Полиция и общественный порядок: кражи, хулиганство, драки, шум по "
        "ночам, участковый, безопасность во дворе.",
    ),
    Label(
        "общественный транспорт",
        "Автобусы и маршрутки: остановки, расписание, интервалы, "
        "водители, проезд, маршруты, переполненный транспорт.",
    ),
    Label(
        "экология",
        "Экология: загрязнение воздуха и воды, выбросы заводов, свалки, "
        "вырубка деревьев, парки и зелёные насаждения.",
    ),
    Label(
        "интернет",
        "Интернет и связь: нет сети, медленный интернет, провайдер, мобильная "
        "связь, вышка сотовой связи, телевидение.",
    ),
    Label(
        "соцподдержка",
        "Социальная поддержка: пенсии, пособия, выплаты многодетным и "
        "инвалидам, помощь пожилым, субсидии, льготы.",
    ),
    Label(
        "коррупция",
        "Коррупция: взятки, вымогательство денег чиновниками, злоупотребление "
        "служебным положением, незаконные поборы, откаты.",
    ),
]


# --- data ---------------------------------------------------------------------------------
def load_kz() -> tuple[list[str], list[str], list[bool]]:
    with open(ROOT / "data/texts/kzgovdata_ru.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return (
        [r["text"] for r in rows],
        [r["category"] for r in rows],
        [r["duplicate"] == "True" for r in rows],
    )


def load_synthetic(n: int, seed: int) -> tuple[list[str], list[str], list[Label], list]:
    from civicplan.analytics.text.synthetic import DIRECTIONS, generate

    items = generate(n, seed=seed)
    labels = [Label(d.name, d.description) for d in DIRECTIONS]
    return [p.text for p in items], [p.direction for p in items], labels, items


def grouped_split(
    texts: Sequence[str], y: Sequence[str], seed: int, test_share: float = 0.3
) -> tuple[list[int], list[int]]:
    """Indices (train, test), stratified by label, identical texts on one side only."""
    by_text: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(texts):
        by_text[t.strip().lower()].append(i)
    groups_by_label: dict[str, list[list[int]]] = defaultdict(list)
    for members in by_text.values():
        groups_by_label[y[members[0]]].append(members)
    rng = random.Random(seed)
    train: list[int] = []
    test: list[int] = []
    for label in sorted(groups_by_label):
        groups = groups_by_label[label]
        rng.shuffle(groups)
        cut = round(len(groups) * test_share)
        for g in groups[:cut]:
            test.extend(g)
        for g in groups[cut:]:
            train.extend(g)
    return sorted(train), sorted(test)


# --- models -------------------------------------------------------------------------------
def baseline_predict(train_x: list[str], train_y: list[str], test_x: list[str]) -> list[str]:
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    features = vec.fit_transform(train_x)
    model = LinearSVC(C=1.0)
    model.fit(features, train_y)
    return list(model.predict(vec.transform(test_x)))


ENGINE: dict[str, float] = {}
"""Keyword arguments of the engine with labelled examples (`--engine KEY=VALUE`)."""


def ours_predict(
    prepared: PreparedTexts,
    train: list[int],
    train_y: list[str],
    test: list[int],
    labels: list[Label] | None,
) -> tuple[list[str | None], list[float]]:
    clf = DirectionClassifier(labels, threshold=0.0, **ENGINE)  # type: ignore[arg-type]
    corpus = prepared.take(test)
    clf.fit(prepared.take(train), train_y, unlabelled=corpus)  # as the CLI reads its corpus
    preds = clf.predict(corpus)
    return [p.label for p in preds], [p.confidence for p in preds]


def score(y_true: Sequence[str], y_pred: Sequence[str | None]) -> tuple[float, float]:
    pred = [p if p is not None else "∅" for p in y_pred]
    return (
        accuracy_score(y_true, pred),
        f1_score(y_true, pred, average="macro", labels=sorted(set(y_true)), zero_division=0),
    )


def ece(y_true: Sequence[str], y_pred: Sequence[str | None], conf: Sequence[float]) -> float:
    """Expected calibration error over 10 confidence bins."""
    correct = np.array([t == p for t, p in zip(y_true, y_pred, strict=True)], dtype=float)
    conf_a = np.asarray(conf)
    total = 0.0
    for lo in np.linspace(0, 1, 11)[:-1]:
        mask = (conf_a >= lo) & (conf_a < lo + 0.1 + (1e-9 if lo >= 0.9 else 0))
        if mask.any():
            total += mask.mean() * abs(correct[mask].mean() - conf_a[mask].mean())
    return float(total)


def fmt(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.pstdev(values):.3f}"


def classification(
    name: str,
    texts: list[str],
    y: list[str],
    labels: list[Label],
    *,
    seeds: int,
    shots: tuple[int, ...],
) -> list[str]:
    lines = [f"### Classification — {name} ({len(texts)} texts, {len(labels)} labels)", ""]
    lines.append("| mode | ours accuracy | ours macro-F1 | baseline accuracy | baseline macro-F1 |")
    lines.append("|---|---|---|---|---|")
    t0 = time.perf_counter()
    prepared = prepare_texts(texts)
    # Supervised.
    res: dict[str, list[float]] = defaultdict(list)
    eces = []
    for seed in range(seeds):
        train, test = grouped_split(texts, y, seed)
        ty = [y[i] for i in test]
        pred, conf = ours_predict(prepared, train, [y[i] for i in train], test, labels)
        a, f = score(ty, pred)
        res["oa"].append(a)
        res["of"].append(f)
        eces.append(ece(ty, pred, conf))
        bp = baseline_predict(
            [texts[i] for i in train], [y[i] for i in train], [texts[i] for i in test]
        )
        a, f = score(ty, bp)
        res["ba"].append(a)
        res["bf"].append(f)
    lines.append(
        f"| supervised (70/30, {seeds} splits) | {fmt(res['oa'])} | {fmt(res['of'])} | "
        f"{fmt(res['ba'])} | {fmt(res['bf'])} |"
    )
    calib = [f"supervised ECE {fmt(eces)}"]
    # Few-shot.
    for k in shots:
        res = defaultdict(list)
        eces = []
        for seed in range(seeds):
            train_all, test = grouped_split(texts, y, seed)
            rng = random.Random(1000 + seed)
            by_label: dict[str, list[int]] = defaultdict(list)
            for i in train_all:
                by_label[y[i]].append(i)
            train = [
                i
                for lab in sorted(by_label)
                for i in rng.sample(by_label[lab], min(k, len(by_label[lab])))
            ]
            ty = [y[i] for i in test]
            pred, conf = ours_predict(prepared, train, [y[i] for i in train], test, labels)
            a, f = score(ty, pred)
            res["oa"].append(a)
            res["of"].append(f)
            eces.append(ece(ty, pred, conf))
            pred, conf = ours_predict(prepared, train, [y[i] for i in train], test, None)
            a, f = score(ty, pred)
            res["na"].append(a)
            res["nf"].append(f)
            bp = baseline_predict(
                [texts[i] for i in train], [y[i] for i in train], [texts[i] for i in test]
            )
            a, f = score(ty, bp)
            res["ba"].append(a)
            res["bf"].append(f)
        lines.append(
            f"| few-shot, {k} per label ({seeds} seeds) | {fmt(res['oa'])} | {fmt(res['of'])} | "
            f"{fmt(res['ba'])} | {fmt(res['bf'])} |"
        )
        lines.append(
            f"| few-shot, {k} per label, without label descriptions | {fmt(res['na'])} | "
            f"{fmt(res['nf'])} | | |"
        )
        calib.append(f"{k}-shot ECE {fmt(eces)}")
    # Zero-shot, on the test side of split 0 (self-training sees only those texts).
    res = defaultdict(list)
    for seed in range(seeds):
        _, test = grouped_split(texts, y, seed)
        ty = [y[i] for i in test]
        sub = prepared.take(test)
        clf = DirectionClassifier(labels, threshold=0.0, self_training=False).fit(sub)
        a, f = score(ty, [p.label for p in clf.predict(sub)])
        res["za"].append(a)
        res["zf"].append(f)
        clf = DirectionClassifier(labels, threshold=0.0).fit(sub)
        preds = clf.predict(sub)
        a, f = score(ty, [p.label for p in preds])
        res["sa"].append(a)
        res["sf"].append(f)
        bp = baseline_predict(
            [f"{lab.name}. {lab.description}" for lab in labels],
            [lab.name for lab in labels],
            [texts[i] for i in test],
        )
        a, f = score(ty, bp)
        res["ba"].append(a)
        res["bf"].append(f)
    lines.append(
        f"| zero-shot, label vectors only | {fmt(res['za'])} | {fmt(res['zf'])} | "
        f"{fmt(res['ba'])} | {fmt(res['bf'])} |"
    )
    lines.append(
        f"| zero-shot + self-training on the texts | {fmt(res['sa'])} | {fmt(res['sf'])} | "
        f"(descriptions as training) | |"
    )
    lines.append("")
    lines.append("Calibration (expected calibration error, ours): " + "; ".join(calib) + ".")
    lines.append(f"Time: {time.perf_counter() - t0:.0f} s.")
    lines.append("")
    return lines


# --- duplicates ---------------------------------------------------------------------------
_WORD = re.compile(r"\w+|[^\w\s]")


def plant(texts: list[str], n: int, seed: int) -> tuple[list[str], list[tuple[int, int]]]:
    """Append `n` edited copies of random distinct texts; returns texts and (orig, copy)."""
    rng = random.Random(seed)
    distinct = list(dict.fromkeys(texts))
    out = list(distinct)
    truth = []
    for _ in range(n):
        j = rng.randrange(len(distinct))
        text = distinct[j]
        kind = rng.random()
        if kind < 0.3:  # punctuation and case gone
            text = re.sub(r"[^\w\s]", "", text).lower()
        elif kind < 0.55:  # typos
            words = text.split()
            for _t in range(max(1, len(words) // 8)):
                w = rng.randrange(len(words))
                if len(words[w]) > 3:
                    p = rng.randrange(1, len(words[w]) - 1)
                    words[w] = words[w][:p] + words[w][p + 1 :]
            text = " ".join(words)
        elif kind < 0.75:  # greeting, HTML
            text = "<p>Здравствуйте!</p><p>" + text.replace(". ", ".</p><p>") + "</p>"
        else:  # a sentence dropped or words reordered
            parts = re.split(r"(?<=[.!?])\s+", text)
            if len(parts) > 2:
                parts.pop(rng.randrange(1, len(parts)))
                text = " ".join(parts)
            else:
                words = text.split()
                w = rng.randrange(len(words) - 1)
                words[w], words[w + 1] = words[w + 1], words[w]
                text = " ".join(words)
        truth.append((j, len(out)))
        out.append(text)
    return out, truth


def pair_scores(
    predicted: list[tuple[int, int]], truth_groups: list[int | None]
) -> tuple[float, float]:
    """Pair precision and recall; `truth_groups[i]` is the true group id (None unique)."""
    members: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(truth_groups):
        if g is not None:
            members[g].append(i)
    true_pairs = {(a, b) for m in members.values() for x, a in enumerate(m) for b in m[x + 1 :]}
    pred_pairs = set(predicted)
    tp = len(true_pairs & pred_pairs)
    precision = tp / len(pred_pairs) if pred_pairs else 1.0
    recall = tp / len(true_pairs) if true_pairs else 1.0
    return precision, recall


def group_pairs(assignments: list) -> list[tuple[int, int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for i, a in enumerate(assignments):
        if a.group is not None:
            members[a.group].append(i)
    return [(a, b) for m in members.values() for x, a in enumerate(m) for b in m[x + 1 :]]


def duplicates(quick: bool) -> list[str]:
    lines = ["### Duplicates", ""]
    lines.append("| data | pairs in truth | precision | recall | of which paraphrase links |")
    lines.append("|---|---|---|---|---|")
    texts, _, flags = load_kz()

    # Planted near-duplicates among kzgov's distinct texts; identical source texts and
    # texts a human would call the same are one true group.
    planted, truth = plant(texts, 150, seed=7)
    group_of: list[int | None] = [None] * len(planted)
    by_text: dict[str, int] = {}
    for i, t in enumerate(planted[: len(set(texts))]):
        by_text.setdefault(t, i)
    for orig, copy in truth:
        group_of[orig] = orig
        group_of[copy] = orig
    finder = DuplicateFinder()
    prepared = prepare_texts(planted)
    t0 = time.perf_counter()
    pairs = finder.pairs(prepared)
    assignments = finder.group([Document(str(i), t) for i, t in enumerate(planted)], pairs)
    seconds = time.perf_counter() - t0
    p, r = pair_scores(group_pairs(assignments), group_of)
    para = sum(1 for x in pairs if x.kind == "paraphrase")
    lines.append(
        f"| kzgov: {len(set(texts))} distinct texts + 150 planted edited copies | "
        f"{len(truth)} | {p:.3f} | {r:.3f} | {para} ({seconds:.1f} s) |"
    )

    # Synthetic proposals with the generator's planted duplicates.
    n = 3000 if quick else 10000
    s_texts, _, _, items = load_synthetic(n, seed=11)
    index = {item.id: i for i, item in enumerate(items)}
    group_of = [None] * len(items)
    for i, item in enumerate(items):
        if item.duplicate_of is not None:
            root = index[item.duplicate_of]
            group_of[root] = root
            group_of[i] = root
    docs = [Document(it.id, it.text, it.created_at) for it in items]
    prepared = prepare_texts(s_texts)
    t0 = time.perf_counter()
    pairs = finder.pairs(prepared)
    assignments = finder.group(docs, pairs)
    seconds = time.perf_counter() - t0
    n_truth = sum(1 for it in items if it.duplicate_of)
    p, r = pair_scores(group_pairs(assignments), group_of)
    para = sum(1 for x in pairs if x.kind == "paraphrase")
    lines.append(
        f"| synthetic generator, {n} proposals | {n_truth} duplicates | {p:.3f} | {r:.3f} | "
        f"{para} ({seconds:.1f} s) |"
    )
    by_variant: dict[str, list[bool]] = defaultdict(list)
    for i, it in enumerate(items):
        if it.duplicate_of is not None:
            by_variant[it.variant].append(
                assignments[i].group is not None
                and assignments[i].group == assignments[index[it.duplicate_of]].group
            )
    recall_by_variant = ", ".join(
        f"{v} {statistics.mean(x):.2f} (n={len(x)})" for v, x in sorted(by_variant.items())
    )

    # kzgov's own flag, row level: «this row is a duplicate» vs «grouped, not the original».
    prepared = prepare_texts(texts)
    assignments = finder.find([Document(str(i), t) for i, t in enumerate(texts)], prepared=prepared)
    predicted = [a.group is not None and a.duplicate_of is not None for a in assignments]
    tp = sum(1 for p_, f in zip(predicted, flags, strict=True) if p_ and f)
    flag_p = tp / max(1, sum(predicted))
    flag_r = tp / max(1, sum(flags))
    lines.append("")
    lines.append(f"Recall by kind of planted duplicate (synthetic): {recall_by_variant}.")
    lines.append(
        f"kzgov `duplicate` flag, row level (flagged vs «grouped and not the original»): "
        f"precision {flag_p:.3f}, recall {flag_r:.3f} — the flag does not follow the texts "
        f"(see `data/texts/README.md`), so these figures say little about the method."
    )
    lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["classify", "duplicates"])
    parser.add_argument("--quick", action="store_true", help="fewer seeds, smaller synthetic set")
    parser.add_argument("--synthetic", type=int, default=3000)
    parser.add_argument(
        "--engine",
        nargs="*",
        default=[],
        metavar="KEY=VALUE",
        help="keyword arguments of DirectionClassifier with examples (numbers), e.g. bias_shrink=0",
    )
    args = parser.parse_args(argv)
    ENGINE.update({k: float(v) for k, v in (item.split("=", 1) for item in args.engine)})
    seeds = 2 if args.quick else 5
    out: list[str] = []
    if args.only in (None, "classify"):
        texts, y, _ = load_kz()
        out += classification("kzgov", texts, y, KZ_LABELS, seeds=seeds, shots=(5, 10, 20))
        s_texts, s_y, s_labels, _ = load_synthetic(args.synthetic, seed=3)
        out += classification(
            f"synthetic ({args.synthetic} proposals)",
            s_texts,
            s_y,
            s_labels,
            seeds=seeds,
            shots=(5, 10, 20),
        )
        print("\n".join(out), flush=True)
    if args.only in (None, "duplicates"):
        dup = duplicates(args.quick)
        print("\n".join(dup))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
