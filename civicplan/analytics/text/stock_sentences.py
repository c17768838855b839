"""Stock sentences: what residents write word for word in letter after letter, whatever the
letter is about — «На звонки по горячей линии никто не отвечает», «Жду ответа в
установленный законом срок», «Доброго времени суток». Topics are about subjects, so these
sentences are left out of what topics are clustered and named by (as web-corpus cleaning
drops paragraphs repeated across many pages); the texts themselves are kept whole for
reading, summaries and key proposals.

A sentence is stock when its normal form (lower case, numbers as 0, edge punctuation off) of
at least three words stands in at least `STOCK_SHARE` of the corpus's texts. A subject's own
sentence rarely reaches that share of a whole campaign (the hard corpus's most repeated
problem sentence: 2 %, its stock sentences 5–18 %); the share is counted over the whole
corpus, not within one direction, where a subject's request could. When the texts are
classified, a frequent sentence whose texts lean to one direction (a petition's shared text,
a subject's request) belongs to that direction's subject and is not stock.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from civicplan.analytics.text.lemmatize import SENTENCE_END, Lemmatizer, shared_lemmatizer
from civicplan.analytics.text.types import PreparedTexts

STOCK_SHARE = 0.08
"""A sentence written in at least this share of the texts is stock (and in at least
`STOCK_MIN_TEXTS` of them): 3 % also caught the standard corpus's problem sentences and cost
its topics ARI 0.244 → 0.206 (benchmarks/README.md)."""
STOCK_MIN_TEXTS = 5
CONCENTRATION = 1.5
"""A frequent sentence with this many times more of its texts in one direction than that
direction's share of the corpus belongs to the direction's subject."""

_DIGITS = re.compile(r"\d+")
_EDGES = " .!?…,;:-—«»\"'()"


def _normal(sentence: str) -> str:
    return _DIGITS.sub("0", " ".join(sentence.lower().split()).strip(_EDGES))


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if s.strip()]


def stock_sentences(
    texts: Sequence[str],
    groups: Sequence[str | None] | None = None,
    *,
    share: float = STOCK_SHARE,
    min_texts: int = STOCK_MIN_TEXTS,
) -> dict[str, int]:
    """The normal forms of the sentences written in at least `share` of `texts`, with the
    number of texts each stands in. With `groups` (each text's direction), a sentence whose
    texts lean to one direction (`CONCENTRATION` times its share of the corpus) is that
    direction's subject, not stock."""
    counts: Counter[str] = Counter()
    where: dict[str, Counter[str | None]] = {}
    for i, text in enumerate(texts):
        found = {n for s in _sentences(text) if len((n := _normal(s)).split()) >= 3}
        counts.update(found)
        if groups is not None:
            for sentence in found:
                where.setdefault(sentence, Counter())[groups[i]] += 1
    floor = max(min_texts, share * len(texts))
    stock = {s for s, c in counts.items() if c >= floor}
    if groups is not None and stock:
        sizes = Counter(groups)
        total = len(texts)
        stock = {
            s
            for s in stock
            if all(
                (c / counts[s]) < CONCENTRATION * (sizes[g] / total) for g, c in where[s].items()
            )
        }
    return {sentence: counts[sentence] for sentence in stock}


def without_stock(
    prepared: PreparedTexts,
    stock: Mapping[str, int],
    *,
    lemmatizer: Lemmatizer | None = None,
) -> tuple[PreparedTexts, list[int]]:
    """`prepared` with the content words of its stock sentences taken out of each text's
    lemmas (the cleaned texts as they are), and the indices of the texts that changed. A text
    made of nothing but stock sentences keeps its least common one: of what it says, the
    likeliest to be its own subject."""
    if not stock:
        return prepared, []
    lemmatizer = lemmatizer or shared_lemmatizer()
    lemmas: list[list[str]] = []
    changed: list[int] = []
    for i, text in enumerate(prepared.texts):
        found = [(stock[n], s) for s in _sentences(text) if (n := _normal(s)) in stock]
        if not found:
            lemmas.append(prepared.lemmas[i])
            continue
        left = _minus(prepared.lemmas[i], found, lemmatizer)
        if not left:
            found.remove(min(found))
            left = _minus(prepared.lemmas[i], found, lemmatizer)
        if left == prepared.lemmas[i]:
            lemmas.append(prepared.lemmas[i])
            continue
        lemmas.append(left)
        changed.append(i)
    return PreparedTexts(list(prepared.texts), lemmas), changed


def _minus(
    doc: Sequence[str], sentences: Sequence[tuple[int, str]], lemmatizer: Lemmatizer
) -> list[str]:
    """`doc`'s lemmas without (one of each of) the words of `sentences`."""
    drop: Counter[str] = Counter()
    for _, sentence in sentences:
        drop.update(lemmatizer.lemmatize(sentence))
    left = []
    for lemma in doc:
        if drop[lemma] > 0:
            drop[lemma] -= 1
        else:
            left.append(lemma)
    return left


__all__ = ["STOCK_SHARE", "stock_sentences", "without_stock"]
