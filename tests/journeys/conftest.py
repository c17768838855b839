"""One live server, one browser and one demo region for every journey in this folder.

The demo of the Samara region is loaded once per test process (the journeys only read it or
add to it), served by one live server thread, and erased when the module is done.
"""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

from civicplan.core.testing import chromium_path
from civicplan.territories.testing import load_regions

PASSWORD = "demo-civicplan-2026"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 812}
WIDE_ELEMENTS = """() => { const w = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0) out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
  } return out.slice(0, 5); }"""


SKIPPED_DEMO = {"civicplan.territories.demo"}  # replaced by Samara only


def _load_demo_region() -> None:
    """The demo loaders of every app, for the Samara region only."""
    import importlib
    import inspect

    from civicplan.demo.modules import DEMO_MODULES
    from civicplan.insights import demo as insights_demo

    load_regions(63)
    # The analysis of a few hundred generated proposals shows the same pages as 3 000 do.
    insights_demo.DEMO_COUNT = {"strategy-leadership-samara": 240}
    out = io.StringIO()
    for name in DEMO_MODULES:
        if name in SKIPPED_DEMO:
            continue

        if name == "civicplan.strategy.demo":
            from civicplan.strategy.demo import strategy_demo_get_or_create

            strategy_demo_get_or_create(63)
            continue
        load = importlib.import_module(name).load
        if "only_region_codes" in inspect.signature(load).parameters:
            load(stdout=out, only_region_codes={63})
        else:
            load(stdout=out)


@pytest.fixture(scope="session")
def journey_site(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The base URL of a live server over the demo Samara region."""
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        # pytest-django sets up the test database only for tests marked `django_db`; these
        # journeys share one committed demo instead, so alone they set it up themselves.
        own_db = None
        if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
            own_db = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        _load_demo_region()
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        from django.test.utils import override_settings

        fast_forms = override_settings(PROPOSALS_MIN_FILL_SECONDS=0)
        fast_forms.enable()
        server = LiveServer("127.0.0.1:0")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            server.stop()
            fast_forms.disable()
            server._live_server_modified_settings.disable()
            call_command("flush", interactive=False, verbosity=0)
            if own_db is not None:
                teardown_databases(own_db, verbosity=0)


@pytest.fixture(scope="session")
def journey_browser(journey_site: str, browser: Any) -> Any:
    """The session's one Chromium (root conftest): two Playwright drivers cannot share a
    process."""
    return browser


class Visitor:
    """A person on a phone: one browser context; every page visited is checked."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(locale="ru-RU", viewport=PHONE)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.console: list[str] = []
        self.page.on(
            "console", lambda m: self.console.append(m.text) if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.console.append(str(e)))
        self.checked: list[str] = []

    def close(self) -> None:
        self.context.close()

    def open(self, path: str, *, status: int = 200) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == status, (path, response.status)
        if status >= 400:  # the browser reports the status itself as a console error
            self.page.wait_for_load_state()
            self.console = [e for e in self.console if str(status) not in e]
        return self.check()

    def check(self) -> Any:
        """No sideways scrolling at 375 px, no serious axe-core finding, no console error."""
        page = self.page
        page.wait_for_load_state()
        where = page.url.removeprefix(self.base)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if widths[0] > widths[1]:
            wide = page.evaluate(WIDE_ELEMENTS)
            raise AssertionError(f"{where} scrolls sideways at 375 px: {widths} {wide}")
        if AXE.exists():
            page.evaluate(AXE.read_text(encoding="utf-8"))
            found = page.evaluate(
                """async () => (await axe.run(document, {resultTypes: ['violations']}))
                  .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                  .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"""
            )
            assert found == [], f"{where}: axe-core {found}"
        errors = [e for e in self.console if "favicon" not in e]
        assert errors == [], f"{where}: console {errors}"
        self.console.clear()
        self.checked.append(where)
        return page

    def sign_in(self, email: str) -> None:
        page = self.page
        page.goto(self.base + "/accounts/login/")
        page.get_by_label("Электронная почта").fill(email)
        page.get_by_label("Пароль").fill(PASSWORD)
        page.get_by_role("button", name="Войти").click()
        page.wait_for_load_state()
        if "/login/code/" in page.url:
            secret = _TOTP.get(email)
            if secret is None:
                # First sign-in: the QR code comes only by e-mail, through a one-time link.
                from django.core import mail

                letter = next(m for m in reversed(mail.outbox) if email in m.to)
                link = re.search(r"https?://\S+/login/enrol/\S+", letter.body).group(0)
                page.goto(self.base + re.sub(r"^https?://[^/]+", "", link.rstrip(".,)")))
                self.check()
                page.get_by_role("button", name="Показать QR-код").click()
                page.wait_for_load_state()
                secret = _TOTP[email] = page.locator("#totp-secret").inner_text().strip()
                self.check()
            page.get_by_label(re.compile("Код")).first.fill(_fresh_code(email, secret))
            page.get_by_role("button", name="Подтвердить").click()
            page.wait_for_load_state()
        assert "/accounts/login" not in page.url, f"{email} could not sign in"


_TOTP: dict[str, str] = {}
_TOTP_STEP: dict[str, int] = {}


def _fresh_code(email: str, secret: str) -> str:
    """A code the server has not seen yet: it takes each 30-second step once (and one step
    either side), so a second sign-in within the same step uses the next one, as a person
    waiting for the next code on his phone would."""
    now = int(time.time()) // 30
    step = max(now, _TOTP_STEP.get(email, -1) + 1)
    while step > int(time.time()) // 30 + 1:
        time.sleep(1)
    _TOTP_STEP[email] = step
    return str(pyotp.TOTP(secret).at(step * 30))


@pytest.fixture
def visitor(journey_browser: Any, journey_site: str) -> Iterator[Any]:
    made: list[Visitor] = []

    def make() -> Visitor:
        made.append(Visitor(journey_browser, journey_site))
        return made[-1]

    yield make
    for v in made:
        v.close()


@pytest.fixture
def demo_db(journey_site: str, django_db_blocker: Any) -> Iterator[None]:
    """Reads (and setup writes) of the shared demo from the test itself."""
    with django_db_blocker.unblock():
        yield
