"""`civicplan analyze …` end to end: real files in, real files out, clear errors."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from civicplan.analytics.cli import main
from civicplan.analytics.text.synthetic import DIRECTIONS, gazetteer_rows, generate

PROPOSALS = generate(60, seed=41, duplicate_rate=0.2)
ROOT = Path(__file__).resolve().parents[3]


def write_csv(path: Path, rows: list[list[str]], *, encoding="utf-8", delimiter=",") -> Path:
    with open(path, "w", encoding=encoding, newline="", errors="replace") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def read_csv(path: Path) -> tuple[str, list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a BOM for Excel"
    text = raw.decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    return delimiter, list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


@pytest.fixture
def proposals_cp1251(tmp_path) -> Path:
    rows = [["номер", "текст", "автор"]] + [[p.id, p.text, p.author] for p in PROPOSALS]
    return write_csv(tmp_path / "предложения.csv", rows, encoding="cp1251", delimiter=";")


@pytest.fixture
def labels_csv(tmp_path) -> Path:
    rows = [["label", "description"]] + [[d.name, d.description] for d in DIRECTIONS]
    return write_csv(tmp_path / "labels.csv", rows)


@pytest.fixture
def places_csv(tmp_path) -> Path:
    rows = [["id", "name", "kind", "aliases"]] + [
        [r["id"], r["name"], r["kind"], r["aliases"]] for r in gazetteer_rows()
    ]
    return write_csv(tmp_path / "places.csv", rows)


def run(*args: object) -> tuple[int, str]:
    err = io.StringIO()
    code = main([str(a) for a in args], stderr=err)
    return code, err.getvalue()


def test_classify_zero_shot_on_cp1251_semicolon_file(tmp_path, proposals_cp1251, labels_csv):
    out = tmp_path / "out.csv"
    code, err = run("classify", proposals_cp1251, "--text-column", "текст", "--labels",
                    labels_csv, "--output", out)  # fmt: skip

    assert code == 0, err
    delimiter, rows = read_csv(out)
    assert delimiter == ";"  # as the input, so Russian Excel splits the columns
    assert list(rows[0]) == [
        "номер", "текст", "автор", "predicted_label", "confidence", "needs_review"
    ]  # fmt: skip
    assert len(rows) == len(PROPOSALS)
    names = {d.name for d in DIRECTIONS} | {"не определено"}
    assert all(r["predicted_label"] in names for r in rows)
    assert all(0 <= float(r["confidence"]) <= 1 for r in rows)
    right = sum(r["predicted_label"] == p.direction for r, p in zip(rows, PROPOSALS, strict=True))
    assert right >= len(PROPOSALS) // 2
    assert rows[0]["автор"] == PROPOSALS[0].author


def test_classify_from_training_xlsx_to_xlsx(tmp_path):
    train = Workbook()
    sheet = train.active
    sheet.append(["Текст обращения", "Категория"])
    for p in generate(150, seed=42):
        sheet.append([p.text, p.direction])
    train.save(tmp_path / "train.xlsx")
    source = Workbook()
    sheet = source.active
    sheet.append(["Текст обращения"])
    for p in PROPOSALS[:20]:
        sheet.append([p.text])
    source.save(tmp_path / "in.xlsx")

    code, err = run("classify", tmp_path / "in.xlsx", "--text-column", "Текст обращения",
                    "--train", tmp_path / "train.xlsx", "--label-column", "Категория",
                    "--output", tmp_path / "out.xlsx")  # fmt: skip

    assert code == 0, err
    rows = list(load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("Текст обращения", "predicted_label", "confidence", "needs_review")
    assert len(rows) == 21
    right = sum(r[1] == p.direction for r, p in zip(rows[1:], PROPOSALS[:20], strict=True))
    assert right >= 14


def test_an_unsure_text_keeps_its_best_direction_and_is_marked_for_review(tmp_path, labels_csv):
    vague = [
        "Сделайте уже хоть что-нибудь, сколько можно ждать и писать вам письма.",
        "Прошу разобраться и принять меры, обращаюсь уже не в первый раз.",
        "Спасибо, что читаете. Всё плохо, помогите людям.",
    ]
    rows = [["текст"]] + [[p.text] for p in PROPOSALS] + [[t] for t in vague] + [["  "]]
    source = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"

    code, err = run("classify", source, "--text-column", "текст", "--labels", labels_csv,
                    "--output", out)  # fmt: skip

    assert code == 0, err
    _, result = read_csv(out)
    names = {d.name for d in DIRECTIONS}
    written = result[: len(PROPOSALS) + len(vague)]
    # Every text with words has a direction, even when the classifier is unsure of it…
    assert all(r["predicted_label"] in names for r in written)
    unsure = [r for r in written if float(r["confidence"]) < 0.35]
    assert unsure, "the vague appeals should be under the threshold"
    # … and the unsure ones, only they, are marked for a reader to check.
    assert all(r["needs_review"] == "да" for r in unsure)
    assert all(r["needs_review"] == "" for r in written if float(r["confidence"]) >= 0.35)
    right = sum(
        r["predicted_label"] == p.direction for r, p in zip(written, PROPOSALS, strict=False)
    )
    assert right >= len(PROPOSALS) // 2


def test_duplicates_with_and_without_id_column(tmp_path):
    texts = [
        "Прошу отремонтировать дорогу на улице Гагарина в Отрадном, ямы по колено.",
        "Нужен детский сад в Кинеле, очередь на три года.",
        "Прошу отремонтировать дорогу на улице Гагарина в Отрадном, ямы по колено!",
        "В Похвистнево закрыли аптеку, лекарства купить негде.",
        "прошу отремонтировать дорогу на улице гагарина в отрадном ямы по колено",
    ]
    source = write_csv(tmp_path / "in.csv", [["id", "text"]] + [[f"A-{i}", t] for i, t in
                                                                  enumerate(texts, 1)])  # fmt: skip
    out = tmp_path / "dups.csv"

    code, err = run("duplicates", source, "--text-column", "text", "--id-column", "id",
                    "--output", out)  # fmt: skip
    assert code == 0, err
    _, rows = read_csv(out)
    assert [r["duplicate_of"] for r in rows] == ["", "", "A-1", "", "A-1"]
    group = rows[0]["duplicate_group"]
    assert group and rows[2]["duplicate_group"] == group == rows[4]["duplicate_group"]
    assert rows[1]["duplicate_group"] == rows[3]["duplicate_group"] == ""

    code, err = run("duplicates", source, "--text-column", "text", "--output", out)
    assert code == 0, err
    _, rows = read_csv(out)
    # Without an id column the original is named by its row number in the file (header = 1).
    assert [r["duplicate_of"] for r in rows] == ["", "", "2", "", "2"]


def test_topics_with_html_report(tmp_path, proposals_cp1251):
    out, report = tmp_path / "topics.csv", tmp_path / "topics.html"
    code, err = run("topics", proposals_cp1251, "--text-column", "текст", "--output", out,
                    "--report", report)  # fmt: skip

    assert code == 0, err
    _, rows = read_csv(out)
    assert all(r["topic"].lstrip("-").isdigit() for r in rows)
    assert all(r["topic_label"] for r in rows)
    assert all(r["topic_label"] == "прочее" for r in rows if r["topic"] == "-1")
    assert len({r["topic"] for r in rows}) >= 3
    page = report.read_text(encoding="utf-8")
    assert 'class="bars"' in page and "Темы" in page


def test_report_html_is_self_contained(tmp_path, proposals_cp1251, labels_csv, places_csv):
    out = tmp_path / "report.html"
    code, err = run("report", proposals_cp1251, "--text-column", "текст", "--id-column",
                    "номер", "--labels", labels_csv, "--places", places_csv, "--output", out)  # fmt: skip

    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    for section in ("Направления", "Темы", "Дубликаты", "Территории", "Ключевое предложение"):
        assert section in page
    assert page.count('<ol class="bars">') >= 3
    assert "<script" not in page and 'src="http' not in page and "<link" not in page
    assert "городской округ Самара" in page
    assert "предложения.csv" in page
    # Shares are written as a Russian reader writes them: «13,3 %», not «13.3 %».
    shares = re.findall(r'<td class="num">(\d+[.,]\d)\u00a0%</td>', page)
    assert shares and all("," in share for share in shares)


def test_report_xlsx_has_a_sheet_per_section(tmp_path, proposals_cp1251, labels_csv, places_csv):
    out = tmp_path / "report.xlsx"
    code, err = run("report", proposals_cp1251, "--text-column", "текст", "--labels",
                    labels_csv, "--places", places_csv, "--output", out)  # fmt: skip

    assert code == 0, err
    book = load_workbook(out)
    assert book.sheetnames == ["Сводка", "Направления", "Темы", "Дубликаты", "Территории",
                               "Тексты"]  # fmt: skip
    texts = list(book["Тексты"].iter_rows(values_only=True))
    assert len(texts) == len(PROPOSALS) + 1
    assert book["Направления"]._charts


def test_report_xlsx_texts_hide_names_only_the_ner_finds(tmp_path, labels_csv):
    rows = [["номер", "текст"]] + [[p.id, p.text] for p in PROPOSALS[:20]]
    rows.append(["x1", "Вчера Светлана из управы сказала, что ремонт дороги перенесли на осень."])
    source = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "report.xlsx"
    code, err = run("report", source, "--text-column", "текст", "--id-column", "номер",
                    "--labels", labels_csv, "--output", out)  # fmt: skip

    assert code == 0, err
    texts = {row[0]: row[1] for row in load_workbook(out)["Тексты"].iter_rows(values_only=True)}
    assert "Светлана" not in texts["x1"]
    assert "ремонт дороги перенесли" in texts["x1"]


def test_report_without_classification_skips_directions(tmp_path, proposals_cp1251):
    out = tmp_path / "report.html"
    code, err = run("report", proposals_cp1251, "--text-column", "текст", "--output", out)
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert 'id="directions"' not in page and 'id="topics"' in page


# --- bad input ---------------------------------------------------------------------------
def test_missing_column_names_the_file_and_the_columns(tmp_path, proposals_cp1251):
    code, err = run("topics", proposals_cp1251, "--text-column", "text", "--output",
                    tmp_path / "o.csv")  # fmt: skip
    assert code == 2
    assert "предложения.csv" in err and "«text»" in err and "«текст»" in err
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "пуст"),
        (b"\x00\x01\x02PNG\x00\x00binary", "двоичные данные"),
        (b"text\n", "нет ни одной строки"),
    ],
)
def test_empty_binary_and_header_only_files(tmp_path, content, message):
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    code, err = run("duplicates", source, "--text-column", "text", "--output", tmp_path / "o.csv")
    assert code == 2
    assert "bad.csv" in err and message in err


def test_bad_rows_are_reported_and_the_rest_analysed(tmp_path):
    huge = "ямы " * 3_500_000  # a 10 MB cell
    rows = [
        ["id", "text"],
        ["1", "Прошу отремонтировать дорогу в Отрадном"],
        ["2", ""],
        ["3", huge],
        ["4", "Нужен детский сад в Кинеле"],
        ["4", "Нужен бассейн в Сызрани"],
    ]
    source = write_csv(tmp_path / "rows.csv", rows)
    out = tmp_path / "out.csv"

    code, err = run("topics", source, "--text-column", "text", "--id-column", "id",
                    "--output", out)  # fmt: skip

    assert code == 2
    assert "rows.csv, строка 3, столбец «text»: пустой текст" in err
    assert "rows.csv, строка 4, столбец «text»: текст длиной" in err
    assert "rows.csv, строка 6, столбец «id»: идентификатор «4» уже был в строке 5" in err
    assert "проанализировано строк — 3 из 5" in err
    _, result = read_csv(out)
    assert [r["id"] for r in result] == ["1", "2", "3", "4", "4"]
    assert result[1]["topic"] == result[2]["topic"] == ""
    assert result[0]["topic_label"] and result[3]["topic_label"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "нужен --train"),
        (["--train", "{labels}"], "нужен --label-column"),
    ],
)
def test_classify_needs_a_way_to_classify(tmp_path, proposals_cp1251, labels_csv, extra,
                                          message):  # fmt: skip
    extra = [e.replace("{labels}", str(labels_csv)) for e in extra]
    code, err = run("classify", proposals_cp1251, "--text-column", "текст", "--output",
                    tmp_path / "o.csv", *extra)  # fmt: skip
    assert code == 2 and message in err


def test_examples_and_descriptions_together(tmp_path, labels_csv):
    """With --train and --labels, a direction the examples never cover is still found by its
    description; an example's label missing from the labels file is reported, not dropped."""
    uncovered = DIRECTIONS[0].name
    examples = [p for p in generate(120, seed=43) if p.direction != uncovered][:60]
    rows = [["текст", "метка"]] + [[p.text, p.direction] for p in examples]
    rows.append(["Просим провести в посёлок газ, топим дровами.", "Газификация"])
    train = write_csv(tmp_path / "train.csv", rows)
    targets = [p for p in generate(200, seed=44) if p.direction == uncovered][:8]
    source = write_csv(tmp_path / "in.csv", [["текст"]] + [[p.text] for p in targets])
    found = {}
    for extra in ([], ["--labels", labels_csv]):
        out = tmp_path / f"out{len(extra)}.csv"
        code, err = run("classify", source, "--text-column", "текст", "--train", train,
                        "--label-column", "метка", "--output", out, *extra)  # fmt: skip
        found[bool(extra)] = sum(r["predicted_label"] == uncovered for r in read_csv(out)[1])
        if extra:
            assert code == 2 and "«Газификация»" in err and "без описаний" in err

    assert len(targets) >= 5
    assert found[False] == 0  # the examples alone know nothing of it
    assert found[True] >= len(targets) // 2


