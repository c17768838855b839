"""What can be followed: each kind says how to load its objects, name them and link to them.

A kind is registered once (`register_target`); the draft under public discussion adds itself
the same way when its app exists, without a migration of `Follow`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from civicplan.notifications.models import TargetKind


@dataclass(frozen=True)
class Target:
    kind: str
    # pk → object, only the objects anybody may follow (published ones)
    load: Callable[[Iterable[int]], dict[int, Any]]
    title: Callable[[Any], str]
    url: Callable[[Any], str]


_TARGETS: dict[str, Target] = {}


def register_target(target: Target) -> None:
    _TARGETS[target.kind] = target


def target_kinds() -> list[str]:
    return list(_TARGETS)


def target_for(kind: str) -> Target | None:
    return _TARGETS.get(kind)


def target_get(kind: str, pk: int) -> Any | None:
    target = _TARGETS.get(kind)
    if target is None:
        return None
    return target.load([pk]).get(int(pk))


def _proposals(ids: Iterable[int]) -> dict[int, Any]:
    from civicplan.proposals.models import PUBLIC_STATUSES, Proposal

    rows = Proposal.objects.filter(pk__in=list(ids), status__in=PUBLIC_STATUSES)
    return {p.pk: p for p in rows.only("pk", "title", "text", "status")}


def _municipalities(ids: Iterable[int]) -> dict[int, Any]:
    from civicplan.territories.models import Municipality

    rows = Municipality.objects.filter(pk__in=list(ids)).only("pk", "oktmo", "short_name", "name")
    return {m.pk: m for m in rows}


def _directions(ids: Iterable[int]) -> dict[int, Any]:
    from civicplan.strategy.models import Direction

    rows = Direction.objects.filter(pk__in=list(ids)).select_related("strategy")
    return {d.pk: d for d in rows}


def _sessions(ids: Iterable[int]) -> dict[int, Any]:
    from civicplan.meetings.models import Session

    rows = Session.objects.filter(pk__in=list(ids), is_published=True)
    return {s.pk: s for s in rows.only("pk", "slug", "title", "starts_at", "timezone")}


def _measures(ids: Iterable[int]) -> dict[int, Any]:
    from civicplan.strategy.models import Measure

    rows = Measure.objects.filter(pk__in=list(ids)).select_related("strategy")
    return {m.pk: m for m in rows.only("pk", "code", "title", "strategy__slug")}


def register_default_targets() -> None:
    register_target(
        Target(
            kind=TargetKind.PROPOSAL,
            load=_proposals,
            title=lambda p: str(p),
            url=lambda p: reverse("proposals:detail", args=[p.pk]),
        )
    )
    register_target(
        Target(
            kind=TargetKind.MUNICIPALITY,
            load=_municipalities,
            title=lambda m: m.short_name or m.name,
            url=lambda m: reverse("territories:municipality", args=[m.oktmo]),
        )
    )
    register_target(
        Target(
            kind=TargetKind.DIRECTION,
            load=_directions,
            title=lambda d: d.title,
            url=lambda d: reverse("strategy:direction", args=[d.strategy.slug, d.slug]),
        )
    )
    register_target(
        Target(
            kind=TargetKind.SESSION,
            load=_sessions,
            title=lambda s: s.title,
            url=lambda s: reverse("meetings:session", args=[s.slug]),
        )
    )
    register_target(
        Target(
            kind=TargetKind.MEASURE,
            load=_measures,
            title=lambda m: f"{m.code} {m.title}".strip(),
            url=lambda m: reverse("strategy:measure", args=[m.strategy.slug, m.pk]),
        )
    )
