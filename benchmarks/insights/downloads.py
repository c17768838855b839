"""Downloads over an analysed campaign: which of them may stay answers to a request?

    .venv/bin/python benchmarks/insights/downloads.py --proposals 10000

Throw-away SQLite database (as `analyze_campaign.py`): the Samara region, the demo campaign,
N generated proposals, one analysis (not timed). Then times, median of `--repeat`, the
downloads a ministry takes from such a campaign: the analysis workbook (`dashboard_xlsx`
over `selectors.dashboard`) and the proposal list as CSV and XLSX (`proposal_export`).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _median(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _n in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("CIVICPLAN_VAR_DIR", tempfile.mkdtemp(prefix="cp-bench-dl-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from civicplan.accounts import demo as accounts_demo
    from civicplan.campaigns.models import Campaign
    from civicplan.demo import campaigns as campaigns_demo
    from civicplan.insights import selectors
    from civicplan.insights.demo import demo_proposals_create
    from civicplan.insights.exports import dashboard_xlsx
    from civicplan.insights.services import campaign_analyze
    from civicplan.proposals.exports import proposal_export
    from civicplan.proposals.models import Proposal
    from civicplan.strategy.demo import strategy_demo_get_or_create
    from civicplan.territories.demo import load as territories_load

    quiet = io.StringIO()
    territories_load(stdout=quiet)
    strategy_demo_get_or_create(63)
    accounts_demo.load(stdout=quiet)
    campaigns_demo.load(stdout=quiet, only_region_codes={63})
    campaign = Campaign.objects.get(slug="strategy-leadership-samara")
    demo_proposals_create(campaign, args.proposals, seed=2026)
    campaign_analyze(campaign=campaign, n_jobs=2)

    rows = [
        (
            "analysis workbook (dashboard_xlsx)",
            lambda: dashboard_xlsx(selectors.dashboard(campaign)),
        ),
        ("dashboard selector alone", lambda: selectors.dashboard(campaign)),
    ]
    for fmt in ("csv", "xlsx"):
        rows.append(
            (
                f"all proposals, {fmt}",
                lambda fmt=fmt: proposal_export(
                    qs=Proposal.objects.filter(campaign=campaign), fmt=fmt
                ),
            )
        )
    print(f"proposals: {Proposal.objects.filter(campaign=campaign).count()}")
    for title, fn in rows:
        print(f"{title:40} {_median(fn, args.repeat):6.2f} s", flush=True)
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
