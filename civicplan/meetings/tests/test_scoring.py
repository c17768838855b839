"""Pairwise scores: Bradley–Terry with a weak prior, All Our Ideas style score."""

from __future__ import annotations

import pytest

from civicplan.meetings.scoring import bradley_terry


def test_idea_that_wins_most_comparisons_ranks_first() -> None:
    # given: «a» beats everyone, «b» beats «c», «c» loses everything
    comparisons = [("a", "b")] * 4 + [("a", "c")] * 4 + [("b", "c")] * 4
    # when
    scores = bradley_terry(["a", "b", "c"], comparisons)
    # then
    assert [s.idea for s in scores] == ["a", "b", "c"]
    assert scores[0].score > 75 > 25 > scores[-1].score
    assert scores[0].wins == 8 and scores[0].losses == 0


def test_unrated_ideas_score_fifty_and_scores_stay_finite() -> None:
    scores = bradley_terry(["a", "b", "c"], [("a", "b")])
    by = {s.idea: s for s in scores}
    assert by["c"].score == pytest.approx(50, abs=8)
    assert 50 < by["a"].score < 100  # one win is not certainty
    assert by["a"].score + by["b"].score == pytest.approx(100, abs=10)


def test_comparisons_with_unknown_ideas_are_ignored() -> None:
    scores = bradley_terry(["a", "b"], [("a", "merged"), ("merged", "b"), ("a", "a")])
    assert all(s.comparisons == 0 for s in scores)
    assert bradley_terry([], [("a", "b")]) == []
    assert bradley_terry(["a"], [])[0].score == 50.0


def test_more_evidence_moves_the_score_further() -> None:
    few = {s.idea: s.score for s in bradley_terry(["a", "b"], [("a", "b")])}
    many = {s.idea: s.score for s in bradley_terry(["a", "b"], [("a", "b")] * 10)}
    assert many["a"] > few["a"] > 50
