"""Soft word alignment of two texts, and the checks that they name the same places,
people and organisations (used to verify duplicate candidates)."""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

import numpy as np

from civicplan.analytics.text.clean import normalize_for_matching
from civicplan.analytics.text.vectorize import NavecVectorizer, l2_normalize
from civicplan.analytics.text.wordfacts import CAPITALISED, is_name, is_place, place_adjective


class _Aligner:
    """Soft word alignment between two lemma lists, and a check that they name the same things.

    The alignment is an F1 of weighted best matches (equal lemma 1, close navec vector its
    cosine × 0.95), weights from SIF. Names must agree: a «name» is a word pymorphy tags as a
    place, person or organisation, or a word its dictionary does not know (a surname, a
    village, a typo). At least `name_agreement` of the names of one of the texts must appear
    in the other — as the same lemma, a word with the same first five letters («Похвистнево» /
    «Похвистневского»), or a word spelled almost alike (a typo). A text naming nothing cannot
    be checked against one that names something (unless those «names» are its own words
    misspelt), and the pair is rejected: «в нашем районе» is not «в Акбулакском районе».
    """

    def __init__(
        self,
        vectorizer: NavecVectorizer,
        lemmas: Sequence[Sequence[str]],
        tokens: Sequence[Sequence[str]],
        texts: Sequence[str] | None = None,
        *,
        name_agreement: float = 0.6,
    ) -> None:
        self.vectorizer = vectorizer
        self.lemmas = lemmas
        self.tokens = tokens
        self.texts = texts
        self._places: dict[int, list[str]] = {}
        self.name_agreement = name_agreement
        self._cache: dict[int, tuple[list[str], np.ndarray, np.ndarray, list[str], np.ndarray]] = {}
        self._vectors: tuple[np.ndarray, np.ndarray] | None = None
        self._by_letter: dict[int, dict[str, list[str]]] = {}
        self._word_strings: dict[int, str] = {}
        self._name_lists: dict[int, list[str]] = {}

    def _word_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Unit word vectors and SIF weights, every word looked up once, in one batch —
        on first use: the copy checks need only names and places."""
        if self._vectors is None:
            self.vectorizer._lookup([w for doc in self.lemmas for w in doc])
            self._vectors = (
                l2_normalize(self.vectorizer.word_matrix().copy()),
                np.asarray(self.vectorizer._weights, dtype=np.float32),
            )
        return self._vectors

    def _doc(self, i: int) -> tuple[list[str], np.ndarray, np.ndarray, list[str], np.ndarray]:
        cached = self._cache.get(i)
        if cached is None:
            unit, all_weights = self._word_vectors()
            words = list(dict.fromkeys(self.lemmas[i]))
            rows = self.vectorizer._lookup(words)
            known = rows >= 0
            vectors = np.zeros((len(words), self.vectorizer.dim), dtype=np.float32)
            vectors[known] = unit[rows[known]]
            weights = np.where(known, all_weights[np.maximum(rows, 0)], 1.0).astype(np.float32)
            distinctive = self._names(i)
            cached = (words, vectors, weights, distinctive, known)
            self._cache[i] = cached
        return cached

    def _names(self, i: int) -> list[str]:
        """The text's distinct lemmas that are names (see the class docstring); without the
        vectors `_doc` also builds, which the copy checks do not need."""
        cached = self._name_lists.get(i)
        if cached is None:
            cached = [w for w in dict.fromkeys(self.lemmas[i]) if _is_name(w)]
            self._name_lists[i] = cached
        return cached

    def batch_scores(
        self, first: np.ndarray, second: np.ndarray, *, width: int = 48, batch: int = 2048
    ) -> tuple[np.ndarray, np.ndarray]:
        """Alignment F1 of many pairs at once, without typo matching, and an upper bound of
        what typo matching could add. Texts with more than `width` distinct lemmas get
        (0, 1): the caller scores them one by one."""
        n_pairs = len(first)
        base = np.zeros(n_pairs, dtype=np.float32)
        upper = np.ones(n_pairs, dtype=np.float32)
        if n_pairs == 0:
            return base, upper
        docs = np.unique(np.concatenate([first, second]))
        slot = {int(d): k for k, d in enumerate(docs.tolist())}
        ids = np.full((len(docs), width), -1, dtype=np.int64)
        rows = np.full((len(docs), width), -1, dtype=np.int64)
        weights = np.zeros((len(docs), width), dtype=np.float32)
        wide = np.zeros(len(docs), dtype=bool)
        vocabulary: dict[str, int] = {}
        for k, d in enumerate(docs.tolist()):
            words, _vectors, doc_weights, _names, _known = self._doc(d)
            if len(words) > width:
                wide[k] = True
                continue
            m = len(words)
            ids[k, :m] = [vocabulary.setdefault(w, len(vocabulary)) for w in words]
            rows[k, :m] = self.vectorizer._lookup(words)
            weights[k, :m] = doc_weights
        word_unit = self._word_vectors()[0]
        unit = np.vstack([word_unit, np.zeros((1, word_unit.shape[1]), dtype=np.float32)])
        fuzzy = _TYPO_MATCH * 0.95
        for start in range(0, n_pairs, batch):
            a = np.asarray([slot[int(x)] for x in first[start : start + batch]])
            b = np.asarray([slot[int(x)] for x in second[start : start + batch]])
            va, vb = unit[rows[a]], unit[rows[b]]  # -1 rows pick the zero row
            sims = np.matmul(va, vb.transpose(0, 2, 1))
            same = (ids[a][:, :, None] == ids[b][:, None, :]) & (ids[a][:, :, None] >= 0)
            sims[same] = 1.0
            np.clip(sims, 0.0, 1.0, out=sims)
            sims = np.where(sims >= 0.999, 1.0, sims * 0.95).astype(np.float32)
            wa, wb = weights[a], weights[b]
            best_a, best_b = sims.max(axis=2), sims.max(axis=1)
            loose_a = (rows[a] < 0) & (ids[a] >= 0) & (best_a < fuzzy)
            loose_b = (rows[b] < 0) & (ids[b] >= 0) & (best_b < fuzzy)
            stop = start + len(a)
            base[start:stop] = _f1_rows(best_a, wa, best_b, wb)
            upper[start:stop] = _f1_rows(
                np.where(loose_a, fuzzy, best_a), wa, np.where(loose_b, fuzzy, best_b), wb
            )
            either_wide = wide[a] | wide[b]
            base[start:stop][either_wide] = 0.0
            upper[start:stop][either_wide] = 1.0
        return base, upper

    def places(self, i: int) -> list[str]:
        """Places the text names: pymorphy's geographical names, and adjectives written with a
        capital letter inside a sentence («в Октябрьском районе», «до Ясного»)."""
        cached = self._places.get(i)
        if cached is None:
            found = [w for w in dict.fromkeys(self.lemmas[i]) if _is_place(w)]
            if self.texts is not None:
                for match in _CAPITALISED.finditer(self.texts[i]):
                    word = normalize_for_matching(match.group(1))
                    lemma = _place_adjective(word)
                    if lemma is not None and lemma not in found:
                        found.append(lemma)
            cached = found
            self._places[i] = cached
        return cached

    def agree(self, i: int, j: int) -> bool:
        """Both texts name the same places (each found in the other), and their other names
        agree enough."""
        return self.places_agree(i, j) and self.names_agree(i, j)

    def names_agree(self, i: int, j: int) -> bool:
        da, db = self._names(i), self._names(j)
        if not da and not db:
            return True
        # A side without names still agrees when the other's «names» are its own words
        # misspelt (a typo is unknown to the dictionary, hence a «name»).
        if da and self._share(da, j) >= self.name_agreement:
            return True
        return bool(db) and self._share(db, i) >= self.name_agreement

    def places_agree(self, i: int, j: int) -> bool:
        pa, pb = self.places(i), self.places(j)
        if pa and self._share(pa, j) < 1.0:
            return False
        return not (pb and self._share(pb, i) < 1.0)

    def names_agree_if_both(self, i: int, j: int) -> bool:
        """Names (signatures, people, places off the gazetteer) agree, or one text has none
        (a re-sent message may lose its signature; two different signatures mean two
        residents)."""
        if not self._names(i) or not self._names(j):
            return True
        return self.names_agree(i, j)

    def _words(self, i: int) -> str:
        """A text's distinct words (tokens and lemmas) as « w1 w2 … », built once: a name is
        found with a substring test, and 100,000 of these strings stay small."""
        cached = self._word_strings.get(i)
        if cached is None:
            words = dict.fromkeys((*self.lemmas[i], *self.tokens[i]))
            cached = " " + " ".join(words) + " "
            self._word_strings[i] = cached
        return cached

    def _share(self, names: list[str], other: int) -> float:
        words = self._words(other)
        found = 0
        for name in names:
            # The same word, or (five letters or more) a word with the same first five.
            if f" {name} " in words or (len(name) >= 5 and f" {name[:5]}" in words):
                found += 1
            elif any(_spelled_alike(name, t) for t in self._words_by_letter(other, name[0])):
                found += 1
        return found / len(names)

    def _words_by_letter(self, i: int, letter: str) -> list[str]:
        index = self._by_letter.get(i)
        if index is None:
            index = {}
            for w in set(self.tokens[i]) | set(self.lemmas[i]):
                if len(w) >= 5:
                    index.setdefault(w[0], []).append(w)
            self._by_letter[i] = index
        return index.get(letter, [])

    def score(self, i: int, j: int, threshold: float | None = None) -> float:
        """The alignment F1 of texts i and j. With `threshold`, the (slow) typo matching is
        skipped when it could not lift the score over the threshold anyway."""
        wa, va, pa, _, ka = self._doc(i)
        wb, vb, pb, _, kb = self._doc(j)
        if not wa or not wb:
            return 0.0
        sims = va @ vb.T
        index_b = {w: k for k, w in enumerate(wb)}
        for x, w in enumerate(wa):
            y = index_b.get(w)
            if y is not None:
                sims[x, y] = 1.0
        np.clip(sims, 0.0, 1.0, out=sims)
        # Close but not equal words count a little less than equal ones.
        sims = np.where(sims >= 0.999, 1.0, sims * 0.95)
        best_a, best_b = sims.max(axis=1), sims.max(axis=0)
        base = _f1(best_a, pa, best_b, pb)
        if threshold is not None and base >= threshold:
            return base
        # Words without a vector (typos, rare names) may match a word spelled almost alike.
        fuzzy = _TYPO_MATCH * 0.95
        loose_a = ~ka & (best_a < fuzzy)
        loose_b = ~kb & (best_b < fuzzy)
        if not loose_a.any() and not loose_b.any():
            return base
        if threshold is not None:
            upper = _f1(np.where(loose_a, fuzzy, best_a), pa, np.where(loose_b, fuzzy, best_b), pb)
            if upper < threshold:
                return base
        index_a = {w: k for k, w in enumerate(wa)}
        for x in np.flatnonzero(loose_a).tolist():
            for w in self._words_by_letter(j, wa[x][0]):
                y = index_b.get(w)
                if y is not None and _spelled_alike(wa[x], w):
                    sims[x, y] = max(sims[x, y], fuzzy)
        for y in np.flatnonzero(loose_b).tolist():
            for w in self._words_by_letter(i, wb[y][0]):
                found = index_a.get(w)
                if found is not None and _spelled_alike(w, wb[y]):
                    x = found
                    sims[x, y] = max(sims[x, y], fuzzy)
        return _f1(sims.max(axis=1), pa, sims.max(axis=0), pb)


_TYPO_MATCH = 0.9
"""Similarity given to two words spelled almost alike when one of them has no vector."""


def _f1_rows(
    best_a: np.ndarray, weights_a: np.ndarray, best_b: np.ndarray, weights_b: np.ndarray
) -> np.ndarray:
    total_a = np.maximum(weights_a.sum(axis=1), 1e-12)
    total_b = np.maximum(weights_b.sum(axis=1), 1e-12)
    forward = (best_a * weights_a).sum(axis=1) / total_a
    backward = (best_b * weights_b).sum(axis=1) / total_b
    denominator = forward + backward
    return np.where(denominator > 0, 2 * forward * backward / np.maximum(denominator, 1e-12), 0.0)


def _f1(
    best_a: np.ndarray, weights_a: np.ndarray, best_b: np.ndarray, weights_b: np.ndarray
) -> float:
    forward = float((best_a * weights_a).sum() / weights_a.sum())
    backward = float((best_b * weights_b).sum() / weights_b.sum())
    if forward + backward <= 0:
        return 0.0
    return 2 * forward * backward / (forward + backward)


@lru_cache(maxsize=500_000)
def _spelled_alike(a: str, b: str) -> bool:
    """Two words of five letters or more that differ by a typo or two."""
    if len(a) < 5 or len(b) < 5 or abs(len(a) - len(b)) > 2 or a[0] != b[0] or a == b:
        return a == b and len(a) >= 5
    matcher = SequenceMatcher(None, a, b)
    return (
        matcher.real_quick_ratio() >= 0.8
        and matcher.quick_ratio() >= 0.8
        and (matcher.ratio() >= 0.8)
    )


def _weighted_bags(lemmas: Sequence[Sequence[str]], vectorizer: NavecVectorizer) -> Any:
    """Sets of lemmas as L2-normalised sparse rows weighted like the alignment (SIF)."""
    from scipy import sparse

    vocabulary: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    for doc in lemmas:
        for w in dict.fromkeys(doc):
            indices.append(vocabulary.setdefault(w, len(vocabulary)))
        indptr.append(len(indices))
    words = list(vocabulary)
    rows = vectorizer._lookup(words) if words else np.zeros(0, dtype=np.int64)
    all_weights = np.asarray(vectorizer._weights, dtype=np.float32)
    word_weight = np.where(
        rows >= 0, all_weights[np.maximum(rows, 0)] if len(all_weights) else 1.0, 1.0
    )
    data = word_weight[np.asarray(indices, dtype=np.int64)].astype(np.float32)
    matrix = sparse.csr_matrix(
        (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(lemmas), max(1, len(vocabulary))),
    )
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ matrix


_is_name = is_name
_is_place = is_place
_place_adjective = place_adjective
_CAPITALISED = CAPITALISED
