"""Proposals: how the public list, search, moderation queue and submission behave with many rows.

    .venv/bin/python benchmarks/proposals/list_and_submit.py --rows 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_bench_proposals \
        .venv/bin/python benchmarks/proposals/list_and_submit.py --rows 100000

Builds a throw-away database (a SQLite file in a temporary folder unless DATABASE_URL is
set — that database is wiped), loads territories, demo users, the Samara strategy and
campaign, bulk-inserts `--rows` published proposals with synthetic texts, then measures page
answers through Django's test client (median of `--repeat` runs) and the number of database
queries per page, and the time of `proposal_submit` (the whole service: checks, consent,
personal data, history, rate limits).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--submits", type=int, default=100)
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        os.environ["CIVICPLAN_VAR_DIR"] = tempfile.mkdtemp(prefix="cp-bench-proposals-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PROPOSALS_RATE_PER_IP = 10**9
    settings.PROPOSALS_RATE_PER_EMAIL = 10**9
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.JOBS_RUN_INLINE = True

    quiet = io.StringIO()
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from civicplan.accounts import demo as accounts_demo
    from civicplan.demo import campaigns as campaigns_demo
    from civicplan.strategy.demo import strategy_demo_get_or_create
    from civicplan.territories import demo as territories_demo

    started = time.perf_counter()
    territories_demo.load(stdout=quiet)
    strategy_demo_get_or_create(63)
    accounts_demo.load(stdout=quiet)
    campaigns_demo.load(stdout=quiet, only_region_codes={63})
    print(f"setup: {time.perf_counter() - started:.1f} s", flush=True)

    from civicplan.accounts.models import User
    from civicplan.analytics.text.synthetic import generate
    from civicplan.campaigns.models import Campaign
    from civicplan.proposals.models import Proposal, ProposalStatus
    from civicplan.proposals.services import AuthorData, proposal_submit, tracking_code_new
    from civicplan.territories.models import Municipality

    campaign = Campaign.objects.get(slug="strategy-leadership-samara")
    municipalities = list(Municipality.objects.filter(region__code=63))
    directions = list(campaign.strategy.directions.all())
    texts = generate(min(args.rows, 20000), seed=1)
    started = time.perf_counter()
    batch: list[Proposal] = []
    for n in range(args.rows):
        item = texts[n % len(texts)]
        batch.append(
            Proposal(
                campaign=campaign,
                municipality=municipalities[n % len(municipalities)],
                direction=directions[n % len(directions)],
                text=item.text,
                status=ProposalStatus.PUBLISHED,
                tracking_code=tracking_code_new(),
                created_at=item.created_at,
                published_at=item.created_at,
                supports_count=(n * 7919) % 97,
                comments_count=(n * 104729) % 13,
            )
        )
        if len(batch) == 5000:
            Proposal.objects.bulk_create(batch)
            batch = []
    Proposal.objects.bulk_create(batch)
    print(f"inserted {args.rows} proposals: {time.perf_counter() - started:.1f} s", flush=True)

    client = Client()
    moderator = User.objects.get(email="moderator.samara@civicplan.local")
    staff = Client()
    staff.force_login(moderator)
    pages = [
        ("list, first page", client, "/proposals/"),
        ("list, most supported", client, "/proposals/?sort=supported"),
        ("list, page 200", client, "/proposals/?page=200"),
        (
            "list, municipality + direction",
            client,
            f"/proposals/?municipality={municipalities[3].oktmo}&direction={directions[1].slug}",
        ),
        ("search «дорога»", client, "/proposals/?q=дорога"),
        ("search «детский сад»", client, "/proposals/?q=детский+сад"),
        (
            "similar (typing)",
            client,
            "/proposals/new/similar/?text=отремонтировать+дорогу+в+селе+разбита",
        ),
        ("API list", client, "/api/v1/proposals/?sort=discussed"),
        ("moderation queue (all)", staff, "/proposals/moderation/?status="),
        ("moderators' dashboard", staff, "/proposals/moderation/dashboard/"),
    ]
    print(f"\n{'page':34} {'median ms':>10} {'queries':>8}")
    for title, who, url in pages:
        who.get(url)
        times = []
        for _n in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                response = who.get(url)
                times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{title:34} {statistics.median(times):10.1f} {len(queries.captured_queries):8d}")

    texts = generate(args.submits, seed=99)
    times = []
    for n, item in enumerate(texts):
        t = time.perf_counter()
        proposal_submit(
            campaign=campaign,
            text=item.text,
            municipality=municipalities[n % len(municipalities)].oktmo,
            author=AuthorData(name="Житель", email=f"bench{n}@example.ru"),
            consent_given=True,
            ip=f"10.{n // 250}.{n % 250}.1",
        )
        times.append((time.perf_counter() - t) * 1000)
    print(
        f"\nproposal_submit x{args.submits}: median {statistics.median(times):.1f} ms, "
        f"p95 {sorted(times)[int(len(times) * 0.95) - 1]:.1f} ms"
    )
    print(f"database: {connection.vendor}")


if __name__ == "__main__":
    main()
