"""The house rule «everything a user reads in Russian goes through Django's translation functions».

Every Cyrillic string literal in `civicplan/` and `config/` (tests, migrations, demo content and the
Django-free analytics engine aside) must sit inside a gettext call, unless it is data that input
is matched against — and such data lives in a named module-level constant listed below with
its reason.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
ROOT = PACKAGE.parent
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
TRANSLATORS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}

# Whole modules whose Russian literals are data, with the reason.
ALLOWED_MODULES: dict[str, str] = {
    "civicplan/accounts/testing.py": "test support (a resident's password) for signed-in page tests",
    "civicplan/drafts/testing.py": (
        "test support (a sample Russian draft, people) for the drafts tests and journeys"
    ),
    "civicplan/cli.py": (
        "the console script runs without Django settings (like analytics), where gettext fails"
    ),
    "civicplan/strategy/importers/layout.py": (
        "the strategy workbook format: sheet names, column headers and choice words that a "
        "file's cells are matched against"
    ),
}

# (module, top-level name) -> why the Russian literals in that constant are data.
ALLOWED_CONSTANTS: dict[tuple[str, str], str] = {
    ("config/settings.py", "TRUE_WORDS"): ("values of an environment variable that mean «on»"),
    ("civicplan/drafts/importing.py", "_HEADING_STYLE"): ("Word heading style names, matched"),
    ("civicplan/drafts/importing.py", "_TITLE_STYLES"): ("Word title style names, matched"),
    ("civicplan/drafts/importing.py", "_LIST_STYLE"): ("Word list style names, matched"),
    ("civicplan/drafts/importing.py", "_NUMBERED"): (
        "numbered heading pattern («Раздел 2.», «Глава 3»), matched"
    ),
    ("civicplan/drafts/importing.py", "_TOC_STYLE_PREFIXES"): (
        "Word contents style names, matched"
    ),
    ("civicplan/drafts/importing.py", "_NUMBERED_STYLE_WORDS"): (
        "Word numbered-list style words, matched"
    ),
    ("civicplan/drafts/services/comments.py", "_LETTER"): (
        "a regular expression of Latin and Cyrillic letters"
    ),
    ("civicplan/core/svg.py", "PLACE_KIND_PREFIXES"): (
        "kinds of municipality matched at the start or end of a name and dropped from map labels"
    ),
    ("civicplan/meetings/services/outcomes.py", "RESOLUTION_CODE_PREFIX"): (
        "prefix of measure codes, identifiers people type into the workbook"
    ),
    ("civicplan/publications/services/__init__.py", "_TRANSLIT"): (
        "Cyrillic letters looked up to spell a slug in Latin"
    ),
    ("civicplan/proposals/services/imports.py", "HEADER_ALIASES"): (
        "column names of a proposals file recognised without a mapping"
    ),
    ("civicplan/proposals/textcheck.py", "_LETTER"): (
        "a regular expression of Latin and Cyrillic letters"
    ),
    ("civicplan/strategy/services/common.py", "UNIT_ALIASES"): (
        "spellings of units that typed units are matched against"
    ),
    ("civicplan/strategy/services/kpis.py", "STATISTICS_SOURCE"): (
        "the source stored with values from statistics and compared on every recomputation"
    ),
    ("civicplan/strategy/services/plan.py", "RESOLUTION_CODE_PREFIX"): (
        "prefix of measure codes, identifiers people type into the workbook"
    ),
    ("civicplan/territories/models.py", "DEFAULT_CITY_KIND"): (
        "the stored kind of a settlement, as statistics files abbreviate it"
    ),
    ("civicplan/territories/services.py", "KIND_BY_TEXT"): (
        "municipality types as the OKTMO files spell them, matched against input"
    ),
    ("civicplan/territories/services.py", "REGION_WORDS"): (
        "words dropped from region names before names are compared"
    ),
    ("civicplan/territories/services.py", "STATISTICS_SOURCE_LABEL"): (
        "the source name stored with every imported statistics value"
    ),
    ("civicplan/territories/services.py", "YO_AS_E"): ("«ё» read as «е» when names are compared"),
    ("civicplan/territories/views.py", "OKVED_SUFFIX"): (
        "where the industry code starts in a wage indicator's name (parsed, not shown)"
    ),
    ("civicplan/strategy/versions.py", "TARGET_KEY"): (
        "a key inside stored version snapshots that later versions are compared with"
    ),
}


EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}

# Modules that still translate once at import (text frozen in the language of the process).
IMPORT_TIME_EXCEPTIONS: dict[str, str] = {}


@cache
def _tree(path: Path) -> ast.Module:
    """Each module is parsed once for both checks."""
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _skipped(relative: str) -> bool:
    parts = relative.split("/")
    return (
        "tests" in parts
        or "migrations" in parts
        or "analytics" in parts
        or any("demo" in part for part in parts)
    )


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _defined_names(statement: ast.stmt) -> set[str]:
    if isinstance(statement, ast.Assign):
        return {t.id for t in statement.targets if isinstance(t, ast.Name)}
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return {statement.target.id}
    if isinstance(statement, ast.ClassDef):
        return {statement.name}
    return set()


def _violations(path: Path, relative: str) -> list[str]:
    tree = _tree(path)
    found: list[str] = []

    def visit(node: ast.AST, *, allowed: bool) -> None:
        if isinstance(node, ast.Call) and _call_name(node) in TRANSLATORS:
            return
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # a docstring
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and CYRILLIC.search(node.value)
            and not allowed
        ):
            found.append(f"{relative}:{node.lineno}: {node.value[:60]!r}")
        for child in ast.iter_child_nodes(node):
            visit(child, allowed=allowed)

    for statement in tree.body:
        allowed = any((relative, name) in ALLOWED_CONSTANTS for name in _defined_names(statement))
        visit(statement, allowed=allowed)
    return found


def _import_time_calls(path: Path, relative: str) -> list[str]:
    """Calls of an eager gettext (`gettext as _` and kin) that run when the module is imported:
    at module or class level, in decorators and in default values."""
    tree = _tree(path)
    eager = {
        alias.asname or alias.name
        for statement in tree.body
        if isinstance(statement, ast.ImportFrom) and statement.module == "django.utils.translation"
        for alias in statement.names
        if alias.name in EAGER
    }
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for evaluated in [
                *getattr(node, "decorator_list", []),
                *node.args.defaults,
                *[d for d in node.args.kw_defaults if d is not None],
            ]:
                visit(evaluated)
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in eager:
            found.append(f"{relative}:{node.lineno}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    if eager:
        for statement in tree.body:
            visit(statement)
    return found


def _all_import_time_calls() -> list[str]:
    found: list[str] = []
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        if _skipped(relative) or relative in IMPORT_TIME_EXCEPTIONS:
            continue
        found.extend(_import_time_calls(path, relative))
    return found


def _sources() -> list[Path]:
    return sorted([*PACKAGE.rglob("*.py"), *(ROOT / "config").glob("*.py")])


def _all_violations() -> list[str]:
    found: list[str] = []
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        if _skipped(relative) or relative in ALLOWED_MODULES:
            continue
        found.extend(_violations(path, relative))
    return found


def test_russian_text_goes_through_gettext() -> None:
    found = _all_violations()
    assert not found, (
        "Russian literals outside gettext (wrap them in `_()`, or move data into a named "
        "constant listed in this test's allowlist with a reason):\n" + "\n".join(found)
    )


def test_no_text_is_translated_once_at_import() -> None:
    found = _all_import_time_calls()
    assert not found, (
        "gettext called at import freezes the text in one language; use gettext_lazy "
        "(civicplan.core.i18n.gettext_lazy where a `str` is expected):\n" + "\n".join(found)
    )


def test_allowlist_names_existing_code() -> None:
    for relative in [*ALLOWED_MODULES, *IMPORT_TIME_EXCEPTIONS]:
        assert (ROOT / relative).is_file(), relative
    for relative, name in ALLOWED_CONSTANTS:
        tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
        names = set().union(*(_defined_names(s) for s in tree.body))
        assert name in names, f"{relative}: no top-level {name}"


def test_a_translation_at_import_is_caught(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "from django.utils.translation import gettext as _\n"
        'LABELS = {"a": _("Опрос")}\n'
        'def f(x=_("Опрос")):\n'
        '    return _("Опрос не найден.")\n',
        encoding="utf-8",
    )
    assert _import_time_calls(module, "module.py") == ["module.py:2", "module.py:3"]


def test_a_bare_russian_message_is_caught(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "from django.utils.translation import gettext as _\n"
        "def f(x):\n"
        '    """Докстринг не считается."""\n'
        '    ok = _("Опрос не найден.")\n'
        '    raise ValueError(f"Опрос {x} не найден.")\n',
        encoding="utf-8",
    )
    assert _violations(module, "module.py") == [
        "module.py:5: 'Опрос '",
        "module.py:5: ' не найден.'",
    ]
