"""Texts as vectors: sparse TF-IDF on lemmas and characters, dense navec averages.

* `LemmaTfidfVectorizer` — word 1–2-grams of lemmas (so «дороги», «дорогу», «дорог» count as
  one word), TF-IDF weighted, sublinear tf, L2 rows.
* `CharTfidfVectorizer` — character 2–5-grams within words of the normalised text: robust to
  typos and to words the dictionary does not know.
* `NavecVectorizer` — a 300-d vector per text: the weighted average of the navec vectors of
  its lemmas (navec «news» model shipped inside the natasha package), L2-normalised. Weights
  follow the SIF scheme a / (a + p(word)) with word frequencies from navec's own corpus, so
  frequent words count little even before any corpus is seen; `fit` can switch to the
  corpus's IDF. Texts with no known word get a zero vector.

The navec model (≈50 MB in memory) is loaded once per process on first use (≈0.7 s).
"""

from __future__ import annotations

import importlib.util
import logging
import math
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from civicplan.analytics.text.clean import normalize_for_matching

logger = logging.getLogger(__name__)

NAVEC_FILE = "navec_news_v1_1B_250K_300d_100q.tar"
NAVEC_DIM = 300


def navec_path() -> Path:
    """The navec archive inside the installed natasha package (natasha is not imported)."""
    spec = importlib.util.find_spec("natasha")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Пакет natasha не установлен: векторы navec недоступны.")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "emb" / NAVEC_FILE
    if not path.exists():
        raise RuntimeError(f"Не найден файл модели navec: {path}")
    return path


_navec_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_navec() -> Any:
    """The process-wide navec model (product-quantised, decoded per word on demand)."""
    from navec import Navec

    with _navec_lock:
        return Navec.load(str(navec_path()))


def _identity(x: Any) -> Any:
    return x


