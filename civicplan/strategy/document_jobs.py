"""The strategy's documents for a large roadmap, built by a job and shared.

A DOCX or XLSX of a 1,000-measure roadmap takes seconds to build
(`benchmarks/strategy/bench_strategy.py`): never inside a visitor's request. Up to
`SYNC_MEASURES` measures the view answers at once; above it the first visitor starts one job,
everyone asking for the same document of the same state of the strategy waits on that job and
then gets its file. The documents are public (no personal data), so the file is served by the
download view itself, not through `access_job`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.jobs import JobReporter, job_result_file, job_shared_get_or_start
from civicplan.core.models import Job
from civicplan.strategy import exports, importers
from civicplan.strategy.models import KPI, KPITarget, KPIValue, Measure, Strategy

DOCUMENT_JOB = "strategy.document"
SYNC_MEASURES = 300
FRESH = timedelta(hours=12)  # a file of the same state is reused this long (the stamp decides)

DOCUMENTS: dict[str, tuple[Callable[[Strategy], bytes], str]] = {
    "docx": (exports.strategy_docx, "{slug}.docx"),
    "xlsx": (exports.strategy_xlsx, "{slug}-roadmap-kpi.xlsx"),
    "structure": (
        lambda strategy: importers.structure_template(strategy, filled=True),
        "{slug}-structure.xlsx",
    ),
}


def strategy_document_filename(strategy: Strategy, document: str) -> str:
    return DOCUMENTS[document][1].format(slug=strategy.slug)


def strategy_is_large(strategy: Strategy) -> bool:
    return Measure.objects.filter(strategy=strategy).count() > SYNC_MEASURES


def strategy_stamp(strategy: Strategy) -> str:
    """Changes whenever a document would: any edit, import or new value, and the date (a
    measure becomes late with the calendar)."""
    facts: list[Any] = [strategy.pk, timezone.localdate().isoformat()]
    facts += (
        Measure.objects.filter(strategy=strategy)
        .aggregate(n=Count("pk"), at=Max("updated_at"))
        .values()
    )
    facts += strategy.changes.aggregate(last=Max("pk")).values()
    kpis = KPI.objects.filter(goal__direction__strategy=strategy)
    facts += kpis.aggregate(n=Count("pk"), last=Max("pk")).values()
    facts += (
        KPIValue.objects.filter(kpi__in=kpis)
        .aggregate(n=Count("pk"), at=Max("entered_at"), total=Sum("value"))
        .values()
    )
    facts += (
        KPITarget.objects.filter(kpi__in=kpis).aggregate(n=Count("pk"), last=Max("pk")).values()
    )
    return hashlib.sha256(repr(facts).encode()).hexdigest()[:24]


def strategy_document_job(*, strategy: Strategy, document: str) -> Job:
    """The shared job that builds (or built) `document` for the strategy as it is now."""
    return job_shared_get_or_start(
        kind=DOCUMENT_JOB,
        key=f"{strategy.pk}:{document}:{strategy_stamp(strategy)}",
        title=_("Документ стратегии «%(t)s»") % {"t": strategy.title},
        params={"strategy": strategy.pk, "document": document},
        fresh=FRESH,
    )


def strategy_document_run(job: Job, reporter: JobReporter) -> dict[str, Any]:
    strategy = Strategy.objects.get(pk=job.params["strategy"])
    document = job.params["document"]
    reporter.progress(0, 1, stage=_("Собираем документ"))
    build, _pattern = DOCUMENTS[document]
    content = build(strategy)
    reporter.progress(1, 1, stage=_("Готово"))
    return job_result_file(content=content, filename=strategy_document_filename(strategy, document))
