"""What a board shows: results of the votes and the board's version stamp (duplicate
suggestions are in `meetings.board_similar`).

Reads only; the writes of the board are in `meetings.services.board`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.db.models import Count, Q

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


def section_results(section: Section) -> list[IdeaResult]:
    """Active ideas ranked by the section's voting: dots or pairwise scores."""
    ideas = list(active_ideas(section).select_related("cluster").order_by("pk"))
    # Two grouped counts instead of one join of votes × merged ideas (which multiplies rows).
    dots = dict(
        DotVote.objects.filter(section=section)
        .values("idea")
        .annotate(n=Count("pk"))
        .values_list("idea", "n")
    )
    merged = dict(
        Idea.objects.filter(section=section, merged_into__isnull=False)
        .values("merged_into")
        .annotate(n=Count("pk"))
        .values_list("merged_into", "n")
    )
    for idea in ideas:
        idea.dots = dots.get(idea.pk, 0)
        idea.merged_count = merged.get(idea.pk, 0)
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
    """A short fingerprint of everything a board view shows; polling answers «no change»
    (204) while it stays the same, so the page is not redrawn under the moderator's cursor."""
    from django.db.models import Max

    ideas = Idea.objects.filter(section=section).aggregate(
        n=Count("pk"),
        last=Max("pk"),
        edited=Max("edited_at"),
        merged=Count("pk", filter=Q(merged_into__isnull=False)),
        hidden=Count("pk", filter=Q(is_hidden=True)),
        clustered=Count("cluster"),
    )
    parts = [
        section.board_state,
        section.voting_mode,
        str(section.dots_per_member),
        *(str(ideas[k]) for k in ("n", "last", "edited", "merged", "hidden", "clustered")),
        str(DotVote.objects.filter(section=section).count()),
        str(PairwiseVote.objects.filter(section=section).count()),
        str(section.clusters.count()),
    ]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]
