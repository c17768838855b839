"""Pages of the practice library: search, a practice, the proposal form, moderation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicplan.accounts.models import Role
from civicplan.accounts.selectors import Scope, user_scope
from civicplan.core.errors import DomainError
from civicplan.core.http import htmx_details, is_htmx
from civicplan.practices.forms import ModerationForm, PracticeFilterForm, PracticeProposalForm
from civicplan.practices.models import Practice, PracticeStatus
from civicplan.practices.selectors import (
    moderation_queue,
    practice_list,
    practices_proposed_by,
)
from civicplan.practices.selectors import (
    practice_detail as select_practice,
)
from civicplan.practices.services import practice_propose, practice_publish, practice_reject
from civicplan.territories.models import Municipality

PROPOSER_ROLES = (
    Role.MUNICIPAL_MODERATOR,
    Role.REGIONAL_MODERATOR,
    Role.STRATEGY_EDITOR,
    Role.ANALYST,
)
MODERATOR_ROLES = (Role.REGIONAL_MODERATOR,)


def _moderator_scope(request: HttpRequest) -> Scope:
    """Regional moderators moderate their regions; superusers moderate everywhere."""
    return user_scope(request.user, MODERATOR_ROLES)


def _proposer_municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    scope = user_scope(request.user, PROPOSER_ROLES)
    if scope.is_empty:
        return Municipality.objects.none()
    if scope.everything:
        return Municipality.objects.all()
    return Municipality.objects.filter(
        Q(region_id__in=scope.region_ids) | Q(pk__in=scope.municipality_ids)
    )


def practice_list_view(request: HttpRequest) -> HttpResponse:
    form = PracticeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    practices = practice_list(
        search=filters.get("q") or None,
        domain=filters["domain"].code if filters.get("domain") else None,
        region_code=filters["region"].code if filters.get("region") else None,
        with_figures=bool(filters.get("with_figures")),
    )
    page = Paginator(practices, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if is_htmx(request) and not htmx_details(request).boosted:
        return render(request, "practices/partials/results.html", context)
    return render(request, "practices/list.html", context)


def practice_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    practice = select_practice(pk)
    if practice is None:
        raise Http404(_("Практика не найдена."))
    if practice.status != PracticeStatus.PUBLISHED:
        is_author = request.user.is_authenticated and practice.proposed_by_id == request.user.pk
        can_moderate = _moderator_scope(request).allows(
            region_id=practice.region_id, municipality_id=practice.municipality_id
        )
        if not (is_author or can_moderate):
            raise Http404(_("Практика не найдена."))
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "can_moderate": practice.status == PracticeStatus.PROPOSED
            and _moderator_scope(request).allows(
                region_id=practice.region_id, municipality_id=practice.municipality_id
            ),
            "moderation_form": ModerationForm(),
        },
    )


@login_required
def practice_propose_view(request: HttpRequest) -> HttpResponse:
    municipalities = _proposer_municipalities(request)
    if not municipalities.exists():
        return render(request, "practices/propose_forbidden.html", status=403)
    form = PracticeProposalForm(
        request.POST or None, request.FILES or None, municipalities=municipalities
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        documents = []
        if data.get("document_url"):
            documents.append((data["document_title"], data["document_url"]))
        try:
            practice = practice_propose(
                user=request.user,
                municipality=data["municipality"],
                allowed_municipality_ids=set(municipalities.values_list("pk", flat=True)),
                title=data["title"],
                problem=data["problem"],
                actions=data["actions"],
                results=data.get("results") or "",
                year_start=data["year_start"],
                year_end=data.get("year_end"),
                domains=list(data["domains"]),
                figures=data["figures"],
                documents=documents,
                contacts=data.get("contacts") or "",
                document_file=(data["document_title"], data["document_file"])
                if data.get("document_file")
                else None,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Спасибо! Практика «%(t)s» отправлена на модерацию.") % {"t": practice.title},
            )
            return redirect("practices:mine")
    return render(request, "practices/propose.html", {"form": form})


@login_required
def my_practices_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "practices/mine.html", {"practices": practices_proposed_by(request.user)}
    )


@login_required
def moderation_view(request: HttpRequest) -> HttpResponse:
    scope = _moderator_scope(request)
    if scope.is_empty:
        raise Http404(_("Страница доступна модераторам региона."))
    queue = moderation_queue(region_ids=scope.region_ids, everything=scope.everything)
    return render(request, "practices/moderation.html", {"queue": queue, "form": ModerationForm()})


@login_required
@require_POST
def moderate_view(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_object_or_404(Practice, pk=pk)
    scope = _moderator_scope(request)
    if not scope.allows(region_id=practice.region_id, municipality_id=practice.municipality_id):
        raise Http404(_("Практика не найдена."))
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Выберите решение: опубликовать или отклонить."))
        return redirect("practices:detail", pk=pk)
    try:
        if form.cleaned_data["decision"] == "publish":
            practice_publish(
                practice=practice, moderator=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("Практика «%(t)s» опубликована.") % {"t": practice.title})
        else:
            practice_reject(
                practice=practice, moderator=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("Практика «%(t)s» отклонена.") % {"t": practice.title})
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("practices:detail", pk=pk)
    return redirect("practices:moderation")
