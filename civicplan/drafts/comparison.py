"""Comparison of two versions of a draft: paragraph by paragraph, word by word.

Paragraphs are matched across versions by their `lineage` (a UUID a paragraph keeps when a
new version is made from the previous one), not by position or number: a paragraph renumbered
because another was inserted above it is still «the same paragraph». Inside a changed
paragraph the words are aligned with `difflib.SequenceMatcher`; the result is a list of
segments («same», «ins», «del») that a template renders with `<ins>`/`<del>`.

Pure functions over anything with `lineage` and `text` (models, or the plain rows of a test).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

SegmentKind = Literal["same", "ins", "del"]
ChangeKind = Literal["added", "removed", "changed", "same"]

# A word (or a run of punctuation) with the spaces after it: the spaces travel with the word,
# so a rendered diff keeps the text's own spacing, and «дороги.» → «дороги к 2030 году.» is
# an insertion before the full stop, not a replaced word.
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*\s*|[^\w\s]+\s*|\s+")


class ParagraphLike(Protocol):
    @property
    def lineage(self) -> Any: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    text: str


@dataclass
class ParagraphChange:
    """One paragraph in the comparison: what it was (`old`), what it is (`new`), the words."""

    kind: ChangeKind
    lineage: Hashable
    old: Any | None
    new: Any | None
    segments: list[Segment] = field(default_factory=list)
    words_inserted: int = 0
    words_deleted: int = 0

    @property
    def paragraph(self) -> Any:
        """The paragraph as it reads in the later version (or the earlier one, if removed)."""
        return self.new if self.new is not None else self.old


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _key(token: str) -> str:
    return token.strip()


def _append(segments: list[Segment], kind: SegmentKind, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].kind == kind:
        segments[-1] = Segment(kind, segments[-1].text + text)
    else:
        segments.append(Segment(kind, text))


def word_diff(old: str, new: str) -> list[Segment]:
    """The words of `new` against `old`: unchanged runs, deletions and insertions in reading
    order (a replaced run reads as its deletion followed by its insertion)."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(
        a=[_key(t) for t in old_tokens], b=[_key(t) for t in new_tokens], autojunk=False
    )
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            # Equal words may differ in the spaces after them: the new spacing wins.
            _append(segments, "same", "".join(new_tokens[j1:j2]))
            continue
        if tag in ("delete", "replace"):
            _append(segments, "del", "".join(old_tokens[i1:i2]))
        if tag in ("insert", "replace"):
            _append(segments, "ins", "".join(new_tokens[j1:j2]))
    return segments


def _count_words(segments: Sequence[Segment], kind: SegmentKind) -> int:
    return sum(len(s.text.split()) for s in segments if s.kind == kind)


def _normalised(text: str) -> str:
    return " ".join((text or "").split())


def paragraph_change(old: Any | None, new: Any | None) -> ParagraphChange:
    """The change from `old` to `new` (either may be None: added or removed)."""
    segments: list[Segment]
    kind: ChangeKind
    if new is not None and old is None:
        lineage = new.lineage
        segments = [Segment("ins", new.text)] if new.text else []
        kind = "added"
    elif old is not None and new is None:
        lineage = old.lineage
        segments = [Segment("del", old.text)] if old.text else []
        kind = "removed"
    elif old is not None and new is not None:
        lineage = new.lineage
        if _normalised(old.text) == _normalised(new.text):
            segments = [Segment("same", new.text)] if new.text else []
            kind = "same"
        else:
            segments = word_diff(old.text, new.text)
            kind = "changed"
    else:
        raise ValueError("paragraph_change needs at least one paragraph")
    return ParagraphChange(
        kind=kind,
        lineage=lineage,
        old=old,
        new=new,
        segments=segments,
        words_inserted=_count_words(segments, "ins"),
        words_deleted=_count_words(segments, "del"),
    )


