"""Staff pages: the strategy editor creates a draft, imports a DOCX, edits and links
paragraphs, publishes a version and starts the next; moderators work the comment queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicplan.campaigns.models import Campaign
from civicplan.core.errors import DomainError
from civicplan.core.models import Job
from civicplan.drafts.forms import (
    DraftForm,
    ImportForm,
    LinksForm,
    ModerateForm,
    ParagraphForm,
    PublishForm,
)
from civicplan.drafts.importing import JOB_KIND, version_import_start
from civicplan.drafts.models import (
    Draft,
    DraftComment,
    DraftParagraph,
    DraftSection,
    DraftVersion,
)
from civicplan.drafts.selectors import moderation_queue, reading
from civicplan.drafts.services import (
    comment_moderate,
    discussion_phase,
    draft_create,
    moderator_scope_allows,
    paragraph_edit,
    paragraph_links_set,
    section_edit,
    version_create_next,
    version_delete,
    version_publish,
)
from civicplan.strategy.models import KPI, Direction, Goal, Measure, Strategy
from civicplan.strategy.services import strategy_can_edit


def _editor_or_403(request: HttpRequest, strategy: Strategy) -> None:
    if not strategy_can_edit(user=request.user, strategy=strategy):
        raise PermissionDenied(_("Проект стратегии редактируют редакторы стратегии региона."))


@login_required
def staff(request: HttpRequest) -> HttpResponse:
    """The editor's list of drafts and the form for a new one."""
    strategies = [
        s for s in Strategy.objects.all() if strategy_can_edit(user=request.user, strategy=s)
    ]
    if not strategies:
        raise PermissionDenied(_("Проект стратегии редактируют редакторы стратегии региона."))
    campaigns = list(
        Campaign.objects.filter(strategy__in=strategies)
        .select_related("strategy")
        .order_by("-starts_on")
    )
    form = DraftForm(request.POST or None, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        campaign = next(c for c in campaigns if str(c.pk) == form.cleaned_data["campaign"])
        try:
            draft = draft_create(
                strategy=campaign.strategy,  # type: ignore[arg-type]  # filtered above
                campaign=campaign,
                title=form.cleaned_data["title"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("drafts:manage", pk=draft.pk)
    drafts = Draft.objects.filter(strategy__in=strategies).select_related("campaign")
    return render(request, "drafts/staff/list.html", {"drafts": drafts, "form": form})


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """One draft: its versions, the DOCX import with its progress and report, publishing."""
    draft = get_object_or_404(Draft.objects.select_related("strategy", "campaign"), pk=pk)
    _editor_or_403(request, draft.strategy)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = version_import_start(
                draft=draft, upload=upload, name=upload.name, actor=request.user
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect(f"{reverse('drafts:manage', args=[pk])}?job={job.pk}")
    shown: Job | None = None
    job_id = request.GET.get("job", "")
    if job_id.isdigit():
        shown = Job.objects.filter(pk=int(job_id), kind=JOB_KIND, params__draft_id=draft.pk).first()
    result = shown.result if shown is not None and shown.state == Job.State.SUCCEEDED else None
    versions = list(draft.versions.order_by("-number"))
    unpublished = next((v for v in versions if v.status == "draft"), None)
    phase = discussion_phase(draft.campaign)
    publish_form = PublishForm(
        initial={
            "discussion_opens": phase.starts_on if phase else None,
            "discussion_closes": phase.ends_on if phase else None,
        }
    )
    return render(
        request,
        "drafts/staff/manage.html",
        {
            "draft": draft,
            "form": form,
            "job": shown,
            "result": result,
            "versions": versions,
            "unpublished": unpublished,
            "phase": phase,
            "publish_form": publish_form,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def version_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    version = get_object_or_404(DraftVersion.objects.select_related("draft__strategy"), pk=pk)
    _editor_or_403(request, version.draft.strategy)
    try:
        if action == "publish":
            form = PublishForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Укажите даты обсуждения в формате ДД.ММ.ГГГГ."))
                return redirect("drafts:manage", pk=version.draft_id)
            version_publish(
                version=version,
                actor=request.user,
                opens=form.cleaned_data["discussion_opens"],
                closes=form.cleaned_data["discussion_closes"],
            )
            messages.success(
                request,
                _("Редакция %(n)s опубликована и открыта для обсуждения.") % {"n": version.number},
            )
        elif action == "next":
            created = version_create_next(draft=version.draft, actor=request.user)
            messages.success(
                request,
                _("Создана редакция %(n)s — копия предыдущей. Исправьте пункты и опубликуйте её.")
                % {"n": created.number},
            )
            return redirect("drafts:version_edit", pk=created.pk)
        elif action == "delete":
            version_delete(version=version, actor=request.user)
            messages.success(request, _("Неопубликованная редакция удалена."))
        else:
            raise PermissionDenied
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("drafts:manage", pk=version.draft_id)


@login_required
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor's view of a version: every paragraph with its links and an edit link."""
    version = get_object_or_404(
        DraftVersion.objects.select_related("draft__strategy", "draft__campaign"), pk=pk
    )
    _editor_or_403(request, version.draft.strategy)
    return render(
        request,
        "drafts/staff/version.html",
        {
            "version": version,
            "draft": version.draft,
            "reading": reading(version, with_links=True),
        },
    )


def _choices(strategy: Strategy) -> dict[str, list[tuple[str, str]]]:
    return {
        "directions": [
            (str(d.pk), d.title)
            for d in Direction.objects.filter(strategy=strategy).order_by("order")
        ],
        "goals": [
            (str(g.pk), g.title)
            for g in Goal.objects.filter(direction__strategy=strategy).order_by(
                "direction__order", "order"
            )
        ],
        "kpis": [
            (str(k.pk), str(k))
            for k in KPI.objects.filter(goal__direction__strategy=strategy).order_by("pk")
        ],
        "measures": [
            (str(m.pk), str(m)) for m in Measure.objects.filter(strategy=strategy).order_by("pk")
        ],
    }


@login_required
def paragraph_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a paragraph's text (unpublished versions only) and its links to the strategy."""
    paragraph = get_object_or_404(
        DraftParagraph.objects.select_related("version__draft__strategy", "section"), pk=pk
    )
    version = paragraph.version
    strategy = version.draft.strategy
    _editor_or_403(request, strategy)
    choices = _choices(strategy)
    current = {
        name: [str(pk) for pk in getattr(paragraph, name).values_list("pk", flat=True)]
        for name in choices
    }
    text_form = ParagraphForm(initial={"text": paragraph.text}, prefix="t")
    links_form = LinksForm(initial=current, choices=choices, prefix="l")
    status = 200
    if request.method == "POST":
        try:
            if "t-text" in request.POST:
                text_form = ParagraphForm(request.POST, prefix="t")
                if text_form.is_valid():
                    paragraph_edit(
                        paragraph=paragraph, actor=request.user, text=text_form.cleaned_data["text"]
                    )
                    messages.success(request, _("Текст пункта сохранён."))
                    return redirect("drafts:version_edit", pk=version.pk)
            else:
                links_form = LinksForm(request.POST, choices=choices, prefix="l")
                if links_form.is_valid():
                    data = links_form.cleaned_data
                    paragraph_links_set(
                        paragraph=paragraph,
                        actor=request.user,
                        directions=Direction.objects.filter(pk__in=data["directions"]),
                        goals=Goal.objects.filter(pk__in=data["goals"]).select_related("direction"),
                        kpis=KPI.objects.filter(pk__in=data["kpis"]).select_related(
                            "goal__direction"
                        ),
                        measures=Measure.objects.filter(pk__in=data["measures"]),
                    )
                    messages.success(request, _("Связи пункта со стратегией сохранены."))
                    return redirect("drafts:version_edit", pk=version.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            status = 422
    return render(
        request,
        "drafts/staff/paragraph_edit.html",
        {
            "paragraph": paragraph,
            "version": version,
            "draft": version.draft,
            "text_form": text_form,
            "links_form": links_form,
            "editable": version.status == "draft",
        },
        status=status,
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Comments on drafts waiting for moderation in the user's regions."""
    from civicplan.accounts.selectors import user_scope
    from civicplan.drafts.services import MODERATOR_ROLES

    scope = user_scope(request.user, MODERATOR_ROLES)
    if not scope.everything and not scope.region_ids:
        raise PermissionDenied(_("Очередь видят модераторы региона."))
    waiting = list(moderation_queue(request.user)[:100])
    return render(
        request,
        "drafts/staff/queue.html",
        {"comments": waiting, "form": ModerateForm()},
    )


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        DraftComment.objects.select_related("paragraph__version__draft__strategy"), pk=pk
    )
    if not moderator_scope_allows(actor=request.user, comment=comment):
        raise PermissionDenied
    publish = request.POST.get("decision") == "publish"
    reason = str(request.POST.get("reason", ""))[:500]
    try:
        comment_moderate(comment=comment, actor=request.user, publish=publish, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Замечание № %(n)s опубликовано.") % {"n": comment.pk}
            if publish
            else _("Замечание № %(n)s отклонено.") % {"n": comment.pk},
        )
    return redirect("drafts:queue")


@login_required
def section_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a section of an unpublished version."""
    section = get_object_or_404(
        DraftSection.objects.select_related("version__draft__strategy"), pk=pk
    )
    version = section.version
    _editor_or_403(request, version.draft.strategy)
    title = section.title
    error = ""
    status = 200
    if request.method == "POST":
        title = str(request.POST.get("title", ""))
        try:
            section_edit(section=section, actor=request.user, title=title)
        except DomainError as exc:
            error = exc.message
            status = exc.status
        else:
            messages.success(request, _("Заголовок раздела сохранён."))
            return redirect(reverse("drafts:version_edit", args=[version.pk]) + f"#s-{section.pk}")
    return render(
        request,
        "drafts/staff/section_edit.html",
        {
            "section": section,
            "version": version,
            "draft": version.draft,
            "title": title,
            "error": error,
            "editable": version.status == "draft",
        },
        status=status,
    )
