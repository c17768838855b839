"""Proposals: how long the CSV/XLSX export of a campaign's proposals takes (sync or job?).

    .venv/bin/python benchmarks/proposals/export.py --rows 10000

Builds a throw-away SQLite database (as `list_and_submit.py`), bulk-inserts `--rows`
published proposals, then times `proposal_export` (the same code the download and the export
job run) for the first 1,000, 2,000, 5,000 rows and all of them, without and with the
personal data columns (median of `--repeat`).
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
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        os.environ["CIVICPLAN_VAR_DIR"] = tempfile.mkdtemp(prefix="cp-bench-export-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    quiet = io.StringIO()
    call_command("migrate", verbosity=0)
    from civicplan.accounts import demo as accounts_demo
    from civicplan.demo import campaigns as campaigns_demo
    from civicplan.strategy.demo import strategy_demo_get_or_create
    from civicplan.territories import demo as territories_demo

    territories_demo.load(stdout=quiet)
    strategy_demo_get_or_create(63)
    accounts_demo.load(stdout=quiet)
    campaigns_demo.load(stdout=quiet, only_region_codes={63})

    from civicplan.accounts.models import User
    from civicplan.analytics.text.synthetic import generate
    from civicplan.campaigns.models import Campaign
    from civicplan.proposals.exports import proposal_export
    from civicplan.proposals.models import Proposal, ProposalStatus
    from civicplan.proposals.services import tracking_code_new
    from civicplan.territories.models import Municipality

    campaign = Campaign.objects.get(slug="strategy-leadership-samara")
    municipalities = list(Municipality.objects.filter(region__code=63))
    directions = list(campaign.strategy.directions.all())
    texts = generate(min(args.rows, 20000), seed=1)
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
            )
        )
    Proposal.objects.bulk_create(batch, batch_size=5000)
    moderator = User.objects.get(email="moderator.samara@civicplan.local")

    print(f"{'rows':>7} {'format':>6} {'personal':>8} {'median s':>9}")
    for rows in sorted({1000, 2000, 5000, args.rows}):
        ids = list(Proposal.objects.order_by("pk").values_list("pk", flat=True)[:rows])
        for fmt in ("csv", "xlsx"):
            for personal in (False, True):
                times = []
                for _n in range(args.repeat):
                    qs = Proposal.objects.filter(pk__in=ids)
                    started = time.perf_counter()
                    proposal_export(qs=qs, fmt=fmt, actor=moderator, include_personal=personal)
                    times.append(time.perf_counter() - started)
                median = statistics.median(times)
                print(f"{rows:>7} {fmt:>6} {personal!s:>8} {median:>9.2f}", flush=True)
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
