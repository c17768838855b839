"""The synthetic proposals: readable, varied, reproducible, with a ground truth that holds."""

from __future__ import annotations

import re
from collections import Counter

from civicplan.analytics.text.synthetic import (
    DIRECTIONS,
    GAZETTEER,
    TOPICS,
    gazetteer_rows,
    generate,
)


def test_same_seed_same_texts_other_seed_other_texts():
    assert [p.text for p in generate(200, seed=4)] == [p.text for p in generate(200, seed=4)]
    assert [p.text for p in generate(200, seed=4)] != [p.text for p in generate(200, seed=5)]


def test_every_direction_and_topic_appears_with_consistent_ground_truth():
    proposals = generate(3000, seed=1)
    directions = {d.name for d in DIRECTIONS}
    topic_direction = {t.key: t.direction for t in TOPICS}
    key_to_name = {d.key: d.name for d in DIRECTIONS}

    assert {p.direction for p in proposals} == directions
    assert {p.topic for p in proposals} == set(topic_direction)
    assert all(key_to_name[topic_direction[p.topic]] == p.direction for p in proposals)
    assert len({p.id for p in proposals}) == len(proposals)


def test_planted_duplicates_point_to_an_earlier_original_of_the_same_topic():
    proposals = generate(3000, seed=2, duplicate_rate=0.1)
    by_id = {p.id: p for p in proposals}
    duplicates = [p for p in proposals if p.duplicate_of]

    assert 200 < len(duplicates) < 400
    assert Counter(p.variant for p in duplicates).keys() == {"copy", "edited", "paraphrase"}
    for p in duplicates:
        original = by_id[p.duplicate_of]
        assert original.duplicate_of is None
        assert original.created_at < p.created_at
        assert original.topic == p.topic
    copies = [p for p in duplicates if p.variant == "copy"]
    assert all(p.text == by_id[p.duplicate_of].text for p in copies)


def test_places_named_in_the_text_in_some_case_form():
    proposals = generate(2000, seed=3, typo_rate=0)
    names = {oktmo: name for oktmo, name, _, _ in GAZETTEER}
    assert sum(1 for p in proposals if p.places) > 1500
    otradny = [p for p in proposals if "36724000000" in p.places and p.duplicate_of is None]
    assert otradny
    for p in otradny:
        assert re.search(r"Отрадн|отрадн", p.text), p.text
    pokhvistnevo_district = [p for p in proposals if "36634000000" in p.places]
    assert any("Похвистневского района" in p.text for p in pokhvistnevo_district) or any(
        "Похвистневском районе" in p.text for p in pokhvistnevo_district
    )
    assert all(pid in names for p in proposals for pid in p.places)


def test_texts_are_readable_sentences_with_real_world_noise():
    proposals = generate(3000, seed=6)
    texts = [p.text for p in proposals]
    html = [t for t in texts if "<p>" in t or "<br>" in t]
    lower_no_punct = [t for t in texts if t == t.lower() and "." not in t and "<" not in t]
    contacts = [t for t in texts if "@mail.ru" in t or "+7 9" in t]

    assert 0.04 < len(html) / len(texts) < 0.15
    assert 0.05 < len(lower_no_punct) / len(texts) < 0.2
    assert contacts
    clean = [
        p.text
        for p in proposals
        if p.duplicate_of is None and "<" not in p.text and p.text != p.text.lower()
    ]
    # Proper sentences: a capital letter at the start, a full stop or mark at the end.
    assert all(t[0].isupper() and t.rstrip()[-1] in ".!?" for t in clean[:200])
    # No template slot was left unfilled.
    assert not any("{" in t or "}" in t for t in texts)


def test_vocabulary_is_large_enough_for_the_benchmark():
    words = set()
    for p in generate(10_000, seed=1):
        words.update(w.lower() for w in re.findall(r"[А-Яа-яЁё]+", p.text))
    # 10,000 texts already have well over 10,000 distinct words (100,000 give 80,000+).
    assert len(words) > 12_000


def test_gazetteer_rows_cover_samara_and_orenburg_with_town_aliases():
    rows = gazetteer_rows()
    assert len(rows) == 79
    by_id = {r["id"]: r for r in rows}
    assert by_id["36724000000"]["name"] == "городской округ Отрадный"
    assert by_id["53704000000"]["aliases"] == "Абдулино"
    assert by_id["36634000000"]["kind"] == "муниципальный район"


def test_zero_and_negative_counts():
    assert generate(0) == []
    import pytest

    with pytest.raises(ValueError):
        generate(-1)
