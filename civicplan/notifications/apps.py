from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "civicplan.notifications"
    verbose_name = _("Подписки и уведомления")

    def ready(self) -> None:
        from civicplan.core.registry import (
            register_event_listener,
            register_personal_data_eraser,
            register_personal_data_exporter,
            register_proposals_received,
        )
        from civicplan.notifications import personal_data
        from civicplan.notifications.services.events import on_event, on_proposals_received
        from civicplan.notifications.targets import register_default_targets

        register_default_targets()
        register_event_listener(on_event)
        register_proposals_received(on_proposals_received)
        register_personal_data_exporter(personal_data.export)
        register_personal_data_eraser(personal_data.erase)
