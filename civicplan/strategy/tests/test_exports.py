"""DOCX export reopens with its tables; PDF where LibreOffice exists; XLSX export."""

from __future__ import annotations

import io
import shutil
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from civicplan.reports.documents import docx_to_pdf
from civicplan.strategy import demo_roadmap, exports
from civicplan.strategy.models import KPI, Measure, Strategy


@pytest.fixture
def demo(samara: Any) -> Strategy:
    demo_roadmap.load(stdout=io.StringIO())
    return Strategy.objects.get(slug="samara-2036")


def test_docx_reopens_with_kpi_and_roadmap_tables(demo: Strategy) -> None:
    data = exports.strategy_docx(demo)
    document = Document(io.BytesIO(data))

    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "1. Новое качество жизни" in headings
    kpi_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Показатель"]
    roadmap_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Код"]
    assert len(roadmap_tables) == 5
    assert sum(len(t.rows) - 1 for t in kpi_tables) == KPI.objects.count()
    assert sum(len(t.rows) - 1 for t in roadmap_tables) == Measure.objects.count()
    header = [c.text for c in kpi_tables[0].rows[0].cells]
    assert "2027" in header and "2036" in header  # targets by stage end
    wages = next(
        row for t in kpi_tables for row in t.rows if row.cells[0].text.startswith("Среднемесячная")
    )
    assert wages.cells[1].text == "руб."


def test_docx_converts_to_pdf_when_libreoffice_is_installed(demo: Strategy) -> None:
    if not (shutil.which("libreoffice") or shutil.which("soffice")):
        pytest.skip("LibreOffice is not installed")
    pdf = docx_to_pdf(exports.strategy_docx(demo))
    assert pdf is not None and pdf.startswith(b"%PDF")


def test_xlsx_export_has_roadmap_and_kpis(demo: Strategy) -> None:
    wb = load_workbook(io.BytesIO(exports.strategy_xlsx(demo)))
    roadmap, kpis = wb["Дорожная карта"], wb["Показатели"]
    assert roadmap.max_row - 1 == Measure.objects.count()
    assert kpis.max_row - 1 == KPI.objects.count()
    header = [c.value for c in roadmap[1]]
    lag = header.index("Отстаёт")
    late = [r for r in roadmap.iter_rows(min_row=2, values_only=True) if r[lag] == "да"]
    assert any(r[3] == "Благоустройство набережной и парка в Сызрани" for r in late)
