"""Low-severity findings of issue 15: open redirects and caching of personal pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_suggestion_accept_does_not_redirect_off_site(
    client: Any, two_towns: Any, target: str
) -> None:
    client.force_login(two_towns["otradny_moderator"])
    proposal = two_towns["otradny"]
    response = client.post(
        f"/insights/suggestions/{proposal.pk}/", {"kind": "direction", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:queue")


def test_pages_with_personal_data_are_not_stored(client: Any, two_towns: Any) -> None:
    proposal = two_towns["otradny"]
    track = client.get(reverse("proposals:track", args=[proposal.tracking_code]))
    assert "no-store" in track["Cache-Control"]
    client.force_login(two_towns["otradny_moderator"])
    for url in (
        reverse("proposals:queue"),
        reverse("proposals:moderate", args=[proposal.pk]),
        reverse("proposals:moderate", args=[proposal.pk]) + "?personal=1",
        reverse("proposals:export") + "?format=csv&personal=1",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
