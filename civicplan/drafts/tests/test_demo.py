"""The demo discussion of the Samara draft: built through the services, answered in part."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from civicplan.drafts import demo
from civicplan.drafts.models import (
    Decision,
    Draft,
    DraftComment,
    DraftCommentGroup,
    ModerationStatus,
    VersionStatus,
)
from civicplan.strategy import demo_roadmap

pytestmark = pytest.mark.django_db


def test_the_demo_discussion_has_two_versions_and_answered_comments(
    demo_campaign: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = io.StringIO()
    demo_roadmap.build(region_code=63)  # goals and KPIs, as `load_demo` loads them first

    demo.load(stdout=out)
    demo.load(stdout=out)  # a second run changes nothing

    draft = Draft.objects.get(strategy=demo_campaign.strategy)
    first, second = draft.versions.order_by("number")
    assert (first.status, second.status) == (VersionStatus.CLOSED, VersionStatus.OPEN)
    comments = DraftComment.objects.filter(paragraph__version=first)
    assert 38 <= comments.count() <= 42
    assert len(set(comments.values_list("author_kind", flat=True))) == 5
    published = comments.filter(status=ModerationStatus.PUBLISHED)
    assert published.exclude(decision=Decision.NONE).count() >= 15
    assert published.filter(decision=Decision.NONE).count() >= 8
    assert DraftCommentGroup.objects.filter(paragraph__version=first).count() >= 2
    assert comments.filter(status=ModerationStatus.PENDING).count() == 2
    changed = second.paragraphs.filter(text__contains="15 центров").get()
    assert changed.answers.filter(decision=Decision.ACCEPTED).count() >= 3
    assert "уже загружено" in out.getvalue()

    html = Client().get(reverse("drafts:changes", args=[draft.pk])).content.decode()
    assert "изменено пунктов — 3" in html
    assert "ООО «Волга-Агро»" in html
