"""Who may edit a strategy, its change history and the validation helpers every write shares."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from civicplan.core.errors import Forbidden, InvalidInput
from civicplan.core.pagecache import changes_public_pages
from civicplan.strategy.models import (
    Strategy,
    StrategyChange,
)

# --- permissions and history ------------------------------------------------------------


def strategy_can_edit(*, user: Any, strategy: Strategy) -> bool:
    """Strategy editors (and regional administrators, superusers) of the strategy's region."""
    from civicplan.accounts.models import Role
    from civicplan.accounts.selectors import user_scope

    scope = user_scope(user, [Role.STRATEGY_EDITOR])
    return scope.allows(region_id=strategy.region_id, municipality_id=None)


def strategy_require_editor(*, user: Any, strategy: Strategy) -> None:
    if not strategy_can_edit(user=user, strategy=strategy):
        raise Forbidden(_("Изменять эту стратегию могут только её редакторы в регионе."))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value)
    return value


@changes_public_pages(topics=("strategy",))
def change_record(
    *,
    strategy: Strategy,
    actor: Any,
    action: str,
    obj: Model | None = None,
    label: str = "",
    changes: dict[str, Any] | None = None,
) -> StrategyChange:
    return StrategyChange.objects.create(
        strategy=strategy,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=(obj._meta.model_name or "") if obj is not None else "strategy",
        object_id=obj.pk if obj is not None else None,
        object_label=(label or str(obj or strategy))[:500],
        changes={k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()},
    )


def _apply(instance: Model, fields: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set fields on the instance; return {field: (before, after)} of those that changed."""
    changed: dict[str, tuple[Any, Any]] = {}
    for name, value in fields.items():
        before = getattr(instance, name)
        if before != value:
            changed[name] = (before, value)
            setattr(instance, name, value)
    return changed


# --- validation helpers -------------------------------------------------------------------


def _number(value: Any, *, field: str, label: str) -> float:
    if isinstance(value, str):
        value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            _("%(label)s: «%(value)s» — не число.") % {"label": label, "value": value}, field=field
        ) from exc
    if not math.isfinite(number):
        raise InvalidInput(_("%(label)s: значение не конечно.") % {"label": label}, field=field)
    return number


def _money(value: Any, *, field: str) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    try:
        number = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation as exc:
        raise InvalidInput(
            _("Сумма «%(value)s» — не число.") % {"value": value}, field=field
        ) from exc
    if number < 0 or not number.is_finite():
        raise InvalidInput(_("Сумма финансирования не может быть отрицательной."), field=field)
    return number.quantize(Decimal("0.01"))


def _check_year_in_horizon(strategy: Strategy, year: int, *, field: str = "year") -> None:
    if not strategy.horizon_start <= year <= strategy.horizon_end:
        raise InvalidInput(
            _("Год %(year)s вне горизонта стратегии (%(start)s–%(end)s).")
            % {"year": year, "start": strategy.horizon_start, "end": strategy.horizon_end},
            field=field,
        )


def _check_progress(progress: Any) -> int:
    number = _number(progress, field="progress", label=_("Выполнение"))
    if number < 0 or number > 100:
        raise InvalidInput(
            _("Выполнение указывается в процентах от 0 до 100, а не %(value)s.")
            % {"value": f"{number:g}"},
            field="progress",
        )
    return round(number)


def _normalise_unit(unit: str) -> str:
    return " ".join(unit.replace("\u00a0", " ").lower().strip().rstrip(".").split())


# Spellings of a unit that mean the same (input is matched against them).
UNIT_ALIASES = {"процент": "%", "проценты": "%", "руб": "руб", "рублей": "руб", "чел": "чел"}


def units_match(a: str, b: str) -> bool:
    na, nb = _normalise_unit(a), _normalise_unit(b)
    return UNIT_ALIASES.get(na, na) == UNIT_ALIASES.get(nb, nb)
