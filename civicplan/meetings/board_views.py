"""Pages of the live idea board: joining, the participant's board, the moderator's view,
the results screen for the room and the QR code."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicplan.accounts.services import client_ip, ip_hash
from civicplan.core.errors import DomainError, NotFound, RateLimited
from civicplan.core.http import is_htmx
from civicplan.meetings import selectors
from civicplan.meetings.forms import (
    BoardControlForm,
    ClusterForm,
    IdeaEditForm,
    IdeaForm,
    JoinCodeForm,
    MeasureForm,
    NicknameForm,
    ResolutionForm,
)
from civicplan.meetings.models import BoardMember, BoardState, Idea, Resolution, Section, VotingMode
from civicplan.meetings.services import board, outcomes
from civicplan.meetings.services.board import IdeaResult

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


def _board_context(section: Section, member: BoardMember) -> dict[str, Any]:
    context: dict[str, Any] = {"section": section, "member": member}
    if section.board_state == BoardState.VOTING:
        if section.voting_mode == VotingMode.DOTS:
            used = board.dots_used(section, member)
            context["ideas"] = list(board.active_ideas(section).order_by("kind", "pk"))
            context["used"] = used
            context["dots_left"] = max(0, section.dots_per_member - len(used))
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
        if action == "dot":
            board.dot_vote_cast(section=section, member=member, idea_id=_int(request.POST, "idea"))
            messages.success(request, _("Голос учтён."))
        elif action == "undot":
            board.dot_vote_withdraw(
                section=section, member=member, idea_id=_int(request.POST, "idea")
            )
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


def _screen_context(request: HttpRequest, section: Section) -> dict[str, Any]:
    results = board.section_results(section)
    top = results[:12]
    from civicplan.core.svg import Bar, bar_chart
    from civicplan.meetings.report import KIND_COLORS

    chart = bar_chart(
        [Bar(label=r.idea.text, value=r.value, color=KIND_COLORS.get(r.idea.kind)) for r in top],
        title=_("Приоритеты секции"),
        unit=(_("балл"), _("балла"), _("баллов"))
        if section.voting_mode == VotingMode.PAIRWISE
        else (_("голос"), _("голоса"), _("голосов")),
        width=960,
        label_width=420,
        bar_height=30,
    )
    return {
        "section": section,
        "results": top,
        "ideas_count": len(results),
        "counts": board.section_vote_counts(section),
        "chart": chart,
        "join_url": request.build_absolute_uri(reverse("meetings:board_join", args=[section.code])),
    }


@_code_throttled
def screen(request: HttpRequest, code: str) -> HttpResponse:
    """The results screen for the room: code, QR, the ranking; refreshes by itself."""
    section = _section(request, code)
    version = board.board_version(section)
    if is_htmx(request) and request.GET.get("v") == version:
        return HttpResponse(status=204)
    context = _screen_context(request, section)
    context["version"] = version
    if is_htmx(request):
        return render(request, "meetings/partials/screen_results.html", context)
    return render(request, "meetings/screen.html", context)


# --- the moderator -------------------------------------------------------------------------


def _moderated_section(request: HttpRequest, slug: str, pk: int) -> Section:
    section = get_object_or_404(
        Section.objects.select_related("session", "session__campaign", "direction"),
        pk=pk,
        session__slug=slug,
    )
    if not selectors.can_moderate_section(request.user, section):
        raise PermissionDenied
    return section


def _feed_context(section: Section, *, suggestions: bool = True) -> dict[str, Any]:
    ideas = list(
        Idea.objects.filter(section=section)
        .select_related("member", "cluster", "merged_into")
        .order_by("-created_at", "-pk")
    )
    results = {r.idea.pk: r for r in board.section_results(section)}
    active = [i for i in ideas if i.is_active]
    clusters = list(section.clusters.all())
    grouped = []
    for cluster in [*clusters, None]:
        members = [i for i in active if i.cluster_id == (cluster.pk if cluster else None)]
        if members or cluster is not None:
            grouped.append({"cluster": cluster, "ideas": members})
    return {
        "section": section,
        "grouped": grouped,
        "merged": [i for i in ideas if i.merged_into_id is not None],
        "hidden": [i for i in ideas if i.is_hidden and i.merged_into_id is None],
        "results": results,
        "active_count": len(active),
        "total_count": len(ideas),
        "counts": board.section_vote_counts(section),
        "suggestions": board.merge_suggestions(section) if suggestions else [],
    }


def moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    section = _moderated_section(request, slug, pk)
    if is_htmx(request) and request.GET.get("feed"):
        version = board.board_version(section)
        if request.GET.get("v") == version:
            return HttpResponse(status=204)
        return render(
            request,
            "meetings/partials/moderate_feed.html",
            {**_feed_context(section), "version": version},
        )
    if request.method == "POST":
        try:
            _moderate_action(request, section)
        except DomainError as exc:
            messages.error(request, exc.message)
        target = reverse("meetings:moderate", args=[slug, pk])
        return redirect(
            target + ("#resolutions" if "resolution" in request.POST.get("action", "") else "")
        )
    context = _feed_context(section)
    context["version"] = board.board_version(section)
    edit = None
    edit_form = None
    active = board.active_ideas(section).order_by("pk")
    if request.GET.get("edit"):
        edit = Idea.objects.filter(section=section, pk=_int(request.GET, "edit")).first()
        if edit is not None:
            edit_form = IdeaEditForm(
                prefix="edit",
                initial={"text": edit.text, "kind": edit.kind, "cluster": edit.cluster_id},
                clusters=section.clusters.all(),
                ideas=active.exclude(pk=edit.pk),
            )
    merge_ideas = _merge_pick(request, section)
    strategy = section.session.campaign.strategy
    directions = strategy.directions.all() if strategy else []
    context.update(
        {
            "merge_ideas": merge_ideas,
            "picked": {r.idea.pk for r in merge_ideas},
            "session": section.session,
            "control_form": BoardControlForm(
                initial={
                    "board_state": section.board_state,
                    "voting_mode": section.voting_mode,
                    "dots_per_member": section.dots_per_member,
                }
            ),
            "edit": edit,
            "edit_form": edit_form,
            "cluster_form": ClusterForm(prefix="cluster"),
            "resolution_form": ResolutionForm(
                prefix="resolution",
                initial={"direction": section.direction_id},
                directions=directions,
                ideas=active,
            ),
            "resolutions": list(
                section.resolutions.select_related("direction", "proposal", "idea")
            ),
            "measures_available": _measures_available(),
        }
    )
    return render(request, "meetings/moderate.html", context)


def _merge_pick(request: HttpRequest, section: Section) -> list[IdeaResult]:
    """The ideas the moderator ticked to merge (`?merge=…`), the most supported first: he
    chooses which wording stays. Fewer than two active ideas — a message, no form."""
    picked = {_int({"v": v}, "v") for v in request.GET.getlist("merge")} - {0}
    if not picked:
        return []
    results = [r for r in board.section_results(section) if r.idea.pk in picked]
    if len(results) < 2:
        messages.error(request, _("Отметьте хотя бы две идеи на доске, чтобы объединить их."))
        return []
    return results


def _measures_available() -> bool:
    from django.apps import apps

    try:
        apps.get_model("strategy", "Measure")
    except LookupError:
        return False
    return True


def _moderate_action(request: HttpRequest, section: Section) -> None:
    data = request.POST
    action = data.get("action")
    if action == "control":
        form: forms.Form = BoardControlForm(data)
        if not form.is_valid():
            messages.error(request, _("Проверьте настройки доски."))
            return
        board.section_board_update(section=section, **form.cleaned_data)
        messages.success(request, _("Настройки доски сохранены."))
    elif action in ("hide", "show"):
        idea = get_object_or_404(Idea, section=section, pk=_int(data, "idea"))
        board.idea_hide(idea=idea, hidden=action == "hide")
    elif action == "merge":
        idea = get_object_or_404(Idea, section=section, pk=_int(data, "idea"))
        into = get_object_or_404(Idea, section=section, pk=_int(data, "into"))
        board.idea_merge(idea=idea, into=into)
        messages.success(request, _("Идеи объединены."))
    elif action == "merge_ideas":
        ids = {_int({"v": v}, "v") for v in data.getlist("ideas")} - {0}
        chosen = data.get("survivor", "")
        ideas = list(Idea.objects.filter(section=section, pk__in=ids))
        survivor = next((i for i in ideas if str(i.pk) == chosen), None)
        if survivor is None:
            messages.error(request, _("Выберите формулировку, которая останется."))
            return
        merged = board.ideas_merge(
            section=section, ideas=ideas, survivor=survivor, text=data.get("text", "")
        )
        messages.success(
            request,
            _("Объединено идей: %(n)d. Осталась «%(text)s».")
            % {"n": len(ideas), "text": merged.text[:80]},
        )
    elif action == "unmerge":
        idea = get_object_or_404(Idea, section=section, pk=_int(data, "idea"))
        board.idea_unmerge(idea=idea)
    elif action == "edit":
        idea = get_object_or_404(Idea, section=section, pk=_int(data, "idea"))
        form = IdeaEditForm(
            data,
            prefix="edit",
            clusters=section.clusters.all(),
            ideas=board.active_ideas(section).exclude(pk=idea.pk),
        )
        if not form.is_valid():
            messages.error(request, _("Проверьте формулировку идеи."))
            return
        board.idea_edit(idea=idea, text=form.cleaned_data["text"], kind=form.cleaned_data["kind"])
        cluster = section.clusters.filter(pk=form.cleaned_data["cluster"]).first()
        board.idea_cluster_set(idea=idea, cluster=cluster)
        if form.cleaned_data["merge_into"]:
            into = get_object_or_404(Idea, section=section, pk=form.cleaned_data["merge_into"])
            board.idea_merge(idea=idea, into=into)
        messages.success(request, _("Идея сохранена."))
    elif action == "cluster":
        form = ClusterForm(data, prefix="cluster")
        if form.is_valid():
            board.cluster_create(section=section, title=form.cleaned_data["title"])
            messages.success(request, _("Группа идей создана."))
    elif action == "resolution":
        strategy = section.session.campaign.strategy
        directions = strategy.directions.all() if strategy else []
        form = ResolutionForm(
            data,
            prefix="resolution",
            directions=directions,
            ideas=board.active_ideas(section).order_by("pk"),
        )
        if not form.is_valid():
            messages.error(request, _("Заполните заголовок, формулировку и направление."))
            return
        d = form.cleaned_data
        outcomes.resolution_create(
            section=section,
            title=d["title"],
            text=d["text"],
            direction=next((x for x in directions if x.pk == d["direction"]), None),
            idea=Idea.objects.filter(section=section, pk=d["idea"]).first() if d["idea"] else None,
        )
        messages.success(request, _("Резолюция добавлена."))
    elif action == "resolutions_publish":
        n = outcomes.section_resolutions_publish(section=section)
        messages.success(
            request,
            _("Резолюции переданы в кампанию как предложения: %(n)d.") % {"n": n},
        )
    elif action == "resolution_measure":
        resolution = get_object_or_404(Resolution, section=section, pk=_int(data, "resolution"))
        form = MeasureForm(data)
        if not form.is_valid():
            messages.error(request, _("Укажите исполнителя и сроки мероприятия."))
            return
        measure = outcomes.resolution_to_measure(
            resolution=resolution, actor=request.user, **form.cleaned_data
        )
        messages.success(request, _("Создан проект мероприятия %(code)s.") % {"code": measure.code})
    else:
        messages.error(request, _("Неизвестное действие."))
