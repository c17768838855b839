"""`civicplan analyze …`: the text analysis on a spreadsheet, without a server.

    civicplan analyze classify INPUT --text-column T --output OUT.csv \\
        [--train LABELED --label-column L [--evaluate]] [--labels LABELS.csv]
    civicplan analyze duplicates INPUT --text-column T [--id-column I] --output OUT.csv
    civicplan analyze topics INPUT --text-column T --output OUT.csv [--report REPORT.html]
    civicplan analyze report INPUT --text-column T [--labels …] [--train … --label-column L]
        [--places GAZETTEER.csv] --output REPORT.html|REPORT.xlsx

INPUT is CSV (UTF-8 or cp1251, `,` or `;`, detected) or XLSX. Tables are written with the
input columns first, then the command's own; CSV in UTF-8 with a BOM (Excel opens it
directly) with the input's delimiter, or XLSX when OUT ends in `.xlsx`. The text column is
written as the report shows texts: cleaned, with personal data masked (names, signatures,
phones, e-mails, flat addresses).

`classify` gives every text with words its most likely direction and its confidence, and
marks `needs_review` the ones under the classifier's threshold (the interface's «не
определено»). `classify --evaluate` also prints how well the classifier does on the --train
examples (stratified cross-validation: precision, recall and F1 per label, weakest first, and
the most frequent mistakes) — the figures the analysts' dashboard shows, from the same
function (the dashboard counts an answer under the threshold as a miss: its proposals show
«не определено»).

Bad input gets a message naming the file, the row and the column, and exit status 2; rows
that can be analysed still are, and the output is written.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from civicplan.analytics.tabular import Table, TableError, read_table, require_columns

EXIT_OK = 0
EXIT_BAD_INPUT = 2
MAX_TEXT_CHARS = 100_000
"""A longer cell is not a resident's message (real ones are up to about 10,000 characters)."""
REVIEW_MARK = "да"
"""`needs_review` of a text whose direction is a guess under the classifier's threshold."""

logger = logging.getLogger(__name__)


def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


class InputError(Exception):
    """The command cannot run at all; the message (Russian) says why."""


@dataclass(slots=True)
class Loaded:
    table: Table
    rows: list[tuple[int, dict[str, str]]]  # every row read, bad ones included
    usable: list[int]  # positions in `rows` that can be analysed
    ids: list[str]  # one per row: the id column's value or the row number
    problems: list[str] = field(default_factory=list)


def _load(path: str, text_column: str, id_column: str | None) -> Loaded:
    table = read_table(path)
    required = [text_column] + ([id_column] if id_column else [])
    require_columns(table, *required)
    name = table.name
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[str] = []
    try:
        for line, row in table.rows:
            rows.append((line, row))
    except (csv.Error, ValueError) as exc:
        last = rows[-1][0] + 1 if rows else 2
        problems.append(
            f"Файл {name}, строка {last}: не удалось прочитать ({exc}); "
            "эта и следующие строки не проанализированы."
        )
    usable: list[int] = []
    ids: list[str] = []
    seen_ids: dict[str, int] = {}
    for position, (line, row) in enumerate(rows):
        text = row.get(text_column, "")
        doc_id = (row.get(id_column, "") or "").strip() if id_column else str(line)
        if id_column and not doc_id:
            doc_id = str(line)
            problems.append(
                f"Файл {name}, строка {line}, столбец «{id_column}»: пустой идентификатор — "
                f"вместо него использован номер строки {line}."
            )
        elif id_column and doc_id in seen_ids:
            problems.append(
                f"Файл {name}, строка {line}, столбец «{id_column}»: идентификатор «{doc_id}» "
                f"уже был в строке {seen_ids[doc_id]}."
            )
        seen_ids.setdefault(doc_id, line)
        ids.append(doc_id)
        if not text or not text.strip():
            problems.append(
                f"Файл {name}, строка {line}, столбец «{text_column}»: пустой текст — "
                "строка не проанализирована."
            )
            continue
        if len(text) > MAX_TEXT_CHARS:
            problems.append(
                f"Файл {name}, строка {line}, столбец «{text_column}»: текст длиной "
                f"{_grouped(len(text))} знаков — больше допустимых {_grouped(MAX_TEXT_CHARS)}; "
                "строка не проанализирована."
            )
            continue
        if "\x00" in text:
            problems.append(
                f"Файл {name}, строка {line}, столбец «{text_column}»: в тексте двоичные "
                "данные — строка не проанализирована."
            )
            continue
        usable.append(position)
    if not rows:
        raise InputError(f"В файле {name} нет ни одной строки с данными.")
    return Loaded(table, rows, usable, ids, problems)


