"""What a board shows: results of the votes and the board's version stamp (duplicate
suggestions are in `meetings.board_similar`).

Reads only; the writes of the board are in `meetings.services.board`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import get_language

from civicplan.meetings.board_similar import active_ideas
from civicplan.meetings.models import (
    BoardMember,
    DotVote,
    Idea,
    PairwiseVote,
    Section,
    VotingMode,
)
from civicplan.meetings.scoring import PairScore, bradley_terry

logger = logging.getLogger(__name__)

# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdeaResult:
    idea: Idea
    value: float  # dots, or the pairwise score 0..100
    wins: int = 0
    losses: int = 0
    merged_count: int = 0


def _ranked_ideas(section: Section) -> list[Any]:
    """The active ideas with the number of ideas merged into each (votes aside)."""
    ideas = list(active_ideas(section).select_related("cluster").order_by("pk"))
    # Grouped counts instead of one join of votes × merged ideas (which multiplies rows).
    merged = dict(
        Idea.objects.filter(section=section, merged_into__isnull=False)
        .values("merged_into")
        .annotate(n=Count("pk"))
        .values_list("merged_into", "n")
    )
    for idea in ideas:
        idea.merged_count = merged.get(idea.pk, 0)
    return ideas


def section_results(section: Section, *, ideas: list[Any] | None = None) -> list[IdeaResult]:
    """Active ideas ranked by the section's voting: dots or pairwise scores. `ideas`: the
    section's `_ranked_ideas`, when the caller has them already."""
    if ideas is None:
        ideas = _ranked_ideas(section)
    dots = dict(
        DotVote.objects.filter(section=section)
        .values("idea")
        .annotate(n=Count("pk"))
        .values_list("idea", "n")
    )
    for idea in ideas:
        idea.dots = dots.get(idea.pk, 0)
    if section.voting_mode == VotingMode.PAIRWISE:
        by_id = {i.pk: i for i in ideas}
        comparisons = _merged_comparisons(section)
        scores: list[PairScore] = bradley_terry(list(by_id), comparisons)
        return [
            IdeaResult(
                idea=by_id[s.idea],
                value=round(s.score, 1),
                wins=s.wins,
                losses=s.losses,
                merged_count=by_id[s.idea].merged_count,
            )
            for s in scores
        ]
    results = [IdeaResult(idea=i, value=i.dots, merged_count=i.merged_count) for i in ideas]
    results.sort(key=lambda r: (-r.value, r.idea.pk))
    return results


def _merged_comparisons(section: Section) -> list[tuple[int, int]]:
    """(winner, loser) of every comparison, a merged idea read as the one it was merged into;
    a participant who compared the same two (merged) ideas twice counts once (his first
    answer), and a comparison of two ideas merged into one is dropped."""
    merged_into = dict(
        Idea.objects.filter(section=section, merged_into__isnull=False).values_list(
            "pk", "merged_into_id"
        )
    )

    def root(pk: int) -> int:
        seen = set()
        while pk in merged_into and pk not in seen:
            seen.add(pk)
            pk = merged_into[pk]
        return pk

    counted: set[tuple[int, frozenset[int]]] = set()
    comparisons = []
    for member, first, second, winner in (
        PairwiseVote.objects.filter(section=section)
        .order_by("pk")
        .values_list("member_id", "first_id", "second_id", "winner_id")
    ):
        a, b = root(first), root(second)
        key = (member, frozenset((a, b)))
        if a == b or key in counted:
            continue
        counted.add(key)
        won = root(winner)
        comparisons.append((won, b if won == a else a))
    return comparisons


def section_vote_counts(section: Section) -> dict[str, int]:
    return {
        "members": BoardMember.objects.filter(
            Q(ideas__section=section)
            | Q(dot_votes__section=section)
            | Q(pair_votes__section=section)
        )
        .distinct()
        .count(),
        "dots": DotVote.objects.filter(section=section).count(),
        "pairs": PairwiseVote.objects.filter(section=section).count(),
    }


def board_version(section: Section) -> str:
    """What a board view shows, as a stamp: its revisions, which every write through the
    services raises (`meetings.services.board_rev`). Polling answers «no change» (204) while
    it stays the same, so the page is not redrawn under the moderator's cursor. The section
    must be read in this request (`section_by_code` does)."""
    return f"{section.pk}.{section.ideas_rev}.{section.votes_rev}"


# --- cached reads --------------------------------------------------------------------------
# A board of 300 participants asks for the same list of ideas and the same ranking hundreds
# of times between two writes. They are kept in the cache under the section's revisions, so
# a write makes the next request compute them afresh (never a stale ranking), and nothing
# of one participant (his dots, his ideas, his token) is ever part of them.

CACHE_SECONDS = 600


def _key(section: Section, what: str, *, votes: bool) -> str:
    revs = f"{section.ideas_rev}.{section.votes_rev}" if votes else str(section.ideas_rev)
    return f"board:{section.pk}:{section.code}:{what}:{section.voting_mode}:{revs}"


def ideas_etag(section: Section) -> str:
    """The HTTP entity tag of the board's list of ideas."""
    return f'"b{section.pk}-{section.ideas_rev}"'


def results_etag(section: Section) -> str:
    """The HTTP entity tag of the board's results (ideas and votes)."""
    return f'"b{section.pk}-{section.ideas_rev}-{section.votes_rev}"'


def cached_board_ideas(section: Section) -> list[dict[str, Any]]:
    """The active ideas of the board, oldest first, as the room sees them (masked text)."""
    key = _key(section, "ideas", votes=False)
    found = cache.get(key)
    if found is None:
        found = [
            {
                "id": pk,
                "kind": kind,
                "text": Idea(text=text).public_text,
                "created_at": created_at,
            }
            for pk, kind, text, created_at in active_ideas(section)
            .order_by("pk")
            .values_list("pk", "kind", "text", "created_at")
        ]
        cache.set(key, found, CACHE_SECONDS)
    return list(found)


def cached_section_results(section: Section) -> list[IdeaResult]:
    """`section_results` with the ideas kept under the section's ideas revision: they change
    seldom, the votes many times a second while a room votes, so after a vote only the votes
    are counted again. (The ranking itself is not stored: pickling 600 ideas after every vote
    costs more than counting; what is stored is what the pages and the API make of it.)"""
    key = _key(section, "ranked-ideas", votes=False)
    ideas = cache.get(key)
    if ideas is None:
        ideas = _ranked_ideas(section)
        cache.set(key, ideas, CACHE_SECONDS)
    return section_results(section, ideas=ideas)


def cached_vote_counts(section: Section) -> dict[str, int]:
    """`section_vote_counts` under the section's revisions."""
    key = _key(section, "counts", votes=True)
    found = cache.get(key)
    if found is None:
        found = section_vote_counts(section)
        cache.set(key, found, CACHE_SECONDS)
    return dict(found)


def cached_fragment(
    section: Section, what: str, render: Callable[[], Any], *, votes: bool = True
) -> Any:
    """A rendered piece of a board page shared by every visitor (no per-visitor data in it!),
    under the section's revisions (`votes=False`: only its ideas) and the active language."""
    key = _key(section, f"part:{what}:{get_language()}", votes=votes)
    found = cache.get(key)
    if found is None:
        found = render()
        cache.set(key, found, CACHE_SECONDS)
    return found
