"""`manage.py import_territories [--all | KIND FILE]` — load municipalities, indicators, cities."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from civicplan.core.i18n import gettext_lazy
from civicplan.core.imports import ImportReport
from civicplan.territories import services

KINDS = {
    "municipalities": "municipalities.csv",
    "indicators-meta": "indicators_meta.csv",
    "indicators": "indicators.csv",
    "cities": "cities.csv",
}


def shipped_file(kind: str) -> Path:
    return Path(settings.BASE_DIR) / "data" / "municipal" / KINDS[kind]


class Command(BaseCommand):
    help = gettext_lazy(
        "Загрузить справочник территорий и статистику. Без аргументов с --all загружает все "
        "файлы из data/municipal/ по порядку. Повторный запуск ничего не меняет."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", nargs="?", choices=sorted(KINDS), help=_("что загружать"))
        parser.add_argument(
            "file", nargs="?", help=_("CSV или XLSX (UTF-8 или cp1251, «,» или «;»)")
        )
        parser.add_argument(
            "--all", action="store_true", help=_("все поставляемые файлы по порядку")
        )
        parser.add_argument("--max-errors", type=int, default=30, help=_("сколько ошибок показать"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"]:
            jobs = [
                (kind, shipped_file(kind))
                for kind in ("municipalities", "indicators-meta", "indicators", "cities")
            ]
        elif options["kind"] and options["file"]:
            jobs = [(options["kind"], Path(options["file"]))]
        else:
            raise CommandError(
                _(
                    "Укажите вид данных и файл, например: import_territories indicators "
                    "data.csv, или --all."
                )
            )
        failed = False
        for kind, path in jobs:
            report = self._import(kind, path)
            self._print(report, options["max_errors"])
            failed = failed or not report.ok
        if any(kind == "indicators" for kind, _path in jobs):
            self._statistics_loaded()
        if failed:
            raise CommandError(
                _("Часть строк не загружена: исправьте их и запустите загрузку ещё раз."),
                returncode=2,
            )

    def _statistics_loaded(self) -> None:
        """New statistics change what is computed from them (the potential index): tell them."""
        from civicplan.core.registry import statistics_loaded_listeners

        for listener in statistics_loaded_listeners():
            line = listener()
            if line:
                self.stdout.write(line)

    def _import(self, kind: str, path: Path) -> ImportReport:
        bar = tqdm(desc=f"{kind}: {path.name}", unit=_(" строк"), disable=None)

        def progress(done: int, total: int) -> None:
            bar.n = done
            bar.refresh()

        try:
            if kind == "municipalities":
                return services.municipalities_import(source=path, progress=progress)
            if kind == "indicators-meta":
                return services.indicators_meta_import(source=path)
            if kind == "indicators":
                return services.indicator_values_import(source=path, progress=progress)
            return services.cities_import(source=path, progress=progress)
        finally:
            bar.close()

    def _print(self, report: ImportReport, limit: int) -> None:
        style = self.style.SUCCESS if report.ok else self.style.WARNING
        self.stdout.write(style(report.summary()))
        for error in report.errors[:limit]:
            self.stdout.write(f"  {error}")
        if len(report.errors) > limit:
            more = len(report.errors) - limit
            self.stdout.write(
                ngettext("  … и ещё %(n)s ошибка", "  … и ещё %(n)s ошибок", more) % {"n": more}
            )
