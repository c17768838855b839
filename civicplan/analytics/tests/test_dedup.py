"""Duplicate groups: copies, edited copies, paraphrases; the earliest is the original."""

from datetime import UTC, datetime

import numpy as np

from civicplan.analytics.text.dedup import DuplicateFinder, UnionFind, candidate_pairs
from civicplan.analytics.text.dedup.finder import _SIGNATURE_CHUNK
from civicplan.analytics.text.dedup.grams import _shared, _shared_counts
from civicplan.analytics.text.lemmatize import prepare_texts
from civicplan.analytics.text.types import Document

ROAD = "Прошу отремонтировать дорогу на улице Ленина в Кинеле, там ямы глубиной по колено"


def test_copies_and_edited_copies_form_one_group_with_the_first_as_original():
    texts = [
        ROAD,
        "Постройте детский сад в селе Красный Яр",
        "<p>Здравствуйте!</p><p>" + ROAD + "</p>",
        "прошу отремонтировать дорогу на улице ленина в кинеле там ямы глубиной по колено",
        "Прошу отремонтировать дорогу на улице Ленина в Кинеле там ямы глубинай по колену!!!",
    ]
    result = DuplicateFinder().find(texts)
    assert [r.group for r in result] == [1, None, 1, 1, 1]
    assert [r.duplicate_of for r in result] == [None, None, 0, 0, 0]
    assert result[0].is_original and not result[2].is_original
    assert result[1].duplicate_of_id is None


def test_the_earliest_by_date_is_the_original():
    docs = [
        Document("b-2", ROAD, datetime(2026, 3, 5, tzinfo=UTC)),
        Document("a-1", ROAD + "!", datetime(2026, 3, 1, tzinfo=UTC)),
        Document("c-3", "Мусор не вывозят", datetime(2026, 2, 1, tzinfo=UTC)),
    ]
    result = DuplicateFinder().find(docs)
    assert result[0].duplicate_of_id == "a-1" and result[0].duplicate_of == 1
    assert result[1].is_original
    assert result[2].group is None


def test_same_template_about_another_town_is_not_a_duplicate():
    texts = [
        ROAD,
        ROAD.replace("в Кинеле", "в Отрадном"),
        "Центральная площадь Борского района выглядит заброшенной, благоустройте её",
        "Центральная площадь Красноярского района выглядит заброшенной, благоустройте её",
    ]
    assert [r.group for r in DuplicateFinder().find(texts)] == [None] * 4


def test_paraphrase_with_the_same_words_in_another_order_is_found():
    texts = [
        "В поликлинике не хватает врачей, очереди огромные",
        "Очереди в поликлинике огромные, врачей не хватает",
        "Уберите мусор во дворе дома 5",
    ]
    finder = DuplicateFinder()
    pairs = finder.pairs(
        __import__("civicplan.analytics.text.lemmatize", fromlist=["x"]).prepare_texts(texts)
    )
    assert [(p.first, p.second) for p in pairs] == [(0, 1)]
    assert [r.group for r in finder.find(texts)] == [1, 1, None]


def test_paraphrases_can_be_switched_off():
    texts = [
        "В поликлинике не хватает врачей, очереди огромные",
        "Очереди в поликлинике огромные, врачей не хватает",
    ]
    assert [r.group for r in DuplicateFinder(paraphrases=False).find(texts)] == [None, None]


def test_empty_short_and_single_inputs():
    assert DuplicateFinder().find([]) == []
    assert DuplicateFinder().find(["один"])[0].group is None
    result = DuplicateFinder().find(["", "", "<p></p>", "да", "да"])
    assert all(r.group is None for r in result)  # nothing to compare is not a duplicate


def test_long_texts_are_compared():
    long_text = " ".join(
        f"Пункт {i}: отремонтировать дом номер {i} на улице Мира." for i in range(400)
    )
    result = DuplicateFinder().find([long_text, long_text.replace("Пункт 7:", "Пункт семь:"), ROAD])
    assert [r.group for r in result] == [1, 1, None]


def test_a_text_longer_than_a_signature_chunk_and_its_edited_copy_are_one_group():
    # More distinct word pairs than `_SIGNATURE_CHUNK`: the text is hashed on its own.
    long_text = " ".join(
        f"Пункт {i}: отремонтировать дом {i} на улице номер {i + 1} в квартале {i + 2}."
        for i in range(1500)
    )
    shingles, lengths = DuplicateFinder()._shingles([long_text.lower().split()])
    assert lengths[0] > _SIGNATURE_CHUNK
    edited = long_text.replace("Пункт 7:", "Пункт семь:")
    result = DuplicateFinder().find([ROAD, long_text, edited, ROAD + " Спасибо."])
    assert [r.group for r in result] == [1, 2, 2, 1]


