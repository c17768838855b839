"""Zero-shot classification, the half of `DirectionClassifier` that needs no examples.

Each label's name and description are lemmatised (optionally enriched with the corpus words
closest to them in navec space) and compared with each text's navec vector; a softmax over
the similarities gives scores, averaged (for corpora of 50–5,000 texts) with a softmax over
the character n-gram TF-IDF similarity of the text to each label's name and description.
Given enough unlabelled texts, the confident half of each direction's zero-shot answers
trains a linear model on the corpus itself (self-training), which then classifies every text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from civicplan.analytics.text.calibration import softmax
from civicplan.analytics.text.label_scorer import LabelScorer
from civicplan.analytics.text.lemmatize import Lemmatizer
from civicplan.analytics.text.self_training import confident_per_class, has_words
from civicplan.analytics.text.types import Label, PreparedTexts
from civicplan.analytics.text.vectorize import CharTfidfVectorizer, NavecVectorizer, l2_normalize


class ZeroShotMixin:
    """Zero-shot fitting and scoring; `DirectionClassifier` holds the parameters below and
    provides the supervised model that self-training fits."""

    labels: list[Label] | None
    lemmatizer: Lemmatizer | None
    navec_: NavecVectorizer
    expansion_size: int
    use_char_ngrams: bool
    self_training: bool
    min_self_training: int
    zero_shot_temperature: float
    zero_shot_char_weight: float
    zero_shot_char_temperature: float
    zero_shot_char_limit: int
    classes__: list[str]
    mode_: str
    scorer_: LabelScorer
    model_: Any
    label_chars_: tuple[CharTfidfVectorizer, sparse.csr_matrix] | None
    _examples: list[tuple[str, list[str], str]]
    _state: dict[str, Any]

    if TYPE_CHECKING:  # `DirectionClassifier`'s supervised half, which self-training fits

        def _fit_supervised(self, *, keep_classes: bool = False) -> None: ...

        def _supervised_proba(self, prepared: PreparedTexts) -> np.ndarray: ...

    def _label_words(self, corpus_lemmas: Sequence[Sequence[str]] | None) -> list[list[str]]:
        """Each label's words: its name (twice), its description, and corpus expansions."""
        assert self.labels
        lem = self.lemmatizer or Lemmatizer()
        words = [lem.lemmatize(f"{lab.name}. {lab.name}. {lab.description}") for lab in self.labels]
        if not corpus_lemmas or self.expansion_size <= 0:
            return words
        base = self.navec_.transform(words)
        # Expansion: corpus words much closer to one label than to the others join it.
        counts = Counter(w for doc in corpus_lemmas for w in set(doc))
        vocab = [w for w, c in counts.items() if c >= 2] or list(counts)
        vectors, known = self.navec_.word_vectors(vocab)
        vocab = [w for w, k in zip(vocab, known, strict=True) if k]
        if not vocab:
            return words
        vectors = l2_normalize(vectors[known])
        sims = vectors @ base.T  # (V, L)
        ordered = np.sort(sims, axis=1)
        margin = ordered[:, -1] - (ordered[:, -2] if sims.shape[1] > 1 else 0.0)
        best = sims.argmax(axis=1)
        enriched = []
        for j, own in enumerate(words):
            mine = np.flatnonzero((best == j) & (sims[:, j] >= 0.4) & (margin >= 0.08))
            top = mine[np.argsort(-sims[mine, j])[: self.expansion_size]]
            enriched.append(list(own) + [vocab[t] for t in top if vocab[t] not in own])
        return enriched

    def _fit_zero_shot(self, prepared: PreparedTexts) -> None:
        assert self.labels
        self.classes__ = [lab.name for lab in self.labels]
        self.mode_ = "zero-shot"
        self.scorer_ = LabelScorer(
            self.navec_, self._label_words(prepared.lemmas if len(prepared) else None)
        )
        self.model_ = None
        self._state = {}
        self.label_chars_ = None
        if (
            self.use_char_ngrams
            and self.zero_shot_char_weight > 0
            and self.min_self_training <= len(prepared) <= self.zero_shot_char_limit
        ):
            # Character n-grams of each label's name and description against the text's:
            # they survive what navec does not know (typos, rare words) and weigh a text's
            # own telling words over the context every direction shares. Their weights
            # (IDF) need a corpus: not for a handful of texts, whose zero-shot answers and
            # confidences stay as they were. Up to `zero_shot_char_limit` texts (≈ 1 CPU ms
            # a text; larger corpora keep the navec scores alone).
            docs = [f"{lab.name}. {lab.description}" for lab in self.labels]
            chars = CharTfidfVectorizer(ngram_range=(2, 5))
            matrix = chars.fit_transform(docs + list(prepared.texts))
            self.label_chars_ = (chars, matrix[: len(docs)])
        if not (self.self_training and len(prepared) >= self.min_self_training):
            return
        proba = self._zero_shot_proba(prepared)
        best = proba.argmax(axis=1)
        chosen = confident_per_class(proba, has_words(prepared.lemmas), 0.5, minimum=3)
        if len({int(best[i]) for i in chosen}) < 2:
            return
        self._examples = [
            (prepared.texts[i], prepared.lemmas[i], self.classes__[int(best[i])]) for i in chosen
        ]
        self._fit_supervised(keep_classes=True)
        self.model_ = self._state["model"]
        self.mode_ = "zero-shot+self-training"

    def _zero_shot_proba(self, prepared: PreparedTexts) -> np.ndarray:
        if self.model_ is not None:
            return self._supervised_proba(prepared)
        scores = self.scorer_.scores(prepared.lemmas)
        proba = softmax(scores.astype(np.float64), self.zero_shot_temperature)
        if self.label_chars_ is not None:
            chars, labels = self.label_chars_
            sims = np.asarray((chars.transform(prepared.texts) @ labels.T).todense())
            weight = self.zero_shot_char_weight
            proba *= 1.0 - weight
            proba += weight * softmax(sims.astype(np.float64), self.zero_shot_char_temperature)
        return proba


__all__ = ["ZeroShotMixin"]
