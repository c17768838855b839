"""Morphology facts about single words, cached per process and shareable between processes.

The duplicate finder asks of a lemma «is it a place?», «is it a name?», the topic labeller
«is it a person's name, is it in the dictionary?» and «what is this token's lemma?». Each
answer is one pymorphy3 parse, and on a large corpus most distinct words are typos the
dictionary does not know, whose parse (by analogy) is the slow one. Asked separately by the
two duplicate processes and by the topic model of each direction, the same word was parsed
up to eight times. `learn` answers every question for the words of a batch of texts once —
in the preparing workers, beside the lemmatiser — and `absorb` puts the answers into this
process's caches before the later stages (and the processes they fork) run. The functions
below give the same answers with or without the shared caches: these are memos, not models.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

from civicplan.analytics.text.clean import normalize_for_matching
from civicplan.analytics.text.lemmatize import get_morph, residents_parse

__all__ = [
    "CAPITALISED",
    "Facts",
    "absorb",
    "is_name",
    "is_place",
    "learn",
    "person_kind",
    "place_adjective",
    "token_lemma",
]

NAME_GRAMMEMES = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn", "Trad"})
_PERSON_TAGS = ("Name", "Surn", "Patr")

CAPITALISED = re.compile(
    r"(?<![.!?\n«(]\s)(?<![.!?\n«(])(?<=\s)([А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*)"
)
"""A capitalised word inside a sentence (not after . ! ? « ( or a line break)."""

_NAME: dict[str, bool] = {}
_PLACE: dict[str, bool] = {}
_ADJECTIVE: dict[str, str | None] = {}
_PERSON: dict[str, tuple[bool, bool]] = {}
_LEMMA: dict[str, str] = {}
_LEMMA_LIMIT = 400_000

Facts = dict[str, dict[str, Any]]
"""{"name": {word: bool}, "place": …, "adjective": …, "person": …, "lemma": …}."""


def is_name(word: str) -> bool:
    """A place, person or organisation by pymorphy's tags, or a word it does not know."""
    cached = _NAME.get(word)
    if cached is None:
        if word[0] < "а" and word[0] != "ё":  # Latin: brand names, e-mail leftovers
            cached = True
        else:
            morph = get_morph()
            cached = not morph.word_is_known(word) or bool(
                NAME_GRAMMEMES & set(morph.parse(word)[0].tag.grammemes)
            )
        _NAME[word] = cached
    return cached


def is_place(word: str) -> bool:
    """A geographical name by pymorphy's first parse (Cyrillic words only)."""
    cached = _PLACE.get(word)
    if cached is None:
        cached = word[0] >= "а" and "Geox" in get_morph().parse(word)[0].tag
        _PLACE[word] = cached
    return cached


def place_adjective(word: str) -> str | None:
    """The lemma of a capitalised adjective (a place in «Октябрьском районе»), else None."""
    if word in _ADJECTIVE:
        return _ADJECTIVE[word]
    parse = get_morph().parse(word)[0]
    lemma = None
    if parse.tag.POS in {"ADJF", "ADJS"} and not ({"Name", "Surn", "Patr"} & parse.tag.grammemes):
        lemma = normalize_for_matching(parse.normal_form)
    _ADJECTIVE[word] = lemma
    return lemma


def person_kind(lemma: str) -> tuple[bool, bool]:
    """(a first name, surname or patronymic; known to the dictionary) by the first parse."""
    cached = _PERSON.get(lemma)
    if cached is None:
        parse = get_morph().parse(lemma)[0]
        cached = (any(t in parse.tag for t in _PERSON_TAGS), bool(parse.is_known))
        _PERSON[lemma] = cached
    return cached


def token_lemma(token: str) -> str:
    """The normal form (ё → е) of a lower-case token, read as the lemmatiser reads it."""
    lemma = _LEMMA.get(token)
    if lemma is None:
        lemma = residents_parse(token).normal_form.replace("ё", "е")
        if len(_LEMMA) < _LEMMA_LIMIT:
            _LEMMA[token] = lemma
    return lemma


def _learn_word(morph: Any, word: str) -> None:
    """`is_name`, `is_place` and `person_kind` of one word from a single parse."""
    parse = morph.parse(word)[0]
    tag = parse.tag
    _PERSON[word] = (any(t in tag for t in _PERSON_TAGS), bool(parse.is_known))
    cyrillic = word[0] >= "а"
    _PLACE[word] = cyrillic and "Geox" in tag
    if word[0] < "а" and word[0] != "ё":
        _NAME[word] = True
    else:
        _NAME[word] = not morph.word_is_known(word) or bool(NAME_GRAMMEMES & set(tag.grammemes))


def learn(
    lemmas: Sequence[Sequence[str]],
    texts: Sequence[str],
    token_lemmas: Mapping[str, str | None] | None = None,
) -> Facts:
    """Answer every question above for the words of these texts; return the answers that
    were new to this process (to `absorb` elsewhere).

    `token_lemmas` (a `Lemmatizer.cache`: token → lemma, None for a dropped word) gives the
    lemmas of tokens without parsing them again; the lemmatiser's lemma of a kept word is
    the same first-parse normal form with ё → е (Cyrillic tokens; Latin ones it keeps
    unparsed).
    """
    # The caches only grow, and dicts keep insertion order: what is new comes after.
    before = {key: len(cache) for key, cache in _caches().items()}
    morph = get_morph()
    for word in {w for doc in lemmas for w in doc}:
        if word in _PERSON and word in _PLACE and word in _NAME:
            continue
        _learn_word(morph, word)
    for text in texts:
        for match in CAPITALISED.finditer(text):
            place_adjective(normalize_for_matching(match.group(1)))
    if token_lemmas is not None:
        for token, lemma in token_lemmas.items():
            if lemma is None or token[0] < "а" or token in _LEMMA:
                continue  # Latin tokens are kept as they are by the lemmatiser, not parsed
            if len(_LEMMA) < _LEMMA_LIMIT:
                _LEMMA[token] = lemma
    return {key: dict(islice(cache.items(), before[key], None)) for key, cache in _caches().items()}


def absorb(facts: Iterable[Facts]) -> None:
    """Put answers computed elsewhere into this process's caches."""
    caches = _caches()
    for part in facts:
        for key, answers in part.items():
            cache = caches[key]
            if key == "lemma":
                room = _LEMMA_LIMIT - len(cache)
                if room <= 0:
                    continue
                if len(answers) > room:
                    answers = dict(list(answers.items())[:room])
            cache.update(answers)


def _caches() -> dict[str, dict[str, Any]]:
    return {
        "name": _NAME,
        "place": _PLACE,
        "adjective": _ADJECTIVE,
        "person": _PERSON,
        "lemma": _LEMMA,
    }
