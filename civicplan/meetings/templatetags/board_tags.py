"""Template pieces of the idea board that the moderator's feed also fills in by itself."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from civicplan.core.templatetags.civic import number

register = template.Library()


@register.simple_tag
def idea_votes(result: Any, voting_mode: str) -> str:
    """« · 12 гол.» or « · 63,5 баллов», and « · +2» for merged ideas, after an idea in the
    moderator's feed ('' before any result)."""
    if not result:
        return ""
    if voting_mode == "pairwise":
        text = f" · {number(result.value)} {_('баллов')}"
    else:
        text = f" · {floatformat(result.value, 0)} {_('гол.')}"
    if result.merged_count:
        text += f" · +{result.merged_count}"
    return text
