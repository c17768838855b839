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


_WATER = (
    "Третий день нет горячей воды в доме {n}, дети не могут помыться.",
    "Из крана идёт ржавая вода, горячей воды нет с понедельника, дом {n}.",
    "Отключили горячую воду без предупреждения, в доме {n} холодная вода еле течёт.",
)
_DOGS = (
    "Бродячие собаки во дворе дома {n} нападают на детей, нужен отлов собак.",
    "Стая бродячих собак у школы, дети боятся ходить, просим отлов собак у дома {n}.",
    "Во дворе дома {n} бродячие собаки лают ночью и кидаются на прохожих.",
)
_ROADS = (
    "Дорога на улице Садовой у дома {n} разбита, нужен ремонт дорог во дворе.",
    "Ямы на дороге возле дома {n}, машины ломают подвеску, просим ремонт дорог.",
    "Дворовые дороги у дома {n} не ремонтировали десять лет, сплошные ямы.",
)
_KINDERGARTEN = (
    "В детский сад очередь на два года, ребёнка из дома {n} не берут.",
    "Детский сад в нашем микрорайоне переполнен, группы по тридцать детей.",
    "Нужен новый детский сад, мест нет, мамы из дома {n} не могут выйти на работу.",
)
_STOCK = (
    "Мы живём в селе, до районного центра {km} километров.",
    "Жду ответа в установленный законом срок.",
)


@pytest.mark.parametrize("stock", _STOCK)
def test_a_stock_sentence_in_every_text_does_not_name_a_topic(stock):
    # Residents add the same sentence to whatever they write about; the topics are named by
    # their subjects, not by «Районный центр» or «Установленный закон».
    texts, truth = [], []
    for s, sentences in enumerate((_WATER, _DOGS, _ROADS, _KINDERGARTEN)):
        for i in range(15):
            text = sentences[i % 3].format(n=i + 3 * s + 1)
            texts.append(f"{text} {stock.format(km=20 + i)}")
            truth.append(s)
    prepared = prepare_texts(texts)

    model = TopicModel(n_topics=4).fit(prepared, np.zeros((len(texts), 300), dtype=np.float32))

    assert adjusted_rand_score(truth, model.labels_) > 0.9
    labels = " | ".join(t.label for t in model.topics_).lower()
    for subject in ("вод", "собак", "дорог", "сад"):
        assert subject in labels, labels
    for stock_word in ("центр", "километр", "закон", "срок"):
        assert stock_word not in labels, labels


@pytest.mark.parametrize(
    "stock",
    [
        "На звонки по горячей линии никто не отвечает.",
        "Мы живём в селе, до районного центра {km} километров.",
        "Управляющая компания и администрация кивают друг на друга.",
    ],
)
def test_a_stock_sentence_that_holds_one_topic_together_does_not_name_it(stock):
    # Every complaint about dogs, and a third of the others, carry the same sentence; the
    # dogs are written about in different words, the sentence always in the same ones.
    # It is spread over every topic: the dogs' topic is still named by the dogs.
    dogs = (
        "Собаки бегают стаей у дома {n}, страшно выйти.",
        "Собака укусила ребёнка возле дома {n}.",
        "Во дворе дома {n} много собак, никто их не ловит.",
    )
    texts, truth = [], []
    for s, sentences in enumerate((_WATER, dogs, _ROADS, _KINDERGARTEN)):
        for i in range(15):
            text = sentences[i % 3].format(n=i + 3 * s + 1)
            if sentences is dogs or i % 10 < 3:
                text += " " + stock.format(km=20 + i)
            texts.append(text)
            truth.append(s)
    prepared = prepare_texts(texts)

    model = TopicModel(n_topics=4).fit(prepared, np.zeros((len(texts), 300), dtype=np.float32))

    assert adjusted_rand_score(truth, model.labels_) > 0.9
    labels = [t.label.lower() for t in model.topics_]
    assert any("собак" in label for label in labels), labels
    for stock_word in ("линия", "звонок", "центр", "километр", "компания", "друг"):
        assert not any(stock_word in label for label in labels), labels


