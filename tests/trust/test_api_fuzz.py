"""Fuzzing the JSON API with schemathesis against its own OpenAPI schema on a live server:
no 5xx answer and no answer that breaks the schema declared for its status. A bounded number
of examples per operation keeps it within about a minute; the longer run is
benchmarks/fuzz/run_fuzz.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.fuzz.run_fuzz import schemathesis_command

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_api_answers_fuzzing_without_server_errors_or_schema_violations(
    live_server, demo_campaign, settings, tmp_path
):
    if not SCHEMATHESIS.exists() and not shutil.which("schemathesis"):
        pytest.skip("schemathesis is not installed (pip install -e '.[dev]')")
    from civicplan.accounts.models import User
    from civicplan.accounts.tokens import api_token_issue, api_token_scopes_allowed

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    moderator = User.objects.get(email="moderator.samara@civicplan.local")
    _token, raw = api_token_issue(
        user=moderator,
        name="schemathesis",
        scopes=api_token_scopes_allowed(moderator),
        lifetime_days=1,
    )
    command = schemathesis_command(
        f"{live_server.url}/api/v1/openapi.json",
        token=raw,
        max_examples=2,
        workers=1,
        seed=20261123,
        report=tmp_path / "junit.xml",
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert "Tested: " in output, output[-3000:]
    assert result.returncode == 0, output[-12000:]
