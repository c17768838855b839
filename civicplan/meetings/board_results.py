"""What a board shows: results of the votes, the board's version stamp, duplicate suggestions.

Reads only; the writes of the board are in `meetings.services.board`.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

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

# Duplicate suggestions are recomputed at most this often (seconds) per section.
SUGGEST_EVERY = 10


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
        pairs = PairwiseVote.objects.filter(section=section).values_list(
            "first_id", "second_id", "winner_id"
        )
        comparisons = [(w, s if w == f else f) for f, s, w in pairs]
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


# --- duplicate suggestions -----------------------------------------------------------------


@dataclass(frozen=True)
class MergeSuggestion:
    idea: Idea
    into: Idea
    similarity: float
    kind: str


_FINDER: Any = None


def _finder() -> Any:
    global _FINDER
    if _FINDER is None:
        from civicplan.analytics.text.dedup import DuplicateFinder

        _FINDER = DuplicateFinder(jaccard_threshold=0.5, paraphrase_threshold=0.7, min_words=2)
    return _FINDER


def merge_suggestions(section: Section, *, limit: int = 20) -> list[MergeSuggestion]:
    """Likely duplicates among the active ideas, from the analytics engine's DuplicateFinder
    (near-copies by MinHash, paraphrases by navec vectors with word alignment)."""
    from django.core.cache import cache
    from django.db.models import Max

    ideas = list(active_ideas(section).order_by("created_at", "pk"))
    if len(ideas) < 2:
        return []
    # The moderator's page polls every few seconds: compute once per state of the board.
    stamp = Idea.objects.filter(section=section).aggregate(e=Max("edited_at"))["e"]
    key = f"board-suggest:{section.pk}:{','.join(str(i.pk) for i in ideas)}:{stamp}"
    key = f"board-suggest:{section.pk}:{hashlib.sha1(key.encode()).hexdigest()}"
    cached = cache.get(key)
    by_id = {i.pk: i for i in ideas}
    if cached is None:
        # While ideas pour in, the board changes every poll: recompute at most every
        # SUGGEST_EVERY seconds and serve the latest result meanwhile.
        recent = cache.get(f"board-suggest-recent:{section.pk}")
        if recent is not None and time.time() - recent[0] < SUGGEST_EVERY:
            cached = recent[1]
    if cached is not None:
        return [
            MergeSuggestion(idea=by_id[a], into=by_id[b], similarity=sim, kind=kind)
            for a, b, sim, kind in cached
            if a in by_id and b in by_id
        ][:limit]
    from civicplan.analytics.text.types import Document

    documents = [Document(id=str(i.pk), text=i.text, created_at=i.created_at) for i in ideas]
    try:
        from civicplan.analytics.text.lemmatize import as_prepared

        pairs = _finder().pairs(as_prepared([d.text for d in documents]))
    except Exception:  # the board must keep working if the text engine fails
        logger.exception("Duplicate suggestions failed for section %s", section.pk)
        return []
    found = [
        MergeSuggestion(
            idea=ideas[p.second],
            into=ideas[p.first],
            similarity=round(p.similarity, 2),
            kind=p.kind,
        )
        for p in pairs
    ]
    found.sort(key=lambda s: -s.similarity)
    rows = [(s.idea.pk, s.into.pk, s.similarity, s.kind) for s in found]
    cache.set(key, rows, 600)
    cache.set(f"board-suggest-recent:{section.pk}", (time.time(), rows), 600)
    return found[:limit]


def active_ideas(section: Section) -> Any:
    return Idea.objects.filter(section=section, merged_into__isnull=True, is_hidden=False)
