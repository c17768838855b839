"""`manage.py potential_recompute`: recompute the potential index with the active methodology."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from civicplan.core.errors import DomainError
from civicplan.core.i18n import gettext_lazy
from civicplan.potential.services import (
    potential_methodology_active,
    potential_methodology_create_default,
    potential_recompute,
)


class Command(BaseCommand):
    help = gettext_lazy(
        "Пересчитать индекс потенциала всех муниципалитетов по действующей методике."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        methodology = potential_methodology_active()
        if methodology is None:
            methodology = potential_methodology_create_default()
            self.stdout.write(
                _("Создана базовая методика «%(name)s».") % {"name": methodology.name}
            )
        try:
            summary = potential_recompute(methodology=methodology)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(summary.text()))
        for notice in summary.notices:
            if notice["level"] == "warning":
                self.stdout.write(f"  {notice['message']}")
