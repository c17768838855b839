"""Fuzzing the JSON API with schemathesis against its own OpenAPI schema on a live server:
no 5xx answer and no answer that breaks the schema declared for its status. A bounded number
of examples per operation keeps it within about a minute; the longer run is
benchmarks/fuzz/run_fuzz.py.

The HTML pages with filters are fuzzed too: every public list page (and the moderators'
queue, comments and export) gets hostile values in every filter parameter — NUL and control
characters, numbers beyond 64 bits, SQL and script fragments, 3,000-character strings — and
Hypothesis-generated combinations; none may answer with a server error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.fuzz.run_fuzz import schemathesis_command

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.django_db(transaction=True)
def test_api_answers_fuzzing_without_server_errors_or_schema_violations(
    live_server, demo_campaign, settings, tmp_path
):
    if not SCHEMATHESIS.exists() and not shutil.which("schemathesis"):
        pytest.skip("schemathesis is not installed (pip install -e '.[dev]')")
    from civicplan.accounts.models import User
    from civicplan.accounts.services.tokens import api_token_issue, api_token_scopes_allowed

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


# --- the HTML pages' filters ------------------------------------------------------------------

FILTER_PARAMS = [
    "q",
    "campaign",
    "phase",
    "direction",
    "municipality",
    "status",
    "sort",
    "order",
    "tag",
    "page",
    "kind",
    "size",
    "type",
    "a",
    "b",
    "filled",
    "oktmo",
    "region",
    "level",
    "when",
    "overdue",
    "personal",
    "text",
    "format",
    "all",
    "code",
    "next",
    "v",
    "edit",
]
HOSTILE_VALUES = [
    "\x00",
    "дорога\x00",
    "\x01\x1f",
    "99999999999999999999999",
    "-99999999999999999999999",
    "9223372036854775808",
    "-1",
    "0",
    "1e9999",
    "NaN",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%",
    "_",
    "\\",
    "д" * 3000,
    "//evil.example",
    " ",
    "１２３",
]
PUBLIC_PAGES = [
    "/",
    "/proposals/",
    "/proposals/new/similar/",
    "/sessions/",
    "/sessions/join/",
    "/strategy/",
    "/practices/",
    "/news/",
    "/news/polls/",
    "/territories/",
    "/territories/regions/63/potential/",
]
STAFF_PAGES = ["/proposals/moderation/", "/proposals/moderation/comments/", "/proposals/export/"]


@pytest.fixture
def fuzz_client(client, demo_campaign):
    return client


def _get_is_not_a_server_error(client, url: str, query: dict[str, str]) -> None:
    response = client.get(url, query)  # the test client raises a view's exception itself
    assert response.status_code < 500, (url, query, response.status_code)


@pytest.mark.django_db
def test_every_filter_page_answers_hostile_values_without_a_server_error(fuzz_client):
    from civicplan.accounts.models import User

    moderator = User.objects.get(email="moderator.samara@civicplan.local")
    for value in HOSTILE_VALUES:
        for url in PUBLIC_PAGES:
            _get_is_not_a_server_error(fuzz_client, url, dict.fromkeys(FILTER_PARAMS, value))
    fuzz_client.force_login(moderator)
    for value in HOSTILE_VALUES:
        for url in [*STAFF_PAGES, *PUBLIC_PAGES[:3]]:
            _get_is_not_a_server_error(fuzz_client, url, dict.fromkeys(FILTER_PARAMS, value))


@pytest.mark.django_db
def test_filter_pages_fuzzed_by_hypothesis_answer_without_a_server_error(fuzz_client):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    values = st.one_of(
        st.text(max_size=40),
        st.integers(min_value=-(10**25), max_value=10**25).map(str),
        st.sampled_from(HOSTILE_VALUES),
    )
    queries = st.dictionaries(st.sampled_from(FILTER_PARAMS), values, max_size=5)

    @settings(
        max_examples=120,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(url=st.sampled_from(PUBLIC_PAGES), query=queries)
    def check(url: str, query: dict[str, str]) -> None:
        _get_is_not_a_server_error(fuzz_client, url, query)

    check()
