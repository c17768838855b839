"""Cleaning of residents' messages: HTML, quotes, dashes, contacts, whitespace."""

from civicplan.analytics.text.clean import (
    EMAIL_MASK,
    PHONE_MASK,
    URL_MASK,
    TextCleaner,
    clean_text,
    normalize_for_matching,
)


def test_html_from_another_portal_becomes_plain_text():
    raw = (
        "<div><p>Просим&nbsp;отремонтировать&nbsp;дорогу</p><p>на ул.&nbsp;Ленина</p>"
        "<script>alert('x')</script><style>p{color:red}</style></div>"
    )
    assert clean_text(raw) == "Просим отремонтировать дорогу\nна ул. Ленина"


def test_double_escaped_entities_are_decoded():
    assert clean_text("Сквер &amp;laquo;Дружба&amp;raquo; &amp;mdash; в запустении") == (
        "Сквер «Дружба» — в запустении"
    )


def test_only_html_gives_empty_text():
    assert clean_text("<p>&nbsp;</p><br/><div> </div>") == ""


def test_empty_and_none():
    assert clean_text("") == ""
    assert clean_text(None) == ""
    assert TextCleaner().transform(["", None]) == ["", ""]


def test_quotes_become_guillemets_and_dashes_em_dashes():
    assert clean_text('Программа "Мой двор" - это "шанс" для села') == (
        "Программа «Мой двор» — это «шанс» для села"
    )
    assert clean_text("Северо–Западный район") == "Северо-Западный район"
    assert clean_text("„Чистая вода“ -- лучшая программа") == "«Чистая вода» — лучшая программа"


def test_emails_phones_and_links_are_masked():
    text = clean_text(
        "Пишите на ivan.petrov@mail.ru или звоните +7 (846) 123-45-67, 8 917 123 45 67, "
        "89171234567. Подробности: https://samara.ru/news?id=1, www.gosuslugi.ru и сайт "
        "adm-kinel.ru."
    )
    assert "ivan" not in text and "123" not in text and "samara.ru" not in text
    assert text.count(EMAIL_MASK) == 1
    assert text.count(PHONE_MASK) == 3
    assert text.count(URL_MASK) == 3
    assert text.endswith(f"{URL_MASK}.")


def test_only_a_link_is_only_the_mask():
    assert clean_text("https://vk.com/wall-123_456") == URL_MASK


def test_numbers_that_are_not_phones_survive():
    text = clean_text("В 2024 году дом 50, кв. 12, индекс 443001; бюджет 8 500 000 рублей")
    assert PHONE_MASK not in text
    assert "443001" in text and "2024" in text and "8 500 000" in text


def test_masking_can_be_switched_off():
    cleaner = TextCleaner(mask_emails=False, mask_phones=False, mask_urls=False)
    assert cleaner.transform(["a@b.ru +7 917 123-45-67"]) == ["a@b.ru +7 917 123-45-67"]


def test_whitespace_and_invisible_characters_are_normalised():
    assert clean_text("  много\t\tпробелов\u00a0и\u200bневидимых \r\n\r\n\r\nстрок  ") == (
        "много пробелов иневидимых\nстрок"
    )


def test_long_text_without_punctuation_is_kept_whole():
    text = "нужно отремонтировать дорогу на улице ленина " * 250  # ≈ 11,000 characters
    cleaned = clean_text(text)
    assert len(cleaned) == len(text.strip())
    assert TextCleaner(max_chars=100).clean(text) == text[:100].strip()


def test_normalize_for_matching_folds_yo_and_case():
    assert normalize_for_matching("Ёлки в ЁЛОВОМ лесу") == "елки в еловом лесу"
    assert clean_text("Ёлка") == "Ёлка"  # the cleaned text keeps ё for people to read
