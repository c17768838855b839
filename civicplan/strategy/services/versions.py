"""Saving a version of the strategy (comparison and serialisation live in `strategy.versions`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from civicplan.core.errors import Conflict, InvalidInput
from civicplan.strategy.models import Strategy, StrategyVersion
from civicplan.strategy.services.common import change_record
from civicplan.strategy.versions import strategy_serialize


@transaction.atomic
def strategy_version_save(
    *, strategy: Strategy, label: str = "", note: str = "", actor: Any = None
) -> StrategyVersion:
    """Save the current state of the strategy as a version named `label` (default: its version)."""
    label = (label or strategy.version).strip()
    if not label:
        raise InvalidInput(_("Укажите название версии."), field="label")
    if strategy.versions.filter(label=label).exists():
        raise Conflict(
            _("Версия «%(label)s» уже сохранена; выберите другое название.") % {"label": label},
            field="label",
        )
    version = StrategyVersion.objects.create(
        strategy=strategy,
        label=label,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
        data=strategy_serialize(strategy),
    )
    change_record(
        strategy=strategy,
        actor=actor,
        action="snapshot",
        obj=version,
        label=_("Версия «%(label)s»") % {"label": label},
    )
    return version
