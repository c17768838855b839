from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "civicplan.publications"
    label = "publications"
    verbose_name = _("Новости и опросы")

    def ready(self) -> None:
        from civicplan.core.registry import (
            register_home_block,
            register_nav,
            register_page_variant,
            register_personal_data_eraser,
            register_personal_data_exporter,
        )
        from civicplan.publications.home import home_news, home_poll
        from civicplan.publications.services import personal_data

        register_nav(label=_("Новости"), url_name="publications:list", order=40)
        register_home_block(
            template="publications/partials/home_news.html",
            order=40,
            context=home_news,
            shared_topics=("publications", "campaigns"),
        )
        register_home_block(
            template="publications/partials/home_poll.html", order=41, context=home_poll
        )
        register_personal_data_exporter(personal_data.export)
        register_personal_data_eraser(personal_data.erase)

        from civicplan.publications.visitor import page_variant

        register_page_variant(page_variant)

        from civicplan.core.registry import register_page_schedule
        from civicplan.publications.selectors import next_scheduled_change

        register_page_schedule("publications", next_scheduled_change)

        from civicplan.core.registry import register_warmup
        from civicplan.publications.warmup import warm

        register_warmup(warm)
