"""What the drafting group does with the comments: answers them and groups the similar ones.

Writes of the answering side of the discussion (the moderation and commenting side is in the
app's other services). Every decision is written with its reason, who took it and when, an
audit-log entry with the decision it replaced, and a letter to the commenter who left an
address (after the transaction commits).

Similar comments of one paragraph are grouped by the shared text-similarity service
(`core.similarity`); a group is answered with one form, each member keeping its own row and
its own letter. Near-identical texts are marked as duplicates of the earliest one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.services import audit_log_write
from civicplan.core.errors import Forbidden, InvalidInput, NotFound
from civicplan.core.pagecache import public_pages_changed
from civicplan.core.similarity import text_index, text_index_reset
from civicplan.drafts.models import (
    Decision,
    Draft,
    DraftComment,
    DraftCommentGroup,
    DraftCommentPersonalData,
    DraftParagraph,
    DraftVersion,
    ModerationStatus,
)

logger = logging.getLogger(__name__)

REASON_MAX = 4000
# Scores of `SimilarityIndex.query` (cosine re-ranked by shared lemmas): comments at or above
# GROUP_SCORE say the same thing in other words («больше центров поддержки бизнеса» ~ «центров
# поддержки предпринимательства должно быть больше»: 0.74); at DUPLICATE_SCORE they are the
# same text (as `insights` flags duplicate proposals).
GROUP_SCORE = 0.45
DUPLICATE_SCORE = 0.9
GROUP_TITLE_MAX = 300
DECISIONS = (Decision.ACCEPTED, Decision.PARTLY, Decision.DECLINED)
# A decision that is not «учтено» says why (the summary table's «обоснование» column).
REASON_REQUIRED = (Decision.PARTLY, Decision.DECLINED)


# --- who may answer -----------------------------------------------------------------------


def draft_can_answer(*, user: Any, draft: Draft) -> bool:
    """The drafting group: the strategy's editors in its region (regional administrators and
    superusers included)."""
    from civicplan.strategy.services import strategy_can_edit

    return strategy_can_edit(user=user, strategy=draft.strategy)


def draft_require_answerer(*, user: Any, draft: Draft) -> None:
    if not draft_can_answer(user=user, draft=draft):
        raise Forbidden(
            _("Отвечать на замечания к проекту может только рабочая группа — редакторы стратегии.")
        )


# --- decisions ----------------------------------------------------------------------------


def _clean_decision(decision: str, reason: str) -> tuple[str, str]:
    if decision not in DECISIONS:
        raise InvalidInput(
            _("Выберите решение: «учтено», «учтено частично» или «не учтено»."), field="decision"
        )
    reason = (reason or "").strip()
    if decision in REASON_REQUIRED and not reason:
        raise InvalidInput(
            _("Для решения «%(d)s» укажите обоснование: его прочтут автор и все в сводке.")
            % {"d": Decision(decision).label},
            field="reason",
        )
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            _("Обоснование длиннее %(n)s знаков — сократите его.") % {"n": REASON_MAX},
            field="reason",
        )
    return decision, reason


@transaction.atomic
def comments_decide(
    *,
    comments: Iterable[DraftComment] | Iterable[int],
    decision: str,
    reason: str,
    actor: Any,
    group: DraftCommentGroup | None = None,
) -> list[DraftComment]:
    """Answer published comments of one draft with the same decision and reason.

    All or nothing: a comment that is not published (pending, rejected) or belongs to
    another draft stops the whole answer with a message naming it."""
    decision, reason = _clean_decision(decision, reason)
    ids = sorted({c if isinstance(c, int) else c.pk for c in comments})
    if not ids:
        raise InvalidInput(_("Не выбрано ни одного замечания."), field="comments")
    rows = list(
        DraftComment.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("paragraph__version__draft__strategy")
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise NotFound(_("Некоторых замечаний уже нет — обновите страницу."))
    drafts = {row.paragraph.version.draft_id for row in rows}
    if len(drafts) != 1:
        raise InvalidInput(_("Отвечать сразу можно только на замечания к одному проекту."))
    draft = rows[0].paragraph.version.draft
    draft_require_answerer(user=actor, draft=draft)
    unpublished = [row for row in rows if row.status != ModerationStatus.PUBLISHED]
    if unpublished:
        raise InvalidInput(
            _("Замечание № %(n)s не опубликовано: решение принимают по опубликованным.")
            % {"n": unpublished[0].pk},
            field="comments",
        )
    now = timezone.now()
    changed: list[DraftComment] = []
    for row in rows:
        before = (row.decision, row.decision_reason)
        if before == (decision, reason):
            continue
        row.decision, row.decision_reason = decision, reason
        row.decided_at, row.decided_by = now, actor if getattr(actor, "pk", None) else None
        changed.append(row)
        audit_log_write(
            actor=actor,
            action="drafts.comment_decide",
            obj=row,
            reason=reason[:255],
            details={
                "decision": decision,
                "previous_decision": before[0],
                "previous_reason": before[1],
                "group": group.pk if group else row.group_id,
            },
        )
    if changed:
        DraftComment.objects.bulk_update(
            changed, ["decision", "decision_reason", "decided_at", "decided_by"]
        )
        for row in changed:
            decision_notify(comment=row)
        public_pages_changed("campaigns")  # the home block of the discussion
    return rows


def comment_decide(
    *, comment: DraftComment, decision: str, reason: str, actor: Any
) -> DraftComment:
    """Answer one comment."""
    (row,) = comments_decide(comments=[comment.pk], decision=decision, reason=reason, actor=actor)
    return row


def group_decide(
    *, group: DraftCommentGroup, decision: str, reason: str, actor: Any
) -> list[DraftComment]:
    """Answer every published comment of a group of similar comments at once."""
    ids = list(
        group.comments.filter(status=ModerationStatus.PUBLISHED).values_list("pk", flat=True)
    )
    return comments_decide(comments=ids, decision=decision, reason=reason, actor=actor, group=group)


def decision_notify(*, comment: DraftComment) -> None:
    """Queue a letter with the decision to the commenter, if an address was given and is
    still kept (after the transaction commits; a failing mail server loses no decision)."""

    def _send() -> None:
        from civicplan.drafts.services.comments import fate_url

        data = DraftCommentPersonalData.objects.filter(
            comment_id=comment.pk, erased_at__isnull=True
        ).first()
        if data is None or not data.email:
            return
        context = {"comment": comment, "fate_url": fate_url(comment)}
        rendered = render_to_string("drafts/email/decided.txt", context).strip()
        subject, _sep, body = rendered.partition("\n")
        try:
            send_mail(subject.strip(), body.strip() + "\n", None, [data.email])
        except OSError:
            logger.exception("Could not send the decision on draft comment %s", comment.pk)

    transaction.on_commit(_send)


# --- grouping similar comments ------------------------------------------------------------


@dataclass(frozen=True)
class GroupingResult:
    paragraphs: int
    groups: int
    grouped: int
    duplicates: int


def comment_text(comment: DraftComment) -> str:
    """What a comment says, for grouping: its body and the wording it proposes."""
    return "\n".join(part for part in (comment.body, comment.proposed_text) if part).strip()


def _components(ids: Sequence[int], edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    parent = {pk: pk for pk in ids}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    found: dict[int, list[int]] = {}
    for pk in ids:
        found.setdefault(root(pk), []).append(pk)
    return [sorted(members) for members in found.values()]


def _group_title(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= 120:
        return text
    return text[:119].rsplit(" ", 1)[0] + "…"


def _paragraph_group(paragraph_id: int, comments: list[DraftComment]) -> tuple[int, int, int]:
    """Group the undecided published comments of one paragraph; (groups, grouped, duplicates)."""
    texts = {c.pk: comment_text(c) for c in comments}
    corpus = f"drafts:paragraph:{paragraph_id}"
    index = text_index(
        corpus, version=tuple(sorted(texts.items())), documents=lambda: sorted(texts.items())
    )
    edges: list[tuple[int, int]] = []
    duplicate_of: dict[int, int] = {}
    for comment in comments:
        for other, score in index.query(texts[comment.pk], k=len(texts), exclude=[comment.pk]):
            if score < GROUP_SCORE:
                break
            edges.append((comment.pk, other))
            if score >= DUPLICATE_SCORE and other < comment.pk:
                duplicate_of.setdefault(comment.pk, other)
    text_index_reset(corpus)
    by_pk = {c.pk: c for c in comments}
    groups = grouped = 0
    for members in _components([c.pk for c in comments], edges):
        if len(members) < 2:
            continue
        # The most supported comment names the group (the earliest among equals).
        lead = max(members, key=lambda pk: (by_pk[pk].support_count, -pk))
        group = DraftCommentGroup.objects.create(
            paragraph_id=paragraph_id, title=_group_title(texts[lead])[:GROUP_TITLE_MAX]
        )
        DraftComment.objects.filter(pk__in=members).update(group=group)
        groups += 1
        grouped += len(members)
    duplicates = 0
    for pk, original in duplicate_of.items():
        # Keep the chain flat: a duplicate of a duplicate points to the first text.
        while original in duplicate_of:
            original = duplicate_of[original]
        duplicates += DraftComment.objects.filter(pk=pk, duplicate_of__isnull=True).update(
            duplicate_of_id=original
        )
    return groups, grouped, duplicates


def _undecided(version: DraftVersion) -> Any:
    return DraftComment.objects.filter(
        paragraph__version=version,
        status=ModerationStatus.PUBLISHED,
        decision=Decision.NONE,
    )


@transaction.atomic
def version_comments_group(
    *,
    version: DraftVersion,
    actor: Any,
    paragraph: DraftParagraph | None = None,
    progress: Any = None,
) -> GroupingResult:
    """Group the similar unanswered comments of each paragraph of a version (or of one).

    Groups whose comments are all still unanswered are formed anew (new comments may have
    come); a group with an answered comment is kept as it is."""
    draft_require_answerer(user=actor, draft=version.draft)
    undecided = _undecided(version)
    if paragraph is not None:
        undecided = undecided.filter(paragraph=paragraph)
    stale = DraftCommentGroup.objects.filter(paragraph__version=version).annotate(
        decided=Count("comments", filter=~Q(comments__decision=Decision.NONE))
    )
    if paragraph is not None:
        stale = stale.filter(paragraph=paragraph)
    stale_ids = list(stale.filter(decided=0).values_list("pk", flat=True))
    DraftComment.objects.filter(group_id__in=stale_ids).update(group=None)
    DraftCommentGroup.objects.filter(pk__in=stale_ids).delete()

    by_paragraph: dict[int, list[DraftComment]] = {}
    for comment in (
        undecided.filter(group__isnull=True)
        .only("pk", "paragraph_id", "body", "proposed_text", "support_count")
        .order_by("paragraph_id", "pk")
    ):
        by_paragraph.setdefault(comment.paragraph_id, []).append(comment)
    crowded = [(pk, rows) for pk, rows in by_paragraph.items() if len(rows) >= 2]
    groups = grouped = duplicates = 0
    for done, (paragraph_id, rows) in enumerate(crowded, start=1):
        g, n, d = _paragraph_group(paragraph_id, rows)
        groups, grouped, duplicates = groups + g, grouped + n, duplicates + d
        if progress is not None:
            progress(done, len(crowded))
    audit_log_write(
        actor=actor,
        action="drafts.comments_group",
        obj=version,
        details={"groups": groups, "grouped": grouped, "duplicates": duplicates},
    )
    return GroupingResult(
        paragraphs=len(crowded), groups=groups, grouped=grouped, duplicates=duplicates
    )


@transaction.atomic
def comment_ungroup(*, comment: DraftComment, actor: Any) -> DraftComment:
    """Take a comment out of its group (it says something else) to answer it on its own."""
    draft_require_answerer(user=actor, draft=comment.paragraph.version.draft)
    group_id = comment.group_id
    if group_id is None:
        return comment
    comment.group = None
    comment.save(update_fields=["group"])
    remaining = DraftComment.objects.filter(group_id=group_id)
    if remaining.count() < 2:
        remaining.update(group=None)
        DraftCommentGroup.objects.filter(pk=group_id).delete()
    audit_log_write(
        actor=actor, action="drafts.comment_ungroup", obj=comment, details={"group": group_id}
    )
    return comment


# --- which change answers which comment ---------------------------------------------------


@transaction.atomic
def paragraph_answers_set(
    *, paragraph: DraftParagraph, comments: Iterable[DraftComment] | Iterable[int], actor: Any
) -> DraftParagraph:
    """Say which accepted comments a paragraph's wording answers (shown on «Что изменилось и
    почему»). The comments must be published, accepted fully or partly, and made on an
    earlier version of the same draft."""
    version = paragraph.version
    draft_require_answerer(user=actor, draft=version.draft)
    ids = sorted({c if isinstance(c, int) else c.pk for c in comments})
    rows = list(DraftComment.objects.filter(pk__in=ids).select_related("paragraph__version"))
    if len(rows) != len(ids):
        raise NotFound(_("Некоторых замечаний уже нет — обновите страницу."))
    for row in rows:
        earlier = row.paragraph.version
        if earlier.draft_id != version.draft_id or earlier.number >= version.number:
            raise InvalidInput(
                _("Замечание № %(n)s сделано не к предыдущей редакции этого проекта.")
                % {"n": row.pk},
                field="comments",
            )
        if row.status != ModerationStatus.PUBLISHED or row.decision not in (
            Decision.ACCEPTED,
            Decision.PARTLY,
        ):
            raise InvalidInput(
                _("Замечание № %(n)s не учтено — изменение пункта не может на него отвечать.")
                % {"n": row.pk},
                field="comments",
            )
    before = sorted(paragraph.answers.values_list("pk", flat=True))
    paragraph.answers.set(rows)
    audit_log_write(
        actor=actor,
        action="drafts.paragraph_answers_set",
        obj=paragraph,
        details={"answers": ids, "previous": before},
    )
    public_pages_changed("campaigns")  # the home block of the discussion
    return paragraph
