"""The second-opinion question list: what worries you, is the fracture recent, then questions for the visit."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import names, presenter
from actions.conversation import entity_value, question_from
from actions.preparation import recent_from, worry_from
from knowledge.service import KnowledgeService

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


def wants_question_list(intent: str | None, step: str | None, from_button: bool) -> bool:
    """Whether this turn belongs to the question list rather than to answering a question.

    The list's own intents do, except that an answer to one of its questions ("the risks",
    "weeks ago") means something only while it asks, or when it comes from its buttons. While it
    asks, a typed reply read as a question ("the risks", "yes") is that answer.
    """
    if intent == names.INTENT_PREP:
        return True
    if intent in names.LIST_ANSWER_INTENTS:
        return bool(step) or from_button
    return bool(step) and intent in TYPED_ANSWER_INTENTS


def from_button(message: dict[str, Any]) -> bool:
    """Whether the message is one of the list's buttons (it carries a worry or a recent entity)."""
    return bool(entity_value(message, names.ENTITY_WORRY) or entity_value(message, names.ENTITY_RECENT))


class QuestionList:
    """Takes one step of the list; the service supplies the questions."""

    def __init__(self, service: KnowledgeService) -> None:
        """Draw the visit questions from `service`."""
        self.service = service

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Ask the next question, or send the list.

        Raises:
            KnowledgeError: the questions could not be read.
        """
        message = tracker.latest_message
        intent = question_from(message).intent
        text = str(message.get("text") or "")
        step = tracker.get_slot(names.SLOT_PREP_STEP)
        worry, recent = tracker.get_slot(names.SLOT_PREP_WORRY), tracker.get_slot(names.SLOT_PREP_RECENT)
        wants_again = entity_value(message, names.ENTITY_PREP_AGAIN) or re.search(r"\b(again|my list)\b", text, re.I)
        if intent == names.INTENT_PREP and worry and recent and wants_again:
            return self._send_list(dispatcher, tracker, worry, recent)
        if step == "worry" or intent == names.INTENT_CHOOSE_WORRY:
            chosen = worry_from(entity_value(message, names.ENTITY_WORRY), intent, text)
            if chosen is None:
                dispatcher.utter_message(response=names.UTTER_ASK_PREP_WORRY)
                return [SlotSet(names.SLOT_PREP_STEP, "worry")]
            self._ask_recent(dispatcher, tracker)
            return [SlotSet(names.SLOT_PREP_WORRY, chosen), SlotSet(names.SLOT_PREP_STEP, "recent")]
        if step == "recent" or intent == names.INTENT_RECENT_ANSWER:
            if not worry:
                dispatcher.utter_message(response=names.UTTER_ASK_PREP_WORRY)
                return [SlotSet(names.SLOT_PREP_STEP, "worry")]
            answer = recent_from(entity_value(message, names.ENTITY_RECENT), intent, text)
            return [
                SlotSet(names.SLOT_PREP_RECENT, answer),
                SlotSet(names.SLOT_PREP_STEP, None),
                *self._send_list(dispatcher, tracker, worry, answer),
            ]
        dispatcher.utter_message(response=names.UTTER_ASK_PREP_WORRY)
        return [
            SlotSet(names.SLOT_PREP_STEP, "worry"),
            SlotSet(names.SLOT_PREP_WORRY, None),
            SlotSet(names.SLOT_PREP_RECENT, None),
        ]

    def _ask_recent(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        channel = tracker.get_latest_input_channel() or ""
        numbered = channel in presenter.TEXT_ONLY_CHANNELS
        dispatcher.utter_message(
            response=f"{names.UTTER_ASK_PREP_RECENT}_numbered" if numbered else names.UTTER_ASK_PREP_RECENT
        )

    def _send_list(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, worry: str, recent: str
    ) -> list[EventType]:
        questions = self.service.visit_questions(worry, {"yes": True, "no": False}.get(recent))
        for message in presenter.visit_list_messages(questions, tracker.get_latest_input_channel() or ""):
            dispatcher.utter_message(**message)
        return []
