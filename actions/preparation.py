"""Reading a patient's answers in the second-opinion question list; pure functions."""

from __future__ import annotations

import re

# Intents a patient's typed answer may be classified as when asked "what worries you most?".
_WORRY_BY_INTENT = {
    "ask_risks": "risks",
    "ask_limitations": "effectiveness",
    "ask_evidence": "effectiveness",
    "ask_alternatives": "alternatives",
    "ask_second_opinion_diagnosis": "diagnosis",
}
_WORRY_WORDS = [
    (re.compile(r"\b(all|everything|both|each)\b"), "all"),
    (re.compile(r"\b(risk|danger|safe|complication|side effect|wrong)"), "risks"),
    (re.compile(r"\b(work|help|effective|benefit|relief|research|evidence)"), "effectiveness"),
    (re.compile(r"\b(option|alternative|instead|other treatment)"), "alternatives"),
    (re.compile(r"\b(diagnos|scan|mri|fracture is|something else)"), "diagnosis"),
]
WORRY_VALUES = frozenset({"risks", "effectiveness", "alternatives", "diagnosis", "all"})
_UNSURE = re.compile(r"\b(not sure|unsure|no idea|don'?t know|do not know|can'?t remember|month)\b")
_RECENT = re.compile(r"\b(yes|yeah|yep|recent|recently|new|week|weeks|days|yesterday|today)\b")
_OLD = re.compile(r"\b(no|nope|old|months|year|years|long ago|ages)\b")


def worry_from(entity: str | None, intent: str | None, text: str) -> str | None:
    """The worry a patient picked: from a button, the intent of a typed answer, or its words."""
    if entity in WORRY_VALUES:
        return entity
    if intent in _WORRY_BY_INTENT:
        return _WORRY_BY_INTENT[intent]
    lowered = text.lower()
    return next((worry for pattern, worry in _WORRY_WORDS if pattern.search(lowered)), None)


def recent_from(entity: str | None, intent: str | None, text: str) -> str:
    """Whether the fracture is recent: "yes", "no" or "unsure" (when the answer says neither)."""
    if entity in {"yes", "no", "unsure"}:
        return entity
    lowered = text.lower()
    if _UNSURE.search(lowered):
        return "unsure"
    if intent == "affirm" or _RECENT.search(lowered):
        return "yes"
    if intent == "deny" or _OLD.search(lowered):
        return "no"
    return "unsure"
