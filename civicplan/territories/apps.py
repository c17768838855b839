from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "civicplan.territories"
    label = "territories"
    verbose_name = _("Территории и статистика")

    def ready(self) -> None:
        from civicplan.core.registry import register_nav

        register_nav(label=_("Территории"), url_name="territories:index", order=60)

        from civicplan.core.registry import register_warmup
        from civicplan.territories.warmup import warm

        register_warmup(warm)
