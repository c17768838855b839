"""The strategy API: reading for everyone, posting values and progress for editors only."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from civicplan.strategy import demo_roadmap
from civicplan.strategy.models import KPI, KPIValue, Measure, Strategy


@pytest.fixture
def demo(samara: Any) -> Strategy:
    demo_roadmap.load(stdout=io.StringIO())
    return Strategy.objects.get(slug="samara-2036")


def test_read_strategy_kpis_and_measures(client: Any, demo: Strategy) -> None:
    tree = client.get("/api/v1/strategy/samara-2036").json()
    assert [d["slug"] for d in tree["directions"]][0] == "new-quality-of-life"
    kpi = next(
        k for d in tree["directions"] for g in d["goals"] for k in g["kpis"] if k["code"] == "П2.2"
    )
    assert kpi["better"] == "lower"
    assert kpi["light"] in {"green", "yellow", "red"}
    kpis = client.get("/api/v1/strategy/samara-2036/kpis").json()
    assert len(kpis) >= 15
    measures = client.get("/api/v1/strategy/samara-2036/measures", {"sector": "civil"}).json()
    assert measures and all(m["sector"] == "civil" for m in measures)
    assert client.get("/api/v1/strategy/nope").status_code == 404


def test_staff_post_values_and_progress(
    client: Any, demo: Strategy, editor: Any, outsider: Any
) -> None:
    kpi = KPI.objects.get(code="П1.1")
    url = f"/api/v1/strategy/kpis/{kpi.pk}/values"
    body = json.dumps({"year": 2026, "value": 74.5, "unit": "%", "source": "Минстрой"})
    assert client.post(url, body, content_type="application/json").status_code == 401
    client.force_login(outsider)
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(editor)
    answer = client.post(url, body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["outcome"] == "created"
    wrong = client.post(
        url,
        json.dumps({"year": 2026, "value": 74.5, "unit": "руб."}),
        content_type="application/json",
    )
    assert wrong.status_code == 422
    assert "измеряется в «%»" in wrong.json()["detail"]
    assert KPIValue.objects.get(kpi=kpi, year=2026).value == 74.5

    measure = Measure.objects.get(strategy=demo, code="4.5")
    progress_url = f"/api/v1/strategy/measures/{measure.pk}/progress"
    over = client.post(progress_url, json.dumps({"progress": 101}), content_type="application/json")
    assert over.status_code == 422
    done = client.post(progress_url, json.dumps({"progress": 100}), content_type="application/json")
    assert done.json()["state"] == "done" and done.json()["late"] is False


def test_api_token_needs_the_strategy_scope(client: Any, demo: Strategy, editor: Any) -> None:
    from civicplan.accounts.services.tokens import api_token_issue

    _record, read_only = api_token_issue(
        user=editor, name="Только чтение", scopes=["proposals:read"], lifetime_days=30
    )
    _record, writer = api_token_issue(
        user=editor, name="Мониторинг", scopes=["strategy:write"], lifetime_days=30
    )
    measure = Measure.objects.get(strategy=demo, code="3.6")
    url = f"/api/v1/strategy/measures/{measure.pk}/progress"
    body = json.dumps({"progress": 80})
    denied = client.post(
        url, body, content_type="application/json", headers={"Authorization": f"Bearer {read_only}"}
    )
    assert denied.status_code == 403
    allowed = client.post(
        url, body, content_type="application/json", headers={"Authorization": f"Bearer {writer}"}
    )
    assert allowed.status_code == 200
    assert allowed.json()["progress"] == 80
