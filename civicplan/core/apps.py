from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _admin_changed(sender: Any, **kwargs: Any) -> None:
    """Whatever the admin changed may be on a public page: the page cache starts over."""
    from civicplan.core.pagecache import public_pages_changed

    public_pages_changed()


class CoreConfig(AppConfig):
    name = "civicplan.core"
    label = "core"
    verbose_name = _("Общие сервисы")

    def ready(self) -> None:
        from django.core import checks as django_checks

        from civicplan.core import checks  # noqa: F401  (registers the deploy checks)
        from civicplan.core.private_files import check_private_root

        django_checks.register(check_private_root, django_checks.Tags.security)

        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        # The admin records every addition, change and deletion it makes as a LogEntry; edits
        # through the services invalidate the page cache themselves.
        post_save.connect(_admin_changed, sender=LogEntry, dispatch_uid="core.pagecache.admin")
