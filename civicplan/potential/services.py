"""Writes of the potential index: the default methodology and the recomputation of scores."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, fields
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.analytics.potential import (
    Assessment,
    Methodology,
    MethodologyError,
    MunicipalityRecord,
    Observation,
    assess,
    default_methodology,
)
from civicplan.core.errors import DomainError, InvalidInput
from civicplan.core.jobs import JobReporter, job_start
from civicplan.core.models import Job
from civicplan.core.pagecache import changes_public_pages
from civicplan.potential.models import (
    PotentialIndicator,
    PotentialMethodology,
    PotentialScore,
    PotentialSubIndex,
)
from civicplan.territories.models import IndicatorValue, Municipality

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecomputeSummary:
    methodology: str
    assessed: int
    computed: int
    seconds: float
    notices: list[dict[str, Any]]

    def text(self) -> str:
        return _(
            "Индекс потенциала по методике «%(name)s» пересчитан: оценено муниципалитетов — "
            "%(assessed)s, индекс рассчитан для %(computed)s за %(seconds)s с."
        ) % {
            "name": self.methodology,
            "assessed": self.assessed,
            "computed": self.computed,
            "seconds": f"{self.seconds:.1f}".replace(".", ","),
        }


@changes_public_pages(topics=("territories",))
@transaction.atomic
def potential_methodology_create_default(
    *, name: str | None = None, activate: bool = True
) -> PotentialMethodology:
    """Store the shipped methodology (`default_methodology.json`) as an editable one."""
    method = default_methodology()
    if activate:
        PotentialMethodology.objects.filter(is_active=True).update(is_active=False)
    stored = PotentialMethodology.objects.create(
        name=name or method.name,
        is_active=activate,
        method=method.normalisation.method,
        scope=method.normalisation.scope,
        winsor_lower=method.normalisation.winsor[0],
        winsor_upper=method.normalisation.winsor[1],
        min_group_size=method.normalisation.min_group_size,
        min_coverage=method.min_coverage,
        clusters=method.clusters,
        peers=method.peers,
        version=method.version,
    )
    for s_order, sub in enumerate(method.subindices):
        stored_sub = PotentialSubIndex.objects.create(
            methodology=stored,
            code=sub.code,
            name=sub.name,
            weight=round(sub.weight, 6),
            high_label=sub.high_label,
            low_label=sub.low_label,
            order=s_order,
        )
        for i_order, ind in enumerate(sub.indicators):
            PotentialIndicator.objects.create(
                subindex=stored_sub,
                code=ind.code,
                name=ind.name,
                unit=ind.unit,
                weight=round(ind.weight, 6),
                better=ind.better,
                op=ind.op,
                source=ind.source,
                base=ind.base,
                prefix=ind.prefix,
                year=str(ind.year),
                from_year=ind.from_year,
                base_year=ind.base_year,
                min_count=ind.min_count,
                order=i_order,
            )
    return stored


def potential_methodology_active() -> PotentialMethodology | None:
    return PotentialMethodology.objects.filter(is_active=True).first()


def analytics_methodology(stored: PotentialMethodology) -> Methodology:
    """The analytics object for a stored methodology; `InvalidInput` if it cannot be used."""
    stored = PotentialMethodology.objects.prefetch_related("subindices__indicators").get(
        pk=stored.pk
    )
    try:
        return Methodology.from_dict(stored.as_dict())
    except MethodologyError as exc:
        raise InvalidInput(str(exc), code="invalid_methodology") from exc


def _load_input() -> tuple[list[MunicipalityRecord], list[Observation], dict[str, int]]:
    municipalities = list(
        Municipality.objects.values_list("pk", "oktmo", "name", "region__code", "lat", "lon")
    )
    records = [
        MunicipalityRecord(id=oktmo, region=region, name=name, lat=lat, lon=lon)
        for _pk, oktmo, name, region, lat, lon in municipalities
    ]
    pks = {oktmo: pk for pk, oktmo, *_ in municipalities}
    observations = [
        Observation(oktmo, code, year, value)
        for oktmo, code, year, value in IndicatorValue.objects.values_list(
            "municipality__oktmo", "indicator__code", "year", "value"
        ).iterator(chunk_size=20_000)
    ]
    return records, observations, pks


def _clean(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def _flat(obj: Any) -> dict[str, Any]:
    """A flat dataclass as a dict (`dataclasses.asdict` deep-copies and is slow here)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def _details(assessment: Assessment, oktmo: str) -> tuple[Any, dict[str, Any]]:
    result = assessment.result(oktmo)
    details = {
        "explanation": result.explanation,
        "status": result.status,
        "missing": result.missing,
        "population": result.population,
        "size_class_name": result.size_class_name,
        "contributions": [
            {
                **_flat(c),
                "value": _clean(c.value),
                "score": _clean(c.score),
                "weight": _clean(c.weight, 6),
                "points": _clean(c.points),
                "versus_typical": _clean(c.versus_typical),
            }
            for c in result.contributions
        ],
        "strengths": [c.code for c in result.strengths],
        "weaknesses": [c.code for c in result.weaknesses],
        "peers": [
            {
                "oktmo": p.id,
                "name": p.name,
                "region": p.region,
                "similarity": p.similarity,
                "index": _clean(p.index, 2),
            }
            for p in result.peers
        ],
        "growth_points": [
            {**_flat(p), "value": _clean(p.value), "peers_median": _clean(p.peers_median)}
            for p in result.growth_points
        ],
        "weak_spots": [
            {**_flat(p), "value": _clean(p.value), "peers_median": _clean(p.peers_median)}
            for p in result.weak_spots
        ],
    }
    return result, details


