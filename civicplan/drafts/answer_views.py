"""Pages of the answering side: the drafting group answers comments (one by one or a group
at once), and everyone reads «Что изменилось и почему» and the summary table."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicplan.core.errors import DomainError
from civicplan.core.private_files import private_storage
from civicplan.drafts.answer_forms import DecisionForm
from civicplan.drafts.answer_jobs import (
    GROUP_INLINE_LIMIT,
    group_job_start,
    summary_job_start,
)
from civicplan.drafts.answer_selectors import (
    SUMMARY_ROWS_PER_PAGE,
    answer_counts,
    answerable_version,
    answers_page,
    next_version,
    public_versions,
    version_sections_with_comments,
)
from civicplan.drafts.comparison import version_comparison
from civicplan.drafts.exports import (
    SUMMARY_INLINE_LIMIT,
    summary_build,
    summary_comments,
    summary_count,
    summary_filename,
    summary_files,
    summary_header,
    summary_labels,
    summary_row,
)
from civicplan.drafts.models import (
    Draft,
    DraftComment,
    DraftCommentGroup,
    DraftParagraph,
    DraftVersion,
    ModerationStatus,
    VersionStatus,
)
from civicplan.drafts.services.decisions import (
    comment_decide,
    comment_ungroup,
    draft_can_answer,
    group_decide,
    paragraph_answers_set,
    version_comments_group,
)
from civicplan.reports.documents import DOCX, XLSX, attachment


def _version_for_answers(request: HttpRequest, pk: int) -> DraftVersion:
    try:
        version = answerable_version(pk)
    except DraftVersion.DoesNotExist as exc:
        raise Http404 from exc
    if not draft_can_answer(user=request.user, draft=version.draft):
        raise PermissionDenied(
            _("Отвечать на замечания к проекту может только рабочая группа — редакторы стратегии.")
        )
    return version


def _back(version: DraftVersion, request: HttpRequest, anchor: str = "") -> HttpResponse:
    url = reverse("drafts:answers", args=[version.pk])
    query = request.POST.get("back", "")
    if query.startswith("?"):
        url += query
    return redirect(url + (f"#{anchor}" if anchor else ""))


@login_required
def answers(request: HttpRequest, pk: int) -> HttpResponse:
    """The drafting group's page: per paragraph, groups of similar comments with one form
    each, then the single comments."""
    version = _version_for_answers(request, pk)
    only_open = request.GET.get("all") != "1"
    section = request.GET.get("section", "")
    section_id = int(section) if section.isdigit() else None
    page = answers_page(
        version, section_id=section_id, only_open=only_open, page=request.GET.get("page", 1)
    )
    return render(
        request,
        "drafts/answers/version.html",
        {
            "version": version,
            "draft": version.draft,
            "page": page,
            "counts": answer_counts(version),
            "sections": version_sections_with_comments(version),
            "section_id": section_id,
            "only_open": only_open,
            "query": request.GET.urlencode(),
            "form": DecisionForm(),
            "later": next_version(version),
        },
    )


def _decide(request: HttpRequest, version: DraftVersion, action: Any, anchor: str) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(version, request, anchor)
    try:
        decided = action(form.cleaned_data["decision"], form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Решение «%(d)s» записано: замечаний — %(n)s.")
            % {"d": decided[0].get_decision_display(), "n": len(decided)},
        )
    return _back(version, request, anchor)


@login_required
@require_POST
def answer_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(DraftComment.objects.select_related("paragraph"), pk=pk)
    version = _version_for_answers(request, comment.paragraph.version_id)
    return _decide(
        request,
        version,
        lambda decision, reason: [
            comment_decide(comment=comment, decision=decision, reason=reason, actor=request.user)
        ],
        f"p-{comment.paragraph_id}",
    )


@login_required
@require_POST
def answer_group(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(DraftCommentGroup.objects.select_related("paragraph"), pk=pk)
    version = _version_for_answers(request, group.paragraph.version_id)
    return _decide(
        request,
        version,
        lambda decision, reason: group_decide(
            group=group, decision=decision, reason=reason, actor=request.user
        ),
        f"p-{group.paragraph_id}",
    )


@login_required
@require_POST
def group_similar(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_for_answers(request, pk)
    counts = answer_counts(version)
    try:
        if counts.undecided > GROUP_INLINE_LIMIT:
            job = group_job_start(version, actor=request.user)
            return redirect("core:job_detail", job.pk)
        result = version_comments_group(version=version, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Похожих групп: %(g)s (в них замечаний: %(n)s), повторов отмечено: %(d)s.")
            % {"g": result.groups, "n": result.grouped, "d": result.duplicates},
        )
    return _back(version, request)


@login_required
@require_POST
def ungroup(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(DraftComment.objects.select_related("paragraph"), pk=pk)
    version = _version_for_answers(request, comment.paragraph.version_id)
    try:
        comment_ungroup(comment=comment, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Замечание № %(n)s вынесено из группы.") % {"n": comment.pk})
    return _back(version, request, f"p-{comment.paragraph_id}")


# --- public pages -------------------------------------------------------------------------


def _public_version(draft: Draft, number: int) -> DraftVersion:
    version = draft.versions.filter(number=number).exclude(status=VersionStatus.DRAFT).first()
    if version is None:
        raise Http404
    return version


def changes(request: HttpRequest, pk: int) -> HttpResponse:
    """«Что изменилось и почему»: two published versions compared word by word, each change
    with the accepted comments it answers."""
    draft = get_object_or_404(Draft.objects.select_related("strategy"), pk=pk)
    versions = public_versions(draft)
    if len(versions) < 2:
        return render(
            request,
            "drafts/answers/changes.html",
            {"draft": draft, "versions": versions, "comparison": None},
        )
    by_number = {v.number: v for v in versions}

    def pick(name: str, default: DraftVersion) -> DraftVersion:
        value = request.GET.get(name, "")
        return by_number.get(int(value), default) if value.isdigit() else default

    new = pick("to", versions[-1])
    default_old = by_number.get(new.based_on.number if new.based_on else 0) or next(
        (v for v in reversed(versions) if v.number < new.number), versions[0]
    )
    old = pick("from", default_old)
    comparison = version_comparison(old, new) if old.pk != new.pk else None
    return render(
        request,
        "drafts/answers/changes.html",
        {
            "draft": draft,
            "versions": versions,
            "old": old,
            "new": new,
            "comparison": comparison,
        },
    )


def summary(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The summary table on the site, with its DOCX and XLSX."""
    draft = get_object_or_404(Draft.objects.select_related("strategy"), pk=pk)
    version = _public_version(draft, number)
    page = Paginator(summary_comments(version), SUMMARY_ROWS_PER_PAGE).get_page(
        request.GET.get("page", 1)
    )
    start = page.start_index() - 1 if page.object_list else 0
    labels = summary_labels()
    page.object_list = [  # the page shows rows, not comments
        summary_row(comment, start + i, labels) for i, comment in enumerate(page.object_list, 1)
    ]
    return render(
        request,
        "drafts/answers/summary.html",
        {
            "draft": draft,
            "version": version,
            "versions": public_versions(draft),
            "rows": page,
            "header": summary_header(),
            "counts": answer_counts(version),
        },
    )