def test_shared_word_pairs_counted_in_bulk_as_pair_by_pair():
    texts = [
        "Отремонтировать дорогу на улице Ленина в Самаре, там ямы",
        "отремонтировать дорогу на улице ленина в самаре там большие ямы",
        "Построить детскую площадку во дворе дома на улице Мира",
        "",
        "Построить площадку",
        "Отремонтировать дорогу на улице Мира в Тольятти, там ямы",
    ]
    sets, _ = DuplicateFinder(min_words=1)._shingles([t.lower().split() for t in texts])
    first = np.array([0, 0, 1, 2, 3, 4, 0], dtype=np.int64)
    second = np.array([1, 5, 5, 4, 4, 5, 0], dtype=np.int64)
    bulk = _shared_counts(sets, first, second).tolist()
    one_by_one = [_shared(sets[i], sets[j]) for i, j in zip(first, second, strict=True)]
    assert bulk == one_by_one
    assert bulk[0] > 0 and bulk[4] == 0 and bulk[6] == len(sets[0])


def test_union_find_joins_transitively():
    uf = UnionFind(4)
    uf.union(0, 1)
    uf.union(2, 1)
    assert uf.find(2) == uf.find(0) == 0
    assert uf.find(3) == 3


def test_candidate_pairs_exact_and_inverted_file_agree():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(300, 32)).astype(np.float32)
    noisy = base + rng.normal(scale=0.05, size=base.shape).astype(np.float32)
    vectors = np.vstack([base, noisy])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = {(i, j) for i, j, _ in candidate_pairs(vectors, 0.95, k=3)}
    approx = {(i, j) for i, j, _ in candidate_pairs(vectors, 0.95, k=3, exact_limit=10)}
    truth = {(i, i + 300) for i in range(300)}
    assert exact == truth
    assert len(approx & truth) >= 0.95 * len(truth) and approx <= exact


def test_a_resent_message_with_greeting_markup_typos_and_a_dropped_sentence_is_found():
    original = (
        "В квартире холодно, батареи еле тёплые, управляющая компания не реагирует. "
        "Из крана идёт ржавая вода, пить её невозможно. Обращались много раз. "
        "Прошу провести проверку работы управляющей компании."
    )
    resent = (
        '<div class="message"><p>Добрый&nbsp;день.</p><p>Из крана идёт ржавая вода, пить '
        "её невазможно.</p><p>В квартире холодно, батареи еле тёплые, управляющая компания "
        "не реагирует.</p><p>Прошу провести проверку работы управляющей кампании.</p></div>"
    )
    other = (
        "В квартире холодно, батареи еле тёплые. Во дворе после замены труб так и осталась "
        "разрытая траншея, дети падают, машины не проехать. Прошу засыпать траншею и "
        "восстановить асфальт во дворе до начала зимы."
    )

    pairs = DuplicateFinder(paraphrases=False).pairs(prepare_texts([original, resent, other]))

    assert [(p.first, p.second) for p in pairs] == [(0, 1)]
    assert pairs[0].kind == "edited-copy"


def test_without_the_verification_stage_the_edited_copy_is_missed():
    original = (
        "В квартире холодно, батареи еле тёплые, управляющая компания не реагирует. "
        "Из крана идёт ржавая вода, пить её невозможно. Обращались много раз. "
        "Прошу провести проверку работы управляющей компании."
    )
    resent = (
        "<p>Добрый&nbsp;день.</p><p>Из крана идёт ржавая вода, пить её невазможно.</p>"
        "<p>В квартире холодно, батареи еле тёплые, управляющая компания не реагирует.</p>"
        "<p>Прошу провести проверку работы управляющей кампании.</p>"
    )
    finder = DuplicateFinder(paraphrases=False, edited_copies=False)

    assert finder.pairs(prepare_texts([original, resent])) == []


def test_passes_run_apart_and_merged_give_the_same_links_as_one_call():
    from civicplan.analytics.text.dedup import merge_pairs
    from civicplan.analytics.text.synthetic import generate

    proposals = generate(400, seed=5, duplicate_rate=0.2)
    prepared = prepare_texts([p.text for p in proposals])
    finder = DuplicateFinder()

    whole = finder.pairs(prepared)
    apart = merge_pairs(
        finder.pairs(prepared, passes=("near",)),
        finder.pairs(prepared, passes=("edited", "paraphrase")),
    )

    assert len(whole) > 20
    assert {p.kind for p in whole} >= {"near-copy", "edited-copy"}
    assert apart == whole
