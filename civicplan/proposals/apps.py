from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "civicplan.proposals"
    label = "proposals"
    verbose_name = _("Предложения жителей")

    def ready(self) -> None:
        from civicplan.core.jobs import register_job_handler
        from civicplan.core.registry import (
            register_home_block,
            register_nav,
            register_personal_data_eraser,
            register_personal_data_exporter,
            register_proposal_lookup,
            register_work_link,
        )
        from civicplan.proposals.exports import EXPORT_JOB, proposal_export_run
        from civicplan.proposals.selectors import proposals_by_reference
        from civicplan.proposals.services import MODERATOR_ROLES
        from civicplan.proposals.services.imports import JOB_KIND, proposal_import_run
        from civicplan.proposals.services.personal_data import (
            proposals_personal_data_erase,
            proposals_personal_data_export,
        )
        from civicplan.proposals.views import home_block_context

        register_nav(label=_("Предложения"), url_name="proposals:list", order=10)
        register_work_link(
            label=_("Очередь модерации"),
            url_name="proposals:queue",
            order=10,
            roles=set(MODERATOR_ROLES),
        )
        register_work_link(
            label=_("Сводка модерации"),
            url_name="proposals:dashboard",
            order=20,
            roles=set(MODERATOR_ROLES),
        )
        register_home_block(
            template="proposals/partials/home_block.html",
            order=10,
            context=home_block_context,
            shared_topics=("proposals", "campaigns", "territories"),
        )
        register_job_handler(JOB_KIND, proposal_import_run)
        register_job_handler(EXPORT_JOB, proposal_export_run)
        register_personal_data_exporter(proposals_personal_data_export)
        register_personal_data_eraser(proposals_personal_data_erase)
        register_proposal_lookup(proposals_by_reference)

        from civicplan.core.registry import register_warmup
        from civicplan.proposals.warmup import warm

        register_warmup(warm)
