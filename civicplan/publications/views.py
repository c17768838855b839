"""Public pages: the news list and articles, polls, the consent banner's answer."""

from __future__ import annotations

import dataclasses
import functools
import json
from typing import Any

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicplan.core.errors import DomainError, NotFound
from civicplan.core.http import is_htmx
from civicplan.core.pagecache import (
    csrf_fill,
    csrf_placeholder,
    public_page,
    shared_fragment,
    shared_render,
)
from civicplan.core.redirects import safe_next
from civicplan.core.svg import Bar, bar_chart
from civicplan.publications import selectors, services
from civicplan.publications.exports import POLL_METHOD_NOTE, poll_results_sheets
from civicplan.publications.forms import CommentForm
from civicplan.publications.models import Article, ArticleRating, Comment, Poll
from civicplan.publications.visitor import (
    consent_apply,
    consent_state,
    device_key,
    hash_token,
    ip_key,
    is_bot,
    poll_cookie_set,
    poll_cookie_token,
    visitor_key,
)
from civicplan.reports.tabular import xlsx_response


def _safe_next(request: HttpRequest, fallback: str) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"), fallback)


def proposal_submit_url(campaign: Any) -> str:
    """Where a resident sends a proposal; the proposals app may take the campaign or not."""
    for name in ("proposals:submit", "proposals:new"):
        for args in ((), (campaign.slug,)):
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                continue
    return reverse("campaigns:detail", args=[campaign.slug])


def event_link(event: Any) -> str:
    """The page of the linked event: its own URL, or the session page of meetings."""
    if event is None:
        return ""
    if hasattr(event, "get_absolute_url"):
        return str(event.get_absolute_url())
    if event._meta.label_lower == "meetings.session" and getattr(event, "slug", ""):
        try:
            return reverse("meetings:session", args=[event.slug])
        except NoReverseMatch:
            return ""
    return ""


# Polls -------------------------------------------------------------------------------------


def _poll_voter_key(request: HttpRequest, poll: Poll) -> str | None:
    token = poll_cookie_token(request, poll.pk)
    return hash_token(token) if token else None


def poll_context(
    request: HttpRequest, poll: Poll, *, error: str = "", next_url: str = ""
) -> dict[str, Any]:
    user = request.user
    voted = selectors.poll_has_voted(poll, user=user, voter_key=_poll_voter_key(request, poll))
    return poll_block_context(
        poll,
        voted=voted,
        staff=bool(getattr(user, "is_staff", False)),
        error=error,
        next_url=next_url or request.get_full_path(),
    )


def poll_block_context(
    poll: Poll, *, voted: bool, staff: bool, next_url: str, error: str = ""
) -> dict[str, Any]:
    """What the poll block shows to a visitor who voted or not, staff or not."""
    is_open = services.poll_is_open(poll)
    show_results = voted or not is_open or staff
    context: dict[str, Any] = {
        "poll": poll,
        "voted": voted,
        "is_open": is_open,
        "show_results": show_results,
        "error": error,
        "method_note": POLL_METHOD_NOTE,
        "next_url": next_url,
    }
    if show_results:
        context.update(_results_only(poll))
    return context


@public_page(depends=("publications", "campaigns"))
def poll_list(request: HttpRequest) -> HttpResponse:
    current = list(selectors.polls_current())
    past = list(selectors.polls_past()[:50])
    return render(
        request,
        "publications/poll_list.html",
        {
            "current": [poll_context(request, p) for p in current],
            "past": [poll_context(request, p) for p in past],
        },
    )


@public_page(depends=("publications", "campaigns"))
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    poll = selectors.poll_get(pk)
    if poll is None:
        raise Http404
    return render(
        request,
        "publications/poll_detail.html",
        {"p": poll_context(request, poll), "others": selectors.poll_other_answers(poll, limit=50)},
    )


