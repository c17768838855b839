"""`manage.py import_territories` loads a file and tells the apps that computed from it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from civicplan.territories.models import Municipality
from civicplan.territories.testing import DATA


@pytest.mark.django_db
def test_import_command_loads_municipalities_and_reports(tmp_path) -> None:
    # given the Samara rows of the real municipalities file
    with (DATA / "municipalities.csv").open(encoding="utf-8") as handle:
        header, *rows = handle.read().splitlines()
    path = tmp_path / "municipalities.csv"
    path.write_text("\n".join([header, *[r for r in rows if ",63," in r][:20]]), encoding="utf-8")

    # when the command imports it
    out = io.StringIO()
    call_command("import_territories", "municipalities", str(path), stdout=out)

    # then the municipalities are there and the report says how many rows were read
    assert Municipality.objects.filter(region__code=63).exists()
    assert out.getvalue().strip()
