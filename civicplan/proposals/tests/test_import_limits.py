"""A proposal import never stops half-way: every bad cell is named, big files are refused."""

from __future__ import annotations

import csv
import importlib
import io
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from civicplan.analytics.tabular import TableError, read_table
from civicplan.core.imports import REPORTED_ERRORS, ImportReport
from civicplan.proposals.models import Proposal, ProposalStatusChange
from civicplan.proposals.services.imports import proposal_import_start
from civicplan.proposals.tests.conftest import submit

pytestmark = pytest.mark.django_db

MAPPING = {"external_id": "№", "text": "Текст", "municipality": "МО", "created_at": "Дата"}
GOOD = "Открыть в Отрадном спортивную секцию по самбо для подростков."


def _csv(rows: list[list[str]], name: str = "анкеты.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([["№", "Текст", "МО", "Дата"], *rows])
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), "text/csv")


def _import(campaign: Any, moderator: Any, upload: SimpleUploadedFile, capture: Any) -> Any:
    with capture(execute=True):
        record = proposal_import_start(
            campaign=campaign, upload=upload, name=upload.name, actor=moderator, mapping=MAPPING
        )
    record.refresh_from_db()
    return record


def test_impossible_date_is_a_russian_error_with_line_and_column_not_a_crash(
    campaign, regional_moderator, django_capture_on_commit_callbacks
):
    # given 1,200 good rows and, at line 1,102, the date 31.12.9999
    rows = [[f"А-{n}", f"{GOOD} Анкета {n}.", "36724000000", "12.03.2026"] for n in range(1200)]
    rows[1100][3] = "31.12.9999"
    # when the file is imported
    record = _import(campaign, regional_moderator, _csv(rows), django_capture_on_commit_callbacks)
    # then the job succeeded, the bad row is named, and the good rows were written together
    assert record.job.state == "succeeded"
    errors = record.report["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [(1102, "Дата")]
    assert "31.12.9999" in errors[0]["reason"] and "невозможна" in errors[0]["reason"]
    assert Proposal.objects.count() == 1199
    assert ProposalStatusChange.objects.count() == 1199


def test_nul_byte_is_refused_with_line_and_column(
    campaign, regional_moderator, django_capture_on_commit_callbacks
):
    rows = [
        ["А-1", GOOD, "36724000000", ""],
        ["А-2", "Текст\x00с нулём внутри ячейки", "36724000000", ""],
    ]
    record = _import(campaign, regional_moderator, _csv(rows), django_capture_on_commit_callbacks)
    assert [(e["line"], e["column"]) for e in record.report["errors"]] == [(3, "Текст")]
    assert "NUL" in record.report["errors"][0]["reason"]
    assert [p.external_id for p in Proposal.objects.all()] == ["А-1"]


def test_a_table_past_the_row_cap_stops_with_a_russian_message():
    data = "Текст;МО\n" + "".join(f"строка {n};36724000000\n" for n in range(6))
    table = read_table(io.BytesIO(data.encode()), name="большой.csv", max_rows=5)
    with pytest.raises(TableError, match="больше 5 строк"):
        list(table.rows)


def test_a_huge_xlsx_is_refused_by_its_declared_size_before_reading_rows():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Текст", "МО"])
    for n in range(30):
        sheet.append([f"строка {n}", "36724000000"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(TableError, match="Разделите файл на части"):
        read_table(io.BytesIO(out.getvalue()), name="огромный.xlsx", max_rows=10)


def test_a_report_keeps_the_first_errors_and_counts_the_rest():
    report = ImportReport(source="x.csv")
    for line in range(REPORTED_ERRORS + 50):
        report.error(line + 2, "ошибка", "Текст")
    data = report.as_dict()
    assert len(data["errors"]) == REPORTED_ERRORS and data["errors_total"] == REPORTED_ERRORS + 50
    assert not report.ok and "из 250" in report.summary()


def test_backfill_gives_proposals_without_history_their_arrival_and_current_status(campaign):
    # given a published proposal whose history was never written (an old import)
    proposal = submit(campaign)
    Proposal.objects.filter(pk=proposal.pk).update(status="accepted")
    ProposalStatusChange.objects.filter(proposal=proposal).delete()
    untouched = submit(campaign, text=GOOD)
    # when the data migration runs
    migration = importlib.import_module(
        "civicplan.proposals.migrations.0010_backfill_status_history"
    )
    migration.backfill(apps, None)
    # then it has an arrival entry and an honest entry for its current status
    history = list(proposal.status_changes.all())
    assert [(h.from_status, h.to_status) for h in history] == [("", "new"), ("new", "accepted")]
    assert history[0].changed_at == proposal.created_at
    assert "не сохранились" in history[1].reason and history[1].actor is None
    # and a proposal that had its history keeps exactly it
    assert [h.reason for h in untouched.status_changes.all()] == ["Предложение поступило."]
