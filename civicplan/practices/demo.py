"""Demo practices (`manage.py load_demo`): 30+ examples across the domains, marked as such.

Also computes the potential index with the default methodology, so that the profile of a
municipality shows its index, peers and recommended practices right after `make run`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from civicplan.potential.services import potential_ensure_computed
from civicplan.practices.demo_data import DOMAINS, PRACTICES
from civicplan.practices.models import Practice
from civicplan.practices.services import Figure, domains_ensure, practice_create
from civicplan.territories.models import Municipality

CONTACTS = "Отдел экономического развития администрации муниципального образования (пример)."


@transaction.atomic
def load_practices() -> tuple[int, int]:
    """Create the demo practices that are not there yet; returns (created, skipped)."""
    domains = {d.code: d for d in domains_ensure(domains=DOMAINS)}
    existing = set(Practice.objects.filter(is_example=True).values_list("title", flat=True))
    places = {
        m.oktmo: m
        for m in Municipality.objects.select_related("region").filter(
            oktmo__in=[p["oktmo"] for p in PRACTICES]
        )
    }
    created = skipped = 0
    for item in PRACTICES:
        municipality = places.get(item["oktmo"])
        if item["title"] in existing or municipality is None:
            skipped += 1
            continue
        start, end = item["period"]
        practice_create(
            title=item["title"],
            problem=item["problem"],
            actions=item["actions"],
            results=item["results"],
            region=municipality.region,
            municipality=municipality,
            year_start=start,
            year_end=end,
            domains=[domains[c] for c in item["domains"]],
            figures=[Figure(name=n, before=b, after=a, unit=u) for n, b, a, u in item["metrics"]],
            documents=[(title, "") for title in item["documents"]],
            contacts=CONTACTS,
            is_example=True,
        )
        created += 1
    return created, skipped


def load(*, stdout: Any) -> None:
    summary = potential_ensure_computed()
    if summary is not None:
        stdout.write(f"  {summary.text()}")
    created, skipped = load_practices()
    stdout.write(f"  Практики-примеры: добавлено {created}, пропущено {skipped}.")
