"""A potential-assessment methodology as data.

A methodology is a tree: sub-indices (demography, migration, wages, ...) each made of
indicators with a weight and a better direction. Every indicator is *derived* from the raw
statistics by one of a small set of operations (`DERIVATIONS`), so a region can add,
remove or re-weight indicators without touching code. `Methodology.from_dict` reads the
JSON shape that `default_methodology.json` ships and `to_dict` writes it back.

Weights that do not sum to one are normalised (within a sub-index, and across
sub-indices), and each normalisation is reported in `Methodology.warnings`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

HIGHER = "higher"
LOWER = "lower"
DIRECTIONS = (HIGHER, LOWER)

MINMAX = "minmax"
ZSCORE = "zscore"
METHODS = (MINMAX, ZSCORE)

SCOPE_COUNTRY = "country"
SCOPE_REGION = "region"
SCOPE_SIZE_CLASS = "size_class"
SCOPES = (SCOPE_COUNTRY, SCOPE_REGION, SCOPE_SIZE_CLASS)

LATEST = "latest"

#: How an indicator is computed from the raw statistics, and which parameters it needs.
#: value     — the raw `source` in `year` (or the latest year a municipality has).
#: share     — `source` / `base` in the same year, as a percentage.
#: per_1000  — `source` / `base` × 1000 (base taken in `base_year`, default `year`).
#: change    — (`source` in `year` − `source` in `from_year`) / `source` in `from_year`, %.
#: ratio_to_region_median — `source` / median of `source` in the municipality's region.
#: spread    — coefficient of variation of all raw codes starting with `prefix`.
#: count     — how many raw codes starting with `prefix` have a value.
DERIVATIONS: dict[str, tuple[str, ...]] = {
    "value": ("source",),
    "share": ("source", "base"),
    "per_1000": ("source", "base"),
    "change": ("source", "from_year"),
    "ratio_to_region_median": ("source",),
    "spread": ("prefix",),
    "count": ("prefix",),
}

_WEIGHT_TOLERANCE = 1e-6


class MethodologyError(ValueError):
    """The methodology cannot be used; the message says why, in Russian."""


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """One indicator of a sub-index: how to derive it, its weight and better direction."""

    code: str
    name: str
    weight: float
    better: str = HIGHER
    op: str = "value"
    source: str = ""
    base: str = ""
    prefix: str = ""
    year: int | str = LATEST
    from_year: int | None = None
    base_year: int | None = None
    min_count: int = 3
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "weight": self.weight,
            "better": self.better,
            "op": self.op,
            "year": self.year,
        }
        for key in ("source", "base", "prefix", "unit"):
            value = getattr(self, key)
            if value:
                data[key] = value
        for key in ("from_year", "base_year"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.op in ("spread", "count"):
            data["min_count"] = self.min_count
        return data


@dataclass(frozen=True, slots=True)
class SubIndex:
    """A group of indicators with a weight in the index.

    `high_label` and `low_label` name a cluster that stands out on this sub-index
    («растущее молодое население», «стареющее население»).
    """

    code: str
    name: str
    weight: float
    indicators: tuple[IndicatorSpec, ...]
    high_label: str = ""
    low_label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "weight": self.weight,
            "high_label": self.high_label,
            "low_label": self.low_label,
            "indicators": [ind.to_dict() for ind in self.indicators],
        }


@dataclass(frozen=True, slots=True)
class Normalisation:
    """How raw indicator values become scores from 0 to 1.

    `method` is min–max or z-score (mapped to 0–1 through the normal distribution
    function); `scope` is the group a municipality is compared with; values are clipped to
    the `winsor` quantiles of that group first; a group with fewer than `min_group_size`
    values gets no score for that indicator (reported).
    """

    method: str = MINMAX
    scope: str = SCOPE_COUNTRY
    winsor: tuple[float, float] = (0.05, 0.95)
    min_group_size: int = 3

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "scope": self.scope,
            "winsor": list(self.winsor),
            "min_group_size": self.min_group_size,
        }


@dataclass(frozen=True, slots=True)
class Methodology:
    """Sub-indices with normalised weights, the normalisation and the coverage rule.

    A municipality gets an index when the indicators it has data for carry at least
    `min_coverage` of the total weight; the missing ones' weight is spread over the
    available indicators of the same sub-index (and over the other sub-indices when a
    whole sub-index is missing).
    """

    name: str
    subindices: tuple[SubIndex, ...]
    normalisation: Normalisation = field(default_factory=Normalisation)
    min_coverage: float = 0.5
    clusters: int = 6
    peers: int = 10
    version: str = "1"
    warnings: tuple[str, ...] = ()

    @property
    def indicators(self) -> tuple[IndicatorSpec, ...]:
        return tuple(ind for sub in self.subindices for ind in sub.indicators)

    def indicator(self, code: str) -> IndicatorSpec:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "normalisation": self.normalisation.to_dict(),
            "min_coverage": self.min_coverage,
            "clusters": self.clusters,
            "peers": self.peers,
            "subindices": [sub.to_dict() for sub in self.subindices],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Methodology:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MethodologyError(f"Методика не читается как JSON: {exc}.") from exc
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Methodology:
        """Validate and build a methodology; weights are normalised with a warning."""
        if not isinstance(data, dict):
            raise MethodologyError("Методика должна быть объектом с полями name и subindices.")
        warnings: list[str] = []
        name = str(data.get("name") or "Методика без названия")
        raw_subs = data.get("subindices")
        if not isinstance(raw_subs, list) or not raw_subs:
            raise MethodologyError("В методике нет ни одного субиндекса.")
        norm = _normalisation_from(data.get("normalisation") or {})
        seen_codes: set[str] = set()
        subs: list[SubIndex] = []
        for position, raw in enumerate(raw_subs, start=1):
            subs.append(_subindex_from(raw, position, seen_codes, warnings))
        sub_weights = _normalised(
            [s.weight for s in subs],
            what="субиндексов",
            warnings=warnings,
        )
        subs = [
            SubIndex(
                code=s.code,
                name=s.name,
                weight=w,
                indicators=s.indicators,
                high_label=s.high_label,
                low_label=s.low_label,
            )
            for s, w in zip(subs, sub_weights, strict=True)
        ]
        min_coverage = _number(data.get("min_coverage", 0.5), "min_coverage")
        if not 0 < min_coverage <= 1:
            raise MethodologyError("Порог полноты данных (min_coverage) должен быть от 0 до 1.")
        clusters = int(_number(data.get("clusters", 6), "clusters"))
        peers = int(_number(data.get("peers", 10), "peers"))
        if clusters < 1 or peers < 1:
            raise MethodologyError("Число типов и число аналогов должны быть положительными.")
        return cls(
            name=name,
            subindices=tuple(subs),
            normalisation=norm,
            min_coverage=min_coverage,
            clusters=clusters,
            peers=peers,
            version=str(data.get("version", "1")),
            warnings=tuple(warnings),
        )


def default_methodology() -> Methodology:
    """The methodology shipped with the platform (`default_methodology.json`)."""
    text = (
        resources.files("civicplan.analytics.potential")
        .joinpath("default_methodology.json")
        .read_text(encoding="utf-8")
    )
    return Methodology.from_json(text)


def _number(value: object, what: str) -> float:
    if isinstance(value, bool):
        raise MethodologyError(f"Значение «{what}» должно быть числом, а не {value!r}.")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise MethodologyError(f"Значение «{what}» должно быть числом, а не {value!r}.") from exc
    if not math.isfinite(number):
        raise MethodologyError(f"Значение «{what}» должно быть конечным числом.")
    return number


def _normalised(weights: list[float], *, what: str, warnings: list[str]) -> list[float]:
    total = sum(weights)
    if total <= 0:
        raise MethodologyError(f"Сумма весов {what} равна нулю — нечего складывать.")
    if abs(total - 1.0) > _WEIGHT_TOLERANCE:
        warnings.append(
            f"Сумма весов {what} равна {_fmt(total)}, а не 1; веса пересчитаны "
            "пропорционально, чтобы в сумме дать 1."
        )
    return [w / total for w in weights]


def _fmt(value: float) -> str:
    return f"{value:.4g}".replace(".", ",")


def _normalisation_from(raw: dict[str, Any]) -> Normalisation:
    method = str(raw.get("method", MINMAX))
    if method not in METHODS:
        raise MethodologyError(
            f"Неизвестный способ нормирования «{method}»: допустимы minmax и zscore."
        )
    scope = str(raw.get("scope", SCOPE_COUNTRY))
    if scope not in SCOPES:
        raise MethodologyError(
            f"Неизвестная группа сравнения «{scope}»: допустимы country, region и size_class."
        )
    winsor_raw = raw.get("winsor", (0.05, 0.95))
    if not isinstance(winsor_raw, list | tuple) or len(winsor_raw) != 2:
        raise MethodologyError("Границы винсоризации задаются парой чисел, например [0.05, 0.95].")
    lo, hi = (_number(v, "winsor") for v in winsor_raw)
    if not 0 <= lo < hi <= 1:
        raise MethodologyError(
            "Границы винсоризации должны удовлетворять условию 0 ≤ нижняя < верхняя ≤ 1."
        )
    min_group = int(_number(raw.get("min_group_size", 3), "min_group_size"))
    if min_group < 2:
        raise MethodologyError("В группе сравнения должно быть не меньше двух муниципалитетов.")
    return Normalisation(method=method, scope=scope, winsor=(lo, hi), min_group_size=min_group)


def _subindex_from(
    raw: object, position: int, seen_codes: set[str], warnings: list[str]
) -> SubIndex:
    if not isinstance(raw, dict):
        raise MethodologyError(f"Субиндекс № {position} должен быть объектом.")
    code = str(raw.get("code") or "").strip()
    name = str(raw.get("name") or code).strip()
    if not code:
        raise MethodologyError(f"У субиндекса № {position} нет кода.")
    weight = _number(raw.get("weight", 1.0), f"вес субиндекса «{name}»")
    if weight < 0:
        raise MethodologyError(f"Вес субиндекса «{name}» отрицателен.")
    raw_inds = raw.get("indicators")
    if not isinstance(raw_inds, list) or not raw_inds:
        raise MethodologyError(f"В субиндексе «{name}» нет показателей.")
    indicators = [_indicator_from(r, name, seen_codes) for r in raw_inds]
    weights = _normalised(
        [i.weight for i in indicators], what=f"показателей субиндекса «{name}»", warnings=warnings
    )
    indicators = [_with_weight(i, w) for i, w in zip(indicators, weights, strict=True)]
    return SubIndex(
        code=code,
        name=name,
        weight=weight,
        indicators=tuple(indicators),
        high_label=str(raw.get("high_label") or f"сильный субиндекс «{name}»"),
        low_label=str(raw.get("low_label") or f"слабый субиндекс «{name}»"),
    )


def _with_weight(spec: IndicatorSpec, weight: float) -> IndicatorSpec:
    data = spec.to_dict()
    data["weight"] = weight
    data.setdefault("min_count", spec.min_count)
    return IndicatorSpec(**data)


def _indicator_from(raw: object, sub_name: str, seen_codes: set[str]) -> IndicatorSpec:
    if not isinstance(raw, dict):
        raise MethodologyError(f"Показатель субиндекса «{sub_name}» должен быть объектом.")
    code = str(raw.get("code") or "").strip()
    if not code:
        raise MethodologyError(f"У показателя субиндекса «{sub_name}» нет кода.")
    if code in seen_codes:
        raise MethodologyError(f"Показатель «{code}» встречается в методике дважды.")
    seen_codes.add(code)
    name = str(raw.get("name") or code)
    weight = _number(raw.get("weight", 1.0), f"вес показателя «{name}»")
    if weight < 0:
        raise MethodologyError(f"Вес показателя «{name}» отрицателен.")
    better = str(raw.get("better", HIGHER))
    if better not in DIRECTIONS:
        raise MethodologyError(
            f"Для показателя «{name}» направление «{better}» неизвестно: допустимы "
            "higher (больше — лучше) и lower (меньше — лучше)."
        )
    op = str(raw.get("op", "value"))
    if op not in DERIVATIONS:
        known = ", ".join(DERIVATIONS)
        raise MethodologyError(
            f"Для показателя «{name}» способ расчёта «{op}» неизвестен; допустимы: {known}."
        )
    for param in DERIVATIONS[op]:
        if raw.get(param) in (None, ""):
            raise MethodologyError(
                f"Для показателя «{name}» (способ расчёта {op}) не задан параметр «{param}»."
            )
    year = raw.get("year", LATEST)
    if year != LATEST:
        year = int(_number(year, f"год показателя «{name}»"))
    from_year = raw.get("from_year")
    base_year = raw.get("base_year")
    return IndicatorSpec(
        code=code,
        name=name,
        weight=weight,
        better=better,
        op=op,
        source=str(raw.get("source") or ""),
        base=str(raw.get("base") or ""),
        prefix=str(raw.get("prefix") or ""),
        year=year,
        from_year=None if from_year is None else int(_number(from_year, "from_year")),
        base_year=None if base_year is None else int(_number(base_year, "base_year")),
        min_count=int(_number(raw.get("min_count", 3), "min_count")),
        unit=str(raw.get("unit") or ""),
    )
