"""Public pages of the draft under discussion: the reading view, a paragraph's discussion
with the comment form, supports, the fate page of a comment."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civicplan.accounts.services import client_ip, policy_current
from civicplan.core.errors import DomainError
from civicplan.core.http import is_htmx
from civicplan.drafts.forms import CommentForm
from civicplan.drafts.models import Draft, DraftComment, DraftParagraph, VersionStatus
from civicplan.drafts.rendering import ParagraphsRenderer, text_with_passages
from civicplan.drafts.selectors import (
    draft_open_now,
    drafts_public,
    paragraph_discussion,
    paragraph_public,
    reading,
    version_is_open,
    version_public,
)
from civicplan.drafts.services import (
    CommentInput,
    comment_submit,
    comment_support,
    date_ru,
    passage_locate,
)
from civicplan.proposals.services import author_data_clean

VISITOR_KEY = "drafts_visitor"


def home_block_context(request: HttpRequest, _campaign: Any = None) -> dict[str, Any] | None:
    found = draft_open_now()
    if found is None:
        return None
    draft, version = found
    return {"draft": draft, "draft_version": version}


def draft_list(request: HttpRequest) -> HttpResponse:
    drafts = list(drafts_public())
    for d in drafts:
        d.current = version_public(d)  # type: ignore[attr-defined]  # shown in the list
    return render(request, "drafts/list.html", {"drafts": drafts})


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def draft_read(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    draft = get_object_or_404(Draft.objects.select_related("strategy", "campaign"), pk=pk)
    version = version_public(draft, number)
    section_id = _int(request.GET.get("section"))
    direction_id = _int(request.GET.get("direction"))
    view = reading(version, section_id=section_id, direction_id=direction_id)
    is_open = version_is_open(version)
    render_paragraphs = ParagraphsRenderer(is_open=is_open)
    for part in view.sections:
        part.html = render_paragraphs(part.paragraphs)
    versions = list(
        draft.versions.exclude(status=VersionStatus.DRAFT)
        .order_by("number")
        .only("pk", "number", "status", "draft_id")
    )
    context = {
        "draft": draft,
        "version": version,
        "reading": view,
        "versions": versions,
        "is_open": is_open,
        "section_id": section_id,
        "direction_id": direction_id,
        "filtered": section_id is not None or direction_id is not None,
    }
    template = "drafts/partials/reading.html" if is_htmx(request) else "drafts/read.html"
    return render(request, template, context)


def _comment_context(request: HttpRequest, paragraph: Any, form: CommentForm) -> dict[str, Any]:
    version = paragraph.version
    is_open = version_is_open(version)
    closed_message = ""
    if not is_open:
        if version.discussion_closes:
            closed_message = _(
                "Обсуждение этой редакции завершилось %(d)s: замечания и поправки больше не принимаются."
            ) % {"d": date_ru(version.discussion_closes)}
        else:
            closed_message = _("Обсуждение этой редакции сейчас закрыто.")
    try:
        policy = policy_current(kind="personal-data")
    except DomainError:
        policy = None
    newer = (
        DraftParagraph.objects.filter(
            lineage=paragraph.lineage,
            version__draft_id=version.draft_id,
            version__number__gt=version.number,
        )
        .exclude(version__status=VersionStatus.DRAFT)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    comments = paragraph_discussion(paragraph)
    for c in comments:
        c.shown_on = paragraph.pk  # type: ignore[attr-defined]  # passages of this wording only
    marked = "" if paragraph.html else text_with_passages(paragraph.text, comments)
    return {
        "paragraph": paragraph,
        "marked": marked,
        "newer": newer,
        "version": version,
        "draft": version.draft,
        "comments": comments,
        "form": form,
        "is_open": is_open,
        "closed_message": closed_message,
        "policy": policy,
    }


def paragraph_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A paragraph, its discussion and the form to comment it or a passage of it."""
    paragraph = paragraph_public(pk)
    status = 200
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                author = author_data_clean(
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    show_name=data["show_name"],
                )
                comment = comment_submit(
                    paragraph=paragraph,
                    data=CommentInput(
                        kind=data["kind"],
                        body=data["body"],
                        proposed_text=data["proposed_text"],
                        passage=data["passage"],
                        passage_start=data["passage_start"],
                        passage_end=data["passage_end"],
                        author_kind=data["author_kind"],
                        organisation=data["organisation"],
                    ),
                    author=author,
                    consent_given=data["consent"],
                    ip=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                    user=request.user,
                )
            except DomainError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
                status = exc.status
            else:
                messages.success(
                    request,
                    _(
                        "Спасибо! Замечание отправлено и появится на сайте после проверки модератором. Ссылка на эту страницу отправлена вам на почту."
                    ),
                )
                return redirect("drafts:fate", token=comment.tracking_token)
        else:
            status = 400 if form.has_error("__all__") else 422
    else:
        initial: dict[str, Any] = {"kind": "remark", "author_kind": "resident"}
        start, end = _int(request.GET.get("start")), _int(request.GET.get("end"))
        if start is not None and end is not None:
            try:
                passage, start, end = passage_locate(paragraph.text, start=start, end=end)
            except DomainError:
                passage = ""
            initial.update(passage=passage, passage_start=start, passage_end=end)
        if request.GET.get("kind") == "amendment":
            initial["kind"] = "amendment"
        if request.user.is_authenticated:
            initial["name"] = request.user.get_full_name()
            initial["email"] = request.user.email
        form = CommentForm(initial=initial)
    return render(
        request,
        "drafts/paragraph.html",
        _comment_context(request, paragraph, form),
        status=status,
    )


