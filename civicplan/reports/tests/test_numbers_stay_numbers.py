"""Counts computed by the analytics (numpy scalars) are stored as numbers in XLSX, so that a
ministry's analyst can sum and sort them."""

from __future__ import annotations

import io

import numpy as np
from openpyxl import load_workbook

from civicplan.reports.tabular import Sheet, xlsx_bytes


def test_numpy_counts_are_numbers_in_the_workbook():
    data = xlsx_bytes(
        [
            Sheet(
                title="Темы",
                header=["Тема", "Предложений", "Доля"],
                rows=[["Дороги и транспорт", np.int64(412), np.float64(0.35)]],
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(data)).active
    row = [c.value for c in sheet[2]]
    assert row == ["Дороги и транспорт", 412, 0.35]
    assert sheet.cell(row=2, column=2).data_type == "n"
