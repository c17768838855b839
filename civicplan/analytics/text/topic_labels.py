"""Topic labels: the terms that set a topic apart (class-based TF-IDF of lemmas and lemma
pairs) written as a Russian heading a person can read («Ремонт дворовых дорог»), with no
person's name in it. Used by `topics.TopicModel`."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from civicplan.analytics.text.lemmatize import get_morph, tokenize
from civicplan.analytics.text.wordfacts import person_kind, token_lemma

__all__ = ["LABEL_STOP_WORDS", "heading", "phrase_label"]


def _ctfidf(
    lemmas: Sequence[Sequence[str]], assignment: np.ndarray, clusters: Sequence[int]
) -> dict[int, list[tuple[str, float]]]:
    """Per cluster, terms (lemmas and adjacent lemma pairs) ranked by class-based TF-IDF.

    A term counts once per document (residents repeat themselves), must occur in at least
    two documents of the cluster, and scores tf_c(t) · log(1 + A / f(t)) where A is the mean
    number of terms per cluster and f(t) the term's frequency over all clusters.
    """
    per_cluster: dict[int, Counter[str]] = {c: Counter() for c in clusters}
    overall: Counter[str] = Counter()
    for i, doc in enumerate(lemmas):
        c = int(assignment[i])
        if c == -2:  # left out of a thinned sample
            continue
        terms = set(doc) | {f"{a} {b}" for a, b in zip(doc, doc[1:], strict=False)}
        overall.update(terms)
        if c in per_cluster:
            per_cluster[c].update(terms)
    if not per_cluster:
        return {}
    average = sum(sum(c.values()) for c in per_cluster.values()) / len(per_cluster)
    ranked: dict[int, list[tuple[str, float]]] = {}
    for c, counts in per_cluster.items():
        size = max(1, int((assignment == c).sum()))
        scores = []
        for term, count in counts.items():
            if count < min(2, size) or count < 0.05 * size:
                continue
            tf = count / size
            weight = tf * math.log(1 + average / overall[term])
            if " " in term:
                weight *= 1.3  # phrases read better than single words
            scores.append((term, weight))
        scores.sort(key=lambda x: (-x[1], x[0]))
        ranked[c] = scores[:30]
    return ranked


def _pair_surfaces(
    texts: Sequence[str], pairs: set[tuple[str, ...]]
) -> dict[tuple[str, ...], Counter[tuple[str, str]]]:
    """How the lemma pairs in `pairs` were written side by side in `texts`."""
    found: dict[tuple[str, ...], Counter[tuple[str, str]]] = {}
    if not pairs:
        return found
    for text in texts:
        tokens = tokenize(text)
        lemmas = [_lemma(t) for t in tokens]
        for k in range(len(tokens) - 1):
            key = (lemmas[k], lemmas[k + 1])
            if key in pairs:
                found.setdefault(key, Counter())[(tokens[k], tokens[k + 1])] += 1
    return found


_UNWORTHY_TAGS = ("Geox", "Name", "Surn", "Patr", "Abbr", "Erro")
LABEL_STOP_WORDS = frozenset(
    """район город село поселок посёлок деревня область край улица ул дом житель жительница
    человек люди год месяц день неделя раз уважение коллега адрес телефон почта предложение
    проблема вопрос просьба обращение ситуация решение помощь ответ администрация глава
    власть сторона время место случай часть тема""".split()
)
"""Words that appear in proposals of every topic and name none («район», «уважение»)."""


def _label_worthy(term: str) -> bool:
    """Nouns, and adjective or noun + noun pairs; no verbs, names or places."""
    morph = get_morph()
    words = term.split(" ")
    tags = []
    if any(w in LABEL_STOP_WORDS for w in words):
        return False
    for word in words:
        parse = morph.parse(word)[0]
        if any(t in parse.tag for t in _UNWORTHY_TAGS) or len(word) < 3:
            return False
        tags.append(parse.tag.POS)
    if len(words) == 1:
        return bool(tags[0] == "NOUN")
    return tags[1] == "NOUN" and tags[0] in {"NOUN", "ADJF", "PRTF"}


def phrase_label(term: str, surfaces: Counter[tuple[str, str]] | None = None) -> str:
    """A lemma or a lemma pair as a person would write it in a label.

    `surfaces` counts how residents wrote the pair side by side; the most frequent way is
    put into the nominative: «детских садов» → «детский сад», «ремонту дорог» → «ремонт
    дорог» (the dependent noun keeps its genitive). A single lemma is its normal form.
    Returns "" for a pair that does not read as a phrase («парке прогулочные»).
    """
    words = term.split(" ")
    if len(words) == 1:
        return words[0]
    if not surfaces:
        return ""
    morph = get_morph()
    first, second = words
    (a, b), _ = surfaces.most_common(1)[0]
    pa = _best_parse(morph, a, first, prefer=("ADJF", "PRTF", "NOUN"))
    pb = _best_parse(morph, b, second, prefer=("NOUN",))
    if pa is None or pb is None:
        return ""
    pos_a, pos_b = pa.tag.POS, pb.tag.POS
    if pos_b != "NOUN":
        return ""
    if pos_a in {"ADJF", "PRTF"}:
        plural = sum(
            c for (x, y), c in surfaces.items() if "plur" in (morph.parse(y)[0].tag.number or "")
        )
        number = "plur" if ("Pltm" in pb.tag or plural * 2 > sum(surfaces.values())) else "sing"
        noun = pb.inflect({"nomn", number}) or pb
        grammemes = {"nomn", "plur"} if number == "plur" else {"nomn", "sing"}
        if number == "sing" and noun.tag.gender:
            grammemes.add(str(noun.tag.gender))
        adjective = pa.inflect(grammemes) or pa
        return f"{adjective.word} {noun.word}"
    if pos_a == "NOUN":
        genitive = [p for p in morph.parse(b) if p.tag.POS == "NOUN" and p.tag.case == "gent"]
        if not genitive:
            return ""
        head = pa.inflect({"nomn", "sing"}) if "Pltm" not in pa.tag else pa.inflect({"nomn"})
        return f"{(head or pa).word} {b}"
    return ""


def heading(terms: Sequence[str]) -> str:
    """A topic's label from its key terms (best first), written as a heading.

    The first phrase of two or more words when there is one («Ремонт дворовых дорог»,
    «Детский сад»); otherwise the first word, joined with «и» to the second when that is a
    single word too («Мусор и контейнеры»). First letter capitalised, no word twice.
    """
    if not terms:
        return ""
    phrases = [t for t in terms if " " in t]
    if phrases:
        text = phrases[0]
    elif len(terms) > 1 and _lemma(terms[1]) != _lemma(terms[0]):
        text = f"{terms[0]} и {terms[1]}"
    else:
        text = terms[0]
    return text[:1].upper() + text[1:]


def _is_noun_pair(term: str) -> bool:
    morph = get_morph()
    first, second = term.split(" ")
    return bool(
        morph.parse(first)[0].tag.POS == "NOUN" and morph.parse(second)[0].tag.POS == "NOUN"
    )


def _with_modifier(
    phrase: str,
    words: list[str],
    ranked: Sequence[tuple[str, float]],
    surfaces: dict[tuple[str, ...], Counter[tuple[str, str]]],
) -> str:
    """Put an adjective the residents use with the dependent noun into a noun + genitive
    phrase: «ремонт дорог» and the pair «дворовый дорога» → «ремонт дворовых дорог»."""
    head, dependent = phrase.split(" ", 1)
    if " " in dependent:
        return ""
    morph = get_morph()
    target = next(
        (p for p in morph.parse(dependent) if p.tag.POS == "NOUN" and p.tag.case == "gent"), None
    )
    if target is None:
        return ""
    for term, _ in ranked[:12]:
        pair = term.split(" ")
        if len(pair) != 2 or pair[1] != words[1] or pair[0] == words[0]:
            continue
        written = surfaces.get(tuple(pair))
        if not written:
            continue
        (a, _b), _ = written.most_common(1)[0]
        adjective = _best_parse(morph, a, pair[0], prefer=("ADJF", "PRTF"))
        if adjective is None or adjective.tag.POS not in {"ADJF", "PRTF"}:
            continue
        grammemes = {"gent", str(target.tag.number)}
        if target.tag.number == "sing" and target.tag.gender:
            grammemes.add(str(target.tag.gender))
        inflected = adjective.inflect(grammemes)
        if inflected is not None:
            return f"{head} {inflected.word} {dependent}"
    return ""


def _name_lemmas(lemmas: Sequence[Sequence[str]], assignment: np.ndarray) -> set[str]:
    """Lemmas that are people's names in these texts: first names, surnames, patronymics,
    and words the dictionary does not know that stand next to a first name or after «с
    уважением» («владимир змушко»)."""
    names: set[str] = set()
    kind = person_kind  # cached per process, filled by the preparing workers

    for i, doc in enumerate(lemmas):
        if assignment[i] == -2:
            continue
        for k, lemma in enumerate(doc):
            person, _ = kind(lemma)
            if not (person or lemma == "уважение"):
                continue
            if person:
                names.add(lemma)
            for near in (*doc[max(0, k - 2) : k], *doc[k + 1 : k + 3]):
                near_person, known = kind(near)
                if near_person or not known:
                    names.add(near)
    return names


_lemma = token_lemma


def _best_parse(morph: Any, word: str, lemma: str, *, prefer: tuple[str, ...]) -> Any:
    matching = [p for p in morph.parse(word) if p.normal_form.replace("ё", "е") == lemma]
    for pos in prefer:
        for parse in matching:
            if parse.tag.POS == pos:
                return parse
    return None