@require_POST
def poll_vote(request: HttpRequest, pk: int) -> HttpResponse:
    poll = selectors.poll_get(pk)
    if poll is None:
        raise Http404
    fallback = poll.get_absolute_url()
    next_url = _safe_next(request, fallback)
    token = poll_cookie_token(request, poll.pk) or services.new_voter_token()
    error = ""
    status = 200
    try:
        services.poll_vote(
            poll=poll,
            option_ids=request.POST.getlist("option"),
            other_text=request.POST.get("other", ""),
            user=request.user,
            voter_token=token,
            ip_key=ip_key(request),
            visitor_key=device_key(request),
            resident_confirmed=request.POST.get("resident") == "1",
        )
    except DomainError as err:
        error, status = err.message, err.status
    if is_htmx(request):
        if error:
            context = poll_context(request, poll, error=error, next_url=next_url)
        else:
            poll = selectors.poll_get(pk) or poll
            context = poll_context(request, poll, next_url=next_url)
            context.update(voted=True, show_results=True, **_results_only(poll))
        response = render(request, "publications/partials/poll.html", {"p": context})
    elif error:
        response = render(
            request,
            "publications/poll_detail.html",
            {"p": poll_context(request, poll, error=error, next_url=next_url), "others": []},
            status=status,
        )
    else:
        messages.success(request, _("Спасибо, ваш голос учтён."))
        response = HttpResponseRedirect(next_url)
    if not error and not request.user.is_authenticated:
        poll_cookie_set(response, poll.pk, token)
    return response


def _results_render(poll: Poll) -> str:
    rows = selectors.poll_results(poll)
    chart = bar_chart(
        [Bar(label=r.label, value=r.votes, note=f"({r.share:.0f}\u00a0%)") for r in rows],
        title=_("Результаты опроса: %(q)s") % {"q": poll.question},
    )
    return json.dumps({"rows": [dataclasses.asdict(r) for r in rows], "chart": str(chart)})


def _results_only(poll: Poll) -> dict[str, Any]:
    """The results are the same for everyone who may see them: computed once until a vote
    (or another write to publications) changes them."""
    raw = json.loads(
        shared_fragment(
            f"publications:poll-results:{poll.pk}",
            ("publications",),
            functools.partial(_results_render, poll),
        )
    )
    return {
        "rows": [selectors.PollResultRow(**row) for row in raw["rows"]],
        "chart": mark_safe(raw["chart"]),  # our own SVG, its texts escaped by bar_chart
    }


