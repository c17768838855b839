"""Scores of ideas from pairwise comparisons («which of these two matters more?»).

We fit a Bradley–Terry model: idea *i* has a strength p_i and wins against *j* with
probability p_i / (p_i + p_j). Strengths are estimated by the minorisation–maximisation
algorithm of Hunter (2004). Every idea also plays one virtual win and one virtual loss
against a fixed reference of strength 1 — a weak prior that keeps strengths finite for
ideas that always won or always lost and pulls ideas with few comparisons towards the middle.

The published score follows All Our Ideas: the chance, in per cent, that the idea wins
against an idea drawn at random from the others. 50 is an average idea; an idea nobody has
compared yet scores 50.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PairScore:
    idea: Hashable
    score: float  # 0..100
    wins: int
    losses: int

    @property
    def comparisons(self) -> int:
        return self.wins + self.losses


def bradley_terry(
    items: Sequence[Hashable],
    comparisons: Iterable[tuple[Hashable, Hashable]],
    *,
    prior: float = 1.0,
    iterations: int = 500,
    tolerance: float = 1e-9,
) -> list[PairScore]:
    """Scores for `items` from `(winner, loser)` pairs, best first.

    Comparisons that involve an item not in `items` are ignored (a merged or hidden idea).
    """
    index = {item: k for k, item in enumerate(items)}
    n = len(items)
    if n == 0:
        return []
    wins = [0] * n
    losses = [0] * n
    games: dict[tuple[int, int], int] = defaultdict(int)
    for winner, loser in comparisons:
        w, lo = index.get(winner), index.get(loser)
        if w is None or lo is None or w == lo:
            continue
        wins[w] += 1
        losses[lo] += 1
        games[(min(w, lo), max(w, lo))] += 1
    opponents: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for (a, b), count in games.items():
        opponents[a].append((b, count))
        opponents[b].append((a, count))

    strength = [1.0] * n
    for _ in range(iterations):
        new = []
        for i in range(n):
            denominator = 2 * prior / (strength[i] + 1.0)
            for j, count in opponents[i]:
                denominator += count / (strength[i] + strength[j])
            new.append((wins[i] + prior) / denominator)
        change = max(abs(a - b) for a, b in zip(new, strength, strict=True))
        strength = new
        if change < tolerance:
            break

    result = []
    for i, item in enumerate(items):
        if n == 1:
            score = 50.0
        else:
            score = (
                sum(strength[i] / (strength[i] + strength[j]) for j in range(n) if j != i)
                / (n - 1)
                * 100
            )
        result.append(PairScore(idea=item, score=score, wins=wins[i], losses=losses[i]))
    result.sort(key=lambda s: (-s.score, -s.wins))
    return result
