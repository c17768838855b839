"""The parts of `pipeline.analyze` that run in forked worker processes: cleaning,
lemmatising and place linking in chunks, and the duplicate finder's passes. Their inputs
are put in `_WORKER` before forking (the processes inherit them without pickling)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from civicplan.analytics.text.types import PreparedTexts

_WORKER: dict[str, Any] = {}


def _duplicate_pairs(passes: tuple[str, ...]) -> list[Any]:
    from threadpoolctl import threadpool_limits

    finder, prepared, vectors = _WORKER["dedup"]
    with threadpool_limits(limits=1):
        found: list[Any] = finder.pairs(prepared, vectors=vectors, passes=passes)
        return found


Prepared = tuple[list[str], list[list[str]], list[list[str]], dict[str, dict[str, Any]]]


def _prepare_chunk(texts: list[str]) -> Prepared:
    from threadpoolctl import threadpool_limits

    cleaner = _WORKER["cleaner"]
    lemmatizer = _WORKER["lemmatizer"]
    linker = _WORKER.get("linker")
    facts: dict[str, dict[str, Any]] = {}
    with threadpool_limits(limits=1):
        cleaned = cleaner.transform(texts)
        lemmas = lemmatizer.transform(cleaned)
        places = (
            [linker.link_ids(t) for t in cleaned] if linker is not None else [[] for _ in texts]
        )
        if _WORKER.get("word_facts"):
            # What duplicates and topic labels ask of each word, answered once here (in
            # parallel) instead of again in each of their processes.
            from civicplan.analytics.text.wordfacts import learn

            facts = learn(lemmas, cleaned, lemmatizer.cache)
    return cleaned, lemmas, places, facts


def _chunks(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _prepare(
    texts: Sequence[str],
    *,
    linker: Any,
    n_jobs: int,
    chunk_size: int,
    report: Callable[[int], None],
    word_facts: bool = False,
) -> tuple[PreparedTexts, list[list[str]]]:
    from civicplan.analytics.text.clean import TextCleaner
    from civicplan.analytics.text.lemmatize import Lemmatizer, get_morph
    from civicplan.analytics.text.wordfacts import absorb

    get_morph()  # load before forking: workers share it
    _WORKER.update(
        cleaner=TextCleaner(), lemmatizer=Lemmatizer(), linker=linker, word_facts=word_facts
    )
    cleaned: list[str] = []
    lemmas: list[list[str]] = []
    places: list[list[str]] = []
    done = 0
    parallel = n_jobs > 1 and len(texts) >= 4000
    chunks = _chunks(texts, chunk_size if not parallel else max(500, chunk_size // 2))
    try:
        if parallel:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context: Any
            try:
                context = multiprocessing.get_context("fork")
            except ValueError:  # pragma: no cover - platforms without fork
                context = multiprocessing.get_context()
            with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context) as pool:
                for part in pool.map(_prepare_chunk, chunks):
                    cleaned.extend(part[0])
                    lemmas.extend(part[1])
                    places.extend(part[2])
                    absorb([part[3]])
                    done += len(part[0])
                    report(done)
        else:
            for chunk in chunks:
                part = _prepare_chunk(chunk)
                cleaned.extend(part[0])
                lemmas.extend(part[1])
                places.extend(part[2])
                done += len(chunk)
                report(done)
    finally:
        _WORKER.clear()
    return PreparedTexts(cleaned, lemmas), places