@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(DraftComment.objects.select_related("paragraph"), pk=pk)
    visitor = ""
    if not request.user.is_authenticated:
        visitor = request.session.get(VISITOR_KEY) or secrets.token_hex(16)
        request.session[VISITOR_KEY] = visitor
    try:
        comment = comment_support(
            comment=comment, user=request.user, visitor=visitor, ip=client_ip(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Вы поддержали замечание."))
    return redirect(reverse("drafts:paragraph", args=[comment.paragraph_id]) + f"#c-{comment.pk}")


@never_cache
def fate(request: HttpRequest, token: str) -> HttpResponse:
    """What became of a comment: moderation, the drafting group's decision and its reason.
    Reached from the confirmation letter; shows nothing personal."""
    from civicplan.drafts.selectors import comment_by_token
    from civicplan.drafts.services.withdrawal import is_withdrawn

    comment = comment_by_token(token)
    response = render(
        request, "drafts/fate.html", {"comment": comment, "withdrawn": is_withdrawn(comment)}
    )
    response["X-Robots-Tag"] = "noindex"
    # The site-wide `same-origin` policy keeps the token out of cross-site referers; with
    # `no-referrer` Chromium sends `Origin: null` and the withdrawal form fails CSRF.
    return response


@require_POST
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """Ask to withdraw consent from the fate page: the erasure waits for the e-mailed link."""
    from civicplan.drafts.selectors import comment_by_token
    from civicplan.drafts.services.withdrawal import comment_consent_withdraw_request

    comment = comment_by_token(token)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Подтвердите отзыв согласия отметкой в форме."))
        return redirect("drafts:fate", token=token)
    try:
        result = comment_consent_withdraw_request(
            comment=comment, user=request.user, ip=client_ip(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Согласие отозвано, ваши имя и контакты удалены. Замечание осталось без вашего имени."
            )
            if result.done
            else _(
                "Мы отправили письмо со ссылкой для подтверждения на адрес, указанный в замечании. Данные будут удалены, только когда вы откроете ссылку и подтвердите."
            ),
        )
    return redirect("drafts:fate", token=token)


# The signed link from the author's e-mail is the proof here, not a session (as for proposals).
@csrf_exempt
@never_cache
def withdraw_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what will happen (mail scanners open links: nothing is erased then); POST
    erases."""
    from civicplan.drafts.services.withdrawal import (
        comment_by_withdrawal_token,
        comment_consent_withdraw_confirm,
        is_withdrawn,
    )

    context: dict[str, Any] = {}
    status = 200
    try:
        if request.method == "POST":
            context["comment"] = comment_consent_withdraw_confirm(
                token=token, ip=client_ip(request)
            )
        else:
            context["comment"] = comment_by_withdrawal_token(token)
        context["withdrawn"] = is_withdrawn(context["comment"])
    except DomainError as exc:
        context["error"] = exc.message
        status = exc.status
    response = render(request, "drafts/withdraw_confirm.html", context, status=status)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
