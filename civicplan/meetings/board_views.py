"""Pages of the live idea board: joining, the participant's board, the moderator's view,
the results screen for the room and the QR code."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicplan.accounts.services import client_ip, ip_hash
from civicplan.core.errors import DomainError, NotFound, RateLimited
from civicplan.core.http import is_htmx
from civicplan.meetings import board_results
from civicplan.meetings.forms import (
    IdeaForm,
    JoinCodeForm,
    NicknameForm,
)
from civicplan.meetings.models import BoardMember, BoardState, Idea, Section, VotingMode
from civicplan.meetings.services import board

COOKIE_PREFIX = "cp_board_"


def _cookie_name(section: Section) -> str:
    return f"{COOKIE_PREFIX}{section.session_id}"


def _session_slot(section: Section) -> str:
    return f"board_member_{section.session_id}"


def _member(request: HttpRequest, section: Section) -> BoardMember | None:
    """The participant of this browser: his cookie, or else his browser session."""
    for token in (
        request.COOKIES.get(_cookie_name(section)),
        request.session.get(_session_slot(section)),
    ):
        if not token:
            continue
        try:
            return board.member_from_token(token, section=section)
        except DomainError:
            continue
    return None


class CodeLookupsBlocked(Exception):
    """Too many wrong board codes from one address."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _section(request: HttpRequest, code: str) -> Section:
    try:
        return board.section_by_code(code, ip_key=ip_hash(client_ip(request)))
    except NotFound as exc:
        from django.http import Http404

        raise Http404(exc.message) from exc
    except RateLimited as exc:
        raise CodeLookupsBlocked(exc.message) from exc


def _code_throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An address that scanned board codes gets 429 with the reason, not the board."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except CodeLookupsBlocked as exc:
            response = render(
                request,
                "meetings/join.html",
                {"form": JoinCodeForm(), "blocked": exc.message},
                status=429,
            )
            response["Retry-After"] = str(board.CODE_MISS_WINDOW)
            return response

    return wrapper


@_code_throttled
def join(request: HttpRequest) -> HttpResponse:
    """Enter the code shown on the screen."""
    form = JoinCodeForm(request.GET or None)
    if request.GET and form.is_valid():
        try:
            section = board.section_by_code(
                form.cleaned_data["code"], ip_key=ip_hash(client_ip(request))
            )
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            return redirect("meetings:board_join", code=section.code)
    return render(request, "meetings/join.html", {"form": form})


@_code_throttled
def board_join(request: HttpRequest, code: str) -> HttpResponse:
    section = _section(request, code)
    member = _member(request, section)
    if member is not None:
        if request.method == "POST":
            _tell_already_joined(request, member)
        return _joined(request, section, board.member_token(member))
    form = NicknameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.session.session_key:
            request.session.save()
        try:
            member, token = board.board_join(
                section=section,
                nickname=form.cleaned_data["nickname"],
                ip_key=ip_hash(client_ip(request)),
                device_key=board.device_key_for(request.session.session_key),
            )
        except DomainError as exc:
            form.add_error("nickname" if exc.field == "nickname" else None, exc.message)
        else:
            if member.nickname != " ".join(form.cleaned_data["nickname"].split()):
                _tell_already_joined(request, member)
            return _joined(request, section, token)
    return render(request, "meetings/board_join.html", {"section": section, "form": form})


def _tell_already_joined(request: HttpRequest, member: BoardMember) -> None:
    messages.info(
        request,
        _("С этого браузера вы уже подключены к доске как «%(name)s».") % {"name": member.nickname},
    )


