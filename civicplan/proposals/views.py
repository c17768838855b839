"""Public pages: the list, a proposal, the submission form, the tracking page."""

from __future__ import annotations

import dataclasses
import functools
import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civicplan.accounts.services import client_ip, policy_current
from civicplan.campaigns.models import Campaign
from civicplan.campaigns.selectors import campaign_accepts_proposals, campaign_current
from civicplan.core.errors import DomainError, NotFound
from civicplan.core.http import is_htmx
from civicplan.core.pagecache import public_page, shared_fragment
from civicplan.core.private_files import private_file_response
from civicplan.proposals.forms import ProposalForm, form_token_new
from civicplan.proposals.models import Comment, Proposal, ProposalStatus, Support
from civicplan.proposals.selectors import (
    ProposalFilters,
    access_attachment,
    home_latest,
    home_most_supported,
    page_size,
    proposal_by_tracking,
    proposal_comments,
    proposal_public_get,
    proposal_public_list,
    proposal_similar,
    proposals_of_author,
)
from civicplan.proposals.services import (
    author_data_clean,
    comment_add,
    comment_complain,
    proposal_submit,
    support_add,
    support_remove,
)
from civicplan.proposals.withdrawal import (
    proposal_by_withdrawal_token,
    proposal_consent_withdraw_confirm,
    proposal_consent_withdraw_request,
)
from civicplan.strategy.models import Direction
from civicplan.territories.models import Municipality

PUBLIC_STATUS_CHOICES = [
    (s.value, s.label)
    for s in ProposalStatus
    if s not in (ProposalStatus.NEW, ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN)
]
SORT_CHOICES = [
    ("new", gettext_lazy("сначала новые")),
    ("supported", gettext_lazy("больше поддержали")),
    ("discussed", gettext_lazy("больше обсуждают")),
]


def _campaign(request: HttpRequest) -> Campaign | None:
    slug = request.GET.get("campaign_slug") or request.POST.get("campaign_slug")
    if slug:
        return (
            Campaign.objects.filter(slug=slug, is_published=True)
            .select_related("region", "strategy")
            .first()
        )
    return campaign_current()


def _directions(campaign: Campaign | None) -> list[Direction]:
    if campaign is None or campaign.strategy_id is None:
        return []
    return list(Direction.objects.filter(strategy_id=campaign.strategy_id).order_by("order"))


def home_block_context(request: HttpRequest, campaign: Campaign | None) -> dict[str, Any] | None:
    latest = home_latest(campaign, 5)
    open_phase = campaign_accepts_proposals(campaign) if campaign else None
    if not latest and open_phase is None:
        return None
    return {
        "campaign": campaign,
        "open_phase": open_phase,
        "latest": latest,
        "supported": home_most_supported(campaign, 5),
    }


LIST_TOPICS = ("proposals", "strategy", "territories", "campaigns")


@public_page(depends=LIST_TOPICS)
def proposal_list(request: HttpRequest) -> HttpResponse:
    # The list shows the same to every visitor for the same query: rendered without the
    # request once for everyone (signed-in visitors too) until a write changes it.
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    if is_htmx(request):
        html = shared_fragment(
            f"proposals:list:results:{query}",
            LIST_TOPICS,
            functools.partial(_list_render, request, "proposals/partials/list_results.html"),
        )
        return HttpResponse(html)
    content = shared_fragment(
        f"proposals:list:content:{query}",
        LIST_TOPICS,
        functools.partial(_list_render, request, "proposals/partials/list_content.html"),
    )
    return render(request, "proposals/list.html", {"content": content})


def _list_render(request: HttpRequest, template: str) -> str:
    filters = ProposalFilters.from_query(request.GET)
    # One campaign at a time: the heading, the places, the directions and the rows agree.
    campaigns = list(
        Campaign.objects.filter(is_published=True)
        .select_related("region")
        .order_by("region__name", "-starts_on")
    )
    campaign = next((c for c in campaigns if c.pk == filters.campaign), None) or campaign_current()
    if campaign is not None:
        filters = dataclasses.replace(filters, campaign=campaign.pk)
    qs = proposal_public_list(filters)
    page = Paginator(qs, page_size()).get_page(request.GET.get("page"))
    export = request.GET.copy()
    export.pop("page", None)
    if campaign is not None:
        export["campaign"] = str(campaign.pk)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "campaign": campaign,
        "page": page,
        "proposals": list(page.object_list),
        "filters": filters,
        "query": query.urlencode(),
        "municipalities": list(
            Municipality.objects.filter(region_id=campaign.region_id)
            .order_by("name")
            .only("oktmo", "name")
        )
        if campaign
        else [],
        "directions": _directions(campaign),
        "phases": list(campaign.phases.order_by("order")) if campaign else [],
        "statuses": PUBLIC_STATUS_CHOICES,
        "sorts": SORT_CHOICES,
        "export_query": export.urlencode(),
        "campaigns": campaigns,
    }
    return render_to_string(template, context)


