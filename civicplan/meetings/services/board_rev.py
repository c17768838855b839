"""The board's revision counters (`Section.ideas_rev`, `Section.votes_rev`).

Every write that changes what a board shows raises them inside its own transaction, last,
so that the row lock on the section (PostgreSQL) is held only until the commit; the cached
reads in `meetings.board_results` are keyed by them and so never outlive a write.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F

from civicplan.meetings.models import Section


def board_touch(section: Section | int, *, ideas: bool = False, votes: bool = False) -> None:
    """Mark the section's board as changed (its ideas and settings, or its votes)."""
    section_id = section if isinstance(section, int) else section.pk
    changes: dict[str, Any] = {}
    if ideas:
        changes["ideas_rev"] = F("ideas_rev") + 1
    if votes:
        changes["votes_rev"] = F("votes_rev") + 1
    if changes:
        Section.objects.filter(pk=section_id).update(**changes)
