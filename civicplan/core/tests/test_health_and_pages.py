from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.db.utils import OperationalError

from civicplan.core.svg import Bar, Series, bar_chart, format_number, line_chart
from civicplan.core.templatetags.civic import ru_plural


@pytest.mark.django_db
def test_healthz_answers_200_with_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_database_is_unreachable(client):
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1\u00a0минута"),
        (2, "2\u00a0минуты"),
        (5, "5\u00a0минут"),
        (11, "11\u00a0минут"),
        (21, "21\u00a0минута"),
        (104, "104\u00a0минуты"),
        (112, "112\u00a0минут"),
    ],
)
def test_russian_plurals(n, expected):
    assert ru_plural(n, "минута,минуты,минут") == expected


def test_numbers_are_formatted_the_russian_way():
    assert format_number(46480.0) == "46\u00a0480"
    assert format_number(3.25, 2) == "3,25"
    assert format_number(None) == "—"
    assert format_number(-1.0) == "\u22121"


def test_line_chart_describes_its_data_for_screen_readers():
    svg = line_chart(
        [Series(name="Население", points=[(2023, 46755), (2024, 46480)])], title="Отрадный"
    )
    assert svg.startswith("<svg") and ">Отрадный</title>" in svg
    assert "2024 — 46\u00a0480" in svg


def test_bar_chart_escapes_labels():
    svg = bar_chart([Bar(label="<script>alert(1)</script>", value=5)], title="t")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


@pytest.mark.django_db
def test_admin_login_and_about_data_pages(client):
    admin_login = client.get("/admin/login/")
    assert admin_login.status_code in {200, 302}
    assert client.get("/accounts/login/").status_code == 200
    page = client.get("/about/data/").content.decode()
    assert "CC BY-SA 4.0" in page


def test_line_chart_axis_reaches_the_highest_value():
    from civicplan.core.svg import _nice_ticks

    for low, high in [(0, 46755), (60000, 76578), (0, 1), (-20, 5), (0.2, 0.9)]:
        ticks = _nice_ticks(low, high)
        assert ticks[0] <= low and ticks[-1] >= high