@staff_member_required
def poll_export(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        poll = selectors.access_poll_export(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = xlsx_response(poll_results_sheets(poll), filename=f"poll-{poll.pk}-results.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response


# Articles ----------------------------------------------------------------------------------


@require_GET
@public_page(depends=("publications", "campaigns"))
def article_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.ArticleFilters.from_query(request.GET)
    paginator = Paginator(selectors.article_list(filters), 12)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "choices": selectors.article_filter_choices(),
        "query": query.urlencode(),
        "top": selectors.top_read(),
    }
    template = (
        "publications/partials/article_list_results.html"
        if is_htmx(request)
        else "publications/article_list.html"
    )
    return render(request, template, context)


def _article_or_404(request: HttpRequest, slug: str) -> Article:
    preview = bool(request.user.is_authenticated and request.user.is_staff)
    article = selectors.article_page_get(slug, preview=preview)
    if article is None:
        raise Http404
    return article


RATING_STARS = [5, 4, 3, 2, 1]


def _rating_context(request: HttpRequest, article: Article, *, error: str = "") -> dict[str, Any]:
    # A page shared by every anonymous reader shows the form; the reader's own rating comes
    # in a fragment (`article_rating`), and without JavaScript a second rating is refused
    # with a message when posted.
    deferred = shared_render(request)
    mine = (
        None
        if deferred
        else ArticleRating.objects.filter(article=article, visitor_key=visitor_key(request))
        .values_list("value", flat=True)
        .first()
    )
    return {
        "article": article,
        "my_rating": mine,
        "rating_deferred": deferred,
        "rating_error": error,
        "stars": RATING_STARS,
    }


def _article_shared_render(request: HttpRequest, pk: int) -> str:
    """The parts of an article's page that every reader sees the same, as JSON: rendered
    without the request (no user, no cookie), CSRF tokens as the page cache's placeholder.
    The article is read here in full (the page itself reads only its own fields)."""
    article = selectors.article_for_shared_parts(pk)
    campaign = article.campaign
    proposal_phase = None
    proposal_url = ""
    if campaign is not None:
        from civicplan.campaigns.selectors import campaign_accepts_proposals

        proposal_phase = campaign_accepts_proposals(campaign)
        if proposal_phase is not None:
            proposal_url = proposal_submit_url(campaign)
    event = article.event if article.event_type_id else None
    comments = selectors.comments_published(article)
    context = {
        "article": article,
        "event": event,
        "event_url": event_link(event),
        "tags": list(article.tags.all()),
        "comments": comments,
        "related": selectors.related_articles(article),
        "top": selectors.top_read(region_id=campaign.region_id if campaign else None),
        "proposal_phase": proposal_phase,
        "proposal_url": proposal_url,
        "absolute_url": request.build_absolute_uri(article.get_absolute_url()),
        "cover_url": request.build_absolute_uri(article.cover.url) if article.cover else "",
        "csrf_token": csrf_placeholder(),
    }
    parts: dict[str, Any] = {"comments_count": len(comments)}
    for part in ("meta", "header", "comments", "related", "aside"):
        parts[part] = render_to_string(
            "publications/partials/article_shared.html", {**context, "part": part}
        )
    # The empty comment form is the same for every signed-in reader and for every anonymous
    # one (the CSRF token is the placeholder); a form with errors is rendered for its reader.
    for key, signed_in in (("comment_form_signed_in", True), ("comment_form_anonymous", False)):
        parts[key] = render_to_string(
            "publications/partials/comment_form.html",
            {
                "article": article,
                "comment_form": CommentForm(),
                "comments_count": len(comments),
                "user": {"is_authenticated": signed_in},
                "csrf_token": csrf_placeholder(),
            },
        )
    # The rating block of a reader who has not rated yet: the same for all of them.
    parts["rating_form"] = render_to_string(
        "publications/partials/rating.html",
        {
            "article": article,
            "my_rating": None,
            "rating_deferred": False,
            "rating_error": "",
            "stars": RATING_STARS,
            "csrf_token": csrf_placeholder(),
        },
    )
    return json.dumps(parts)


def _article_shared(request: HttpRequest, article: Article, is_preview: bool) -> dict[str, Any]:
    """Rendered once for every reader of a published article until a write changes news or
    campaigns; a staff preview of an unpublished one is rendered each time."""
    render_shared = functools.partial(_article_shared_render, request, article.pk)
    if is_preview:
        return dict(json.loads(render_shared()))
    name = f"publications:article:{article.pk}:{request.scheme}://{request.get_host()}"
    return dict(json.loads(shared_fragment(name, ("publications", "campaigns"), render_shared)))


def _article_page(
    request: HttpRequest,
    article: Article,
    *,
    status: int = 200,
    comment_form: CommentForm | None = None,
    comment_error: str = "",
    rating_error: str = "",
    anchor_message: str = "",
) -> HttpResponse:
    poll = article.poll if article.poll_id and article.poll.is_published else None  # type: ignore[union-attr]  # the _id check guarantees the relation
    is_preview = article.state != "published" or article.publish_at > timezone.now()
    shared = _article_shared(request, article, is_preview)
    shared_comment_form = ""
    if comment_form is None and not comment_error:
        signed_in = bool(request.user.is_authenticated)
        shared_comment_form = shared.get(
            "comment_form_signed_in" if signed_in else "comment_form_anonymous", ""
        )
    rating = _rating_context(request, article, error=rating_error)
    shared_rating = ""
    if not rating["rating_deferred"] and rating["my_rating"] is None and not rating_error:
        shared_rating = shared.get("rating_form", "")
    context = {
        "article": article,
        "shared": shared,
        "shared_comment_form": shared_comment_form,
        "shared_rating": shared_rating,
        "comment_form": comment_form or CommentForm(),
        "comment_error": comment_error,
        "poll_block": poll_context(request, poll) if poll else None,
        "is_preview": is_preview,
        "anchor_message": anchor_message,
        **rating,
    }
    response = render(request, "publications/article_detail.html", context, status=status)
    return csrf_fill(request, response)


def _article_view_count(request: HttpRequest, article: Article) -> None:
    if article.state == "published" and article.publish_at <= timezone.now():
        services.article_view_record(
            article=article,
            visitor_key=visitor_key(request, day=timezone.localdate()),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )


def _article_view_count_cached(request: HttpRequest, slug: str) -> None:
    """A reader served from the page cache is counted as well (robots without a query)."""
    if is_bot(request.META.get("HTTP_USER_AGENT", "")):
        return
    article = selectors.article_page_get(slug)
    if article is not None:
        _article_view_count(request, article)


@require_GET
@public_page(on_hit=_article_view_count_cached, depends=("publications", "campaigns"))
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_or_404(request, slug)
    _article_view_count(request, article)
    return _article_page(request, article)


@require_GET
def article_rating(request: HttpRequest, slug: str) -> HttpResponse:
    """The rating block for this reader (their own rating, if any): loaded by cached pages."""
    article = _article_or_404(request, slug)
    response = render(
        request, "publications/partials/rating.html", _rating_context(request, article)
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@require_POST
def article_rate(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_or_404(request, slug)
    error = ""
    status = 200
    try:
        services.article_rate(
            article=article,
            visitor_key=visitor_key(request),
            value=request.POST.get("value"),
            ip_key=ip_key(request),
        )
    except DomainError as err:
        error, status = err.message, err.status
    if is_htmx(request):
        return render(
            request,
            "publications/partials/rating.html",
            _rating_context(request, article, error=error),
        )
    if error:
        return _article_page(request, article, status=status, rating_error=error)
    messages.success(request, _("Спасибо за оценку!"))
    return HttpResponseRedirect(article.get_absolute_url() + "#rating")


@require_POST
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    from civicplan.accounts.services import client_ip

    article = _article_or_404(request, slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _article_page(
            request,
            article,
            status=422,
            comment_form=form,
            comment_error=_("Проверьте поля формы."),
        )
    try:
        services.comment_submit(
            article=article,
            author_name=form.cleaned_data["author_name"],
            text=form.cleaned_data["text"],
            user=request.user,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            consent_given=form.cleaned_data["consent"],
        )
    except DomainError as err:
        return _article_page(
            request, article, status=err.status, comment_form=form, comment_error=err.message
        )
    messages.success(
        request,
        _("Спасибо! Комментарий появится после проверки модератором."),
    )
    return HttpResponseRedirect(article.get_absolute_url() + "#comments")


@require_POST
def comment_complain(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    back = comment.article.get_absolute_url() + "#comments"
    try:
        services.comment_complain(
            comment=comment,
            visitor_key=visitor_key(request),
            reason=request.POST.get("reason", ""),
            ip_key=ip_key(request),
        )
    except DomainError as err:
        if is_htmx(request):
            return HttpResponse(err.message)
        messages.error(request, err.message)
        return HttpResponseRedirect(back)
    text = _("Жалоба отправлена модератору. Спасибо!")
    if is_htmx(request):
        return HttpResponse(text)
    messages.success(request, text)
    return HttpResponseRedirect(back)


# Consent -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def cookie_settings(request: HttpRequest) -> HttpResponse:
    """The banner posts here; the same page lets a visitor change the answer later."""
    from civicplan.accounts.services import client_ip

    if request.method == "GET":
        return render(
            request,
            "publications/cookie_settings.html",
            {"state": consent_state(request), "next": _safe_next(request, "/")},
        )
    choice = request.POST.get("choice")
    if choice not in {"accept", "refuse"}:
        return render(
            request,
            "publications/cookie_settings.html",
            {
                "state": consent_state(request),
                "next": _safe_next(request, "/"),
                "error": _("Выберите «Принять» или «Отказаться»."),
            },
            status=422,
        )
    accepted = choice == "accept"
    state = consent_state(request)
    services.cookie_consent_record(
        accepted=accepted,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        user=request.user,
    )
    text = (
        _("Спасибо! Вы разрешили cookie для подсчёта посещений.")
        if accepted
        else _("Вы отказались от cookie для подсчёта посещений. Мы их не устанавливаем.")
    )
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse({"accepted": accepted, "message": text})
    else:
        messages.info(request, text)
        response = HttpResponseRedirect(_safe_next(request, "/"))
    consent_apply(response, accepted=accepted, version=state.version)
    return response
