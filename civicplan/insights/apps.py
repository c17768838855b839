from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "civicplan.insights"
    label = "insights"
    verbose_name = _("Аналитика предложений")

    def ready(self) -> None:
        from civicplan.core.jobs import register_job_handler
        from civicplan.core.registry import register_work_link
        from civicplan.insights.services import ANALYZE_JOB, _analyze_job
        from civicplan.insights.views import DASHBOARD_ROLES

        register_job_handler(ANALYZE_JOB, _analyze_job)

        register_work_link(
            label=_("Аналитика"), url_name="insights:index", order=30, roles=set(DASHBOARD_ROLES)
        )

        from civicplan.core.registry import register_proposals_received
        from civicplan.insights.tasks import proposals_analysis_enqueue

        register_proposals_received(proposals_analysis_enqueue)

        from civicplan.core.registry import register_warmup
        from civicplan.insights.warmup import warm

        register_warmup(warm)
