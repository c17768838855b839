from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "civicplan.core"
    label = "core"
    verbose_name = _("Общие сервисы")

    def ready(self) -> None:
        from django.core import checks as django_checks

        from civicplan.core import checks  # noqa: F401  (registers the deploy checks)
        from civicplan.core.private_files import check_private_root

        django_checks.register(check_private_root, django_checks.Tags.security)
