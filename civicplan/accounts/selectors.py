"""Who may see what: a user's scope from his roles, applied to any queryset."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from civicplan.accounts.models import Role, RoleAssignment

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """The regions and municipalities a user may act in for a set of roles."""

    everything: bool = False
    region_ids: frozenset[int] = field(default_factory=frozenset)
    municipality_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.region_ids or self.municipality_ids)

    def q(self, *, municipality_field: str = "municipality", region_field: str | None = None) -> Q:
        """A filter: rows of the municipalities in scope, or of whole regions in scope.

        `region_field` defaults to `<municipality_field>__region`.
        """
        if self.everything:
            return Q()
        region_path = region_field or f"{municipality_field}__region"
        condition = Q(pk__in=[])
        if self.region_ids:
            condition |= Q(**{f"{region_path}_id__in": self.region_ids})
        if self.municipality_ids:
            condition |= Q(**{f"{municipality_field}_id__in": self.municipality_ids})
        return condition

    def filter(
        self,
        queryset: QuerySet[M],
        *,
        municipality_field: str = "municipality",
        region_field: str | None = None,
    ) -> QuerySet[M]:
        return queryset.filter(
            self.q(municipality_field=municipality_field, region_field=region_field)
        )

    def allows(self, *, region_id: int | None, municipality_id: int | None) -> bool:
        if self.everything:
            return True
        if region_id is not None and region_id in self.region_ids:
            return True
        return municipality_id is not None and municipality_id in self.municipality_ids


REGION_WIDE_ROLES = {
    Role.REGIONAL_MODERATOR,
    Role.FACILITATOR,
    Role.ANALYST,
    Role.STRATEGY_EDITOR,
    Role.REGIONAL_ADMIN,
}


def user_scope(user: Any, roles: Iterable[str]) -> Scope:
    """The scope a user has through any of `roles`; superusers see everything.

    A regional administrator holds every staff role in his region.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    wanted = set(roles) | {Role.REGIONAL_ADMIN}
    regions: set[int] = set()
    municipalities: set[int] = set()
    for assignment in RoleAssignment.objects.filter(user=user, role__in=wanted).only(
        "role", "region_id", "municipality_id"
    ):
        if assignment.municipality_id and assignment.role not in REGION_WIDE_ROLES:
            municipalities.add(assignment.municipality_id)
        elif assignment.region_id:
            regions.add(assignment.region_id)
        elif assignment.municipality_id:
            municipalities.add(assignment.municipality_id)
    return Scope(region_ids=frozenset(regions), municipality_ids=frozenset(municipalities))


def user_roles(user: Any) -> frozenset[str]:
    """Every role a user holds anywhere, once per request; a superuser or a regional
    administrator holds them all."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_civicplan_roles", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        roles = frozenset(Role.values)
    else:
        roles = frozenset(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
        if Role.REGIONAL_ADMIN in roles:
            roles = frozenset(Role.values)
    user._civicplan_roles = roles
    return roles


def user_has_role(user: Any, roles: Iterable[str]) -> bool:
    return not user_scope(user, roles).is_empty


STAFF_ROLES = frozenset(r for r in Role.values if r != Role.RESIDENT)


def job_in_scope(user: Any, job: Any) -> bool:
    """A staff member sees a job of his region or municipality (registered for core.jobs)."""
    return user_scope(user, STAFF_ROLES).allows(
        region_id=job.scope_region_id, municipality_id=job.scope_municipality_id
    )
