"""Erase personal data whose retention period is over: `manage.py retention_erase [--dry-run]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from civicplan.campaigns.retention import retention_run
from civicplan.core.i18n import gettext_lazy


class Command(BaseCommand):
    help = gettext_lazy("Удаляет персональные данные кампаний, у которых истёк срок хранения.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("только показать, что будет удалено, ничего не меняя"),
        )
        parser.add_argument("--json", action="store_true", help=_("отчёт в формате JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_run(dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        verb = _("будет удалено") if report.dry_run else _("удалено")
        if not report.campaigns:
            self.stdout.write(_("Кампаний с истёкшим сроком хранения персональных данных нет."))
            return
        for item in report.campaigns:
            self.stdout.write(
                _(
                    "«%(title)s»: окончилась %(ended)s, срок хранения истёк %(erase_after)s; "
                    "%(verb)s записей: %(total)s"
                )
                % {
                    "title": item.title,
                    "ended": f"{item.ended_on:%d.%m.%Y}",
                    "erase_after": f"{item.erase_after:%d.%m.%Y}",
                    "verb": verb,
                    "total": item.total,
                }
            )
            for name, count in item.counts.items():
                self.stdout.write(f"  {name}: {count}")
        summary = _("Итого %(verb)s записей: %(total)s") % {"verb": verb, "total": report.total}
        if report.dry_run:
            summary += _(" (пробный запуск, данные не изменены)")
        self.stdout.write(self.style.SUCCESS(summary))
