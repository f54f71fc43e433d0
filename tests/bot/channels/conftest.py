"""A stand-in for the assistant behind the messaging channels, and helpers to build webhook apps.

The stand-in renders the real domain's responses for the channel the message came in on,
the way Rasa does (`nlg.generate` with the output channel's name, then the action's
buttons and `json_message` as `custom`), and for knowledge answers it uses the real
presenter; only NLU and the dialogue policy are replaced by a fixed script.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import yaml
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from actions import presenter
from knowledge import settings
from knowledge.model import KnowledgeSource
from knowledge.service import Answer

EMERGENCY_TEXT = "This could be an emergency. Call 911 now"
RED_FLAG = "I have sudden chest pain since the procedure"
ANSWERED_ENTRY = "risk_cement_leakage"


@pytest.fixture(scope="session")
def nlg() -> TemplatedNaturalLanguageGenerator:
    """Rasa's response generator over the assistant's domain."""
    # The responses only: loading the whole Domain would validate it with pykwalify, which
    # imports its extensions the deprecated way.
    domain = yaml.safe_load((settings.REPO_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    return TemplatedNaturalLanguageGenerator(domain["responses"])


class FakeAssistant:
    """Records what reaches the assistant and answers from a script with real responses.

    "chest pain" gets the emergency reply, "help" the help response (four buttons), and
    anything else the answer to `ANSWERED_ENTRY` with its suggestions.
    """

    def __init__(self, nlg: TemplatedNaturalLanguageGenerator, source: KnowledgeSource) -> None:
        self.nlg = nlg
        self.entries = {entry.id: entry for entry in source.entries}
        self.received: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        channel = message.input_channel or ""
        text = message.text or ""
        if "chest pain" in text:
            messages: list[dict[str, Any]] = [{"response": "utter_emergency", "emergency_number": "911"}]
        elif text == "help":
            messages = [{"response": "utter_help"}]
        else:
            entry = self.entries[ANSWERED_ENTRY]
            suggestions = tuple(self.entries[related] for related in entry.related)
            messages = presenter.answer_messages(Answer(entry, suggestions), channel)
        await self.utter(message, messages)

    async def utter(self, message: UserMessage, messages: list[dict[str, Any]]) -> None:
        output = message.output_channel
        tracker = DialogueStateTracker(str(message.sender_id), slots=[])
        for action_message in messages:
            draft = dict(action_message)
            custom = draft.pop("json_message", None)
            buttons = draft.pop("buttons", None)
            rendered = await self.nlg.generate(draft.pop("response"), tracker, output.name(), **draft)
            assert rendered is not None
            if buttons:
                rendered.setdefault("buttons", []).extend(buttons)
            if custom:
                rendered["custom"] = custom
            bot_message = {k: v for k, v in rendered.items() if k in {"text", "buttons", "custom", "image"} and v}
            await output.send_response(str(message.sender_id), bot_message)

    @property
    def texts(self) -> list[str]:
        return [str(m.text) for m in self.received]


@pytest.fixture
def assistant(nlg: TemplatedNaturalLanguageGenerator, source: KnowledgeSource) -> FakeAssistant:
    """A fresh stand-in assistant."""
    return FakeAssistant(nlg, source)


AppFactory = Callable[[InputChannel, Callable[[UserMessage], Awaitable[Any]]], Sanic]


@pytest.fixture
def webhook_app() -> AppFactory:
    """A Sanic app serving one channel's blueprint where Rasa would: /webhooks/<name>/."""

    def make(channel: InputChannel, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Sanic:
        app = Sanic(f"channel-test-{uuid.uuid4().hex}")
        app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.name()}")
        return app

    return make


def entry_titles(assistant: FakeAssistant) -> list[str]:
    """The questions suggested after `ANSWERED_ENTRY`."""
    return [assistant.entries[related].title for related in assistant.entries[ANSWERED_ENTRY].related]


def domain_buttons(response: str) -> list[dict[str, str]]:
    """The buttons of a domain response's first variation."""
    domain = yaml.safe_load((settings.REPO_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    return list(domain["responses"][response][0]["buttons"])
