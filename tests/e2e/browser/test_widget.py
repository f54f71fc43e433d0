"""The embeddable widget in a real browser against the running assistant."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, expect

from knowledge import settings
from knowledge.model import KnowledgeSource
from knowledge.source import long_date
from ops.launcher import server_environment, stop_process, wait_until_up, web_command, web_environment
from ops.settings import Ports
from tests.e2e.browser.browser import PHONE, serious_violations
from tools.rest_client import free_port

pytestmark = pytest.mark.e2e

OPEN = "Questions about vertebroplasty?"


def open_widget(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name=OPEN).click()
    expect(page.get_by_role("dialog", name="Vertebroplasty guide")).to_be_visible()


def ask(page: Page, text: str) -> None:
    page.get_by_label("Type your question").fill(text)
    page.get_by_role("button", name="Send").click()


def sent_messages(page: Page) -> list[dict[str, Any]]:
    """Every body the page posts to the REST webhook, in order (filled as requests go out)."""
    bodies: list[dict[str, Any]] = []

    def record(request: Request) -> None:
        if request.url.endswith("/webhooks/rest/webhook") and request.method == "POST":
            bodies.append(json.loads(request.post_data or "{}"))

    page.on("request", record)
    return bodies


def test_a_typed_question_gets_the_answer_with_its_source(page: Page, web_url: str) -> None:
    open_widget(page, f"{web_url}/")
    ask(page, "what is vertebroplasty")
    log = page.get_by_role("log")
    expect(log.locator(".vpg-source")).to_have_text(
        "Source: The Importance of Second Opinions Before Undergoing Vertebroplasty"
    )
    expect(log).to_contain_text("not medical advice")
    expect(page.locator(".vpg-typing")).to_be_hidden()


def test_an_answer_shows_when_it_was_last_reviewed_beside_its_source(
    page: Page, web_url: str, source: KnowledgeSource
) -> None:
    open_widget(page, f"{web_url}/")
    ask(page, "can the cement leak out of the bone?")
    log = page.get_by_role("log")
    reviewed = next(e.reviewed for e in source.entries if e.id == "risk_cement_leakage")
    expect(log.locator(".vpg-source").first).to_have_text("Source: The Risks and Limitations of Vertebroplasty")
    # Right after the source line, in the same answer.
    expect(log.locator(".vpg-source + .vpg-reviewed").first).to_have_text(f"Last reviewed: {long_date(reviewed)}")
    # The introduction says what the source is, and that the guide does not vouch for it.
    expect(log).to_contain_text("I do not vouch for it")
    expect(log).not_to_contain_text("reviewed article")


def test_a_button_sends_its_payload_exactly_and_shows_its_title(page: Page, web_url: str) -> None:
    bodies = sent_messages(page)
    open_widget(page, f"{web_url}/")
    page.get_by_role("button", name="What are the risks?").click()
    log = page.get_by_role("log")
    expect(log.locator(".vpg-source").first).to_have_text("Source: The Risks and Limitations of Vertebroplasty")
    assert [b["message"] for b in bodies] == ["/ask_risks"]
    expect(log.locator(".vpg-user")).to_have_text("You said: What are the risks?")
    # A suggested follow-up from the answer works the same way.
    suggestion = log.locator(".vpg-msg", has_text="You could also ask:").get_by_role("button").first
    suggestion.click()
    expect(log.locator(".vpg-source")).to_have_count(2)
    assert bodies[-1]["message"].startswith("/ask_risk")
    assert len({b["sender"] for b in bodies}) == 1


def test_an_emergency_reply_stands_out(page: Page, web_url: str) -> None:
    open_widget(page, f"{web_url}/")
    ask(page, "I have chest pain right now")
    alert = page.get_by_role("log").locator(".vpg-emergency")
    expect(alert).to_contain_text("This could be an emergency")
    expect(alert).to_have_attribute("role", "alert")
    expect(alert.locator(".vpg-emergency-label")).to_have_text("Emergency")
    expect(alert.locator(".vpg-staff-alert")).to_have_count(0)
    colours = alert.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
    assert colours == ["rgb(155, 0, 0)", "rgb(255, 255, 255)"]


def test_keyboard_alone_opens_asks_and_closes(page: Page, web_url: str) -> None:
    page.goto(f"{web_url}/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('vpg-launcher')"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_label("Type your question")).to_be_focused()
    page.keyboard.type("what are the alternatives?")
    page.keyboard.press("Enter")
    expect(page.get_by_role("log").locator(".vpg-source")).to_have_text("Source: Alternative Treatment Options")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_role("button", name=OPEN)).to_be_focused()


def test_html_typed_by_the_patient_is_shown_as_text(page: Page, web_url: str) -> None:
    open_widget(page, f"{web_url}/")
    typed = '<img src=x onerror="window.__xss = 1"><script>window.__xss = 2</script>'
    ask(page, typed)
    log = page.get_by_role("log")
    expect(log.locator(".vpg-user")).to_have_text(f"You said: {typed}")
    expect(log.locator(".vpg-msg.vpg-bot").nth(1)).to_be_visible()
    assert log.locator("img, script").count() == 0
    assert page.evaluate("window.__xss") is None


HOSTILE_REPLY = [
    {
        "recipient_id": "x",
        "text": "<img src=x onerror=window.__xss=1> Read javascript:window.__xss=2 or "
        "[this](javascript:window.__xss=3), then https://example.org/info.",
    },
    {"recipient_id": "x", "custom": {"kb_entry": "x", "source": "<b onmouseover=window.__xss=4>bold</b>"}},
    {
        "recipient_id": "x",
        "text": "Pick:",
        "buttons": [{"title": "<img src=x onerror=window.__xss=5>", "payload": "/ask_risks"}],
    },
    {"recipient_id": "x", "image": "javascript:window.__xss=6"},
]


def test_html_and_javascript_links_from_the_server_render_as_harmless_text(page: Page, web_url: str) -> None:
    # The assistant never sends such text; a compromised or buggy server must still not run script here.
    def hostile(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(HOSTILE_REPLY))

    page.route("**/webhooks/rest/webhook", hostile)
    open_widget(page, f"{web_url}/")
    ask(page, "hello")
    log = page.get_by_role("log")
    expect(log).to_contain_text("<img src=x onerror=window.__xss=1> Read javascript:window.__xss=2")
    expect(log.locator(".vpg-source")).to_have_text("Source: <b onmouseover=window.__xss=4>bold</b>")
    expect(log.get_by_role("button", name="<img src=x onerror=window.__xss=5>")).to_be_visible()
    assert log.locator("img, script, b").count() == 0
    hrefs = log.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs == ["https://example.org/info"]
    page.mouse.move(10, 10)
    assert page.evaluate("window.__xss") is None


@pytest.fixture
def web_url_without_assistant() -> Iterator[str]:
    """The web server alone, proxying to a port where nothing listens (the Rasa server is down)."""
    ports = Ports(rasa=free_port(), web=free_port())
    env = web_environment(ports, server_environment(ports))
    log_dir = settings.REPO_ROOT / "results" / "web-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "web-alone.log").open("wb") as log:
        process = subprocess.Popen(web_command(), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_up(f"{ports.web_url}/healthz", process, 60)
        yield ports.web_url
    finally:
        stop_process(process)


def test_a_clear_message_when_the_assistant_is_down(page: Page, web_url_without_assistant: str) -> None:
    open_widget(page, f"{web_url_without_assistant}/")
    ask(page, "what is vertebroplasty")
    error = page.get_by_role("log").locator(".vpg-error")
    expect(error).to_contain_text("the guide cannot be reached right now")
    expect(error).to_have_attribute("role", "alert")
    expect(page.locator(".vpg-typing")).to_be_hidden()
    expect(error.get_by_role("button", name="Try again")).to_be_visible()


def test_a_clear_message_when_the_server_cannot_be_reached_at_all(
    context: BrowserContext, web_url_without_assistant: str
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    context.add_init_script(f"window.VertebroplastyGuideConfig = {{serverUrl: {json.dumps(dead)}}};")
    page = context.new_page()
    open_widget(page, f"{web_url_without_assistant}/")
    ask(page, "what is vertebroplasty")
    expect(page.get_by_role("log").locator(".vpg-error")).to_contain_text("cannot be reached")


def test_on_a_phone_the_open_widget_fills_the_screen(context: BrowserContext, web_url: str) -> None:
    page = context.new_page()
    page.set_viewport_size(PHONE)
    open_widget(page, f"{web_url}/")
    box = page.get_by_role("dialog").bounding_box()
    assert box is not None and box["width"] == PHONE["width"] and box["height"] == PHONE["height"]
    send = page.get_by_role("button", name="Send").bounding_box()
    assert send is not None and send["width"] >= 44 and send["height"] >= 44


def test_at_200_percent_text_nothing_overflows_sideways(page: Page, web_url: str) -> None:
    open_widget(page, f"{web_url}/")
    # Through the CSSOM: the page's Content-Security-Policy refuses inline style elements.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    ask(page, "what are the risks?")
    expect(page.get_by_role("log").locator(".vpg-source").first).to_be_visible()
    overflow = page.locator(".vpg-panel").evaluate("p => p.scrollWidth - p.clientWidth")
    assert overflow <= 0


def test_the_open_widget_has_no_serious_accessibility_violations(page: Page, web_url: str) -> None:
    open_widget(page, f"{web_url}/")
    ask(page, "I have chest pain right now")
    expect(page.locator(".vpg-emergency")).to_be_visible()
    ask(page, "what are the risks?")
    expect(page.get_by_role("log").locator(".vpg-source").first).to_be_visible()
    assert serious_violations(page) == []


def test_reduced_motion_stops_the_typing_animation(browser: Browser, web_url: str) -> None:
    for motion, expected in (("no-preference", "vpg-bounce"), ("reduce", "none")):
        context = browser.new_context(reduced_motion=motion)
        page = context.new_page()
        page.goto(f"{web_url}/")
        assert page.locator(".vpg-dot").first.evaluate("d => getComputedStyle(d).animationName") == expected
        context.close()


def test_try_again_sends_the_message_again_once_the_server_answers(page: Page, web_url: str) -> None:
    failures = [1]

    def fail_once(route: Route) -> None:
        if failures:
            failures.pop()
            route.abort()
        else:
            route.continue_()

    page.route("**/webhooks/rest/webhook", fail_once)
    bodies = sent_messages(page)
    open_widget(page, f"{web_url}/")
    ask(page, "what is kyphoplasty")
    log = page.get_by_role("log")
    log.get_by_role("button", name="Try again").click()
    expect(log.locator(".vpg-source")).to_have_text("Source: Alternative Treatment Options")
    expect(log.locator(".vpg-error")).to_have_count(0)
    assert [b["message"] for b in bodies] == ["what is kyphoplasty", "what is kyphoplasty"]