def _read_labels(path: str) -> list[Any]:
    from civicplan.analytics.text.types import Label

    table = read_table(path)
    require_columns(table, "label")
    labels: list[Label] = []
    seen: set[str] = set()
    for line, row in table.rows:
        name = (row.get("label") or "").strip()
        if not name:
            raise InputError(f"Файл {table.name}, строка {line}, столбец «label»: пустая метка.")
        if name in seen:
            continue
        seen.add(name)
        labels.append(Label(name, (row.get("description") or "").strip()))
    if len(labels) < 2:
        raise InputError(
            f"В файле {table.name} меньше двух меток: классифицировать не из чего выбирать."
        )
    return labels


def _read_training(
    path: str, text_column: str, label_column: str, problems: list[str]
) -> list[tuple[str, str]]:
    table = read_table(path)
    require_columns(table, text_column, label_column)
    pairs: list[tuple[str, str]] = []
    for line, row in table.rows:
        text = row.get(text_column, "")
        label = (row.get(label_column) or "").strip()
        if not text.strip():
            problems.append(
                f"Файл {table.name}, строка {line}, столбец «{text_column}»: пустой текст — "
                "пример пропущен."
            )
            continue
        if not label:
            problems.append(
                f"Файл {table.name}, строка {line}, столбец «{label_column}»: нет метки — "
                "пример пропущен."
            )
            continue
        if len(text) > MAX_TEXT_CHARS:
            problems.append(
                f"Файл {table.name}, строка {line}, столбец «{text_column}»: слишком длинный "
                "текст — пример пропущен."
            )
            continue
        pairs.append((text, label))
    if len({label for _, label in pairs}) < 2:
        raise InputError(
            f"В файле {table.name} нужны примеры хотя бы двух разных меток в столбце "
            f"«{label_column}»."
        )
    return pairs


# --- output ----------------------------------------------------------------------------
def _masked_texts(args: argparse.Namespace, loaded: Loaded, result: Any) -> list[str]:
    """The text column of every row as the report shows texts: cleaned (markup removed)
    and with personal data masked — names, signatures, phones, e-mails, flat addresses.
    Rows that were not analysed (too long, binary) are masked from their raw text."""
    from civicplan.analytics.text.personal import mask_personal_data_many

    texts = [row.get(args.text_column, "") or "" for _, row in loaded.rows]
    for position, doc in zip(loaded.usable, result.documents, strict=True):
        texts[position] = doc.text
    todo = [i for i, text in enumerate(texts) if text.strip()]
    masked = mask_personal_data_many(
        [texts[i].replace("\x00", " ") for i in todo], n_jobs=max(1, args.jobs)
    )
    for i, text in zip(todo, masked, strict=True):
        texts[i] = text
    return texts


def _write_table(
    path: str,
    loaded: Loaded,
    extra_columns: Sequence[str],
    values: list[dict[str, Any]],
    *,
    text_column: str,
    texts: Sequence[str],
) -> None:
    """The input's columns, the text column replaced by `texts` (masked), then the
    command's own columns."""
    columns = [c for c in loaded.table.columns if c] + [
        c for c in extra_columns if c not in loaded.table.columns
    ]
    records = []
    for (_, row), own, text in zip(loaded.rows, values, texts, strict=True):
        record = {c: row.get(c, "") for c in loaded.table.columns if c}
        record[text_column] = text
        record.update({k: ("" if v is None else v) for k, v in own.items()})
        records.append(record)
    if Path(path).suffix.lower() in {".xlsx", ".xlsm"}:
        from openpyxl import Workbook

        from civicplan.analytics.text.report import xlsx_text

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Результат")
        sheet.append(columns)
        for record in records:
            sheet.append([xlsx_text(record.get(c, "")) for c in columns])
        workbook.save(path)
        return
    from civicplan.analytics.text.report import cell_text

    delimiter = ";" if loaded.table.delimiter == ";" else ","
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, delimiter=delimiter)
        writer.writeheader()
        writer.writerows({c: cell_text(record.get(c, "")) for c in columns} for record in records)


