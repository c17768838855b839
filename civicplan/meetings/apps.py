from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "civicplan.meetings"
    label = "meetings"
    verbose_name = _("Стратегические сессии")

    def ready(self) -> None:
        from civicplan.core.registry import (
            register_home_block,
            register_nav,
            register_personal_data_eraser,
            register_personal_data_exporter,
            register_work_link,
        )
        from civicplan.meetings.selectors import MANAGER_ROLES, home_block_context
        from civicplan.meetings.services import personal_data

        register_nav(label=_("Стратегические сессии"), url_name="meetings:calendar", order=20)
        register_work_link(
            label=_("Проведение сессий"),
            url_name="meetings:calendar",
            order=40,
            roles=set(MANAGER_ROLES),
        )
        register_home_block(
            template="meetings/partials/home_sessions.html",
            order=20,
            context=home_block_context,
            shared_topics=("campaigns", "territories"),
        )
        register_personal_data_exporter(personal_data.export)
        register_personal_data_eraser(personal_data.erase)
