"""Exports (issue 15, Medium 10): scoped like their data, formulas defused."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from civicplan.accounts.models import Role, User
from civicplan.accounts.services import role_grant

pytestmark = pytest.mark.django_db


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_poll_export_is_for_staff_of_the_polls_region(two_towns: Any) -> None:
    from openpyxl import load_workbook

    from civicplan.publications import services
    from civicplan.territories.models import Region

    now = timezone.now()
    poll = services.poll_create(
        question="Что важнее всего сделать в Самарской области?",
        options=["Дороги", "Дворы"],
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7),
        allow_other=True,
        campaign=two_towns["campaign"],
    )
    services.poll_vote(
        poll=poll,
        option_ids=[],
        other_text='=HYPERLINK("http://evil.example","x")',
        voter_token="a",
    )
    orenburg, _ = Region.objects.get_or_create(
        code=56, defaults={"name": "Оренбургская область", "timezone": "Asia/Yekaterinburg"}
    )
    outsider = User.objects.create_user("editor@orenburg.example", "пароль-редактора-2026")
    role_grant(user=outsider, role=Role.STRATEGY_EDITOR, region=orenburg)
    insider = User.objects.create_user("editor@samregion.example", "пароль-редактора-2026")
    role_grant(user=insider, role=Role.STRATEGY_EDITOR, region=two_towns["campaign"].region)

    url = f"/news/polls/{poll.pk}/export.xlsx"
    assert _as(outsider).get(url).status_code == 404
    response = _as(insider).get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)


def test_strategy_workbook_and_analysis_report_defuse_formulas(tmp_path: Any) -> None:
    from civicplan.analytics.text.report import cell_text, xlsx_text

    assert xlsx_text("=1+1") == "'=1+1" and cell_text("@SUM(A1)") == "'@SUM(A1)"
    assert xlsx_text("Обычный текст") == "Обычный текст" and xlsx_text(-5) == -5
