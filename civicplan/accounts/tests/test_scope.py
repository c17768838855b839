"""Roles are scoped: a moderator of Отрадный sees Отрадный, a regional one the region."""

from __future__ import annotations

import pytest

from civicplan.accounts.models import Role, User
from civicplan.accounts.selectors import user_scope
from civicplan.accounts.services import ip_hash, role_grant
from civicplan.core.errors import InvalidInput
from civicplan.territories.models import IndicatorValue, Municipality

pytestmark = pytest.mark.django_db


def test_municipal_moderator_sees_only_his_municipality(samara):
    otradny = Municipality.objects.get(oktmo="36724000000")
    user = User.objects.create_user("mod@otradny.ru", "x")
    role_grant(user=user, role=Role.MUNICIPAL_MODERATOR, municipality=otradny)
    scope = user_scope(user, [Role.MUNICIPAL_MODERATOR])
    visible = scope.filter(IndicatorValue.objects.all())
    assert {v.municipality_id for v in visible} == {otradny.pk}
    assert IndicatorValue.objects.exclude(municipality=otradny).exists()
    assert scope.allows(region_id=None, municipality_id=otradny.pk)
    kinel = Municipality.objects.get(oktmo="36708000000")
    assert not scope.allows(region_id=None, municipality_id=kinel.pk)
    assert user.is_staff


def test_regional_moderator_sees_the_whole_region(samara):
    user = User.objects.create_user("mod@samregion.ru", "x")
    role_grant(user=user, role=Role.REGIONAL_MODERATOR, region=samara)
    scope = user_scope(user, [Role.REGIONAL_MODERATOR])
    kinel = Municipality.objects.get(oktmo="36708000000")
    assert scope.allows(region_id=kinel.region_id, municipality_id=kinel.pk)
    assert user_scope(user, [Role.ANALYST]).is_empty


def test_role_without_territory_is_refused(samara):
    user = User.objects.create_user("x@example.ru", "x")
    with pytest.raises(InvalidInput):
        role_grant(user=user, role=Role.MUNICIPAL_MODERATOR, region=samara)


def test_ip_addresses_are_kept_only_as_salted_hashes():
    digest = ip_hash("192.0.2.10")
    # a hex digest of 64 characters: never the address itself, whatever digits it happens to hold
    assert len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    assert "192.0.2.10" not in digest
    assert digest == ip_hash("192.0.2.10") != ip_hash("192.0.2.11")
