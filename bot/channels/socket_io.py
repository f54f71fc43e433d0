"""Rasa's socket.io channel (the widget's) behind the guard, with two of its Rasa 3.6 bugs fixed."""

from __future__ import annotations

import uuid
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot import settings
from bot.channels.guarded import OnNewMessage, guard_from_env, guarded, install_address_limit
from bot.channels.ratelimit import RateLimiter


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
        sender_limiter = RateLimiter(settings.current().rate_limits.per_sender)
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
        return install_address_limit(blueprint)
