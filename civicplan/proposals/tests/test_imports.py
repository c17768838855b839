"""Imports from CSV/XLSX with column mapping and a report; exports with the list's filters."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from civicplan.accounts.models import AuditLog
from civicplan.core.errors import Forbidden, InvalidInput
from civicplan.core.models import Job
from civicplan.proposals.exports import proposal_export
from civicplan.proposals.models import Proposal, ProposalImport, ProposalStatus
from civicplan.proposals.selectors import ProposalFilters, proposal_public_list
from civicplan.proposals.services.imports import proposal_import_start
from civicplan.proposals.tests.conftest import published, submit

pytestmark = pytest.mark.django_db

ROWS = [
    ["№ анкеты", "Текст", "МО", "Направление", "Дата", "ФИО"],
    [
        "П-1",
        "Открыть в Отрадном спортивную секцию по самбо для подростков.",
        "36724000000",
        "",
        "12.03.2026",
        "Ковалёв И. П.",
    ],
    [
        "П-2",
        "Проложить тротуар от вокзала до центральной больницы Кинеля.",
        "городской округ Кинель",
        "",
        "13.03.2026",
        "",
    ],
    ["П-3", "короткий", "36724000000", "", "", ""],
    [
        "П-4",
        "Построить мост через реку Самару в районе посёлка Алексеевка.",
        "Атлантида",
        "",
        "",
        "",
    ],
    [
        "П-5",
        "Сделать бесплатный интернет в сельской библиотеке посёлка Тимашево.",
        "36724000000",
        "",
        "31.02.2026",
        "",
    ],
]
MAPPING = {
    "external_id": "№ анкеты",
    "text": "Текст",
    "municipality": "МО",
    "created_at": "Дата",
    "name": "ФИО",
}


def cp1251_csv(rows: list[list[str]]) -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return SimpleUploadedFile("анкеты.csv", out.getvalue().encode("cp1251"), "text/csv")


def run_import(campaign, moderator, upload, **kwargs):
    kwargs.setdefault("mapping", MAPPING)
    return proposal_import_start(
        campaign=campaign, upload=upload, name=upload.name, actor=moderator, **kwargs
    )


def test_cp1251_semicolon_csv_import_with_report(
    campaign, regional_moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = run_import(campaign, regional_moderator, cp1251_csv(ROWS))
    record.refresh_from_db()
    report = record.report
    assert report["created"] == 2
    assert {(e["line"], e["column"]) for e in report["errors"]} == {
        (4, "Текст"),
        (5, "МО"),
        (6, "Дата"),
    }
    assert any("Атлантида" in e["reason"] for e in report["errors"])
    samba = Proposal.objects.get(external_id="П-1")
    assert samba.channel == "paper" and samba.status == ProposalStatus.NEW
    assert timezone.localtime(samba.created_at).date().isoformat() == "2026-03-12"
    assert samba.personal_data.name == "Ковалёв И. П."
    assert samba.status_changes.get().reason.startswith("Загружено из файла «анкеты.csv»")
    assert (
        record.job.state == Job.State.SUCCEEDED
        and record.job.progress_done == record.job.progress_total
    )


def test_reimport_is_idempotent(campaign, regional_moderator, django_capture_on_commit_callbacks):
    for _n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            record = run_import(campaign, regional_moderator, cp1251_csv(ROWS))
    record.refresh_from_db()
    assert record.report["created"] == 0 and record.report["unchanged"] == 2
    assert Proposal.objects.count() == 2


def test_rows_without_external_id_are_still_idempotent(
    campaign, regional_moderator, django_capture_on_commit_callbacks
):
    rows = [[r[1], r[2]] for r in ROWS[:3]]
    mapping = {"text": "Текст", "municipality": "МО"}
    for _n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            run_import(campaign, regional_moderator, cp1251_csv(rows), mapping=mapping)
    assert Proposal.objects.count() == 2


def test_xlsx_import_published_at_once(
    campaign, regional_moderator, django_capture_on_commit_callbacks
):
    book = Workbook()
    sheet = book.active
    for row in ROWS[:3]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("сессия.xlsx", out.getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        run_import(campaign, regional_moderator, upload, channel="session", publish=True)
    assert Proposal.objects.filter(status=ProposalStatus.PUBLISHED, channel="session").count() == 2
    assert proposal_public_list().count() == 2


def test_import_refuses_bad_mapping_and_files(campaign, regional_moderator, otradny_moderator):
    with pytest.raises(InvalidInput, match="нет столбцов"):
        run_import(
            campaign,
            regional_moderator,
            cp1251_csv(ROWS),
            mapping={"text": "Нет такого", "municipality": "МО"},
        )
    with pytest.raises(InvalidInput, match="Текст предложения"):
        run_import(campaign, regional_moderator, cp1251_csv(ROWS), mapping={"municipality": "МО"})
    with pytest.raises(InvalidInput):
        run_import(campaign, regional_moderator, SimpleUploadedFile("x.csv", b"\x00\x01\x02PK"))
    with pytest.raises(Forbidden):
        run_import(campaign, otradny_moderator, cp1251_csv(ROWS))
    assert Proposal.objects.count() == 0 and ProposalImport.objects.count() == 0


def test_import_pages_map_columns_and_show_report(
    client, campaign, regional_moderator, django_capture_on_commit_callbacks
):
    client.force_login(regional_moderator)
    response = client.post(
        reverse("proposals:import"),
        {"file": cp1251_csv(ROWS), "campaign": campaign.pk, "channel": "paper"},
    )
    record = ProposalImport.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("proposals:import_detail", args=[record.pk])).content.decode()
    assert "№ анкеты" in page and "Какой столбец что содержит" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("proposals:import_detail", args=[record.pk]),
            {f"map_{k}": v for k, v in MAPPING.items()},
        )
    page = client.get(reverse("proposals:import_detail", args=[record.pk])).content.decode()
    assert "добавлено 2" in page and "Атлантида" in page


def test_public_export_has_no_personal_data(client, campaign, regional_moderator):
    published(campaign, regional_moderator)
    submit(campaign, text="На модерации: не должно попасть в открытую выгрузку ни за что.")
    response = client.get(reverse("proposals:export"), {"format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Гагарина" in text and "anna" not in text and "На модерации" not in text
    assert (
        client.get(reverse("proposals:export"), {"format": "csv", "personal": "1"}).status_code
        == 403
    )


def test_export_filters_and_xlsx_with_personal_data_for_moderator(
    client, campaign, regional_moderator
):
    published(campaign, regional_moderator)
    published(
        campaign,
        regional_moderator,
        municipality="36708000000",
        text="В Кинеле нужен новый бассейн для детей.",
    )
    client.force_login(regional_moderator)
    response = client.get(
        reverse("proposals:export"),
        {"format": "xlsx", "personal": "1", "municipality": "36708000000"},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and "Электронная почта" in rows[0]
    assert rows[1][rows[0].index("Электронная почта")].startswith("anna")
    assert AuditLog.objects.filter(action="proposal.personal_data.export").count() == 1


def test_export_defuses_formulas(campaign, regional_moderator):
    published(campaign, regional_moderator, title='=HYPERLINK("http://evil")')
    content, _type, _name = proposal_export(qs=proposal_public_list(ProposalFilters()), fmt="csv")
    assert "'=HYPERLINK" in content.decode("utf-8-sig")
    with pytest.raises(InvalidInput):
        proposal_export(qs=proposal_public_list(), fmt="exe")


def test_large_export_with_personal_data_is_a_job_whose_file_only_its_author_downloads(
    client,
    campaign,
    regional_moderator,
    kinel_moderator,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    published(campaign, regional_moderator)
    published(
        campaign,
        regional_moderator,
        municipality="36708000000",
        text="В Кинеле нужен новый бассейн для детей.",
    )
    monkeypatch.setattr("civicplan.proposals.exports.EXPORT_SYNC_ROWS", 1)  # two rows: «large»
    client.force_login(regional_moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("proposals:export"), {"format": "xlsx", "personal": "1"})

    job = Job.objects.get(kind="proposals.export")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Выгрузка предложений с персональными данными (XLSX)" in page
    assert "Скачать файл" in page and "<progress" in page
    download = client.get(f"/jobs/{job.pk}/download/")
    assert "no-store" in download["Cache-Control"]
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.values)
    assert len(rows) == 3 and rows[1][rows[0].index("Электронная почта")].startswith("anna")
    assert AuditLog.objects.filter(action="proposal.personal_data.export").count() == 1
    # The file is under the private root, never under MEDIA.
    assert not str(job.result["file"]).startswith(str(settings.MEDIA_ROOT))
    # Another moderator of the region does not see the job nor its file.
    client.force_login(kinel_moderator)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    # A day later the file is gone and the page says so.
    from datetime import timedelta

    from civicplan.core.jobs import job_files_prune

    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    assert job_files_prune() == 1
    client.force_login(regional_moderator)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert "Файл удалён через сутки" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_small_export_is_answered_at_once(client, campaign, regional_moderator):
    published(campaign, regional_moderator)
    client.force_login(regional_moderator)
    response = client.get(reverse("proposals:export"), {"format": "csv", "personal": "1"})
    assert response.status_code == 200
    assert "Гагарина" in response.content.decode("utf-8-sig")
    assert not Job.objects.filter(kind="proposals.export").exists()


def test_large_public_export_is_built_once_by_a_job_and_shared_by_visitors(
    client, campaign, regional_moderator, monkeypatch, django_capture_on_commit_callbacks
):
    from django.test import Client

    published(campaign, regional_moderator)
    published(
        campaign,
        regional_moderator,
        municipality="36708000000",
        text="В Кинеле нужен новый бассейн для детей.",
    )
    monkeypatch.setattr("civicplan.proposals.exports.EXPORT_SYNC_ROWS", 1)  # two rows: «large»

    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(reverse("proposals:export"), {"format": "csv"})

    page = first.content.decode()
    assert first.status_code == 202
    assert "Готовим файл с предложениями" in page and 'http-equiv="refresh"' in page
    second = Client().get(reverse("proposals:export"), {"format": "csv"})  # another visitor
    assert second.status_code == 200
    text = b"".join(second.streaming_content).decode("utf-8-sig")
    assert "Гагарина" in text and "бассейн" in text and "anna" not in text
    assert Job.objects.filter(kind="proposals.export").count() == 1
    # The public job and its file belong to nobody: staff job pages do not show it.
    assert Job.objects.get(kind="proposals.export").created_by is None


def test_one_address_cannot_queue_endless_public_exports(client, campaign, monkeypatch):
    monkeypatch.setattr("civicplan.proposals.exports.EXPORT_SYNC_ROWS", -1)  # all are «large»
    statuses = [
        client.get(reverse("proposals:export"), {"format": "csv", "q": f"дорога {n}"}).status_code
        for n in range(10)
    ]
    assert statuses == [202] * 10
    last = client.get(reverse("proposals:export"), {"format": "csv", "q": "дорога 99"})
    assert last.status_code == 429
    assert "Слишком много разных выгрузок" in last.content.decode()
    # The same filters again still answer: the file already asked for is not a new one.
    assert (
        client.get(reverse("proposals:export"), {"format": "csv", "q": "дорога 3"}).status_code
        == 202
    )
