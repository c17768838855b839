"""Classifying texts into a campaign's directions (any label set).

Three modes, chosen by what is known:

* **zero-shot** — no labelled texts yet: each label's name and description are lemmatised,
  enriched with the corpus words closest to them in navec space, and compared with each
  text's navec vector; a softmax over the similarities gives scores. When `fit` gets the
  unlabelled texts, the confident part of the zero-shot answers trains a linear model on the
  corpus itself (self-training), which then classifies every text.
* **few-shot** — a few labelled texts per label: logistic regression on TF-IDF (lemmas and
  characters) plus navec features, blended with nearest-centroid similarity on navec vectors
  (and the label descriptions, when given); the fewer the examples, the more the centroids
  weigh.
* **supervised** — many labelled texts: the logistic regression alone dominates.

`Prediction.label` is None («не определено») when the best probability is below `threshold`.
`partial_fit` adds moderators' labels and retrains (a second on thousands of examples).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from civicplan.analytics.text.lemmatize import Lemmatizer, as_prepared
from civicplan.analytics.text.types import Label, Prediction, PreparedTexts
from civicplan.analytics.text.vectorize import (
    CharTfidfVectorizer,
    LemmaTfidfVectorizer,
    NavecVectorizer,
    l2_normalize,
)

logger = logging.getLogger(__name__)

TextsLike = Sequence[str] | PreparedTexts


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


class DirectionClassifier:
    """Texts → directions, from label descriptions, a few examples, or many.

    Parameters
    ----------
    labels:
        The label set with descriptions (needed for zero-shot; optional otherwise, where the
        descriptions still help when examples are few).
    threshold:
        Below this probability the prediction is None («не определено»).
    self_training:
        In zero-shot mode, train on the confident zero-shot answers of the texts given to
        `fit` (needs at least `min_self_training` texts).
    """

    def __init__(
        self,
        labels: Sequence[Label] | None = None,
        *,
        threshold: float = 0.35,
        C: float = 10.0,
        use_char_ngrams: bool = True,
        dense_weight: float = 1.0,
        self_training: bool = True,
        min_self_training: int = 50,
        zero_shot_temperature: float = 0.04,
        expansion_size: int = 20,
        lemmatizer: Lemmatizer | None = None,
    ) -> None:
        self.labels = list(labels) if labels is not None else None
        self.threshold = threshold
        self.C = C
        self.use_char_ngrams = use_char_ngrams
        self.dense_weight = dense_weight
        self.self_training = self_training
        self.min_self_training = min_self_training
        self.zero_shot_temperature = zero_shot_temperature
        self.expansion_size = expansion_size
        self.lemmatizer = lemmatizer
        self.navec_ = NavecVectorizer()
        self._examples: list[tuple[str, list[str], str]] = []

    # --- public API ------------------------------------------------------------------------
    @property
    def classes_(self) -> list[str]:
        return list(self.classes__)

    def fit(self, texts: TextsLike, y: Sequence[str | None] | None = None) -> DirectionClassifier:
        """Learn from labelled texts; with `y=None`, zero-shot from `labels` (self-trained
        on `texts` when there are enough of them)."""
        prepared = as_prepared(texts, lemmatizer=self.lemmatizer)
        if y is not None and len(y) != len(prepared):
            raise ValueError("Число текстов и число меток не совпадают.")
        self._examples = []
        if y is not None:
            self._examples = [
                (prepared.texts[i], prepared.lemmas[i], str(label))
                for i, label in enumerate(y)
                if label is not None and str(label).strip()
            ]
        if self._examples:
            self._fit_supervised()
        else:
            if not self.labels:
                raise ValueError(
                    "Нет ни размеченных примеров, ни описаний направлений: классифицировать "
                    "не по чему."
                )
            self._fit_zero_shot(prepared)
        return self

    def partial_fit(self, texts: TextsLike, y: Sequence[str]) -> DirectionClassifier:
        """Add labelled examples (e.g. a moderator's decisions) and retrain."""
        prepared = as_prepared(texts, lemmatizer=self.lemmatizer)
        if len(y) != len(prepared):
            raise ValueError("Число текстов и число меток не совпадают.")
        self._examples.extend(
            (prepared.texts[i], prepared.lemmas[i], str(label))
            for i, label in enumerate(y)
            if label is not None and str(label).strip()
        )
        if not self._examples:
            return self
        self._fit_supervised()
        return self

    def predict_proba(self, texts: TextsLike) -> np.ndarray:
        prepared = as_prepared(texts, lemmatizer=self.lemmatizer)
        if len(prepared) == 0:
            return np.zeros((0, len(self.classes__)), dtype=np.float64)
        if self.mode_ == "zero-shot":
            return self._zero_shot_proba(prepared)
        return self._supervised_proba(prepared)

    def predict(self, texts: TextsLike) -> list[Prediction]:
        prepared = as_prepared(texts, lemmatizer=self.lemmatizer)
        proba = self.predict_proba(prepared)
        classes = self.classes__
        out: list[Prediction] = []
        for i, row in enumerate(proba):
            if not prepared.lemmas[i] and not prepared.texts[i].strip():
                out.append(Prediction(None, 0.0, {}))
                continue
            best = int(row.argmax())
            confidence = float(row[best])
            label = classes[best] if confidence >= self.threshold else None
            scores = {c: float(p) for c, p in zip(classes, row, strict=True)}
            out.append(Prediction(label, confidence, scores))
        return out

    # --- zero-shot -------------------------------------------------------------------------
    def _label_vectors(self, corpus_lemmas: Sequence[Sequence[str]] | None) -> np.ndarray:
        assert self.labels
        lem = self.lemmatizer or Lemmatizer()
        label_lemmas = [
            lem.lemmatize(f"{lab.name}. {lab.name}. {lab.description}") for lab in self.labels
        ]
        base = self.navec_.transform(label_lemmas)
        if not corpus_lemmas or self.expansion_size <= 0:
            return base
        # Expansion: corpus words much closer to one label than to the others join it.
        counts = Counter(w for doc in corpus_lemmas for w in set(doc))
        vocab = [w for w, c in counts.items() if c >= 2] or list(counts)
        vectors, known = self.navec_.word_vectors(vocab)
        vocab = [w for w, k in zip(vocab, known, strict=True) if k]
        vectors = l2_normalize(vectors[known])
        if not vocab:
            return base
        sims = vectors @ base.T  # (V, L)
        order = np.sort(sims, axis=1)
        margin = order[:, -1] - (order[:, -2] if sims.shape[1] > 1 else 0.0)
        best = sims.argmax(axis=1)
        enriched = []
        for j, lemmas in enumerate(label_lemmas):
            mine = np.flatnonzero((best == j) & (sims[:, j] >= 0.35) & (margin >= 0.05))
            top = mine[np.argsort(-sims[mine, j])[: self.expansion_size]]
            enriched.append(list(lemmas) * 2 + [vocab[t] for t in top])
        return self.navec_.transform(enriched)

    def _fit_zero_shot(self, prepared: PreparedTexts) -> None:
        assert self.labels
        self.classes__ = [lab.name for lab in self.labels]
        self.mode_ = "zero-shot"
        self.label_vectors_ = self._label_vectors(prepared.lemmas if len(prepared) else None)
        self.model_ = None
        if not (self.self_training and len(prepared) >= self.min_self_training):
            return
        proba = self._zero_shot_proba(prepared)
        best = proba.argmax(axis=1)
        confidence = proba.max(axis=1)
        chosen: list[int] = []
        for j in range(len(self.classes__)):
            members = np.flatnonzero((best == j) & (confidence > 0))
            if len(members) == 0:
                continue
            keep = max(3, int(len(members) * 0.5))
            chosen.extend(members[np.argsort(-confidence[members])[:keep]].tolist())
        labels_seen = {int(best[i]) for i in chosen}
        if len(labels_seen) < 2:
            return
        self._examples = [
            (prepared.texts[i], prepared.lemmas[i], self.classes__[int(best[i])]) for i in chosen
        ]
        self._fit_supervised(keep_classes=True)
        self.mode_ = "zero-shot+self-training"

    def _zero_shot_proba(self, prepared: PreparedTexts) -> np.ndarray:
        if self.model_ is not None:
            return self._supervised_proba(prepared)
        vectors = self.navec_.transform(prepared.lemmas)
        sims = vectors @ self.label_vectors_.T
        return _softmax(sims.astype(np.float64), self.zero_shot_temperature)

    # --- supervised --------------------------------------------------------------------------
    def _features(self, prepared: PreparedTexts, *, fit: bool) -> sparse.csr_matrix:
        if fit:
            self.word_ = LemmaTfidfVectorizer(ngram_range=(1, 2))
            parts = [self.word_.fit_transform(prepared.lemmas)]
            if self.use_char_ngrams:
                self.char_ = CharTfidfVectorizer(ngram_range=(2, 5), max_features=200_000)
                parts.append(self.char_.fit_transform(prepared.texts))
        else:
            parts = [self.word_.transform(prepared.lemmas)]
            if self.use_char_ngrams:
                parts.append(self.char_.transform(prepared.texts))
        if self.dense_weight > 0:
            dense = self.navec_.transform(prepared.lemmas) * self.dense_weight
            parts.append(sparse.csr_matrix(dense))
        return sparse.hstack(parts, format="csr")

    def _fit_supervised(self, *, keep_classes: bool = False) -> None:
        from sklearn.linear_model import LogisticRegression

        texts = [e[0] for e in self._examples]
        lemmas = [e[1] for e in self._examples]
        y = [e[2] for e in self._examples]
        prepared = PreparedTexts(texts, lemmas)
        if not keep_classes:
            known = [lab.name for lab in self.labels] if self.labels else []
            seen = sorted(set(y))
            self.classes__ = known + [c for c in seen if c not in known] if known else seen
            self.mode_ = "supervised"
        class_index = {c: i for i, c in enumerate(self.classes__)}
        y_idx = np.asarray([class_index[c] for c in y])
        per_class = Counter(y_idx.tolist())
        self.examples_per_class_ = {self.classes__[k]: v for k, v in per_class.items()}
        # Centroids on navec vectors (with the label description as one more example).
        dense = self.navec_.transform(lemmas)
        centroids = np.zeros((len(self.classes__), dense.shape[1]), dtype=np.float32)
        for k in range(len(self.classes__)):
            members = dense[y_idx == k]
            if len(members):
                centroids[k] = members.mean(axis=0)
        if self.labels:
            desc = self._label_vectors(None)
            for k in range(len(self.labels)):
                n_k = per_class.get(k, 0)
                centroids[k] = (centroids[k] * n_k + desc[k]) / (n_k + 1)
        self.centroids_ = l2_normalize(centroids)
        typical = float(np.median(list(per_class.values())))
        self.blend_ = typical / (typical + 8.0) if not keep_classes else 1.0
        if len(per_class) < 2:
            self.model_ = None
            self.blend_ = 0.0
            if not keep_classes:
                self.mode_ = "few-shot"
            return
        features = self._features(prepared, fit=True)
        model = LogisticRegression(C=self.C, max_iter=2000)
        model.fit(features, y_idx)
        self.model_ = model
        if not keep_classes and typical < 30:
            self.mode_ = "few-shot"

    def _supervised_proba(self, prepared: PreparedTexts) -> np.ndarray:
        n_classes = len(self.classes__)
        dense = self.navec_.transform(prepared.lemmas)
        centroid = _softmax(
            (dense @ self.centroids_.T).astype(np.float64), self.zero_shot_temperature
        )
        if self.model_ is None:
            return centroid
        proba = np.zeros((len(prepared), n_classes), dtype=np.float64)
        proba[:, self.model_.classes_] = self.model_.predict_proba(
            self._features(prepared, fit=False)
        )
        if self.blend_ >= 1.0:
            return proba
        return self.blend_ * proba + (1.0 - self.blend_) * centroid

    def __repr__(self) -> str:
        n = len(self.labels) if self.labels else 0
        return f"DirectionClassifier(labels={n}, threshold={self.threshold})"


def labels_from_pairs(pairs: Sequence[tuple[str, str]]) -> list[Label]:
    """[(name, description), ...] → labels (names stripped, empty names skipped)."""
    return [
        Label(name.strip(), (desc or "").strip()) for name, desc in pairs if name and name.strip()
    ]


__all__ = ["DirectionClassifier", "labels_from_pairs"]