def test_a_term_of_every_housing_topic_names_none_of_them():
    # «Управляющая компания» is in every housing complaint: the topics are named by what
    # they are about (radiators, the staircase, the roof), not «Управляющая компания (2)».
    heating = (
        "В квартире холодно, батареи еле тёплые, управляющая компания не реагирует.",
        "Батареи холодные вторую неделю, управляющая компания обещает и не делает.",
        "Зимой батареи в квартире {n} ледяные, управляющая компания молчит.",
    )
    cleaning = (
        "Управляющая компания собирает деньги, а подъезд не убирают месяцами.",
        "В подъезде дома {n} грязь, управляющая компания уборку не проводит.",
        "Подъезд не моют, управляющая компания берёт деньги за уборку подъезда.",
    )
    roof = (
        "Течёт крыша над квартирой {n}, управляющая компания не ремонтирует кровлю.",
        "Крыша протекает, на потолке плесень, управляющая компания не отвечает.",
        "После дождя с крыши льёт в подъезд, управляющая компания не чинит кровлю.",
    )
    texts, truth = [], []
    for s, sentences in enumerate((heating, cleaning, roof, _DOGS)):
        for i in range(15):
            texts.append(sentences[i % 3].format(n=i + 1))
            truth.append(s)
    prepared = prepare_texts(texts)

    model = TopicModel(n_topics=4).fit(prepared, np.zeros((len(texts), 300), dtype=np.float32))

    labels = [t.label for t in model.topics_]
    assert adjusted_rand_score(truth, model.labels_) > 0.7
    assert not any("компания" in label.lower() for label in labels), labels
    assert not any("(" in label for label in labels), labels
    assert any("батаре" in label.lower() for label in labels), labels


def test_a_label_is_not_the_first_half_of_a_longer_phrase():
    # «программа устранения цифрового неравенства»: not «Программа устранения».
    internet = (
        "Нужно подключить сёла района к программе устранения цифрового неравенства.",
        "Просим включить деревню {n} в программу устранения цифрового неравенства.",
        "Наше село {n} не попало в программу устранения цифрового неравенства, связи нет.",
    )
    texts = []
    for sentences in (internet, _DOGS, _ROADS):
        texts += [sentences[i % 3].format(n=i + 1) for i in range(12)]
    prepared = prepare_texts(texts)

    model = TopicModel(n_topics=3).fit(prepared, np.zeros((len(texts), 300), dtype=np.float32))

    labels = [t.label for t in model.topics_]
    assert "Цифровое неравенство" in labels, labels


def test_a_word_residents_write_doubled_is_not_a_label():
    # «кивают друг на друга» is not about a friend.
    dogs = (
        "Собаки бегают стаей у дома {n}, страшно выйти.",
        "Собака укусила ребёнка возле дома {n}.",
        "Во дворе дома {n} много собак, никто их не ловит.",
    )
    texts = []
    for sentences in (_WATER, dogs, _ROADS, _KINDERGARTEN):
        for i in range(15):
            text = sentences[i % 3].format(n=i + 1)
            if sentences is dogs:
                text += " Ветеринары и администрация кивают друг на друга."
            texts.append(text)
    prepared = prepare_texts(texts)

    model = TopicModel(n_topics=4).fit(prepared, np.zeros((len(texts), 300), dtype=np.float32))

    labels = [t.label.lower() for t in model.topics_]
    assert any("собак" in label for label in labels), labels
    assert not any("друг" in label.split() for label in labels), labels


def test_a_phrase_does_not_run_over_a_number_or_a_full_stop():
    # «до врача 40 километров» has no «врач километров»; «продукцию. Проверки» no
    # «продукция проверок».
    clinics = (
        "В селе {n} нет больницы, до врача {k} километров.",
        "Больницу закрыли, теперь до врача {k} километров по бездорожью.",
        "До врача {k} километров, больница в районном центре.",
    )
    farms = (
        "Фермерам негде продавать продукцию. Проверки идут каждый месяц.",
        "Фермеры не могут продать продукцию. Проверки замучили.",
        "Куда девать продукцию? Проверки приходят по три раза.",
    )
    texts = []
    for sentences in (clinics, farms, _DOGS):
        texts += [sentences[i % 3].format(n=i + 1, k=20 + i) for i in range(12)]
    prepared = prepare_texts(texts)

    model = TopicModel(n_topics=3).fit(prepared, np.zeros((len(texts), 300), dtype=np.float32))

    terms = [term for t in model.topics_ for term in (t.label.lower(), *t.terms)]
    assert not any("врач километр" in term for term in terms), terms
    assert not any("продукция провер" in term for term in terms), terms


def test_phrase_label_needs_agreement_and_writes_the_plural_residents_use():
    # «в установленный законом срок»: the adjective belongs to «срок», not to «закон».
    assert phrase_label("установленный закон", Counter({("установленный", "законом"): 5})) == ""
    assert phrase_label("детский сад", Counter({("детском", "саду"): 3})) == "детский сад"
    assert phrase_label("управлять компания", Counter({("управляющая", "компания"): 4})) == (
        "управляющая компания"
    )
    assert phrase_label("деньга", Counter({("деньги",): 3, ("денег",): 2})) == "деньги"
    assert phrase_label("батарея", Counter({("батареи",): 4, ("батарея",): 1})) == "батареи"
    assert phrase_label("поликлиника", Counter({("поликлинике",): 4})) == "поликлиника"
    # «малого» read as the noun «малое» is still the adjective of «малого бизнеса».
    assert phrase_label("малое бизнес", Counter({("малого", "бизнеса"): 5})) == "малый бизнес"
    assert phrase_label("ремонт дорога", Counter({("ремонта", "дорог"): 3})) == "ремонт дорог"


