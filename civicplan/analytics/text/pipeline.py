"""The whole analysis of a set of proposals, in one call.

    result = analyze(documents, labels=directions, gazetteer=municipalities,
                     progress=lambda stage, done, total: ...)

Steps: clean and lemmatise (in chunks, on `n_jobs` processes, places linked in the same
pass), navec vectors, classification into directions (only when `labels` or `training`
are given), duplicates, topics within each direction, and a summary of each topic. Results
are plain dataclasses: one `DocumentResult` per input in input order, `TopicResult`s,
`DuplicateGroup`s and counts, ready for a CSV, a report or database rows.

The per-text work is chunked (`chunk_size`) so that a caller reading rows from a database
can report progress; the steps that compare texts with each other (duplicates, topics)
need all texts of the run at once.
"""

from __future__ import annotations

import gc
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from civicplan.analytics.text.results import (
    AnalysisResult,
    DocumentResult,
    DuplicateGroup,
    PlaceCount,
    TopicResult,
)
from civicplan.analytics.text.types import Document, Label, PreparedTexts
from civicplan.analytics.text.workers import _WORKER, _duplicate_pairs, _prepare

logger = logging.getLogger(__name__)

__all__ = [
    "STAGES",
    "AnalysisResult",
    "DocumentResult",
    "DuplicateGroup",
    "PlaceCount",
    "TopicResult",
    "analyze",
    "classification_labels",
    "names_as_labels",
]

Progress = Callable[[str, int, int], None]

STAGES: dict[str, str] = {
    "prepare": "Очистка текстов, леммы и территории",
    "vectors": "Векторы текстов",
    "classify": "Направления",
    "topics": "Темы",
    "summaries": "Сводки по темам",
    "duplicates": "Дубликаты",
}
"""Stage keys passed to `progress`, with what a person sees for each."""

PARALLEL_DUPLICATES_FROM = 5_000
"""From this many texts duplicates are found in a separate process."""
LARGE_CORPUS = 30_000
"""Above this many texts the costliest options (paraphrases, character n-grams) are off."""
CLASSIFY_FIT_SAMPLE = 20_000
"""Zero-shot classification learns from at most this many of the texts (a fixed sample)."""
CLASSIFY_CHUNK = 10_000
"""Texts classified at a time, so that memory does not grow with the corpus."""


def _sample(prepared: PreparedTexts, size: int) -> PreparedTexts:
    if len(prepared) <= size:
        return prepared
    rng = np.random.default_rng(0)
    chosen = np.sort(rng.choice(len(prepared), size=size, replace=False))
    return prepared.take(chosen.tolist())


def _key_proposal(
    topic: Any,
    members: Sequence[int],
    representative: int,
    is_duplicate: Sequence[bool],
    prepared: PreparedTexts,
) -> int:
    """The topic model's key proposal unless it is a duplicate; then the closest original
    among the members that reads well (a capital letter, punctuation, a few words)."""
    if not is_duplicate[representative]:
        return representative
    fallback = None
    for i in members[:200]:
        if is_duplicate[i]:
            continue
        text = prepared.texts[i]
        if text[:1].isupper() and any(p in text for p in ".!?") and len(prepared.lemmas[i]) >= 4:
            return i
        fallback = i if fallback is None else fallback
    return fallback if fallback is not None else representative


# --- inputs ------------------------------------------------------------------------------
def _as_documents(documents: Iterable[Document | str | tuple[Any, str]]) -> list[Document]:
    out: list[Document] = []
    for number, item in enumerate(documents, start=1):
        if isinstance(item, Document):
            out.append(item)
        elif isinstance(item, str):
            out.append(Document(id=str(number), text=item))
        else:
            doc_id, text = item[0], item[1]
            out.append(Document(id=str(doc_id), text=text or ""))
    return out


def _as_labels(labels: Iterable[Label | str | tuple[str, str]] | None) -> list[Label] | None:
    if labels is None:
        return None
    out = []
    for item in labels:
        if isinstance(item, Label):
            out.append(item)
        elif isinstance(item, str):
            out.append(Label(item))
        else:
            out.append(Label(item[0], item[1] if len(item) > 1 else ""))
    return out or None


