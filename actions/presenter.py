"""Turns knowledge-service results into messages for the dispatcher; pure functions, no Rasa imports.

All wording lives in `bot/domain.yml` responses; this module only chooses which response to
use and fills it with entry data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from actions import names
from knowledge.model import Entry
from knowledge.payloads import entry_payload
from knowledge.service import Answer, Clarification, ComparisonRow, NotCovered, VisitQuestion
from knowledge.source import long_date

# Channels whose front end renders the citation from the `custom` payload (the web widget).
CITATION_CHANNELS = frozenset({"rest", "socketio"})
# Answers about complications that need care if they happen, and the level of that care: they end
# with "If you have this now, ..." (added here, never written into the entries).
SAFETY_NET_ENTRIES = {
    "risk_pulmonary_embolism": "emergency",
    "risk_stroke": "emergency",
    "risk_nerve_damage": "emergency",
    "risk_bleeding": "emergency",
    "risk_infection": "urgent",
}
# Channels that cannot show buttons: choices become a numbered list answered with a number.
TEXT_ONLY_CHANNELS = frozenset({"twilio", "twilio_voice", "sms", "whatsapp"})

Message = dict[str, Any]


def buttons_for(entries: Iterable[Entry]) -> list[dict[str, str]]:
    """One button per entry, titled with the entry's question."""
    return [{"title": e.title, "payload": entry_payload(e)} for e in entries]


def numbered(entries: Sequence[Entry]) -> str:
    """The entries' questions as a numbered list, one per line."""
    return "\n".join(f"{n}. {e.title}" for n, e in enumerate(entries, start=1))


def answer_messages(answer: Answer, channel: str) -> list[Message]:
    """The answer with its citation and review date, then the suggested follow-up questions.

    The web channels get both in the custom payload (the widget shows "Source: ..." and "Last
    reviewed: ..."); the other channels in a source line. The domain's `utter_answer` adds the
    "Helpful" / "Not helpful" buttons where a channel shows buttons.
    """
    entry = answer.entry
    first: Message = {
        "response": names.UTTER_ANSWER,
        "answer": entry.answer,
        "source": entry.source,
        "reviewed": long_date(entry.reviewed),
    }
    if channel in CITATION_CHANNELS:
        first["json_message"] = {"kb_entry": entry.id, "source": entry.source, "reviewed": entry.reviewed.isoformat()}
    net = SAFETY_NET_ENTRIES.get(entry.id)
    safety_net = [{"response": names.SAFETY_NETS[net]}] if net else []
    return [first, *safety_net, *_choices(names.UTTER_SUGGESTIONS, answer.suggestions, channel)]


def not_covered_messages(declined: NotCovered) -> list[Message]:
    """Say by name what the article does not cover, or decline an instruction, and offer what it can answer."""
    if declined.instruction:
        return [{"response": names.UTTER_NOT_INSTRUCTIONS}]
    if declined.topic is None:
        return [{"response": names.UTTER_OUT_OF_SCOPE}]
    return [{"response": names.UTTER_NOT_COVERED, "topic": declined.topic.name}]


def clarification_messages(clarification: Clarification, channel: str) -> list[Message]:
    """Offer the likely questions, or the main topics when there is no likely question."""
    if not clarification.candidates:
        return [{"response": names.UTTER_CLARIFY_TOPICS}]
    if clarification.maybe_not_covered:
        return _choices(names.UTTER_CLARIFY_MAYBE_NOT_COVERED, clarification.candidates, channel)
    return _choices(names.UTTER_CLARIFY, clarification.candidates, channel)


def _choices(response: str, entries: Sequence[Entry], channel: str) -> list[Message]:
    if not entries:
        return []
    if channel in TEXT_ONLY_CHANNELS:
        return [{"response": f"{response}_numbered", "choices": numbered(entries)}]
    return [{"response": response, "buttons": buttons_for(entries)}]


def visit_list_messages(questions: Sequence[VisitQuestion], channel: str) -> list[Message]:
    """The question list, each question citing its entry, plus a plain-text block to copy or print."""
    lines = [f'{n}. {q.question} (from "{q.entry.title}", {q.entry.source})' for n, q in enumerate(questions, 1)]
    message: Message = {"response": names.UTTER_PREP_LIST, "questions": "\n".join(lines)}
    if channel in CITATION_CHANNELS:
        message["json_message"] = {
            "question_list": [
                {"question": q.question, "kb_entry": q.entry.id, "source": q.entry.source} for q in questions
            ],
            "plain_text": "\n".join(lines),
        }
    return [message]


def comparison_messages(rows: Sequence[ComparisonRow], channel: str) -> list[Message]:
    """The options side by side: the same points for each, each row citing its entries' sections and its review date."""
    messages: list[Message] = [{"response": names.UTTER_COMPARE_INTRO}]
    for row in rows:
        sources = "; ".join(dict.fromkeys(e.source for e in row.cites))
        message: Message = {
            "response": names.UTTER_COMPARE_OPTION,
            "option": row.option.name,
            "what": row.option.what,
            "aim": row.option.aim,
            "limits": row.option.limits,
            "sources": sources,
            "reviewed": long_date(row.option.reviewed),
        }
        if channel in CITATION_CHANNELS and row.cites:
            message["json_message"] = {
                "kb_entry": row.cites[0].id,
                "source": row.cites[0].source,
                "reviewed": row.option.reviewed.isoformat(),
            }
        messages.append(message)
    return messages
