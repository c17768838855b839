"""Fill the database with a believable demo region: `manage.py load_demo [--if-empty]`."""

from __future__ import annotations

import importlib
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from civicplan.demo.modules import DEMO_MODULES


class Command(BaseCommand):
    help = (
        "Загрузить демонстрационные данные: Самарская и Оренбургская области, кампания, стратегия."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ничего не делать, если в базе уже есть регионы.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from civicplan.territories.models import Region

        if options["if_empty"] and Region.objects.exists():
            self.stdout.write("В базе уже есть данные — демонстрационные данные не загружаются.")
            return
        started = time.monotonic()
        for module_name in DEMO_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    continue
                raise
            step = time.monotonic()
            module.load(stdout=self.stdout)
            self.stdout.write(f"  {module_name}: {time.monotonic() - step:.1f} с")
        self.stdout.write(
            self.style.SUCCESS(
                f"Демонстрационные данные загружены за {time.monotonic() - started:.0f} с."
            )
        )