def names_as_labels(names: Iterable[str]) -> list[Label]:
    """Labels of examples that come without descriptions: a name such as «Культура» or «Дороги
    и транспорт» is a short description, and the classifier weighs it as one on held-out
    folds, next to the examples' own prior (harder corpus, 5 examples a label: accuracy
    0.238 → 0.345 over three seeds, kzgov 0.855 → 0.862; benchmarks/README.md, «Few examples:
    names next to the examples' centroids…»)."""
    return [Label(name) for name in sorted({str(name).strip() for name in names} - {""})]


def classification_labels(
    labels: Iterable[Label | str | tuple[str, str]] | None,
    training: Sequence[tuple[str, str]] | None,
) -> list[Label] | None:
    """The labels the classifier gets: those given, else the examples' label names."""
    given = _as_labels(labels)
    if given is None and training:
        return names_as_labels(label for _, label in training)
    return given


# --- the pipeline ------------------------------------------------------------------------
def analyze(
    documents: Iterable[Document | str | tuple[Any, str]],
    *,
    labels: Iterable[Label | str | tuple[str, str]] | None = None,
    training: Sequence[tuple[str, str]] | None = None,
    gazetteer: Iterable[Mapping[str, Any] | Any] | None = None,
    progress: Progress | None = None,
    n_jobs: int = 2,
    chunk_size: int = 5000,
    summarizer: Any = None,
    topic_model: Callable[[], Any] | None = None,
    find_duplicates: bool = True,
    find_topics: bool = True,
    use_ner: bool = True,
    classify_threshold: float | None = None,
    prepared: tuple[PreparedTexts, Sequence[Sequence[str]]] | None = None,
    blas_threads: int | None = 1,
    paraphrases: bool | None = None,
    char_ngrams: bool | None = None,
) -> AnalysisResult:
    """Analyse proposals; see the module docstring.

    `labels`: directions (`Label`, names, or (name, description) pairs) for zero-shot
    classification, or the label set to learn when `training` ((text, label) pairs) is
    given. Without either, texts are not classified and topics span all texts.
    `gazetteer`: rows for `PlaceLinker` (id, name, kind, aliases). `summarizer`: anything
    with `summarize(texts) -> Summary` (an `LLMSummarizer`); extractive by default.
    `topic_model`: a factory of topic models (a `TopicModel` by default).
    `prepared`: (PreparedTexts, place ids per document) computed elsewhere — for instance
    by several workers in chunks — to skip the cleaning and lemmatising pass.
    `blas_threads`: threads for numpy/scipy/scikit-learn in this process (None: their
    default). One is the default: the pipeline parallelises with processes, and BLAS/OpenMP
    threads on a busy 2-core machine make k-means and L-BFGS 10–20 times slower.
    `paraphrases` (duplicates said in other words) and `char_ngrams` (character n-grams in
    the classifier) cost most of the run's time on a large corpus; None means «on up to
    `LARGE_CORPUS` texts, off above», where word-level features give the same accuracy on
    our measurements and copies are still found (see benchmarks/README.md).
    """
    from threadpoolctl import threadpool_limits

    frozen_before = gc.get_freeze_count()
    try:
        with threadpool_limits(limits=blas_threads):
            return _analyze(
                documents,
                labels=labels,
                training=training,
                gazetteer=gazetteer,
                progress=progress,
                n_jobs=n_jobs,
                chunk_size=chunk_size,
                summarizer=summarizer,
                topic_model=topic_model,
                find_duplicates=find_duplicates,
                find_topics=find_topics,
                use_ner=use_ner,
                classify_threshold=classify_threshold,
                prepared=prepared,
                paraphrases=paraphrases,
                char_ngrams=char_ngrams,
            )
    finally:
        if frozen_before == 0 and gc.get_freeze_count():
            gc.unfreeze()  # left frozen by an error while the duplicate processes ran


