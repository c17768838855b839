"""A full room on the embedded default: 300 idea-board participants write at once through the
real server (gunicorn with several worker processes, as docs/production.md deploys it) on the
default SQLite file, and nothing they sent is lost.

The test prepares its own SQLite file (migrations, the Samara demo campaign, a session with a
board), starts gunicorn on 127.0.0.1:8121, drives it from 60 client threads, reads the file
afterwards and stops the server. It takes about a minute; every wait in it is bounded.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORT = 8121
BASE = f"http://127.0.0.1:{PORT}"
PARTICIPANTS = 300
IDEAS_EACH = 2
DOTS_EACH = 3
CLIENT_THREADS = 60

SETUP = """
import io, datetime
from django.utils import timezone
from civicplan.territories.testing import load_regions
load_regions(63)
from civicplan.accounts import demo as accounts_demo
from civicplan.demo import campaigns as campaigns_demo
from civicplan.campaigns.models import Campaign
from civicplan.strategy.demo import strategy_demo_get_or_create
strategy_demo_get_or_create(63)
accounts_demo.load(stdout=io.StringIO())
campaigns_demo.load(stdout=io.StringIO(), only_region_codes={63})
from civicplan.meetings import services
campaign = Campaign.objects.get(slug="strategy-leadership-samara")
starts = timezone.now() - datetime.timedelta(hours=1)
session = services.session_create(
    campaign=campaign, title="Малые города — большие возможности",
    theme="Развитие малых городов", starts_at=starts,
    ends_at=starts + datetime.timedelta(hours=6), place="Самара", state="in_progress",
)
section = services.section_create(
    session=session, title="Городская среда", question="Что удержит молодёжь в малом городе?",
    direction=campaign.strategy.directions.first(),
)
print("CODE", section.code, section.pk)
"""

TO_VOTING = """
from civicplan.meetings.models import Section
from civicplan.meetings.services import board
section = Section.objects.get(pk={pk})
section.dots_per_member = {dots}
section.save(update_fields=["dots_per_member"])
board.section_board_update(section=section, board_state="voting", voting_mode="dots")
"""


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'civicplan.sqlite3'}",
        CIVICPLAN_VAR_DIR=str(tmp),
        SECRET_KEY="concurrency-test-secret-key-not-for-production-0123456789",
        DEBUG="",
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
    )
    return env


def _manage(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def board_server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """gunicorn (3 processes × 4 threads) on a fresh SQLite file with a board in «ideas»."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[dev]')")
    if not _port_free(PORT):
        pytest.skip(f"port {PORT} is busy")
    env = _env(tmp_path)
    _manage(env, "migrate", "--noinput", "-v0")
    line = next(x for x in _manage(env, "shell", "-c", SETUP).splitlines() if x.startswith("CODE"))
    _label, code, pk = line.split()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while _port_free(PORT):
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start within a minute"
            time.sleep(0.3)
        yield {"code": code, "pk": int(pk), "env": env, "db": tmp_path / "civicplan.sqlite3"}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


def _post(path: str, payload: dict[str, Any], token: str = "") -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        BASE + path,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **({"X-Board-Token": token} if token else {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, json.loads(body) if body.startswith(b"{") else {"raw": body[:300]}


def _count(db: Path, sql: str, *args: Any) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as connection:
        return int(connection.execute(sql, args).fetchone()[0])


def test_a_room_of_300_writes_to_the_board_at_once_and_nothing_is_lost(board_server):
    code, db = board_server["code"], board_server["db"]
    api = f"/api/v1/sessions/board/{code}"

    # Given 300 participants joining from one Wi-Fi address at the same moment
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        joins = list(
            pool.map(
                lambda n: _post(f"{api}/join", {"nickname": f"Участник {n}"}), range(PARTICIPANTS)
            )
        )
    assert Counter(status for status, _body in joins) == {201: PARTICIPANTS}, joins[:3]
    tokens = [body["token"] for _status, body in joins]

    # When each of them sends two ideas at once
    def send_ideas(n: int) -> list[int]:
        return [
            _post(
                f"{api}/ideas",
                {"kind": "proposal", "text": f"Идея {k} участника {n}: открыть коворкинг в ДК"},
                tokens[n],
            )[0]
            for k in range(IDEAS_EACH)
        ]

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        idea_statuses = [
            s for statuses in pool.map(send_ideas, range(PARTICIPANTS)) for s in statuses
        ]

    # Then every idea was accepted and every accepted idea is in the database
    assert Counter(idea_statuses) == {201: PARTICIPANTS * IDEAS_EACH}, Counter(idea_statuses)
    assert _count(db, "SELECT COUNT(*) FROM meetings_idea") == PARTICIPANTS * IDEAS_EACH

    # When the moderator opens dot voting and everybody puts three dots at once
    _manage(
        board_server["env"], "shell", "-c", TO_VOTING.format(pk=board_server["pk"], dots=DOTS_EACH)
    )
    idea_ids = [
        row[0]
        for row in sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        .execute("SELECT id FROM meetings_idea ORDER BY id")
        .fetchall()
    ]

    def put_dots(n: int) -> list[int]:
        chosen = [idea_ids[(n * 7 + k * 13) % len(idea_ids)] for k in range(DOTS_EACH)]
        return [_post(f"{api}/dots", {"idea": idea}, tokens[n])[0] for idea in chosen]

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        dot_statuses = [s for statuses in pool.map(put_dots, range(PARTICIPANTS)) for s in statuses]

    # Then no dot is lost
    assert Counter(dot_statuses) == {201: PARTICIPANTS * DOTS_EACH}, Counter(dot_statuses)
    assert _count(db, "SELECT COUNT(*) FROM meetings_dotvote") == PARTICIPANTS * DOTS_EACH

    # And a member who fires twelve dots in parallel gets exactly the three he has
    greedy_status, greedy = _post(f"{api}/join", {"nickname": "Торопливый участник"})
    assert greedy_status == 201
    with ThreadPoolExecutor(12) as pool:
        greedy_statuses = list(
            pool.map(
                lambda idea: _post(f"{api}/dots", {"idea": idea}, greedy["token"])[0], idea_ids[:12]
            )
        )
    assert greedy_statuses.count(201) == DOTS_EACH, greedy_statuses
    assert set(greedy_statuses) <= {201, 409}, greedy_statuses
    assert (
        _count(db, "SELECT COUNT(*) FROM meetings_dotvote WHERE member_id = ?", greedy["member"])
        == DOTS_EACH
    )
