from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "civicplan.accounts"
    label = "accounts"
    verbose_name = _("Пользователи и доступ")

    def ready(self) -> None:
        from civicplan.accounts.selectors import job_in_scope, user_roles
        from civicplan.core.registry import register_job_access, register_roles_of

        register_roles_of(user_roles)
        register_job_access(job_in_scope)
