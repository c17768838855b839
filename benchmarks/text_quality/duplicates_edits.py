"""Duplicates among edited copies of residents' messages: pair precision and recall.

    .venv/bin/python benchmarks/text_quality/duplicates_edits.py [--split dev|heldout]

Originals: messages of the hard corpus (`hard_corpus.py`) with at least three sentences,
kept only when no earlier original says the same (same content sentences: the generator
can write the same short complaint twice, and that is a real duplicate, not an error).
Each of a third of them gets an edited copy, with one to three of the edits the issue names:
a greeting added, HTML markup, typos (3 % of words), a sentence dropped, two sentences
swapped. A found pair is right when it links a copy with its original.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hard_corpus import _CLOSINGS, _GREETINGS, _RAMBLE, load  # noqa: E402

from civicplan.analytics.text import DuplicateFinder, prepare_texts  # noqa: E402
from civicplan.analytics.text.clean import clean_text  # noqa: E402
from civicplan.analytics.text.lemmatize import split_sentences  # noqa: E402
from civicplan.analytics.text.synthetic import _add_typos, _as_html  # noqa: E402

_CONTENT = re.compile(r"[а-яё]+")


_BOILERPLATE = {" ".join(_CONTENT.findall(s.lower())) for s in (*_GREETINGS, *_CLOSINGS, *_RAMBLE)}


def content(text: str) -> frozenset[str]:
    """The message's own sentences (no greeting, closing, signature, phone; digits out)."""
    out = set()
    for sentence in split_sentences(clean_text(text)):
        sentence = sentence.lower()
        words = " ".join(_CONTENT.findall(sentence))
        boilerplate = any(SequenceMatcher(None, words, b).ratio() >= 0.85 for b in _BOILERPLATE)
        if not words or boilerplate or words.startswith(("с уважением", "тел")):
            continue
        out.add(words)
    return frozenset(out)


def same_message(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two originals that an edit could turn into each other: a real duplicate pair."""
    shared = sum(
        1 for x in a if x in b or any(SequenceMatcher(None, x, y).ratio() >= 0.85 for y in b)
    )
    return shared >= 1 and shared >= max(len(a), len(b)) - 1


def edit(text: str, rng: random.Random) -> tuple[str, list[str]]:
    sentences = split_sentences(clean_text(text))
    kinds = rng.sample(["greeting", "markup", "typos", "drop", "swap"], k=rng.randint(1, 3))
    if "drop" in kinds and len(sentences) >= 3:
        del sentences[rng.randrange(1, len(sentences))]
    if "swap" in kinds and len(sentences) >= 3:
        i = rng.randrange(len(sentences) - 1)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    if "greeting" in kinds:
        sentences.insert(0, rng.choice(_GREETINGS))
    out = _as_html(sentences, rng) if "markup" in kinds else " ".join(sentences)
    if "typos" in kinds:
        out = _add_typos(out, 0.03, rng)
    return out, kinds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev", choices=("dev", "heldout"))
    args = parser.parse_args()
    rng = random.Random(7)
    texts, _ = load(args.split)
    texts = texts + load("train")[0][:1000]
    originals: list[str] = []
    keys: list[frozenset[str]] = []
    for text in texts:
        if len(split_sentences(clean_text(text))) < 3:
            continue
        originals.append(text)
        keys.append(content(text))
    corpus = list(originals)
    truth: set[tuple[int, int]] = set()
    for i, text in enumerate(originals):
        if rng.random() < 1 / 3:
            copy, _ = edit(text, rng)
            corpus.append(copy)
            truth.add((i, len(corpus) - 1))
    started = time.perf_counter()
    prepared = prepare_texts(corpus)
    pairs = DuplicateFinder().pairs(prepared)
    seconds = time.perf_counter() - started
    found = {(p.first, p.second) for p in pairs}
    # Pairs of originals that say the same (an edit could make one from the other) are
    # neither right nor wrong: they are left out of both counts.
    n_orig = len(originals)
    neutral = {(a, b) for a, b in found if b < n_orig and same_message(keys[a], keys[b])}
    copy_of = {b: a for a, b in truth}
    neutral |= {
        (a, b)
        for a, b in found
        if b >= n_orig
        and a < n_orig
        and (a, b) not in truth
        and same_message(keys[a], keys[copy_of[b]])
    }
    found -= neutral
    right = found & truth
    precision = len(right) / len(found) if found else 1.0
    recall = len(right) / len(truth)
    print(
        f"{args.split}: {len(originals)} originals, {len(truth)} edited copies; "
        f"found {len(found)} pairs ({len(neutral)} more between texts that say the same, "
        f"not counted): precision {precision:.3f}, recall {recall:.3f} "
        f"({seconds:.1f} s)"
    )
    for a, b in sorted(found - truth)[:5]:
        print("  FP:", corpus[a][:150].replace("\n", " "), "||", corpus[b][:150].replace("\n", " "))
    for a, b in sorted(truth - found)[:5]:
        print("  FN:", corpus[a][:150].replace("\n", " "), "||", corpus[b][:150].replace("\n", " "))


if __name__ == "__main__":
    main()