def _check_output(path: str, inputs: Sequence[str], allowed: Sequence[str]) -> None:
    target = Path(path)
    if target.suffix.lower() not in allowed:
        listed = ", ".join(allowed)
        raise InputError(f"Результат {path}: допустимы расширения {listed}.")
    if not target.parent.exists():
        raise InputError(f"Папки {target.parent} для результата {path} нет.")
    for source in inputs:
        if source and Path(source).resolve() == target.resolve():
            raise InputError(f"Результат {path} совпадает с входным файлом: он был бы затёрт.")


# --- progress --------------------------------------------------------------------------
class _Bar:
    """One tqdm bar on stderr, re-labelled at each stage of the pipeline."""

    def __init__(self, enabled: bool | None, stream: TextIO) -> None:
        self.enabled = enabled
        self.stream = stream
        self.bar: Any = None
        self.stage: str | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        from civicplan.analytics.text.pipeline import STAGES

        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(
                total=max(total, 1),
                desc=STAGES.get(stage, stage),
                unit="",
                file=self.stream,
                disable=self.enabled is False
                or (self.enabled is None and not _isatty(self.stream)),
                leave=False,
                dynamic_ncols=True,
            )
        if self.bar is not None:
            self.bar.n = min(done, self.bar.total)
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# --- commands --------------------------------------------------------------------------
def _documents(loaded: Loaded, text_column: str) -> list[Any]:
    from civicplan.analytics.text.types import Document

    return [Document(id=loaded.ids[p], text=loaded.rows[p][1][text_column]) for p in loaded.usable]


def _analyze(args: argparse.Namespace, loaded: Loaded, bar: _Bar, **kwargs: Any) -> Any:
    from civicplan.analytics.text.pipeline import analyze

    try:
        return analyze(
            _documents(loaded, args.text_column),
            progress=bar,
            n_jobs=args.jobs,
            **kwargs,
        )
    finally:
        bar.close()


def _per_row(loaded: Loaded, result: Any, make: Callable[[Any], dict[str, Any]],
             empty: dict[str, Any]) -> list[dict[str, Any]]:  # fmt: skip
    values = [dict(empty) for _ in loaded.rows]
    for position, doc in zip(loaded.usable, result.documents, strict=True):
        values[position] = make(doc)
    return values


def _write_results(args: argparse.Namespace, loaded: Loaded, result: Any,
                   make: Callable[[Any], dict[str, Any]], empty: dict[str, Any]) -> None:  # fmt: skip
    """Every input row, its text masked, with the command's own columns (`empty`'s keys)."""
    _write_table(
        args.output,
        loaded,
        list(empty),
        _per_row(loaded, result, make, empty),
        text_column=args.text_column,
        texts=_masked_texts(args, loaded, result),
    )


def _classification_inputs(args: argparse.Namespace, problems: list[str]) -> dict[str, Any]:
    """`training` and/or `labels` for the pipeline. With both, the label descriptions are a
    prior next to the examples (with a handful of examples a label, most of what the model
    knows about the rare ones)."""
    inputs: dict[str, Any] = {}
    if args.labels:
        inputs["labels"] = _read_labels(args.labels)
    if args.train:
        if not args.label_column:
            raise InputError("С --train нужен --label-column: столбец с метками примеров.")
        inputs["training"] = _read_training(args.train, args.text_column, args.label_column,
                                            problems)  # fmt: skip
    if "labels" in inputs and "training" in inputs:
        described = {label.name for label in inputs["labels"]}
        unknown = sorted({label for _, label in inputs["training"]} - described)
        if unknown:
            problems.append(
                f"Метки примеров, которых нет в файле {Path(args.labels).name}: "
                f"{', '.join(f'«{name}»' for name in unknown[:10])}"
                f"{' и другие' if len(unknown) > 10 else ''} — они учтены без описаний."
            )
    return inputs


