"""Word-level comparison of two versions of a draft (pure functions, no database)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from civicplan.drafts.comparison import (
    Segment,
    compare_paragraphs,
    comparison_totals,
    word_diff,
)


@dataclass
class Para:
    text: str
    lineage: uuid.UUID = field(default_factory=uuid.uuid4)


def test_a_replaced_word_reads_as_its_deletion_then_its_insertion() -> None:
    segments = word_diff(
        "Создать 10 центров поддержки предпринимательства в малых городах.",
        "Создать 15 центров поддержки предпринимательства в малых городах и сёлах.",
    )

    assert segments == [
        Segment("same", "Создать "),
        Segment("del", "10 "),
        Segment("ins", "15 "),
        Segment("same", "центров поддержки предпринимательства в малых городах "),
        Segment("ins", "и сёлах"),
        Segment("same", "."),
    ]
    # The kept and inserted words give the new text back; the kept and deleted, the old words
    # (with the new text's spacing).
    assert "".join(s.text for s in segments if s.kind != "del") == (
        "Создать 15 центров поддержки предпринимательства в малых городах и сёлах."
    )
    old_reading = "".join(s.text for s in segments if s.kind != "ins")
    assert (
        old_reading.split()
        == "Создать 10 центров поддержки предпринимательства в малых городах .".split()
    )


def test_paragraphs_are_matched_by_lineage_not_by_position() -> None:
    intro = Para("Стратегия определяет цели развития Самарской области до 2036 года.")
    roads = Para("Отремонтировать региональные дороги.")
    schools = Para("Построить 12 школ.")
    removed = Para("Провести конкурс логотипов.")
    old = [intro, roads, removed, schools]
    inserted = Para("Обеспечить доступ к интернету во всех сёлах.")
    new = [
        inserted,
        Para(intro.text, intro.lineage),
        Para("Отремонтировать региональные и местные дороги к 2030 году.", roads.lineage),
        Para("Построить  12 школ.", schools.lineage),  # only spacing changed
    ]

    changes = compare_paragraphs(old, new)

    assert [(c.kind, c.paragraph.text) for c in changes] == [
        ("added", "Обеспечить доступ к интернету во всех сёлах."),
        ("same", intro.text),
        ("changed", "Отремонтировать региональные и местные дороги к 2030 году."),
        ("removed", "Провести конкурс логотипов."),
        ("same", "Построить  12 школ."),
    ]
    roads_change = changes[2]
    assert roads_change.old is roads
    assert roads_change.words_inserted == 5
    assert roads_change.words_deleted == 0  # the full stop moved, no word was taken out
    assert [s.kind for s in roads_change.segments] == ["same", "ins", "same", "ins", "same"]
    totals = comparison_totals(changes)
    assert (totals.added, totals.removed, totals.changed, totals.same) == (1, 1, 1, 2)
    assert totals.touched == 3


def test_removed_paragraphs_at_the_start_stay_first() -> None:
    first = Para("Утратил силу.")
    kept = Para("Цель 1. Рост доходов населения.")

    changes = compare_paragraphs([first, kept], [Para(kept.text, kept.lineage)])

    assert [c.kind for c in changes] == ["removed", "same"]
    assert changes[0].segments == [Segment("del", "Утратил силу.")]
