"""Helpers for browser tests: Playwright driving Debian's Chromium.

    @pytest.mark.browser
    def test_x(live_server, browser_page): browser_page.goto(live_server.url + "/")

The fixtures live in the root conftest.py; tests are skipped with a reason when Chromium or
Playwright is missing.
"""

from __future__ import annotations

import os
import shutil

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None
