"""How well a direction classifier does, direction by direction.

    evaluation = cross_validate(texts, labels, make_classifier=lambda: DirectionClassifier(L))
    evaluation.accuracy, evaluation.macro_f1
    evaluation.weakest_first()          # per-direction precision / recall / F1 / support
    evaluation.confusions(limit=5)      # «Спорт» taken for «Культура» 7 times, …

`cross_validate` runs stratified k-fold cross-validation on labelled examples: every example
is predicted once by a classifier trained on the other folds, so a direction with a handful
of examples is tested on each of them. A prediction below the classifier's threshold
(«не определено») counts as a miss. Above `max_examples` a stratified sample is evaluated
(rare directions kept whole), so the cost is bounded whatever the campaign's size.

`score` turns true and predicted labels into the same figures (the benchmarks and the CLI use
it too). Results are plain data with `to_dict`/`from_dict` for storage: labels and counts
only, never texts.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from civicplan.analytics.text.types import Prediction, PreparedTexts

DEFAULT_FOLDS = 5
DEFAULT_MAX_EXAMPLES = 2000
KEEP_WHOLE = 40
"""Directions with at most this many examples are never sampled down."""
WEAK_F1 = 0.5
"""Below this F1 a direction is flagged: fewer than half its texts handled right."""
FEW_EXAMPLES = 20
"""A direction with fewer labelled examples is flagged: the model and its figures are unsure."""


class _Classifier(Protocol):
    def fit(self, texts: Any, y: Sequence[str | None] | None = None) -> Any: ...

    def predict(self, texts: Any) -> list[Prediction]: ...


@dataclass(frozen=True, slots=True)
class ClassScores:
    """One direction: how often it is right when predicted (precision), how many of its
    examples it finds (recall), their harmonic mean (F1), and its labelled examples."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True, slots=True)
class Confusion:
    """`count` examples of `truth` were predicted as `predicted` (None: «не определено»)."""

    truth: str
    predicted: str | None
    count: int


