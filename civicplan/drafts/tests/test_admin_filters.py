"""Administrators filter the comments by version and section, besides status and decision."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from civicplan.accounts.models import User
from civicplan.drafts.models import DraftParagraph, DraftSection
from civicplan.drafts.tests.answers_data import comment_add, discussion_make

pytestmark = pytest.mark.django_db


def test_comments_filtered_by_version_and_section(world: Any) -> None:
    found = discussion_make(world.campaign)
    health = DraftSection.objects.create(
        version=found.version, order=2, number="3", title="Здравоохранение"
    )
    clinic = DraftParagraph.objects.create(
        version=found.version, section=health, order=3, number="3.1", text="Открыть 20 ФАПов."
    )
    comment_add(clinic, "ФАПы нужны и в посёлках до 300 жителей.")
    admin_user = User.objects.create_superuser(email="admin@example.ru", password="pass-12345-x")
    client = Client()
    client.force_login(admin_user)
    url = "/admin/drafts/draftcomment/"

    by_version = client.get(url, {"version": found.version.pk})
    by_section = client.get(url, {"version": found.version.pk, "section": health.pk})

    assert by_version.status_code == 200
    assert by_version.context["cl"].result_count == 7  # pending ones included for the admin
    assert (
        "Здравоохранение" in by_version.content.decode()
    )  # sections offered once a version is chosen
    assert by_section.context["cl"].result_count == 1
