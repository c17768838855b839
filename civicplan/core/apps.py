from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "civicplan.core"
    label = "core"
    verbose_name = _("Общие сервисы")

    def ready(self) -> None:
        from civicplan.core import checks  # noqa: F401  (registers the deploy checks)
