from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "civicplan.strategy"
    label = "strategy"
    verbose_name = _("Стратегия")

    def ready(self) -> None:
        from civicplan.accounts.models import Role
        from civicplan.core.jobs import register_job_handler
        from civicplan.core.registry import register_nav, register_work_link
        from civicplan.strategy.document_jobs import DOCUMENT_JOB, strategy_document_run
        from civicplan.strategy.importers.jobs import JOB_KIND, strategy_import_run

        register_job_handler(JOB_KIND, strategy_import_run)
        register_job_handler(DOCUMENT_JOB, strategy_document_run)

        register_nav(label=_("Стратегия"), url_name="strategy:index", order=30)
        register_work_link(
            label=_("Работа со стратегией"),
            url_name="strategy:index",
            order=50,
            roles={Role.STRATEGY_EDITOR},
        )

        from civicplan.core.registry import register_warmup
        from civicplan.strategy.warmup import warm

        register_warmup(warm)
