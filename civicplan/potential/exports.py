"""The potential index of a region as a workbook: scores, methodology, data notices."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicplan.analytics.potential import SIZE_CLASS_NAMES
from civicplan.potential.models import PotentialMethodology
from civicplan.potential.selectors import methodology_subindices, region_scores
from civicplan.reports.tabular import Sheet
from civicplan.territories.models import Region

SOURCE_NOTE = gettext_lazy("Источник данных: СберИндекс, БД ПМО Росстата (CC BY-SA 4.0).")


def region_potential_sheets(region: Region, methodology: PotentialMethodology) -> list[Sheet]:
    subindices = methodology_subindices(methodology)
    header = [
        _("Место в регионе"),
        _("ОКТМО"),
        _("Муниципальное образование"),
        _("Население, чел."),
        _("Группа по численности"),
        _("Индекс потенциала"),
        *[_("Субиндекс «%(name)s»") % {"name": s.name} for s in subindices],
        _("Место в группе по численности"),
        _("Оценено в группе"),
        _("Полнота данных, %"),
        _("Тип"),
        _("Объяснение"),
        _("Аналоги"),
    ]
    rows = []
    for r in region_scores(region, methodology):
        details = r.details or {}
        rows.append(
            [
                r.rank_region,
                r.municipality.oktmo,
                r.municipality.name,
                r.municipality.population,
                SIZE_CLASS_NAMES.get(r.size_class, r.size_class),
                None if r.index is None else round(r.index, 1),
                *[
                    None if r.subindices.get(s.code) is None else round(r.subindices[s.code], 1)
                    for s in subindices
                ],
                r.rank_size_class,
                r.count_size_class,
                round(r.coverage * 100),
                r.cluster_name,
                details.get("explanation") or details.get("status", ""),
                "; ".join(p["name"] for p in details.get("peers", [])),
            ]
        )
    sheets = [
        Sheet(
            title=_("Индекс потенциала"),
            header=header,
            rows=rows,
            widths=[8, 14, 44, 12, 22, 12] + [16] * len(subindices) + [12, 12, 12, 40, 80, 80],
            freeze_columns=3,
        ),
        Sheet(
            title=_("Методика"),
            header=[
                _("Субиндекс"),
                _("Вес субиндекса"),
                _("Показатель"),
                _("Вес в субиндексе"),
                _("Что лучше"),
            ],
            rows=[
                [s.name, s.weight, ind.name, ind.weight, ind.get_better_display()]
                for s in subindices
                for ind in s.indicators.all()
            ],
            footer=[
                [],
                [_("Методика: %(name)s") % {"name": methodology.name}],
                [
                    _("Нормирование: %(method)s, сравнение: %(scope)s")
                    % {
                        "method": methodology.get_method_display(),
                        "scope": methodology.get_scope_display(),
                    }
                ],
                [str(SOURCE_NOTE)],
            ],
            widths=[32, 16, 60, 18, 18],
        ),
    ]
    if methodology.notices:
        sheets.append(
            Sheet(
                title=_("Замечания к данным"),
                header=[_("Замечание")],
                rows=[[notice["message"]] for notice in methodology.notices],
                widths=[140],
            )
        )
    return sheets
