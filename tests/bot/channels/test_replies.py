"""Every response of the domain, as each messaging platform would show it to the patient."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from aiogram import Bot
from fbmessenger import MessengerClient
from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.choices import ChoiceBook
from bot.channels.messaging import (
    GuardedMessengerOutput,
    GuardedSlackOutput,
    GuardedTelegramOutput,
    GuardedTwilioOutput,
)
from knowledge import settings

DOMAIN = yaml.safe_load((settings.REPO_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = sorted(DOMAIN["responses"])
PLATFORMS = ["telegram", "slack", "facebook", "twilio"]
PATIENT = "patient-1"


class Shown:
    """What reached the platform's API, reduced to what the person sees: texts and button labels."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.buttons: list[str] = []


class _Session:
    def __init__(self, shown: Shown) -> None:
        self.shown = shown

    def post(self, url: str, params: Any, json: dict[str, Any], timeout: Any = None) -> Any:
        message = json.get("message")
        if message is not None:
            self.shown.texts.append(str(message.get("text", "")))
            self.shown.buttons += [q["title"] for q in message.get("quick_replies", [])]
        return self

    def json(self) -> dict[str, Any]:
        return {}


def output_for(platform: str, shown: Shown, monkeypatch: pytest.MonkeyPatch) -> OutputChannel:
    """The platform's output channel, its API calls recorded instead of made."""
    output: Any
    if platform == "telegram":

        async def send_message(self: Bot, chat_id: Any, text: str, **kwargs: Any) -> None:
            shown.texts.append(text)
            markup = kwargs.get("reply_markup")
            if markup:
                shown.buttons += [b["text"] for row in markup.to_python()["inline_keyboard"] for b in row]

        monkeypatch.setattr(GuardedTelegramOutput, "send_message", send_message)
        output = GuardedTelegramOutput("123456789:AAEexample")
    elif platform == "slack":

        async def post_message(self: GuardedSlackOutput, channel: str, **kwargs: Any) -> None:
            shown.texts.append(kwargs.get("text", ""))
            for block in kwargs.get("blocks", []):
                shown.buttons += [e["text"]["text"] for e in block.get("elements", [])]

        monkeypatch.setattr(GuardedSlackOutput, "_post_message", post_message)
        output = GuardedSlackOutput("xoxb-test", "D0123456789")
    elif platform == "facebook":
        output = GuardedMessengerOutput(MessengerClient("EAAtest", session=_Session(shown)))
    else:

        async def send(self: GuardedTwilioOutput, message_data: dict[str, Any]) -> None:
            shown.texts.append(message_data["body"])

        monkeypatch.setattr(GuardedTwilioOutput, "_send_message", send)
        output = GuardedTwilioOutput("AC123", "token", "+15550001111")
    output.book = ChoiceBook()
    return output


def fill_ins(name: str) -> dict[str, str]:
    """A value for every placeholder of the response."""
    texts = " ".join(str(v.get("text", "")) for v in DOMAIN["responses"][name])
    return {field: f"<{field}>" for field in re.findall(r"{(\w+)}", texts)}


async def show(name: str, platform: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Shown, dict[str, Any]]:
    shown = Shown()
    output = output_for(platform, shown, monkeypatch)
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN["responses"])
    message = await nlg.generate(name, DialogueStateTracker(PATIENT, slots=[]), output.name(), **fill_ins(name))
    assert message is not None
    bot_message = {k: v for k, v in message.items() if k in {"text", "buttons", "custom"} and v}
    await output.send_response(PATIENT, dict(bot_message))
    return shown, bot_message


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("name", RESPONSES)
async def test_every_response_reads_as_text_with_no_json_and_no_payloads(
    name: str, platform: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown, message = await show(name, platform, monkeypatch)
    assert shown.texts, "the patient sees something"
    seen = "\n".join(shown.texts)
    for custom_key in message.get("custom", {}):
        assert custom_key not in seen
    assert not any(text.lstrip().startswith(("{", "[")) for text in shown.texts)
    assert not re.search(r"(^|\s)/[a-z_]+", seen), "a payload shown as text"
    for button in message.get("buttons", []):
        title = button["title"]
        assert title in shown.buttons or re.search(rf"^\d+\. {re.escape(title)}$", seen, re.MULTILINE)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("name", ["utter_answer", "utter_compare_option"])
async def test_cited_responses_carry_a_source_line(name: str, platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    shown, _ = await show(name, platform, monkeypatch)
    assert re.search(r"^Source: .*<sources?>", "\n".join(shown.texts), re.MULTILINE)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize(
    ("name", "level", "start"),
    [
        ("utter_emergency", "emergency", "This could be an emergency. Call <emergency_number> now"),
        ("utter_urgent", "urgent", "This needs a doctor or nurse today. Contact <care_team> today."),
    ],
)
async def test_each_safety_reply_reaches_every_platform(
    platform: str, name: str, level: str, start: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown, message = await show(name, platform, monkeypatch)
    assert message["custom"] == {"safety": level}
    assert len(shown.texts) == 1
    assert shown.texts[0].startswith(start)
    assert "safety" not in json.dumps(shown.texts)


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_the_one_tap_question_reaches_every_platform_with_its_two_answers(
    platform: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown, message = await show("utter_safety_check_emergency", platform, monkeypatch)
    assert message["custom"] == {"safety": "check"}
    text = "\n".join(shown.texts)
    assert "Is this happening to you, or someone with you, now?" in text
    assert "safety" not in json.dumps(shown.texts)
    if platform == "twilio":
        assert "1. Yes, now" in text and "2. No, I'm asking in general" in text


async def test_sms_shows_no_buttons_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in RESPONSES:
        shown, _ = await show(name, "twilio", monkeypatch)
        assert shown.buttons == []


def test_the_sms_introduction_has_no_numbers_to_clash_with_the_questions_after_it() -> None:
    variations = {v.get("channel"): v for v in DOMAIN["responses"]["utter_intro"]}
    assert "buttons" not in variations["twilio"]