@dataclass(slots=True)
class Evaluation:
    labels: list[str]
    classes: list[ClassScores]  # in the order of `labels`
    matrix: list[list[int]]  # rows: truth; columns: `labels`, then «не определено»
    accuracy: float
    macro_f1: float  # over the directions that have examples
    examples: int  # examples evaluated
    examples_total: int  # labelled examples given
    labelled: dict[str, int] = field(default_factory=dict)  # all labelled, before sampling
    folds: int = 0
    seconds: float = 0.0

    def weakest_first(self) -> list[ClassScores]:
        """Directions by F1, the weakest first; among equals, fewer examples first."""
        return sorted(self.classes, key=lambda c: (c.f1, c.support, c.label))

    def problem(self, scores: ClassScores) -> str:
        """What is wrong with a direction: "unlabelled" (no examples), "missed" (few examples
        and F1 under `WEAK_F1`), "few" (few examples), "weak" (F1 under `WEAK_F1`) or ""."""
        labelled = self.labelled.get(scores.label, scores.support)
        if labelled == 0:
            return "unlabelled"
        if labelled < FEW_EXAMPLES:
            return "missed" if scores.f1 < WEAK_F1 else "few"
        return "weak" if scores.f1 < WEAK_F1 else ""

    def confusions(self, limit: int = 10, *, undefined: bool = True) -> list[Confusion]:
        """The most frequent mistakes, largest first."""
        out: list[Confusion] = []
        columns: list[str | None] = [*self.labels, None]
        for i, row in enumerate(self.matrix):
            for j, count in enumerate(row):
                if count and j != i and (undefined or columns[j] is not None):
                    out.append(Confusion(self.labels[i], columns[j], count))
        out.sort(key=lambda c: (-c.count, c.truth, c.predicted or ""))
        return out[:limit]

    def relabel(self, mapping: Mapping[str, Hashable]) -> Evaluation:
        """The same figures under other names (e.g. direction ids for storage)."""

        def name(label: str) -> str:
            return str(mapping.get(label, label))

        return Evaluation(
            labels=[name(label) for label in self.labels],
            classes=[
                ClassScores(name(c.label), c.precision, c.recall, c.f1, c.support, c.predicted)
                for c in self.classes
            ],
            matrix=[list(row) for row in self.matrix],
            accuracy=self.accuracy,
            macro_f1=self.macro_f1,
            examples=self.examples,
            examples_total=self.examples_total,
            labelled={name(label): n for label, n in self.labelled.items()},
            folds=self.folds,
            seconds=self.seconds,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evaluation:
        return cls(
            labels=[str(label) for label in data["labels"]],
            classes=[ClassScores(**c) for c in data["classes"]],
            matrix=[[int(v) for v in row] for row in data["matrix"]],
            accuracy=float(data["accuracy"]),
            macro_f1=float(data["macro_f1"]),
            examples=int(data["examples"]),
            examples_total=int(data["examples_total"]),
            labelled={str(k): int(v) for k, v in data.get("labelled", {}).items()},
            folds=int(data.get("folds", 0)),
            seconds=float(data.get("seconds", 0.0)),
        )


def score(
    truth: Sequence[str], predicted: Sequence[str | None], labels: Sequence[str] | None = None
) -> Evaluation:
    """Per-direction precision / recall / F1, accuracy, macro-F1 and the confusion matrix.

    `labels` fixes the order (and adds directions without examples); a predicted label
    outside it, or None, falls into the «не определено» column.
    """
    if len(truth) != len(predicted):
        raise ValueError("Число ответов и число верных меток не совпадают.")
    names = list(labels) if labels is not None else sorted(set(truth))
    names += sorted(set(truth) - set(names))
    index = {name: i for i, name in enumerate(names)}
    undefined = len(names)
    matrix = [[0] * (len(names) + 1) for _ in names]
    for t, p in zip(truth, predicted, strict=True):
        matrix[index[t]][index.get(p, undefined) if p is not None else undefined] += 1
    classes: list[ClassScores] = []
    for k, name in enumerate(names):
        tp = matrix[k][k]
        support = sum(matrix[k])
        n_predicted = sum(row[k] for row in matrix)
        precision = tp / n_predicted if n_predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        classes.append(
            ClassScores(
                name, round(precision, 4), round(recall, 4), round(f1, 4), support, n_predicted
            )  # fmt: skip
        )
    present = [c for c in classes if c.support]
    correct = sum(matrix[k][k] for k in range(len(names)))
    return Evaluation(
        labels=names,
        classes=classes,
        matrix=matrix,
        accuracy=round(correct / len(truth), 4) if truth else 0.0,
        macro_f1=round(sum(c.f1 for c in present) / len(present), 4) if present else 0.0,
        examples=len(truth),
        examples_total=len(truth),
        labelled=dict(Counter(truth)),
    )


def evaluable(y: Sequence[str]) -> bool:
    """Cross-validation needs two directions with at least two examples each."""
    counts = Counter(y)
    return sum(1 for c in counts.values() if c >= 2) >= 2


def stratified_sample(y: Sequence[str], limit: int, *, seed: int = 0) -> list[int]:
    """Positions of about `limit` examples in the directions' proportions; a direction with
    at most `KEEP_WHOLE` examples is kept whole (it is the one the figures are about)."""
    if len(y) <= limit:
        return list(range(len(y)))
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(y):
        by_label.setdefault(label, []).append(i)
    whole = sum(len(m) for m in by_label.values() if len(m) <= KEEP_WHOLE)
    rest = len(y) - whole
    ratio = max(limit - whole, 0) / rest if rest else 1.0
    chosen: list[int] = []
    for label in sorted(by_label):
        members = by_label[label]
        if len(members) <= KEEP_WHOLE:
            chosen += members
        else:
            chosen += rng.sample(members, max(KEEP_WHOLE, round(len(members) * ratio)))
    return sorted(chosen)


def fold_assignment(y: Sequence[str], folds: int, *, seed: int = 0) -> list[int]:
    """A fold for each example, each direction dealt round the folds (stratified); a
    direction with fewer examples than folds is tested in as many folds as it has examples."""
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(y):
        by_label.setdefault(label, []).append(i)
    fold_of = [0] * len(y)
    start = 0
    for label in sorted(by_label):
        members = by_label[label]
        rng.shuffle(members)
        for j, i in enumerate(members):
            fold_of[i] = (start + j) % folds
        start = (start + len(members)) % folds  # small directions do not all land in fold 0
    return fold_of


PARALLEL_FROM = 200
"""From this many examples evaluated, `n_jobs` > 1 runs the folds in forked processes."""

_FOLDS: dict[str, Any] = {}
"""The folds' inputs, set before forking (the processes inherit them without pickling)."""


def _fold_predictions(f: int) -> list[str | None]:
    """Train on every fold but `f`, predict fold `f` (labels in the order of its examples)."""
    make_classifier, prepared, truth, fold_of = _FOLDS["job"]
    train = [i for i, g in enumerate(fold_of) if g != f]
    test = [i for i, g in enumerate(fold_of) if g == f]
    if not test:
        return []
    model = make_classifier()
    model.fit(prepared.take(train), [truth[i] for i in train])
    return [p.label for p in model.predict(prepared.take(test))]


def _fold_in_worker(f: int) -> tuple[int, list[str | None]]:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # one BLAS thread in each of the processes
        return f, _fold_predictions(f)


def _run_folds(
    k: int, n_jobs: int, progress: Callable[[int, int], None] | None
) -> dict[int, list[str | None]]:
    out: dict[int, list[str | None]] = {}
    if n_jobs <= 1:
        for f in range(k):
            if progress is not None:
                progress(f, k)
            out[f] = _fold_predictions(f)
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context: Any
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        context = multiprocessing.get_context()
    if progress is not None:
        progress(0, k)
    with ProcessPoolExecutor(max_workers=min(n_jobs, k), mp_context=context) as pool:
        for future in as_completed([pool.submit(_fold_in_worker, f) for f in range(k)]):
            f, labels = future.result()
            out[f] = labels
            if progress is not None:
                progress(len(out), k)
    return out


def cross_validate(
    texts: Sequence[str] | PreparedTexts,
    y: Sequence[str],
    *,
    make_classifier: Callable[[], _Classifier],
    labels: Sequence[str] | None = None,
    folds: int = DEFAULT_FOLDS,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    n_jobs: int = 1,
) -> Evaluation | None:
    """Stratified k-fold cross-validation of `make_classifier()` on labelled examples.

    None when there is nothing to evaluate (fewer than two directions with two examples).
    `texts` may be `PreparedTexts` (cleaned and lemmatised once by the caller); raw strings
    are prepared here, only the sampled ones. `labels` (e.g. every direction of the
    strategy) orders the result and lists directions that have no examples yet. With
    `n_jobs` > 1 (and at least `PARALLEL_FROM` examples) the folds are trained in that many
    forked processes, one BLAS thread each: the same figures, sooner.
    """
    from civicplan.analytics.text.lemmatize import as_prepared

    started = time.perf_counter()
    y = [str(label) for label in y]
    if len(texts) != len(y):
        raise ValueError("Число текстов и число меток не совпадают.")
    if not evaluable(y):
        return None
    chosen = stratified_sample(y, max_examples, seed=seed)
    if isinstance(texts, PreparedTexts):
        prepared = texts.take(chosen)
    else:
        prepared = as_prepared([texts[i] for i in chosen])
    truth = [y[i] for i in chosen]
    largest = max(Counter(truth).values())
    k = max(2, min(folds, largest))
    fold_of = fold_assignment(truth, k, seed=seed)
    predicted: list[str | None] = [None] * len(truth)
    _FOLDS["job"] = (make_classifier, prepared, truth, fold_of)
    try:
        by_fold = _run_folds(k, n_jobs if len(truth) >= PARALLEL_FROM else 1, progress)
    finally:
        _FOLDS.clear()
    for f, fold_labels in by_fold.items():
        test = [i for i, g in enumerate(fold_of) if g == f]
        for i, label in zip(test, fold_labels, strict=True):
            predicted[i] = label
    if progress is not None:
        progress(k, k)
    result = score(truth, predicted, labels)
    result.examples_total = len(y)
    result.labelled = dict(Counter(y))
    result.folds = k
    result.seconds = round(time.perf_counter() - started, 2)
    return result


_PROBLEMS = {
    "unlabelled": "нет размеченных примеров",
    "missed": "почти не распознаётся: разметьте ещё 20–30 примеров",
    "few": "мало примеров, оценка приблизительна",
    "weak": "распознаётся плохо",
}


def format_text(evaluation: Evaluation, *, confusions: int = 10) -> str:
    """The figures as a plain-text table (the CLI and the benchmarks print it)."""

    def num(value: float) -> str:
        return f"{value:.2f}".replace(".", ",")

    width = max([len("метка"), *(len(c.label) for c in evaluation.classes)])
    how = (
        f"Перекрёстная проверка ({evaluation.folds} частей): {evaluation.examples} из "
        f"{evaluation.examples_total} размеченных примеров."
        if evaluation.folds
        else f"Проверка на {evaluation.examples} размеченных примерах."
    )
    lines = [
        how,
        f"Верно определено: {round(evaluation.accuracy * 100)} %; "
        f"macro-F1: {num(evaluation.macro_f1)}.",
        "",
        f"{'метка':<{width}}  точность  полнота    F1  примеров",
    ]
    for c in evaluation.weakest_first():
        problem = evaluation.problem(c)
        note = f"  ← {_PROBLEMS[problem]}" if problem else ""
        labelled = evaluation.labelled.get(c.label, c.support)
        lines.append(
            f"{c.label:<{width}}  {num(c.precision):>8}  {num(c.recall):>7}  {num(c.f1):>4}"
            f"  {labelled:>8}{note}"
        )
    mistakes = evaluation.confusions(confusions)
    if mistakes:
        lines += ["", "Частые ошибки:"]
        for m in mistakes:
            if m.predicted is None:
                lines.append(f"  «{m.truth}» остаётся без метки («не определено») — {m.count}")
            else:
                lines.append(f"  «{m.truth}» принимают за «{m.predicted}» — {m.count}")
    return "\n".join(lines)
