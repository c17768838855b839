from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "civicplan.insights"
    label = "insights"
    verbose_name = _("Аналитика предложений")

    def ready(self) -> None:
        from civicplan.core.registry import register_nav
        from civicplan.insights import services  # noqa: F401  registers the job handler

        register_nav(label=_("Аналитика"), url_name="insights:index", order=70, staff_only=True)
