"""What every channel puts in front of Rasa: the message guard, the rate limits and the apology.

Every channel wraps Rasa's `on_new_message` callback with `guarded()`: a refused message is
answered here and never reaches NLU, and when the assistant sends nothing back (the action
server is down), fails (the lock store is down) or takes longer than `REPLY_TIMEOUT_S` (the
action server hangs), the patient gets a short apology instead of silence. Requests over the
rate limits get 429 (REST) or the apology (socket.io messages). Nothing here logs what a
patient wrote.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.channels.guard import REFUSE_TOO_LONG, UTTER_UNAVAILABLE, MessageGuard
from bot.channels.ratelimit import RateLimiter
from bot.safety.intents import LEVEL_RESPONSES, care_team
from bot.safety.language import ENGLISH
from bot.safety.red_flags import NOTHING, default_detector
from knowledge.payloads import entry_payloads
from knowledge.source import load_default_source

logger = logging.getLogger(__name__)
DOMAIN = Path(__file__).resolve().parent.parent / "domain.yml"
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
PUBLIC_PATHS = ("/webhooks/", "/socket.io")


@cache
def _domain_responses() -> dict[str, Any]:
    return dict(yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"])


def response_text(name: str, language: str = ENGLISH) -> str:
    """The text of a domain response: its variation for this language, else its plain one."""
    variations = _domain_responses()[name]
    for variation in variations:
        conditions = variation.get("condition") or []
        if any(c.get("name") == "language" and c.get("value") == language for c in conditions):
            return str(variation["text"])
    return str(next(v for v in variations if not v.get("condition"))["text"])


def filled(name: str, language: str = ENGLISH) -> str:
    """A response's text with the emergency number and the care team filled in, as the Rasa server would."""
    current = settings.current()
    values = {"emergency_number": current.emergency_number, "care_team": care_team(language, current.clinic_contact)}
    return response_text(name, language).format_map(values)


def button_payloads() -> Iterator[str]:
    """Every payload the assistant's buttons can send: the domain's and the knowledge entries'."""
    for variations in _domain_responses().values():
        for variation in variations:
            for button in variation.get("buttons") or []:
                yield str(button["payload"])
    yield from entry_payloads(load_default_source().entries)


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


def guarded(
    on_new_message: OnNewMessage,
    guard: MessageGuard,
    sender_limiter: RateLimiter | None = None,
    timeout_s: float | None = None,
) -> OnNewMessage:
    """Wrap Rasa's callback with the guard, the per-sender limit and the apology for silence or failure."""

    async def handle(message: UserMessage) -> None:
        output = message.output_channel
        if sender_limiter is not None and not sender_limiter.allow(str(message.sender_id)):
            logger.warning("a sender is over the rate limit; sending the apology")
            await output.send_text_message(message.sender_id, response_text(UTTER_UNAVAILABLE))
            return
        verdict = guard.check(message.text)
        if verdict.refusal == REFUSE_TOO_LONG:
            await _too_long(output, message.sender_id, message.text or "")
            return
        if verdict.refusal is not None:
            await output.send_text_message(message.sender_id, response_text(verdict.refusal))
            return
        message.text = verdict.text
        counting = _CountingOutput(output)
        message.output_channel = counting
        limit = settings.current().reply_timeout_s if timeout_s is None else timeout_s
        try:
            await asyncio.wait_for(on_new_message(message), timeout=limit)
        except asyncio.TimeoutError:
            logger.error("no reply within %.0f s; sending the apology", limit)
            counting.sent = 0
        except Exception as error:
            # Rasa would log the message text with the traceback; only the kind of failure here.
            logger.error("handling a message failed (%s); sending the apology", type(error).__name__)
            counting.sent = 0
        if counting.sent == 0:
            logger.warning("the assistant sent no reply; sending the apology")
            await output.send_text_message(message.sender_id, response_text(UTTER_UNAVAILABLE))

    return handle


async def _too_long(output: OutputChannel, recipient: str, text: str) -> None:
    """Screen a message too long to read in full: the safety reply at its level first, then the note.

    A long message may end with the report ("...right now I have crushing chest pain"); it gets
    the level's reply even when the rules are not sure it is a report, since no one-tap question
    can follow a message the assistant did not read.
    """
    screening = default_detector().screen(text)
    if screening.decision != NOTHING and screening.level is not None:
        await output.send_text_message(recipient, filled(LEVEL_RESPONSES[screening.level], screening.language))
        await output.send_custom_json(recipient, {"safety": screening.level})
    await output.send_text_message(recipient, filled(REFUSE_TOO_LONG))


def guard_from_env() -> MessageGuard:
    """The guard with the assistant's own button payloads and the limits from the environment."""
    return MessageGuard(button_payloads(), settings.current().limits)


def client_address(request: Request) -> str:
    """The client's address: from the proxy headers Sanic is told to trust, else the peer's."""
    return str(request.remote_addr or request.ip)


def too_many(sender: str | None, retry_after: int) -> HTTPResponse:
    """429 with the apology as a REST reply, so a client that shows the body still says something."""
    body = [{"recipient_id": sender, "text": response_text(UTTER_UNAVAILABLE)}] if sender else []
    return response.json(body, status=429, headers={"Retry-After": str(max(1, retry_after))})


async def _limit_addresses(request: Request) -> HTTPResponse | None:
    limiter: RateLimiter | None = getattr(request.app.ctx, "address_limiter", None)
    if limiter is None or not request.path.startswith(PUBLIC_PATHS):
        return None
    address = client_address(request)
    if limiter.allow(address):
        return None
    logger.warning("a client address is over the rate limit")
    return too_many(None, limiter.retry_after(address))


def install_address_limit(blueprint: Blueprint) -> Blueprint:
    """Limit requests per client address on every public path (REST and socket.io), once per app."""

    async def install(app: Sanic, _loop: Any) -> None:
        if getattr(app.ctx, "address_limiter", None) is None:
            app.ctx.address_limiter = RateLimiter(settings.current().rate_limits.per_address)
            app.register_middleware(_limit_addresses, "request")

    blueprint.listener(install, "before_server_start")
    return blueprint
