"""Plain data passed between the steps of the text pipeline.

Every step takes and returns these dataclasses, lists and numpy arrays, so a step can be
swapped (another embedding, another classifier) without touching the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

UNDEFINED_LABEL = "не определено"
"""What a person sees when the classifier is not confident enough (`Prediction.label is None`)."""


@dataclass(frozen=True, slots=True)
class Document:
    """One text to analyse: a proposal, a complaint, a comment."""

    id: str
    text: str
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Label:
    """A class the classifier may choose: a strategy direction, a category.

    `description` (a sentence or a list of key words, in Russian) is what zero-shot
    classification compares texts with, so it should say what the direction covers.
    """

    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Prediction:
    """The classifier's answer for one text.

    `label` is None when the best score is below the classifier's threshold: the text is
    shown as «не определено» and waits for a moderator. `scores` holds the probability of
    every label (they sum to 1).
    """

    label: str | None
    confidence: float
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def display_label(self) -> str:
        return self.label if self.label is not None else UNDEFINED_LABEL

    @property
    def best_label(self) -> str | None:
        """The most likely label, also when it is under the threshold (a guess for review)."""
        if self.label is not None or not self.scores:
            return self.label
        return max(self.scores.items(), key=lambda item: item[1])[0]


@dataclass(frozen=True, slots=True)
class DuplicateAssignment:
    """Where one document stands among the duplicates.

    `group` is shared by all members of a duplicate group (the original included) and is
    None for a unique text. `duplicate_of` is the input index of the group's original and
    `duplicate_of_id` its id; both are None for the original itself and for unique texts.
    `similarity` is the score of the strongest link that put the document in its group.
    """

    group: int | None = None
    duplicate_of: int | None = None
    duplicate_of_id: str | None = None
    similarity: float = 0.0

    @property
    def is_original(self) -> bool:
        return self.group is not None and self.duplicate_of is None


@dataclass(slots=True)
class PreparedTexts:
    """Texts after cleaning and lemmatisation, computed once and shared by every step.

    `texts[i]` is the cleaned text (HTML removed, contacts masked), `lemmas[i]` its content
    words in normal form.
    """

    texts: list[str]
    lemmas: list[list[str]]

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, item: slice) -> PreparedTexts:
        return PreparedTexts(self.texts[item], self.lemmas[item])

    def take(self, indices: list[int]) -> PreparedTexts:
        return PreparedTexts([self.texts[i] for i in indices], [self.lemmas[i] for i in indices])
