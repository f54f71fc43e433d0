"""Reading a patient's answers in the second-opinion question list; pure functions.

A typed answer is read by its words first: they say more than the intent NLU guessed for a
short reply ("my diagnosis might be wrong" is about the diagnosis, whatever "wrong" suggests;
"not in the last few weeks" is a no, whatever "weeks" suggests).
"""

from __future__ import annotations

import re

from knowledge.model import PRIORITIES

# Intents a patient's typed answer may be classified as when asked "what worries you most?".
_WORRY_BY_INTENT = {
    "ask_risks": "risks",
    "ask_limitations": "effectiveness",
    "ask_evidence": "effectiveness",
    "ask_alternatives": "alternatives",
    "ask_second_opinion_diagnosis": "diagnosis",
}
# In this order: a doubt about the diagnosis is about the diagnosis even when it says "wrong".
_WORRY_WORDS = [
    (re.compile(r"\b(all|everything|both|each)\b"), "all"),
    (re.compile(r"\b(diagnos|misdiagnos|scan|mri|x-?ray|fracture is|something else)"), "diagnosis"),
    (re.compile(r"\b(risk|danger|safe|complication|side effect|go(es|ing)? wrong)"), "risks"),
    (re.compile(r"\b(work|help|effective|benefit|relief|research|evidence)"), "effectiveness"),
    (re.compile(r"\b(option|alternative|instead|other treatment)"), "alternatives"),
]
WORRY_VALUES = frozenset({"risks", "effectiveness", "alternatives", "diagnosis", "all"})
RECENT_VALUES = frozenset({"yes", "no", "unsure"})

_UNSURE = re.compile(r"\b(not sure|unsure|no idea|don'?t know|do not know|can'?t remember|not certain|month)\b")
# "not long ago" is recent, though it says "not" and "long ago".
_NOT_LONG_AGO = re.compile(r"\bnot (that |so |very )?long ago\b")
# A number of days or weeks, or a day named: recent, whatever else the answer says.
_RECENT_WHEN = re.compile(
    r"\b\d+\s*(days?|weeks?|wks?)\b|\b(yesterday|today|last week|this week|few days|couple of days)\b"
)
_OLD = re.compile(r"\b(old|months|years?|long ago|long time|ages|a while back)\b")
# A "no" or a "not" without a number: "not in the last few weeks", "no, it's not recent".
_NOT_RECENT = re.compile(r"\b(no|nope|nah|not|never|isn'?t|wasn'?t|didn'?t|hasn'?t)\b")
_RECENT = re.compile(r"\b(yes|yeah|yep|recent|recently|new|fresh|weeks?|days|just)\b")

# In this order: "not sure" before anything else, then what the answer wants to avoid.
_PRIORITY_WORDS = [
    (re.compile(r"\b(not sure|unsure|no idea|don'?t know|do not know|can'?t say|not certain|undecided)\b"), "unsure"),
    (re.compile(r"\b(medicines?|medications?|meds|pills?|tablets?|drugs?|opioids?|painkillers?)\b"), "avoid_medicines"),
    (
        re.compile(r"\b(risks?|procedures?|surgery|operation|needles?|cement|injections?|danger|safe)\b"),
        "avoid_procedure_risks",
    ),
    (re.compile(r"\b(quick|quickly|fast|soon|right away|straight away|asap|relief|less pain)\b"), "quick_relief"),
]
PRIORITY_VALUES = frozenset(PRIORITIES)

# A typed reply is read as an answer to the list's question only when it is short and not a question.
MAX_ANSWER_WORDS = 12
_QUESTION_START = re.compile(
    r"^\s*(what|how|why|when|where|who|which|can|could|does|do|is|are|will|would|should|tell me)\b"
)


def _lower(text: str) -> str:
    return text.lower().replace("\u2019", "'")


def worry_from(entity: str | None, intent: str | None, text: str) -> str | None:
    """The worry a patient picked: from a button, the words of a typed answer, or its intent."""
    if entity in WORRY_VALUES:
        return entity
    lowered = _lower(text)
    worded = next((worry for pattern, worry in _WORRY_WORDS if pattern.search(lowered)), None)
    return worded or _WORRY_BY_INTENT.get(intent or "")


def recent_from(entity: str | None, intent: str | None, text: str) -> str:
    """Whether the fracture is recent: "yes", "no" or "unsure" (when the answer says neither)."""
    if entity in RECENT_VALUES:
        return entity
    lowered = _lower(text)
    if _UNSURE.search(lowered):
        return "unsure"
    if _NOT_LONG_AGO.search(lowered) or _RECENT_WHEN.search(lowered):
        return "yes"
    if _OLD.search(lowered) or _NOT_RECENT.search(lowered):
        return "no"
    if _RECENT.search(lowered) or intent == "affirm":
        return "yes"
    return "no" if intent == "deny" else "unsure"


def priority_from(entity: str | None, text: str) -> str | None:
    """What matters most to the patient: from a button or the words of a typed answer; None if unclear."""
    if entity in PRIORITY_VALUES:
        return entity
    lowered = _lower(text)
    return next((priority for pattern, priority in _PRIORITY_WORDS if pattern.search(lowered)), None)


def reads_as_answer(step: str | None, text: str) -> bool:
    """Whether a typed reply answers the list's current question by its words, whatever intent NLU chose.

    Only a short reply that is not itself a question counts ("no, it was years ago" does; "what did
    the study of new fractures find?" does not).
    """
    lowered = _lower(text).strip()
    words = lowered.split()
    if not words or len(words) > MAX_ANSWER_WORDS or "?" in lowered or _QUESTION_START.search(lowered):
        return False
    if step == "worry":
        return worry_from(None, None, lowered) is not None
    if step == "recent":
        return recent_from(None, None, lowered) != "unsure" or bool(_UNSURE.search(lowered))
    if step == "priority":
        return priority_from(None, lowered) is not None
    return False
