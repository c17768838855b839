"""Personal data in residents' texts: found and masked, while streets and places stay."""

from __future__ import annotations

import pytest

from civicplan.analytics.text.personal import (
    PersonalSpan,
    find_personal_data,
    find_personal_data_many,
    is_person_name,
    mask_personal_data,
    mask_personal_data_many,
)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(span.kind, span.text) for span in find_personal_data(text)]


@pytest.mark.parametrize(
    "phone",
    [
        "+7 (846) 123-45-67",
        "8-917-123-45-67",
        "89171234567",
        "+79171234567",
        "8 (846) 2-123-456",
        "8 846 123 45 67",
        "+7 917 123 45 67",
        "123-45-67",
    ],
)
def test_russian_phones_in_every_common_form_are_masked(phone: str) -> None:
    text = f"Звоните мне по номеру {phone}, отвечу вечером."

    masked = mask_personal_data(text)

    assert masked == "Звоните мне по номеру [телефон скрыт], отвечу вечером."


def test_years_dates_sums_and_house_numbers_are_not_phones() -> None:
    text = (
        "В 2023 году 15.03.2024 выделили 1 500 000 рублей на дом 12 по улице Мира, "
        "программа 2024-2030 годов, ГОСТ 52289-2019."
    )

    assert find_personal_data(text) == []


def test_email_is_masked() -> None:
    text = "Ответ пришлите на ivan.petrov-1980@mail.ru или позвоните."

    assert mask_personal_data(text) == "Ответ пришлите на [e-mail скрыт] или позвоните."


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Прошу починить фонари во дворе. С уважением, Иван Петров", "Иван Петров"),
        (
            "во дворе дома нет освещения прошу разобраться с уважением владимир змушко",
            "владимир змушко",
        ),
        ("Почините крышу школы.\nС уважением,\nМарина Викторовна Кузнецова.", "Кузнецова"),
        ("Нужна новая детская площадка у дома 7. Иванова А.П.", "Иванова А.П."),
        ("Нужна новая детская площадка. ФИО: Сидоров Пётр Ильич", "Сидоров Пётр Ильич"),
        # «Надежда», «Вера» are also common words: after «С уважением,» they are names.
        (
            "Прошу благоустроить набережную. С уважением, Надежда Скрипаченко.",
            "Надежда Скрипаченко",
        ),
        ("Верните автобус № 5. С уважением, Вера Ковальчук", "Вера Ковальчук"),
    ],
)
def test_signatures_are_found_in_any_letter_case(text: str, name: str) -> None:
    spans = find_personal_data(text)

    assert [span.kind for span in spans] == ["signature"]
    assert name in spans[0].text
    assert name not in mask_personal_data(text)
    assert "[подпись скрыта]" in mask_personal_data(text)


def test_names_in_the_body_of_a_proposal_are_masked() -> None:
    text = (
        "Спасибо Ольге Николаевне Смирновой за помощь, а глава поселения Петров И.С. "
        "обещал отремонтировать дорогу ещё в мае."
    )

    masked = mask_personal_data(text)

    assert "Смирновой" not in masked and "Ольге" not in masked
    assert "Петров" not in masked
    assert masked.count("[имя скрыто]") == 2
    assert "отремонтировать дорогу ещё в мае" in masked


def test_flat_address_is_masked_but_a_building_in_a_proposal_is_not() -> None:
    flat = "Проживаю: ул. Ленина, д. 5, кв. 12. Прошу убрать мусор."
    building = "Прошу отремонтировать крышу дома 5 на ул. Ленина, д. 5 течёт уже год."

    assert mask_personal_data(flat) == "Проживаю: [адрес скрыт]. Прошу убрать мусор."
    assert find_personal_data(building) == []


def test_a_flat_number_on_its_own_is_masked() -> None:
    # The house is given two sentences earlier; together they are a flat address.
    text = (
        "Живём в доме 101 на ул. Гагарина. Я пенсионерка, живу одна в квартире 122. "
        "В кв. 45 течёт потолок. Площадь 50 кв. м, дому 40 лет."
    )

    masked = mask_personal_data(text)

    assert "122" not in masked and "45" not in masked
    assert masked.count("[адрес скрыт]") == 2
    assert "Живём в доме 101 на ул. Гагарина." in masked  # a building stays
    assert masked.endswith("Площадь 50 кв. м, дому 40 лет.")


