"""Personal data masking: what leaks, what is masked by mistake, what the NER costs.

    .venv/bin/python benchmarks/text_quality/personal_data.py [--split heldout] [--n 1000]
    .venv/bin/python benchmarks/text_quality/personal_data.py --csv proposals_100000.csv

Texts: messages of the hard corpus (`hard_corpus.py`: signatures «С уважением, Иван
Петров.», phones) with, in a third of them, one more sentence naming a person in the body
(«Директор школы Сидоров Пётр Ильич на звонки не отвечает.», «Участковый Кузнецов …») and,
in another third, a sentence about a place that must stay («улица Ленина», «школа имени
Гагарина», «памятник Пушкину»). Every planted name, phone and place is known.

Measured for two ways of running `find_personal_data_many`:

* **NER on every text** (the reference: slovnet on each message with a capital letter);
* **NER where it can matter** (the engine: patterns and morphology first, the NER only on
  texts where a word known as a first name, surname or patronymic is left unmasked).

Figures: planted names / phones / signatures left visible (leaks), planted places masked
(over-masking), texts whose masked output differs between the two ways, texts sent to the
NER, CPU seconds.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hard_corpus import load  # noqa: E402

from civicplan.analytics.text import personal  # noqa: E402
from civicplan.analytics.text.clean import clean_text  # noqa: E402

_BODY_NAMES = (
    ("Директор школы {name} на звонки не отвечает.", "Сидоров Пётр Ильич"),
    ("Участковый {name} к нам так и не пришёл.", "Кузнецов"),
    ("Мне сказала {name} из администрации, что денег нет.", "Ольга Смирнова"),
    ("Глава поселения {name} обещал разобраться ещё весной.", "Ахметов Ринат Маратович"),
    ("Спасибо {name} за помощь, но вопрос не решён.", "Татьяне Ковальчук"),
    ("Заявление приняла {name}.", "Елена Викторовна"),
)
_PLACES = (
    "Это напротив дома 5 на улице Ленина.",
    "Рядом со школой имени Гагарина.",
    "Возле памятника Пушкину в центре.",
    "У Дома культуры на проспекте Кирова.",
    "На улице Мира у библиотеки имени Горького.",
)
_PLACE_WORDS = ("Ленина", "Гагарина", "Пушкину", "Дома культуры", "Кирова", "Горького")


def corpus(split: str, n: int) -> list[tuple[str, list[str], list[str]]]:
    """(text, planted personal strings, planted place strings)."""
    rng = random.Random(11)
    texts, _ = load(split)
    out = []
    for text in texts[:n]:
        phone = re.search(r"Тел\. ([\d-]+)", text)
        text = clean_text(text).replace("[телефон]", phone.group(1) if phone else "[телефон]")
        secrets: list[str] = [phone.group(1)] if phone else []
        places: list[str] = []
        roll = rng.random()
        if roll < 1 / 3:
            sentence, name = rng.choice(_BODY_NAMES)
            text = f"{sentence.format(name=name)} {text}"
            secrets.append(name)
        elif roll < 2 / 3:
            sentence = rng.choice(_PLACES)
            text = f"{sentence} {text}"
            places += [w for w in _PLACE_WORDS if w in sentence]
        if "С уважением, " in text:
            signed = text.split("С уважением, ", 1)[1].split(".")[0]
            secrets.append(signed)
        out.append((text, secrets, places))
    return out


def reference(texts: list[str]) -> list[list[personal.PersonalSpan]]:
    """The NER on every text (what the engine did before the filter)."""
    spans = personal._ner_spans(texts)
    return [personal._find(t, s) if t else [] for t, s in zip(texts, spans, strict=True)]


def score(
    rows: list[tuple[str, list[str], list[str]]], found: list[list[personal.PersonalSpan]]
) -> tuple[int, int, int, int, list[str]]:
    leaks = masked_places = secrets = places = 0
    outputs = []
    for (text, planted, kept), spans in zip(rows, found, strict=True):
        shown = personal._apply(text, spans, drop_signatures=False)
        outputs.append(shown)
        secrets += len(planted)
        places += len(kept)
        leaks += sum(1 for s in planted if s in shown)
        masked_places += sum(1 for p in kept if p not in shown)
    return leaks, secrets, masked_places, places, outputs


def export_cost(path: str, jobs: int) -> None:
    """Every text of a large file masked as the XLSX report's «Тексты» sheet is."""
    import csv
    import resource

    from civicplan.analytics.text.clean import TextCleaner

    csv.field_size_limit(10**9)
    with open(path, encoding="utf-8", newline="") as handle:
        texts = TextCleaner().transform([row["text"] for row in csv.DictReader(handle)])
    personal._ner()
    wall, cpu = time.perf_counter(), time.process_time()
    masked = personal.mask_personal_data_many(texts, n_jobs=jobs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers = children.ru_utime + children.ru_stime
    changed = sum(a != b for a, b in zip(texts, masked, strict=True))
    print(
        f"{len(texts)} texts, {jobs} processes: wall {wall:.1f} s, CPU {cpu:.1f} s here + "
        f"{workers:.1f} s in workers; {changed} texts changed"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="heldout", choices=("dev", "heldout", "train"))
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument(
        "--csv",
        help="instead: mask every text of this CSV (column «text») as the XLSX report does, "
        "and print the cost (e.g. proposals_100000.csv of text_speed/make_data.py)",
    )
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if args.csv:
        export_cost(args.csv, args.jobs)
        return
    rows = corpus(args.split, args.n)
    texts = [t for t, _, _ in rows]
    personal._ner()  # load the model outside the timings
    personal.find_personal_data_many(texts[:5])

    started = time.process_time()
    full = reference(texts)
    full_cpu = time.process_time() - started
    started = time.process_time()
    fast = personal.find_personal_data_many(texts)
    fast_cpu = time.process_time() - started
    sent = sum(1 for t in texts if personal.needs_ner(t))

    print(f"{len(texts)} texts ({args.split}); planted: body names in a third, places in a third")
    print("| way | leaks (visible / planted) | places masked | NER texts | CPU s |")
    print("|---|---|---|---|---|")
    ref_out: list[str] = []
    for name, found, cpu, ner_texts in (
        ("NER on every text", full, full_cpu, sum(1 for t in texts if t != t.lower())),
        ("NER where it can matter", fast, fast_cpu, sent),
    ):
        leaks, secrets, masked, places, outputs = score(rows, found)
        if not ref_out:
            ref_out = outputs
        print(f"| {name} | {leaks} / {secrets} | {masked} / {places} | {ner_texts} | {cpu:.1f} |")
    _, _, _, _, fast_out = score(rows, fast)
    differ = [i for i, (a, b) in enumerate(zip(ref_out, fast_out, strict=True)) if a != b]
    print(f"masked outputs that differ between the two: {len(differ)} of {len(texts)}")
    for i in differ[:5]:
        print("  REF:", ref_out[i][:200])
        print("  NEW:", fast_out[i][:200])


if __name__ == "__main__":
    main()
