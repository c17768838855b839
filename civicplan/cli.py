"""The `civicplan` console script.

civicplan analyze …   text analysis of a CSV/XLSX file, no server (see analytics.cli)
civicplan manage …    Django's manage.py, for convenience
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

USAGE = (
    "Использование:\n"
    "  civicplan analyze {classify,duplicates,topics,report} …  — анализ таблицы предложений\n"
    "  civicplan manage КОМАНДА …                               — команды Django (manage.py)\n"
)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        sys.stderr.write(USAGE)
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "analyze":
        from civicplan.analytics.cli import main as analyze_main

        return analyze_main(rest)
    if command == "manage":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["civicplan manage", *rest])
        return 0
    sys.stderr.write(f"Неизвестная команда «{command}».\n{USAGE}")
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