def _fit_labels(groups, n_topics):
    """Labels (and the agreement with the groups) of a model fitted on texts made of
    (sentences, count) groups; words only, no dense vectors."""
    texts, truth = [], []
    for s, (sentences, count) in enumerate(groups):
        for i in range(count):
            texts.append(sentences[i % len(sentences)].format(n=i + 1))
            truth.append(s)
    prepared = prepare_texts(texts)
    model = TopicModel(n_topics=n_topics).fit(
        prepared, np.zeros((len(texts), 300), dtype=np.float32)
    )
    return [t.label for t in model.topics_], adjusted_rand_score(truth, model.labels_)


def test_a_word_the_dictionary_lacks_is_not_a_name_for_standing_once_by_one():
    # «фельдшерско-акушерский» is unknown to the dictionary; the feldsher signs one
    # complaint in four with her name right before it. It is still not a surname.
    fap = (
        "В селе {n} закрыли фельдшерско-акушерский пункт, до врача сорок километров.",
        "Просим восстановить фельдшерско-акушерский пункт в деревне {n}, фельдшера нет.",
        "Фельдшерско-акушерский пункт в селе {n} закрыт третий год.",
        "Фельдшер Анна Петрова, фельдшерско-акушерский пункт села {n}: нужен ремонт.",
    )
    labels, agreement = _fit_labels([(fap, 16), (_DOGS, 15), (_ROADS, 15)], 3)

    assert agreement > 0.9
    assert "Фельдшерско-акушерский пункт" in labels, labels


def test_a_verb_is_not_read_as_a_genitive():
    # «дорожки заросли» is paths that are overgrown, not «Дорожка зарослей».
    square = (
        "В сквере у дома {n} дорожки заросли, скамейки сломаны.",
        "Дорожки заросли травой, в сквере у дома {n} не пройти.",
        "Сквер у дома {n} запущен: дорожки заросли, урн нет.",
    )
    labels, agreement = _fit_labels([(square, 15), (_DOGS, 15), (_WATER, 15)], 3)

    assert agreement > 0.9
    assert not any("заросл" in label.lower() for label in labels), labels
    assert any("дорожки" in label.lower() for label in labels), labels


def test_two_words_written_together_are_not_joined_with_and():
    support = [
        f"Частный детский сад в доме {n} просит поддержку из бюджета района." for n in range(8)
    ]
    assert heading(["поддержка", "бюджет"], support) == "Поддержка из бюджета"
    deadline = [f"Жду ответа в установленный законом срок, дом {n}." for n in range(8)]
    assert heading(["срок", "закон"], deadline) == "Срок"
    apart = [f"Мусор не вывозят, контейнеры у дома {n} переполнены." for n in range(8)]
    assert heading(["мусор", "контейнеры"], apart) == "Мусор и контейнеры"


def test_the_phrase_that_sets_the_topic_apart_heads_it():
    # «нормальный тротуар» is asked for by the road complaints and the school ones alike;
    # «дорожное покрытие» is what only the road complaints write about.
    roads = (
        "Дорожное покрытие на улице {n} разрушено, нужен нормальный тротуар.",
        "На улице {n} нет нормального тротуара, дорожное покрытие в ямах.",
        "Нужен нормальный тротуар: после зимы на улице {n} ямы и лужи.",
    )
    school = (
        "Детям до школы {n} идти по обочине, нужен нормальный тротуар.",
        "Возле школы {n} нет нормального тротуара, дети ходят по проезжей части.",
        "У школы {n} дети идут по обочине, просим построить пешеходную дорожку.",
    )
    labels, agreement = _fit_labels([(roads, 15), (school, 15), (_DOGS, 15)], 3)

    assert agreement > 0.9
    assert "Дорожное покрытие" in labels, labels
    assert "Нормальный тротуар" not in labels, labels


