"""The JSON API at /api/v1/: one NinjaAPI object, one router per app, one error handler."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from civicplan.core.errors import DomainError

api = NinjaAPI(
    title="civicplan API",
    version="1",
    description=(
        "Открытый API платформы «Стратегия вместе»: территории и статистика, предложения жителей, "
        "стратегические сессии, стратегия, показатели и мероприятия. Ошибки возвращаются в виде "
        '`{"detail": "...", "code": "...", "field": ..., "errors": [...]}`.'
    ),
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _mount() -> None:
    from civicplan.insights.api import router as insights
    from civicplan.meetings.api import router as meetings
    from civicplan.practices.api import router as practices
    from civicplan.proposals.api import router as proposals
    from civicplan.publications.api import router as publications
    from civicplan.reports.api import router as reports
    from civicplan.strategy.api import router as strategy
    from civicplan.territories.api import router as territories

    api.add_router("/", territories)
    api.add_router("/proposals", proposals)
    api.add_router("/sessions", meetings)
    api.add_router("/strategy", strategy)
    api.add_router("/insights", insights)
    api.add_router("/practices", practices)
    api.add_router("/publications", publications)
    api.add_router("/reports", reports)


_mount()
