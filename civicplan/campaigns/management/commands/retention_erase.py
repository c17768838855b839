"""Erase personal data whose retention period is over: `manage.py retention_erase [--dry-run]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from civicplan.campaigns.retention import retention_run


class Command(BaseCommand):
    help = "Удаляет персональные данные кампаний, у которых истёк срок хранения."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="только показать, что будет удалено, ничего не меняя",
        )
        parser.add_argument("--json", action="store_true", help="отчёт в формате JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_run(dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        verb = "будет удалено" if report.dry_run else "удалено"
        if not report.campaigns:
            self.stdout.write("Кампаний с истёкшим сроком хранения персональных данных нет.")
            return
        for item in report.campaigns:
            self.stdout.write(
                f"«{item.title}»: окончилась {item.ended_on:%d.%m.%Y}, "
                f"срок хранения истёк {item.erase_after:%d.%m.%Y}; {verb} записей: {item.total}"
            )
            for name, count in item.counts.items():
                self.stdout.write(f"  {name}: {count}")
        summary = f"Итого {verb} записей: {report.total}"
        if report.dry_run:
            summary += " (пробный запуск, данные не изменены)"
        self.stdout.write(self.style.SUCCESS(summary))
