from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    name = "civicplan.drafts"
    label = "drafts"
    verbose_name = _("Обсуждение проекта стратегии")

    def ready(self) -> None:
        from civicplan.accounts.models import Role
        from civicplan.core.jobs import register_job_handler
        from civicplan.core.registry import (
            register_home_block,
            register_nav,
            register_personal_data_eraser,
            register_personal_data_exporter,
            register_work_link,
        )
        from civicplan.drafts import answer_jobs
        from civicplan.drafts.importing import JOB_KIND, version_import_run
        from civicplan.drafts.services import MODERATOR_ROLES, personal_data
        from civicplan.drafts.views import home_block_context

        register_nav(label=_("Обсуждение проекта"), url_name="drafts:list", order=25)
        register_work_link(
            label=_("Проект стратегии: текст и редакции"),
            url_name="drafts:staff",
            order=35,
            roles={Role.STRATEGY_EDITOR},
        )
        register_work_link(
            label=_("Замечания к проекту стратегии"),
            url_name="drafts:queue",
            order=15,
            roles=set(MODERATOR_ROLES),
        )
        register_home_block(
            template="drafts/partials/home_block.html",
            order=15,
            context=home_block_context,
            shared_topics=("campaigns",),
        )
        register_job_handler(JOB_KIND, version_import_run)
        answer_jobs.register()
        register_personal_data_exporter(personal_data.export)
        register_personal_data_eraser(personal_data.erase)