@dataclasses.dataclass(frozen=True)
class ProposalHead:
    """What the per-visitor parts of a proposal's page need (the support box, following)."""

    pk: int
    supports_count: int
    is_public: bool


def _detail_shared_render(pk: int) -> str:
    proposal = proposal_public_get(pk)
    if proposal is None:
        return ""
    context = {
        "proposal": proposal,
        "history": list(proposal.status_changes.all()),
        "answers": list(proposal.answers.all()),
        "attachments": list(proposal.attachments.all()),
    }
    if proposal.title:
        title = proposal.public_title
    else:
        title = _("Предложение № %(n)s") % {"n": proposal.pk}
    return json.dumps(
        {
            "pk": proposal.pk,
            "supports_count": proposal.supports_count,
            "is_public": proposal.is_public,
            "premoderated": proposal.campaign.comments_premoderated,
            "title": title,
            "description": render_to_string(
                "proposals/partials/detail_description.html", context
            ).strip(),
            "top": render_to_string("proposals/partials/detail_top.html", context),
            "bottom": render_to_string("proposals/partials/detail_bottom.html", context),
        }
    )


def proposal_detail_shared(pk: int) -> dict[str, Any] | None:
    """What a proposal's page shows the same to every visitor (signed in or not), rendered
    without the request once until a write changes proposals, the strategy or the places;
    None when the proposal is not public."""
    raw = shared_fragment(
        f"proposals:detail:{pk}", LIST_TOPICS, functools.partial(_detail_shared_render, pk)
    )
    return json.loads(raw) if raw else None


@public_page(depends=LIST_TOPICS)
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shared = proposal_detail_shared(pk)
    if shared is None:
        raise Http404(_("Предложение не найдено или ещё не опубликовано."))
    # Per visitor: their support, their comments awaiting moderation, the forms.
    supported = (
        request.user.is_authenticated
        and Support.objects.filter(proposal_id=pk, user=request.user).exists()
    )
    head = ProposalHead(
        pk=shared["pk"], supports_count=shared["supports_count"], is_public=shared["is_public"]
    )
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": head,
            "shared": shared,
            "comments": proposal_comments(pk, user=request.user),
            "supported": supported,
        },
    )


