"""The moderator's page of a live idea board: the feed of ideas (polled), merging, hiding,
groups, the board's settings and the section's resolutions."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from civicplan.core.errors import DomainError
from civicplan.core.http import is_htmx
from civicplan.meetings import board_results, selectors
from civicplan.meetings.board_views import _int
from civicplan.meetings.forms import (
    BoardControlForm,
    ClusterForm,
    IdeaEditForm,
    MeasureForm,
    ResolutionForm,
)
from civicplan.meetings.models import Idea, Resolution, Section
from civicplan.meetings.services import board, outcomes
from civicplan.meetings.services.board import IdeaResult
from civicplan.meetings.templatetags.board_tags import idea_votes


def _moderated_section(request: HttpRequest, slug: str, pk: int) -> Section:
    section = get_object_or_404(
        Section.objects.select_related("session", "session__campaign", "direction"),
        pk=pk,
        session__slug=slug,
    )
    if not selectors.can_moderate_section(request.user, section):
        raise PermissionDenied
    return section


def _feed_context(
    section: Section, *, suggestions: bool = True, votes: bool = True
) -> dict[str, Any]:
    """What the feed shows; `votes=False`: without the votes (the feed's slots for them)."""
    ideas = list(
        Idea.objects.filter(section=section)
        .select_related("member", "cluster", "merged_into")
        .order_by("-created_at", "-pk")
    )
    results = {r.idea.pk: r for r in board_results.cached_section_results(section)} if votes else {}
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
        "counts": board_results.cached_vote_counts(section) if votes else {},
        "suggestions": board.merge_suggestions(section) if suggestions else [],
        "vote_slots": not votes,
    }


_CSRF_SLOT = "csrf-slot-of-the-request"
_VERSION_SLOT = "version-slot-of-the-feed"
_COUNTS_SLOT = "<!--feed-counts-->"
_VOTES_SLOT = re.compile(r"<!--votes:(\d+)-->")


def _moderate_feed(request: HttpRequest, section: Section, version: str) -> str:
    """The moderator's feed as his page polls it: the same for each moderator of the
    section, so rendered once per version of the board with an empty slot where each
    request puts its own CSRF token (never one moderator's token in another's page).

    While a room votes the votes change every second and the ideas seldom: the ideas (600 of
    them, with the duplicate suggestions: about 150 ms) are rendered once per version of the
    ideas, with a slot for each idea's votes, and after a vote only the votes are put in."""

    def render_ideas() -> str:
        context = {
            **_feed_context(section, votes=False),
            "version": _VERSION_SLOT,
            "csrf_token": _CSRF_SLOT,
        }
        return render_to_string("meetings/partials/moderate_feed.html", context)

    def render_feed() -> str:
        ideas = board_results.cached_fragment(
            section, "moderate-feed-ideas", render_ideas, votes=False
        )
        results = {r.idea.pk: r for r in board_results.cached_section_results(section)}
        mode = section.voting_mode
        counts = render_to_string(
            "meetings/partials/moderate_feed_counts.html",
            {"counts": board_results.cached_vote_counts(section)},
        )
        return (
            _VOTES_SLOT.sub(
                lambda slot: conditional_escape(idea_votes(results.get(int(slot[1])), mode)),
                ideas,
            )
            .replace(_COUNTS_SLOT, counts, 1)
            .replace(_VERSION_SLOT, version)
        )

    feed = board_results.cached_fragment(section, "moderate-feed", render_feed)
    return mark_safe(feed.replace(_CSRF_SLOT, get_token(request)))


def moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    section = _moderated_section(request, slug, pk)
    if is_htmx(request) and request.GET.get("feed"):
        version = board.board_version(section)
        if request.GET.get("v") == version:
            return HttpResponse(status=204)
        return HttpResponse(_moderate_feed(request, section, version))
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
