"""End-to-end analysis of a campaign read from the database and written back.

    .venv/bin/python benchmarks/insights/analyze_campaign.py --proposals 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_bench .venv/bin/python \
        benchmarks/insights/analyze_campaign.py --proposals 100000

Builds a throw-away database (a SQLite file in a temporary folder unless DATABASE_URL is
given), loads the Samara region and the demo campaign, inserts N generated proposals
(not timed), then times `campaign_analyze` — read rows, clean, lemmatise, vectors,
classification, duplicates, topics, summaries, write results — and reports wall time,
per-stage timings and peak memory of the process and its worker processes.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="cp-bench-")
    os.environ.setdefault("CIVICPLAN_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)

    from civicplan.accounts import demo as accounts_demo
    from civicplan.campaigns.models import Campaign
    from civicplan.demo import campaigns as campaigns_demo
    from civicplan.insights.demo import demo_proposals_create
    from civicplan.insights.services import campaign_analyze
    from civicplan.strategy.demo import strategy_demo_get_or_create
    from civicplan.territories.demo import load as territories_load

    quiet = io.StringIO()
    territories_load(stdout=quiet)
    strategy_demo_get_or_create(63)
    accounts_demo.load(stdout=quiet)
    campaigns_demo.load(stdout=quiet, only_region_codes={63})
    campaign = Campaign.objects.get(slug="strategy-leadership-samara")
    started = time.perf_counter()
    demo_proposals_create(campaign, args.proposals, seed=2026)
    insert = time.perf_counter() - started

    started = time.perf_counter()
    run = campaign_analyze(campaign=campaign, n_jobs=args.jobs)
    wall = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "proposals": run.proposals_total,
                "topics": run.topics_total,
                "duplicates": run.duplicates_total,
                "classifier": run.classifier_mode,
                "insert_s": round(insert, 1),
                "analyze_wall_s": round(wall, 1),
                "stages_s": run.timings,
                "peak_rss_mb": round(own),
                "peak_rss_children_mb": round(children),
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
