"""Personal data in news comments and poll votes (152-FZ): export and erasure.

A comment keeps the name the author gave and a salted hash of the address; a poll vote of a
registered resident is tied to the account. «Download my data» lists both. Erasure on a user's
request deletes his comments and unties his votes from the account (the anonymous vote stays
in the results); when a campaign's retention period ends, the names and address hashes of
comments under its news are replaced, the public text stays.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.utils.translation import gettext_lazy

from civicplan.publications.models import Article, Comment, CommentStatus, PollVote

# The name an erased commenter's comments keep (written when the data is erased).
ANONYMOUS = gettext_lazy("Участник обсуждения")


def export(user: Any) -> dict[str, Any]:
    comments = Comment.objects.filter(author=user).select_related("article")
    votes = PollVote.objects.filter(user=user).select_related("poll").prefetch_related("options")
    return {
        "news_comments": [
            {
                "article": c.article.title,
                "name": c.author_name,
                "text": c.text,
                "status": c.get_status_display(),
                "created_at": c.created_at.isoformat(),
            }
            for c in comments
        ],
        "poll_votes": [
            {
                "poll": v.poll.question,
                "options": [o.text for o in v.options.all()],
                "own_answer": v.other_text,
                "created_at": v.created_at.isoformat(),
            }
            for v in votes
        ],
    }


@transaction.atomic
def erase(*, user: Any = None, campaign: Any = None, dry_run: bool = False) -> int:
    if user is not None:
        comments = Comment.objects.filter(author=user)
        votes = PollVote.objects.filter(user=user)
        count = comments.count() + votes.count()
        if dry_run:
            return count
        published = (
            comments.filter(status=CommentStatus.PUBLISHED)
            .values("article_id")
            .annotate(n=Count("id"))
        )
        for row in published:
            Article.objects.filter(pk=row["article_id"]).update(
                comments_count=F("comments_count") - row["n"]
            )
        comments.delete()
        votes.update(user=None)
        return count
    if campaign is not None:
        comments = Comment.objects.filter(article__campaign=campaign).exclude(
            author_name=ANONYMOUS, ip_hash=""
        )
        if dry_run:
            return comments.count()
        return comments.update(author_name=ANONYMOUS, ip_hash="", author=None)
    return 0
