"""«Which texts are like this one?» and «which texts mention these words in any form?» —
answered in milliseconds. The one text-similarity service of the platform: proposals,
news, practices and the idea board all query a `SimilarityIndex` (through the cached
Django adapter `civicplan.core.similarity`).

`SimilarityIndex` keeps one navec vector per document in a float32 matrix that grows by
doubling (adding texts never rebuilds anything) and each document's lemma set. A query is
one matrix–vector product over all rows, the best `candidates` by cosine, then a re-rank
that blends the cosine with the IDF-weighted overlap of lemmas, so that texts naming the
same street or town come first.

Thread safety: `add` takes a lock; `query` reads a consistent snapshot (matrix, size, ids)
without locking, so a web process may query while a worker adds.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from civicplan.analytics.text.clean import normalize_for_matching
from civicplan.analytics.text.lemmatize import Lemmatizer, as_prepared, tokenize
from civicplan.analytics.text.types import PreparedTexts
from civicplan.analytics.text.vectorize import NAVEC_DIM, NavecVectorizer


class SimilarityIndex:
    """A growable index of texts for nearest-neighbour queries.

    Parameters
    ----------
    lexical_weight:
        Share of the lemma-overlap score in the final score (0 — cosine only).
    candidates:
        How many cosine-nearest rows are re-ranked.
    """

    def __init__(
        self,
        *,
        vectorizer: NavecVectorizer | None = None,
        lemmatizer: Lemmatizer | None = None,
        lexical_weight: float = 0.3,
        candidates: int = 50,
        initial_capacity: int = 1024,
    ) -> None:
        self.vectorizer = vectorizer or NavecVectorizer()
        self.lemmatizer = lemmatizer or Lemmatizer()
        self.lexical_weight = lexical_weight
        self.candidates = candidates
        self._lock = threading.Lock()
        self._matrix = np.zeros((max(1, initial_capacity), NAVEC_DIM), dtype=np.float32)
        self._size = 0
        self._ids: list[Any] = []
        self._lemma_sets: list[frozenset[str]] = []
        self._position: dict[Any, int] = {}
        self._df: dict[str, int] = {}

    def __len__(self) -> int:
        return self._size

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._position

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        state["_matrix"] = self._matrix[: self._size].copy()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def ids(self) -> list[Any]:
        return list(self._ids[: self._size])

    def add(self, ids: Sequence[Any], texts: Sequence[str] | PreparedTexts) -> None:
        """Index more documents. An id already present is replaced by its new text."""
        prepared = as_prepared(texts, lemmatizer=self.lemmatizer)
        if len(ids) != len(prepared):
            raise ValueError("Число идентификаторов и число текстов не совпадают.")
        vectors = self.vectorizer.transform(prepared.lemmas)
        self.add_vectors(ids, vectors, prepared.lemmas)

    def add_vectors(
        self, ids: Sequence[Any], vectors: np.ndarray, lemmas: Sequence[Sequence[str]]
    ) -> None:
        """Index precomputed unit vectors (e.g. from the pipeline) with their lemmas."""
        with self._lock:
            fresh: list[int] = []
            for k, doc_id in enumerate(ids):
                position = self._position.get(doc_id)
                lemma_set = frozenset(lemmas[k])
                if position is not None:  # replace in place
                    self._forget(self._lemma_sets[position])
                    self._matrix[position] = vectors[k]
                    self._lemma_sets[position] = lemma_set
                    self._remember(lemma_set)
                else:
                    fresh.append(k)
            needed = self._size + len(fresh)
            matrix = self._matrix
            if needed > len(matrix):
                capacity = len(matrix)
                while capacity < needed:
                    capacity *= 2
                grown = np.zeros((capacity, NAVEC_DIM), dtype=np.float32)
                grown[: self._size] = matrix[: self._size]
                matrix = grown
            ids_list = list(self._ids)
            for offset, k in enumerate(fresh):
                row = self._size + offset
                matrix[row] = vectors[k]
                ids_list.append(ids[k])
                lemma_set = frozenset(lemmas[k])
                self._lemma_sets.append(lemma_set)
                self._remember(lemma_set)
                self._position[ids[k]] = row
            # Publish: queries read (matrix, ids, size) and never see a half-written row.
            self._matrix = matrix
            self._ids = ids_list
            self._size = needed

    def _remember(self, lemma_set: frozenset[str]) -> None:
        for w in lemma_set:
            self._df[w] = self._df.get(w, 0) + 1

    def _forget(self, lemma_set: frozenset[str]) -> None:
        for w in lemma_set:
            self._df[w] = max(0, self._df.get(w, 0) - 1)

    def query(
        self, text: str, k: int = 5, *, exclude: Sequence[Any] = (), typos: bool = False
    ) -> list[tuple[Any, float]]:
        """The `k` most similar indexed documents as (id, score), best first; score in [0, 1].

        With `typos`, a word of the query that no indexed document contains is read as the
        indexed word one or two letters away («веладорожку» → «велодорожка»). It scans the
        index's vocabulary, so it suits small corpora (an idea board), not 100,000 texts."""
        lemmas = list(as_prepared([text], lemmatizer=self.lemmatizer).lemmas[0])
        if typos:
            lemmas = self.corrected(lemmas, exclude=exclude)
        vector = self.vectorizer.transform([lemmas])[0]
        return self.query_vector(vector, lemmas, k=k, exclude=exclude)

    def corrected(self, lemmas: Sequence[str], *, exclude: Sequence[Any] = ()) -> list[str]:
        """`lemmas` with each word no other indexed document contains (the `exclude`d ones,
        e.g. the query's own, do not count) replaced by the closest indexed word within one
        edit (words of 5–7 letters) or two (8 and more); shorter words as they are."""
        df = dict(self._df)
        for doc_id in exclude:
            position = self._position.get(doc_id)
            if position is not None:
                for w in self._lemma_sets[position]:
                    df[w] = df.get(w, 0) - 1
        vocabulary = [(w, n) for w, n in df.items() if n > 0]
        out: list[str] = []
        for word in lemmas:
            if df.get(word, 0) > 0 or len(word) < 5:
                out.append(word)
                continue
            limit = 1 if len(word) < 8 else 2
            best: tuple[int, int, str] | None = None
            for other, n in vocabulary:
                if abs(len(other) - len(word)) > limit:
                    continue
                distance = _edit_distance(word, other, limit)
                if distance <= limit and (best is None or (distance, -n) < best[:2]):
                    best = (distance, -n, other)
            out.append(best[2] if best else word)
        return out

    def query_vector(
        self,
        vector: np.ndarray,
        lemmas: Sequence[str],
        *,
        k: int = 5,
        exclude: Sequence[Any] = (),
    ) -> list[tuple[Any, float]]:
        matrix, ids, size = self._matrix, self._ids, self._size
        if size == 0 or k <= 0 or not np.any(vector):
            return []
        sims = matrix[:size] @ vector.astype(np.float32)
        n_candidates = min(size, max(self.candidates, k + len(exclude)))
        if n_candidates < size:
            top = np.argpartition(-sims, n_candidates - 1)[:n_candidates]
        else:
            top = np.arange(size)
        excluded = set(exclude)
        query_set = frozenset(lemmas)
        scored: list[tuple[float, int]] = []
        n_docs = max(size, 1)
        df = self._df
        query_weight = sum(math.log((1 + n_docs) / (1 + df.get(w, 0))) + 1 for w in query_set)
        for row in top.tolist():
            if ids[row] in excluded:
                continue
            cosine = max(0.0, float(sims[row]))
            lexical = 0.0
            if self.lexical_weight and query_set:
                other = self._lemma_sets[row]
                common = query_set & other
                if common:
                    union = query_weight + sum(
                        math.log((1 + n_docs) / (1 + df.get(w, 0))) + 1 for w in other - query_set
                    )
                    lexical = (
                        sum(math.log((1 + n_docs) / (1 + df.get(w, 0))) + 1 for w in common) / union
                    )
            score = (1 - self.lexical_weight) * cosine + self.lexical_weight * lexical
            scored.append((score, row))
        scored.sort(key=lambda item: -item[0])
        return [(ids[row], round(min(1.0, score), 6)) for score, row in scored[:k]]

    def search(self, text: str) -> list[tuple[Any, float]]:
        """Documents that contain every content word of `text` in any form (lemmas: «ярмарки»
        finds «ярмарка», «ярмарку»), best first by the IDF weight of the shared words. A word
        of four letters or more also matches as the start of a word («торговл» → «торговля»).

        A word the lemmatiser drops (a stop word, a number) does not restrict the search; a
        query of only such words finds nothing."""
        words: dict[str, str] = {}  # lemma → the word as typed (for the start-of-word match)
        for token in tokenize(text):
            lemma = self.lemmatizer.lemma(token)
            if lemma is not None:
                words.setdefault(lemma, normalize_for_matching(token))
        if not words:
            return []
        ids, size, df = self._ids, self._size, self._df
        n_docs = max(size, 1)
        weight = sum(math.log((1 + n_docs) / (1 + df.get(w, 0))) + 1 for w in words)
        found = []
        for row in range(size):
            lemmas = self._lemma_sets[row]
            if all(_has(lemmas, lemma, typed) for lemma, typed in words.items()):
                found.append((ids[row], round(weight / (weight + len(lemmas)), 6)))
        found.sort(key=lambda item: -item[1])
        return found


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of `a` and `b` with adjacent swaps counted as one edit; any value
    above `limit` is returned as `limit + 1` (the scan stops early)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def _has(lemmas: frozenset[str], lemma: str, typed: str) -> bool:
    if lemma in lemmas:
        return True
    return len(typed) >= 4 and any(other.startswith(typed) for other in lemmas)


__all__ = ["SimilarityIndex"]