def summary_download(request: HttpRequest, pk: int, number: int, extension: str) -> HttpResponse:
    draft = get_object_or_404(Draft.objects.select_related("strategy"), pk=pk)
    version = _public_version(draft, number)
    if extension not in ("docx", "xlsx"):
        raise Http404
    paths = summary_files(version)
    if paths is None:
        if summary_count(version) > SUMMARY_INLINE_LIMIT:
            summary_job_start(version)
            response = render(
                request,
                "drafts/answers/summary_wait.html",
                {"draft": draft, "version": version},
                status=202,
            )
            response["Retry-After"] = "10"
            return response
        paths = summary_build(version)
    with private_storage().open(paths[extension], "rb") as stored:
        content = stored.read()
    return attachment(
        content,
        filename=summary_filename(version, extension),
        content_type=DOCX if extension == "docx" else XLSX,
    )


def summary_latest(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(Draft, pk=pk)
    versions = [v for v in public_versions(draft)]
    if not versions:
        raise Http404
    with_comments = [
        v
        for v in versions
        if DraftComment.objects.filter(
            paragraph__version=v, status=ModerationStatus.PUBLISHED
        ).exists()
    ]
    version = (with_comments or versions)[-1]
    return redirect("drafts:summary", pk=draft.pk, number=version.number)


@login_required
@require_POST
def link_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Say that the next version's wording of the paragraph answers this accepted comment
    (or take that back): what «Что изменилось и почему» shows under the change."""
    comment = get_object_or_404(DraftComment.objects.select_related("paragraph"), pk=pk)
    version = _version_for_answers(request, comment.paragraph.version_id)
    later = next_version(version)
    successor = (
        DraftParagraph.objects.filter(version=later, lineage=comment.paragraph.lineage).first()
        if later is not None
        else None
    )
    if successor is None:
        messages.error(request, _("В следующей редакции этого пункта нет."))
        return _back(version, request, f"p-{comment.paragraph_id}")
    current = set(successor.answers.values_list("pk", flat=True))
    wanted = current - {comment.pk} if request.POST.get("unlink") else current | {comment.pk}
    try:
        paragraph_answers_set(paragraph=successor, comments=wanted, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Пункт %(n)s редакции %(v)s связан с замечанием № %(c)s.")
            % {"n": successor.number, "v": later.number, "c": comment.pk}  # type: ignore[union-attr]  # found above
            if not request.POST.get("unlink")
            else _("Связь с замечанием № %(c)s снята.") % {"c": comment.pk},
        )
    return _back(version, request, f"p-{comment.paragraph_id}")
