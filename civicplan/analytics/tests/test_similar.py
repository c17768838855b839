"""«Which existing proposals are like this text?»"""

import pickle
import threading

from civicplan.analytics.text.similar import SimilarityIndex

CORPUS = {
    "p1": "Отремонтируйте дорогу на улице Ленина, сплошные ямы",
    "p2": "Постройте детский сад в селе Красный Яр",
    "p3": "Мусор не вывозят неделями, контейнеры переполнены",
    "p4": "В поликлинике не записаться к терапевту",
    "p5": "Ямы на дороге по улице Гагарина, машины ломаются",
}


def build():
    index = SimilarityIndex(initial_capacity=2)
    index.add(list(CORPUS), list(CORPUS.values()))
    return index


def test_query_returns_the_most_similar_first():
    index = build()
    result = index.query("ремонт дороги на Ленина, ямы", k=3)
    assert [doc_id for doc_id, _ in result][:2] == ["p1", "p5"]
    scores = [score for _, score in result]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


def test_adding_texts_needs_no_rebuild_and_grows_the_matrix():
    index = build()
    index.add(["p6", "p7"], ["Нужен новый детский садик", "Откройте ясли для малышей в селе"])
    assert len(index) == 7
    assert index.query("детский сад", k=1)[0][0] in {"p2", "p6"}


def test_re_adding_an_id_replaces_its_text():
    index = build()
    index.add(["p3"], ["Постройте бассейн для детей"])
    assert len(index) == 5
    assert index.query("бассейн", k=1)[0][0] == "p3"


def test_exclude_and_empty_queries():
    index = build()
    assert "p1" not in [i for i, _ in index.query(CORPUS["p1"], k=2, exclude=["p1"])]
    assert index.query("", k=3) == []
    assert index.query("<p>&nbsp;</p>", k=3) == []
    assert SimilarityIndex().query("дорога", k=3) == []


def test_mismatched_ids_are_refused():
    index = SimilarityIndex()
    try:
        index.add(["a"], ["один", "два"])
    except ValueError as error:
        assert "не совпадают" in str(error)
    else:  # pragma: no cover
        raise AssertionError("expected ValueError")


def test_index_survives_pickling():
    index = pickle.loads(pickle.dumps(build()))
    assert index.query("ямы на дороге", k=1)[0][0] in {"p1", "p5"}
    index.add(["p8"], ["Поставьте фонари во дворе"])
    assert len(index) == 6


def test_queries_while_adding_from_another_thread():
    index = build()
    errors = []

    def add_many():
        for n in range(50):
            index.add([f"n{n}"], [f"Новый текст номер {n} о ремонте дороги"])

    def query_many():
        try:
            for _ in range(50):
                for doc_id, _score in index.query("ремонт дороги", k=5):
                    assert doc_id in index
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=add_many), threading.Thread(target=query_many)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(index) == 55


def test_search_finds_every_form_of_the_words_and_word_starts() -> None:
    # given three texts, two of them about fairs in different word forms
    index = SimilarityIndex()
    index.add(
        [1, 2, 3],
        [
            "Ярмарка выходного дня на центральной площади",
            "Легализация уличной торговли: ярмарки и нестационарные объекты",
            "Ремонт дорог в Кинеле",
        ],
    )

    # when searching in other forms, by a word start, with stop words, with an unknown word
    # then every form finds both, a start finds its word, stop words alone find nothing
    assert {i for i, _s in index.search("ярмарку")} == {1, 2}
    assert {i for i, _s in index.search("на ярмарках")} == {1, 2}
    assert [i for i, _s in index.search("торговл")] == [2]
    assert index.search("и в на") == []
    assert index.search("ярмарки космодром") == []
