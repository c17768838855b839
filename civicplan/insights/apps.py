from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

SIMILAR_MIN_SCORE = 0.35


class InsightsConfig(AppConfig):
    name = "civicplan.insights"
    label = "insights"
    verbose_name = _("Аналитика предложений")

    def ready(self) -> None:
        from civicplan.core.registry import register_work_link
        from civicplan.insights import services  # noqa: F401  registers the job handler
        from civicplan.insights.views import DASHBOARD_ROLES

        register_work_link(
            label=_("Аналитика"), url_name="insights:index", order=30, roles=set(DASHBOARD_ROLES)
        )

        from civicplan.proposals.selectors import similar_provider_register

        def similar(campaign: object, text: str, limit: int) -> list[tuple[int, float]]:
            from civicplan.insights.engine import similarity_index_for_page

            index = similarity_index_for_page(campaign)  # type: ignore[arg-type]
            if index is None or len(index) == 0:
                return []
            hits = index.query(text, k=limit)
            return [(pk, score) for pk, score in hits if score >= SIMILAR_MIN_SCORE]

        similar_provider_register(similar)

        from civicplan.core.registry import register_proposal_received
        from civicplan.insights.tasks import proposal_analysis_enqueue

        register_proposal_received(proposal_analysis_enqueue)

        from civicplan.core.registry import register_warmup
        from civicplan.insights.warmup import warm

        register_warmup(warm)
