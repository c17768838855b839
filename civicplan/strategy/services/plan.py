"""The strategy's structure and roadmap: strategy, stages, directions, goals, measures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.errors import InvalidInput
from civicplan.core.registry import event_emit
from civicplan.strategy.metrics import Node, find_cycle, rolled_up_progress
from civicplan.strategy.models import (
    KPI,
    Direction,
    Goal,
    Measure,
    MeasureState,
    Milestone,
    Sector,
    Stage,
    Strategy,
)
from civicplan.strategy.services.common import (
    _apply,
    _check_progress,
    _check_year_in_horizon,
    _money,
    _number,
    change_record,
)

# Codes of measures drafted from a session's resolutions: «П-1», «П-2»… A code is an
# identifier people type into the strategy workbook, not a message, so it stays as it is.
RESOLUTION_CODE_PREFIX = "П-"


# --- strategy, stages, goals --------------------------------------------------------------


@transaction.atomic
def strategy_update(*, strategy: Strategy, actor: Any = None, **fields: Any) -> Strategy:
    allowed = {
        "title",
        "version",
        "state",
        "approval_act",
        "summary",
        "horizon_start",
        "horizon_end",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(
            _("Эти поля стратегии нельзя изменить: %s.") % ", ".join(sorted(unknown))
        )
    start = fields.get("horizon_start", strategy.horizon_start)
    end = fields.get("horizon_end", strategy.horizon_end)
    if end < start:
        raise InvalidInput(_("Горизонт стратегии заканчивается раньше, чем начинается."))
    if "state" in fields and fields["state"] not in Strategy.State.values:
        raise InvalidInput(_("Неизвестное состояние стратегии."), field="state")
    changes = _apply(strategy, fields)
    if changes:
        strategy.save()
        change_record(
            strategy=strategy, actor=actor, action="update", obj=strategy, changes=changes
        )
    return strategy


@transaction.atomic
def stage_set(
    *, strategy: Strategy, title: str, start_year: int, end_year: int, actor: Any = None
) -> Stage:
    if end_year < start_year:
        raise InvalidInput(_("Этап заканчивается раньше, чем начинается."))
    _check_year_in_horizon(strategy, start_year, field="start_year")
    _check_year_in_horizon(strategy, end_year, field="end_year")
    overlapping = strategy.stages.filter(start_year__lte=end_year, end_year__gte=start_year)
    stage = strategy.stages.filter(title=title).order_by("pk").first()
    if overlapping.exclude(pk=getattr(stage, "pk", None) or 0).exists():
        raise InvalidInput(_("Этапы стратегии не должны пересекаться по годам."))
    if stage is None:
        stage = Stage.objects.create(
            strategy=strategy, title=title, start_year=start_year, end_year=end_year
        )
        change_record(strategy=strategy, actor=actor, action="create", obj=stage)
    else:
        changes = _apply(stage, {"start_year": start_year, "end_year": end_year})
        if changes:
            stage.save()
            change_record(
                strategy=strategy, actor=actor, action="update", obj=stage, changes=changes
            )
    return stage


@transaction.atomic
def direction_upsert(
    *,
    strategy: Strategy,
    slug: str,
    title: str,
    description: str = "",
    order: int = 0,
    actor: Any = None,
) -> tuple[Direction, str]:
    if not title.strip():
        raise InvalidInput(_("У направления должно быть название."), field="title")
    direction = strategy.directions.filter(slug=slug).order_by("pk").first()
    if direction is None:
        direction = Direction.objects.create(
            strategy=strategy, slug=slug, title=title, description=description, order=order
        )
        change_record(strategy=strategy, actor=actor, action="create", obj=direction)
        return direction, "created"
    changes = _apply(direction, {"title": title, "description": description, "order": order})
    if changes:
        direction.save()
        change_record(
            strategy=strategy, actor=actor, action="update", obj=direction, changes=changes
        )
    return direction, "updated" if changes else "unchanged"


@transaction.atomic
def goal_upsert(
    *,
    direction: Direction,
    code: str,
    title: str,
    description: str = "",
    order: int = 0,
    actor: Any = None,
) -> tuple[Goal, str]:
    code = code.strip()
    if not code or not title.strip():
        raise InvalidInput(_("У цели должны быть код и название."))
    strategy = direction.strategy
    goal = Goal.objects.filter(direction__strategy=strategy, code=code).order_by("pk").first()
    fields = {
        "direction": direction,
        "title": title.strip(),
        "description": description,
        "order": order,
    }
    if goal is None:
        goal = Goal.objects.create(code=code, **fields)
        change_record(strategy=strategy, actor=actor, action="create", obj=goal)
        return goal, "created"
    changes = _apply(goal, fields)
    if changes:
        goal.save()
        change_record(strategy=strategy, actor=actor, action="update", obj=goal, changes=changes)
    return goal, "updated" if changes else "unchanged"


# --- measures -----------------------------------------------------------------------------


def _date(value: Any, *, field: str, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InvalidInput(
        _("%(label)s: «%(value)s» — не дата (ожидается ДД.ММ.ГГГГ).")
        % {"label": label, "value": text},
        field=field,
    )


MEASURE_FIELDS = {
    "direction",
    "parent",
    "title",
    "description",
    "organisation",
    "sector",
    "partners",
    "starts_on",
    "ends_on",
    "budget_federal",
    "budget_regional",
    "budget_municipal",
    "budget_private",
    "state",
    "progress",
    "weight",
    "order",
}


def _measure_clean(
    strategy: Strategy, measure: Measure | None, fields: dict[str, Any]
) -> dict[str, Any]:
    unknown = set(fields) - MEASURE_FIELDS
    if unknown:
        raise InvalidInput(_("Неизвестные поля мероприятия: %s.") % ", ".join(sorted(unknown)))
    clean = dict(fields)
    if "title" in clean and not str(clean["title"]).strip():
        raise InvalidInput(_("У мероприятия должно быть название."), field="title")
    if "organisation" in clean and not str(clean["organisation"]).strip():
        raise InvalidInput(_("Укажите ответственного исполнителя."), field="organisation")
    if "sector" in clean and clean["sector"] not in Sector.values:
        raise InvalidInput(
            _("Неизвестный сектор исполнителя: «%s».") % clean["sector"], field="sector"
        )
    if "state" in clean and clean["state"] not in MeasureState.values:
        raise InvalidInput(
            _("Неизвестное состояние мероприятия: «%s».") % clean["state"], field="state"
        )
    for name, label in (("starts_on", _("Начало")), ("ends_on", _("Окончание"))):
        if name in clean:
            clean[name] = _date(clean[name], field=name, label=label)
    starts = clean.get("starts_on", getattr(measure, "starts_on", None))
    ends = clean.get("ends_on", getattr(measure, "ends_on", None))
    if starts and ends and ends < starts:
        raise InvalidInput(
            _("Мероприятие заканчивается (%(end)s) раньше, чем начинается (%(start)s).")
            % {"end": ends.strftime("%d.%m.%Y"), "start": starts.strftime("%d.%m.%Y")},
            field="ends_on",
        )
    if "progress" in clean:
        clean["progress"] = _check_progress(clean["progress"])
    if "weight" in clean:
        clean["weight"] = _number(clean["weight"], field="weight", label=_("Вес"))
        if clean["weight"] < 0:
            raise InvalidInput(_("Вес мероприятия не может быть отрицательным."), field="weight")
    for name in ("budget_federal", "budget_regional", "budget_municipal", "budget_private"):
        if name in clean:
            clean[name] = _money(clean[name], field=name)
    direction = clean.get("direction")
    if direction is not None and direction.strategy_id != strategy.pk:
        raise InvalidInput(_("Направление относится к другой стратегии."), field="direction")
    parent = clean.get("parent")
    if parent is not None:
        if parent.strategy_id != strategy.pk:
            raise InvalidInput(
                _("Родительское мероприятие относится к другой стратегии."), field="parent"
            )
        if measure is not None and measure.pk is not None:
            parent_of: dict[int, int | None] = dict(
                Measure.objects.filter(strategy=strategy).values_list("pk", "parent_id")
            )
            parent_of[measure.pk] = parent.pk
            cycle = find_cycle(parent_of, measure.pk)
            if cycle:
                codes = dict(Measure.objects.filter(pk__in=cycle).values_list("pk", "code"))
                chain = " → ".join(codes.get(pk, "?") for pk in cycle)
                raise InvalidInput(
                    _("Мероприятие не может входить само в себя: получается цикл %(chain)s.")
                    % {"chain": chain},
                    field="parent",
                )
    return clean


def _check_links(
    strategy: Strategy, goals: Iterable[Goal] | None, kpis: Iterable[KPI] | None
) -> None:
    for goal in goals or ():
        if goal.direction.strategy_id != strategy.pk:
            raise InvalidInput(
                _("Цель «%s» относится к другой стратегии.") % goal.title, field="goals"
            )
    for kpi in kpis or ():
        if kpi.goal.direction.strategy_id != strategy.pk:
            raise InvalidInput(
                _("Показатель «%s» относится к другой стратегии.") % kpi.name, field="kpis"
            )


def _set_links(
    measure: Measure,
    *,
    goals: Iterable[Goal] | None,
    kpis: Iterable[KPI] | None,
    proposals: Iterable[Any] | None,
    municipalities: Iterable[Any] | None,
) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    for name, items in (
        ("goals", goals),
        ("kpis", kpis),
        ("proposals", proposals),
        ("municipalities", municipalities),
    ):
        if items is None:
            continue
        items = list(items)
        manager = getattr(measure, name)
        # .all() reads a prefetched list when the caller prefetched it (the importer does)
        before = sorted(obj.pk for obj in manager.all())
        after = sorted(i.pk for i in items)
        if before != after:
            manager.set(items)
            changes[name] = (len(before), len(after))
            if name == "proposals":
                event_emit("measure.proposals_linked", measure=measure, proposal_ids=sorted(set(after) - set(before)))  # fmt: skip
    return changes


@transaction.atomic
def measure_upsert(
    *,
    strategy: Strategy,
    code: str,
    goals: Iterable[Goal] | None = None,
    kpis: Iterable[KPI] | None = None,
    proposals: Iterable[Any] | None = None,
    municipalities: Iterable[Any] | None = None,
    actor: Any = None,
    rollup: bool = True,
    current: Measure | None = None,
    **fields: Any,
) -> tuple[Measure, str]:
    """Create or update the measure with this code; returns it and «created»/«updated»/«unchanged».

    `current`: the measure with this code, already fetched (with its links prefetched) by a
    caller that upserts many, so that an unchanged row costs no query of its own.
    """
    code = str(code).strip()
    if not code:
        raise InvalidInput(_("У мероприятия должен быть код."), field="code")
    goals = list(goals) if goals is not None else None
    kpis = list(kpis) if kpis is not None else None
    _check_links(strategy, goals, kpis)
    if proposals is not None:
        proposals = list(proposals)
        for proposal in proposals:
            if proposal.campaign.strategy_id not in (None, strategy.pk):
                raise InvalidInput(
                    _("Предложение %(code)s подано в кампанию другой стратегии.")
                    % {"code": f"№ {proposal.pk}"},
                    field="proposals",
                )
    if current is not None and current.strategy_id == strategy.pk and current.code == code:
        measure: Measure | None = current
    else:
        measure = Measure.objects.filter(strategy=strategy, code=code).order_by("pk").first()
    clean = _measure_clean(strategy, measure, fields)
    if measure is None:
        missing = [
            f
            for f in ("direction", "title", "organisation", "sector", "starts_on", "ends_on")
            if f not in clean
        ]
        if missing:
            raise InvalidInput(
                _("Для нового мероприятия не хватает полей: %s.") % ", ".join(missing)
            )
        measure = Measure(strategy=strategy, code=code, **clean)
        measure.save()
        _set_links(
            measure, goals=goals, kpis=kpis, proposals=proposals, municipalities=municipalities
        )
        change_record(strategy=strategy, actor=actor, action="create", obj=measure)
        outcome = "created"
    else:
        changes = _apply(measure, clean)
        if changes:
            measure.save()
            event_emit("measure.changed", measure=measure, changes=changes)
        changes.update(
            _set_links(
                measure, goals=goals, kpis=kpis, proposals=proposals, municipalities=municipalities
            )
        )
        if changes:
            change_record(
                strategy=strategy, actor=actor, action="update", obj=measure, changes=changes
            )
        outcome = "updated" if changes else "unchanged"
    if rollup and outcome != "unchanged":
        measure_rollup(strategy=strategy, actor=actor)
    return measure, outcome


@transaction.atomic
def measure_progress_set(
    *, measure: Measure, progress: Any, state: str | None = None, actor: Any = None
) -> Measure:
    """Set the progress (0–100) and optionally the state of a measure; parents roll up."""
    fields: dict[str, Any] = {"progress": progress}
    if state:
        fields["state"] = state
    clean = _measure_clean(measure.strategy, measure, fields)
    if measure.children.exists():
        raise InvalidInput(
            _("Выполнение сводного мероприятия считается по вложенным — измените их."),
            field="progress",
        )
    if (
        clean["progress"] == 100
        and "state" not in clean
        and measure.state != MeasureState.CANCELLED
    ):
        clean["state"] = MeasureState.DONE
    elif clean["progress"] > 0 and "state" not in clean and measure.state == MeasureState.PLANNED:
        clean["state"] = MeasureState.IN_PROGRESS
    changes = _apply(measure, clean)
    if changes:
        measure.save()
        event_emit("measure.changed", measure=measure, changes=changes)
        change_record(
            strategy=measure.strategy, actor=actor, action="update", obj=measure, changes=changes
        )
        measure_rollup(strategy=measure.strategy, actor=actor)
    return measure


def measure_tree(measures: Iterable[Measure]) -> dict[int, Node]:
    """Roll-up nodes for every measure, keyed by primary key."""
    items = list(measures)
    children: dict[int | None, list[Measure]] = defaultdict(list)
    for m in items:
        children[m.parent_id].append(m)

    def build(m: Measure, depth: int = 0) -> Node:
        if depth > 50:
            raise InvalidInput(_("Слишком глубокая вложенность мероприятий."))
        return Node(
            key=m.pk,
            progress=m.progress,
            weight=m.weight,
            cancelled=m.state == MeasureState.CANCELLED,
            children=[build(c, depth + 1) for c in children.get(m.pk, [])],
        )

    nodes: dict[int, Node] = {}

    def index(node: Node) -> None:
        nodes[node.key] = node  # type: ignore[index]
        for child in node.children:
            index(child)

    for root in children.get(None, []):
        index(build(root))
    return nodes


def measure_rollup(*, strategy: Strategy, actor: Any = None) -> int:
    """Recompute the progress of every parent measure from its children. Returns rows changed."""
    measures = list(
        Measure.objects.filter(strategy=strategy).only(
            "pk", "parent_id", "progress", "weight", "state"
        )
    )
    nodes = measure_tree(measures)
    changed = []
    for m in measures:
        node = nodes.get(m.pk)
        if node is None or not node.children:
            continue
        value = round(rolled_up_progress(node))
        if value != m.progress:
            m.progress = value
            changed.append(m)
    if changed:
        Measure.objects.bulk_update(changed, ["progress"])
    return len(changed)


@transaction.atomic
def milestone_upsert(
    *, measure: Measure, title: str, due_on: Any, done_on: Any = None, actor: Any = None
) -> Milestone:
    if not title.strip():
        raise InvalidInput(_("У контрольной точки должно быть название."), field="title")
    due = _date(due_on, field="due_on", label=_("Срок"))
    done = _date(done_on, field="done_on", label=_("Дата выполнения")) if done_on else None
    if not (measure.starts_on <= due <= measure.ends_on):
        raise InvalidInput(
            _("Срок контрольной точки %(due)s вне сроков мероприятия.")
            % {"due": due.strftime("%d.%m.%Y")},
            field="due_on",
        )
    milestone = measure.milestones.filter(title=title.strip()).order_by("pk").first()
    if milestone is None:
        milestone = Milestone.objects.create(
            measure=measure, title=title.strip(), due_on=due, done_on=done
        )
        change_record(strategy=measure.strategy, actor=actor, action="create", obj=milestone)
    else:
        changes = _apply(milestone, {"due_on": due, "done_on": done})
        if changes:
            milestone.save()
            change_record(
                strategy=measure.strategy,
                actor=actor,
                action="update",
                obj=milestone,
                changes=changes,
            )
    return milestone


@transaction.atomic
def measure_draft_from_text(
    *,
    strategy: Strategy,
    direction: Direction,
    title: str,
    description: str = "",
    organisation: str,
    sector: str = Sector.GOVERNMENT,
    proposals: Iterable[Any] = (),
    actor: Any = None,
) -> Measure:
    """A draft measure (state «planned», a year from today) from a session resolution."""
    today = timezone.localdate()
    number = Measure.objects.filter(strategy=strategy).count() + 1
    code = f"{RESOLUTION_CODE_PREFIX}{number}"
    while Measure.objects.filter(strategy=strategy, code=code).exists():
        number += 1
        code = f"{RESOLUTION_CODE_PREFIX}{number}"
    measure, _outcome = measure_upsert(
        strategy=strategy,
        code=code,
        direction=direction,
        title=title,
        description=description,
        organisation=organisation,
        sector=sector,
        starts_on=today,
        ends_on=today.replace(year=today.year + 1)
        if not (today.month == 2 and today.day == 29)
        else today + dt.timedelta(days=365),
        proposals=list(proposals),
        actor=actor,
    )
    return measure