def test_labels_file_with_one_label(tmp_path, proposals_cp1251):
    labels = write_csv(tmp_path / "one.csv", [["label", "description"], ["Дороги", "ямы"]])
    code, err = run("classify", proposals_cp1251, "--text-column", "текст", "--labels", labels,
                    "--output", tmp_path / "o.csv")  # fmt: skip
    assert code == 2 and "one.csv" in err and "меньше двух меток" in err


@pytest.mark.parametrize("output", ["missing/o.csv", "o.txt"])
def test_bad_output_path(tmp_path, proposals_cp1251, output):
    code, err = run("duplicates", proposals_cp1251, "--text-column", "текст", "--output",
                    tmp_path / output)  # fmt: skip
    assert code == 2 and "Ошибка" in err


def test_output_must_not_overwrite_the_input(proposals_cp1251):
    code, err = run("duplicates", proposals_cp1251, "--text-column", "текст", "--output",
                    proposals_cp1251)  # fmt: skip
    assert code == 2 and "затёрт" in err


def test_missing_input_file(tmp_path):
    code, err = run("topics", tmp_path / "нет.csv", "--text-column", "t", "--output",
                    tmp_path / "o.csv")  # fmt: skip
    assert code == 2 and "нет.csv" in err and "не найден" in err


# --- the console script ------------------------------------------------------------------
def _script() -> list[str]:
    script = Path(sys.executable).parent / "civicplan"
    return [str(script)] if script.exists() else [sys.executable, "-m", "civicplan.cli"]