def _joined(request: HttpRequest, section: Section, token: str) -> HttpResponse:
    """To the board, with the member's pass in the cookie and in the browser session."""
    request.session[_session_slot(section)] = token
    response = redirect("meetings:board", code=section.code)
    response.set_cookie(
        _cookie_name(section),
        token,
        max_age=board.TOKEN_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def _vote_items(section: Section) -> list[tuple[int, dict[str, str]]]:
    """Each active idea's line of the dot-voting list, rendered once per version of the
    board's ideas in its three forms («Голосую», «Забрать голос», no button). Shared by all
    participants: the line holds no token and nothing of a participant (the form's CSRF token
    and his choice of form are added per request in `_board_context`)."""
    item = get_template("meetings/partials/vote_item.html")

    def render() -> list[tuple[int, dict[str, str]]]:
        ideas = board.active_ideas(section).order_by("kind", "pk")
        return [
            (
                idea.pk,
                {
                    state: item.render({"idea": idea, "state": state})
                    for state in ("dot", "undot", "none")
                },
            )
            for idea in ideas
        ]

    return board_results.cached_fragment(section, "vote-items", render, votes=False)


def _board_context(section: Section, member: BoardMember) -> dict[str, Any]:
    context: dict[str, Any] = {"section": section, "member": member}
    if section.board_state == BoardState.VOTING:
        if section.voting_mode == VotingMode.DOTS:
            used = board.dots_used(section, member)
            dots_left = max(0, section.dots_per_member - len(used))
            spare = "dot" if dots_left else "none"
            context["vote_items"] = mark_safe(
                "".join(
                    forms_["undot" if pk in used else spare] for pk, forms_ in _vote_items(section)
                )
            )
            context["used"] = used
            context["dots_left"] = dots_left
        elif section.voting_mode == VotingMode.PAIRWISE:
            context["pair"] = board.pair_next(section=section, member=member)
    context["my_ideas"] = list(
        Idea.objects.filter(section=section, member=member)
        .select_related("merged_into")
        .order_by("-created_at")
    )
    return context


@_code_throttled
def board_page(request: HttpRequest, code: str) -> HttpResponse:
    section = _section(request, code)
    member = _member(request, section)
    if member is None:
        return redirect("meetings:board_join", code=section.code)
    form = IdeaForm()
    similar: list[tuple[Idea, float]] = []
    if request.method == "POST":
        form = IdeaForm(request.POST)
        if form.is_valid():
            similar = _unseen_similar(request, section, form.cleaned_data["text"])
        if form.is_valid() and not similar:
            try:
                board.idea_post(
                    section=section,
                    member=member,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                )
            except DomainError as exc:
                form.add_error("text" if exc.field == "text" else None, exc.message)
            else:
                messages.success(request, _("Идея отправлена модератору. Спасибо!"))
                return redirect("meetings:board", code=section.code)
    form.fields["text"].widget.attrs.update(
        {
            "hx-get": reverse("meetings:board_similar", args=[section.code]),
            "hx-trigger": "input changed delay:600ms",
            "hx-target": "#similar-ideas",
            "hx-swap": "outerHTML",
            "aria-describedby": "similar-ideas",
        }
    )
    context = _board_context(section, member)
    context["form"] = form
    context["similar"] = similar
    context["similar_checked"] = request.method == "POST"
    return render(request, "meetings/board.html", context)


def _unseen_similar(request: HttpRequest, section: Section, text: str) -> list[tuple[Idea, float]]:
    """Ideas like the one being posted that the participant has not been shown yet (the
    typing hint lists the ones it showed in `seen`; «Всё равно отправить» sends `confirm`)."""
    if request.POST.get("confirm"):
        return []
    seen = {_int({"v": v}, "v") for v in request.POST.getlist("seen")}
    found = board.similar_ideas(section, text)
    return found if any(idea.pk not in seen for idea, _score in found) else []


@_code_throttled
def board_similar(request: HttpRequest, code: str) -> HttpResponse:
    """While a participant types an idea: the ideas already on the board that say the same
    (an htmx fragment; without JS the same list appears when he sends the idea)."""
    section = _section(request, code)
    member = _member(request, section)
    similar: list[tuple[Idea, float]] = []
    if member is not None and section.board_state == BoardState.IDEAS:
        similar = board.similar_ideas(section, request.GET.get("text", "")[: board.IDEA_MAX])
    return render(
        request,
        "meetings/partials/similar_ideas.html",
        {"section": section, "similar": similar, "typing": True},
    )


@_code_throttled
def board_status(request: HttpRequest, code: str) -> HttpResponse:
    """Polled by the participant's page: tells htmx to reload when the moderator switched
    the board to another stage."""
    section = _section(request, code)
    response = HttpResponse(status=200)
    if (
        request.GET.get("state") != section.board_state
        or request.GET.get("mode") != section.voting_mode
    ):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@_code_throttled
def board_vote(request: HttpRequest, code: str) -> HttpResponse:
    section = _section(request, code)
    member = _member(request, section)
    try:
        if member is None:
            member = board.member_from_token(None)
        action = request.POST.get("action")
        idea_id = _int(request.POST, "idea")
        for name in ("dot", "undot"):  # the list's buttons: name = action, value = idea
            if request.POST.get(name):
                action, idea_id = name, _int(request.POST, name)
        if action == "dot":
            board.dot_vote_cast(section=section, member=member, idea_id=idea_id)
            messages.success(request, _("Голос учтён."))
        elif action == "undot":
            board.dot_vote_withdraw(section=section, member=member, idea_id=idea_id)
            messages.success(request, _("Голос возвращён."))
        elif action == "pair":
            board.pair_vote_cast(
                section=section,
                member=member,
                ticket=request.POST.get("ticket", ""),
                winner_id=_int(request.POST, "winner"),
            )
        else:
            messages.error(request, _("Неизвестное действие."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("meetings:board", code=section.code)


def _int(data: Any, key: str) -> int:
    try:
        return int(data.get(key, ""))
    except (TypeError, ValueError):
        return 0


@_code_throttled
def board_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The join link as an SVG QR code."""
    import qrcode
    import qrcode.image.svg

    section = _section(request, code)
    url = request.build_absolute_uri(reverse("meetings:board_join", args=[section.code]))
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _screen_results(section: Section, version: str) -> str:
    """The ranking part of the room's screen: the same for every screen and phone, so it is
    rendered once per version of the board."""

    def render_results() -> str:
        results = board_results.cached_section_results(section)
        top = results[:12]
        from civicplan.core.svg import Bar, bar_chart
        from civicplan.meetings.report import KIND_COLORS

        chart = bar_chart(
            [
                Bar(label=r.idea.public_text, value=r.value, color=KIND_COLORS.get(r.idea.kind))
                for r in top
            ],
            title=_("Приоритеты секции"),
            unit=(_("балл"), _("балла"), _("баллов"))
            if section.voting_mode == VotingMode.PAIRWISE
            else (_("голос"), _("голоса"), _("голосов")),
        )
        return render_to_string(
            "meetings/partials/screen_results.html",
            {
                "section": section,
                "results": top,
                "ideas_count": len(results),
                "counts": board_results.cached_vote_counts(section),
                "chart": chart,
                "version": version,
            },
        )

    return mark_safe(board_results.cached_fragment(section, "screen-results", render_results))


@_code_throttled
def screen(request: HttpRequest, code: str) -> HttpResponse:
    """The results screen for the room: code, QR, the ranking; refreshes by itself."""
    section = _section(request, code)
    version = board.board_version(section)
    if is_htmx(request) and request.GET.get("v") == version:
        return HttpResponse(status=204)
    results = _screen_results(section, version)
    if is_htmx(request):
        return HttpResponse(results)
    return render(
        request,
        "meetings/screen.html",
        {
            "section": section,
            "screen_results": results,
            "join_url": request.build_absolute_uri(
                reverse("meetings:board_join", args=[section.code])
            ),
        },
    )
