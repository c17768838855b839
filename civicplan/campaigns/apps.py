from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "civicplan.campaigns"
    label = "campaigns"
    verbose_name = _("Кампании")

    def ready(self) -> None:
        from civicplan.core.registry import register_nav

        register_nav(label=_("Главная"), url_name="campaigns:home", order=0)
