"""Personal data of the draft's commenters (152-FZ): export and erasure, registered in
AppConfig.ready like the proposals' own.

A comment's public signature is what the author chose to show; his name, e-mail and phone
live in `DraftCommentPersonalData`. Erasure (the author withdraws consent, or the campaign's
retention period ends) blanks those, unties the comment from the account and drops the
signature of a private person; the comment's text, its organisation and the decision stay,
because the summary table of the discussion is a public document.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from civicplan.drafts.exports import summary_files_drop
from civicplan.drafts.models import DraftComment, DraftCommentPersonalData, DraftCommentSupport


def export(user: Any) -> dict[str, Any]:
    comments = DraftComment.objects.filter(user=user).select_related("paragraph", "personal_data")
    rows = []
    for c in comments:
        data = getattr(c, "personal_data", None)
        alive = data is not None and data.erased_at is None
        rows.append(
            {
                "paragraph": c.paragraph.number,
                "kind": c.get_kind_display(),
                "passage": c.passage,
                "text": c.body,
                "proposed_text": c.proposed_text,
                "author_kind": c.get_author_kind_display(),
                "organisation": c.organisation,
                "signature": c.author_display_name,
                "status": c.get_status_display(),
                "decision": c.get_decision_display(),
                "created_at": c.created_at.isoformat(),
                "name": data.name if alive and data else None,
                "email": data.email if alive and data else None,
                "phone": data.phone if alive and data else None,
            }
        )
    return {
        "draft_comments": rows,
        "draft_comment_supports": [
            {"comment": s.comment_id, "created_at": s.created_at.isoformat()}
            for s in DraftCommentSupport.objects.filter(user=user)
        ],
    }


def _unsign(comments: Any) -> None:
    """Remove the signatures and drop the stored summary files that printed them."""
    versions = set(comments.values_list("paragraph__version_id", flat=True))
    comments.update(user=None, author_display_name="")
    summary_files_drop(versions)


def _erase(data_qs: Any) -> int:
    comment_ids = list(data_qs.values_list("comment_id", flat=True))
    count = data_qs.update(name="", email="", phone="", erased_at=timezone.now())
    _unsign(DraftComment.objects.filter(pk__in=comment_ids))
    return count


@transaction.atomic
def erase(*, user: Any = None, campaign: Any = None, dry_run: bool = False) -> int:
    if user is not None:
        data = DraftCommentPersonalData.objects.filter(
            Q(comment__user=user) | Q(email__iexact=user.email), erased_at__isnull=True
        )
        comments = DraftComment.objects.filter(user=user)
        supports = DraftCommentSupport.objects.filter(user=user)
        count = data.count() + comments.count() + supports.count()
        if dry_run:
            return count
        _erase(data)
        _unsign(comments)
        touched = list(supports.values_list("comment_id", flat=True))
        supports.delete()
        counts = (
            DraftCommentSupport.objects.filter(comment=OuterRef("pk"))
            .values("comment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        DraftComment.objects.filter(pk__in=touched).update(
            support_count=Coalesce(Subquery(counts), 0)
        )
        return count
    if campaign is not None:
        data = DraftCommentPersonalData.objects.filter(
            comment__paragraph__version__draft__campaign=campaign, erased_at__isnull=True
        )
        if dry_run:
            return data.count()
        return _erase(data)
    return 0
