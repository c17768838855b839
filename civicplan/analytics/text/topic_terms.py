"""Topic terms: the lemmas and lemma pairs that set a topic apart (class-based TF-IDF), the
terms written about in every topic (spread) and the words that are people's names, which no
label may carry. Used by `topics.TopicModel` and `topic_labels`."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from civicplan.analytics.text.wordfacts import person_kind, token_lemma


def _ctfidf(
    lemmas: Sequence[Sequence[str]],
    assignment: np.ndarray,
    clusters: Sequence[int],
    separation: dict[int, dict[str, float]] | None = None,
) -> dict[int, list[tuple[str, float]]]:
    """Per cluster, terms (lemmas and adjacent lemma pairs) ranked by class-based TF-IDF.

    A term counts once per document (residents repeat themselves), must occur in at least
    two documents of the cluster, and scores tf_c(t) · log(1 + A / f(t)) where A is the mean
    number of terms per cluster and f(t) the term's frequency over all clusters. Terms
    spread over the whole corpus weigh a tenth (`_spread_terms`), and a term that sets
    another cluster apart more weighs half. `separation[c][t]`, when asked for, is the
    share of the term's texts that are in cluster c; 0 for a spread term, -1 for a term
    another cluster owns (neither heads a label).
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
    sizes = {c: max(1, int((assignment == c).sum())) for c in per_cluster}
    ranked: dict[int, list[tuple[str, float]]] = {}
    spread: dict[int, set[str]] = {}
    for c, counts in per_cluster.items():
        size = sizes[c]
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
        top = scores[:60]
        spread[c] = _spread_terms([t for t, _ in top], c, per_cluster, sizes)
        ranked[c] = [(t, w * SPREAD_PENALTY if t in spread[c] else w) for t, w in top]

    # A term that sets several topics apart names the one it sets apart most; elsewhere
    # it gives way («управляющая компания» in every housing topic names one of them; on a
    # tie, the larger topic).
    def share(c: int, t: str) -> float:
        return per_cluster[c][t] / overall[t]

    owner: dict[str, tuple[float, int]] = {}
    for c, scores in ranked.items():
        for term, weight in scores:
            if term not in owner or weight > owner[term][0]:
                owner[term] = (weight, c)
    for c, scores in ranked.items():
        foreign = {t for t, _ in scores if owner[t][1] != c}
        if separation is not None:
            separation[c] = {
                t: -1.0 if t in foreign else 0.0 if t in spread[c] else share(c, t)
                for t, _ in scores
            }
        scores = [(t, w * SHARED_PENALTY if t in foreign else w) for t, w in scores]
        scores.sort(key=lambda x: (-x[1], x[0]))
        ranked[c] = scores[:30]
    return ranked


SPREAD_FLOOR = 0.02
"""A term is spread over the corpus when, in the quarter of topics that use it least, it
still occurs in at least this share of the texts…"""


SPREAD_SHARE = 0.08
"""…and at least this share of its rate in the topic it would name."""


SPREAD_PENALTY = 0.1
"""Factor on the weight of a spread term: it names a topic only when nothing else does."""


SHARED_PENALTY = 0.5
"""Factor on a term's weight in the topics it sets apart less than another topic."""


def _spread_terms(
    terms: Sequence[str],
    cluster: int,
    per_cluster: dict[int, Counter[str]],
    sizes: dict[int, int],
) -> set[str]:
    """The terms among `terms` that residents write in texts of every kind: stock sentences
    («на звонки по горячей линии никто не отвечает»), the setting («живём в доме …,
    подъезд …», «маленькие дети и пожилые родители»), complaints about the administration.

    Such a term can still be frequent in one topic (it may even be what holds the cluster
    together), but it does not say what the topic is about. Judged by its distribution over
    the topics alone: it occurs in the topics that use it least (the lowest quarter) at a
    rate that is not small, neither in absolute terms nor against its rate in `cluster`. A
    subject term («детский сад», «ржавая вода») is absent from most unrelated topics.
    """
    others = [c for c in per_cluster if c != cluster]
    if len(others) < 3:
        return set()
    spread = set()
    for term in terms:
        here = per_cluster[cluster][term] / sizes[cluster]
        rates = sorted(per_cluster[c][term] / sizes[c] for c in others)
        floor = rates[len(rates) // 4]
        if floor >= max(SPREAD_FLOOR, SPREAD_SHARE * here):
            spread.add(term)
    return spread


def _name_lemmas(lemmas: Sequence[Sequence[str]], assignment: np.ndarray) -> set[str]:
    """Lemmas that are people's names in these texts: first names, surnames, patronymics,
    and words the dictionary does not know that stand next to a first name or after «с
    уважением» («владимир змушко»)."""
    names: set[str] = set()
    kind = person_kind  # cached per process, filled by the preparing workers
    # A word the dictionary lacks by a name is a name, unless it is a compound of known
    # words (the last one not a name) that mostly stands elsewhere: «фельдшерско-
    # акушерский пункт» is now and then written before a feldsher's signature.
    near_name: Counter[str] = Counter()
    unknown: Counter[str] = Counter()

    for i, doc in enumerate(lemmas):
        if assignment[i] == -2:
            continue
        near_positions: set[int] = set()
        for k, lemma in enumerate(doc):
            person, known = kind(lemma)
            if not known:
                unknown[lemma] += 1
            if not (person or lemma == "уважение"):
                continue
            if person:
                names.add(lemma)
            for j in (*range(max(0, k - 2), k), *range(k + 1, min(len(doc), k + 3))):
                near_person, known = kind(doc[j])
                if near_person:
                    names.add(doc[j])
                elif not known:
                    near_positions.add(j)
        near_name.update(doc[j] for j in near_positions)
    names.update(w for w, n in near_name.items() if n * 2 >= unknown[w] or not _compound(w))
    return names


def _compound(word: str) -> bool:
    """A hyphenated word whose last part the dictionary knows and is not a person's name
    («фельдшерско-акушерский»; not «петров-водкин»)."""
    if "-" not in word:
        return False
    person, known = person_kind(word.rsplit("-", 1)[1])
    return known and not person


_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*|[.!?…\n]")
PROPER_SHARE = 0.5
"""A word written with a capital letter inside a sentence at least this often is a name."""


ABBREVIATIONS = frozenset("ул д г пр пер просп пл им пос с дер р-н обл мкр ст кв б-р наб".split())
"""Short words a full stop follows without ending the sentence («на ул. Морогина»)."""


def proper_lemmas(texts: Sequence[str], candidates: set[str]) -> set[str]:
    """Which of the `candidates` lemmas the texts write as a name: with a capital letter
    inside a sentence, in at least `PROPER_SHARE` of their occurrences («на улице Мира» is a
    street, not peace; «Уважаемый Губернатор» an address; the full stop of «ул.» ends no
    sentence: «на ул. Морогина»). Abbreviations in capitals («МФЦ») are not names."""
    seen: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for text in texts:
        start = True
        previous = ""
        for match in _WORD.finditer(text):
            word = match.group()
            if word in ".!?…\n":
                start = start or not (word == "." and previous.lower() in ABBREVIATIONS)
                previous = ""
                continue
            previous = word
            lemma = token_lemma(word.lower())
            if lemma in candidates:
                seen[lemma] += 1
                if not start and word[0].isupper() and not word.isupper():
                    capital[lemma] += 1
            start = False
    return {w for w, n in seen.items() if capital[w] >= PROPER_SHARE * n}
