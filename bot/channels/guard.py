"""Checks every incoming message before NLU sees it; pure functions, no Rasa imports.

Rasa parses any message, however long, and obeys any message that starts with "/" as a
forced intent with entities. Here a message is refused with a kind reply when it is empty
or too long (in characters or words), and a "/" message passes as a command only when it
is exactly one of the assistant's own button payloads; otherwise its slashes are dropped
and it is understood as ordinary text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_MAX_CHARS = 2000
DEFAULT_MAX_WORDS = 300


@dataclass(frozen=True)
class Limits:
    """How long a message may be."""

    max_chars: int = DEFAULT_MAX_CHARS
    max_words: int = DEFAULT_MAX_WORDS


@dataclass(frozen=True)
class Verdict:
    """What to do with a message: refuse it with a response, or pass on `text`."""

    text: str
    refusal: str | None = None


REFUSE_EMPTY = "utter_empty_message"
REFUSE_TOO_LONG = "utter_message_too_long"
UTTER_UNAVAILABLE = "utter_service_unavailable"  # sent when the assistant would say nothing
GUARD_RESPONSES = frozenset({REFUSE_EMPTY, REFUSE_TOO_LONG, UTTER_UNAVAILABLE})


class MessageGuard:
    """Applies the limits and the button-payload allow-list."""

    def __init__(self, payloads: Iterable[str], limits: Limits) -> None:
        """Allow these exact payloads as commands."""
        self._payloads = frozenset(" ".join(p.split()) for p in payloads)
        self._limits = limits

    def check(self, text: str | None) -> Verdict:
        """The verdict on one incoming message."""
        text = (text or "").replace("\x00", "")
        if len(text) > self._limits.max_chars or len(text.split()) > self._limits.max_words:
            return Verdict("", REFUSE_TOO_LONG)
        stripped = text.strip()
        if not stripped:
            return Verdict("", REFUSE_EMPTY)
        if stripped.startswith("/") and " ".join(stripped.split()) not in self._payloads:
            plain = stripped.lstrip("/").strip()
            return Verdict(plain) if plain else Verdict("", REFUSE_EMPTY)
        return Verdict(text)
