from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "civicplan.practices"
    label = "practices"
    verbose_name = _("Библиотека практик")

    def ready(self) -> None:
        from civicplan.core.registry import register_nav, register_work_link
        from civicplan.practices.views import MODERATOR_ROLES

        register_nav(label=_("Практики"), url_name="practices:list", order=70)
        register_work_link(
            label=_("Практики на проверке"),
            url_name="practices:moderation",
            order=60,
            roles=set(MODERATOR_ROLES),
        )

        from civicplan.core.registry import register_warmup
        from civicplan.practices.warmup import warm

        register_warmup(warm)
