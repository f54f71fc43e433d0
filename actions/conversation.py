"""Reads what the actions need from Rasa's parsed message and slots; pure functions."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from actions import names
from knowledge.model import TERM_LABELS
from knowledge.service import Context, Question

_ORDINALS = {"first": 1, "second": 2, "third": 3, "one": 1, "two": 2, "three": 3}
_NUMBER = re.compile(r"\b([1-9])\b|\b(first|second|third|one|two|three)\b", re.IGNORECASE)


def question_from(message: Mapping[str, Any]) -> Question:
    """The question in Rasa's latest parsed message (`tracker.latest_message`).

    A safety intent (the Rasa server's red-flag check) is not a question: the question is what
    NLU read before the check set it.
    """
    intent = (message.get("intent") or {}).get("name")
    if intent in names.SAFETY_INTENTS:
        raw = [str(r["name"]) for r in message.get("intent_ranking") or [] if r.get("name")]
        intent = next((n for n in raw if n not in names.SAFETY_INTENTS), names.INTENT_FALLBACK)
    ranking = [
        r["name"]
        for r in message.get("intent_ranking") or []
        if r.get("name") and r["name"] != names.INTENT_FALLBACK and r["name"] not in names.SAFETY_INTENTS
    ]
    phrases = [
        str(e["value"])
        for e in message.get("entities") or []
        if e.get("value") is not None and e.get("entity") in TERM_LABELS
    ]
    return Question(intent=intent, ranking=ranking, entity_phrases=phrases, text=str(message.get("text") or ""))


def context_from(slots: Mapping[str, Any]) -> Context:
    """The conversation's context, from the slots the actions keep."""
    return Context(
        last_entry=slots.get(names.SLOT_LAST_ENTRY),
        shown=_strings(slots.get(names.SLOT_SHOWN_ENTRIES)),
        offered=_strings(slots.get(names.SLOT_OFFERED_ENTRIES)),
    )


def entity_value(message: Mapping[str, Any], entity: str) -> str | None:
    """The value of the first entity of this type in the parsed message, if any."""
    for found in message.get("entities") or []:
        if found.get("entity") == entity and found.get("value") is not None:
            return str(found["value"])
    return None


def chosen_number(text: str) -> int | None:
    """The choice a patient typed ("2", "number 3", "the first one"), if exactly one."""
    found = {int(d) if d else _ORDINALS[w.lower()] for d, w in _NUMBER.findall(text)}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class PendingCheck:
    """The one-tap safety question the assistant asked last, and the message it asked about."""

    level: str
    message: Mapping[str, Any]


def pending_safety_check(events: Sequence[Mapping[str, Any]]) -> PendingCheck | None:
    """The safety question the assistant's last reply asked, if it did, with the message it asked about."""
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    if len(users) < 2:
        return None
    previous, latest = users[-2], users[-1]
    replies = [e for e in events[previous + 1 : latest] if e.get("event") == "bot"]
    if not replies or ((replies[-1].get("data") or {}).get("custom") or {}).get("safety") != "check":
        return None
    level = names.CHECK_LEVELS.get(str((replies[-1].get("metadata") or {}).get("utter_action") or ""))
    if level is None:
        return None
    return PendingCheck(level, events[previous].get("parse_data") or {"text": events[previous].get("text") or ""})


def first_reply_of_session(events: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the assistant has said nothing yet since the session started."""
    for event in reversed(events):
        if event.get("event") == "bot":
            return False
        if event.get("event") == "session_started":
            return True
    return True


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(str(v) for v in value)
    return ()
