"""Project-wide pytest fixtures: settings for tests, demo territories from the shipped data."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings

from civicplan.territories.testing import DATA, load_regions  # noqa: F401  (re-exported for tests)


def pytest_configure(config: pytest.Config) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.JOBS_RUN_INLINE = True
    # Rate limits and counters must not leak between tests or parallel workers.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
        },
    }
    # Tests of pages see fresh renders; the page cache's own tests switch it on (`page_cache`).
    settings.PAGE_CACHE_ENABLED = False
    # Private files of a test run stay out of var/ and out of each other's way.
    import tempfile
    from pathlib import Path

    settings.PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="civicplan-private-"))
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache, caches

    from civicplan.core.similarity import text_index_reset
    from civicplan.insights.engine import engine_reset

    cache.clear()
    caches["pages"].clear()
    text_index_reset()  # ids are reused after a rolled-back test: start every test afresh
    # Every channel announces its proposals to the analysis engine, whose per-process models
    # are keyed by campaign id: a later test must not see an earlier test's index.
    engine_reset()
    yield


@pytest.fixture
def page_cache(settings: object) -> Iterator[object]:
    """The anonymous page cache switched on, empty, as `make run` serves pages."""
    from django.core.cache import caches

    settings.PAGE_CACHE_ENABLED = True  # type: ignore[attr-defined]
    caches["pages"].clear()
    yield caches["pages"]
    caches["pages"].clear()


@pytest.fixture
def samara(db: None) -> object:
    """The Samara region (63) with its 37 real municipalities and their statistics."""
    load_regions(63)
    from civicplan.territories.models import Region

    return Region.objects.get(code=63)


@pytest.fixture
def demo_campaign(samara: object) -> object:
    """The demo strategy and campaign «Стратегия лидерства» of the Samara region."""
    import io as _io

    from civicplan.accounts import demo as accounts_demo
    from civicplan.campaigns.models import Campaign
    from civicplan.demo import campaigns as campaigns_demo
    from civicplan.strategy.demo import strategy_demo_get_or_create

    strategy_demo_get_or_create(63)
    accounts_demo.load(stdout=_io.StringIO())
    campaigns_demo.load(stdout=_io.StringIO(), only_region_codes={63})
    return Campaign.objects.get(slug="strategy-leadership-samara")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium shared by the session's browser tests."""
    from civicplan.core.testing import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def browser_context(browser: object) -> Iterator[object]:
    """A fresh browser context (its own cookies), Russian locale."""
    context = browser.new_context(locale="ru-RU")  # type: ignore[attr-defined]
    yield context
    context.close()


@pytest.fixture
def browser_page(browser_context: object) -> object:
    page = browser_context.new_page()  # type: ignore[attr-defined]
    page.set_default_timeout(15_000)
    return page
