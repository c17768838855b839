"""Public pages of sessions, registration, the organisers' page, minutes and reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civicplan.accounts.services import client_ip, policy_current
from civicplan.core.errors import DomainError
from civicplan.core.http import is_htmx
from civicplan.meetings import selectors, services
from civicplan.meetings.forms import (
    CalendarFilterForm,
    CheckInForm,
    MaterialForm,
    PersonForm,
    RegistrationForm,
)
from civicplan.meetings.models import Participant, Session, SessionState
from civicplan.meetings.report import session_report_build, session_report_docx
from civicplan.reports.documents import docx_response


def _session_or_404(slug: str) -> Session:
    session = selectors.session_detail(slug)
    if session is None or not session.is_published:
        raise Http404
    return session


def _form_errors(form: Any, exc: DomainError) -> None:
    if exc.errors:
        for err in exc.errors:
            target = err.get("field") if err.get("field") in form.fields else None
            form.add_error(target, err["message"])
    else:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def calendar(request: HttpRequest) -> HttpResponse:
    from civicplan.territories.models import Region

    regions = list(
        Region.objects.filter(campaigns__sessions__is_published=True)
        .distinct()
        .order_by("name")
        .values_list("code", "name")
    )
    form = CalendarFilterForm(request.GET or None, regions=regions)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "region_code": form.cleaned_data["region"],
            "level": form.cleaned_data["level"],
            "when": form.cleaned_data["when"],
        }
    data = selectors.session_calendar(**filters)
    template = (
        "meetings/partials/calendar_list.html" if is_htmx(request) else "meetings/calendar.html"
    )
    return render(request, template, {"form": form, **data})


def session_page(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    can_manage = selectors.can_manage_session(request.user, session)
    report = None
    if session.state == SessionState.FINISHED or can_manage:
        report = session_report_build(session, kind="report")
    return render(
        request,
        "meetings/session.html",
        {"session": session, "report": report, "can_manage": can_manage},
    )


def register(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    policy = policy_current(kind="personal-data")
    form = RegistrationForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        section = session.sections.filter(pk=data["section"]).first() if data["section"] else None
        try:
            participant = services.participant_register(
                session=session,
                last_name=data["last_name"],
                first_name=data["first_name"],
                patronymic=data["patronymic"],
                email=data["email"],
                phone=data["phone"],
                group=data["group"],
                organisation=data["organisation"],
                position=data["position"],
                section=section,
                consent_given=data["consent"],
                ip=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
                user=request.user,
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            return redirect("meetings:registered", slug=session.slug, code=participant.checkin_code)
    return render(
        request, "meetings/register.html", {"session": session, "form": form, "policy": policy}
    )


def registered(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    session = _session_or_404(slug)
    participant = get_object_or_404(Participant, session=session, checkin_code=code)
    return render(
        request, "meetings/registered.html", {"session": session, "participant": participant}
    )


def _require_manager(request: HttpRequest, session: Session) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not selectors.can_manage_session(request.user, session):
        raise PermissionDenied


def manage(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    _require_manager(request, session)
    checkin_form = CheckInForm(prefix="checkin")
    invite_form = PersonForm(prefix="invite", session=session)
    material_form = MaterialForm(prefix="material")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "checkin":
                checkin_form = CheckInForm(request.POST, prefix="checkin")
                if checkin_form.is_valid():
                    p = services.participant_check_in(
                        session=session, code=checkin_form.cleaned_data["code"]
                    )
                    messages.success(
                        request, _("%(name)s отмечен(а) на входе.") % {"name": p.full_name}
                    )
                    return redirect("meetings:manage", slug=slug)
            elif action == "invite":
                invite_form = PersonForm(request.POST, prefix="invite", session=session)
                if invite_form.is_valid():
                    d = invite_form.cleaned_data
                    p = services.participant_invite(
                        session=session,
                        invited_by=request.user,
                        last_name=d["last_name"],
                        first_name=d["first_name"],
                        patronymic=d["patronymic"],
                        email=d["email"],
                        group=d["group"],
                        organisation=d["organisation"],
                        position=d["position"],
                        section=session.sections.filter(pk=d["section"]).first()
                        if d["section"]
                        else None,
                    )
                    messages.success(
                        request,
                        _("%(name)s приглашён(а), код участника %(code)s.")
                        % {"name": p.full_name, "code": p.checkin_code},
                    )
                    return redirect("meetings:manage", slug=slug)
            elif action == "material":
                material_form = MaterialForm(request.POST, request.FILES, prefix="material")
                if material_form.is_valid():
                    upload = material_form.cleaned_data["file"]
                    services.material_add(
                        session=session,
                        title=material_form.cleaned_data["title"],
                        upload=upload,
                        name=upload.name,
                    )
                    messages.success(request, _("Материал добавлен."))
                    return redirect("meetings:manage", slug=slug)
            elif action == "cancel":
                p = get_object_or_404(Participant, session=session, pk=request.POST.get("pk"))
                promoted = services.participant_cancel(participant=p)
                msg = _("Участие %(name)s отменено.") % {"name": p.full_name}
                if promoted is not None:
                    msg += " " + _(
                        "Из листа ожидания на освободившееся место переведён(а) %(n)s."
                    ) % {"n": promoted.full_name}
                messages.success(request, msg)
                return redirect("meetings:manage", slug=slug)
            elif action == "state":
                services.session_state_set(session=session, state=request.POST.get("state", ""))
                messages.success(request, _("Состояние сессии изменено."))
                return redirect("meetings:manage", slug=slug)
        except DomainError as exc:
            target = {
                "checkin": checkin_form,
                "invite": invite_form,
                "material": material_form,
            }.get(action or "")
            if target is not None:
                _form_errors(target, exc)
            else:
                messages.error(request, exc.message)
    return render(
        request,
        "meetings/manage.html",
        {
            "session": session,
            "groups": selectors.attendees_by_group(session),
            "counts": services.group_counts(session),
            "waiting": selectors.waiting_list(session),
            "checkin_form": checkin_form,
            "invite_form": invite_form,
            "material_form": material_form,
            "states": SessionState.choices,
        },
    )


def _report_kind(request: HttpRequest, session: Session) -> str:
    kind = request.GET.get("kind", "report")
    if kind not in ("minutes", "report"):
        raise Http404
    can_manage = selectors.can_manage_session(request.user, session)
    # The minutes list people by name: organisers only. The report is public once finished.
    if kind == "minutes" and not can_manage:
        raise PermissionDenied
    if session.state != SessionState.FINISHED and not can_manage:
        raise Http404
    return kind


def report(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    kind = _report_kind(request, session)
    return render(
        request,
        "meetings/report.html",
        {"session": session, "report": session_report_build(session, kind=kind)},
    )


def report_docx(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    kind = _report_kind(request, session)
    content = session_report_docx(session_report_build(session, kind=kind))
    name = f"{'protokol' if kind == 'minutes' else 'otchet'}-{session.slug}.docx"
    return docx_response(content, filename=name)
