"""The REST and socket.io channels with the message guard in front of Rasa.

Named `rest` and `socketio` like Rasa's own, so URLs and channel names stay the same. Each
wraps the `on_new_message` callback: a refused message is answered here and never reaches
NLU, and when the assistant sends nothing back (the action server is down) the patient gets
a short apology instead of silence.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot import rasa_speedups
from bot.guard import UTTER_UNAVAILABLE, Limits, MessageGuard
from knowledge.source import load_default_source

logger = logging.getLogger(__name__)
DOMAIN = Path(__file__).with_name("domain.yml")
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@cache
def _domain_responses() -> dict[str, Any]:
    return dict(yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"])


def response_text(name: str) -> str:
    """The text of a domain response's first variation."""
    return str(_domain_responses()[name][0]["text"])


def button_payloads() -> Iterator[str]:
    """Every payload the assistant's buttons can send: the domain's and the knowledge entries'."""
    for variations in _domain_responses().values():
        for variation in variations:
            for button in variation.get("buttons") or []:
                yield str(button["payload"])
    for entry in load_default_source().entries:
        if entry.intent:
            yield f"/{entry.intent}"
        elif entry.compares:
            yield "/ask_how_different" + json.dumps({"treatment": entry.compares})


class _CountingOutput(OutputChannel):
    """Passes every bot message on and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)


def guarded(on_new_message: OnNewMessage, guard: MessageGuard) -> OnNewMessage:
    """Wrap Rasa's callback with the guard and the apology for silence.

    Every channel is set up through here when the server starts, so this is also where the
    server's speed-up is installed.
    """
    rasa_speedups.install()

    async def handle(message: UserMessage) -> None:
        verdict = guard.check(message.text)
        output = message.output_channel
        if verdict.refusal is not None:
            await output.send_text_message(message.sender_id, response_text(verdict.refusal))
            return
        message.text = verdict.text
        counting = _CountingOutput(output)
        message.output_channel = counting
        await on_new_message(message)
        if counting.sent == 0:
            logger.warning("the assistant sent no reply; sending the apology")
            await output.send_text_message(message.sender_id, response_text(UTTER_UNAVAILABLE))

    return handle


def guard_from_env() -> MessageGuard:
    """The guard with the assistant's own button payloads and the limits from the environment."""
    return MessageGuard(button_payloads(), Limits.from_env())


class GuardedRestInput(RestInput):
    """Rasa's REST channel behind the message guard."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint, with the guarded callback."""
        return super().blueprint(guarded(on_new_message, guard_from_env()))


class GuardedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel behind the message guard."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint, with the guarded callback."""
        return super().blueprint(guarded(on_new_message, guard_from_env()))
