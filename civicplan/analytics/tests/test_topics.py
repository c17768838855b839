"""Topics: clusters that match what residents wrote about, with labels people can read."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

from civicplan.analytics.text.lemmatize import prepare_texts
from civicplan.analytics.text.synthetic import generate
from civicplan.analytics.text.topics import OTHER_TOPIC, TopicModel, heading, phrase_label
from civicplan.analytics.text.vectorize import NavecVectorizer


@pytest.fixture(scope="module")
def people():
    """Synthetic proposals of «Сбережение народа»: clinics, kindergartens, sport, families."""
    proposals = [p for p in generate(2500, seed=8) if p.direction == "Сбережение народа"]
    prepared = prepare_texts([p.text for p in proposals])
    vectors = NavecVectorizer().transform(prepared.lemmas)
    return proposals, prepared, vectors


def test_topics_agree_with_the_known_topics(people):
    proposals, prepared, vectors = people
    model = TopicModel().fit(prepared, vectors, direction="Сбережение народа")

    truth = [p.topic for p in proposals]
    assert adjusted_mutual_info_score(truth, model.labels_) > 0.7
    assert 3 <= len(model.topics_) <= 15
    # «Other» holds leftovers only.
    assert (model.labels_ == OTHER_TOPIC).mean() < 0.15
    assert all(t.direction == "Сбережение народа" for t in model.topics_)


def test_labels_are_readable_phrases_in_normal_form(people):
    _, prepared, vectors = people
    model = TopicModel().fit(prepared, vectors)
    labels = [t.label for t in model.topics_]

    assert any("детский сад" in label.lower() for label in labels), labels
    assert any(
        "поликлиник" in label.lower() or "фельдшерско-акушерский пункт" in label.lower()
        for label in labels
    ), labels
    for topic in model.topics_:
        assert 1 <= len(topic.terms) <= 3
        assert "район" not in topic.terms and "уважение" not in topic.terms
        # A heading: capital first letter, no word twice, not a list of lemmas.
        assert topic.label[0].isupper() and "," not in topic.label
        words = topic.label.lower().split()
        assert len(words) == len(set(words))
    assert len(set(labels)) == len(labels)


def test_fifty_mixed_proposals_do_not_collapse_into_two_topics():
    proposals = generate(50, seed=11)
    prepared = prepare_texts([p.text for p in proposals])
    vectors = NavecVectorizer().transform(prepared.lemmas)

    model = TopicModel().fit(prepared, vectors)

    assert len(model.topics_) >= 5
    assert adjusted_rand_score([p.topic for p in proposals], model.labels_) > 0.3


def test_heading_prefers_a_phrase_and_never_repeats_a_word():
    assert heading(["ремонт дворовых дорог", "яма"]) == "Ремонт дворовых дорог"
    assert heading(["очередь", "детский сад"]) == "Детский сад"
    assert heading(["мусор", "контейнеры", "двор"]) == "Мусор и контейнеры"
    assert heading(["дорога", "дороги"]) == "Дорога"
    assert heading([]) == ""


def test_labels_never_carry_residents_names():
    texts = []
    for i in range(12):
        texts.append(
            f"Во дворе дома {i} разбита дорога, нужен ремонт дворовых дорог. "
            "с уважением владимир змушко"
        )
        texts.append(
            f"Бродячие собаки во дворе дома {i} нападают на детей, нужен отлов собак. "
            "С уважением, Ольга Смирнова"
        )
    prepared = prepare_texts(texts)
    model = TopicModel(n_topics=2).fit(prepared, np.zeros((len(texts), 300), dtype=np.float32))

    joined = " ".join(t.label + " " + " ".join(t.terms) for t in model.topics_).lower()
    for name in ("владимир", "змушко", "ольга", "смирнова"):
        assert name not in joined, joined
    assert any("дорог" in t.label for t in model.topics_)


def test_key_proposal_is_a_member_close_to_the_centre(people):
    _, prepared, vectors = people
    model = TopicModel().fit(prepared, vectors)
    sizes = Counter(model.labels_.tolist())
    for topic in model.topics_:
        assert topic.representative in topic.members
        assert model.labels_[topic.representative] == topic.id
        assert sizes[topic.id] == topic.size
        assert topic.members[0] in topic.members  # closest first
        key_text = prepared.texts[topic.representative]
        assert key_text[:1].isupper()


def test_duplicates_are_not_chosen_as_key_proposals(people):
    _, prepared, vectors = people
    avoid = [True] * len(prepared)
    model = TopicModel().fit(prepared, vectors)
    plain = {t.id: t.representative for t in model.topics_}
    avoid = [i in plain.values() for i in range(len(prepared))]
    model2 = TopicModel().fit(prepared, vectors, avoid_as_key=avoid)
    assert all(not avoid[t.representative] for t in model2.topics_ if t.size > 1)


def test_ids_start_at_offset_largest_first(people):
    _, prepared, vectors = people
    model = TopicModel().fit(prepared, vectors, id_offset=100)
    ids = [t.id for t in model.topics_]
    assert ids == list(range(100, 100 + len(ids)))
    sizes = [t.size for t in model.topics_]
    assert sizes == sorted(sizes, reverse=True)


def test_never_all_noise_on_real_style_short_complaints():
    texts = [
        "Во дворе дома 5 разбита дорога, ямы по колено",
        "Ямы на дороге по улице Ленина, машины ломаются",
        "Отремонтируйте дорогу на Садовой, сплошные ямы",
        "В поликлинике нет терапевта, запись на месяц вперёд",
        "Не могу записаться к врачу в поликлинику",
        "В поликлинике огромные очереди к врачу",
        "Мусор не вывозят вторую неделю, контейнеры переполнены",
        "Контейнеры для мусора переполнены, вывоз раз в неделю",
        "Свалка мусора возле контейнеров у дома 7",
        "Нет горячей воды третий день",
    ]
    prepared = prepare_texts(texts)
    model = TopicModel().fit(prepared, NavecVectorizer().transform(prepared.lemmas))
    assert (model.labels_ != OTHER_TOPIC).sum() >= 8
    assert len(model.topics_) >= 2


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_tiny_inputs(n):
    texts = ["Прошу построить детский сад в Кинеле"] * n
    prepared = prepare_texts(texts)
    model = TopicModel().fit(prepared, np.zeros((n, 300), dtype=np.float32))
    assert len(model.labels_) == n
    if n:
        assert len(model.topics_) == 1 and model.topics_[0].size == n
        assert "сад" in model.topics_[0].label


def test_fixed_number_of_topics(people):
    _, prepared, vectors = people
    model = TopicModel(n_topics=2).fit(prepared, vectors)
    assert len(model.topics_) <= 2


def test_phrase_label_agrees_adjective_and_keeps_genitive():
    assert phrase_label("детский сад", Counter({("детских", "садов"): 3, ("детский", "сад"): 4}))
    assert phrase_label("детский сад", Counter({("детского", "сада"): 5})) == "детский сад"
    assert phrase_label("уличный освещение", Counter({("уличного", "освещения"): 2})) == (
        "уличное освещение"
    )
    assert phrase_label("ремонт дорога", Counter({("ремонта", "дорог"): 3})) == "ремонт дорог"
    assert phrase_label("вывоз мусор", Counter({("вывозу", "мусора"): 1})) == "вывоз мусора"
    assert phrase_label("многодетный семья", Counter({("многодетным", "семьям"): 4})) == (
        "многодетные семьи"
    )
    # A noun followed by an adjective of the next phrase does not read as a label.
    assert phrase_label("парк прогулочный", Counter({("парке", "прогулочные"): 3})) == ""
    assert phrase_label("поликлиника") == "поликлиника"
