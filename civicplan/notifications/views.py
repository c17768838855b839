"""Pages: notifications, «Подписки» with delivery settings, «Мой кабинет», and the links from
letters that work without signing in (confirm, unsubscribe, «Решена ли проблема?»)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from civicplan.accounts.services import client_ip
from civicplan.core.errors import DomainError
from civicplan.core.redirects import safe_next
from civicplan.notifications.forms import FeedbackForm, FollowByEmailForm, PreferencesForm
from civicplan.notifications.models import (
    Category,
    FollowSource,
    Notification,
    Subscriber,
    TargetKind,
)
from civicplan.notifications.selectors import (
    cabinet as cabinet_data,
)
from civicplan.notifications.selectors import (
    feedback_by_token,
    follows_for,
    notifications_for,
    subscriber_of,
)
from civicplan.notifications.services import (
    feedback_answer,
    follow_add,
    follow_by_email,
    follow_remove,
    notifications_mark_read,
    preferences_set,
    subscriber_confirm,
    subscriber_for_user,
    unsubscribe,
)
from civicplan.notifications.tokens import confirm_read, unsubscribe_read


def _next(request: HttpRequest, default: str) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"), default)


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    subscriber = subscriber_for_user(request.user)
    if request.method == "POST":
        notifications_mark_read(subscriber=subscriber)
        messages.success(request, _("Все уведомления отмечены как прочитанные."))
        return redirect("notifications:list")
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(notifications_for(request.user, unread_only=unread_only), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only},
    )


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points."""
    notification = get_object_or_404(
        Notification.objects.select_related("event"), pk=pk, subscriber__user=request.user
    )
    notifications_mark_read(subscriber=notification.subscriber, ids=[notification.pk])
    url = notification.event.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(url)
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def follows(request: HttpRequest) -> HttpResponse:
    subscriber = subscriber_for_user(request.user)
    show_staff = bool(request.user.is_staff)
    form = PreferencesForm(request.POST or None, subscriber=subscriber, show_staff=show_staff)
    if request.method == "POST" and form.is_valid():
        preferences_set(
            subscriber=subscriber,
            modes=form.modes(),
            email_stopped=form.cleaned_data["email_stopped"],
        )
        messages.success(request, _("Настройки уведомлений сохранены."))
        return redirect("notifications:follows")
    return render(
        request,
        "notifications/follows.html",
        {
            "rows": follows_for(subscriber),
            "form": form,
            "email_confirmed": bool(getattr(request.user, "email_confirmed_at", None)),
        },
    )


@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    try:
        target_id = int(request.POST.get("target_id", ""))
    except ValueError:
        messages.error(request, _("Не удалось понять, на что вы подписываетесь."))
        return redirect(_next(request, "/"))
    back = _next(request, reverse("notifications:follows"))
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={back}")
    subscriber = subscriber_for_user(request.user)
    try:
        if request.POST.get("action") == "unfollow":
            follow_remove(subscriber=subscriber, kind=kind, target_id=target_id)
            messages.success(request, _("Подписка отменена."))
        else:
            follow_add(subscriber=subscriber, kind=kind, target_id=target_id)
            messages.success(
                request,
                _(
                    "Вы подписались. Уведомления придут на сайт и по почте — как выбрано в настройках."
                ),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(back)


@require_POST
def follow_email(request: HttpRequest) -> HttpResponse:
    """An anonymous visitor follows by e-mail; an author follows his proposal by its code."""
    from civicplan.proposals.selectors import proposal_by_tracking

    back = _next(request, "/")
    form = FollowByEmailForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect(back)
    kind = request.POST.get("kind", "")
    source = FollowSource.MANUAL
    code = request.POST.get("code", "")
    try:
        target_id = int(request.POST.get("target_id", "0") or 0)
        if code:
            proposal = proposal_by_tracking(code)
            if proposal is None:
                raise ValueError(code)
            kind, target_id, source = TargetKind.PROPOSAL, proposal.pk, FollowSource.AUTHOR
        follow_by_email(
            email=form.cleaned_data["email"],
            kind=kind,
            target_id=target_id,
            consent=form.cleaned_data["consent"],
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            source=source,
        )
    except ValueError:
        messages.error(request, _("Не удалось понять, на что вы подписываетесь."))
        return redirect(back)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _(
            "Мы отправили письмо со ссылкой для подтверждения. Уведомления начнут приходить после подтверждения адреса."
        ),
    )
    return redirect(back)


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    pk = confirm_read(token)
    ok, message = False, _("Ссылка устарела или повреждена: подпишитесь ещё раз.")
    if pk:
        try:
            subscriber_confirm(subscriber_id=pk)
            ok, message = (
                True,
                _("Адрес подтверждён. Теперь мы будем сообщать вам о том, за чем вы следите."),
            )
        except DomainError as exc:
            message = exc.message
    response = render(
        request,
        "notifications/confirm.html",
        {"ok": ok, "message": message},
        status=200 if ok else 400,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def _scope_label(scope: str) -> str:
    if scope == "all":
        return _("все письма")
    if scope == "mode:daily":
        return _("ежедневная сводка")
    if scope == "mode:weekly":
        return _("еженедельная сводка")
    if scope in Category.values:
        return str(Category(scope).label)
    return scope


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058: a mail client POSTs `List-Unsubscribe=One-Click` here, without cookies; a
    person who follows the link sees one button (a GET never unsubscribes, so link scanners
    cannot)."""
    data = unsubscribe_read(token)
    if data is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    subscriber_id, scope = data
    if request.method == "POST":
        if request.POST.get("scope") == "all":
            scope = "all"
        try:
            unsubscribe(subscriber_id=subscriber_id, scope=scope)
        except DomainError as exc:
            return render(
                request,
                "notifications/unsubscribe.html",
                {"invalid": True, "error": exc.message},
                status=exc.status,
            )
        return render(
            request, "notifications/unsubscribe.html", {"done": True, "label": _scope_label(scope)}
        )
    exists = Subscriber.objects.filter(pk=subscriber_id).exists()
    return render(
        request,
        "notifications/unsubscribe.html",
        {"invalid": not exists, "label": _scope_label(scope), "scope": scope},
    )


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    try:
        item = feedback_by_token(token)
    except DomainError as exc:
        return render(request, "notifications/feedback.html", {"error": exc.message}, status=404)
    initial = {"answer": request.GET.get("answer")} if request.GET.get("answer") else {}
    if item.answer:
        initial = {"answer": item.answer, "comment": item.comment}
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_answer(
                feedback=item,
                answer=form.cleaned_data["answer"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form.add_error(exc.field or None, exc.message)
        else:
            messages.success(
                request, _("Спасибо! Ваш ответ учтён и виден на странице мероприятия.")
            )
            return redirect("strategy:measure", item.measure.strategy.slug, item.measure_id)
    response = render(request, "notifications/feedback.html", {"item": item, "form": form})
    # the site-wide «same-origin» referrer policy keeps the token off other sites; «no-referrer»
    # would make browsers send «Origin: null» with the form, which the CSRF check refuses
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def cabinet(request: HttpRequest) -> HttpResponse:
    context = cabinet_data(request.user)
    context["subscriber"] = subscriber_of(request.user)
    return render(request, "notifications/cabinet.html", context)