class LemmaTfidfVectorizer:
    """TF-IDF over lemma 1–2-grams of already lemmatised texts."""

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int | float = 1,
        max_df: float = 1.0,
        max_features: int | None = None,
        sublinear_tf: bool = True,
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf

    def _make(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer="word",
            tokenizer=_identity,
            preprocessor=_identity,
            token_pattern=None,
            lowercase=False,
            ngram_range=self.ngram_range,
            min_df=self.min_df,
            max_df=self.max_df,
            max_features=self.max_features,
            sublinear_tf=self.sublinear_tf,
            dtype=np.float32,
        )

    def fit(self, lemmas: Sequence[Sequence[str]]) -> LemmaTfidfVectorizer:
        self.fit_transform(lemmas)
        return self

    def fit_transform(self, lemmas: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        self.vectorizer_ = self._make()
        try:
            return self.vectorizer_.fit_transform([list(doc) for doc in lemmas]).tocsr()
        except ValueError:  # empty vocabulary: keep a single dummy feature
            self.vectorizer_ = self._make().set_params(min_df=1, max_df=1.0)
            self.vectorizer_.fit([["∅"]])
            return self.transform(lemmas)

    def transform(self, lemmas: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        return self.vectorizer_.transform([list(doc) for doc in lemmas]).tocsr()

    @property
    def vocabulary_(self) -> dict[str, int]:
        result: dict[str, int] = self.vectorizer_.vocabulary_
        return result

    def get_feature_names_out(self) -> np.ndarray:
        result: np.ndarray = self.vectorizer_.get_feature_names_out()
        return result


class CharTfidfVectorizer:
    """TF-IDF over character n-grams inside words of the normalised (lower, ё → е) text."""

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (2, 5),
        min_df: int | float = 1,
        max_features: int | None = 300_000,
        sublinear_tf: bool = True,
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf

    def _make(self, min_df: int | float) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer="char_wb",
            preprocessor=normalize_for_matching,
            ngram_range=self.ngram_range,
            min_df=min_df,
            max_features=self.max_features,
            sublinear_tf=self.sublinear_tf,
            dtype=np.float32,
        )

    def fit(self, texts: Sequence[str]) -> CharTfidfVectorizer:
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        self.vectorizer_ = self._make(self.min_df)
        docs = [t or " " for t in texts]
        try:
            return self.vectorizer_.fit_transform(docs).tocsr()
        except ValueError:
            self.vectorizer_ = self._make(1)
            self.vectorizer_.fit(["∅"])
            return self.transform(texts)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self.vectorizer_.transform([t or " " for t in texts]).tocsr()


class NavecVectorizer:
    """Dense text vectors: weighted average of navec lemma vectors, L2-normalised.

    Parameters
    ----------
    weighting:
        ``"sif"`` (default) — a / (a + p(w)) from navec's corpus frequencies, needs no fit;
        ``"idf"`` — inverse document frequency learned by `fit` (unseen words get the
        largest IDF); ``"sif+idf"`` — their product.
    sif_a:
        The SIF smoothing constant.
    remove_common:
        Subtract the corpus's first principal direction (learned by `fit`), which all
        averaged vectors share; sharpens cosine similarity between texts.
    """

    def __init__(
        self,
        *,
        weighting: str = "sif",
        sif_a: float = 1e-4,
        remove_common: bool = False,
    ) -> None:
        if weighting not in {"sif", "idf", "sif+idf"}:
            raise ValueError(f"unknown weighting {weighting!r}")
        self.weighting = weighting
        self.sif_a = sif_a
        self.remove_common = remove_common
        self._lock = threading.Lock()
        self._rows: dict[str, int] = {}  # lemma -> row in _matrix, -1 when unknown
        self._weights: list[float] = []
        self._store = np.zeros((0, NAVEC_DIM), dtype=np.float32)
        self._count = 0
        self._weight_cache: np.ndarray | None = None
        self.idf_: dict[str, float] | None = None
        self.default_idf_: float = 1.0
        self.common_: np.ndarray | None = None

    @property
    def dim(self) -> int:
        return NAVEC_DIM

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    # --- learning -----------------------------------------------------------------------
    def fit(self, lemmas: Sequence[Sequence[str]]) -> NavecVectorizer:
        self.fit_transform(lemmas)
        return self

    def fit_transform(self, lemmas: Sequence[Sequence[str]]) -> np.ndarray:
        self.idf_ = None
        self.common_ = None
        if "idf" in self.weighting:
            df: dict[str, int] = {}
            for doc in lemmas:
                for word in set(doc):
                    df[word] = df.get(word, 0) + 1
            n = len(lemmas)
            self.idf_ = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
            self.default_idf_ = math.log(1 + n) + 1.0
            with self._lock:  # weights depend on idf: forget the cached ones
                self._rows, self._weights = {}, []
                self._weight_cache = None
                self._store = np.zeros((0, NAVEC_DIM), dtype=np.float32)
                self._count = 0
        vectors = self._raw(lemmas)
        if self.remove_common:
            nonzero = vectors[np.abs(vectors).sum(axis=1) > 0]
            if len(nonzero) >= 10:
                _, _, vt = np.linalg.svd(nonzero[: min(len(nonzero), 20000)], full_matrices=False)
                self.common_ = vt[0].astype(np.float32)
        return self._finish(vectors)

    # --- vectors --------------------------------------------------------------------------
    def word_vectors(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Rows for `words` (zeros when unknown) and a mask of the known ones."""
        rows = self._lookup(words)
        known = rows >= 0
        out = np.zeros((len(words), NAVEC_DIM), dtype=np.float32)
        out[known] = self._matrix[rows[known]]
        return out, known

    def _lookup(self, words: Sequence[str]) -> np.ndarray:
        rows = self._rows
        missing = [w for w in dict.fromkeys(words) if w not in rows]
        if missing:
            self._add_words(missing)
            rows = self._rows
        return np.fromiter((rows[w] for w in words), dtype=np.int64, count=len(words))

    def _weight(self, word: str, count: int | None) -> float:
        weight = 1.0
        if "sif" in self.weighting and count is not None:
            weight = self.sif_a / (self.sif_a + count / _total_count())
        if self.idf_ is not None:
            weight *= self.idf_.get(word, self.default_idf_)
        return weight

    def _add_words(self, words: list[str]) -> None:
        navec = load_navec()
        vocab = navec.vocab
        word_ids = vocab.word_ids
        counts = vocab.counts
        with self._lock:
            # Appends in place, in an order that keeps concurrent readers consistent: the
            # vectors and weights are written before the words that point at them.
            words = [w for w in dict.fromkeys(words) if w not in self._rows]
            ids: list[int] = []
            known: list[str] = []
            unknown: list[str] = []
            for word in words:
                idx = word_ids.get(word)
                if idx is None:
                    unknown.append(word)
                else:
                    ids.append(idx)
                    known.append(word)
            start = self._count
            if ids:
                pq = navec.pq
                index = np.asarray(ids, dtype=np.int64)
                decoded = pq.codes[np.arange(pq.qdim)[None, :], pq.indexes[index]]
                decoded = decoded.reshape(len(ids), -1).astype(np.float32)
                needed = start + len(ids)
                if needed > len(self._store):
                    grown = np.zeros(
                        (max(needed, 2 * len(self._store), 1024), NAVEC_DIM), np.float32
                    )
                    grown[:start] = self._store[:start]
                    grown[start:needed] = decoded
                    self._store = grown
                else:
                    self._store[start:needed] = decoded
                self._weights.extend(
                    self._weight(w, counts[i] if counts else None)
                    for w, i in zip(known, ids, strict=True)
                )
                self._count = needed
            rows = self._rows
            for offset, word in enumerate(known):
                rows[word] = start + offset
            for word in unknown:
                rows[word] = -1

    def weight_array(self) -> np.ndarray:
        """The weight of every word looked up so far, as an array (cached until words are
        added)."""
        cached = getattr(self, "_weight_cache", None)
        if cached is None or len(cached) != len(self._weights):
            cached = np.asarray(self._weights, dtype=np.float32)
            self._weight_cache = cached
        return cached

    @property
    def _matrix(self) -> np.ndarray:
        return self._store[: self._count]

    def weight_matrix(self, lemmas: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """(n texts × known words) weights, one entry per occurrence summed; columns index
        `word_matrix()` rows."""
        n = len(lemmas)
        flat = [w for doc in lemmas for w in doc]
        lengths = np.fromiter((len(doc) for doc in lemmas), dtype=np.int64, count=n)
        rows = self._lookup(flat) if flat else np.zeros(0, dtype=np.int64)
        doc_index = np.repeat(np.arange(n), lengths)
        known = rows >= 0
        rows, doc_index = rows[known], doc_index[known]
        weights = self.weight_array()[rows] if len(rows) else rows
        return sparse.csr_matrix(
            (weights.astype(np.float32), (doc_index, rows)),
            shape=(n, len(self._matrix)),
        )

    def word_matrix(self) -> np.ndarray:
        """Decoded vectors of every word looked up so far (rows of `weight_matrix`)."""
        return self._matrix

    def _raw(self, lemmas: Sequence[Sequence[str]]) -> np.ndarray:
        if len(lemmas) == 0:
            return np.zeros((0, NAVEC_DIM), dtype=np.float32)
        matrix = self.weight_matrix(lemmas)
        return np.asarray(matrix @ self._matrix[: matrix.shape[1]], dtype=np.float32)

    def _finish(self, vectors: np.ndarray) -> np.ndarray:
        if self.common_ is not None and len(vectors):
            nonzero = np.abs(vectors).sum(axis=1) > 0
            vectors[nonzero] -= np.outer(vectors[nonzero] @ self.common_, self.common_)
        return l2_normalize(vectors)

    def transform(self, lemmas: Sequence[Sequence[str]]) -> np.ndarray:
        """An (n, 300) float32 array, rows of unit length (zero rows for unknown texts)."""
        return self._finish(self._raw(lemmas))


@lru_cache(maxsize=1)
def _total_count() -> float:
    counts = load_navec().vocab.counts
    return float(sum(counts)) if counts else 1.0


def l2_normalize(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length in place; zero rows stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix


def warm_up() -> float:
    """Load every model (morphology, navec) now; returns the seconds it took."""
    import time

    from civicplan.analytics.text.lemmatize import get_morph

    start = time.perf_counter()
    get_morph()
    load_navec()
    _total_count()
    return time.perf_counter() - start


__all__ = [
    "CharTfidfVectorizer",
    "LemmaTfidfVectorizer",
    "NavecVectorizer",
    "l2_normalize",
    "load_navec",
    "navec_path",
    "warm_up",
]
