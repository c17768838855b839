"""Admin lists open with filters and search; an admin edit lands in the change history."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from civicplan.strategy.models import StrategyChange
from civicplan.strategy.tests.conftest import make_measure


def test_admin_lists_and_edit_is_recorded(
    client: Any, strategy: Any, direction: Any, kpi: Any, django_user_model: Any
) -> None:
    admin_user = django_user_model.objects.create_superuser(
        email="admin@example.ru", password="pass-12345-x"
    )
    client.force_login(admin_user)
    parent = make_measure(strategy, direction, "5.1")
    child = make_measure(strategy, direction, "5.1.1", parent=parent)
    for model in (
        "strategy",
        "direction",
        "goal",
        "kpi",
        "kpivalue",
        "measure",
        "strategychange",
        "strategyversion",
    ):
        url = reverse(f"admin:strategy_{model}_changelist")
        assert client.get(url, {"q": "самозанят"}).status_code == 200, model

    url = reverse("admin:strategy_measure_change", args=[child.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "strategy": strategy.pk,
            "direction": direction.pk,
            "parent": parent.pk,
            "starts_on": "01.01.2025",
            "ends_on": "31.12.2027",
            "progress": 40,
            "milestones-TOTAL_FORMS": 0,
            "milestones-INITIAL_FORMS": 0,
        }
    )
    for inline in page.context["inline_admin_formsets"]:  # e.g. the proposals the measure answers
        management = inline.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS"):
            data.setdefault(f"{inline.formset.prefix}-{name}", management.initial[name])
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    parent.refresh_from_db()
    assert parent.progress == 40
    change = StrategyChange.objects.filter(object_type="measure", object_id=child.pk).first()
    assert change.actor == admin_user and "progress" in change.changes
