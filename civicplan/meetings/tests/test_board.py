"""The idea board: joining, ideas, moderation, dot voting, pairwise comparison, limits."""

from __future__ import annotations

import pytest
from django.core import signing
from django.db import IntegrityError

from civicplan.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited
from civicplan.meetings.models import BoardMember, DotVote, Idea, PairwiseVote
from civicplan.meetings.services import board

from .conftest import make_section, make_session

pytestmark = pytest.mark.django_db


def _join(section, nickname):  # type: ignore[no-untyped-def]
    member, token = board.board_join(section=section, nickname=nickname)
    return member, token


def _ideas(section, member, texts):  # type: ignore[no-untyped-def]
    return [board.idea_post(section=section, member=member, kind="proposal", text=t) for t in texts]


def test_participant_joins_by_code_and_token_identifies_him(section) -> None:
    # when
    found = board.section_by_code(f" {section.code[:3]} {section.code[3:]} ")
    member, token = _join(found, "Анна из Кинеля")
    # then
    assert board.member_from_token(token, section=section) == member


def test_unknown_code_is_refused_with_a_clear_message(section) -> None:
    with pytest.raises(NotFound, match="не найдена"):
        board.section_by_code("000000")


def test_nickname_is_unique_within_the_session(section) -> None:
    _join(section, "Иван")
    other_section = make_section(section.session, title="Кадры")
    with pytest.raises(Conflict, match="уже занято"):
        board.board_join(section=other_section, nickname="  Иван ")
    with pytest.raises(InvalidInput):
        board.board_join(section=section, nickname="И")
    assert BoardMember.objects.count() == 1


def test_forged_or_foreign_token_is_refused(section, demo_campaign) -> None:
    member, token = _join(section, "Пётр")
    forged = signing.dumps({"m": member.pk, "s": "0" * 32}, salt=board.TOKEN_SALT, compress=True)
    with pytest.raises(Forbidden):
        board.member_from_token(forged, section=section)
    with pytest.raises(Forbidden):
        board.member_from_token(token[:-2] + "xx", section=section)
    with pytest.raises(Forbidden):
        board.member_from_token(None, section=section)
    other = make_section(make_session(demo_campaign, title="Цифровая экономика"))
    with pytest.raises(Forbidden, match="другой сессии"):
        board.member_from_token(token, section=other)


def test_idea_is_cleaned_and_bad_ideas_are_refused(section) -> None:
    member, _ = _join(section, "Ольга")
    idea = board.idea_post(
        section=section, member=member, kind="challenge", text="  Молодёжь   уезжает в Самару  "
    )
    assert idea.text == "Молодёжь уезжает в Самару" == idea.original_text
    with pytest.raises(InvalidInput, match="несколько слов"):
        board.idea_post(section=section, member=member, kind="risk", text="да")
    with pytest.raises(InvalidInput, match="вызов, предложение или риск"):
        board.idea_post(section=section, member=member, kind="wish", text="Открыть коворкинг")
    with pytest.raises(InvalidInput, match="сократите"):
        board.idea_post(section=section, member=member, kind="risk", text="очень " * 100)
    with pytest.raises(Conflict, match="уже добавили"):
        board.idea_post(
            section=section, member=member, kind="challenge", text="молодёжь уезжает в самару"
        )
    assert Idea.objects.count() == 1


def test_ideas_are_refused_when_the_moderator_closed_intake(section) -> None:
    member, _ = _join(section, "Ольга")
    board.section_board_update(section=section, board_state="voting")
    with pytest.raises(Conflict, match="закрыт"):
        board.idea_post(section=section, member=member, kind="proposal", text="Открыть коворкинг")


def test_too_many_ideas_a_minute_are_refused(section) -> None:
    member, _ = _join(section, "Спамер")
    for n in range(board.IDEAS_PER_MINUTE):
        board.idea_post(section=section, member=member, kind="risk", text=f"Риск номер {n}")
    with pytest.raises(RateLimited):
        board.idea_post(section=section, member=member, kind="risk", text="Ещё один риск")


def test_dot_voting_respects_the_number_of_dots_and_refuses_repeats(section) -> None:
    author, _ = _join(section, "Автор")
    ideas = _ideas(
        section,
        author,
        ["Открыть коворкинг", "Отремонтировать дом культуры", "Запустить автобус до Самары"],
    )
    board.section_board_update(section=section, board_state="voting", dots_per_member=2)
    voter, _ = _join(section, "Голосующий")
    board.dot_vote_cast(section=section, member=voter, idea_id=ideas[0].pk)
    with pytest.raises(Conflict, match="уже отдали голос"):
        board.dot_vote_cast(section=section, member=voter, idea_id=ideas[0].pk)
    board.dot_vote_cast(section=section, member=voter, idea_id=ideas[1].pk)
    with pytest.raises(Conflict, match="все голоса"):
        board.dot_vote_cast(section=section, member=voter, idea_id=ideas[2].pk)
    with pytest.raises(NotFound):
        board.dot_vote_cast(section=section, member=voter, idea_id=999999)
    assert DotVote.objects.filter(member=voter).count() == 2
    # the database refuses a second dot on the same idea even past the service
    with pytest.raises(IntegrityError):
        DotVote.objects.create(section=section, member=voter, idea=ideas[0])


