"""Tokens and lemmas: content words in their normal form, function words dropped."""

from civicplan.analytics.text.clean import clean_text
from civicplan.analytics.text.lemmatize import (
    Lemmatizer,
    parallel_map,
    prepare_texts,
    split_sentences,
    tokenize,
    tokenize_razdel,
)


def test_case_forms_share_one_lemma():
    lem = Lemmatizer()
    assert lem.lemmatize("дороги дорогу дорогами дорог") == ["дорога"] * 4


def test_function_words_greetings_and_masks_are_dropped():
    lem = Lemmatizer()
    text = clean_text(
        "Здравствуйте! Прошу вас срочно отремонтировать дорогу в нашем селе, тел. +7 917 123-45-67"
    )
    lemmas = lem.lemmatize(text)
    assert lemmas == ["срочно", "отремонтировать", "дорога", "село"]


def test_yo_is_folded_and_latin_words_kept():
    lem = Lemmatizer()
    assert lem.lemmatize("Ёлки на площади, Wi-Fi не работает") == [
        "елка",
        "площадь",
        "wi-fi",
        "работать",
    ]


def test_typos_still_get_a_lemma():
    lem = Lemmatizer()
    lemmas = lem.lemmatize("атремонтируйте дорогу пжлст")
    assert "дорога" in lemmas
    assert len(lemmas) == 3


def test_empty_and_html_only_inputs():
    lem = Lemmatizer()
    assert lem.transform(["", clean_text("<p>&nbsp;</p>"), "!!! ... 123"]) == [[], [], []]


def test_tokenizers_agree_on_words():
    text = "Северо-Западный район: в 2024 г. «Мой двор» — ремонт дворов!"
    assert tokenize(text) == tokenize_razdel(text)


def test_cache_is_filled_once_per_token():
    lem = Lemmatizer()
    lem.transform(["дорога дорога дорога", "дорога"])
    assert list(lem.cache) == ["дорога"]


def test_sentences_split_at_line_breaks_and_punctuation():
    assert split_sentences("Дорога разбита. Нужен ремонт!\nфонари не горят") == [
        "Дорога разбита.",
        "Нужен ремонт!",
        "фонари не горят",
    ]


def test_parallel_map_keeps_order_and_matches_serial():
    texts = [f"Прошу отремонтировать дорогу номер {i} в селе" for i in range(60)]
    lem = Lemmatizer()
    serial = lem.transform(texts)
    assert parallel_map(lem.transform, texts, n_jobs=2, min_chunk=10) == serial


def test_prepare_texts_cleans_then_lemmatises():
    prepared = prepare_texts(["<b>Постройте</b> детский&nbsp;сад", None])
    assert prepared.texts == ["Постройте детский сад", ""]
    assert prepared.lemmas == [["построить", "детский", "сад"], []]


def test_words_are_read_as_residents_mean_them():
    # pymorphy's likeliest reading is a mug, an unknown «ям» and an unknown «мусорк».
    lemmas = Lemmatizer().lemmatize(
        "На дороге много ям, кружки для детей в доме культуры закрыты, мусорки переполнены."
    )
    assert {"яма", "кружок", "мусорка"} <= set(lemmas)
    assert not {"ям", "кружка", "мусорк"} & set(lemmas)
