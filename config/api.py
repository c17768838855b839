"""The JSON API at /api/v1/: one NinjaAPI object, one router per app, one error handler."""

from typing import Any

from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from civicplan.core.errors import DomainError
from civicplan.core.i18n import gettext_lazy

api = NinjaAPI(
    title="civicplan API",
    version="1",
    description=gettext_lazy(
        "Открытый API платформы «Стратегия вместе»: территории и статистика, предложения жителей, "
        "стратегические сессии, стратегия, показатели и мероприятия. Ошибки возвращаются в виде "
        '`{"detail": "...", "code": "...", "field": ..., "errors": [...]}`.'
    ),
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Request validation answers in the same shape as every other error (ErrorOut)."""
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())[1:]) or None,
            "message": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors
    ]
    field = errors[0]["field"] if errors else None
    detail = (
        _("Данные запроса не прошли проверку: поле «%(field)s» — %(message)s.")
        % {"field": field, "message": errors[0]["message"]}
        if field
        else _("Данные запроса не прошли проверку.")
    )
    body: dict[str, Any] = {
        "detail": detail,
        "code": "validation_error",
        "field": field,
        "errors": errors,
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body: dict[str, Any] = {
        "detail": _("Нужно войти на сайт или передать API-токен в заголовке Authorization."),
        "code": "not_authenticated",
        "field": None,
        "errors": [],
    }
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    body: dict[str, Any] = {"detail": str(exc), "code": "http_error", "field": None, "errors": []}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    body: dict[str, Any] = {
        "detail": _("Не найдено."),
        "code": "not_found",
        "field": None,
        "errors": [],
    }
    return api.create_response(request, body, status=404)


def _out_of_range() -> dict[str, Any]:
    return {
        "detail": _("Значение параметра вне допустимого диапазона."),
        "code": "out_of_range",
        "field": None,
        "errors": [],
    }


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def data_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number too large for the database (e.g. ?page=10**20) is the client's mistake."""
    return api.create_response(request, _out_of_range(), status=422)


@api.exception_handler(IntegrityError)
def integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    if "datatype mismatch" in str(exc):  # SQLite's way of saying «number out of range»
        return api.create_response(request, _out_of_range(), status=422)
    raise exc


def _mount() -> None:
    from civicplan.drafts.api import router as drafts
    from civicplan.insights.api import router as insights
    from civicplan.meetings.api import router as meetings
    from civicplan.notifications.api import router as notifications
    from civicplan.potential.api import router as potential
    from civicplan.practices.api import router as practices
    from civicplan.proposals.api import router as proposals
    from civicplan.publications.api import router as publications
    from civicplan.reports.api import router as reports
    from civicplan.strategy.api import router as strategy
    from civicplan.territories.api import router as territories

    api.add_router("/", territories)
    api.add_router("/potential", potential)
    api.add_router("/proposals", proposals)
    api.add_router("/sessions", meetings)
    api.add_router("/strategy", strategy)
    api.add_router("/insights", insights)
    api.add_router("/practices", practices)
    api.add_router("/publications", publications)
    api.add_router("/reports", reports)
    api.add_router("/notifications", notifications)
    api.add_router("/drafts", drafts)


_mount()