def compare_paragraphs(old: Sequence[Any], new: Sequence[Any]) -> list[ParagraphChange]:
    """Every paragraph of either version, in the later version's order; a removed paragraph
    stands after the paragraph that preceded it in the earlier version."""
    old_by_lineage = {p.lineage: p for p in old}
    new_lineages = {p.lineage for p in new}
    # Removed paragraphs, keyed by the lineage of the nearest earlier paragraph that survives
    # (None: they open the document).
    removed_after: dict[Hashable, list[Any]] = {}
    anchor: Hashable = None
    for paragraph in old:
        if paragraph.lineage in new_lineages:
            anchor = paragraph.lineage
        else:
            removed_after.setdefault(anchor, []).append(paragraph)

    changes = [paragraph_change(p, None) for p in removed_after.get(None, [])]
    for paragraph in new:
        changes.append(paragraph_change(old_by_lineage.get(paragraph.lineage), paragraph))
        changes.extend(paragraph_change(p, None) for p in removed_after.get(paragraph.lineage, []))
    return changes


@dataclass(frozen=True)
class ComparisonTotals:
    added: int
    removed: int
    changed: int
    same: int

    @property
    def touched(self) -> int:
        return self.added + self.removed + self.changed


def comparison_totals(changes: Sequence[ParagraphChange]) -> ComparisonTotals:
    counts = {"added": 0, "removed": 0, "changed": 0, "same": 0}
    for change in changes:
        counts[change.kind] += 1
    return ComparisonTotals(**counts)


# --- loading two versions from the database --------------------------------------------------


@dataclass
class ComparedParagraph:
    """A paragraph as the comparison needs it."""

    pk: int
    lineage: Any
    text: str
    number: str
    kind: str
    section: Any | None
    accepted_answers: list[Any] = field(default_factory=list)


@dataclass
class SectionChanges:
    """The changes inside one section of the later version (removed paragraphs stand in the
    section they had)."""

    section: Any | None
    changes: list[ParagraphChange]


@dataclass
class VersionComparison:
    old: Any
    new: Any
    sections: list[SectionChanges]
    totals: ComparisonTotals


def version_comparison(old: Any, new: Any, *, only_changed: bool = True) -> VersionComparison:
    """Compare two versions of one draft. Each paragraph of the later version carries the
    accepted (fully or partly) published comments it answers (`paragraph.answers`)."""
    from civicplan.drafts.models import (
        Decision,
        DraftParagraph,
        DraftSection,
        ModerationStatus,
    )
    from civicplan.proposals.textcheck import public_text

    section_by_pk = {
        section.pk: section for section in DraftSection.objects.filter(version__in=[old.pk, new.pk])
    }

    def load(version: Any) -> list[ComparedParagraph]:
        # Plain rows, not model instances: a 300-page draft has 3,000 paragraphs a version.
        rows = (
            DraftParagraph.objects.filter(version=version)
            .order_by("order", "pk")
            .values_list("pk", "lineage", "text", "number", "kind", "section_id")
        )
        return [
            ComparedParagraph(pk, lineage, text, number, kind, section_by_pk.get(section_id))
            for pk, lineage, text, number, kind, section_id in rows
        ]

    changes = compare_paragraphs(load(old), load(new))
    # The accepted comments answered, for the changed paragraphs only (a prefetch over every
    # paragraph of a 300-page draft costs a second).
    touched = {c.new.pk: c.new for c in changes if c.new is not None and c.kind != "same"}
    through = DraftParagraph.answers.through
    links = (
        through.objects.filter(
            draftparagraph_id__in=list(touched),
            draftcomment__status=ModerationStatus.PUBLISHED,
            draftcomment__decision__in=[Decision.ACCEPTED, Decision.PARTLY],
        )
        .select_related("draftcomment")
        .order_by("draftcomment_id")
    )
    for link in links:
        comment = link.draftcomment
        # What the comment asked, as everyone may read it (personal data masked).
        comment.public_excerpt = public_text(comment.proposed_text or comment.body)
        touched[link.draftparagraph_id].accepted_answers.append(comment)
    totals = comparison_totals(changes)
    sections: list[SectionChanges] = []
    for change in changes:
        if only_changed and change.kind == "same":
            continue
        section = change.paragraph.section
        if sections and _same_section(sections[-1].section, section):
            sections[-1].changes.append(change)
        else:
            sections.append(SectionChanges(section=section, changes=[change]))
    return VersionComparison(old=old, new=new, sections=sections, totals=totals)


def _same_section(a: Any | None, b: Any | None) -> bool:
    if a is None or b is None:
        return a is b
    return bool(a.pk == b.pk or (a.number, a.title) == (b.number, b.title))
