"""The REST and socket.io channels with the message guard and rate limits in front of Rasa.

Named `rest` and `socketio` like Rasa's own, so URLs and channel names stay the same. Each
wraps the `on_new_message` callback: a refused message is answered here and never reaches
NLU, and when the assistant sends nothing back (the action server is down), fails (the lock
store is down) or takes longer than `REPLY_TIMEOUT_S` (the action server hangs), the patient
gets a short apology instead of silence. Requests over the rate limits get 429 (REST) or the
apology (socket.io messages). Nothing here logs what a patient wrote.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_speedups
from bot.guard import UTTER_UNAVAILABLE, Limits, MessageGuard
from bot.ratelimit import RateLimiter, RateLimits
from knowledge.source import load_default_source

logger = logging.getLogger(__name__)
DOMAIN = Path(__file__).with_name("domain.yml")
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
DEFAULT_REPLY_TIMEOUT_S = 30.0
PUBLIC_PATHS = ("/webhooks/", "/socket.io")


def reply_timeout_s() -> float:
    """How long a reply may take before the patient gets the apology (`REPLY_TIMEOUT_S`, 30 s)."""
    return float(os.environ.get("REPLY_TIMEOUT_S", "").strip() or DEFAULT_REPLY_TIMEOUT_S)


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


def guarded(
    on_new_message: OnNewMessage,
    guard: MessageGuard,
    sender_limiter: RateLimiter | None = None,
    timeout_s: float | None = None,
) -> OnNewMessage:
    """Wrap Rasa's callback with the guard, the per-sender limit and the apology for silence or failure.

    Every channel is set up through here when the server starts, so this is also where the
    server's speed-up is installed.
    """
    rasa_speedups.install()

    async def handle(message: UserMessage) -> None:
        output = message.output_channel
        if sender_limiter is not None and not sender_limiter.allow(str(message.sender_id)):
            logger.warning("a sender is over the rate limit; sending the apology")
            await output.send_text_message(message.sender_id, response_text(UTTER_UNAVAILABLE))
            return
        verdict = guard.check(message.text)
        if verdict.refusal is not None:
            await output.send_text_message(message.sender_id, response_text(verdict.refusal))
            return
        message.text = verdict.text
        counting = _CountingOutput(output)
        message.output_channel = counting
        limit = reply_timeout_s() if timeout_s is None else timeout_s
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


def guard_from_env() -> MessageGuard:
    """The guard with the assistant's own button payloads and the limits from the environment."""
    return MessageGuard(button_payloads(), Limits.from_env())


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


def _install_address_limit(blueprint: Blueprint) -> Blueprint:
    """Limit requests per client address on every public path (REST and socket.io), once per app."""

    async def install(app: Sanic, _loop: Any) -> None:
        if getattr(app.ctx, "address_limiter", None) is None:
            app.ctx.address_limiter = RateLimiter(RateLimits.from_env().per_address)
            app.register_middleware(_limit_addresses, "request")

    blueprint.listener(install, "before_server_start")
    return blueprint


class GuardedRestInput(RestInput):
    """Rasa's REST channel behind the message guard; 400 without a sender, 429 over the limits."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint, with the guarded callback and the request checks."""
        blueprint = super().blueprint(guarded(on_new_message, guard_from_env()))
        sender_limiter = RateLimiter(RateLimits.from_env().per_sender)

        async def check_request(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None
            body = request.json  # invalid JSON: Sanic answers 400
            sender = body.get("sender") if isinstance(body, dict) else None
            if not isinstance(sender, str | int) or not str(sender).strip():
                return response.json({"error": "the body must be a JSON object with a 'sender'"}, status=400)
            if not isinstance(body.get("message"), str | None):
                return response.json({"error": "'message' must be text"}, status=400)
            if not sender_limiter.allow(str(sender)):
                logger.warning("a sender is over the rate limit")
                return too_many(str(sender), sender_limiter.retry_after(str(sender)))
            return None

        blueprint.middleware(check_request, "request")
        return _install_address_limit(blueprint)


class _SocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, sending custom payloads as `{"custom": ...}` like the REST channel.

    Rasa 3.6 passes a custom payload's keys to `emit()` as arguments: `{"safety": "emergency"}`
    raised TypeError and ended the turn, so the widget never got the emergency reply or a citation.
    """

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Emit the payload to the conversation's room."""
        await self.sio.emit(self.bot_message_evt, {"custom": json_message}, room=recipient_id)


def _with_socketio_output(on_new_message: OnNewMessage) -> OnNewMessage:
    async def handle(message: UserMessage) -> None:
        output = message.output_channel
        if isinstance(output, SocketIOOutput) and not isinstance(output, _SocketIOOutput):
            message.output_channel = _SocketIOOutput(output.sio, output.bot_message_evt)
        await on_new_message(message)

    return handle


class GuardedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel behind the message guard and the rate limits, with two of its bugs fixed."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint, with the guarded callback, the fixed output and the fixed session request."""
        sender_limiter = RateLimiter(RateLimits.from_env().per_sender)
        blueprint = super().blueprint(_with_socketio_output(guarded(on_new_message, guard_from_env(), sender_limiter)))
        sio = blueprint.ctx.sio

        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            # Rasa 3.6 calls python-socketio 5's `enter_room` coroutine without awaiting it, so with
            # session persistence the client never joined its room and no reply reached it.
            session_id = (data or {}).get("session_id") or uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        sio.on("session_request", session_request, namespace=self.namespace)
        return _install_address_limit(blueprint)
