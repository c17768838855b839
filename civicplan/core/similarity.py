"""The cached Django adapter of the text-similarity service (`analytics.text.SimilarityIndex`).

Each process keeps one index per *corpus* (a name such as ``"proposals:12"`` or
``"practices"``) and brings it up to date the cheapest way the caller allows:

    index = text_index("practices", version=stamp, documents=lambda: [(pk, text), ...])
    index = text_index_grow("proposals:12", newer_than=lambda last_pk, limit: [(pk, text), ...])
    index = text_index_for_page("proposals:12", newer_than=...)  # never blocks a request

`text_index` rebuilds when `version` changes (a small corpus edited in place: the practice
library, the latest news); `text_index_grow` only adds documents with ids above the last one
it saw (proposals arrive and are rarely edited). Queries then cost milliseconds:
``index.query(text, k=5)`` for «similar to», ``index.search(words)`` for «contains these
words in any form».
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from civicplan.analytics.text.lemmatize import shared_lemmatizer
from civicplan.analytics.text.similar import SimilarityIndex


@dataclass
class _Corpus:
    index: SimilarityIndex | None = None
    version: Hashable = None
    last_id: Any = 0
    catching_up: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


_CORPORA: dict[str, _Corpus] = {}
_LOCK = threading.Lock()
logger = logging.getLogger(__name__)

# A page adds at most this many new documents to an index itself (milliseconds); more — an
# import, the first request after a start without warm-up — are added in a background thread
# while pages answer from the index as it is.
INLINE_ADD_LIMIT = 50
NewerThan = Callable[[Any, int | None], Iterable[tuple[Any, str]]]


def _corpus(name: str) -> _Corpus:
    with _LOCK:
        return _CORPORA.setdefault(name, _Corpus())


def _new_index(size: int) -> SimilarityIndex:
    # The shared lemmatiser: a word analysed for one corpus is not analysed again for another
    # (the practices matched against a town's proposals reuse the proposals' words).
    return SimilarityIndex(initial_capacity=max(16, size), lemmatizer=shared_lemmatizer())


def text_index(
    name: str, *, version: Hashable, documents: Callable[[], Iterable[tuple[Any, str]]]
) -> SimilarityIndex:
    """The corpus' index, rebuilt from `documents()` when `version` differs from the last."""
    corpus = _corpus(name)
    with corpus.lock:
        if corpus.index is None or corpus.version != version:
            rows = list(documents())
            index = _new_index(len(rows))
            if rows:
                index.add([doc_id for doc_id, _text in rows], [text for _id, text in rows])
            corpus.index, corpus.version = index, version
        return corpus.index


def _add(corpus: _Corpus, rows: list[tuple[Any, str]]) -> None:
    if corpus.index is None:
        corpus.index, corpus.last_id = _new_index(1024), 0
    if rows:
        corpus.index.add([doc_id for doc_id, _text in rows], [text for _id, text in rows])
        corpus.last_id = rows[-1][0]


def text_index_grow(name: str, *, newer_than: NewerThan) -> SimilarityIndex:
    """The corpus' index with the documents `newer_than(last id seen, None)` added (ids
    ascending): new documents are added, nothing is rebuilt."""
    corpus = _corpus(name)
    with corpus.lock:
        _add(corpus, list(newer_than(corpus.last_id, None)))
        assert corpus.index is not None
        return corpus.index


def _catch_up(name: str, newer_than: NewerThan) -> None:
    from django.db import connection

    corpus = _corpus(name)
    try:
        with corpus.lock:
            _add(corpus, list(newer_than(corpus.last_id, None)))
    except Exception:
        logger.exception("text index %s: catching up failed", name)
    finally:
        corpus.catching_up = False
        connection.close()


def text_index_for_page(
    name: str, *, newer_than: NewerThan, inline_limit: int = INLINE_ADD_LIMIT
) -> SimilarityIndex | None:
    """Like `text_index_grow`, for a request: never builds a large index inside it. Up to
    `inline_limit` new documents are added at once; more are added by a background thread
    while the page answers from the index as it is (None while there is none yet)."""
    from django.conf import settings

    if getattr(settings, "JOBS_RUN_INLINE", False):  # tests: no threads, everything at once
        return text_index_grow(name, newer_than=newer_than)
    corpus = _corpus(name)
    if not corpus.lock.acquire(blocking=False):
        return corpus.index  # another thread is adding: answer from what is there
    try:
        rows = list(newer_than(corpus.last_id, inline_limit + 1))
        if len(rows) <= inline_limit:
            _add(corpus, rows)
            return corpus.index
        if not corpus.catching_up:
            corpus.catching_up = True
            threading.Thread(
                target=_catch_up, args=(name, newer_than), name="similarity-index", daemon=True
            ).start()
        return corpus.index
    finally:
        corpus.lock.release()


def text_index_reset(name: str | None = None, *, prefix: bool = False) -> None:
    """Forget one corpus, the corpora whose name starts with `name` (`prefix`), or all."""
    with _LOCK:
        if name is None:
            _CORPORA.clear()
        elif prefix:
            for key in [k for k in _CORPORA if k.startswith(name)]:
                del _CORPORA[key]
        else:
            _CORPORA.pop(name, None)
