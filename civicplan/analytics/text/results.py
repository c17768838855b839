"""What `pipeline.analyze` returns: plain dataclasses, ready for a CSV, a report or
database rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from civicplan.analytics.text.types import UNDEFINED_LABEL, PreparedTexts

__all__ = ["AnalysisResult", "DocumentResult", "DuplicateGroup", "PlaceCount", "TopicResult"]


@dataclass(frozen=True, slots=True)
class DocumentResult:
    index: int  # position in the input
    id: str
    text: str  # cleaned text (HTML removed, contacts masked)
    direction: str | None = None  # None: not classified, or «не определено»
    guess: str | None = None  # the most likely direction, also when under the threshold
    confidence: float | None = None
    duplicate_group: int | None = None
    duplicate_of: str | None = None  # id of the group's original
    topic: int = -1
    topic_label: str = "прочее"
    places: tuple[str, ...] = ()  # gazetteer ids

    @property
    def direction_display(self) -> str:
        return self.direction if self.direction is not None else UNDEFINED_LABEL


@dataclass(frozen=True, slots=True)
class TopicResult:
    id: int  # -1 for «прочее» (one per direction)
    direction: str | None
    label: str
    terms: tuple[str, ...]
    size: int
    key_document_id: str | None
    key_text: str
    summary: str
    summary_method: str
    member_indices: tuple[int, ...]  # closest to the centre first


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    number: int
    original_id: str
    member_ids: tuple[str, ...]  # original first

    @property
    def size(self) -> int:
        return len(self.member_ids)


@dataclass(frozen=True, slots=True)
class PlaceCount:
    id: str
    name: str
    kind: str
    documents: int


@dataclass(slots=True)
class AnalysisResult:
    documents: list[DocumentResult]
    topics: list[TopicResult]
    duplicate_groups: list[DuplicateGroup]
    directions: dict[str, int]  # direction → number of texts («не определено» included)
    places: list[PlaceCount]
    classified: bool
    classifier_mode: str | None = None  # "zero-shot", "supervised", … as the classifier says
    timings: dict[str, float] = field(default_factory=dict)
    classifier_calibration: dict[str, float] | None = None
    """What the classifier chose on held-out folds of the labelled examples (`calibration_`):
    the cross-validation of the dashboard reuses it instead of choosing again in each fold."""
    training_prepared: PreparedTexts | None = field(default=None, repr=False)
    """The labelled examples, cleaned and lemmatised, in the order given (not for storage)."""

    @property
    def duplicates(self) -> int:
        """Texts that repeat an earlier one."""
        return sum(1 for d in self.documents if d.duplicate_of is not None)
