"""Reads of the drafts app shared by pages (and later the API): the public drafts, the
reading view of a version with comment counts, a paragraph's discussion, access checks."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from civicplan.drafts.models import (
    Draft,
    DraftComment,
    DraftParagraph,
    DraftSection,
    DraftVersion,
    ModerationStatus,
    VersionStatus,
)
from civicplan.strategy.models import Direction

HEAT_LEVELS = 4
_SPACE = re.compile(r"\s+")


def drafts_public() -> QuerySet[Draft]:
    """Drafts with at least one published version, newest first."""
    published = DraftVersion.objects.filter(draft=OuterRef("pk")).exclude(
        status=VersionStatus.DRAFT
    )
    return (
        Draft.objects.filter(Exists(published))
        .select_related("strategy", "campaign")
        .order_by("-created_at", "-pk")
    )


def draft_open_now() -> tuple[Draft, DraftVersion] | None:
    """The draft whose version is open for comments today (for the home page)."""
    today = timezone.localdate()
    version = (
        DraftVersion.objects.filter(
            status=VersionStatus.OPEN, discussion_opens__lte=today, discussion_closes__gte=today
        )
        .select_related("draft")
        .order_by("discussion_closes", "pk")
        .first()
    )
    return (version.draft, version) if version is not None else None


def version_public(draft: Draft, number: int | None = None) -> DraftVersion:
    """A published version by number, or the latest published one; 404 otherwise."""
    versions = DraftVersion.objects.filter(draft=draft).exclude(status=VersionStatus.DRAFT)
    version = (
        versions.filter(number=number).first()
        if number is not None
        else versions.order_by("-number").first()
    )
    if version is None:
        raise Http404
    version.draft = draft
    return version


def version_is_open(version: DraftVersion) -> bool:
    return version.is_open_on(timezone.localdate())


def heat_level(count: int, top: int) -> int:
    if count <= 0 or top <= 0:
        return 0
    return max(1, math.ceil(HEAT_LEVELS * count / top))


def comment_counts(version: DraftVersion) -> dict[Any, int]:
    """Published comments per paragraph lineage, counting earlier versions too (a comment
    stays with its paragraph when the wording changes)."""
    rows = (
        DraftComment.objects.filter(
            paragraph__version__draft_id=version.draft_id,
            paragraph__version__number__lte=version.number,
            status=ModerationStatus.PUBLISHED,
        )
        .values("paragraph__lineage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["paragraph__lineage"]: row["n"] for row in rows}


@dataclass
class ReadingSection:
    section: DraftSection | None
    paragraphs: list[Any] = field(default_factory=list)
    html: str = ""  # the paragraphs' markup, filled by the page (`rendering.paragraphs_html`)


@dataclass
class Reading:
    version: DraftVersion
    sections: list[ReadingSection]
    all_sections: list[DraftSection]
    directions: list[Direction]
    total_comments: int
    paragraphs_shown: int


def _section_span(sections: list[DraftSection], chosen: int) -> set[int]:
    """The chosen section and its subsections (the following deeper ones)."""
    span: set[int] = set()
    inside = False
    level = 0
    for s in sections:
        if s.pk == chosen:
            inside, level = True, s.level
            span.add(s.pk)
            continue
        if inside:
            if s.level <= level:
                break
            span.add(s.pk)
    return span


@dataclass
class ParagraphRow:
    """A paragraph as the public reading view needs it (no model instance: 3,000 of them
    would cost more than the whole page's budget)."""

    pk: int
    section_id: int | None
    number: str
    kind: str
    text: str
    html: str
    lineage: Any
    comment_count: int = 0
    heat: int = 0


ROW_FIELDS = ("pk", "section_id", "number", "kind", "text", "html", "lineage")


def reading(
    version: DraftVersion,
    *,
    section_id: int | None = None,
    direction_id: int | None = None,
    with_links: bool = False,
) -> Reading:
    """The version as the reading view shows it: sections in order, each with its numbered
    paragraphs, each paragraph with `comment_count` and `heat` (0–4). Four queries; with
    `with_links` (the editor's page) paragraphs are model instances with their directions."""
    sections = list(DraftSection.objects.filter(version=version).order_by("order"))
    paragraphs = DraftParagraph.objects.filter(version=version).order_by("order")
    if direction_id is not None:
        paragraphs = paragraphs.filter(directions=direction_id)
    if section_id is not None:
        paragraphs = paragraphs.filter(section_id__in=_section_span(sections, section_id))
    rows: list[Any]
    if with_links:
        rows = list(
            paragraphs.prefetch_related(
                Prefetch("directions", queryset=Direction.objects.only("pk", "title"))
            )
        )
    else:
        rows = [ParagraphRow(*values) for values in paragraphs.values_list(*ROW_FIELDS)]
    counts = comment_counts(version)
    top = max((counts.get(p.lineage, 0) for p in rows), default=0)
    by_section: dict[int | None, list[Any]] = {}
    for p in rows:
        p.comment_count = counts.get(p.lineage, 0)
        p.heat = heat_level(p.comment_count, top)
        by_section.setdefault(p.section_id, []).append(p)
    shown: list[ReadingSection] = []
    if None in by_section:
        shown.append(ReadingSection(section=None, paragraphs=by_section[None]))
    filtered = section_id is not None or direction_id is not None
    for s in sections:
        if s.pk in by_section or not filtered:
            shown.append(ReadingSection(section=s, paragraphs=by_section.get(s.pk, [])))
    directions = list(
        Direction.objects.filter(draft_paragraphs__version=version)
        .distinct()
        .order_by("order", "pk")
    )
    return Reading(
        version=version,
        sections=shown,
        all_sections=sections,
        directions=directions,
        total_comments=sum(counts.values()),
        paragraphs_shown=len(rows),
    )


def passage_still_there(comment: DraftComment, text: str) -> bool:
    """Whether the wording a comment quotes is still in the paragraph's text."""
    if not comment.passage:
        return _SPACE.sub(" ", comment.paragraph.text).strip() == _SPACE.sub(" ", text).strip()
    return _SPACE.sub(" ", comment.passage).strip().lower() in _SPACE.sub(" ", text).lower()


def paragraph_discussion(paragraph: DraftParagraph) -> list[DraftComment]:
    """Published comments on this paragraph and on the same paragraph in earlier versions;
    those whose passage has since been reworded carry `earlier_wording`."""
    version = paragraph.version
    comments = list(
        DraftComment.objects.filter(
            paragraph__lineage=paragraph.lineage,
            paragraph__version__draft_id=version.draft_id,
            paragraph__version__number__lte=version.number,
            status=ModerationStatus.PUBLISHED,
        )
        .select_related("paragraph__version")
        .order_by("-support_count", "created_at", "pk")
    )
    for c in comments:
        earlier = c.paragraph.version_id != paragraph.version_id
        c.earlier_wording = earlier and not passage_still_there(c, paragraph.text)  # type: ignore[attr-defined]  # shown as a mark
    return comments


def paragraph_public(pk: int) -> DraftParagraph:
    paragraph = (
        DraftParagraph.objects.select_related(
            "version__draft__strategy", "version__draft__campaign", "section"
        )
        .prefetch_related("directions", "goals", "kpis", "measures")
        .filter(pk=pk)
        .exclude(version__status=VersionStatus.DRAFT)
        .first()
    )
    if paragraph is None:
        raise Http404
    return paragraph


def comment_by_token(token: str) -> DraftComment:
    comment = (
        DraftComment.objects.select_related("paragraph__version__draft", "paragraph__section")
        .filter(tracking_token=token)
        .first()
    )
    if comment is None or not token:
        raise Http404
    return comment


def moderation_queue(user: Any) -> QuerySet[DraftComment]:
    """Comments waiting for moderation in the regions the user moderates."""
    from civicplan.accounts.selectors import user_scope
    from civicplan.drafts.services import MODERATOR_ROLES

    scope = user_scope(user, MODERATOR_ROLES)
    queue = DraftComment.objects.filter(status=ModerationStatus.PENDING).select_related(
        "paragraph__version__draft", "paragraph__section"
    )
    if not scope.everything:
        queue = queue.filter(paragraph__version__draft__strategy__region_id__in=scope.region_ids)
    return queue.order_by("created_at", "pk")
