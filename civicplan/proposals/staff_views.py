"""Moderators' pages: the queue scoped by role, a proposal with its actions, the dashboard,
comments to check, imports and exports."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicplan.accounts.models import Role
from civicplan.accounts.selectors import user_scope
from civicplan.accounts.services import client_ip
from civicplan.campaigns.models import Campaign
from civicplan.campaigns.selectors import campaign_current
from civicplan.core.errors import DomainError, NotFound
from civicplan.core.jobs import shared_file_response
from civicplan.proposals import exports
from civicplan.proposals.exports import (
    proposal_export,
    proposal_export_queryset,
    proposal_export_start,
)
from civicplan.proposals.forms import ImportForm, RejectForm
from civicplan.proposals.models import (
    Comment,
    Proposal,
    ProposalChannel,
    ProposalStatus,
)
from civicplan.proposals.selectors import (
    access_proposal_import,
    comments_queue,
    moderation_dashboard,
    moderation_queue,
    proposal_for_staff,
    proposal_imports_for,
)
from civicplan.proposals.services import (
    ANSWER_STATUSES,
    MODERATOR_ROLES,
    TRANSITIONS,
    comment_moderate,
    personal_data_read,
    proposal_answer,
    proposal_classify,
    proposal_mark_duplicate,
    proposal_redact,
    proposal_reject,
    proposal_status_set,
    proposal_text_correct,
)
from civicplan.proposals.services.imports import (
    FIELDS,
    proposal_import_begin,
    proposal_import_upload,
)
from civicplan.proposals.textcheck import personal_data_found
from civicplan.strategy.models import Direction
from civicplan.territories.models import Municipality


def moderator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user_scope(request.user, MODERATOR_ROLES).is_empty:
            raise PermissionDenied(_("Страница доступна только модераторам."))
        return view(request, *args, **kwargs)

    return wrapper


@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ProposalStatus.NEW)
    overdue = request.GET.get("overdue") == "1"
    qs = moderation_queue(
        request.user,
        status=status or None,
        overdue=overdue,
        municipality=request.GET.get("municipality") or None,
        q=(request.GET.get("q") or "").strip()[:200] or None,
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    scope = user_scope(request.user, MODERATOR_ROLES)
    municipalities = Municipality.objects.filter(
        Q(region_id__in=scope.region_ids) | Q(pk__in=scope.municipality_ids)
    ).order_by("name")
    return render(
        request,
        "proposals/staff/queue.html",
        {
            "page": page,
            "proposals": list(page.object_list),
            "status": status,
            "overdue": overdue,
            "statuses": ProposalStatus.choices,
            "municipalities": list(municipalities.only("name", "oktmo")[:500]),
            "query": query.urlencode(),
        },
    )


@moderator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request, "proposals/staff/dashboard.html", {"stats": moderation_dashboard(request.user)}
    )


def _staff_proposal(request: HttpRequest, pk: int) -> Proposal:
    qs = proposal_for_staff(Proposal.objects.all(), request.user).select_related(
        "campaign__strategy", "municipality", "direction", "duplicate_of", "phase"
    )
    return get_object_or_404(qs, pk=pk)


@moderator_required
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _staff_proposal(request, pk)
    personal = None
    if request.GET.get("personal") == "1":
        personal = personal_data_read(
            proposal=proposal, actor=request.user, ip=client_ip(request), purpose=_("ответ автору")
        )
    directions = list(Direction.objects.filter(strategy_id=proposal.campaign.strategy_id or 0))
    return render(
        request,
        "proposals/staff/moderate.html",
        {
            "proposal": proposal,
            "personal": personal,
            "history": list(
                proposal.status_changes.select_related("actor").order_by("changed_at", "pk")
            ),
            "edits": list(proposal.edits.select_related("actor").order_by("created_at", "pk")),
            "answers": list(proposal.answers.order_by("created_at")),
            "attachments": list(proposal.attachments.all()),
            "personal_found": personal_data_found(f"{proposal.title}\n{proposal.text}"),
            "next_statuses": [
                (s, ProposalStatus(s).label)
                for s in TRANSITIONS.get(proposal.status, ())
                if s != ProposalStatus.REJECTED
            ],
            "answer_statuses": [
                (s, ProposalStatus(s).label)
                for s in (
                    *ANSWER_STATUSES,
                    ProposalStatus.UNDER_REVIEW,
                    ProposalStatus.IMPLEMENTING,
                    ProposalStatus.IMPLEMENTED,
                )
                if s == proposal.status or s in TRANSITIONS.get(proposal.status, ())
            ],
            "can_reject": ProposalStatus.REJECTED in TRANSITIONS.get(proposal.status, ()),
            "reject_form": RejectForm(),
            "directions": directions,
            "municipalities": list(
                Municipality.objects.filter(region_id=proposal.campaign.region_id)
                .order_by("name")
                .only("name", "oktmo")
            ),
            "overdue": proposal.is_overdue(),
        },
    )


@moderator_required
@require_POST
def moderate_action(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _staff_proposal(request, pk)
    action = request.POST.get("action", "")
    post = request.POST
    user = request.user
    try:
        if action == "publish":
            proposal_status_set(
                proposal=proposal,
                actor=user,
                status=ProposalStatus.PUBLISHED,
                reason=post.get("reason", ""),
            )
            done = _("Предложение опубликовано.")
        elif action == "status":
            proposal_status_set(
                proposal=proposal,
                actor=user,
                status=post.get("status", ""),
                reason=post.get("reason", ""),
            )
            done = _("Статус изменён.")
        elif action == "reject":
            proposal_reject(
                proposal=proposal,
                actor=user,
                reason_code=post.get("reason_code", ""),
                note=post.get("note", ""),
            )
            done = _("Предложение отклонено, автор получит уведомление.")
        elif action == "duplicate":
            original_pk = (post.get("original") or "").strip()
            original = (
                proposal_for_staff(Proposal.objects.all(), user).filter(pk=int(original_pk)).first()
                if original_pk.isdigit()
                else None
            )
            if original is None:
                raise DomainError(
                    _("Укажите номер исходного предложения из вашей очереди."), field="original"
                )
            proposal_mark_duplicate(
                proposal=proposal, original=original, actor=user, note=post.get("note", "")
            )
            done = _("Отмечено как дубликат, поддержки перенесены.")
        elif action == "correct":
            proposal_text_correct(
                proposal=proposal,
                actor=user,
                text=post.get("text", ""),
                title=post.get("title", ""),
                reason=post.get("reason", ""),
            )
            done = _("Текст исправлен, прежний вариант сохранён в истории.")
        elif action == "redact":
            proposal_redact(
                proposal=proposal,
                actor=user,
                text=post.get("text", ""),
                reason=post.get("reason", ""),
            )
            done = _("Персональные данные скрыты из текста.")
        elif action == "classify":
            proposal_classify(
                proposal=proposal,
                actor=user,
                direction=post.get("direction") or None,
                municipality=post.get("municipality") or proposal.municipality,
                reason=post.get("reason", ""),
            )
            done = _("Направление и муниципальное образование сохранены.")
        elif action == "answer":
            proposal_answer(
                proposal=proposal,
                actor=user,
                text=post.get("text", ""),
                organisation=post.get("organisation", ""),
                signed_by=post.get("signed_by", ""),
                status=post.get("status", ""),
            )
            done = _("Официальный ответ сохранён, автор получит уведомление.")
        else:
            raise DomainError(_("Неизвестное действие."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("proposals:moderate", pk=proposal.pk)


@moderator_required
def comments(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "proposals/staff/comments.html",
        {"comments": list(comments_queue(request.user)[:200])},
    )


@moderator_required
@require_POST
def comment_action(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Comment, pk=pk)
    try:
        comment_moderate(
            comment=target, actor=request.user, publish=request.POST.get("action") == "publish"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Решение по комментарию сохранено."))
    return redirect("proposals:comments")


def export(request: HttpRequest) -> HttpResponseBase:
    """The list with its filters as CSV/XLSX; moderators may add personal data. A moderator's
    export of more than `exports.EXPORT_SYNC_ROWS` rows runs as a job: the job page shows its
    progress and then the link to the file."""
    fmt = request.GET.get("format", "csv")
    personal = request.GET.get("personal") == "1"
    staff = request.user.is_authenticated and not user_scope(request.user, MODERATOR_ROLES).is_empty
    qs = proposal_export_queryset(user=request.user, query=request.GET, include_personal=personal)
    try:
        if staff and qs.count() > exports.EXPORT_SYNC_ROWS:
            job = proposal_export_start(
                query=request.GET,
                fmt=fmt,
                actor=request.user,
                include_personal=personal,
                ip=client_ip(request),
            )
            return redirect("core:job_detail", pk=job.pk)
        if not staff and not personal and qs.count() > exports.EXPORT_SYNC_ROWS:
            return _public_export(request, fmt)
        content, content_type, name = proposal_export(
            qs=qs, fmt=fmt, actor=request.user, include_personal=personal, ip=client_ip(request)
        )
    except DomainError as exc:
        return HttpResponse(
            exc.message, status=exc.status, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if personal or staff:
        response["Cache-Control"] = "private, no-store"
    return response


def _public_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """A large public export: the shared file when it is ready, otherwise a page that shows
    how far it is and asks again every few seconds (works without JavaScript)."""
    job = exports.proposal_public_export_get_or_start(
        query=request.GET, fmt=fmt, ip=client_ip(request)
    )
    return shared_file_response(
        request,
        job,
        filename=f"proposals.{fmt}",
        heading=_("Готовим файл с предложениями"),
        back_url=reverse("proposals:list"),
        back_label=_("К списку предложений"),
    )


@moderator_required
def import_new(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a table. Step 2 (import_detail): map its columns and start."""
    scope = user_scope(request.user, (Role.REGIONAL_MODERATOR,))
    campaigns_qs = Campaign.objects.select_related("region").order_by("-starts_on")
    if not scope.everything:
        campaigns_qs = campaigns_qs.filter(region_id__in=scope.region_ids)
    campaigns = list(campaigns_qs)
    form = ImportForm(request.POST or None, request.FILES or None)
    cast("forms.ChoiceField", form.fields["channel"]).choices = [
        c for c in ProposalChannel.choices if c[0] not in ("website", "api")
    ]
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            chosen = (
                Campaign.objects.filter(pk=request.POST.get("campaign") or 0).first()
                or campaign_current()
            )
            try:
                if chosen is None:
                    raise DomainError(_("Нет кампании, в которую можно загрузить предложения."))
                record = proposal_import_upload(
                    campaign=chosen,
                    upload=upload,
                    name=upload.name,
                    actor=request.user,
                    channel=form.cleaned_data["channel"],
                    publish=form.cleaned_data["publish"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return redirect("proposals:import_detail", pk=record.pk)
    return render(
        request,
        "proposals/staff/import.html",
        {
            "form": form,
            "campaigns": campaigns,
            "current": campaign_current(),
            "imports": list(proposal_imports_for(request.user).order_by("-created_at")[:20]),
        },
        status=status,
    )


@moderator_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = access_proposal_import(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    status = 200
    if request.method == "POST" and record.job_id is None:
        mapping = {name: request.POST.get(f"map_{name}", "") for name in FIELDS}
        try:
            record = proposal_import_begin(record=record, mapping=mapping, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            return redirect("proposals:import_detail", pk=record.pk)
    if record.job_id:
        if record.job is not None:
            record.job.refresh_from_db()
    return render(
        request,
        "proposals/staff/import_detail.html",
        {
            "record": record,
            "job": record.job,
            "fields": [(k, v[0]) for k, v in FIELDS.items()],
            "columns": record.report.get("columns", []),
            "errors": record.report.get("errors", [])[:500],
        },
        status=status,
    )
