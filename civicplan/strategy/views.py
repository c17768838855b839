"""Pages: the strategy tree, a direction, a KPI, roadmaps, a measure, monitoring, history,
version comparison, imports and exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicplan.core.errors import DomainError
from civicplan.core.jobs import job_with_live_progress, shared_file_response
from civicplan.core.models import Job
from civicplan.core.pagecache import public_page
from civicplan.reports.documents import DOCX, XLSX, attachment
from civicplan.strategy import importers
from civicplan.strategy.charts import kpi_chart, roadmap_chart
from civicplan.strategy.document_jobs import (
    DOCUMENTS,
    strategy_document_filename,
    strategy_document_job,
    strategy_is_large,
)
from civicplan.strategy.forms import (
    ImportForm,
    KpiValueForm,
    ProgressForm,
    RoadmapFilterForm,
    VersionForm,
)
from civicplan.strategy.importers.jobs import JOB_KIND as IMPORT_JOB
from civicplan.strategy.importers.jobs import strategy_import_start
from civicplan.strategy.models import Direction, Measure, Sector, Strategy
from civicplan.strategy.selectors import (
    RoadmapFilters,
    kpi_get,
    kpi_status,
    measure_budget,
    measure_children_map,
    measure_get,
    measures_for_kpi,
    monitoring,
    roadmap_measures,
    roadmap_organisations,
    strategy_list,
    strategy_tree,
)
from civicplan.strategy.services import (
    kpi_value_record,
    measure_progress_set,
    strategy_can_edit,
    strategy_require_editor,
    strategy_version_save,
)
from civicplan.strategy.versions import (
    field_label,
    field_value,
    strategy_compare,
    strategy_serialize,
)
from civicplan.territories.models import Municipality


def _strategy(slug: str) -> Strategy:
    return get_object_or_404(Strategy.objects.select_related("region"), slug=slug)


def _base(request: HttpRequest, strategy: Strategy) -> dict[str, object]:
    return {
        "strategy": strategy,
        "can_edit": strategy_can_edit(user=request.user, strategy=strategy),
    }


@public_page(depends=("strategy", "proposals", "territories"))
def index(request: HttpRequest) -> HttpResponse:
    strategies = list(strategy_list())
    active = [s for s in strategies if s.state != Strategy.State.ARCHIVED]
    if len(active) == 1:
        return redirect("strategy:detail", slug=active[0].slug)
    return render(request, "strategy/index.html", {"strategies": strategies})


@public_page(depends=("strategy", "proposals", "territories"))
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(slug)
    tree = strategy_tree(strategy)
    return render(
        request,
        "strategy/detail.html",
        {**_base(request, strategy), "tree": tree, "stages": list(strategy.stages.all())},
    )


@public_page(depends=("strategy", "proposals", "territories"))
def direction_detail(request: HttpRequest, slug: str, direction: str) -> HttpResponse:
    strategy = _strategy(slug)
    obj = get_object_or_404(Direction, strategy=strategy, slug=direction)
    tree = strategy_tree(strategy, direction=obj)
    measures = roadmap_measures(strategy, direction=obj)
    chart = roadmap_chart(
        measures,
        title=_("Дорожная карта направления «%(t)s»") % {"t": obj.title},
        url=lambda m: reverse("strategy:measure", args=[strategy.slug, m.pk]),
        today=timezone.localdate(),
    )
    return render(
        request,
        "strategy/direction.html",
        {
            **_base(request, strategy),
            "direction": obj,
            "node": tree[0],
            "measures": measures,
            "chart": chart,
        },
    )


@public_page(depends=("strategy", "territories"))
def kpi_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(slug)
    try:
        kpi = kpi_get(pk)
    except Exception as exc:
        raise Http404 from exc
    if kpi.goal.direction.strategy_id != strategy.pk:
        raise Http404
    values = list(kpi.values.all())
    status = kpi_status(kpi, horizon_end=strategy.horizon_end, values=values)
    years = sorted(
        {kpi.baseline_year, *status.targets, *status.actuals}
        | set(range(strategy.horizon_start, strategy.horizon_end + 1))
    )
    rows = [
        {
            "year": y,
            "target": status.targets.get(y),
            "actual": status.actuals.get(y),
            "trend": status.trend.at(y) if status.trend else None,
            "is_baseline": y == kpi.baseline_year,
        }
        for y in years
    ]
    local = sorted(
        (v for v in values if v.municipality_id is not None),
        key=lambda v: (v.municipality.name if v.municipality else "", v.year),
    )
    latest_local: dict[int, Any] = {}
    for v in local:
        if v.municipality_id is not None:
            latest_local[v.municipality_id] = v
    form = KpiValueForm(request.POST or None)
    ctx = {
        **_base(request, strategy),
        "kpi": kpi,
        "status": status,
        "chart": kpi_chart(status),
        "rows": rows,
        "local": sorted(
            latest_local.values(), key=lambda v: -v.value if kpi.better == "higher" else v.value
        ),
        "measures": measures_for_kpi(kpi),
        "form": form,
    }
    if request.method == "POST":
        strategy_require_editor_or_403(request, strategy)
        if form.is_valid():
            try:
                kpi_value_record(
                    kpi=kpi,
                    year=form.cleaned_data["year"],
                    value=form.cleaned_data["value"],
                    source=form.cleaned_data["source"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Фактическое значение сохранено."))
                return redirect("strategy:kpi", slug=slug, pk=pk)
    return render(request, "strategy/kpi.html", ctx)


def strategy_require_editor_or_403(request: HttpRequest, strategy: Strategy) -> None:
    try:
        strategy_require_editor(user=request.user, strategy=strategy)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc


@public_page(depends=("strategy", "proposals", "territories"))
def roadmap(request: HttpRequest, slug: str, direction: str | None = None) -> HttpResponse:
    strategy = _strategy(slug)
    direction = direction or request.GET.get("direction") or None
    obj = get_object_or_404(Direction, strategy=strategy, slug=direction) if direction else None
    form = RoadmapFilterForm(request.GET or None)
    filters = RoadmapFilters()
    municipality = None
    if form.is_valid():
        data = form.cleaned_data
        if data["municipality"]:
            municipality = Municipality.objects.filter(
                region=strategy.region, oktmo=data["municipality"]
            ).first()
        filters = RoadmapFilters(
            sector=data["sector"],
            organisation=data["organisation"].strip(),
            municipality=municipality,
            state=data["state"],
            late_only=data["late"],
        )
    measures = roadmap_measures(strategy, direction=obj, filters=filters)
    title = (
        _("Дорожная карта направления «%(t)s»") % {"t": obj.title}
        if obj
        else _("Дорожная карта стратегии")
    )
    chart = roadmap_chart(
        measures,
        title=title,
        url=lambda m: reverse("strategy:measure", args=[strategy.slug, m.pk]),
        today=timezone.localdate(),
    )
    ctx = {
        **_base(request, strategy),
        "direction": obj,
        "directions": strategy.directions.all(),
        "measures": measures,
        "chart": chart,
        "form": form,
        "sectors": Sector.choices,
        "organisations": roadmap_organisations(strategy),
        "municipalities": Municipality.objects.filter(region=strategy.region)
        .exclude(kind="intracity")
        .order_by("name"),
        "municipality": municipality,
        "late_count": sum(1 for m in measures if getattr(m, "late", False)),
        "title": title,
        "query": request.GET.urlencode(),
    }
    template = (
        "strategy/partials/roadmap_body.html"
        if request.headers.get("HX-Request")
        else "strategy/roadmap.html"
    )
    return render(request, template, ctx)


@public_page(depends=("strategy", "proposals", "territories"))
def measure_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(slug)
    try:
        measure = measure_get(pk)
    except Measure.DoesNotExist as exc:
        raise Http404 from exc
    if measure.strategy_id != strategy.pk:
        raise Http404
    from civicplan.strategy.selectors import measure_is_late

    form = ProgressForm(
        request.POST or None, initial={"progress": measure.progress, "state": measure.state}
    )
    if request.method == "POST":
        strategy_require_editor_or_403(request, strategy)
        if form.is_valid():
            try:
                measure_progress_set(
                    measure=measure,
                    progress=form.cleaned_data["progress"],
                    state=form.cleaned_data["state"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Выполнение мероприятия обновлено."))
                return redirect("strategy:measure", slug=slug, pk=pk)
    children = list(measure.children.select_related("direction").order_by("order", "code"))
    budget = measure_budget(measure, measure_children_map(measure))
    proposals = [p for p in measure.proposals.all() if _proposal_public(p)]
    return render(
        request,
        "strategy/measure.html",
        {
            **_base(request, strategy),
            "measure": measure,
            "late": measure_is_late(measure),
            "children": children,
            "budget": budget,
            "proposals": proposals,
            "form": form,
            "today": timezone.localdate(),
        },
    )


def _proposal_public(proposal: object) -> bool:
    return bool(getattr(proposal, "is_public", False))


@public_page(depends=("strategy", "proposals", "territories"))
def monitoring_page(request: HttpRequest, slug: str, oktmo: str | None = None) -> HttpResponse:
    strategy = _strategy(slug)
    if oktmo is None and request.GET.get("oktmo"):
        return redirect("strategy:monitoring_municipality", slug=slug, oktmo=request.GET["oktmo"])
    municipality = (
        get_object_or_404(Municipality, region=strategy.region, oktmo=oktmo) if oktmo else None
    )
    data = monitoring(strategy, municipality=municipality)
    municipalities = (
        Municipality.objects.filter(region=strategy.region, strategy_measures__strategy=strategy)
        .distinct()
        .order_by("name")
    )
    return render(
        request,
        "strategy/monitoring.html",
        {
            **_base(request, strategy),
            "m": data,
            "municipality": municipality,
            "municipalities": municipalities,
        },
    )


def history(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(slug)
    changes = strategy.changes.select_related("actor")
    kind = request.GET.get("type") or ""
    if kind:
        changes = changes.filter(object_type=kind)
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    for change in page.object_list:
        rows = []
        for name, values in (change.changes or {}).items():
            before, after = (
                values if isinstance(values, list) and len(values) == 2 else (None, values)
            )
            rows.append((field_label(name), field_value(name, before), field_value(name, after)))
        change.rows = rows  # type: ignore[attr-defined]
    return render(
        request,
        "strategy/history.html",
        {
            **_base(request, strategy),
            "page": page,
            "type": kind,
            "types": [
                ("strategy", _("стратегия")),
                ("direction", _("направления")),
                ("goal", _("цели")),
                ("kpi", _("показатели")),
                ("measure", _("мероприятия")),
                ("milestone", _("контрольные точки")),
                ("strategyversion", _("версии")),
            ],
            "versions": strategy.versions.all(),
            "version_form": VersionForm(),
        },
    )


def compare(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(slug)
    versions = list(strategy.versions.all())
    others = list(
        Strategy.objects.filter(region=strategy.region)
        .exclude(pk=strategy.pk)
        .order_by("-horizon_start")
    )

    def load(key: str) -> tuple[str, dict[str, object]] | None:
        if not key or key == "current":
            return _("текущая редакция (%(v)s)") % {"v": strategy.version}, strategy_serialize(
                strategy
            )
        if key.startswith("v"):
            version = next((v for v in versions if str(v.pk) == key[1:]), None)
            return (_("версия «%(l)s»") % {"l": version.label}, version.data) if version else None
        if key.startswith("s"):
            other = next((s for s in others if str(s.pk) == key[1:]), None)
            return (
                (f"{other.title} ({other.version})", strategy_serialize(other)) if other else None
            )
        return None

    a_key = request.GET.get("a") or (f"v{versions[0].pk}" if versions else "")
    b_key = request.GET.get("b") or "current"
    a, b = load(a_key), load(b_key)
    differences = strategy_compare(a[1], b[1]) if a and b and a_key != b_key else []
    return render(
        request,
        "strategy/compare.html",
        {
            **_base(request, strategy),
            "versions": versions,
            "others": others,
            "a_key": a_key,
            "a_pk": int(a_key[1:]) if a_key[:1] == "v" and a_key[1:].isdigit() else None,
            "b_pk": int(b_key[1:]) if b_key[:1] == "v" and b_key[1:].isdigit() else None,
            "b_key": b_key,
            "a": a,
            "b": b,
            "differences": differences,
            "same": bool(a and b and not differences),
        },
    )


@require_POST
def version_save(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(slug)
    strategy_require_editor_or_403(request, strategy)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            strategy_version_save(strategy=strategy, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Версия сохранена."))
    else:
        messages.error(request, _("Укажите название версии."))
    return redirect("strategy:history", slug=slug)


def import_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a workbook: the import runs as a job; the page shows its progress and report."""
    strategy = _strategy(slug)
    strategy_require_editor_or_403(request, strategy)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = strategy_import_start(
                strategy=strategy,
                kind=form.cleaned_data["kind"],
                upload=upload,
                name=upload.name,
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect(f"{reverse('strategy:import', args=[slug])}?job={job.pk}")
    shown: Job | None = None
    job_id = request.GET.get("job", "")
    if job_id.isdigit():
        shown = Job.objects.filter(
            pk=int(job_id), kind=IMPORT_JOB, params__strategy_id=strategy.pk
        ).first()
    if shown is not None:
        shown = job_with_live_progress(shown)
    report = shown.result if shown is not None and shown.state == Job.State.SUCCEEDED else None
    return render(
        request,
        "strategy/import.html",
        {**_base(request, strategy), "form": form, "report": report, "job": shown},
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    return attachment(content, filename=filename, content_type=content_type)


def _document(request: HttpRequest, strategy: Strategy, document: str) -> HttpResponseBase:
    """A document of the strategy: at once for a usual roadmap, through a shared job (a
    self-refreshing «Готовим файл» page) for a large one."""
    filename = strategy_document_filename(strategy, document)
    if not strategy_is_large(strategy):
        build, _pattern = DOCUMENTS[document]
        return _download(build(strategy), filename, DOCX if document == "docx" else XLSX)
    return shared_file_response(
        request,
        strategy_document_job(strategy=strategy, document=document),
        filename=filename,
        heading=_("Готовим документ стратегии"),
        back_url=reverse("strategy:detail", args=[strategy.slug]),
        back_label=_("К стратегии"),
    )


def template_structure(request: HttpRequest, slug: str) -> HttpResponseBase:
    strategy = _strategy(slug)
    if request.GET.get("filled") == "1":
        return _document(request, strategy, "structure")
    return _download(
        importers.structure_template(strategy, filled=False),
        f"{strategy.slug}-structure.xlsx",
        XLSX,
    )


def template_values(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(slug)
    return _download(
        importers.kpi_values_template(strategy), f"{strategy.slug}-kpi-values.xlsx", XLSX
    )


def export_docx(request: HttpRequest, slug: str) -> HttpResponseBase:
    return _document(request, _strategy(slug), "docx")


def export_xlsx(request: HttpRequest, slug: str) -> HttpResponseBase:
    return _document(request, _strategy(slug), "xlsx")
