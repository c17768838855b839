"""Stock sentences: what residents copy from letter to letter stays out of the topics."""

from civicplan.analytics.text.lemmatize import prepare_texts
from civicplan.analytics.text.stock_sentences import stock_sentences, without_stock

HOTLINE = "На звонки по горячей линии никто не отвечает."
PETITION = "Просим сохранить сквер на улице Садовой от застройки."


def _corpus() -> tuple[list[str], list[str]]:
    """90 appeals in three directions; the hotline sentence in 15 of them, five in each
    direction; a petition's sentence in 15, all about the environment."""
    own = {
        "Дороги": "Яма на дороге у дома {}.",
        "ЖКХ": "В доме {} течёт крыша.",
        "Экология": "Свалка за гаражами у дома {}.",
    }
    texts, directions = [], []
    for direction, sentence in own.items():
        for n in range(30):
            text = sentence.format(n + 1)
            if n < 5:
                text += " " + HOTLINE
            if direction == "Экология" and n >= 15:
                text = PETITION + " С уважением, жители."
            texts.append(text)
            directions.append(direction)
    return texts, directions


def test_a_sentence_written_across_directions_is_stock_and_a_petition_is_not():
    texts, directions = _corpus()
    stock = stock_sentences(texts, directions)
    assert list(stock) == ["на звонки по горячей линии никто не отвечает"]
    assert stock["на звонки по горячей линии никто не отвечает"] == 15
    # Without the directions only the share counts: the petition is as common, and so is
    # each direction's own sentence (numbers do not tell sentences apart).
    alone = stock_sentences(texts)
    assert "просим сохранить сквер на улице садовой от застройки" in alone
    assert "яма на дороге у дома 0" in alone
    # Below the share (8 %) nothing is stock.
    assert stock_sentences([HOTLINE] * 5 + ["Прошу помочь."] * 100) == {}


def test_the_words_of_stock_sentences_leave_the_lemmas_and_the_text_stays():
    texts, directions = _corpus()
    prepared = prepare_texts(texts)
    stripped, changed = without_stock(prepared, stock_sentences(texts, directions))
    assert len(changed) == 15
    first = stripped.lemmas[0]
    assert "яма" in first and "линия" not in first and "звонок" not in first
    assert stripped.texts[0] == prepared.texts[0]  # read as it was written
    assert stripped.lemmas[10] == prepared.lemmas[10]  # no stock sentence in it


def test_a_letter_of_nothing_but_stock_keeps_its_least_common_sentence():
    common = "Жду ответа в установленный законом срок."
    own = ["Сломан светофор у школы.", "Нет освещения в парке.", "Разбита остановка.",
           "Течёт крыша в садике.", "Во дворе нет лавочек."]  # fmt: skip
    texts = [f"{own[n % 5]} {common}" for n in range(20)]  # each own sentence in 4
    texts += [f"{common} {HOTLINE}"] * 3 + [HOTLINE] * 3
    prepared = prepare_texts(texts)
    stock = stock_sentences(texts)
    assert len(stock) == 2  # «жду ответа…» in 23 texts, the hotline in 6
    stripped, _ = without_stock(prepared, stock)
    assert "светофор" in stripped.lemmas[0] and "закон" not in stripped.lemmas[0]
    # Only stock: the rarer sentence (the hotline) is what the letter is about.
    assert "линия" in stripped.lemmas[20] and "закон" not in stripped.lemmas[20]
    assert stripped.lemmas[23] == prepared.lemmas[23]
