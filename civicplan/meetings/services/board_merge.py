"""Merging ideas of a board by hand: two or more ideas become one, in the wording the
moderator chooses; their votes are combined without counting a participant twice.

Safe under votes cast at the same moment (PostgreSQL): the ideas' rows are locked in the
order of their ids, and a dot vote locks its idea's row before it checks that the idea is
still on the board, so a dot is either moved with the merge or refused with «её объединили».
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.errors import Conflict, InvalidInput
from civicplan.meetings.models import DotVote, Idea, Section
from civicplan.meetings.services.board_rev import board_touch

IDEA_MIN = 5
IDEA_MAX = 500


@transaction.atomic
def ideas_merge(*, section: Section, ideas: Sequence[Idea], survivor: Idea, text: str = "") -> Idea:
    """Merge `ideas` (two or more, `survivor` among them) into `survivor`, whose wording
    becomes `text` when given. The others show «объединено с …»; each participant's dots on
    them move to the survivor, one per participant (a second dot goes back to him)."""
    ids = sorted({i.pk for i in ideas} | {survivor.pk})
    if len(ids) < 2:
        raise InvalidInput(_("Отметьте хотя бы две идеи, чтобы объединить их."))
    locked = list(Idea.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    by_id = {i.pk: i for i in locked}
    if len(locked) != len(ids) or any(i.section_id != section.pk for i in locked):
        raise InvalidInput(_("Объединять можно только идеи одной секции."))
    gone = [i for i in locked if i.merged_into_id is not None]
    if gone:
        raise Conflict(
            _("Идея «%(text)s» уже объединена с другой. Обновите страницу.")
            % {"text": gone[0].text[:60]}
        )
    into = by_id[survivor.pk]
    others = [i for i in locked if i.pk != into.pk]
    cleaned = " ".join(text.split())
    if cleaned and cleaned != into.text:
        if not IDEA_MIN <= len(cleaned) <= IDEA_MAX:
            raise InvalidInput(
                _("Формулировка — от %(min)d до %(max)d символов.")
                % {"min": IDEA_MIN, "max": IDEA_MAX},
                field="text",
            )
        into.text = cleaned
        into.edited_at = timezone.now()
    # Dots: one per participant on the merged idea; his others are given back to him.
    votes = list(DotVote.objects.select_for_update().filter(idea_id__in=ids).order_by("pk"))
    kept = {v.member_id for v in votes if v.idea_id == into.pk}
    drop, move = [], []
    for vote in votes:
        if vote.idea_id == into.pk:
            continue
        if vote.member_id in kept:
            drop.append(vote.pk)
        else:
            kept.add(vote.member_id)
            move.append(vote.pk)
    DotVote.objects.filter(pk__in=drop).delete()
    DotVote.objects.filter(pk__in=move).update(idea=into)
    # Pairwise comparisons stay as cast; the results read a merged idea as its survivor.
    Idea.objects.filter(merged_into__in=[i.pk for i in others]).update(merged_into=into)
    Idea.objects.filter(pk__in=[i.pk for i in others]).update(merged_into=into)
    if into.cluster_id is None:
        into.cluster_id = next((i.cluster_id for i in others if i.cluster_id), None)
    if into.is_hidden:
        into.is_hidden = False
    into.save(update_fields=["text", "edited_at", "cluster", "is_hidden"])
    board_touch(section, ideas=True, votes=True)
    return into


def idea_merge(*, idea: Idea, into: Idea) -> Idea:
    """Merge one duplicate into another idea (which keeps its wording)."""
    if idea.pk == into.pk:
        raise InvalidInput(_("Идею нельзя объединить саму с собой."))
    if idea.section_id != into.section_id:
        raise InvalidInput(_("Объединять можно только идеи одной секции."))
    if into.merged_into_id is not None:
        into = into.merged_into  # type: ignore[assignment]
        if into.pk == idea.pk:
            raise InvalidInput(_("Эти идеи уже объединены."))
    return ideas_merge(section=into.section, ideas=[idea, into], survivor=into)


@transaction.atomic
def idea_unmerge(*, idea: Idea) -> Idea:
    """Put a merged idea back on the board (its moved dots stay with the survivor)."""
    idea.merged_into = None
    idea.save(update_fields=["merged_into"])
    board_touch(idea.section_id, ideas=True, votes=True)
    return idea
