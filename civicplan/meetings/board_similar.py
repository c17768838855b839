"""Near-duplicate ideas on a board, from the platform's one similarity service
(`civicplan.core.similarity` over `analytics.text.SimilarityIndex`).

Two reads: `similar_ideas` — what a participant sees while typing («похожая идея уже есть»),
and `merge_suggestions` — the pairs flagged on the moderator's page. Rewordings, word order
and typos («веладорожку вдоль набережнай») are all found: the index compares lemmas and
word vectors, and reads a word no idea contains as the indexed word one or two letters away.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Max

from civicplan.analytics.text.similar import SimilarityIndex
from civicplan.core.similarity import text_index_grow, text_index_reset
from civicplan.meetings.models import Idea, Section

logger = logging.getLogger(__name__)

# Scores of the index (0..1). Measured on the demo boards: rewordings of one idea score
# 0.74–1.0, different ideas of one section at most 0.48 («Служебное жильё для врачей…» vs
# «Не хватает врачей…»). The participant is shown likely matches a little earlier.
MERGE_SCORE = 0.65
PARTICIPANT_SCORE = 0.6
# Duplicate suggestions are recomputed at most this often (seconds) per section.
SUGGEST_EVERY = 10

_STAMPS: dict[int, str] = {}
_STAMPS_LOCK = threading.Lock()


def active_ideas(section: Section) -> Any:
    return Idea.objects.filter(section=section, merged_into__isnull=True, is_hidden=False)


def _stamp(section: Section) -> str:
    edited = Idea.objects.filter(section=section).aggregate(e=Max("edited_at"))["e"]
    return edited.isoformat() if edited else "-"


def section_text_index(section: Section) -> SimilarityIndex:
    """The index of every idea of the section (hidden and merged included; callers keep the
    active ones). New ideas are added; an edit of a wording rebuilds it."""
    stamp = _stamp(section)
    with _STAMPS_LOCK:
        if _STAMPS.get(section.pk) != stamp:
            text_index_reset(f"board:{section.pk}:", prefix=True)
            _STAMPS[section.pk] = stamp

    def newer_than(last_id: Any, limit: int | None) -> list[tuple[Any, str]]:
        rows = (
            Idea.objects.filter(section=section, pk__gt=last_id or 0)
            .order_by("pk")
            .values_list("pk", "text")
        )
        return list(rows[:limit] if limit else rows)

    return text_index_grow(f"board:{section.pk}:{stamp}", newer_than=newer_than)


def similar_ideas(section: Section, text: str, *, limit: int = 3) -> list[tuple[Idea, float]]:
    """Active ideas of the section that say what `text` says, best first."""
    cleaned = " ".join(text.split())
    if len(cleaned) < 5:
        return []
    try:
        found = section_text_index(section).query(cleaned, k=limit + 10, typos=True)
    except Exception:  # the board must keep working if the text engine fails
        logger.exception("Similar ideas failed for section %s", section.pk)
        return []
    scores = {pk: score for pk, score in found if score >= PARTICIPANT_SCORE}
    ideas = {i.pk: i for i in active_ideas(section).filter(pk__in=scores)}
    ranked = sorted(
        ((ideas[pk], score) for pk, score in scores.items() if pk in ideas), key=lambda x: -x[1]
    )
    return ranked[:limit]


@dataclass(frozen=True)
class MergeSuggestion:
    idea: Idea  # the later one
    into: Idea  # the earlier one
    similarity: float
    kind: str = "similar"


def _pairs(section: Section, ideas: list[Idea]) -> list[tuple[int, int, float]]:
    index = section_text_index(section)
    position = {i.pk: n for n, i in enumerate(ideas)}
    best: dict[tuple[int, int], float] = {}
    for idea in ideas:
        for other, score in index.query(idea.text, k=6, exclude=[idea.pk], typos=True):
            if score < MERGE_SCORE or other not in position:
                continue
            first, second = sorted((idea.pk, other), key=lambda pk: position[pk])
            best[(first, second)] = max(best.get((first, second), 0.0), score)
    return [(second, first, round(score, 2)) for (first, second), score in best.items()]


def merge_suggestions(section: Section, *, limit: int = 20) -> list[MergeSuggestion]:
    """Likely duplicates among the active ideas, most similar first: the later idea of each
    pair with the earlier one it repeats."""
    ideas = list(active_ideas(section).order_by("created_at", "pk"))
    if len(ideas) < 2:
        return []
    by_id = {i.pk: i for i in ideas}
    # The moderator's page polls every few seconds: compute once per state of the board.
    state = f"{','.join(str(i.pk) for i in ideas)}:{_stamp(section)}"
    key = f"board-suggest:{section.pk}:{hashlib.sha1(state.encode()).hexdigest()}"
    rows = cache.get(key)
    if rows is None:
        # While ideas pour in, the board changes every poll: recompute at most every
        # SUGGEST_EVERY seconds and serve the latest result meanwhile.
        recent = cache.get(f"board-suggest-recent:{section.pk}")
        if recent is not None and time.time() - recent[0] < SUGGEST_EVERY:
            rows = recent[1]
    if rows is None:
        try:
            rows = sorted(_pairs(section, ideas), key=lambda row: (-row[2], row[0]))
        except Exception:  # the board must keep working if the text engine fails
            logger.exception("Duplicate suggestions failed for section %s", section.pk)
            return []
        cache.set(key, rows, 600)
        cache.set(f"board-suggest-recent:{section.pk}", (time.time(), rows), 600)
    return [
        MergeSuggestion(idea=by_id[a], into=by_id[b], similarity=score)
        for a, b, score in rows
        if a in by_id and b in by_id
    ][:limit]