def test_address_after_i_live_at_is_masked() -> None:
    text = "Я проживаю по адресу г. Отрадный, ул. Гагарина 15-3; во дворе темно."

    masked = mask_personal_data(text)

    assert "Гагарина 15" not in masked
    assert "[адрес скрыт]" in masked
    assert masked.endswith("во дворе темно.")


@pytest.mark.parametrize(
    "text",
    [
        "Прошу отремонтировать улицу Ленина у Дома культуры, там ямы.",
        "Памятник Пушкину в сквере разрушается, нужна реставрация.",
        "В школе имени Гагарина нужен новый спортзал.",
        "На проспекте Кирова и улице Ново-Садовой нужна велодорожка.",
        "Вера в то, что Надежда и Любовь спасут мир, не заменит ремонт дорог.",
        "Глава района обещал построить бассейн в Самаре.",
        "Дом культуры в селе Красный Яр закрыт третий год.",
        "Парк Гагарина давно требует благоустройства.",
    ],
)
def test_streets_places_and_common_words_are_not_personal(text: str) -> None:
    assert find_personal_data(text) == []
    assert mask_personal_data(text) == text


def test_spans_are_frozen_ordered_and_point_into_the_text() -> None:
    text = "Звоните 89171234567. С уважением, Иван Петров"

    spans = find_personal_data(text)

    assert [s.kind for s in spans] == ["phone", "signature"]
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert isinstance(spans[0], PersonalSpan)
    with pytest.raises(AttributeError):
        spans[0].kind = "email"  # type: ignore[misc]


def test_person_name_words_for_topic_labels() -> None:
    assert is_person_name("змушко") or is_person_name("владимир")
    assert is_person_name("владимир")
    assert not is_person_name("дорога")
    assert not is_person_name("надежда")
    assert not is_person_name("глава")


def test_empty_text_has_no_personal_data() -> None:
    assert find_personal_data("") == []
    assert mask_personal_data("") == ""


def test_signature_can_be_dropped_from_an_excerpt() -> None:
    text = "Прошу отремонтировать дорогу до зимы. С уважением, Иван Петров"

    assert mask_personal_data(text, drop_signatures=True) == (
        "Прошу отремонтировать дорогу до зимы."
    )


def test_many_texts_at_once_give_the_same_answer_as_one_by_one() -> None:
    texts = [
        "Спасибо Ольге Николаевне Смирновой за помощь.",
        "",
        "Памятник Пушкину в сквере разрушается.",
        "звоните 8-917-123-45-67 с уважением владимир змушко",
    ]

    assert mask_personal_data_many(texts) == [mask_personal_data(t) for t in texts]
    assert [len(spans) for spans in find_personal_data_many(texts)] == [1, 0, 0, 2]


def test_the_ner_runs_only_where_a_name_is_left_unmasked(monkeypatch: pytest.MonkeyPatch) -> None:
    from civicplan.analytics.text import personal

    sent: list[str] = []
    real = personal._ner_spans

    def counting(texts: list[str]) -> list[list[tuple[int, int]]]:
        sent.extend(texts)
        return real(texts)

    monkeypatch.setattr(personal, "_ner_spans", counting)
    signed = "Прошу починить фонари во дворе на улице Ленина. С уважением, Иван Петров"
    plain = "В Шигонском районе нет освещения, дорога в ямах."
    body = "Вчера Светлана сказала, что ремонт перенесли."

    masked = mask_personal_data_many([signed, plain, body])

    assert sent == [body]
    assert "Иван Петров" not in masked[0] and "улице Ленина" in masked[0]
    assert masked[1] == plain
    assert "Светлана" not in masked[2]


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Директор школы Сидоров Пётр Ильич на звонки не отвечает.", "Сидоров Пётр Ильич"),
        ("Участковый Кузнецов к нам так и не пришёл.", "Кузнецов"),
        ("Врач Ахметова принимает два часа в неделю.", "Ахметова"),
    ],
)
def test_a_person_named_by_role_or_full_name_in_the_body_is_masked(text: str, hidden: str) -> None:
    assert hidden not in mask_personal_data(text)
    assert hidden not in mask_personal_data(text, ner=False)


def test_a_school_named_after_a_person_keeps_the_name() -> None:
    text = "Отремонтируйте школу имени Гагарина Юрия Алексеевича и улицу Ленина."

    assert mask_personal_data(text) == text
