"""The drafting group answers comments one by one and in groups of similar ones."""

from __future__ import annotations

from typing import Any

import pytest

from civicplan.accounts.models import AuditLog, User
from civicplan.core.errors import Forbidden, InvalidInput
from civicplan.drafts.models import (
    Decision,
    DraftComment,
    DraftCommentGroup,
    DraftParagraph,
    DraftVersion,
)
from civicplan.drafts.services.decisions import (
    comment_decide,
    comment_ungroup,
    group_decide,
    paragraph_answers_set,
    version_comments_group,
)
from civicplan.drafts.tests.answers_data import discussion_make

pytestmark = pytest.mark.django_db


def test_declining_without_a_reason_is_refused_and_changes_nothing(world: Any) -> None:
    found = discussion_make(world.campaign)
    comment = found.comments["health"]

    with pytest.raises(InvalidInput, match="укажите обоснование"):
        comment_decide(comment=comment, decision=Decision.DECLINED, reason="  ", actor=found.editor)

    comment.refresh_from_db()
    assert comment.decision == Decision.NONE


def test_only_the_drafting_group_answers_and_only_published_comments(world: Any) -> None:
    found = discussion_make(world.campaign)
    resident = User.objects.create_user(email="zhitel@example.ru", password="pass-12345-x")

    with pytest.raises(Forbidden):
        comment_decide(
            comment=found.comments["health"], decision=Decision.ACCEPTED, reason="", actor=resident
        )
    with pytest.raises(InvalidInput, match="не опубликовано"):
        comment_decide(
            comment=found.comments["pending"],
            decision=Decision.ACCEPTED,
            reason="",
            actor=found.editor,
        )


def test_similar_comments_of_a_paragraph_are_grouped_and_answered_at_once(
    world: Any,
) -> None:
    found = discussion_make(world.campaign)
    c = found.comments

    result = version_comments_group(version=found.version, actor=found.editor)

    (group,) = DraftCommentGroup.objects.filter(paragraph=found.roads)
    members = set(group.comments.values_list("pk", flat=True))
    assert members == {c["earlier"].pk, c["sooner"].pk, c["sooner_copy"].pk}
    # Different paragraphs never share a group; the odd one out stays alone.
    assert DraftComment.objects.get(pk=c["health"].pk).group is None
    assert DraftComment.objects.get(pk=c["sooner_copy"].pk).duplicate_of_id == c["sooner"].pk
    assert (result.groups, result.grouped, result.duplicates) == (1, 3, 1)

    group_decide(
        group=group,
        decision=Decision.ACCEPTED,
        reason="Срок ремонта перенесён на 2028 год.",
        actor=found.editor,
    )

    decided = DraftComment.objects.filter(pk__in=members)
    assert set(decided.values_list("decision", flat=True)) == {Decision.ACCEPTED}
    assert AuditLog.objects.filter(action="drafts.comment_decide").count() == 3
    # Grouping again keeps the answered group as it is.
    version_comments_group(version=found.version, actor=found.editor)
    assert DraftCommentGroup.objects.filter(pk=group.pk).exists()


def test_a_comment_taken_out_of_a_pair_dissolves_the_group(world: Any) -> None:
    found = discussion_make(world.campaign)
    c = found.comments
    c["earlier"].delete()
    version_comments_group(version=found.version, actor=found.editor)
    group = DraftCommentGroup.objects.get(paragraph=found.roads)

    comment_ungroup(comment=DraftComment.objects.get(pk=c["sooner"].pk), actor=found.editor)

    assert not DraftCommentGroup.objects.filter(pk=group.pk).exists()
    assert DraftComment.objects.get(pk=c["sooner_copy"].pk).group is None


def test_a_paragraph_answers_only_accepted_comments_of_earlier_versions(
    world: Any,
) -> None:
    found = discussion_make(world.campaign)
    c = found.comments
    comment_decide(
        comment=c["amendment"], decision=Decision.ACCEPTED, reason="", actor=found.editor
    )
    second = DraftVersion.objects.create(draft=found.draft, number=2, based_on=found.version)
    centres_v2 = DraftParagraph.objects.create(
        version=second,
        order=2,
        number="2.2",
        lineage=found.centres.lineage,
        text="Создать 15 центров поддержки предпринимательства в малых городах и сёлах.",
    )

    with pytest.raises(InvalidInput, match="не учтено"):
        paragraph_answers_set(paragraph=centres_v2, comments=[c["health"]], actor=found.editor)
    with pytest.raises(InvalidInput, match="не к предыдущей редакции"):
        paragraph_answers_set(
            paragraph=found.centres, comments=[c["amendment"]], actor=found.editor
        )
    paragraph_answers_set(paragraph=centres_v2, comments=[c["amendment"]], actor=found.editor)

    assert list(centres_v2.answers.all()) == [c["amendment"]]


def test_a_decision_with_the_page_cache_on_is_saved(world: Any, page_cache: Any) -> None:
    found = discussion_make(world.campaign)

    comment_decide(
        comment=found.comments["health"],
        decision=Decision.DECLINED,
        reason="Показатель уже есть в разделе 4.",
        actor=found.editor,
    )

    assert DraftComment.objects.get(pk=found.comments["health"].pk).decision == Decision.DECLINED
