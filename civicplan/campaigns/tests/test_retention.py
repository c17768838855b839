"""Personal data are erased once a campaign has been over longer than its retention period."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from civicplan.accounts.models import AuditLog
from civicplan.campaigns.models import Campaign
from civicplan.campaigns.retention import retention_run
from civicplan.core import registry

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


@pytest.fixture
def campaigns(samara):
    def make(slug: str, ends_on: date, retention_days: int) -> Campaign:
        return Campaign.objects.create(
            region=samara,
            title=f"Кампания {slug}",
            slug=slug,
            starts_on=ends_on - timedelta(days=60),
            ends_on=ends_on,
            retention_days=retention_days,
        )

    return {
        "old": make("old", TODAY - timedelta(days=400), 365),
        "boundary": make("boundary", TODAY - timedelta(days=365), 365),
        "recent": make("recent", TODAY - timedelta(days=30), 365),
        "running": make("running", TODAY + timedelta(days=30), 0),
    }


@pytest.fixture
def store(monkeypatch):
    """Personal data kept by an app, per campaign slug; its eraser is registered."""
    data = {"old": ["Иванов", "Петрова", "Сидоров"], "boundary": ["Кузнецова"], "recent": ["Орлов"]}

    def erase(*, user=None, campaign=None, dry_run=False):
        names = data.get(campaign.slug, [])
        count = len(names)
        if not dry_run:
            data[campaign.slug] = []
        return count

    monkeypatch.setattr(registry, "_PD_ERASERS", [erase])
    return data


def test_dry_run_reports_without_erasing(campaigns, store):
    report = retention_run(dry_run=True, today=TODAY)
    assert [c.title for c in report.campaigns] == ["Кампания old"]
    assert report.total == 3 and report.dry_run
    assert store["old"] == ["Иванов", "Петрова", "Сидоров"]
    assert not AuditLog.objects.filter(action="personal_data.retention_erase").exists()


def test_run_erases_only_campaigns_past_retention_and_logs_it(campaigns, store):
    report = retention_run(today=TODAY)
    assert report.total == 3
    assert store == {"old": [], "boundary": ["Кузнецова"], "recent": ["Орлов"]}
    entry = AuditLog.objects.get(action="personal_data.retention_erase")
    assert entry.object_id == str(campaigns["old"].pk)
    assert retention_run(today=TODAY).total == 0, "a second run finds nothing left"
    later = retention_run(today=TODAY + timedelta(days=1))
    assert later.total == 1 and store["boundary"] == []


def test_command_prints_a_dry_run_report(campaigns, store, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: TODAY)
    out = StringIO()
    call_command("retention_erase", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "«Кампания old»" in text and "будет удалено записей: 3" in text
    assert "пробный запуск" in text
    assert store["old"], "dry run must not erase"
    out = StringIO()
    call_command("retention_erase", stdout=out)
    assert "Итого удалено записей: 3" in out.getvalue() and store["old"] == []


def test_command_says_so_when_nothing_is_due(db):
    out = StringIO()
    call_command("retention_erase", "--dry-run", stdout=out)
    assert "Кампаний с истёкшим сроком хранения персональных данных нет." in out.getvalue()
