"""Per-direction quality of the classifier: cross-validation, figures, weakest first."""

import pytest

from civicplan.analytics.text.classify import DirectionClassifier
from civicplan.analytics.text.evaluation import (
    Evaluation,
    cross_validate,
    fold_assignment,
    format_text,
    score,
    stratified_sample,
)

ROADS = [
    "Дорога на улице {} разбита, сплошные ямы, машины ломаются.",
    "Отремонтируйте асфальт на улице {}, после зимы одни ямы.",
    "На улице {} нет тротуара, ходим по проезжей части.",
    "Автобус до улицы {} ходит раз в час, нужен ещё маршрут.",
]
HOUSING = [
    "В доме на улице {} течёт крыша, управляющая компания не отвечает.",
    "На улице {} в подъезде нет отопления, батареи холодные.",
    "Дом на улице {} без горячей воды вторую неделю.",
    "Лифт в доме на улице {} не работает, пожилые не могут выйти.",
]
STREETS = ["Ленина", "Гагарина", "Мира", "Садовой", "Победы", "Советской", "Кирова", "Лесной"]
CULTURE = [
    "Проведите в посёлке фестиваль народной песни и ярмарку ремёсел.",
    "Библиотеке нужны новые книги для подростков и читальный зал.",
    "Откройте краеведческий музей в здании старой усадьбы купца.",
]


def _examples() -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for street in STREETS:
        texts += [t.format(street) for t in ROADS] + [t.format(street) for t in HOUSING]
        labels += ["Дороги"] * len(ROADS) + ["ЖКХ"] * len(HOUSING)
    return texts + CULTURE, labels + ["Культура"] * len(CULTURE)


def test_a_rare_direction_the_model_never_recognises_gets_f1_zero_and_comes_first():
    # Three culture proposals that share no words (a festival, a library, a museum) among
    # 64 about roads and housing: trained on the other two, the model never finds the third
    # (without the per-direction offsets, which find it: test_classify.py).
    texts, labels = _examples()
    result = cross_validate(
        texts,
        labels,
        make_classifier=lambda: DirectionClassifier(bias_shrink=0.0),
        labels=["Дороги", "ЖКХ", "Культура", "Спорт"],
    )
    assert result is not None
    assert result.folds == 5 and result.examples == result.examples_total == 67
    weakest = result.weakest_first()
    assert [c.label for c in weakest[:2]] == ["Спорт", "Культура"]  # no examples, then 3
    culture = next(c for c in result.classes if c.label == "Культура")
    assert (culture.recall, culture.f1, culture.support) == (0.0, 0.0, 3)
    assert result.labelled == {"Дороги": 32, "ЖКХ": 32, "Культура": 3}
    roads = next(c for c in result.classes if c.label == "Дороги")
    assert roads.f1 > 0.9 and result.accuracy > 0.9
    # Macro-F1 averages the directions that have examples: culture's zero pulls it down.
    assert result.macro_f1 < 0.7
    mistakes = result.confusions()
    assert sum(c.count for c in mistakes if c.truth == "Культура") == 3
    assert Evaluation.from_dict(result.to_dict()) == result


def test_scores_confusions_and_the_undefined_column():
    truth = ["Спорт"] * 10 + ["Культура"] * 5 + ["ЖКХ"] * 5
    predicted: list[str | None] = (
        ["Спорт"] * 3 + ["Культура"] * 7 + ["Культура"] * 4 + [None] + ["ЖКХ"] * 5
    )
    result = score(truth, predicted, ["ЖКХ", "Культура", "Спорт"])
    sport = result.classes[2]
    assert (sport.precision, sport.recall, sport.support, sport.predicted) == (1.0, 0.3, 10, 3)
    assert round(sport.f1, 3) == round(2 * 0.3 / 1.3, 3)
    assert result.accuracy == 0.6
    top = result.confusions(limit=2)
    assert (top[0].truth, top[0].predicted, top[0].count) == ("Спорт", "Культура", 7)
    assert (top[1].truth, top[1].predicted, top[1].count) == ("Культура", None, 1)
    assert result.confusions(undefined=False)[1:] == []
    assert result.matrix[1] == [0, 4, 0, 1]  # culture: 4 right, 1 «не определено»
    renamed = result.relabel({"Спорт": 7, "Культура": 3})
    assert renamed.labels == ["ЖКХ", "3", "7"] and renamed.labelled["7"] == 10


