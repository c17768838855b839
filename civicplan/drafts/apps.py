from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    name = "civicplan.drafts"
    label = "drafts"
    verbose_name = _("Обсуждение проекта стратегии")

    def ready(self) -> None:
        from civicplan.core.registry import (
            register_personal_data_eraser,
            register_personal_data_exporter,
        )
        from civicplan.drafts import personal_data

        register_personal_data_exporter(personal_data.export)
        register_personal_data_eraser(personal_data.erase)
