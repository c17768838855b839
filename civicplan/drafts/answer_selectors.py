"""Reads of the answering side: the drafting group's page, the public summary and the
comparison of versions (shared by pages and the API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q

from civicplan.drafts.models import (
    Decision,
    Draft,
    DraftComment,
    DraftCommentGroup,
    DraftParagraph,
    DraftVersion,
    ModerationStatus,
    VersionStatus,
)

PARAGRAPHS_PER_PAGE = 15
SUMMARY_ROWS_PER_PAGE = 100


@dataclass
class GroupAnswers:
    group: DraftCommentGroup
    comments: list[DraftComment]

    @property
    def undecided(self) -> int:
        return sum(1 for c in self.comments if c.decision == Decision.NONE)


@dataclass
class ParagraphAnswers:
    paragraph: DraftParagraph
    groups: list[GroupAnswers] = field(default_factory=list)
    singles: list[DraftComment] = field(default_factory=list)
    # The same paragraph in the next version and the comments its wording already answers.
    successor: DraftParagraph | None = None
    answered_ids: set[int] = field(default_factory=set)


def next_version(version: DraftVersion) -> DraftVersion | None:
    return (
        DraftVersion.objects.filter(draft_id=version.draft_id, number__gt=version.number)
        .order_by("number")
        .first()
    )


@dataclass(frozen=True)
class AnswerCounts:
    published: int
    undecided: int
    accepted: int
    partly: int
    declined: int
    grouped: int


def answer_counts(version: DraftVersion) -> AnswerCounts:
    facts = DraftComment.objects.filter(
        paragraph__version=version, status=ModerationStatus.PUBLISHED
    ).aggregate(
        published=Count("pk"),
        undecided=Count("pk", filter=Q(decision=Decision.NONE)),
        accepted=Count("pk", filter=Q(decision=Decision.ACCEPTED)),
        partly=Count("pk", filter=Q(decision=Decision.PARTLY)),
        declined=Count("pk", filter=Q(decision=Decision.DECLINED)),
        grouped=Count("pk", filter=Q(group__isnull=False, decision=Decision.NONE)),
    )
    return AnswerCounts(**facts)


def answers_page(
    version: DraftVersion,
    *,
    section_id: int | None = None,
    only_open: bool = True,
    page: Any = 1,
) -> Page:
    """Paragraphs with published comments (unanswered ones, with `only_open`), a page of
    them, each with its groups of similar comments and its single comments."""
    wanted = DraftComment.objects.filter(
        paragraph=OuterRef("pk"), status=ModerationStatus.PUBLISHED
    )
    if only_open:
        wanted = wanted.filter(decision=Decision.NONE)
    paragraphs = (
        DraftParagraph.objects.filter(version=version)
        .filter(Exists(wanted))
        .select_related("section")
        .only(
            "pk",
            "number",
            "text",
            "order",
            "lineage",
            "section__number",
            "section__title",
            "version_id",
        )
        .order_by("order", "pk")
    )
    if section_id:
        paragraphs = paragraphs.filter(section_id=section_id)
    current = Paginator(paragraphs, PARAGRAPHS_PER_PAGE).get_page(page)
    rows = {p.pk: ParagraphAnswers(paragraph=p) for p in current.object_list}
    comments = (
        DraftComment.objects.filter(paragraph_id__in=rows, status=ModerationStatus.PUBLISHED)
        .select_related("group", "decided_by")
        .order_by("paragraph_id", "group_id", "created_at", "pk")
    )
    if only_open:
        comments = comments.filter(
            Q(decision=Decision.NONE) | Q(group__comments__decision=Decision.NONE)
        ).distinct()
    groups: dict[int, GroupAnswers] = {}
    for comment in comments:
        row = rows[comment.paragraph_id]
        if comment.group_id is None:
            row.singles.append(comment)
            continue
        entry = groups.get(comment.group_id)
        if entry is None:
            assert comment.group is not None
            entry = groups[comment.group_id] = GroupAnswers(group=comment.group, comments=[])
            row.groups.append(entry)
        entry.comments.append(comment)
    later = next_version(version)
    if later is not None:
        lineages = {row.paragraph.lineage: row for row in rows.values()}
        successors = DraftParagraph.objects.filter(version=later, lineage__in=list(lineages))
        for successor in successors.prefetch_related("answers"):
            row = lineages[successor.lineage]
            row.successor = successor
            row.answered_ids = {c.pk for c in successor.answers.all()}
    current.object_list = list(rows.values())  # type: ignore[arg-type]  # a page of paragraphs with their comments
    return current


def answerable_version(pk: int) -> DraftVersion:
    return DraftVersion.objects.select_related("draft__strategy", "draft__campaign").get(pk=pk)


def public_versions(draft: Draft) -> list[DraftVersion]:
    """Versions anyone may read: published ones (open or closed), in order."""
    return list(draft.versions.exclude(status=VersionStatus.DRAFT).order_by("number"))


def version_sections_with_comments(version: DraftVersion) -> list[Any]:
    return list(
        version.sections.filter(paragraphs__comments__status=ModerationStatus.PUBLISHED)
        .distinct()
        .order_by("order")
    )