def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    """A file sent with a proposal, after the permission check (the file itself is private)."""
    try:
        found = access_attachment(request.user, proposal_id=pk, attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return private_file_response(
        found.file, filename=found.original_name, content_type=found.content_type
    )


def proposal_url(proposal: Proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    status = 200
    try:
        if request.POST.get("action") == "remove":
            proposal = support_remove(proposal=proposal, user=request.user)
            supported = False
        else:
            proposal = support_add(proposal=proposal, user=request.user)
            supported = True
        message = ""
    except DomainError as exc:
        supported = Support.objects.filter(
            proposal=proposal, user_id=getattr(request.user, "pk", None) or 0
        ).exists()
        message, status = exc.message, exc.status
    if is_htmx(request):
        return render(
            request,
            "proposals/partials/support.html",
            {"proposal": proposal, "supported": supported, "support_error": message},
        )
    if message:
        messages.error(request, message)
        response = redirect("proposals:detail", pk=proposal.pk)
        if status == 403 and not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={proposal_url(proposal)}")
        return response
    if supported:
        messages.success(request, _("Спасибо, ваша поддержка учтена."))
    return redirect("proposals:detail", pk=proposal.pk)


@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    try:
        created = comment_add(
            proposal=proposal, user=request.user, text=request.POST.get("text", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if created.status == "pending":
            messages.success(
                request, _("Комментарий отправлен и появится после проверки модератором.")
            )
        else:
            messages.success(request, _("Комментарий опубликован."))
    return redirect(reverse("proposals:detail", args=[proposal.pk]) + "#comments")


@require_POST
def comment_complaint(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Comment.objects.select_related("proposal"), pk=pk)
    try:
        comment_complain(comment=target, user=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Спасибо, модератор проверит комментарий."))
    return redirect(reverse("proposals:detail", args=[target.proposal_id]) + "#comments")


def _submit_context(campaign: Campaign, form: ProposalForm, phase: Any) -> dict[str, Any]:
    try:
        policy = policy_current(kind="personal-data")
    except NotFound:
        policy = None
    return {
        "campaign": campaign,
        "phase": phase,
        "form": form,
        "policy": policy,
        "municipalities": list(
            Municipality.objects.filter(region_id=campaign.region_id)
            .order_by("name")
            .only("name", "oktmo")
        ),
    }


def proposal_new(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    if campaign is None:
        raise Http404(_("Сейчас нет открытой кампании."))
    phase = campaign_accepts_proposals(campaign)
    directions = _directions(campaign)
    if phase is None:
        return render(request, "proposals/closed.html", {"campaign": campaign}, status=200)
    if request.method != "POST":
        initial: dict[str, Any] = {
            "started": form_token_new(),
            "phase": phase.pk,
            "direction": "unknown",
        }
        if request.user.is_authenticated:
            initial["name"] = request.user.get_full_name()
            initial["email"] = request.user.email
        form = ProposalForm(initial=initial, directions=directions)
        return render(request, "proposals/new.html", _submit_context(campaign, form, phase))
    form = ProposalForm(request.POST, directions=directions)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            author = author_data_clean(
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                age_group=data["age_group"],
                show_name=data["show_name"],
            )
            proposal = proposal_submit(
                campaign=campaign,
                text=data["text"],
                title=data["title"],
                municipality=data["municipality"],
                direction=data["direction"],
                phase_id=data["phase"],
                author=author,
                consent_given=data["consent"],
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                user=request.user,
                attachments=request.FILES.getlist("attachments"),
            )
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            if exc.field == "attachments":
                field = None
            form.add_error(field, exc.message)
            status = exc.status
        else:
            request.session["proposal_sent"] = proposal.tracking_code
            return redirect("proposals:sent", code=proposal.tracking_code)
    else:
        status = 400 if form.has_error("__all__") else 422
    fresh = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict here
    fresh["started"] = form_token_new()
    fresh["phase"] = str(phase.pk)
    form.data = fresh
    return render(
        request, "proposals/new.html", _submit_context(campaign, form, phase), status=status
    )


def similar(request: HttpRequest) -> HttpResponse:
    """The htmx partial under the text field: proposals like the one being typed."""
    campaign = _campaign(request)
    text = (request.GET.get("text") or request.POST.get("text") or "")[:2000]
    found = proposal_similar(campaign, text, 5) if campaign else []
    return render(request, "proposals/partials/similar.html", {"similar": found})


@never_cache
def sent(request: HttpRequest, code: str) -> HttpResponse:
    proposal = proposal_by_tracking(code)
    if proposal is None:
        raise Http404
    return render(
        request,
        "proposals/sent.html",
        {
            "proposal": proposal,
            "track_url": request.build_absolute_uri(
                reverse("proposals:track", args=[proposal.tracking_code])
            ),
        },
    )


@never_cache
def track(request: HttpRequest, code: str) -> HttpResponse:
    """The author's status page: needs no account, only the code from the link."""
    proposal = proposal_by_tracking(code)
    if proposal is None:
        return render(request, "proposals/track_missing.html", {"code": code[:40]}, status=404)
    response = render(
        request,
        "proposals/track.html",
        {
            "proposal": proposal,
            "history": list(proposal.status_changes.all()),
            "answers": list(proposal.answers.all()),
            "is_public": proposal.is_public,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    # The site-wide `same-origin` policy keeps the code out of cross-site referers while the
    # withdrawal form still sends its own origin, which Django's CSRF check needs
    # (`no-referrer` made Chromium send `Origin: null` and the form failed).
    return response


@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """Ask to withdraw consent: the erasure waits for the link sent to the author's e-mail."""
    proposal = proposal_by_tracking(code)
    if proposal is None:
        raise Http404
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Подтвердите отзыв согласия отметкой в форме."))
        return redirect("proposals:track", code=proposal.tracking_code)
    try:
        result = proposal_consent_withdraw_request(
            proposal=proposal, user=request.user, ip=client_ip(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if result.done:
            messages.success(
                request,
                _(
                    "Согласие отозвано, ваши персональные данные удалены. Предложение осталось без подписи."
                ),
            )
        else:
            messages.success(
                request,
                _(
                    "Мы отправили письмо со ссылкой для подтверждения на адрес, указанный при подаче "
                    "предложения. Данные будут удалены, только когда вы откроете ссылку и подтвердите."
                ),
            )
    return redirect("proposals:track", code=proposal.tracking_code)


# The signed link from the author's e-mail is the proof here, not a session: a CSRF token
# would add nothing an attacker lacks, and the page must work with `Referrer-Policy:
# no-referrer` (no Referer, `Origin: null`) in any mail client's browser.
@csrf_exempt
@never_cache
def withdraw_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what will happen (mail scanners open links: nothing is erased then), POST
    erases."""
    context: dict[str, Any] = {}
    status = 200
    try:
        if request.method == "POST":
            context["proposal"] = proposal_consent_withdraw_confirm(
                token=token, ip=client_ip(request)
            )
        else:
            context["proposal"] = proposal_by_withdrawal_token(token)
    except DomainError as exc:
        context["error"] = exc.message
        status = exc.status
    response = render(request, "proposals/withdraw_confirm.html", context, status=status)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in resident's own proposals with their status and where to follow them."""
    return render(request, "proposals/mine.html", {"proposals": proposals_of_author(request.user)})
