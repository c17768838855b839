"""Self-training: which of a classifier's own answers on unlabelled texts it may learn from.

Both modes that read the corpus being classified use it: zero-shot keeps the confident half of
each direction's answers to train a linear model on the corpus itself; the supervised model
adds the confident part of its answers on that corpus to the examples and trains again
(transductive self-training: the corpus's own words, typos and markup enter the model).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def confident_per_class(
    proba: np.ndarray,
    has_words: np.ndarray,
    share: float,
    minimum: int = 0,
) -> np.ndarray:
    """Indices of the rows to learn from: within each predicted class, the `share` of its
    rows with the highest probability (at least `minimum` of them when it has that many),
    rows without words left out, class by class. Per class, so a rare direction keeps its few answers instead
    of losing them to a global confidence cut."""
    best = proba.argmax(axis=1)
    confidence = proba.max(axis=1)
    chosen: list[np.ndarray] = []
    for k in range(proba.shape[1]):
        members = np.flatnonzero((best == k) & has_words)
        if len(members) == 0:
            continue
        keep = max(minimum, int(len(members) * share))
        chosen.append(members[np.argsort(-confidence[members])[:keep]])
    if not chosen:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(chosen)


def has_words(lemmas: Sequence[Sequence[str]]) -> np.ndarray:
    """Which texts have any words left after lemmatisation (empty ones teach nothing)."""
    return np.fromiter((bool(doc) for doc in lemmas), dtype=bool, count=len(lemmas))


__all__ = ["confident_per_class", "has_words"]
