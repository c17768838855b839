"""The order in which the demo database is filled (`manage.py load_demo`).

Each listed module has `load(*, stdout) -> None`; a module that does not exist yet is skipped.
"""

from __future__ import annotations

DEMO_MODULES = [
    "civicplan.territories.demo",
    "civicplan.accounts.demo",
    "civicplan.strategy.demo",
    "civicplan.demo.campaigns",
    "civicplan.proposals.demo",
    "civicplan.meetings.demo",
    "civicplan.demo.roadmap",
    "civicplan.drafts.demo",
    "civicplan.insights.demo",
    "civicplan.practices.demo",
    "civicplan.publications.demo",
    "civicplan.notifications.demo",
]
