"""What every importer shares: a report of what happened to each row, and a bulk upsert.

Importers validate every row, collect `RowError`s with the line a person sees in the file,
write the good rows in one transaction, and return an `ImportReport`. Re-running an import
with the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

Progress = Callable[[int, int], None]

# A report keeps the first errors word for word and counts the rest, so that a million bad
# rows make a small report, not a hundred megabytes.
REPORTED_ERRORS = 200


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str
    column: str = ""

    def __str__(self) -> str:
        if self.column:
            return _("строка %(line)s, столбец «%(column)s»: %(reason)s") % {
                "line": self.line,
                "column": self.column,
                "reason": self.reason,
            }
        return _("строка %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class ImportReport:
    source: str = ""
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors_not_listed: int = 0
    error_lines: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.errors_not_listed

    @property
    def errors_total(self) -> int:
        return len(self.errors) + self.errors_not_listed

    def error(self, line: int, reason: str, column: str = "") -> None:
        self.error_lines.add(line)
        if len(self.errors) < REPORTED_ERRORS:
            self.errors.append(RowError(line=line, reason=reason, column=column))
        else:
            self.errors_not_listed += 1

    def summary(self) -> str:
        text = _(
            "Файл %(source)s: строк %(total)s, добавлено %(created)s, обновлено %(updated)s, "
            "без изменений %(unchanged)s, с ошибками %(failed)s."
        ) % {
            "source": self.source,
            "total": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": len(self.error_lines | {e.line for e in self.errors}),
        }
        if self.errors_not_listed:
            text += _(" Показаны первые %(shown)s ошибок из %(total)s.") % {
                "shown": len(self.errors),
                "total": self.errors_total,
            }
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "total_rows": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [
                {"line": e.line, "column": e.column, "reason": e.reason} for e in self.errors
            ],
            "errors_total": self.errors_total,
            "warnings": self.warnings[:REPORTED_ERRORS],
        }


def bulk_upsert(
    model: type[models.Model],
    rows: dict[Any, dict[str, Any]],
    *,
    key: Callable[[Any], Any],
    existing: Iterable[models.Model],
    fields: Sequence[str],
    report: ImportReport,
    batch_size: int = 2000,
) -> None:
    """Create rows whose key is new, update rows whose fields differ, count the rest.

    A tool for the owning app's services (its importers): it writes only the model it is given.

    `rows` maps a key to field values; `key(obj)` gives an existing object's key.
    """
    current = {key(obj): obj for obj in existing}
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    for row_key, values in rows.items():
        obj = current.get(row_key)
        if obj is None:
            to_create.append(model(**values))
            continue
        changed = False
        for name in fields:
            new = values.get(name)
            if getattr(obj, name) != new:
                setattr(obj, name, new)
                changed = True
        if changed:
            to_update.append(obj)
        else:
            report.unchanged += 1
    # Kept here: a helper only services call (territories' statistics import), inside their
    # transaction, for the model they own.
    model._default_manager.bulk_create(to_create, batch_size=batch_size)
    if to_update:
        model._default_manager.bulk_update(to_update, list(fields), batch_size=batch_size)
    report.created += len(to_create)
    report.updated += len(to_update)
