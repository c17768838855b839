"""The working group's dashboard: topics, key proposals, the map, re-analysis with progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicplan.accounts.models import Role
from civicplan.accounts.selectors import user_scope
from civicplan.campaigns.models import Campaign
from civicplan.core.errors import Conflict
from civicplan.core.models import Job
from civicplan.core.svg import Bar, MapPoint, bar_chart, point_map, sparkline
from civicplan.insights import selectors, services
from civicplan.insights.exports import dashboard_xlsx
from civicplan.insights.models import Topic
from civicplan.reports.documents import XLSX, attachment

DASHBOARD_ROLES = (Role.ANALYST, Role.REGIONAL_MODERATOR, Role.STRATEGY_EDITOR, Role.FACILITATOR)


def _allowed_campaigns(request: HttpRequest) -> list[Campaign]:
    scope = user_scope(request.user, DASHBOARD_ROLES)
    if scope.is_empty:
        raise PermissionDenied(
            _("Аналитика доступна аналитикам, модераторам и редакторам стратегии.")
        )
    campaigns = Campaign.objects.select_related("region").order_by("-starts_on")
    return [c for c in campaigns if scope.allows(region_id=c.region_id, municipality_id=None)]


def _campaign(request: HttpRequest, slug: str) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("region", "strategy"), slug=slug)
    if campaign not in _allowed_campaigns(request):
        raise PermissionDenied(_("У вас нет доступа к аналитике этой кампании."))
    return campaign


@login_required
def index(request: HttpRequest) -> HttpResponse:
    campaigns = _allowed_campaigns(request)
    if len(campaigns) == 1:
        return redirect("insights:dashboard", slug=campaigns[0].slug)
    return render(request, "insights/index.html", {"campaigns": campaigns})


def _charts(board: selectors.Dashboard) -> dict[str, object]:
    direction_chart = bar_chart(
        [
            Bar(
                label=d.title if d else _("не определено"),
                value=n,
                color=d.color if d else "#8a94a3",
            )
            for d, n in board.directions
        ],
        title=_("Предложения по направлениям (по оценке модели)"),
    )
    map_svg = point_map(
        [
            MapPoint(
                lat=row.municipality.lat,
                lon=row.municipality.lon or 0.0,
                label=row.municipality.short_name,
                value=float(row.proposals),
                url=reverse("territories:municipality", args=[row.municipality.oktmo]),
                extra={_("на 1 000 жителей"): str(row.per_thousand or "—")},
            )
            for row in board.municipalities
            if row.municipality.lat is not None
        ],
        title=_("Предложения по муниципалитетам: размер круга — число предложений"),
    )
    sparks = {
        row.topic.pk: sparkline([n for _, n in row.trend], title=_("Предложений в неделю"))
        for row in board.topics
    }
    return {"direction_chart": direction_chart, "map_svg": map_svg, "sparks": sparks}


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    direction = None
    if request.GET.get("direction") and campaign.strategy_id:
        direction = campaign.strategy.directions.filter(slug=request.GET["direction"]).first()  # type: ignore[union-attr]  # the _id check guarantees the relation
    board = selectors.dashboard(campaign, direction=direction)
    job = Job.objects.filter(
        kind=services.ANALYZE_JOB, lock_key=f"insights:campaign:{campaign.pk}"
    ).first()
    context = {
        "board": board,
        "campaign": campaign,
        "directions": list(campaign.strategy.directions.all()) if campaign.strategy_id else [],  # type: ignore[union-attr]  # the _id check guarantees the relation
        "job": job,
        "can_cancel": True,
        **_charts(board),
    }
    return render(request, "insights/dashboard.html", context)


@login_required
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """A printable report of the dashboard (print to PDF from the browser)."""
    campaign = _campaign(request, slug)
    board = selectors.dashboard(campaign)
    return render(
        request, "insights/report.html", {"board": board, "campaign": campaign, **_charts(board)}
    )


@login_required
@require_POST
def analysis_start(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    try:
        services.campaign_analysis_start(campaign=campaign, user=request.user)
    except Conflict as exc:
        from django.contrib import messages

        messages.warning(request, exc.message)
    return redirect("insights:dashboard", slug=campaign.slug)


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_object_or_404(
        Topic.objects.select_related("run__campaign", "direction", "key_proposal"), pk=pk
    )
    _campaign(request, topic.run.campaign.slug)
    page = Paginator(selectors.topic_proposals(topic), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/topic.html",
        {"topic": topic, "page": page, "campaign": topic.run.campaign},
    )


@login_required
def export_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    return attachment(
        dashboard_xlsx(selectors.dashboard(campaign)),
        filename=f"insights-{campaign.slug}.xlsx",
        content_type=XLSX,
    )


@login_required
@require_POST
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """One click in the moderation queue: take the engine's direction or duplicate."""
    from django.contrib import messages

    from civicplan.core.errors import DomainError
    from civicplan.proposals import services as proposal_services
    from civicplan.proposals.models import Proposal

    proposal = get_object_or_404(Proposal.objects.select_related("campaign", "direction"), pk=pk)
    try:
        # Every kind, the feedback-only «не подходит» too, is for the proposal's moderators:
        # anyone else gets the same 404 as for a proposal that does not exist.
        proposal_services.moderator_check(actor=request.user, proposal=proposal)
    except DomainError as exc:
        raise Http404 from exc
    analysis = selectors.proposal_analysis_current(proposal)
    kind = request.POST.get("kind")
    from civicplan.core.redirects import safe_next

    next_url = safe_next(request, request.POST.get("next"), reverse("proposals:queue"))
    if analysis is None:
        messages.warning(request, _("Для этого предложения ещё нет подсказки."))
        return redirect(next_url)
    try:
        suggested_direction = analysis.suggested_direction
        if kind == "direction" and suggested_direction is not None:
            previous = proposal.direction.title if proposal.direction else ""
            proposal_services.proposal_classify(
                proposal=proposal,
                actor=request.user,
                direction=suggested_direction,
                reason=_("подсказка аналитического модуля"),
            )
            services.suggestion_feedback_record(
                proposal=proposal,
                kind="direction",
                suggested=suggested_direction.title,
                final=suggested_direction.title,
                user=request.user,
            )
            messages.success(
                request,
                _("Направление «%(d)s» установлено%(was)s.")
                % {
                    "d": suggested_direction.title,
                    "was": _(" (было: «%(previous)s»)") % {"previous": previous}
                    if previous
                    else "",
                },
            )
        elif kind == "duplicate" and analysis.duplicate_of is not None:
            proposal_services.proposal_mark_duplicate(
                proposal=proposal, actor=request.user, original=analysis.duplicate_of
            )
            services.suggestion_feedback_record(
                proposal=proposal,
                kind="duplicate",
                suggested=str(analysis.duplicate_of_id),
                final=str(analysis.duplicate_of_id),
                user=request.user,
            )
            messages.success(request, _("Предложение отмечено как повтор."))
        elif kind in {"reject-direction", "reject-duplicate"}:
            suggested = (
                suggested_direction.title
                if kind == "reject-direction" and suggested_direction
                else str(analysis.duplicate_of_id or "")
            )
            services.suggestion_feedback_record(
                proposal=proposal,
                kind=kind.split("-", 1)[1],
                suggested=suggested,
                final="",
                user=request.user,
            )
            messages.info(
                request, _("Подсказка отклонена: модуль учтёт это при следующих подсказках.")
            )
        else:
            messages.warning(request, _("Неизвестное действие."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(next_url)
