"""Character 5-grams of a message's own part (greetings, closings, signatures and
contacts left out), hashed with numpy, and their overlap."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from civicplan.analytics.text.clean import MASKS, normalize_for_matching
from civicplan.analytics.text.lemmatize import SENTENCE_END

_MASK_PATTERN = re.compile("|".join(re.escape(m) for m in MASKS))


_OWN_PART_SKIP = re.compile(
    r"^(?:здравствуй|добр(?:ый|ое|ого)\s|доброго\s+времени|уважаем|с\s+уважением|спасибо|"
    r"заранее|надеюсь|очень\s+прошу\s+помочь|жду\s+ответа|тел\b|телефон|пишите|"
    r"мой\s+телефон|e-?mail|почта)"
)
_NOT_LETTERS = re.compile(r"[^а-яa-z0-9]+")


def _char_grams(text: str, size: int = 5) -> np.ndarray:
    """Hashes of the character `size`-grams of a message's own part (sorted, unique):
    greetings, closings, signatures and contacts left out, letters and digits only.

    Sentences are cut at . ! ? … and line breaks (a cheap regular expression, not razdel:
    this runs on every text of a large corpus); the hashes are computed with numpy."""
    own = []
    for sentence in SENTENCE_END.split(text):
        normal = normalize_for_matching(sentence).strip()
        if not normal or _OWN_PART_SKIP.match(normal) or _MASK_PATTERN.search(normal):
            continue
        own.append(_NOT_LETTERS.sub("", normal))
    joined = "".join(own)
    if len(joined) < size:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    # Σ codes[i + k] · 1_000_003^(size-1-k), wrapping modulo 2**64 (a hash), by Horner's
    # rule over shifted slices: the same values as a sliding-window product, cheaper.
    count = len(codes) - size + 1
    hashed = codes[:count].copy()
    base = np.uint64(1_000_003)
    for k in range(1, size):
        hashed *= base
        hashed += codes[k : k + count]
    hashed.sort()
    keep = np.empty(count, dtype=bool)
    keep[0] = True
    np.not_equal(hashed[1:], hashed[:-1], out=keep[1:])
    result: np.ndarray = hashed[keep]
    return result


def _shared(a: np.ndarray, b: np.ndarray) -> int:
    """How many elements two sorted arrays of unique values have in common."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return int(np.count_nonzero(b[at] == a))


def _shared_counts(
    sets: Sequence[np.ndarray] | Mapping[int, np.ndarray],
    first: np.ndarray,
    second: np.ndarray,
    *,
    batch: int = 65536,
) -> np.ndarray:
    """`_shared(sets[i], sets[j])` for many pairs at once (int64 array, one per pair).

    The sets become the rows of a 0/1 sparse matrix (values renumbered once); the
    element-wise product of the two rows of each pair counts what they share, in C rather
    than in one Python call per pair."""
    from scipy import sparse

    counts = np.zeros(len(first), dtype=np.int64)
    if not len(first):
        return counts
    docs = np.unique(np.concatenate([first, second]))
    lengths = np.fromiter((len(sets[d]) for d in docs.tolist()), dtype=np.int64, count=len(docs))
    if not lengths.sum():
        return counts
    values = np.concatenate([sets[d] for d in docs.tolist()])
    _, columns = np.unique(values, return_inverse=True)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    # Each row is sorted and unique already; renumbering by np.unique keeps that order.
    matrix = sparse.csr_matrix(
        (np.ones(len(values), dtype=np.int32), columns.astype(np.int64), indptr),
        shape=(len(docs), int(columns.max()) + 1 if len(columns) else 1),
    )
    matrix.has_sorted_indices = True
    row_a = np.searchsorted(docs, first)
    row_b = np.searchsorted(docs, second)
    for start in range(0, len(first), batch):
        stop = start + batch
        product = matrix[row_a[start:stop]].multiply(matrix[row_b[start:stop]])
        counts[start:stop] = np.asarray(product.sum(axis=1)).ravel()
    return counts