def test_nothing_to_evaluate_without_two_directions_of_two_examples():
    make = DirectionClassifier
    assert (
        cross_validate(["Ямы на дороге", "Яма у школы"], ["Дороги"] * 2, make_classifier=make)
        is None
    )
    assert (
        cross_validate(["Ямы", "Крыша", "Лифт"], ["Дороги", "ЖКХ", "ЖКХ"], make_classifier=make)
        is None
    )


def test_a_large_campaign_is_sampled_with_rare_directions_kept_whole():
    y = ["ЖКХ"] * 9000 + ["Дороги"] * 900 + ["Культура"] * 12
    chosen = stratified_sample(y, 1000)
    picked = [y[i] for i in chosen]
    assert 950 <= len(chosen) <= 1050
    assert picked.count("Культура") == 12 and 80 <= picked.count("Дороги") <= 100
    folds = fold_assignment(picked, 5)
    culture_folds = {folds[i] for i, label in enumerate(picked) if label == "Культура"}
    assert len(culture_folds) == 5  # a rare direction is tested in every fold


def test_the_text_report_lists_the_weakest_first_with_notes_and_mistakes():
    truth = ["ЖКХ"] * 30 + ["Спорт"] * 4
    predicted: list[str | None] = ["ЖКХ"] * 29 + [None] + ["ЖКХ"] * 4
    text = format_text(score(truth, predicted, ["ЖКХ", "Спорт", "Культура"]))
    lines = text.splitlines()
    assert lines[0] == "Проверка на 34 размеченных примерах."
    assert lines[3].split() == ["метка", "точность", "полнота", "F1", "примеров"]
    assert lines[4].startswith("Культура") and "нет размеченных примеров" in lines[4]
    assert lines[5].startswith("Спорт") and "почти не распознаётся" in lines[5]
    assert "«Спорт» принимают за «ЖКХ» — 4" in text
    assert "«ЖКХ» остаётся без метки («не определено») — 1" in text


def test_folds_in_two_processes_give_the_same_figures_and_report_progress(monkeypatch):
    from civicplan.analytics.text import evaluation

    monkeypatch.setattr(evaluation, "PARALLEL_FROM", 10)  # the 67 examples run in parallel
    texts, labels = _examples()
    names = ["Дороги", "ЖКХ", "Культура", "Спорт"]
    steps: list[tuple[int, int]] = []
    results = [
        cross_validate(
            texts,
            labels,
            make_classifier=lambda: DirectionClassifier(),
            labels=names,
            n_jobs=n_jobs,
            progress=lambda done, total: steps.append((done, total)),
        )
        for n_jobs in (1, 2)
    ]
    sequential, parallel = (r.to_dict() | {"seconds": 0} for r in results if r is not None)
    assert parallel == sequential and parallel["folds"] == 5
    in_parallel = steps[steps.index((5, 5)) + 1 :]
    assert in_parallel[0] == (0, 5) and in_parallel[-1] == (5, 5)
    assert [done for done, _ in in_parallel[:-1]] == [0, 1, 2, 3, 4, 5]  # a step per fold done


def test_a_classifier_given_the_calibration_of_another_predicts_as_it_does():
    texts, labels = _examples()
    names = [("Дороги", "дороги, ямы, асфальт, автобусы"), ("ЖКХ", "дома, крыши, отопление")]
    from civicplan.analytics.text.types import Label

    directions = [Label(n, d) for n, d in names] + [Label("Культура", "музеи, библиотеки")]
    calibrated = DirectionClassifier(directions).fit(texts, labels)
    chosen = calibrated.calibration_
    weights = {"temperature", "description_weight", "char_description_weight", "lemma_weight"}
    assert weights <= set(chosen)
    optional = {"centroid_weight"}  # the examples' words, when they weigh at all
    assert all(key.startswith("bias:") for key in set(chosen) - weights - optional)
    reused = DirectionClassifier(directions, calibration=chosen).fit(texts, labels)
    assert reused.calibration_ == chosen
    probe = ["На улице Ленина яма на дороге.", "В подъезде холодно, батареи не греют."]
    again, before = reused.predict(probe), calibrated.predict(probe)
    assert [p.label for p in again] == [p.label for p in before] == ["Дороги", "ЖКХ"]
    # The same confidences (up to the linear SVM's own run-to-run jitter).
    assert [p.confidence for p in again] == pytest.approx([p.confidence for p in before], abs=1e-3)
    assert (
        DirectionClassifier(directions, calibration={"temperature": 3.0})
        .fit(texts, labels)
        .predict(probe[:1])[0]
        .confidence
        < before[0].confidence
    )  # a given temperature is used