@changes_public_pages(topics=("territories",))
@transaction.atomic
def potential_recompute(*, methodology: PotentialMethodology) -> RecomputeSummary:
    """Assess every municipality with the methodology and replace its stored scores.

    Nothing is replaced when the methodology cannot be used (`InvalidInput`).
    """
    started = time.monotonic()
    method = analytics_methodology(methodology)
    records, observations, pks = _load_input()
    assessment = assess(records, observations, method)
    now = timezone.now()
    rows: list[PotentialScore] = []
    for record in assessment.municipalities:
        result, details = _details(assessment, record.id)
        rows.append(
            PotentialScore(
                methodology=methodology,
                municipality_id=pks[record.id],
                index=_clean(result.index),
                coverage=round(result.coverage, 4),
                rank_region=result.rank_region,
                count_region=result.count_region,
                rank_size_class=result.rank_size_class,
                count_size_class=result.count_size_class,
                size_class=result.size_class,
                cluster=result.cluster,
                cluster_name=result.cluster_name,
                subindices={k: _clean(v) for k, v in result.subindices.items()},
                details=details,
                computed_at=now,
            )
        )
    PotentialScore.objects.filter(methodology=methodology).delete()
    PotentialScore.objects.bulk_create(rows, batch_size=500)
    notices = [
        {"kind": n.kind, "level": n.level, "message": n.message, "indicator": n.indicator}
        for n in assessment.notices
    ]
    types = [
        {"number": t.number, "name": t.name, "size": t.size, "deviations": t.deviations}
        for t in assessment.cluster_types
    ]
    PotentialMethodology.objects.filter(pk=methodology.pk).update(
        computed_at=now, notices=notices, cluster_types=types
    )
    computed = sum(1 for r in rows if r.index is not None)
    summary = RecomputeSummary(
        methodology=methodology.name,
        assessed=len(rows),
        computed=computed,
        seconds=time.monotonic() - started,
        notices=notices,
    )
    logger.info(summary.text())
    return summary


def potential_methodology_deactivate_others(*, keep: PotentialMethodology) -> int:
    """Only one methodology is active: the others step aside (before `keep` is saved)."""
    return (
        PotentialMethodology.objects.filter(is_active=True)
        .exclude(pk=keep.pk)
        .update(is_active=False)
    )


@changes_public_pages(topics=("territories",))
@transaction.atomic
def potential_methodology_activate(*, methodology: PotentialMethodology) -> RecomputeSummary:
    """Make the methodology the one the pages show, and compute its scores."""
    PotentialMethodology.objects.filter(is_active=True).exclude(pk=methodology.pk).update(
        is_active=False
    )
    PotentialMethodology.objects.filter(pk=methodology.pk).update(is_active=True)
    methodology.is_active = True
    return potential_recompute(methodology=methodology)


def potential_ensure_computed() -> RecomputeSummary | None:
    """Create the default methodology if there is none active and compute it if needed."""
    active = potential_methodology_active()
    if active is None:
        active = potential_methodology_create_default()
    if active.computed_at is None or not active.scores.exists():
        return potential_recompute(methodology=active)
    return None


def potential_recompute_after_statistics() -> str | None:
    """New statistics change the index: recompute the active methodology, say what happened."""
    methodology = potential_methodology_active()
    if methodology is None:
        return None
    try:
        summary = potential_recompute(methodology=methodology)
    except DomainError as exc:
        return str(_("Индекс потенциала не пересчитан: %(reason)s") % {"reason": exc.message})
    return summary.text()


# --- the recompute as a job (the admin's save: 2–7 s on a region's statistics) -------------

RECOMPUTE_JOB = "potential.recompute"


def potential_recompute_start(
    *, methodology: PotentialMethodology, actor: Any, activate: bool = False
) -> Job:
    """Start recomputing (and, with `activate`, switching the pages to) a methodology in the
    background; the admin links to the job's page with its progress bar and outcome."""
    title = (
        _("Переход на методику «%(n)s» и пересчёт индекса потенциала")
        if activate
        else _("Пересчёт индекса потенциала по методике «%(n)s»")
    ) % {"n": methodology.name[:150]}
    return job_start(
        kind=RECOMPUTE_JOB,
        title=title,
        params={"methodology_id": methodology.pk, "activate": activate},
        lock_key=f"{RECOMPUTE_JOB}:{methodology.pk}",
        created_by=actor,
    )


def potential_recompute_run(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """The job handler: recompute all-or-nothing; a methodology that cannot be used leaves
    the stored scores as they were and says why."""
    methodology = PotentialMethodology.objects.filter(pk=job.params["methodology_id"]).first()
    if methodology is None:
        reporter.message(_("Методика удалена: пересчитывать нечего."))
        return {"ok": False}
    reporter.progress(0, 1, stage=_("Расчёт по всем муниципалитетам"))
    try:
        if job.params.get("activate"):
            summary = potential_methodology_activate(methodology=methodology)
        else:
            summary = potential_recompute(methodology=methodology)
    except DomainError as exc:
        reporter.message(_("Индекс не пересчитан: %(e)s") % {"e": exc.message})
        reporter.progress(1, 1, stage=_("Не пересчитан"))
        return {"ok": False, "error": exc.message}
    reporter.message(summary.text())
    for notice in summary.notices:
        if notice["kind"] == "methodology_weights":
            reporter.message(notice["message"])
    reporter.progress(1, 1, stage=_("Готово"))
    return {"ok": True, "summary": summary.text(), "notices": summary.notices}
