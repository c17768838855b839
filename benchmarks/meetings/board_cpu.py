"""CPU per request of the idea board, in one process (no server, no network, no queueing):
the figure that stays fair on a shared machine. A board of `--participants` members with two
ideas each, then voting: every request kind a participant, the room screen and the moderator
make, timed with `time.process_time` over `--repeat` calls each.

    DATABASE_URL=sqlite:////tmp/board_cpu.sqlite3 .venv/bin/python benchmarks/meetings/board_cpu.py

The database named by DATABASE_URL is migrated and filled afresh (SQLite file removed first;
on PostgreSQL give a scratch database). `--profile KIND` prints the cProfile of one kind.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

IDEA_TEXTS = [
    "Открыть коворкинг для молодых предпринимателей в центре города",
    "Запустить льготный автобус до областного центра каждый час",
    "Отремонтировать дом культуры и сделать в нём молодёжное пространство",
    "Выделить места для ярмарок выходного дня вместо стихийной торговли",
    "Служебное жильё для молодых врачей и учителей",
    "Провести быстрый интернет в сёла района",
    "Молодёжь уезжает после школы: нет работы по специальности",
    "Закрытие градообразующего предприятия оставит людей без работы",
    "Целевое обучение с гарантией работы на местных предприятиях",
    "Благоустроить набережную и центральную площадь",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from civicplan.accounts.models import User
    from civicplan.campaigns.models import Campaign
    from civicplan.meetings import services
    from civicplan.meetings.services import board
    from civicplan.territories.models import Region

    region = Region.objects.create(code=63, name="Самарская область", timezone="Europe/Samara")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        region=region,
        title="Стратегия лидерства",
        slug="bench",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=100),
    )
    now = timezone.now()
    session = services.session_create(
        campaign=campaign,
        title="Малые города — большие возможности",
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=6),
        place="Самара",
        state="in_progress",
    )
    dots = services.section_create(
        session=session, title="Рабочие места", question="Что сделать?", dots_per_member=3
    )
    pairs = services.section_create(
        session=session, title="Транспорт", question="Что важнее?", voting_mode="pairwise"
    )
    rng = random.Random(1)
    members = []
    for n in range(args.participants):
        member, token = board.board_join(section=dots, nickname=f"Участник {n}")
        members.append((member, token))
        for text in rng.sample(IDEA_TEXTS, 2):
            board.idea_post(
                section=dots,
                member=member,
                kind=rng.choice(["challenge", "proposal", "risk"]),
                text=f"{text} ({n})",
            )
    for (author, _token), text in zip(members, IDEA_TEXTS, strict=False):
        board.idea_post(section=pairs, member=author, kind="proposal", text=text)
    board.section_board_update(section=pairs, board_state="voting")
    # While ideas are still taken: the hint «похожая идея уже есть» as a participant types.
    hinting = Client(HTTP_X_BOARD_TOKEN=members[-1][1])
    hinting.cookies[f"cp_board_{dots.session_id}"] = members[-1][1]
    hint_url = f"/sessions/b/{dots.code}/similar/"
    hinting.get(hint_url, {"text": "коворкинг для молодёжи"})  # builds the index once
    hint_cpu = []
    for text in IDEA_TEXTS:
        started = time.process_time()
        assert hinting.get(hint_url, {"text": text[:30]}, HTTP_HX_REQUEST="true").status_code == 200
        hint_cpu.append((time.process_time() - started) * 1000)
    board.section_board_update(section=dots, board_state="voting")
    dots.refresh_from_db()
    ideas = list(board.active_ideas(dots).values_list("pk", flat=True))
    from django.core.cache import cache

    for member, _token in members[: args.participants // 2]:
        for idea in rng.sample(ideas, 3):
            board.dot_vote_cast(section=dots, member=member, idea_id=idea)
        cache.clear()  # rate limits of the seeding
    admin = User.objects.create_superuser("bench@civicplan.local", "x")
    api = f"/api/v1/sessions/board/{dots.code}"
    page = f"/sessions/b/{dots.code}"
    moderate = f"/sessions/{session.slug}/sections/{dots.pk}/moderate/"
    voter = iter(members[args.participants // 2 :])

    def participant() -> Client:
        member, token = members[-1]
        client = Client(HTTP_X_BOARD_TOKEN=token)
        client.cookies[f"cp_board_{dots.session_id}"] = token
        return client

    voting = Client()  # one handler: a new Client loads the middleware again
    moderator = Client()
    moderator.force_login(admin)
    reader = participant()
    htmx: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}

    def dot_vote() -> Any:
        _member, token = next(voter)
        return voting.post(
            f"{api}/dots",
            json.dumps({"idea": rng.choice(ideas)}),
            "application/json",
            HTTP_X_BOARD_TOKEN=token,
        )

    pairs_api = f"/api/v1/sessions/board/{pairs.code}"
    comparer = iter(members)
    joined = iter(range(10**6))

    def join() -> Any:
        return voting.post(
            f"{pairs_api}/join",
            json.dumps({"nickname": f"Новый {next(joined)}"}),
            "application/json",
        )

    def pair_round() -> Any:
        _member, token = next(comparer)
        shown = voting.get(f"{pairs_api}/pair", HTTP_X_BOARD_TOKEN=token).json()
        started = time.process_time()
        answer = voting.post(
            f"{pairs_api}/pair",
            json.dumps({"ticket": shown["ticket"], "winner": shown["left"]["id"]}),
            "application/json",
            HTTP_X_BOARD_TOKEN=token,
        )
        pair_vote_cpu.append((time.process_time() - started) * 1000)
        return answer

    results_cpu: list[float] = []

    def results_after_a_vote() -> Any:
        dot_vote()  # not timed: the revision moves, the ranking must be counted again
        started = time.process_time()
        answer = reader.get(f"{api}/results")
        results_cpu.append((time.process_time() - started) * 1000)
        return answer

    feed_cpu: list[float] = []

    def feed_after_a_vote() -> Any:
        dot_vote()  # not timed: the votes changed, the feed must show them
        started = time.process_time()
        answer = moderator.get(f"{moderate}?feed=1&v=x", **htmx)
        feed_cpu.append((time.process_time() - started) * 1000)
        return answer

    pair_vote_cpu: list[float] = []
    kinds: dict[str, Any] = {
        "api join": join,
        "api next pair + pairwise vote": pair_round,
        "api state": lambda: reader.get(api),
        "api ideas-list (600)": lambda: reader.get(f"{api}/ideas"),
        "api results": lambda: reader.get(f"{api}/results"),
        "api dot vote": dot_vote,
        "api results right after a vote": results_after_a_vote,
        "page: participant board (voting)": lambda: reader.get(f"{page}/board/"),
        "page: status poll": lambda: reader.get(f"{page}/status/?state=voting&mode=dots", **htmx),
        "page: room screen poll (changed)": lambda: reader.get(f"{page}/screen/?v=x", **htmx),
        "page: room screen": lambda: reader.get(f"{page}/screen/"),
        "page: moderator feed poll (changed)": lambda: moderator.get(
            f"{moderate}?feed=1&v=x", **htmx
        ),
        "page: moderator feed poll right after a vote": feed_after_a_vote,
    }
    report = {
        "page: similar-ideas hint while typing (600 ideas)": {
            "n": len(hint_cpu),
            "cpu_ms_median": round(statistics.median(hint_cpu), 1),
            "cpu_ms_mean": round(statistics.fmean(hint_cpu), 1),
        }
    }
    for kind, call in kinds.items():
        if args.profile and args.profile not in kind:
            continue
        call()  # warm-up
        cpu = []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(
            min(args.repeat, args.participants // 2 - 1) if "vote" in kind else args.repeat
        ):
            started = time.process_time()
            if profiler:
                profiler.enable()
            response = call()
            if profiler:
                profiler.disable()
            cpu.append((time.process_time() - started) * 1000)
            assert response.status_code < 400, (kind, response.status_code)
        if kind == "api results right after a vote":
            cpu = results_cpu[1:]
        if kind == "page: moderator feed poll right after a vote":
            cpu = feed_cpu[1:]
        report[kind] = {
            "n": len(cpu),
            "cpu_ms_median": round(statistics.median(cpu), 1),
            "cpu_ms_mean": round(statistics.fmean(cpu), 1),
        }
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            print(out.getvalue())
    print(f"load average {os.getloadavg()}")
    print("| request | n | CPU ms (median) | CPU ms (mean) |\n|---|---|---|---|")
    for kind, row in report.items():
        print(f"| {kind} | {row['n']} | {row['cpu_ms_median']} | {row['cpu_ms_mean']} |")


if __name__ == "__main__":
    main()
