"""A summary measure shows money: its own, or the sum of its nested measures."""

from __future__ import annotations


def test_a_summary_measure_without_its_own_money_shows_its_childrens_sum():
    from decimal import Decimal
    from types import SimpleNamespace

    from civicplan.strategy.views import measure_budget

    def measure(**money: int) -> SimpleNamespace:
        fields = ("budget_federal", "budget_regional", "budget_municipal", "budget_private")
        return SimpleNamespace(**{f: Decimal(money.get(f, 0)) for f in fields})

    parent = measure()
    children = [measure(budget_regional=500), measure(budget_federal=150, budget_private=55)]
    budget = measure_budget(parent, children)
    assert budget["total"] == Decimal(705) and budget["summed"]
    own = measure_budget(measure(budget_regional=10), children)
    assert own["total"] == Decimal(10) and not own["summed"]
