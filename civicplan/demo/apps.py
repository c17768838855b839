from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo region (`manage.py load_demo`): the top layer, no app imports it."""

    name = "civicplan.demo"
    label = "demo"
    verbose_name = _("Демонстрационные данные")
