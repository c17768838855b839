from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PotentialConfig(AppConfig):
    name = "civicplan.potential"
    label = "potential"
    verbose_name = _("Потенциал муниципальных образований")

    def ready(self) -> None:
        from civicplan.core.registry import register_statistics_loaded
        from civicplan.potential.services import potential_recompute_after_statistics

        register_statistics_loaded(potential_recompute_after_statistics)

        from civicplan.core.jobs import register_job_handler
        from civicplan.potential.services import RECOMPUTE_JOB, potential_recompute_run

        register_job_handler(RECOMPUTE_JOB, potential_recompute_run)

        from civicplan.core.registry import register_background_pages, register_warmup
        from civicplan.potential.warmup import background_pages, warm

        register_warmup(warm)
        register_background_pages(background_pages)
