"""How close texts are to labels described by words, from navec vectors: the zero-shot
scores and the label-description prior of `classify.DirectionClassifier`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from civicplan.analytics.text.vectorize import NavecVectorizer, l2_normalize


class LabelScorer:
    """How close texts are to labels described by words, from navec vectors.

    score(text, label) = Σ_w weight(w) · max(0, best cosine of w to a label word)²  / Σ weight
                         + `dense_weight` · cosine(text vector, label vector)

    The first term lets one telling word («взятка», «поликлиника») decide even in a long
    message; the second keeps the overall drift of the text in view.
    """

    def __init__(
        self,
        vectorizer: NavecVectorizer,
        label_words: Sequence[Sequence[str]],
        *,
        dense_weight: float = 0.5,
    ) -> None:
        self.vectorizer = vectorizer
        self.dense_weight = dense_weight
        self.label_vectors = vectorizer.transform(label_words)
        self._segments: list[np.ndarray] = []
        for words in label_words:
            vectors, known = vectorizer.word_vectors(list(dict.fromkeys(words)))
            self._segments.append(l2_normalize(vectors[known]))

    def scores(self, lemmas: Sequence[Sequence[str]]) -> np.ndarray:
        n, n_labels = len(lemmas), len(self._segments)
        weights = self.vectorizer.weight_matrix(lemmas)
        used = np.unique(weights.indices)
        word_vectors = l2_normalize(self.vectorizer.word_matrix()[used].copy())
        per_word = np.zeros((len(used), n_labels), dtype=np.float32)
        for j, segment in enumerate(self._segments):
            if len(segment) and len(used):
                per_word[:, j] = np.clip((word_vectors @ segment.T).max(axis=1), 0.0, 1.0) ** 2
        reduced = weights[:, used]
        totals = np.asarray(reduced.sum(axis=1)).ravel()
        align = np.asarray(reduced @ per_word)
        align = np.divide(
            align, totals[:, None], out=np.zeros((n, n_labels)), where=totals[:, None] > 0
        )
        dense = self.vectorizer.transform(lemmas) @ self.label_vectors.T
        result: np.ndarray = (align + self.dense_weight * dense).astype(np.float64)
        return result


__all__ = ["LabelScorer"]