def cmd_classify(args: argparse.Namespace, loaded: Loaded, bar: _Bar) -> None:
    from civicplan.analytics.text.classify import CONFIDENT
    from civicplan.analytics.text.types import UNDEFINED_LABEL

    if not args.train and not args.labels:
        raise InputError("Для classify нужен --train с --label-column или --labels.")
    if args.evaluate and not args.train:
        raise InputError("--evaluate проверяет на размеченных примерах: нужен --train.")
    kwargs = _classification_inputs(args, loaded.problems)
    # Every text with words gets its most likely direction; an unsure one is marked for a
    # reader to check rather than left «не определено»: the analyst keeps the guess, which on
    # the hard corpus is right for 54-83 % of the texts under the threshold
    # (benchmarks/README.md, «The classify table keeps the best guess»).
    result = _analyze(args, loaded, bar, find_duplicates=False, find_topics=False,
                      classify_threshold=0.0, **kwargs)  # fmt: skip

    def columns(d: Any) -> dict[str, Any]:
        shown = round(d.confidence, 3) if d.confidence is not None else None
        unsure = d.direction is None or shown is None or shown < CONFIDENT
        return {
            "predicted_label": d.direction or UNDEFINED_LABEL,
            "confidence": f"{shown:.3f}" if shown is not None else "",
            "needs_review": REVIEW_MARK if unsure else "",
        }

    _write_results(
        args, loaded, result, columns, {"predicted_label": "", "confidence": "", "needs_review": ""}
    )
    if args.evaluate:
        _evaluate(kwargs["training"], kwargs.get("labels"), bar)


def _evaluate(training: list[tuple[str, str]], labels: list[Any] | None, bar: _Bar) -> None:
    """Cross-validate the classifier on the training examples and print the figures (of
    the most likely direction, as the table gives it)."""
    from functools import partial

    from civicplan.analytics.text.classify import DirectionClassifier
    from civicplan.analytics.text.evaluation import cross_validate, format_text
    from civicplan.analytics.text.pipeline import classification_labels

    labels = classification_labels(labels, training)
    stage = "Проверка качества на размеченных примерах"
    try:
        evaluation = cross_validate(
            [text for text, _ in training],
            [label for _, label in training],
            make_classifier=partial(DirectionClassifier, labels, threshold=0.0),
            progress=lambda done, total: bar(stage, done, total),
        )
    finally:
        bar.close()
    if evaluation is None:
        print("Проверка качества: нужно хотя бы по два примера двух меток.", file=bar.stream)
    else:
        sys.stdout.write(format_text(evaluation) + "\n")
        sys.stdout.flush()


def cmd_duplicates(args: argparse.Namespace, loaded: Loaded, bar: _Bar) -> None:
    result = _analyze(args, loaded, bar, find_topics=False)
    _write_results(
        args,
        loaded,
        result,
        lambda d: {"duplicate_group": d.duplicate_group, "duplicate_of": d.duplicate_of},
        {"duplicate_group": "", "duplicate_of": ""},
    )


def cmd_topics(args: argparse.Namespace, loaded: Loaded, bar: _Bar) -> None:
    result = _analyze(args, loaded, bar, find_duplicates=bool(args.report))
    _write_results(
        args,
        loaded,
        result,
        lambda d: {"topic": d.topic, "topic_label": d.topic_label},
        {"topic": "", "topic_label": ""},
    )
    if args.report:
        _write_report(args, loaded, result, args.report)


def cmd_report(args: argparse.Namespace, loaded: Loaded, bar: _Bar) -> None:
    kwargs = _classification_inputs(args, loaded.problems)
    if args.places:
        from civicplan.analytics.text.places import read_gazetteer

        kwargs["gazetteer"] = read_gazetteer(args.places)
    if args.llm_url:
        from civicplan.analytics.text.summarize import LLMSummarizer

        if not args.llm_model:
            raise InputError("С --llm-url нужен --llm-model.")
        kwargs["summarizer"] = LLMSummarizer(
            url=args.llm_url,
            model=args.llm_model,
            api_key=os.environ.get(args.llm_key_env) if args.llm_key_env else None,
            timeout=args.llm_timeout,
        )
    result = _analyze(args, loaded, bar, **kwargs)
    _write_report(args, loaded, result, args.output)


def _write_report(args: argparse.Namespace, loaded: Loaded, result: Any, path: str) -> None:
    from civicplan.analytics.text.report import ReportInfo, write_report

    info = ReportInfo(
        source=loaded.table.name, rows_total=len(loaded.rows), problems=loaded.problems
    )
    write_report(result, path, info)


