from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "civicplan.practices"
    label = "practices"
    verbose_name = _("Библиотека практик")
