"""Custom actions: answer from the knowledge base, clarify, and open each conversation."""

from __future__ import annotations

import abc
import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, presenter
from actions.reading import chosen_number, context_from, question_from
from knowledge.errors import KnowledgeError
from knowledge.service import Answer, Context, KnowledgeService, Question, Resolution

logger = logging.getLogger(__name__)
MAX_SHOWN = 50


class KnowledgeAction(Action, abc.ABC):
    """Shared run loop: resolve the question, send the messages, remember what was shown."""

    def __init__(self, service: KnowledgeService | None = None) -> None:
        """Use `service`; the action server calls this with no argument, which means the SQL store."""
        self._service = service

    @property
    def service(self) -> KnowledgeService:
        """The knowledge service, created on first use."""
        if self._service is None:
            self._service = KnowledgeService()
        return self._service

    @abc.abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    @abc.abstractmethod
    def resolve(self, question: Question, context: Context) -> Resolution:
        """Which entry answers, or what to offer instead."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        """Answer or clarify, and keep the context slots up to date."""
        question = question_from(tracker.latest_message)
        context = context_from(tracker.current_slot_values())
        channel = tracker.get_latest_input_channel() or ""
        try:
            resolution = self.resolve(question, context)
        except KnowledgeError as error:
            # Never the patient's words in the log: only what failed.
            logger.error("knowledge lookup failed in %s: %s", self.name(), error)
            dispatcher.utter_message(response=names.UTTER_KB_UNAVAILABLE)
            return []
        if isinstance(resolution, Answer):
            messages = presenter.answer_messages(resolution, channel)
            shown = [*[e for e in context.shown if e != resolution.entry.id], resolution.entry.id][-MAX_SHOWN:]
            events = [
                SlotSet(names.SLOT_LAST_ENTRY, resolution.entry.id),
                SlotSet(names.SLOT_SHOWN_ENTRIES, shown),
                SlotSet(names.SLOT_OFFERED_ENTRIES, [e.id for e in resolution.suggestions]),
            ]
        else:
            messages = presenter.clarification_messages(resolution, channel)
            events = [SlotSet(names.SLOT_OFFERED_ENTRIES, [e.id for e in resolution.candidates])]
        for message in messages:
            dispatcher.utter_message(**message)
        return events


class ActionAnswerQuestion(KnowledgeAction):
    """Answers a question from the knowledge base, using the conversation for follow-ups."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_question"

    def resolve(self, question: Question, context: Context) -> Resolution:
        """Pick the service call for the kind of question."""
        handler = self._handlers().get(question.intent or "", self.service.for_intent)
        return handler(question, context)

    def _handlers(self) -> dict[str, Callable[[Question, Context], Resolution]]:
        service = self.service
        return {
            names.INTENT_FOLLOW_UP: lambda q, c: service.follow_up(c),
            names.INTENT_AFFIRM: lambda q, c: service.follow_up(c),
            names.INTENT_WHAT_ABOUT: service.what_about,
            names.INTENT_HOW_DIFFERENT: service.how_different,
            names.INTENT_CHOOSE_NUMBER: self._choose,
        }

    def _choose(self, question: Question, context: Context) -> Resolution:
        number = chosen_number(question.text)
        return self.service.choose(number or 0, context)


class ActionClarify(KnowledgeAction):
    """Runs when NLU is unsure: answers if a second opinion settles it, else offers choices."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_clarify"

    def resolve(self, question: Question, context: Context) -> Resolution:
        """Ask the service to weigh the ranking against named terms and lexical search."""
        return self.service.clarify(question, context)


class ActionSessionStart(Action):
    """Opens each conversation with the introduction: what it can do, and that it is not medical advice."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Start the session, introduce the assistant, then listen."""
        dispatcher.utter_message(response=names.UTTER_INTRO)
        return [SessionStarted(), ActionExecuted("action_listen")]
