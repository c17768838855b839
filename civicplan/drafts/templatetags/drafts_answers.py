"""Blocks of the answering side shown on other pages of the app (the commenter's fate page)."""

from __future__ import annotations

from typing import Any

from django import template

from civicplan.drafts.models import Decision, DraftParagraph, VersionStatus

register = template.Library()


@register.simple_tag
def answered_in(comment: Any) -> list[DraftParagraph]:
    """Published paragraphs of later versions whose wording answers this accepted comment."""
    if comment.decision not in (Decision.ACCEPTED, Decision.PARTLY):
        return []
    return list(
        DraftParagraph.objects.filter(answers=comment)
        .exclude(version__status=VersionStatus.DRAFT)
        .select_related("version")
        .order_by("version__number", "order")
    )
