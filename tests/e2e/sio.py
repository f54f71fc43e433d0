"""A socket.io conversation with the running assistant, as the widget holds one."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

Say = Callable[[str], Awaitable[list[dict[str, Any]]]]


@asynccontextmanager
async def socketio_conversation(url: str, headers: dict[str, str] | None = None) -> AsyncIterator[Say]:
    """Connect, open a session, and yield `say(text)`: every bot message of the reply to `text`."""
    import socketio

    client = socketio.AsyncClient(reconnection=False)
    replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    client.on("bot_uttered", replies.put)
    # Long-polling: this aiohttp is too old for the client's websocket transport.
    await client.connect(url, transports=["polling"], socketio_path="socket.io", headers=headers or {}, wait_timeout=10)
    try:
        session = f"sio-{uuid.uuid4().hex}"
        await client.emit("session_request", {"session_id": session})
        await asyncio.sleep(0.5)

        async def say(text: str) -> list[dict[str, Any]]:
            await client.emit("user_uttered", {"message": text, "session_id": session})
            got = [await asyncio.wait_for(replies.get(), 20)]
            await asyncio.sleep(1.0)  # the rest of this reply
            while not replies.empty():
                got.append(replies.get_nowait())
            return got

        yield say
    finally:
        await client.disconnect()
