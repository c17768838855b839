"""Linking municipalities and towns in any case form to the gazetteer."""

from __future__ import annotations

import pytest

from civicplan.analytics.text.places import GazetteerEntry, PlaceLinker, read_gazetteer
from civicplan.analytics.text.synthetic import gazetteer_rows, generate

OTRADNY = "36724000000"
POKHVISTNEVO_DISTRICT = "36634000000"
POKHVISTNEVO_TOWN = "36727000000"
KINEL = "36708000000"
KINEL_DISTRICT = "36618000000"
SAMARA = "36701000000"
SYZRAN = "36735000000"
OKTYABRSK = "36718000000"
GAI = "53713000000"


@pytest.fixture(scope="module")
def linker() -> PlaceLinker:
    return PlaceLinker(gazetteer_rows(), use_ner=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Прошу отремонтировать дорогу в Отрадном.", [OTRADNY]),
        ("Жители Похвистневского района просят построить детский сад.", [POKHVISTNEVO_DISTRICT]),
        ("В г. Кинель нет автобуса до областного центра", [KINEL]),
        ("из сызрани до самары не доехать", [SYZRAN, SAMARA]),
        (
            "В Похвистнево закрыли поликлинику, а в Похвистневском районе — ФАП.",
            [POKHVISTNEVO_TOWN, POKHVISTNEVO_DISTRICT],
        ),  # fmt: skip
        ("в кинельском районе нет врача, а в Кинеле есть", [KINEL_DISTRICT, KINEL]),
        ("Городской округ Отрадный просит денег на ремонт школы", [OTRADNY]),
        ("Очереди в Гае и в Тольятти", [GAI, "36740000000"]),
    ],
)
def test_case_forms_link_to_entries(linker, text, expected):
    assert linker.link_ids(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Оренбургская область лучшая в стране",  # a region, not the Orenburg district
        "Октябрьский проспект весь в ямах",  # a street, not Октябрьский district
        "Отрадный парк зарос травой",  # an adjective agreeing with its noun
        "у меня сегодня отрадный день",
        "Волжский берег надо благоустроить",
        "",
    ],
)
def test_common_words_are_not_places(linker, text):
    assert linker.link_ids(text) == []


def test_district_is_not_taken_for_the_town_with_a_similar_name(linker):
    # «Октябрьском» also parses as Октябрьск (instrumental); «районе» says it is the district.
    assert linker.link_ids("В Октябрьском районе нет интернета") == ["53633000000"]
    assert linker.link_ids("В Октябрьске нет интернета") == [OKTYABRSK]


def test_mentions_carry_positions_and_surface(linker):
    text = "Жители Похвистневского района и г. Кинель"
    mentions = linker.link(text)
    assert [(m.entry_id, m.surface) for m in mentions] == [
        (POKHVISTNEVO_DISTRICT, "Похвистневского"),
        (KINEL, "Кинель"),
    ]
    assert all(text[m.start : m.end] == m.surface for m in mentions)


def test_multiword_and_alias_entries():
    linker = PlaceLinker(
        [
            {"id": "1", "name": "Красный Яр", "kind": "село"},
            {
                "id": "2",
                "name": "городской округ Ясненский",
                "kind": "городской округ",
                "aliases": "Ясный",
            },  # fmt: skip
        ],
        use_ner=False,
    )
    assert linker.link_ids("В селе Красный Яр нет аптеки") == ["1"]
    assert linker.link_ids("В Красном Яру нет аптеки") == ["1"]
    assert linker.link_ids("Красная площадь") == []
    assert linker.link_ids("Жителям Ясного нужен бассейн") == ["2"]


def test_ambiguous_mention_is_checked_by_ner():
    # A capitalised town adjective at the start of a sentence is ambiguous by the rules.
    rows = [{"id": "1", "name": "Отрадный", "kind": "город"}]
    text = "Отрадный нуждается в новой больнице."
    assert PlaceLinker(rows, use_ner=False).link_ids(text) == []
    with_ner = PlaceLinker(rows, use_ner=True)
    mentions = with_ner.link(text)
    assert [m.entry_id for m in mentions] == ["1"]
    assert mentions[0].method == "ner"
    assert with_ner.stats.ner_texts == 1


def test_recall_and_precision_on_synthetic_proposals(linker):
    proposals = generate(1500, seed=21)
    found = linker.link_many([p.text for p in proposals])
    tp = fp = fn = 0
    for p, ids in zip(proposals, found, strict=True):
        truth, got = set(p.places), set(ids)
        tp += len(truth & got)
        fp += len(got - truth)
        fn += len(truth - got)
    assert tp / (tp + fp) > 0.98
    assert tp / (tp + fn) > 0.9  # misses are typos inside names («Новтороицка»)


def test_read_gazetteer_from_cp1251_semicolon_csv(tmp_path):
    path = tmp_path / "gaz.csv"
    path.write_bytes(
        "id;name;kind;aliases\n36724000000;городской округ Отрадный;городской округ;\n"
        "53704000000;городской округ Абдулинский;городской округ;Абдулино\n".encode("cp1251")
    )
    entries = read_gazetteer(path)
    assert entries[1] == GazetteerEntry(
        "53704000000", "городской округ Абдулинский", "городской округ", ("Абдулино",)
    )
    assert PlaceLinker(entries, use_ner=False).link_ids("в Абдулино") == ["53704000000"]


def test_read_gazetteer_needs_id_and_name(tmp_path):
    from civicplan.analytics.tabular import TableError

    path = tmp_path / "gaz.csv"
    path.write_text("код,название\n1,Кинель\n", encoding="utf-8")
    with pytest.raises(TableError, match="«id», «name»"):
        read_gazetteer(path)
