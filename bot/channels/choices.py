"""Buttons as numbered choices on channels that cannot show them; pure functions, no Rasa imports.

A channel that cannot render a message's buttons sends them as "1. <title>" lines and
remembers, per conversation, which payload each number stands for; the patient's next
message "2" is then read as the second button's payload. Numbers run on across all the
messages of one reply, so two lists in one reply never share a number. What is remembered
is only the assistant's own payloads, never the patient's words, and only for the latest
reply of the most recent conversations.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

REPLY_WITH_NUMBER = "Reply with a number."
MAX_CONVERSATIONS = 10_000


def numbered_choices(text: str, titles: Sequence[str], first: int = 1) -> str:
    """The message text followed by the titles as a numbered list and how to answer."""
    lines = [f"{number}. {title}" for number, title in enumerate(titles, start=first)]
    return "\n".join([text, *lines, REPLY_WITH_NUMBER]) if text else "\n".join([*lines, REPLY_WITH_NUMBER])


class ChoiceBook:
    """The numbered payloads of each conversation's latest reply."""

    def __init__(self, max_conversations: int = MAX_CONVERSATIONS) -> None:
        self._max = max_conversations
        self._choices: OrderedDict[str, list[str]] = OrderedDict()

    def start_reply(self, conversation: str) -> None:
        """Forget the choices of the previous reply: only the latest reply's numbers count."""
        self._choices.pop(conversation, None)

    def offer(self, conversation: str, buttons: Sequence[dict[str, Any]]) -> int:
        """Remember these buttons' payloads; returns the number the first one gets."""
        choices = self._choices.setdefault(conversation, [])
        self._choices.move_to_end(conversation)
        first = len(choices) + 1
        choices.extend(str(button.get("payload") or button.get("title") or "") for button in buttons)
        while len(self._choices) > self._max:
            self._choices.popitem(last=False)
        return first

    def resolve(self, conversation: str, text: str | None) -> str | None:
        """The payload a reply like "2" (or "2." or " 2 ") chooses, if the latest reply offered it."""
        answer = (text or "").strip().rstrip(".)")
        if not answer.isdigit() or not answer.isascii():
            return None
        choices = self._choices.get(conversation, [])
        number = int(answer)
        return choices[number - 1] if 1 <= number <= len(choices) else None
