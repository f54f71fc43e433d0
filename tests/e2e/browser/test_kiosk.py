"""The waiting-room kiosk in a real browser against the running assistant."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Request, Route, expect

from knowledge.model import KnowledgeSource
from knowledge.source import long_date
from tests.e2e.browser.browser import KIOSK, serious_violations

pytestmark = pytest.mark.e2e

TOPICS = [
    "What is vertebroplasty?",
    "What are the risks?",
    "Will it work for me?",
    "What are the other options?",
    "Compare the options",
    "What does the article say about research?",
    "Why get a second opinion?",
    "Make a list of questions for my visit",
]


@pytest.fixture
def kiosk(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_viewport_size(KIOSK)
    return page


def senders(page: Page) -> list[str]:
    """The conversation id of every message the page sends, in order."""
    seen: list[str] = []

    def record(request: Request) -> None:
        if request.url.endswith("/webhooks/rest/webhook") and request.method == "POST":
            seen.append(json.loads(request.post_data or "{}")["sender"])

    page.on("request", record)
    return seen


def storage(page: Page) -> dict[str, Any]:
    return page.evaluate("({local: localStorage.length, session: sessionStorage.length, cookie: document.cookie})")


def test_the_start_screen_offers_the_main_topics_as_big_buttons(kiosk: Page, web_url: str) -> None:
    kiosk.goto(f"{web_url}/kiosk")
    topics = kiosk.get_by_role("group", name="Topics").get_by_role("button")
    expect(topics).to_have_text(TOPICS)
    assert_big_targets(kiosk)
    size = kiosk.locator(".k-lead").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 24


def assert_big_targets(page: Page) -> None:
    for button in page.get_by_role("button").all():
        if button.is_visible():
            box = button.bounding_box()
            assert box is not None and box["width"] >= 44 and box["height"] >= 44, button.text_content()


def test_a_topic_button_answers_with_its_source(kiosk: Page, web_url: str) -> None:
    kiosk.goto(f"{web_url}/kiosk")
    kiosk.get_by_role("button", name="What are the risks?").click()
    log = kiosk.get_by_role("log")
    expect(log.locator(".vpg-source").first).to_have_text("Source: The Risks and Limitations of Vertebroplasty")
    expect(log.locator(".vpg-user")).to_have_text("You said: What are the risks?")


def test_a_kiosk_answer_shows_when_it_was_last_reviewed(kiosk: Page, web_url: str, source: KnowledgeSource) -> None:
    kiosk.goto(f"{web_url}/kiosk")
    kiosk.get_by_role("button", name="Will it work for me?").click()
    log = kiosk.get_by_role("log")
    reviewed = next(e.reviewed for e in source.entries if e.id == "limitations")
    expect(log.locator(".vpg-source").first).to_have_text("Source: The Risks and Limitations of Vertebroplasty")
    expect(log.locator(".vpg-source + .vpg-reviewed").first).to_have_text(f"Last reviewed: {long_date(reviewed)}")
    # "Will it work for me?" starts with whom the article says it helps, never with a bare "No".
    expect(log).to_contain_text("The article says vertebroplasty can be an effective treatment for some patients")


def test_the_comparison_on_the_kiosk_shows_each_rows_review_date(kiosk: Page, web_url: str) -> None:
    kiosk.goto(f"{web_url}/kiosk")
    kiosk.get_by_role("button", name="Compare the options").click()
    log = kiosk.get_by_role("log")
    expect(log).to_contain_text("Lifestyle changes")
    expect(log.locator(".vpg-reviewed")).to_have_count(6)


def test_a_question_typed_on_the_on_screen_keyboard_is_answered(kiosk: Page, web_url: str) -> None:
    kiosk.goto(f"{web_url}/kiosk")
    kiosk.get_by_role("button", name="Type my own question").click()
    keys = kiosk.get_by_role("group", name="On-screen keyboard")
    for letter in "what is kyphoplasty":
        name = "Space" if letter == " " else letter
        keys.get_by_role("button", name=name, exact=True).click()
    expect(kiosk.get_by_label("Your question")).to_have_value("what is kyphoplasty")
    keys.get_by_role("button", name="Send the question").click()
    expect(kiosk.get_by_role("log").locator(".vpg-source").first).to_have_text("Source: Alternative Treatment Options")
    assert_big_targets(kiosk)


def test_when_nobody_answers_the_idle_warning_everything_is_cleared(kiosk: Page, web_url: str) -> None:
    seen = senders(kiosk)
    kiosk.goto(f"{web_url}/kiosk?idle=2&warning=2")
    kiosk.get_by_role("button", name="What is vertebroplasty?").click()
    log = kiosk.get_by_role("log")
    expect(log.locator(".vpg-source").first).to_be_visible()
    warning = kiosk.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_visible(timeout=10_000)
    expect(warning.get_by_role("button", name="Continue")).to_be_focused()
    expect(warning).to_be_hidden(timeout=10_000)
    expect(kiosk.get_by_role("heading", name="Questions about vertebroplasty?")).to_be_visible()
    assert kiosk.locator(".vpg-log").evaluate("e => e.childElementCount") == 0
    assert storage(kiosk) == {"local": 0, "session": 0, "cookie": ""}
    assert kiosk.context.cookies() == []
    kiosk.get_by_role("button", name="What are the risks?").click()
    expect(log.locator(".vpg-source").first).to_be_visible()
    assert len(seen) == 2 and seen[0] != seen[1]


def test_continue_keeps_the_conversation(kiosk: Page, web_url: str) -> None:
    kiosk.goto(f"{web_url}/kiosk?idle=2&warning=20")
    kiosk.get_by_role("button", name="What is vertebroplasty?").click()
    log = kiosk.get_by_role("log")
    expect(log.locator(".vpg-source").first).to_be_visible()
    warning = kiosk.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_visible(timeout=10_000)
    expect(warning).to_contain_text("cleared in")
    warning.get_by_role("button", name="Continue").click()
    expect(warning).to_be_hidden()
    expect(log.locator(".vpg-source").first).to_be_visible()


def test_the_warning_stays_for_its_configured_time(kiosk: Page, web_url: str) -> None:
    kiosk.goto(f"{web_url}/kiosk?idle=1&warning=4")
    kiosk.get_by_role("button", name="What is vertebroplasty?").click()
    warning = kiosk.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_visible(timeout=10_000)
    kiosk.wait_for_timeout(2500)
    expect(warning).to_be_visible()
    expect(warning).to_be_hidden(timeout=5_000)


def test_the_default_idle_time_is_two_minutes_with_a_warning_of_at_least_20_seconds(kiosk: Page, web_url: str) -> None:
    kiosk.goto(f"{web_url}/kiosk")
    timers = kiosk.locator("body").evaluate("b => [b.dataset.idleSeconds, b.dataset.warningSeconds]")
    assert float(timers[0]) == 120 and float(timers[1]) >= 20


def test_start_over_clears_the_conversation_at_any_time(kiosk: Page, web_url: str) -> None:
    seen = senders(kiosk)
    kiosk.goto(f"{web_url}/kiosk")
    kiosk.get_by_role("button", name="Type my own question").click()
    kiosk.get_by_label("Your question").fill("my name is Ann and my back hurts")
    kiosk.get_by_role("button", name="Start over").click()
    expect(kiosk.get_by_role("heading", name="Questions about vertebroplasty?")).to_be_visible()
    kiosk.get_by_role("button", name="Why get a second opinion?").click()
    log = kiosk.get_by_role("log")
    expect(log.locator(".vpg-source").first).to_be_visible()
    kiosk.get_by_role("button", name="Start over").click()
    assert kiosk.locator(".vpg-log").evaluate("e => e.childElementCount") == 0
    assert kiosk.get_by_label("Your question").input_value() == ""
    kiosk.get_by_role("button", name="What are the risks?").click()
    expect(log.locator(".vpg-source").first).to_be_visible()
    assert len(set(seen)) == 2


def read_qr(png: bytes) -> str:
    """The text of the one QR code in a PNG image."""
    import zxingcpp
    from PIL import Image

    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return str(code.text)


def make_question_list(kiosk: Page, web_url: str) -> dict[str, Any]:
    """Go through the second-opinion preparation; returns the list payload the assistant sent."""
    kiosk.goto(f"{web_url}/kiosk")
    kiosk.get_by_role("button", name="Make a list of questions for my visit").click()
    log = kiosk.get_by_role("log")
    log.get_by_role("button", name="The risks").click()
    log.get_by_role("button", name="No", exact=True).click()
    expect(log).to_contain_text("what matters most to you")
    with kiosk.expect_response(lambda r: "choose_priority" in (r.request.post_data or "")) as reply:
        log.get_by_role("button", name="I'm not sure").click()
    expect(log.get_by_role("region", name="Questions you could ask at your visit")).to_be_visible()
    (payload,) = [m["custom"] for m in reply.value.json() if "question_list" in m.get("custom", {})]
    return dict(payload)


def test_the_question_list_goes_home_as_a_qr_code_of_its_text(kiosk: Page, web_url: str) -> None:
    sent: list[str] = []
    kiosk.on(
        "request", lambda r: sent.append(json.loads(r.post_data or "{}")["text"]) if r.url.endswith("/qr") else None
    )
    payload = make_question_list(kiosk, web_url)
    items = kiosk.get_by_role("region", name="Questions you could ask at your visit").get_by_role("listitem")
    expect(items).to_have_count(len(payload["question_list"]))
    qr = kiosk.get_by_role("img", name="QR code that holds your list of questions")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert sent == [payload["plain_text"]]
    # What a phone camera would read off the screen: the list itself, nothing else.
    assert read_qr(qr.screenshot()) == payload["plain_text"]


def test_printing_shows_only_the_question_list(kiosk: Page, web_url: str) -> None:
    make_question_list(kiosk, web_url)
    kiosk.emulate_media(media="print")
    region = kiosk.get_by_role("region", name="Questions you could ask at your visit")
    assert region.evaluate("e => getComputedStyle(e).visibility") == "visible"
    for hidden in (".k-header", ".vpg-user", ".vpg-form"):
        assert kiosk.locator(hidden).first.evaluate("e => getComputedStyle(e).visibility") == "hidden"


def type_on_the_kiosk(kiosk: Page, web_url: str, text: str) -> None:
    """Open the kiosk, choose to type, and send `text`."""
    kiosk.goto(f"{web_url}/kiosk")
    kiosk.get_by_role("button", name="Type my own question").click()
    kiosk.get_by_label("Your question").fill(text)
    kiosk.get_by_label("Your question").press("Enter")


def test_the_emergency_reply_stands_out_on_the_kiosk(kiosk: Page, web_url: str) -> None:
    type_on_the_kiosk(kiosk, web_url, "I have chest pain right now")
    alert = kiosk.get_by_role("log").locator(".vpg-emergency")
    expect(alert).to_contain_text("This could be an emergency")
    # What is seen first (the hidden "The guide said:" before it is for screen readers).
    first = alert.locator("> :not(.vpg-visually-hidden)").first
    expect(first).to_have_text("Tell a member of staff now")
    sizes = alert.evaluate(
        "e => [...e.children].filter(c => !c.classList.contains('vpg-visually-hidden'))"
        ".map(c => parseFloat(getComputedStyle(c).fontSize))"
    )
    assert sizes[0] == max(sizes) and sizes[0] > sizes[-1], "the staff line is the largest text of the reply"


def test_an_urgent_report_on_the_kiosk_gets_the_care_team_today_reply(kiosk: Page, web_url: str) -> None:
    type_on_the_kiosk(kiosk, web_url, "the needle site is red and oozing")
    alert = kiosk.get_by_role("log").locator(".vpg-urgent")
    expect(alert).to_contain_text("today")
    expect(alert).not_to_contain_text("Tell a member of staff now")


def test_the_kiosk_has_no_serious_accessibility_violations(kiosk: Page, web_url: str) -> None:
    kiosk.goto(f"{web_url}/kiosk")
    assert serious_violations(kiosk) == []
    make_question_list(kiosk, web_url)
    kiosk.get_by_role("button", name="Show keyboard").click()
    expect(kiosk.get_by_role("img", name="QR code that holds your list of questions")).to_be_visible()
    assert serious_violations(kiosk) == []


def test_the_idle_warning_has_no_serious_accessibility_violations(kiosk: Page, web_url: str) -> None:
    kiosk.goto(f"{web_url}/kiosk?idle=1&warning=30")
    kiosk.get_by_role("button", name="What is vertebroplasty?").click()
    expect(kiosk.get_by_role("alertdialog")).to_be_visible(timeout=10_000)
    assert serious_violations(kiosk) == []


def test_a_reply_that_arrives_after_start_over_is_dropped(kiosk: Page, web_url: str) -> None:
    held: list[Route] = []

    def hold_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    kiosk.route("**/webhooks/rest/webhook", hold_first)
    kiosk.goto(f"{web_url}/kiosk")
    kiosk.get_by_role("button", name="What are the risks?").click()
    expect(kiosk.locator(".vpg-typing")).to_be_visible()
    kiosk.get_by_role("button", name="Start over").click()
    with kiosk.expect_response("**/webhooks/rest/webhook"):
        held[0].continue_()  # the old conversation's reply arrives after Start over
    kiosk.wait_for_timeout(200)
    kiosk.get_by_role("button", name="What is vertebroplasty?").click()
    log = kiosk.get_by_role("log")
    expect(log.locator(".vpg-source")).to_have_count(1)
    expect(log.locator(".vpg-source")).to_have_text(
        "Source: The Importance of Second Opinions Before Undergoing Vertebroplasty"
    )
    expect(kiosk.locator(".vpg-typing")).to_be_hidden()
    kiosk.wait_for_timeout(1000)
    expect(log.locator(".vpg-user")).to_have_count(1)


def test_at_200_percent_text_the_kiosk_still_fits_its_width(kiosk: Page, web_url: str) -> None:
    kiosk.goto(f"{web_url}/kiosk")
    # Through the CSSOM: the page's Content-Security-Policy refuses inline style elements.
    kiosk.evaluate("document.documentElement.style.fontSize = '300%'")  # twice the kiosk's own 150%
    expect(kiosk.get_by_role("button", name="Make a list of questions for my visit")).to_be_visible()
    kiosk.get_by_role("button", name="What are the risks?").click()
    expect(kiosk.get_by_role("log").locator(".vpg-source").first).to_be_visible()
    assert kiosk.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    send = kiosk.get_by_role("button", name="Send").bounding_box()
    assert send is not None and send["x"] + send["width"] <= KIOSK["width"]
