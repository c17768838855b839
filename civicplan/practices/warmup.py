"""Start-up warming: the text index of the practice library (a municipality's potential page
matches its residents' proposals against it)."""

from __future__ import annotations

from civicplan.practices.selectors import practice_text_index


def warm() -> list[str]:
    practice_text_index()
    return []