def _analyze(
    documents: Iterable[Document | str | tuple[Any, str]],
    *,
    labels: Iterable[Label | str | tuple[str, str]] | None,
    training: Sequence[tuple[str, str]] | None,
    gazetteer: Iterable[Mapping[str, Any] | Any] | None,
    progress: Progress | None,
    n_jobs: int,
    chunk_size: int,
    summarizer: Any,
    topic_model: Callable[[], Any] | None,
    find_duplicates: bool,
    find_topics: bool,
    use_ner: bool,
    classify_threshold: float | None,
    prepared: tuple[PreparedTexts, Sequence[Sequence[str]]] | None = None,
    paraphrases: bool | None = None,
    char_ngrams: bool | None = None,
) -> AnalysisResult:
    from civicplan.analytics.text.summarize import ExtractiveSummarizer

    docs = _as_documents(documents)
    label_list = classification_labels(labels, training)
    n = len(docs)
    timings: dict[str, float] = {}
    notify = progress or (lambda stage, done, total: None)

    def timed(stage: str, started: float) -> None:
        timings[stage] = round(time.perf_counter() - started, 3)

    # 1. Clean, lemmatise, link places.
    started = time.perf_counter()
    notify("prepare", 0, n)
    linker = None
    entries: dict[str, Any] = {}
    if gazetteer is not None:
        from civicplan.analytics.text.places import PlaceLinker

        linker = PlaceLinker(gazetteer, use_ner=use_ner)
        entries = {e.id: e for e in linker.entries}
    if prepared is not None:
        # Cleaned texts, lemmas and place ids computed elsewhere (e.g. by several workers).
        given, given_places = prepared
        if len(given) != n or len(given_places) != n:
            raise ValueError("prepared: one entry per document is needed")
        prep, place_ids = given, [list(p) for p in given_places]
        notify("prepare", n, n)
    else:
        prep, place_ids = _prepare(
            [d.text or "" for d in docs],
            linker=linker,
            n_jobs=n_jobs,
            chunk_size=chunk_size,
            report=lambda done: notify("prepare", done, n),
            word_facts=(find_duplicates or find_topics) and n >= PARALLEL_DUPLICATES_FROM,
        )
    timed("prepare", started)
    empty = [not lem and not txt.strip() for lem, txt in zip(prep.lemmas, prep.texts, strict=True)]

    # 2. Dense vectors.
    started = time.perf_counter()
    notify("vectors", 0, n)
    from civicplan.analytics.text.vectorize import NavecVectorizer

    vectorizer = NavecVectorizer()
    vectors = vectorizer.transform(prep.lemmas) if n else np.zeros((0, 300), np.float32)
    notify("vectors", n, n)
    timed("vectors", started)

    # Duplicates compare every text with every other and take the longest; on a large
    # corpus they run in a forked process while this one classifies and clusters.
    dedup_jobs: list[Any] = []
    dedup_pool: Any = None
    finder: Any = None
    frozen = False
    if find_duplicates and n > 1:
        from civicplan.analytics.text.dedup import DuplicateFinder

        finder = DuplicateFinder(
            paraphrases=n <= LARGE_CORPUS if paraphrases is None else paraphrases
        )
        if n_jobs > 1 and n >= PARALLEL_DUPLICATES_FROM:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context: Any
            try:
                context = multiprocessing.get_context("fork")
            except ValueError:  # pragma: no cover - platforms without fork
                context = None
            if context is not None:
                # Near copies and the edited-copy (and paraphrase) passes are independent:
                # two processes, so the longest stage of a large run is split in two.
                _WORKER.update(dedup=(finder, prep, vectors))
                # Objects alive now are left out of garbage collection until the duplicate
                # processes are done: a collection writes into every object it visits, and
                # each page written after the fork is copied (here and in both children).
                if gc.get_freeze_count() == 0:  # not when the host froze its own
                    gc.freeze()
                    frozen = True
                dedup_pool = ProcessPoolExecutor(max_workers=2, mp_context=context)
                dedup_jobs = [
                    dedup_pool.submit(_duplicate_pairs, ("near",)),
                    dedup_pool.submit(_duplicate_pairs, ("edited", "paraphrase")),
                ]
                _WORKER.clear()  # the forked processes keep their copy

    # 3. Directions.
    directions: list[str | None] = [None] * n
    guesses: list[str | None] = [None] * n  # the most likely direction, under the threshold too
    confidences: list[float | None] = [None] * n
    classified = bool(label_list) or bool(training)
    classifier_mode = None
    calibration: dict[str, float] | None = None
    train_prepared: PreparedTexts | None = None
    if classified and n:
        started = time.perf_counter()
        notify("classify", 0, n)
        from civicplan.analytics.text.classify import DirectionClassifier

        kwargs: dict[str, Any] = {}
        if classify_threshold is not None:
            kwargs["threshold"] = classify_threshold
        kwargs["use_char_ngrams"] = n <= LARGE_CORPUS if char_ngrams is None else char_ngrams
        classifier = DirectionClassifier(label_list, **kwargs)
        if training:
            from civicplan.analytics.text.lemmatize import prepare_texts

            train_prepared = prepare_texts([t for t, _ in training], n_jobs=n_jobs)
            # The corpus itself is read too: the confident part of the model's answers on it
            # joins the examples for a second training (a sample of a large corpus).
            classifier.fit(train_prepared, [label for _, label in training], unlabelled=prep)
            calibration = classifier.calibration_
        else:
            # Zero-shot self-trains on the texts themselves; a sample of them is enough, and
            # keeps the character n-gram matrices (the largest objects of the run) bounded.
            classifier.fit(_sample(prep, CLASSIFY_FIT_SAMPLE))
        classifier_mode = getattr(classifier, "mode_", None)
        if classifier.corpus_examples_:
            classifier_mode = f"{classifier_mode}+self-training"
        for start in range(0, n, CLASSIFY_CHUNK):
            part = prep[start : start + CLASSIFY_CHUNK]
            for offset, prediction in enumerate(classifier.predict(part)):
                i = start + offset
                if empty[i]:
                    continue
                directions[i] = prediction.label
                guesses[i] = prediction.best_label
                confidences[i] = round(float(prediction.confidence), 4)
            notify("classify", min(n, start + CLASSIFY_CHUNK), n)
        timed("classify", started)

    # 5. Topics within each direction.
    topic_of = [-1] * n
    topic_results: list[TopicResult] = []
    summarizer = summarizer or ExtractiveSummarizer(max_texts=100)
    by_direction: dict[str | None, list[int]] = {}
    for i in range(n):
        if not empty[i]:
            by_direction.setdefault(directions[i] if classified else None, []).append(i)
    raw_topics: list[tuple[Any, list[int], str | None]] = []
    if find_topics and by_direction:
        started = time.perf_counter()
        from civicplan.analytics.text.stock_sentences import stock_sentences
        from civicplan.analytics.text.topics import TopicModel

        make_model = topic_model or TopicModel
        offset = 0
        done = 0
        notify("topics", 0, n)
        # Sentences written word for word across the whole corpus and its directions (not
        # within one direction, where a subject's own request could be that common) stay out
        # of the topics.
        kept = [i for i in range(n) if not empty[i]]
        stock = stock_sentences(
            [prep.texts[i] for i in kept], [directions[i] for i in kept] if classified else None
        )
        order = sorted(by_direction, key=lambda d: (d is None, -len(by_direction[d]), d or ""))
        for direction in order:
            idx = by_direction[direction]
            model = make_model()
            model.fit(
                prep.take(idx),
                vectors[idx],
                id_offset=offset,
                direction=direction,
                stock=stock,
            )
            offset += len(model.topics_)
            for local, topic in zip(idx, model.labels_.tolist(), strict=True):
                topic_of[local] = int(topic)
            for topic in model.topics_:
                raw_topics.append((topic, [idx[m] for m in topic.members], direction))
            leftovers = [idx[j] for j, t in enumerate(model.labels_.tolist()) if t == -1]
            if leftovers:
                raw_topics.append((None, leftovers, direction))
            done += len(idx)
            notify("topics", done, n)
        timed("topics", started)

    # Summaries do not depend on duplicates: written while the duplicate process works.
    summaries: list[Any] = []
    if raw_topics:
        started = time.perf_counter()
        notify("summaries", 0, len(raw_topics))
        for number, (_topic, member_idx, _direction) in enumerate(raw_topics, start=1):
            summaries.append(summarizer.summarize([prep.texts[i] for i in member_idx]))
            notify("summaries", number, len(raw_topics))
        timed("summaries", started)

    # Duplicates: collect the forked job's answer (or find them here).
    groups: list[DuplicateGroup] = []
    group_of: list[int | None] = [None] * n
    original_of: list[str | None] = [None] * n
    if finder is not None:
        started = time.perf_counter()
        notify("duplicates", 0, n)
        try:
            if dedup_jobs:
                from civicplan.analytics.text.dedup import merge_pairs

                pairs = merge_pairs(*(job.result() for job in dedup_jobs))
                assignments = finder.group(docs, pairs)
            else:
                assignments = finder.find(docs, prepared=prep, vectors=vectors)
        finally:
            if dedup_pool is not None:
                dedup_pool.shutdown()
            if frozen:
                gc.unfreeze()
        members: dict[int, list[int]] = {}
        for i, a in enumerate(assignments):
            if a.group is not None and not empty[i]:
                group_of[i] = a.group
                original_of[i] = a.duplicate_of_id
                members.setdefault(a.group, []).append(i)
        for number in sorted(members):
            idx = members[number]
            original = next((i for i in idx if original_of[i] is None), idx[0])
            ordered = [original, *[i for i in idx if i != original]]
            groups.append(
                DuplicateGroup(number, docs[original].id, tuple(docs[i].id for i in ordered))
            )
        notify("duplicates", n, n)
        timed("duplicates", started)
    is_duplicate = [o is not None for o in original_of]

    if raw_topics:
        started = time.perf_counter()
        for (topic, member_idx, direction), summary in zip(raw_topics, summaries, strict=True):
            if topic is None:
                topic_results.append(
                    TopicResult(
                        id=-1,
                        direction=direction,
                        label="прочее",
                        terms=(),
                        size=len(member_idx),
                        key_document_id=None,
                        key_text="",
                        summary=summary.text,
                        summary_method=summary.method,
                        member_indices=tuple(member_idx),
                    )
                )
                continue
            key = _key_proposal(
                topic,
                member_idx,
                by_direction[direction][topic.representative],
                is_duplicate,
                prep,
            )
            topic_results.append(
                TopicResult(
                    id=topic.id,
                    direction=direction,
                    label=topic.label,
                    terms=topic.terms,
                    size=topic.size,
                    key_document_id=docs[key].id,
                    key_text=prep.texts[key],
                    summary=summary.text,
                    summary_method=summary.method,
                    member_indices=tuple(member_idx),
                )
            )
        # A key proposal is shown as an excerpt: without its signature, names, addresses.
        from civicplan.analytics.text.personal import mask_personal_data_many

        shown = [i for i, t in enumerate(topic_results) if t.key_text]
        masked = mask_personal_data_many(
            [topic_results[i].key_text for i in shown], drop_signatures=True
        )
        for i, text in zip(shown, masked, strict=True):
            topic_results[i] = replace(topic_results[i], key_text=text)
        timed("key proposals", started)

    labels_by_topic = {t.id: t.label for t in topic_results if t.id >= 0}
    results = [
        DocumentResult(
            index=i,
            id=docs[i].id,
            text=prep.texts[i],
            direction=directions[i],
            guess=guesses[i],
            confidence=confidences[i],
            duplicate_group=group_of[i],
            duplicate_of=original_of[i],
            topic=topic_of[i],
            topic_label=labels_by_topic.get(topic_of[i], "прочее"),
            places=tuple(place_ids[i]),
        )
        for i in range(n)
    ]
    direction_counts: Counter[str] = Counter()
    if classified:
        direction_counts.update(r.direction_display for r in results)
    place_counts: Counter[str] = Counter(p for r in results for p in r.places)
    places = [
        PlaceCount(
            id=pid,
            name=entries[pid].name if pid in entries else pid,
            kind=entries[pid].kind if pid in entries else "",
            documents=count,
        )
        for pid, count in sorted(place_counts.items(), key=lambda x: (-x[1], x[0]))
    ]
    if label_list:
        for label in label_list:
            direction_counts.setdefault(label.name, 0)
    return AnalysisResult(
        documents=results,
        topics=topic_results,
        duplicate_groups=groups,
        directions=dict(direction_counts.most_common()),
        places=places,
        classified=classified,
        classifier_mode=classifier_mode,
        timings=timings,
        classifier_calibration=calibration,
        training_prepared=train_prepared,
    )
