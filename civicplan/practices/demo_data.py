"""Practices written for the demo. They are EXAMPLES, not accounts of what real
municipalities did: the places are real municipalities so that recommendations can be
shown, the stories and figures are illustrative. Every one is stored with `is_example=True`
and every page shows it.
"""

from __future__ import annotations

from typing import Any

from civicplan.practices.demo_practices_economy import ECONOMY
from civicplan.practices.demo_practices_people import PEOPLE

#: Domains of the library: code, name, the potential sub-index they answer (or "").
DOMAINS: tuple[tuple[str, str, str], ...] = (
    ("demography", "Демография и семья", "demography"),
    ("youth", "Молодёжь и миграция", "migration"),
    ("employment", "Занятость и доходы", "income"),
    ("business", "Малый бизнес и торговля", "economy"),
    ("industry", "Промышленность и новые отрасли", "economy"),
    ("transport", "Транспорт и выход на рынки", "market"),
    ("tourism", "Туризм и культура", "market"),
    ("agriculture", "Сельское хозяйство и кооперация", "economy"),
    ("housing", "ЖКХ и городская среда", ""),
    ("health", "Здравоохранение", "demography"),
    ("education", "Образование", "migration"),
    ("ecology", "Экология", ""),
    ("digital", "Цифровые услуги и связь", "market"),
    ("social", "Социальная поддержка", "demography"),
)

# The practices themselves, by topic (grouped by their first domain).
PRACTICES: tuple[dict[str, Any], ...] = ECONOMY + PEOPLE
