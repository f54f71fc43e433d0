"""The second-opinion question list: what worries you, is the fracture recent, what matters most, then questions.

The last step is a short values step: what matters most to the patient adds the questions that
fit it to the list. It recommends nothing.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import names, presenter
from actions.conversation import entity_value, question_from
from actions.preparation import priority_from, reads_as_answer, recent_from, worry_from
from knowledge.service import KnowledgeService
from knowledge.visits import with_priority

# Question intents a typed answer to the list's questions may be classified as ("the risks", "yes").
TYPED_ANSWER_INTENTS = frozenset(
    {
        "ask_risks",
        "ask_limitations",
        "ask_alternatives",
        "ask_second_opinion_diagnosis",
        "ask_evidence",
        names.INTENT_AFFIRM,
        names.INTENT_DENY,
    }
)
# The step each of the list's button intents answers.
STEP_OF_INTENT = {
    names.INTENT_CHOOSE_WORRY: "worry",
    names.INTENT_RECENT_ANSWER: "recent",
    names.INTENT_CHOOSE_PRIORITY: "priority",
}


def wants_question_list(intent: str | None, step: str | None, from_button: bool, text: str = "") -> bool:
    """Whether this turn belongs to the question list rather than to answering a question.

    The list's own intents do, except that an answer to one of its questions ("the risks",
    "weeks ago") means something only while it asks, or when it comes from its buttons. While it
    asks, a typed reply read as a question ("the risks", "yes"), or a short reply whose words
    answer the question ("not in the last few weeks", "avoiding medicines"), is that answer.
    """
    if intent == names.INTENT_PREP:
        return True
    if intent in names.LIST_ANSWER_INTENTS:
        return bool(step) or from_button
    return bool(step) and (intent in TYPED_ANSWER_INTENTS or reads_as_answer(step, text))


def from_button(message: dict[str, Any]) -> bool:
    """Whether the message is one of the list's buttons (it carries a worry, recent or priority entity)."""
    return any(entity_value(message, e) for e in (names.ENTITY_WORRY, names.ENTITY_RECENT, names.ENTITY_PRIORITY))


class QuestionList:
    """Takes one step of the list; the service supplies the questions."""

    def __init__(self, service: KnowledgeService) -> None:
        """Draw the visit questions from `service`."""
        self.service = service

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Ask the next question, or send the list.

        A button answers the question it was offered with; a typed reply answers the question
        being asked, whatever intent NLU gave it.

        Raises:
            KnowledgeError: the questions could not be read.
        """
        message = tracker.latest_message
        intent = question_from(message).intent
        text = str(message.get("text") or "")
        step = tracker.get_slot(names.SLOT_PREP_STEP)
        worry, recent = tracker.get_slot(names.SLOT_PREP_WORRY), tracker.get_slot(names.SLOT_PREP_RECENT)
        priority = tracker.get_slot(names.SLOT_PREP_PRIORITY)
        wants_again = entity_value(message, names.ENTITY_PREP_AGAIN) or re.search(r"\b(again|my list)\b", text, re.I)
        if intent == names.INTENT_PREP and worry and recent and wants_again:
            return self._send_list(dispatcher, tracker, worry, recent, priority)
        if intent == names.INTENT_PREP:
            answering = None  # asked for again: start over
        elif from_button(message):
            answering = STEP_OF_INTENT.get(intent or "")
        else:
            answering = step or STEP_OF_INTENT.get(intent or "")
        if answering == "worry":
            chosen = worry_from(entity_value(message, names.ENTITY_WORRY), intent, text)
            if chosen is None:
                return self._ask_worry(dispatcher)
            self._ask_recent(dispatcher, tracker)
            return [SlotSet(names.SLOT_PREP_WORRY, chosen), SlotSet(names.SLOT_PREP_STEP, "recent")]
        if answering == "recent":
            if not worry:
                return self._ask_worry(dispatcher)
            answer = recent_from(entity_value(message, names.ENTITY_RECENT), intent, text)
            dispatcher.utter_message(response=names.UTTER_ASK_PREP_PRIORITY)
            return [SlotSet(names.SLOT_PREP_RECENT, answer), SlotSet(names.SLOT_PREP_STEP, "priority")]
        if answering == "priority":
            if not worry or not recent:
                return self._ask_worry(dispatcher)
            chosen = priority_from(entity_value(message, names.ENTITY_PRIORITY), text)
            if chosen is None:
                dispatcher.utter_message(response=names.UTTER_ASK_PREP_PRIORITY)
                return [SlotSet(names.SLOT_PREP_STEP, "priority")]
            return [
                SlotSet(names.SLOT_PREP_PRIORITY, chosen),
                SlotSet(names.SLOT_PREP_STEP, None),
                *self._send_list(dispatcher, tracker, worry, recent, chosen),
            ]
        dispatcher.utter_message(response=names.UTTER_ASK_PREP_WORRY)
        return [
            SlotSet(names.SLOT_PREP_STEP, "worry"),
            SlotSet(names.SLOT_PREP_WORRY, None),
            SlotSet(names.SLOT_PREP_RECENT, None),
            SlotSet(names.SLOT_PREP_PRIORITY, None),
        ]

    def _ask_worry(self, dispatcher: CollectingDispatcher) -> list[EventType]:
        dispatcher.utter_message(response=names.UTTER_ASK_PREP_WORRY)
        return [SlotSet(names.SLOT_PREP_STEP, "worry")]

    def _ask_recent(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        channel = tracker.get_latest_input_channel() or ""
        numbered = channel in presenter.TEXT_ONLY_CHANNELS
        dispatcher.utter_message(
            response=f"{names.UTTER_ASK_PREP_RECENT}_numbered" if numbered else names.UTTER_ASK_PREP_RECENT
        )

    def _send_list(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, worry: str, recent: str, priority: str | None
    ) -> list[EventType]:
        questions = self.service.visit_questions(worry, {"yes": True, "no": False}.get(recent))
        questions = with_priority(questions, self.service.catalog().entries, priority)
        for message in presenter.visit_list_messages(questions, tracker.get_latest_input_channel() or ""):
            dispatcher.utter_message(**message)
        return []
