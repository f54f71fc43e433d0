"""Reads what the actions need from Rasa's parsed message and slots; pure functions."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from actions import names
from knowledge.model import TERM_LABELS
from knowledge.service import LAST, Context, Question
from knowledge.uncovered import focus

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "last": LAST,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6,
    # Slips of the thumb.
    "frist": 1, "fisrt": 1, "secnd": 2, "seond": 2, "thrid": 3, "forth": 4, "fouth": 4, "fith": 5, "fifht": 5,
}  # fmt: skip
_CARDINALS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_WORDS = "|".join([*_ORDINALS, *_CARDINALS])
_NUMBER = re.compile(rf"\b(?:#\s*)?([1-9])\b|\b({_WORDS})\b", re.IGNORECASE)
# A short message that points at an item by its place: "the second one", "number 3", "the last".
_ORDINAL = (
    r"(?:first|second|third|fourth|fifth|sixth|last|frist|fisrt|secnd|seond|thrid|forth|fouth|fith|fifht"
    r"|[1-6](?:st|nd|rd|th))"
)
# "2nd 1" is texted for "2nd one".
_ORDINAL_THEN_ONE = re.compile(r"\b([1-6](?:st|nd|rd|th))\s+1\b", re.I)
_PLACE = re.compile(
    rf"\bthe\s+{_ORDINAL}\b(?!\s+(?:time|opinion|fracture|break))"
    rf"|\b{_ORDINAL}\s+(?:one|option|item|thing|choice|point|study|risk|problem|treatment)\b"
    r"|\b(?:number|no\.?|option|#)\s*[1-6]\b"
    rf"|^\W*(?:and|ok|okay|so)?\W*(?:{_ORDINAL}|[1-6])\W*(?:one|please|pls)?\W*$",
    re.IGNORECASE,
)
# "The first one you mentioned, what is that?": a place named as something said may come in a longer message.
_SAID = re.compile(
    rf"\b{_ORDINAL}\s+(?:[a-z]+\s+)?(?:you|it|they|the article)\s+(?:mentioned|listed|said|named|gave|talked about)\b",
    re.I,
)
# "And the other study?", "the other one": the item named beside the last answer.
_OTHER = re.compile(r"\b(?:the|that)\s+other\b|\banother\s+one\b", re.IGNORECASE)
# "Which one came first?", "the newer one": a place in a list named in date order.
_EARLIEST = re.compile(
    r"\b(?:came|come|was|were|published|done)\s+first\b|\b(?:older|oldest|earlier|earliest)\b"
    r"|\bthe (?:one|study|trial|review) before\b|\bthe previous (?:one|study|trial|review)\b",
    re.I,
)
_LATEST = re.compile(r"\b(?:newer|newest|more recent|most recent|latest|later one|came (?:second|later|after))\b", re.I)
# "Does vertebroplasty do that too?": the same question about the other treatment.
_SAME = re.compile(
    r"\b(?:as well|too|also|same|either|true? (?:of|for)|like that)\b|\bto\W*$"
    r"|\b(?:doesn'?t|does not|don'?t|do not|isn'?t|is not|won'?t|will not)\s+"
    r"(?:do|have|cause|need|use|get)\s+(?:that|this|it|them|those)\b",
    re.I,
)
# "Why does that happen?": a short message about what the last answer said.
_BACK = re.compile(r"\b(?:that|it|its|this|those|these|one|there|dat|dis)\b", re.I)
# "Why?", "how so?", "mechanism?": a bare question about what the last answer said.
# "Meaning?", "what does that mean?": the last answer asked for again, in its plain words.
_MEANING = re.compile(
    r"^\W*(?:(?:and|but|so|ok(?:ay)?|sorry)\W+)?(?:meaning|what does (?:that|it|this) mean|what do you mean"
    r"|in (?:plain )?english(?: please| pls)?|what does that mean in plain english)\W*$",
    re.I,
)
_WHY_ALONE = re.compile(
    r"^\W*(?:(?:and|but|so|ok(?:ay)?)\W+)?(?:why|how|how so|how come|why so|why is that|why though|but why"
    r"|how exactly|why exactly|(?:what is |what'?s )?(?:the )?mechanism)\W*$",
    re.I,
)
# "Do they help with the pain?", "does it work fast?": a question about the thing just talked about.
_THING = re.compile(
    r"^\W*(?:and\W+|but\W+|so\W+)?(?:do|does|did|can|could|will|would|are|is) (?:they|them|it|those|these)\b", re.I
)
# "And the pills?", "what about the serious ones", "the lungs one": a message shaped as a pointer
# to something said, not a question of its own ("and will it fix the osteoporosis?").
_POINTER = re.compile(
    r"^\W*(?:ok(?:ay)?\W+|so\W+)?(?:and\W+)?(?:what about|how about|about|tell me (?:more )?about|more (?:on|about)"
    r"|the|those|that|for|of|with)\b|\b(?:one|ones|bit|bits|part|thing|kind)\W*$"
    r"|^\W*(?:what|which)\b.{0,30}\b(?:do|did) (?:you|they|it) mean\b",
    re.I,
)
# References are read only in short messages; a long one is a question of its own.
MAX_REFERENCE_WORDS = 8
# "And the other study, what did it find?": a pointer in a longer message's opening words.
MAX_OPENING_WORDS = 5
# A question about the other treatment may say more ("is that true of vertebroplasty as well, the height?").
MAX_SAME_WORDS = 14
# "Not about the article" is a reading NLU is unsure of when the next reading has at least this
# share of its confidence: on the development sets, such messages were mostly questions the
# article answers in words NLU had not seen ("What are the hazards of having it done?").
OUT_OF_SCOPE_MARGIN = 0.5


def question_from(message: Mapping[str, Any]) -> Question:
    """The question in Rasa's latest parsed message (`tracker.latest_message`).

    A safety intent (the Rasa server's red-flag check) is not a question: the question is what
    NLU read before the check set it.
    """
    intent = (message.get("intent") or {}).get("name")
    if intent in names.SAFETY_INTENTS:
        raw = [str(r["name"]) for r in message.get("intent_ranking") or [] if r.get("name")]
        intent = next((n for n in raw if n not in names.SAFETY_INTENTS), names.INTENT_FALLBACK)
    scored = [
        (str(r["name"]), float(r.get("confidence") or 0.0))
        for r in message.get("intent_ranking") or []
        if r.get("name") and r["name"] != names.INTENT_FALLBACK and r["name"] not in names.SAFETY_INTENTS
    ]
    if intent == names.INTENT_OUT_OF_SCOPE and _barely_ahead(scored):
        # Unsure whether the article answers it: asked like any unsure question, never declined outright.
        intent = names.INTENT_FALLBACK
    ranking = [name for name, _ in scored]
    confidences = [confidence for _, confidence in scored]
    phrases = [
        str(e["value"])
        for e in message.get("entities") or []
        if e.get("value") is not None and e.get("entity") in TERM_LABELS
    ]
    return Question(
        intent=intent,
        ranking=ranking,
        entity_phrases=phrases,
        text=str(message.get("text") or ""),
        confidences=confidences,
    )


def _barely_ahead(scored: Sequence[tuple[str, float]]) -> bool:
    """Whether the first reading leads the next by less than `OUT_OF_SCOPE_MARGIN` allows."""
    return len(scored) >= 2 and scored[1][1] >= OUT_OF_SCOPE_MARGIN * scored[0][1]


def context_from(slots: Mapping[str, Any]) -> Context:
    """The conversation's context, from the slots the actions keep."""
    return Context(
        last_entry=slots.get(names.SLOT_LAST_ENTRY),
        shown=_strings(slots.get(names.SLOT_SHOWN_ENTRIES)),
        offered=_strings(slots.get(names.SLOT_OFFERED_ENTRIES)),
        declined_subject=slots.get(names.SLOT_DECLINED_SUBJECT),
    )


def entity_value(message: Mapping[str, Any], entity: str) -> str | None:
    """The value of the first entity of this type in the parsed message, if any."""
    for found in message.get("entities") or []:
        if found.get("entity") == entity and found.get("value") is not None:
            return str(found["value"])
    return None


def chosen_number(text: str) -> int | None:
    """The choice a patient typed ("2", "number 3", "the second one", "the last"), if exactly one.

    An ordinal wins over a cardinal word, so "the second one" is 2; the last is `LAST`.
    """
    pairs = _NUMBER.findall(_ORDINAL_THEN_ONE.sub(r"\1 one", text))
    ordinals = {int(d) if d else _ORDINALS[w.lower()] for d, w in pairs if d or w.lower() in _ORDINALS}
    found = ordinals or {_CARDINALS[w.lower()] for _, w in pairs if w}
    return found.pop() if len(found) == 1 else None


def _short(text: str) -> bool:
    """Whether a message is short enough to be a pointer into the conversation rather than a question."""
    return len(text.split()) <= MAX_REFERENCE_WORDS


def place_reference(text: str) -> int | None:
    """The item a short message points at by its place ("tell me about the second one"), if it does."""
    text = _ORDINAL_THEN_ONE.sub(r"\1 one", text)
    said = len(text.split()) <= MAX_SAME_WORDS and bool(_SAID.search(text))
    if not said and not (_short(text) and _PLACE.search(text)):
        return None
    return chosen_number(text)


def time_reference(text: str) -> int | None:
    """The place a short message points at by date: 1 for the earliest, `LAST` for the latest."""
    if not _short(text):
        return None
    if _EARLIEST.search(text):
        return 1
    return LAST if _LATEST.search(text) else None


def asks_if_same(text: str) -> bool:
    """Whether the message asks if something holds for another treatment as well.

    Only its last question counts: "it brings back the height? is that true of vertebroplasty as well?"
    """
    asked = focus(text)
    return len(asked.split()) <= MAX_SAME_WORDS and bool(_SAME.search(asked))


def asks_meaning(text: str) -> bool:
    """Whether the message only asks what the last answer meant ("meaning?")."""
    return bool(_MEANING.search(text))


def refers_back(text: str) -> bool:
    """Whether a short message is about what was just said ("why does that happen?")."""
    return _short(text) and bool(_BACK.search(text))


def asks_why_alone(text: str) -> bool:
    """Whether the message is only "why?" or "how?", asked of what was just said."""
    return bool(_WHY_ALONE.search(text))


def refers_to_the_thing_said(text: str) -> bool:
    """Whether a short message asks about the thing just talked about ("do they help the pain?")."""
    return _short(text) and bool(_THING.search(text))


def points_at_something_said(text: str) -> bool:
    """Whether a short message is shaped as a pointer ("and the pills?", "the lungs one")."""
    return _short(text) and bool(_POINTER.search(text))


def refers_to_other(text: str) -> bool:
    """Whether a short message, or a message's opening words, ask for the other item.

    "And the other study?", or "and the other study, what did that one find?"
    """
    if _short(text):
        return bool(_OTHER.search(text))
    opening = re.split(r"[,;:?!.]", text, maxsplit=1)[0]
    return len(opening.split()) <= MAX_OPENING_WORDS and bool(_OTHER.search(opening))


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
