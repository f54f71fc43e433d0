"""`python -m tests.e2e.browser.screenshots DIR`: PNGs of the widget and the kiosk at phone and kiosk sizes.

Starts the whole assistant on free ports, so it runs beside a `make run` without clashing.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from knowledge import settings
from ops.launcher import running_assistant
from ops.settings import Ports
from tests.e2e.browser.browser import KIOSK, PHONE, chromium
from tools.rest_client import free_port

DESKTOP = {"width": 1280, "height": 800}
LANDSCAPE = {"width": 1920, "height": 1080}


def _page(browser: Browser, viewport: dict[str, int]) -> Page:
    context = browser.new_context(viewport=viewport, reduced_motion="reduce")
    context.set_default_timeout(30_000)
    return context.new_page()


def _ask(page: Page, text: str) -> None:
    page.get_by_role("textbox").fill(text)
    page.get_by_role("textbox").press("Enter")
    expect(page.locator(".vpg-typing")).to_be_hidden()


def widget(browser: Browser, url: str, out: Path) -> list[Path]:
    """The demo page with the widget closed, answering (source and review date), about its source, and an emergency."""
    shots = []
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = _page(browser, viewport)
        page.goto(f"{url}/")
        shots.append(out / f"widget-{name}-closed.png")
        page.screenshot(path=shots[-1])
        page.get_by_role("button", name="Questions about vertebroplasty?").click()
        shots.append(out / f"widget-{name}-open.png")
        page.screenshot(path=shots[-1])
        _ask(page, "what are the risks?")
        expect(page.locator(".vpg-reviewed").first).to_be_visible()
        page.locator(".vpg-reviewed").first.scroll_into_view_if_needed()
        shots.append(out / f"widget-{name}-answer.png")
        page.screenshot(path=shots[-1])
        _ask(page, "where do these answers come from?")
        expect(page.locator(".vpg-reviewed")).to_have_count(2)
        page.locator(".vpg-reviewed").last.scroll_into_view_if_needed()
        shots.append(out / f"widget-{name}-about-the-source.png")
        page.screenshot(path=shots[-1])
        _ask(page, "I have chest pain right now")
        expect(page.locator(".vpg-emergency")).to_be_visible()
        shots.append(out / f"widget-{name}-emergency.png")
        page.screenshot(path=shots[-1])
        page.context.close()
    return shots


def kiosk(browser: Browser, url: str, out: Path) -> list[Path]:
    """The kiosk: start screen, an answer, the values step, the question list with its QR code, the idle warning."""
    shots = []
    for name, viewport in (("portrait", KIOSK), ("landscape", LANDSCAPE), ("phone", PHONE)):
        page = _page(browser, viewport)
        page.goto(f"{url}/kiosk?idle=600")
        shots.append(out / f"kiosk-{name}-start.png")
        page.screenshot(path=shots[-1])
        page.get_by_role("button", name="What are the risks?").click()
        expect(page.locator(".vpg-source").first).to_be_visible()
        shots.append(out / f"kiosk-{name}-answer.png")
        page.screenshot(path=shots[-1])
        page.get_by_role("button", name="Start over").click()
        page.get_by_role("button", name="Make a list of questions for my visit").click()
        page.get_by_role("log").get_by_role("button", name="The risks").click()
        page.get_by_role("log").get_by_role("button", name="No", exact=True).click()
        values = page.get_by_role("log").get_by_role("button", name="Avoiding medicines")
        expect(values).to_be_visible()
        values.scroll_into_view_if_needed()
        shots.append(out / f"kiosk-{name}-values-step.png")
        page.screenshot(path=shots[-1])
        values.click()
        qr = page.get_by_role("img", name="QR code that holds your list of questions")
        expect(qr).to_be_visible()
        page.get_by_role("region", name="Questions you could ask at your visit").scroll_into_view_if_needed()
        shots.append(out / f"kiosk-{name}-question-list.png")
        page.screenshot(path=shots[-1])
        if name == "portrait":
            page.emulate_media(media="print")
            shots.append(out / "kiosk-print-preview.png")
            page.screenshot(path=shots[-1], full_page=True)
            page.emulate_media(media="screen")
            page.get_by_role("button", name="Show keyboard").click()
            shots.append(out / f"kiosk-{name}-keyboard.png")
            page.screenshot(path=shots[-1])
        page.context.close()
        if name == "portrait":
            page = _page(browser, viewport)
            page.goto(f"{url}/kiosk?idle=1&warning=60")
            page.get_by_role("button", name="What is vertebroplasty?").click()
            expect(page.get_by_role("alertdialog")).to_be_visible(timeout=10_000)
            shots.append(out / f"kiosk-{name}-still-there.png")
            page.screenshot(path=shots[-1])
            page.context.close()
    return shots


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0]) if args else settings.REPO_ROOT / "results" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    ports = Ports(rasa=free_port(), actions=free_port(), web=free_port())
    log_dir = settings.REPO_ROOT / "results" / "web-logs"
    with running_assistant(ports, log_dir=log_dir, with_web=True) as running, chromium() as browser:
        shots = widget(browser, running.web_url, out) + kiosk(browser, running.web_url, out)
    for shot in shots:
        print(shot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
