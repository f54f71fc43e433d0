"""A tiny client for the REST channel, used by the evaluation and the end-to-end tests."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What the assistant sent back for one message."""

    messages: list[dict[str, Any]]

    @property
    def texts(self) -> list[str]:
        """The text of every message, in order."""
        return [m["text"] for m in self.messages if "text" in m]

    @property
    def customs(self) -> list[dict[str, Any]]:
        """Every custom payload, in order."""
        return [m["custom"] for m in self.messages if "custom" in m]

    @property
    def kb_entry(self) -> str | None:
        """The knowledge entry the reply answered with, if any."""
        entries = [c["kb_entry"] for c in self.customs if "kb_entry" in c]
        return entries[0] if entries else None

    @property
    def is_emergency(self) -> bool:
        """Whether this is the emergency reply."""
        return {"safety": "emergency"} in self.customs

    @property
    def safety(self) -> str | None:
        """The safety payload's value ("emergency", "urgent" or "check"), if the reply has one."""
        values = [str(c["safety"]) for c in self.customs if "safety" in c]
        return values[0] if values else None

    @property
    def buttons(self) -> list[dict[str, str]]:
        """Every button offered, in order."""
        return [b for m in self.messages for b in m.get("buttons") or []]


def send(base_url: str, sender: str, text: str, timeout_s: float = 30.0) -> Reply:
    """Post one message to the REST channel and return the assistant's reply."""
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 - the URL is the assistant we started
        f"{base_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
        return Reply(json.loads(response.read().decode("utf-8")))


def post_status(base_url: str, body: bytes, timeout_s: float = 30.0) -> int:
    """Post raw bytes to the REST channel; returns the HTTP status, even for an error."""
    request = urllib.request.Request(  # noqa: S310 - the URL is the assistant we started
        f"{base_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
