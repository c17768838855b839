"""Server CPU per request of the signed-in pages of issue 17, without a load generator:
the figure that carries over from a busy shared machine to a quiet one.

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python benchmarks/load/cpu_signed_in.py \\
        --repeat 10 --rounds 5 [--only "proposal page"] [--profile "signed in: home /"]

Each page is requested through Django's test client (every middleware, the page cache and
the shared fragments as gunicorn serves them; no socket) with a resident's and a regional
moderator's session: once to fill the caches, then `--rounds` rounds of `--repeat` requests;
the process CPU time (`time.process_time`) per request of the best and the median round is
printed (on a shared machine other processes inflate some rounds: the best is the fairer). `--profile NAME` prints the cProfile of
that page's repeats (the costliest functions by cumulative and by own time). Uses the database of
the environment (DATABASE_URL, or the SQLite default) with the demo loaded. The page cache's
generations are replaced at the start, so no fragment another checkout rendered is measured.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from civicplan.accounts.models import User  # noqa: E402
from civicplan.campaigns.selectors import campaign_current  # noqa: E402
from civicplan.core.pagecache import public_pages_changed  # noqa: E402
from civicplan.proposals.models import PUBLIC_STATUSES, Proposal  # noqa: E402
from civicplan.publications.selectors import articles_published  # noqa: E402

RESIDENT = "resident@civicplan.local"
MODERATOR = "moderator.samara@civicplan.local"


def pages() -> dict[str, tuple[str, str]]:
    campaign = campaign_current()
    assert campaign is not None, "load the demo first (make demo)"
    article = articles_published().order_by("-publish_at").first()
    proposal = (
        Proposal.objects.filter(campaign=campaign, status__in=PUBLIC_STATUSES)
        .order_by("-pk")
        .first()
    )
    assert article is not None and proposal is not None
    found: dict[str, tuple[str, str]] = {}
    for who, email in (("signed in", RESIDENT), ("moderator", MODERATOR)):
        found[f"{who}: home /"] = (email, "/")
        found[f"{who}: proposals /proposals/"] = (email, "/proposals/")
        found[f"{who}: article"] = (email, article.get_absolute_url())
        found[f"{who}: proposal page"] = (email, reverse("proposals:detail", args=[proposal.pk]))
    found["signed in: «мой кабинет»"] = (RESIDENT, reverse("accounts:profile"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", default="", help="a page name to profile")
    parser.add_argument("--only", default="", help="measure only pages containing this text")
    args = parser.parse_args()
    # Fragments kept in the page cache by another checkout's code are not served to this one:
    # each page's first request renders them anew.
    public_pages_changed()
    clients: dict[str, Client] = {}
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("| page | CPU ms per request, best round | median round |")
    print("|---|---:|---:|")
    for name, (email, path) in pages().items():
        if args.only and args.only not in name:
            continue
        if email not in clients:
            clients[email] = Client(HTTP_ACCEPT_LANGUAGE="ru")
            clients[email].force_login(User.objects.get(email=email))
        client = clients[email]
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        profiler = cProfile.Profile() if name == args.profile else None
        if profiler is not None:
            profiler.enable()
        rounds = []
        for _ in range(args.rounds):
            started = time.process_time()
            for _ in range(args.repeat):
                client.get(path)
            rounds.append(1000 * (time.process_time() - started) / args.repeat)
        if profiler is not None:
            profiler.disable()
        print(f"| {name} | {min(rounds):.1f} | {statistics.median(rounds):.1f} |", flush=True)
        if profiler is not None:
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats("civicplan|template|db/models|sql", 40)
            stats.sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
