"""Conversations more than one suite walks through, written once."""

from __future__ import annotations

from typing import Any, Protocol

from tools.rest_client import Reply


class Chat(Protocol):
    """Anything that sends a patient's message and returns the assistant's reply."""

    def say(self, text: str) -> Reply: ...


def second_opinion_question_list(chat: Chat) -> list[dict[str, Any]]:
    """Ask for a question list by its buttons (worried about risks, fracture not recent, avoiding medicines).

    Checks each step, and that asking again sends the same list; returns the list.
    """
    ask_worry = chat.say("help me prepare for my second opinion appointment")
    assert '/choose_worry{"worry": "risks"}' in [b["payload"] for b in ask_worry.buttons]
    ask_recent = chat.say('/choose_worry{"worry": "risks"}')
    assert any("last few weeks" in t for t in ask_recent.texts)
    ask_priority = chat.say('/fracture_recent_answer{"recent": "no"}')
    assert any("what matters most to you" in t for t in ask_priority.texts)
    assert '/choose_priority{"priority": "avoid_medicines"}' in [b["payload"] for b in ask_priority.buttons]
    listed = chat.say('/choose_priority{"priority": "avoid_medicines"}')
    (payload,) = [c["question_list"] for c in listed.customs if "question_list" in c]
    listed_ids = {item["kb_entry"] for item in payload}
    assert listed_ids >= {"risks_overview", "second_opinion_risks", "alt_physical_therapy", "alt_lifestyle"}
    again = chat.say('/ask_second_opinion_prep{"prep_again": "yes"}')
    assert [c["question_list"] for c in again.customs if "question_list" in c] == [payload]
    return list(payload)
