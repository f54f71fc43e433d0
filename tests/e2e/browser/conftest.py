"""The whole assistant with its web server, and a headless Chromium to drive the widget and the kiosk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from bot.launcher import Ports, running_assistant
from bot.rest_client import free_port
from knowledge import settings
from tests.web.browser import chromium


@pytest.fixture(scope="session")
def web_url() -> Iterator[str]:
    ports = Ports(rasa=free_port(), actions=free_port(), web=free_port())
    with running_assistant(ports, log_dir=settings.REPO_ROOT / "results" / "web-logs", with_web=True) as running:
        yield running.web_url


# Per module, not per session: while Playwright's sync API is running it holds an event loop in
# this thread, and the async tests of other modules could not run theirs.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    made = browser.new_context(viewport={"width": 1280, "height": 900})
    made.set_default_timeout(30_000)
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