def test_console_script_end_to_end(tmp_path, proposals_cp1251):
    out = tmp_path / "dups.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [*_script(), "analyze", "duplicates", str(proposals_cp1251), "--text-column", "текст",
         "--id-column", "номер", "--output", str(out)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "Готово" in completed.stderr
    _, rows = read_csv(out)
    planted = {p.id: p.duplicate_of for p in PROPOSALS if p.variant == "copy"}
    found = {r["номер"]: r["duplicate_of"] for r in rows}
    assert all(found[i] == original for i, original in planted.items())


def test_console_script_usage_and_bad_input(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    nothing = subprocess.run([*_script()], capture_output=True, text=True, env=env, check=False)
    assert nothing.returncode == 2 and "civicplan analyze" in nothing.stderr
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    bad = subprocess.run(
        [*_script(), "analyze", "topics", str(empty), "--text-column", "t", "--output",
         str(tmp_path / "o.csv")],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "empty.csv" in bad.stderr and "пуст" in bad.stderr


PRIVATE_TEXT = (
    "Прошу отремонтировать дорогу на улице Гагарина в Отрадном, ямы по колено. "
    "Звоните по телефону +7 917 123-45-67 или пишите на ivanov.petr@mail.ru. "
    "С уважением, Иванов Пётр Сергеевич"
)


@pytest.mark.parametrize(
    "command, extra",
    [("classify", ("--labels", "LABELS")), ("duplicates", ()), ("topics", ())],
)
def test_csv_outputs_mask_personal_data_in_the_text_column(tmp_path, labels_csv, command, extra):
    rows = [["id", "text"]] + [[p.id, p.text] for p in PROPOSALS[:30]] + [["x1", PRIVATE_TEXT]]
    source = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"
    extra = tuple(str(labels_csv) if a == "LABELS" else a for a in extra)
    code, err = run(command, source, "--text-column", "text", "--id-column", "id",
                    "--output", out, *extra)  # fmt: skip

    assert code == 0, err
    _, written = read_csv(out)
    page = out.read_text(encoding="utf-8-sig")
    for private in ("917", "123-45-67", "ivanov.petr@mail.ru", "Иванов", "Пётр", "Сергеевич"):
        assert private not in page
    text = next(r["text"] for r in written if r["id"] == "x1")
    assert "Прошу отремонтировать дорогу на улице Гагарина в Отрадном" in text
    assert len(written) == 31


def test_classify_evaluate_prints_per_label_figures_and_mistakes(tmp_path, capsys):
    rows = [["текст", "категория"]] + [[p.text, p.direction] for p in generate(120, seed=5)]
    rows += [
        ["Проведите в посёлке фестиваль народной песни и ярмарку ремёсел.", "Культура"],
        ["Библиотеке нужны новые книги для подростков и читальный зал.", "Культура"],
        ["Откройте краеведческий музей в здании старой усадьбы купца.", "Культура"],
    ]
    train = write_csv(tmp_path / "train.csv", rows)
    source = write_csv(tmp_path / "in.csv", [["текст"], ["Ямы на дороге к школе в Кинеле"]])

    code, err = run("classify", source, "--text-column", "текст", "--train", train,
                    "--label-column", "категория", "--evaluate", "--output",
                    tmp_path / "out.csv")  # fmt: skip

    assert code == 0, err
    printed = capsys.readouterr().out
    assert "Перекрёстная проверка (5 частей): 123 из 123 размеченных примеров." in printed
    table = printed.split("\n\n")[1].splitlines()
    assert table[0].split() == ["метка", "точность", "полнота", "F1", "примеров"]
    culture = table[1]  # the weakest first
    assert culture.startswith("Культура") and "← " in culture and culture.split()[4] == "3"
    assert "Частые ошибки:" in printed and "«Культура» принимают за «" in printed


def test_evaluate_needs_labelled_examples(tmp_path, proposals_cp1251, labels_csv):
    code, err = run("classify", proposals_cp1251, "--text-column", "текст", "--labels",
                    labels_csv, "--evaluate", "--output", tmp_path / "out.csv")  # fmt: skip
    assert code == 2 and "--evaluate проверяет на размеченных примерах" in err


@pytest.mark.browser
def test_the_report_reads_on_a_phone(tmp_path, proposals_cp1251, labels_csv, places_csv, browser):
    # An analyst opens the mailed report on a phone: nothing is wider than the screen, the
    # topic and duplicate tables turn into one block a row with each figure named, and every
    # bar chart is read whole without scrolling sideways: each label in full and its count.
    out = tmp_path / "report.html"
    code, err = run("report", proposals_cp1251, "--text-column", "текст", "--id-column",
                    "номер", "--labels", labels_csv, "--places", places_csv, "--output", out)  # fmt: skip
    assert code == 0, err
    for width in (375, 1366):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(out.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        count = page.locator("table.stack td[data-label='Текстов']").first
        label = count.evaluate("e => getComputedStyle(e, '::before').content")
        assert ("Текстов" in label) == (width == 375)
        charts = page.locator(".chart")
        assert charts.count() >= 3
        assert charts.evaluate_all("cs => cs.every(c => c.scrollWidth <= c.clientWidth)")
        for part in (".bar-label", ".bar-value"):
            boxes = page.locator(part).evaluate_all(
                "es => es.map(e => [e.getBoundingClientRect().right, e.scrollWidth - e.clientWidth])"
            )
            assert boxes and all(right <= width and hidden <= 0 for right, hidden in boxes)
        page.close()
