"""The gunicorn settings of `make run` fork the workers with the master's heap frozen, so a
worker's full garbage collection does not walk (and copy) the application it inherited."""

from __future__ import annotations

import gc
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CONFIG = Path(__file__).resolve().parents[3] / "config" / "gunicorn.conf.py"


@pytest.fixture
def settings_module() -> Iterator[dict[str, Any]]:
    gc.unfreeze()
    try:
        yield runpy.run_path(str(CONFIG))
    finally:
        gc.unfreeze()


def test_the_master_heap_is_frozen_before_each_fork(settings_module: dict[str, Any]) -> None:
    assert gc.get_freeze_count() == 0
    settings_module["pre_fork"](None, None)
    # Everything alive in this process now (Django, the test suite) is out of the collector's
    # reach: a full collection no longer walks it.
    assert gc.get_freeze_count() > 10_000
    frozen = gc.get_freeze_count()
    gc.collect()
    assert gc.get_freeze_count() == frozen


def test_freezing_can_be_turned_off(
    settings_module: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIVICPLAN_GC_FREEZE", "0")
    settings_module["pre_fork"](None, None)
    assert gc.get_freeze_count() == 0