# --- parser ----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="civicplan analyze",
        description="Анализ предложений жителей из таблицы CSV или XLSX.",
    )
    sub = parser.add_subparsers(dest="command", metavar="КОМАНДА")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("input", metavar="ФАЙЛ", help="таблица CSV или XLSX")
        p.add_argument("--text-column", required=True, metavar="СТОЛБЕЦ", help="столбец с текстом")
        p.add_argument("--id-column", metavar="СТОЛБЕЦ", help="столбец с идентификатором")
        p.add_argument(
            "--jobs", type=int, default=2, metavar="N", help="процессов (по умолчанию 2)"
        )
        p.add_argument(
            "--progress", action=argparse.BooleanOptionalAction, default=None,
            help="показывать ход работы (по умолчанию — в терминале)",
        )  # fmt: skip

    def classification(p: argparse.ArgumentParser) -> None:
        p.add_argument("--train", metavar="ФАЙЛ", help="размеченные примеры")
        p.add_argument("--label-column", metavar="СТОЛБЕЦ", help="столбец с метками в --train")
        p.add_argument(
            "--labels", metavar="ФАЙЛ",
            help="метки: столбцы label,description (без --train — классификация по описаниям; "
            "с --train описания помогают примерам)",
        )  # fmt: skip

    p = sub.add_parser("classify", help="направление каждого текста")
    common(p)
    classification(p)
    p.add_argument("--output", required=True, metavar="ФАЙЛ", help="результат .csv или .xlsx")
    p.add_argument(
        "--evaluate", action="store_true",
        help="проверить классификатор на --train (перекрёстная проверка): точность, полнота "
        "и F1 по меткам, частые ошибки — в стандартный вывод",
    )  # fmt: skip
    p.set_defaults(handler=cmd_classify, outputs=(".csv", ".xlsx"))

    p = sub.add_parser("duplicates", help="группы дубликатов")
    common(p)
    p.add_argument("--output", required=True, metavar="ФАЙЛ", help="результат .csv или .xlsx")
    p.set_defaults(handler=cmd_duplicates, outputs=(".csv", ".xlsx"))

    p = sub.add_parser("topics", help="темы и их названия")
    common(p)
    p.add_argument("--output", required=True, metavar="ФАЙЛ", help="результат .csv или .xlsx")
    p.add_argument("--report", metavar="ФАЙЛ", help="отчёт по темам .html или .xlsx")
    p.set_defaults(handler=cmd_topics, outputs=(".csv", ".xlsx"))

    p = sub.add_parser("report", help="полный отчёт для рабочей группы")
    common(p)
    classification(p)
    p.add_argument("--places", metavar="ФАЙЛ", help="справочник территорий: id,name,kind,aliases")
    p.add_argument("--output", required=True, metavar="ФАЙЛ", help="отчёт .html или .xlsx")
    p.add_argument("--llm-url", metavar="URL", help="OpenAI-совместимый сервер для сводок")
    p.add_argument("--llm-model", metavar="МОДЕЛЬ")
    p.add_argument("--llm-key-env", metavar="ПЕРЕМЕННАЯ", default="CIVICPLAN_LLM_API_KEY")
    p.add_argument("--llm-timeout", type=float, default=20.0, metavar="СЕКУНД")
    p.set_defaults(handler=cmd_report, outputs=(".html", ".htm", ".xlsx"))
    return parser


def main(argv: Sequence[str] | None = None, *, stderr: TextIO | None = None) -> int:
    """Run `civicplan analyze`; returns the exit status."""
    err = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse already printed its message
        return int(exc.code or 0) and EXIT_BAD_INPUT
    if not getattr(args, "command", None):
        parser.print_help(err)
        return EXIT_BAD_INPUT
    try:
        inputs = [args.input, getattr(args, "train", None), getattr(args, "labels", None),
                  getattr(args, "places", None)]  # fmt: skip
        _check_output(args.output, [i for i in inputs if i], args.outputs)
        if getattr(args, "report", None):
            _check_output(args.report, [i for i in inputs if i], (".html", ".htm", ".xlsx"))
        loaded = _load(args.input, args.text_column, args.id_column)
        bar = _Bar(args.progress, err)
        args.handler(args, loaded, bar)
    except (TableError, InputError) as exc:
        print(f"Ошибка: {exc}", file=err)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"Ошибка: не удалось записать или прочитать файл: {exc}", file=err)
        return EXIT_BAD_INPUT
    for problem in loaded.problems:
        print(problem, file=err)
    analysed = len(loaded.usable)
    print(
        f"Готово: проанализировано строк — {analysed} из {len(loaded.rows)}; "
        f"результат — {args.output}.",
        file=err,
    )
    return EXIT_BAD_INPUT if loaded.problems else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