def test_a_second_topic_with_the_same_label_is_told_apart_by_its_own_term():
    courses = (
        "Организуйте курсы цифровой грамотности для пенсионеров в селе {n}.",
        "Пенсионеры села {n} просят курсы цифровой грамотности.",
        "Нужны курсы цифровой грамотности для пенсионеров, село {n}.",
    )
    portal = (
        "Госуслуги не работают, записаться к врачу через госуслуги в селе {n} нельзя.",
        "Через госуслуги в селе {n} ничего не оформить, сайт госуслуг виснет.",
        "Госуслуги зависают, справку через госуслуги в селе {n} не получить.",
    )
    both = (
        "Госуслуги сложные, нужны курсы цифровой грамотности, село {n}.",
        "Без курсов цифровой грамотности госуслуги в селе {n} недоступны.",
    )
    labels, _ = _fit_labels([(courses, 20), (portal, 20), (both, 12), (_DOGS, 15)], 4)

    assert len(set(labels)) == len(labels), labels
    assert not any("(" in label for label in labels), labels
    assert "Цифровая грамотность" in labels, labels
    assert any(label.endswith(" и цифровая грамотность") for label in labels), labels


def test_a_word_that_heads_a_three_word_phrase_is_named_by_it():
    # «благоустройство» is written as «благоустройство общественных пространств»: not
    # «Единственный парк» nor the half «Общественные пространства».
    square = (
        "Единственный парк у дома {n} давно требует благоустройства.",
        "Просим конкурс на благоустройство общественных пространств, сквер у дома {n}.",
        "Сквер у дома {n} ждёт благоустройства восьмой год.",
        "Благоустройство общественных пространств у дома {n} не проводили десять лет.",
    )
    labels, agreement = _fit_labels([(square, 16), (_DOGS, 15), (_WATER, 15)], 3)

    assert agreement > 0.9
    assert "Благоустройство общественных пространств" in labels, labels


def test_sentences_every_letter_repeats_do_not_make_a_topic():
    # 120 short appeals on roads, housing and schools; half of them end with five of eight
    # stock sentences residents copy from letter to letter (the hotline nobody answers, the
    # prosecutor's brush-off). Those sentences outweigh the appeal's own few words: without
    # leaving them out, one topic gathers them from all three subjects under «Горячая линия»
    # (agreement with the subjects 0.28).
    import random

    subjects = {
        "roads": ["Яма на дороге у дома {}.", "Разбитый асфальт на улице {}.",
                  "Нет тротуара вдоль дома {}.", "Машины ломают подвеску на ямах у дома {}.",
                  "Дорогу к дому {} не ремонтировали десять лет.", "Обочину у дома {} размыло."],
        "housing": ["В доме {} течёт крыша.", "Батареи в доме {} холодные.",
                    "В подвале дома {} стоит вода.", "В доме {} нет горячей воды.",
                    "Лифт в доме {} сломан.", "Плесень в квартирах дома {}."],
        "school": ["В школе {} не хватает учителей.", "Детский сад {} переполнен.",
                   "В школе {} нет спортзала.", "Кружков в школе {} нет.",
                   "Школьный автобус до школы {} не ходит.", "В школе {} старые парты."],
    }  # fmt: skip
    stock = [
        "Мы обращались уже много раз, но ответа так и не получили.",
        "На звонки по горячей линии никто не отвечает.",
        "Понимаю, что денег в бюджете мало, но это уже край.",
        "Депутату звонили, он обещал разобраться и пропал.",
        "В прошлом году писали в прокуратуру, пришла отписка.",
        "Соседи подтвердят, что так продолжается уже давно.",
        "Люди уже отчаялись и не верят, что что-то изменится.",
        "Все только обещают, а ничего не делается.",
    ]
    rng = random.Random(0)
    texts, truth = [], []
    for subject, sentences in subjects.items():
        for n in range(40):
            text = rng.choice(sentences).format(rng.randint(1, 90))
            if n % 2 == 0:
                text += " " + " ".join(rng.sample(stock, 5))
            texts.append(text)
            truth.append(subject)
    prepared = prepare_texts(texts)
    vectors = NavecVectorizer().transform(prepared.lemmas)

    model = TopicModel().fit(prepared, vectors)

    assert adjusted_mutual_info_score(truth, model.labels_) > 0.4
    stock_words = ("линия", "прокуратур", "отписк", "бюджет", "депутат", "сосед", "ответ")
    labels = [t.label.lower() for t in model.topics_]
    assert not [label for label in labels if any(w in label for w in stock_words)]


def test_a_word_written_with_a_capital_inside_a_sentence_is_a_name():
    from civicplan.analytics.text.topic_terms import proper_lemmas

    texts = [
        "Яма на улице Мира у подвала. Мир тесен, но подвал топит.",
        "В подвале дома на улице Мира вода.",
        "Очередь в МФЦ на улице Ленина. Подвал закрыт.",
    ]
    found = proper_lemmas(texts, {"мир", "подвал", "мфц", "ленин"})
    # «Мира» is a street (twice inside a sentence, once at its start): a name; «МФЦ» is an
    # abbreviation, «подвал» a word.
    assert "мир" in found and "подвал" not in found and "мфц" not in found
