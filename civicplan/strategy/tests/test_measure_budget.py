"""A summary measure shows money: its own, or the sum of its nested measures."""

from __future__ import annotations


def test_a_summary_measure_without_its_own_money_shows_its_childrens_sum():
    from decimal import Decimal
    from types import SimpleNamespace

    from civicplan.strategy.selectors import measure_budget

    def measure(**money: int) -> SimpleNamespace:
        fields = ("budget_federal", "budget_regional", "budget_municipal", "budget_private")
        return SimpleNamespace(pk=object(), **{f: Decimal(money.get(f, 0)) for f in fields})

    parent = measure()
    children = [measure(budget_regional=500), measure(budget_federal=150, budget_private=55)]
    budget = measure_budget(parent, {parent.pk: children})
    assert budget["total"] == Decimal(705) and budget["summed"]
    owner = measure(budget_regional=10)
    own = measure_budget(owner, {owner.pk: children})
    assert own["total"] == Decimal(10) and not own["summed"]


def test_the_roadmap_table_shows_a_summary_measure_with_its_nested_measures_money(
    client, strategy, direction
):
    """Issue 13 item 13: the roadmap said 0 for a parent whose children hold 705 (the measure
    page already summed them); both now read the one selector, through two levels."""
    from django.urls import reverse

    from civicplan.strategy.tests.conftest import make_measure

    parent = make_measure(strategy, direction, "5.1", title="Развитие малых городов")
    middle = make_measure(strategy, direction, "5.1.1", title="Коворкинги", parent=parent)
    make_measure(strategy, direction, "5.1.1.1", parent=middle, budget_regional=500)
    make_measure(strategy, direction, "5.1.2", parent=parent, budget_federal=150, budget_private=55)
    make_measure(strategy, direction, "5.2", title="Собственный бюджет", budget_municipal=12)

    page = client.get(reverse("strategy:roadmap", args=[strategy.slug]))
    html = page.content.decode()
    html = html[html.index("<tbody>") :]
    row = html[html.index(">Развитие малых городов<") :].split("</tr>")[0]
    assert "705" in row and "сумма вложенных" in row
    middle_row = html[html.index(">Коворкинги<") :].split("</tr>")[0]
    assert "500" in middle_row and "сумма вложенных" in middle_row
    own_row = html[html.index(">Собственный бюджет<") :].split("</tr>")[0]
    assert "12" in own_row and "сумма вложенных" not in own_row

    measure_page = client.get(reverse("strategy:measure", args=[strategy.slug, parent.pk]))
    assert "всего 705" in measure_page.content.decode()


def test_the_roadmap_downloads_show_a_summary_measure_with_its_nested_measures_money(
    strategy, direction
):
    """The XLSX and DOCX of the roadmap read the same selector as its page: a parent with no
    money of its own shows its children's 705, marked as their sum."""
    import io

    from docx import Document
    from openpyxl import load_workbook

    from civicplan.strategy import exports
    from civicplan.strategy.tests.conftest import make_measure

    parent = make_measure(strategy, direction, "5.1", title="Развитие малых городов")
    make_measure(strategy, direction, "5.1.1", parent=parent, budget_regional=500)
    make_measure(strategy, direction, "5.1.2", parent=parent, budget_federal=150, budget_private=55)

    sheet = load_workbook(io.BytesIO(exports.strategy_xlsx(strategy)))["Дорожная карта"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "5.1")
    assert row[header.index("Всего, млн руб.")] == 705
    assert row[header.index("Областной бюджет, млн руб.")] == 500
    assert row[header.index("Финансирование — сумма вложенных мероприятий")] == "да"
    child = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "5.1.1")
    assert child[header.index("Финансирование — сумма вложенных мероприятий")] in ("", None)

    document = Document(io.BytesIO(exports.strategy_docx(strategy)))
    cells = [
        [c.text for c in r.cells]
        for t in document.tables
        for r in t.rows
        if r.cells[0].text == "5.1"
    ]
    assert cells and "(сумма вложенных)" in cells[0][4] and "500" in cells[0][4]
