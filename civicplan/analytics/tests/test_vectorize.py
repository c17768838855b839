"""Sparse and dense text vectors."""

import numpy as np

from civicplan.analytics.text.lemmatize import Lemmatizer
from civicplan.analytics.text.vectorize import (
    CharTfidfVectorizer,
    LemmaTfidfVectorizer,
    NavecVectorizer,
    navec_path,
)

ROADS = "Отремонтируйте дорогу на улице Ленина, сплошные ямы"
ROADS_AGAIN = "Нужен ремонт дорог по улице Ленина: ямы и лужи"
KINDERGARTEN = "Постройте детский сад в селе, детей некуда водить"


def lemmas(*texts):
    return Lemmatizer().transform(texts)


def test_navec_model_ships_inside_natasha():
    assert navec_path().name == "navec_news_v1_1B_250K_300d_100q.tar"


def test_dense_vectors_are_unit_length_and_put_similar_texts_close():
    vectors = NavecVectorizer().transform(lemmas(ROADS, ROADS_AGAIN, KINDERGARTEN))
    assert vectors.shape == (3, 300) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_text_without_known_words_gets_a_zero_vector():
    vectors = NavecVectorizer().transform([[], ["ыщзхъ"], ["дорога"]])
    assert not vectors[0].any() and not vectors[1].any()
    assert abs(np.linalg.norm(vectors[2]) - 1.0) < 1e-5


def test_idf_weighting_learned_from_the_corpus():
    corpus = lemmas(ROADS, ROADS_AGAIN, KINDERGARTEN, "Дорога разбита")
    vectorizer = NavecVectorizer(weighting="idf")
    vectors = vectorizer.fit_transform(corpus)
    assert vectorizer.idf_ is not None
    assert vectorizer.idf_["дорога"] < vectorizer.idf_["сад"]
    assert np.allclose(vectors, vectorizer.transform(corpus), atol=1e-6)


def test_yo_and_e_spellings_get_the_same_vector():
    lem = Lemmatizer()
    a, b = NavecVectorizer().transform([lem.lemmatize("ёлка"), lem.lemmatize("елка")])
    assert np.allclose(a, b)


def test_lemma_tfidf_counts_case_forms_as_one_word_and_keeps_bigrams():
    vectorizer = LemmaTfidfVectorizer()
    matrix = vectorizer.fit_transform(lemmas("детский сад", "детского сада нет", "садом"))
    names = set(vectorizer.get_feature_names_out())
    assert {"детский", "сад", "детский сад"} <= names
    assert matrix.shape[0] == 3


def test_char_ngrams_tolerate_typos():
    vectorizer = CharTfidfVectorizer()
    matrix = vectorizer.fit_transform(
        ["отремонтируйте дорогу", "атремантируйте дарогу", "детский сад"]
    )
    sims = (matrix @ matrix.T).toarray()
    assert sims[0, 1] > 0.3 > sims[0, 2]


def test_vectorizers_survive_an_empty_corpus():
    assert LemmaTfidfVectorizer().fit_transform([[], []]).shape[0] == 2
    assert CharTfidfVectorizer().fit_transform(["", ""]).shape[0] == 2
