"""Per-process caches of the engine's models for a campaign.

Building a similarity index or training a classifier takes seconds; answering a query takes
milliseconds. Each web or worker process keeps one index and one classifier per campaign and
brings them up to date incrementally: new proposals are added to the index without a
rebuild, and the classifier is retrained when moderators have labelled more proposals.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from civicplan.campaigns.models import Campaign
from civicplan.core.similarity import text_index_reset
from civicplan.proposals.models import PUBLIC_STATUSES, Proposal
from civicplan.proposals.selectors import proposal_text_index

logger = logging.getLogger(__name__)
_LOCK = threading.Lock()


@dataclass
class _CampaignModels:
    classifier: Any = None
    classifier_examples: int = -1
    classifier_mode: str = ""
    linker: Any = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_CACHE: dict[int, _CampaignModels] = {}


def _models(campaign_id: int) -> _CampaignModels:
    with _LOCK:
        return _CACHE.setdefault(campaign_id, _CampaignModels())


def engine_reset(campaign_id: int | None = None) -> None:
    """Forget cached models (tests, or after a campaign's directions changed)."""
    with _LOCK:
        if campaign_id is None:
            _CACHE.clear()
            text_index_reset("proposals:", prefix=True)
        else:
            _CACHE.pop(campaign_id, None)
            text_index_reset(f"proposals:{campaign_id}")


def similarity_index(campaign: Campaign) -> Any:
    """The campaign's proposals in the shared text index (the one the proposal form uses),
    with every proposal that exists now added to it."""
    return proposal_text_index(campaign)


def similarity_index_for_page(campaign: Campaign) -> Any:
    """The same index for a visitor's page: a few new proposals are added at once, many in
    the background (the page answers from the index as it is, or None while there is none)."""
    return proposal_text_index(campaign, for_page=True)


def direction_labels(campaign: Campaign) -> list[Any]:
    from civicplan.analytics.text.types import Label

    if campaign.strategy_id is None:
        return []
    strategy = campaign.strategy
    if strategy is None:
        return []
    return [Label(d.title, d.description) for d in strategy.directions.all()]


def training_examples(campaign: Campaign) -> list[tuple[str, str]]:
    """Proposals whose direction a moderator has set or confirmed: published ones with a direction."""
    return list(
        Proposal.objects.filter(
            campaign=campaign, status__in=PUBLIC_STATUSES, direction__isnull=False
        ).values_list("text", "direction__title")
    )


def usable_training(examples: list[tuple[str, str]]) -> bool:
    """Supervised learning starts when at least two directions have two examples each."""
    from collections import Counter

    counts = Counter(label for _, label in examples)
    return sum(1 for c in counts.values() if c >= 2) >= 2


EVALUATION_MAX_EXAMPLES = 1000
"""Labelled examples the analysis job cross-validates at most (a stratified sample above it;
benchmarks/README.md, issue 14)."""
EVALUATION_METHOD = "cv5-calibrated-once"
"""Changes when the evaluation's method does: figures stored under another one are redone."""


def evaluation_fingerprint(
    campaign: Campaign,
    examples: list[tuple[str, str]],
    *,
    corpus_size: int = 0,
    max_examples: int = EVALUATION_MAX_EXAMPLES,
) -> str:
    """A digest of what the evaluation's figures depend on: the labelled examples, the
    directions (names, descriptions, ids), the classifier's settings and the method. Equal
    digests, equal figures: a re-analysis after new proposals without new labels reuses them."""
    import hashlib
    import json

    from civicplan.analytics.text.pipeline import LARGE_CORPUS

    directions = (
        list(campaign.strategy.directions.order_by("pk").values_list("pk", "title", "description"))
        if campaign.strategy is not None
        else []
    )
    digest = hashlib.sha256()
    head = [EVALUATION_METHOD, max_examples, corpus_size <= LARGE_CORPUS, directions]
    digest.update(json.dumps(head, ensure_ascii=False, default=str).encode())
    for text, label in sorted(examples):
        digest.update(json.dumps([text, label], ensure_ascii=False).encode())
    return digest.hexdigest()


def classifier_evaluation(
    campaign: Campaign,
    examples: list[tuple[str, str]],
    *,
    corpus_size: int = 0,
    progress: Any = None,
    max_examples: int = EVALUATION_MAX_EXAMPLES,
    prepared: Any = None,
    calibration: dict[str, float] | None = None,
    n_jobs: int = 1,
) -> dict[str, Any] | None:
    """Per-direction quality of the campaign's classifier on the moderators' labels
    (stratified cross-validation), keyed by direction id: numbers only, no texts.

    The classifier is built as the analysis builds it for a corpus of `corpus_size` texts
    (without character n-grams above the pipeline's `LARGE_CORPUS`). Its calibration (the
    label descriptions' weight and the probabilities' temperature, which the classifier
    chooses on three held-out folds of its examples) is chosen once on the examples
    evaluated and reused in each fold: four times cheaper than choosing it again in every
    fold, the same figures to within noise on the hard corpus, slightly optimistic in
    principle (the dashboard says so; benchmarks/README.md). `calibration`: the analysis's
    own model's, reused when every example is evaluated (it was chosen on exactly those).
    `prepared`: the examples' texts already cleaned and lemmatised. `n_jobs`: folds trained
    in that many processes."""
    from civicplan.analytics.text.classify import DirectionClassifier
    from civicplan.analytics.text.evaluation import cross_validate, stratified_sample
    from civicplan.analytics.text.lemmatize import as_prepared
    from civicplan.analytics.text.pipeline import LARGE_CORPUS

    labels = direction_labels(campaign)
    if not labels or campaign.strategy is None:
        return None
    ids = {d.title: d.pk for d in campaign.strategy.directions.all()}
    y = [label for _, label in examples]
    char_ngrams = corpus_size <= LARGE_CORPUS
    with one_blas_thread():
        if prepared is None:
            prepared = as_prepared([text for text, _ in examples])
        chosen = stratified_sample(y, max_examples)
        if calibration is None or len(chosen) < len(y):
            if progress is not None:
                progress(0, 1)
            calibration = (
                DirectionClassifier(labels, use_char_ngrams=char_ngrams)
                .fit(prepared.take(chosen), [y[i] for i in chosen])
                .calibration_
            )
        result = cross_validate(
            prepared,
            y,
            make_classifier=lambda: DirectionClassifier(
                labels, use_char_ngrams=char_ngrams, calibration=calibration
            ),
            labels=[label.name for label in labels],
            max_examples=max_examples,
            progress=progress,
            n_jobs=n_jobs,
        )
    if result is None:
        return None
    stored = result.relabel(ids).to_dict()
    stored["calibration"] = "once"  # the dashboard's method text says what it means
    return stored


def one_blas_thread() -> Any:
    """numpy and scikit-learn on one thread: a web or worker process is one of several, and
    their own thread pools made training 10–25 times slower on a busy two-core machine."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def classifier(campaign: Campaign) -> tuple[Any, str]:
    """A classifier trained on the campaign's current labels (retrained when they change)."""
    from civicplan.analytics.text.classify import DirectionClassifier

    labels = direction_labels(campaign)
    if not labels:
        return None, ""
    examples = training_examples(campaign)
    models = _models(campaign.pk)
    with models.lock:
        if models.classifier is not None and models.classifier_examples == len(examples):
            return models.classifier, models.classifier_mode
        model = DirectionClassifier(labels)
        # The campaign's latest proposals: zero-shot learns from them, a model of the
        # moderators' examples reads the unlabelled ones as the campaign run does.
        recent = Proposal.objects.filter(campaign=campaign).order_by("-pk")
        if usable_training(examples):
            unlabelled = recent.filter(direction__isnull=True).values_list("text", flat=True)
            model.fit(
                [t for t, _ in examples],
                [label for _, label in examples],
                unlabelled=list(unlabelled[:2000]),
            )
        else:
            model.fit(list(recent.values_list("text", flat=True)[:2000]))
        models.classifier = model
        models.classifier_examples = len(examples)
        models.classifier_mode = str(getattr(model, "mode_", ""))
        return model, models.classifier_mode


def gazetteer(campaign: Campaign) -> list[dict[str, Any]]:
    """The campaign region's municipalities and towns as gazetteer rows (ids: municipality pk)."""
    from civicplan.territories.models import City, Municipality

    rows: list[dict[str, Any]] = []
    centres: dict[int, list[str]] = {}
    for city in City.objects.filter(region_id=campaign.region_id, municipality__isnull=False):
        if city.municipality_id is not None:
            centres.setdefault(city.municipality_id, []).append(city.name)
    for m in Municipality.objects.filter(region_id=campaign.region_id).exclude(kind="intracity"):
        aliases = list(centres.get(m.pk, []))
        centre = m.center.split(" ", 1)[-1] if m.center else ""
        if centre and m.kind == "urban_okrug" and centre not in aliases:
            aliases.append(centre)
        rows.append(
            {"id": str(m.pk), "name": m.name, "kind": m.get_kind_display(), "aliases": aliases}
        )
    return rows


def place_linker(campaign: Campaign) -> Any:
    from civicplan.analytics.text.places import PlaceLinker

    models = _models(campaign.pk)
    with models.lock:
        if models.linker is None:
            models.linker = PlaceLinker(gazetteer(campaign), use_ner=False)
        return models.linker
