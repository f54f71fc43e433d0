"""Custom actions: answer from the knowledge base, clarify, hand off to people, take feedback."""

from __future__ import annotations

import abc
import logging
import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, presenter, settings
from actions.preparation import recent_from, worry_from
from actions.reading import (
    chosen_number,
    context_from,
    entity_value,
    first_reply_of_session,
    in_context,
    question_from,
)
from knowledge.errors import KnowledgeError
from knowledge.feedback import REASON_FALLBACK, REASON_OUT_OF_SCOPE, FeedbackStore
from knowledge.service import Answer, Context, KnowledgeService, Question, Resolution

logger = logging.getLogger(__name__)
MAX_SHOWN = 50
# Intents a typed answer to the question list's questions may be classified as.
PREP_ANSWER_INTENTS = frozenset(
    {
        "ask_risks",
        "ask_limitations",
        "ask_alternatives",
        "ask_second_opinion_diagnosis",
        "ask_evidence",
        "affirm",
        "deny",
    }
)


class StoreAction(Action, abc.ABC):
    """An action that reads the knowledge base or writes feedback, through stores made on first use.

    The action server calls every action with no argument, which means the SQL database named
    by `DATABASE_URL`; tests pass their own.
    """

    def __init__(self, service: KnowledgeService | None = None, store: FeedbackStore | None = None) -> None:
        """Use `service` and `store` when given."""
        self._service = service
        self._store = store

    @property
    def service(self) -> KnowledgeService:
        """The knowledge service, created on first use and kept."""
        if self._service is None:
            self._service = KnowledgeService()
        return self._service

    @property
    def store(self) -> FeedbackStore:
        """The feedback store, created on first use and kept."""
        if self._store is None:
            self._store = FeedbackStore()
        return self._store

    @abc.abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    def record_unanswered(self, reason: str, text: str) -> None:
        """Count an unanswered message for the curators; a failure to count never reaches the patient."""
        try:
            self.store.record_unanswered(reason, text)
        except KnowledgeError as error:
            logger.error("could not count an unanswered message: %s", error)


class KnowledgeAction(StoreAction):
    """Shared run loop: resolve the question, send the messages, remember what was shown."""

    @abc.abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    @abc.abstractmethod
    def resolve(self, question: Question, context: Context) -> Resolution:
        """Which entry answers, or what to offer instead."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        """Answer or clarify, and keep the context slots up to date."""
        context = context_from(tracker.current_slot_values())
        question = in_context(question_from(tracker.latest_message), context, tracker.get_slot(names.SLOT_PREP_STEP))
        channel = tracker.get_latest_input_channel() or ""
        if first_reply_of_session(tracker.events):
            dispatcher.utter_message(response=names.UTTER_INTRO)
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
    """Answers a question from the knowledge base, using the conversation for follow-ups.

    While the second-opinion question list waits for an answer, a typed reply that reads
    like a question ("the risks", "yes") is that answer, so it goes to the list instead.
    """

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        """Hand a reply to the question list over, say "anything else?" to a no, or answer."""
        intent = question_from(tracker.latest_message).intent
        if tracker.get_slot(names.SLOT_PREP_STEP) and intent in PREP_ANSWER_INTENTS:
            return await ActionSecondOpinionPrep(self.service).run(dispatcher, tracker, domain)
        events: list[dict[str, Any]] = []
        if tracker.get_slot(names.SLOT_PREP_STEP):
            events.append(SlotSet(names.SLOT_PREP_STEP, None))
        if intent == names.INTENT_DENY:
            dispatcher.utter_message(response=names.UTTER_ANYTHING_ELSE)
            return events
        return events + await super().run(dispatcher, tracker, domain)

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

    def __init__(self, service: KnowledgeService | None = None, store: FeedbackStore | None = None) -> None:
        """Use `service` and `store`; by default the SQL database, made on first use."""
        super().__init__(service)
        self._store = store

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_clarify"

    def resolve(self, question: Question, context: Context) -> Resolution:
        """Ask the service to weigh the ranking against named terms and lexical search."""
        resolution = self.service.clarify(question, context)
        if not isinstance(resolution, Answer):
            self.record_unanswered(REASON_FALLBACK, question.text)
        return resolution


class ActionRecordUnanswered(StoreAction):
    """Counts a message the assistant declined (out of scope); says nothing itself."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_record_unanswered"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Count the latest message."""
        self.record_unanswered(REASON_OUT_OF_SCOPE, question_from(tracker.latest_message).text)
        return []


class ActionRecordFeedback(StoreAction):
    """Stores whether the last answer helped (its entry id and the time, never the message)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Record the verdict on the entry shown last, and thank the patient."""
        helpful = question_from(tracker.latest_message).intent == names.INTENT_FEEDBACK_HELPFUL
        entry_id = tracker.get_slot(names.SLOT_LAST_ENTRY)
        if entry_id:
            try:
                self.store.record_feedback(str(entry_id), helpful)
            except KnowledgeError as error:
                logger.error("could not store feedback: %s", error)
        dispatcher.utter_message(response=names.UTTER_FEEDBACK_THANKS if helpful else names.UTTER_FEEDBACK_SORRY)
        return []


class ActionHandoff(Action):
    """Tells a patient how to reach a person: the clinic's contact from configuration, never an invented one."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Send the configured contact, or the neutral default."""
        contact = settings.clinic_contact()
        if contact:
            dispatcher.utter_message(response=names.UTTER_HANDOFF, contact=contact)
        else:
            dispatcher.utter_message(response=names.UTTER_HANDOFF_DEFAULT)
        return []


class ActionSecondOpinionPrep(StoreAction):
    """Asks what worries the patient and whether the fracture is recent, then lists questions for the visit."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_second_opinion_prep"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Take the next step of the list."""
        message = tracker.latest_message
        intent = question_from(message).intent
        text = str(message.get("text") or "")
        step = tracker.get_slot(names.SLOT_PREP_STEP)
        worry, recent = tracker.get_slot(names.SLOT_PREP_WORRY), tracker.get_slot(names.SLOT_PREP_RECENT)
        from_button = entity_value(message, names.ENTITY_WORRY) or entity_value(message, names.ENTITY_RECENT)
        if intent in names.LIST_ANSWER_INTENTS and not step and not from_button:
            # "the risks" with no list under way is a question, not an answer to one.
            return await ActionAnswerQuestion(self.service).run(dispatcher, tracker, domain)
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
        try:
            questions = self.service.visit_questions(worry, {"yes": True, "no": False}.get(recent))
        except KnowledgeError as error:
            logger.error("knowledge lookup failed in %s: %s", self.name(), error)
            dispatcher.utter_message(response=names.UTTER_KB_UNAVAILABLE)
            return []
        for message in presenter.visit_list_messages(questions, tracker.get_latest_input_channel() or ""):
            dispatcher.utter_message(**message)
        return []


class ActionCompareOptions(StoreAction):
    """Shows the options the article covers side by side, recommending none."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_compare_options"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Send the comparison."""
        try:
            rows = self.service.comparison()
        except KnowledgeError as error:
            logger.error("knowledge lookup failed in %s: %s", self.name(), error)
            dispatcher.utter_message(response=names.UTTER_KB_UNAVAILABLE)
            return []
        for message in presenter.comparison_messages(rows, tracker.get_latest_input_channel() or ""):
            dispatcher.utter_message(**message)
        return []