def test_withdrawn_dot_can_be_given_to_another_idea(section) -> None:
    author, _ = _join(section, "Автор")
    a, b = _ideas(section, author, ["Открыть коворкинг", "Построить ФОК"])
    board.section_board_update(section=section, board_state="voting", dots_per_member=1)
    board.dot_vote_cast(section=section, member=author, idea_id=a.pk)
    board.dot_vote_withdraw(section=section, member=author, idea_id=a.pk)
    board.dot_vote_cast(section=section, member=author, idea_id=b.pk)
    results = board.section_results(section)
    assert [(r.idea.pk, r.value) for r in results] == [(b.pk, 1), (a.pk, 0)]


def test_votes_are_refused_outside_voting_or_in_another_mode(section) -> None:
    member, _ = _join(section, "Ранний")
    (idea,) = _ideas(section, member, ["Открыть коворкинг"])
    with pytest.raises(Conflict, match="не идёт"):
        board.dot_vote_cast(section=section, member=member, idea_id=idea.pk)
    board.section_board_update(section=section, board_state="voting", voting_mode="pairwise")
    with pytest.raises(Conflict, match="другой способ"):
        board.dot_vote_cast(section=section, member=member, idea_id=idea.pk)


def test_merge_moves_dots_and_removes_the_duplicate_from_the_ranking(section) -> None:
    author, _ = _join(section, "Автор")
    original, duplicate, other = _ideas(
        section,
        author,
        ["Открыть коворкинг в центре", "Нужен коворкинг в центре города", "Построить ФОК"],
    )
    board.section_board_update(section=section, board_state="voting", dots_per_member=3)
    v1, _ = _join(section, "Первый")
    v2, _ = _join(section, "Второй")
    board.dot_vote_cast(section=section, member=v1, idea_id=duplicate.pk)
    board.dot_vote_cast(section=section, member=v2, idea_id=duplicate.pk)
    board.dot_vote_cast(section=section, member=v2, idea_id=original.pk)
    # when
    board.idea_merge(idea=duplicate, into=original)
    # then: v1's dot moved, v2 keeps one dot on the original
    results = board.section_results(section)
    assert [(r.idea.pk, r.value) for r in results] == [(original.pk, 2), (other.pk, 0)]
    assert results[0].merged_count == 1
    with pytest.raises(InvalidInput):
        board.idea_merge(idea=original, into=original)
    with pytest.raises(NotFound, match="объединили"):
        board.dot_vote_cast(section=section, member=v1, idea_id=duplicate.pk)


def test_pairwise_comparison_ranks_by_scores_and_refuses_forged_or_repeated_votes(
    section,
) -> None:
    author, _ = _join(section, "Автор")
    ideas = _ideas(
        section, author, ["Открыть коворкинг", "Построить ФОК", "Запустить автобус до Самары"]
    )
    board.section_board_update(section=section, board_state="voting", voting_mode="pairwise")
    favourite = ideas[2]
    for n in range(4):
        voter, _ = _join(section, f"Участник {n}")
        while (pair := board.pair_next(section=section, member=voter)) is not None:
            left, right, ticket = pair
            winner = (
                favourite if favourite in (left, right) else min(left, right, key=lambda i: i.pk)
            )
            board.pair_vote_cast(section=section, member=voter, ticket=ticket, winner_id=winner.pk)
        assert PairwiseVote.objects.filter(member=voter).count() == 3  # every pair once
    results = board.section_results(section)
    assert results[0].idea == favourite and results[0].wins == 8
    assert results[0].value > 50 > results[-1].value
    # repeated: a ticket for a pair already compared
    left, right = ideas[0], ideas[1]
    ticket = signing.dumps(
        {"m": voter.pk, "p": [left.pk, right.pk]}, salt=board.PAIR_SALT, compress=True
    )
    with pytest.raises(Conflict, match="уже сравнили"):
        board.pair_vote_cast(section=section, member=voter, ticket=ticket, winner_id=left.pk)
    # forged: someone else's ticket, a made-up ticket, a winner outside the pair
    stranger, _ = _join(section, "Чужой")
    with pytest.raises(Forbidden):
        board.pair_vote_cast(section=section, member=stranger, ticket=ticket, winner_id=left.pk)
    with pytest.raises(Forbidden):
        board.pair_vote_cast(section=section, member=stranger, ticket="abc", winner_id=left.pk)
    own = board.pair_next(section=section, member=stranger)
    assert own is not None
    with pytest.raises(InvalidInput):
        board.pair_vote_cast(section=section, member=stranger, ticket=own[2], winner_id=123456)


def test_merge_suggestions_find_near_duplicate_ideas(section) -> None:
    member, _ = _join(section, "Автор")
    a, b, c = _ideas(
        section,
        member,
        [
            "Открыть коворкинг для молодёжи в центре Отрадного",
            "открыть коворкинг для молодёжи в центре Отрадного!",
            "Запустить льготный автобус до Самары",
        ],
    )
    suggestions = board.merge_suggestions(section)
    assert [(s.idea, s.into) for s in suggestions] == [(b, a)]
    # cached for the moderator's polling, and still right
    assert [(s.idea, s.into) for s in board.merge_suggestions(section)] == [(b, a)]
    assert c not in {s.idea for s in suggestions}
