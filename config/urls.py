"""URL map: one prefix per app, the API at /api/v1/, the health check at /healthz."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from civicplan.core.views import healthz
from config.api import api

admin.site.site_header = _("civicplan — администрирование")
admin.site.site_title = _("civicplan")
admin.site.index_title = _("Управление платформой")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("sitemap.xml", include("civicplan.publications.sitemap_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("civicplan.accounts.urls")),
    path("territories/", include("civicplan.territories.urls")),
    path("territories/", include("civicplan.potential.urls")),
    path("proposals/", include("civicplan.proposals.urls")),
    path("sessions/", include("civicplan.meetings.urls")),
    path("strategy/", include("civicplan.strategy.urls")),
    path("insights/", include("civicplan.insights.urls")),
    path("practices/", include("civicplan.practices.urls")),
    path("news/", include("civicplan.publications.urls")),
    path("drafts/", include("civicplan.drafts.urls")),
    path("notifications/", include("civicplan.notifications.urls")),
    path("reports/", include("civicplan.reports.urls")),
    path("", include("civicplan.core.urls")),
    path("", include("civicplan.campaigns.urls")),
]

if settings.SERVE_MEDIA:
    from django.urls import re_path

    from civicplan.core.views import media

    urlpatterns.insert(0, re_path(r"^media/(?P<path>.+)$", media, name="media"))
