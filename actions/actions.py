"""The actions the domain names: thin adapters from the tracker to the flows, and the flows' results to messages.

No action calls another: the rules choose the action, and `wants_question_list` alone decides
whether a turn belongs to the second-opinion question list or to answering a question.
"""

from __future__ import annotations

import abc
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, presenter, services, settings
from actions.answering import answer_turn
from actions.conversation import question_from
from actions.question_list import QuestionList, from_button, wants_question_list
from knowledge.errors import KnowledgeError
from knowledge.feedback import FeedbackStore
from knowledge.service import KnowledgeService

logger = logging.getLogger(__name__)


class StoreAction(Action, abc.ABC):
    """An action that reads the knowledge base or writes feedback.

    The action server makes every action with no arguments: they then share the process's one
    service and store (`actions.services`). Tests pass their own. Abstract, so that the action
    server does not register it.
    """

    @abc.abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    def __init__(self, service: KnowledgeService | None = None, store: FeedbackStore | None = None) -> None:
        """Use `service` and `store` when given."""
        self._service = service
        self._store = store

    @property
    def service(self) -> KnowledgeService:
        """The knowledge service: the one given, else the process's."""
        return self._service or services.knowledge()

    @property
    def store(self) -> FeedbackStore:
        """The feedback store: the one given, else the process's."""
        return self._store or services.feedback()

    def record_unanswered(self, reason: str, text: str) -> None:
        """Count an unanswered message for the curators; a failure to count never reaches the patient."""
        try:
            self.store.record_unanswered(reason, text)
        except KnowledgeError as error:
            logger.error("could not count an unanswered message: %s", error)

    def unavailable(self, dispatcher: CollectingDispatcher, error: KnowledgeError) -> list[EventType]:
        """Say the knowledge base cannot be read right now; log only what failed, never the patient's words."""
        logger.error("knowledge lookup failed in %s: %s", self.name(), error)
        dispatcher.utter_message(response=names.UTTER_KB_UNAVAILABLE)
        return []


class ActionAnswerQuestion(StoreAction):
    """Answers a question, a follow-up, an unsure or out-of-scope message, or takes a question-list step."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Take the question-list step this turn belongs to, or answer (or ask which question was meant)."""
        message = tracker.latest_message
        intent = question_from(message).intent
        step = tracker.get_slot(names.SLOT_PREP_STEP)
        text = str(message.get("text") or "")
        try:
            if wants_question_list(intent, step, from_button(message), text):
                return QuestionList(self.service).step(dispatcher, tracker)
            return answer_turn(dispatcher, tracker, self.service, self.record_unanswered)
        except KnowledgeError as error:
            return self.unavailable(dispatcher, error)


class ActionSecondOpinionPrep(ActionAnswerQuestion):
    """The question list's intents; the same turn logic decides, so "the risks" with no list under way is a question."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_second_opinion_prep"


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
        contact = settings.current().clinic_contact
        if contact:
            dispatcher.utter_message(response=names.UTTER_HANDOFF, contact=contact)
        else:
            dispatcher.utter_message(response=names.UTTER_HANDOFF_DEFAULT)
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
            return self.unavailable(dispatcher, error)
        for message in presenter.comparison_messages(rows, tracker.get_latest_input_channel() or ""):
            dispatcher.utter_message(**message)
        return []
