"""Answering from the knowledge base: the one place that decides whether to answer or to ask."""

from __future__ import annotations

from collections.abc import Callable

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import names, presenter
from actions.conversation import (
    asks_if_same,
    asks_meaning,
    asks_why_alone,
    chosen_number,
    context_from,
    entity_value,
    first_reply_of_session,
    pending_safety_check,
    place_reference,
    points_at_something_said,
    question_from,
    refers_back,
    refers_to_other,
    refers_to_the_thing_said,
    time_reference,
)
from knowledge.feedback import REASON_FALLBACK, REASON_INSTRUCTION, REASON_NOT_COVERED, REASON_OUT_OF_SCOPE
from knowledge.service import Answer, Context, KnowledgeService, NotCovered, Question, Resolution

MAX_SHOWN = 50
# The longest message read as a short unsure follow-up ("freq?", "any numbers on that?").
MAX_UNSURE_WORDS = 4


def in_context(question: Question, context: Context, prep_step: str | None) -> Question:
    """The question without the intents that only answer something the assistant has not said.

    "2" means a choice only after choices were offered, "tell me more" or "yes" only after an
    answer, "the risks" or "weeks ago" only while the question list is asking. Out of context
    such an intent is dropped from the ranking; when it was the top intent, the question is
    left unsure (the fallback intent), so the assistant asks from the intents that remain.
    """
    needs = {
        names.INTENT_CHOOSE_NUMBER: bool(context.offered or context.last_entry),
        names.INTENT_FOLLOW_UP: bool(context.last_entry),
        names.INTENT_AFFIRM: bool(context.last_entry),
        **{intent: bool(prep_step) for intent in names.LIST_ANSWER_INTENTS},
    }
    out_of_context = {intent for intent, met in needs.items() if not met}
    if not out_of_context & {question.intent, *question.ranking}:
        return question
    return Question(
        intent=names.INTENT_FALLBACK if question.intent in out_of_context else question.intent,
        ranking=[intent for intent in question.ranking if intent not in out_of_context],
        entity_phrases=question.entity_phrases,
        text=question.text,
        confidences=[
            c for intent, c in zip(question.ranking, question.confidences, strict=False) if intent not in out_of_context
        ],
    )


def decide(service: KnowledgeService, question: Question, context: Context, prep_step: str | None) -> Resolution:
    """Answer with one entry, ask which one, or say the article does not cover it: the only place deciding.

    A question whose focus the article does not cover (`knowledge/uncovered.yml`), or an
    instruction aimed at the assistant, is declined by name whatever NLU chose, so that no entry
    answers a question it cannot answer.

    NLU marks a message it is unsure of with the fallback intent (its confidence is below the
    FallbackClassifier's threshold, or two intents are too close); an intent that needs a
    conversation that has not happened is treated the same way. Unsure questions, and intents
    with no entry of their own, go to `KnowledgeService.clarify`, which answers only when a
    named term or a confident search hit settles it, and otherwise offers the likely entries.
    """
    question = in_context(question, context, prep_step)
    why = service.why_after(context) if asks_why_alone(question.text) else None
    if why is not None:
        # "Why?" right after a problem: how it comes about, answered by its entry or declined.
        return why
    dated = time_reference(question.text)
    if dated is not None and service.in_date_order(context):
        # "Which one came first?" after the studies; after anything else it asks about history.
        return service.choose(dated, context)
    declined = service.not_covered(question.text)
    if declined is not None:
        # "Why does that happen?" is answered by an entry that explains it, and declined otherwise.
        aspect = declined.topic.answered_by if declined.topic else None
        about = service.entry_named(question) or (
            context.last_entry if refers_back(question.text) else service.entry_for_intent(question.intent)
        )
        explained = service.explaining(aspect, about, context) if aspect else None
        return explained or declined
    carried_to_procedure = service.for_procedure_too(question, context)
    if carried_to_procedure is not None:
        # "And for vertebroplasty?" after "what are the risks of kyphoplasty?" was declined.
        return carried_to_procedure
    referred = _reference(service, question, context)
    if referred is not None:
        return referred
    if _unsure_and_short(question):
        # "Freq?" after a problem: the asking words of one entry of the family settle it.
        asked = service.asked_in_family(question, context)
        if asked is not None:
            return asked
    if question.intent == names.INTENT_OUT_OF_SCOPE:
        return service.asked_after_all(question, context) or NotCovered()
    handlers: dict[str, Callable[[], Resolution]] = {
        names.INTENT_FALLBACK: lambda: service.clarify(question, context),
        names.INTENT_FOLLOW_UP: lambda: service.follow_up(context),
        names.INTENT_AFFIRM: lambda: service.follow_up(context),
        names.INTENT_WHAT_ABOUT: lambda: service.what_about(question, context),
        names.INTENT_HOW_DIFFERENT: lambda: service.how_different(question, context),
        names.INTENT_CHOOSE_NUMBER: lambda: service.choose(chosen_number(question.text) or 0, context),
    }
    handler = handlers.get(question.intent or names.INTENT_FALLBACK)
    return handler() if handler is not None else service.for_intent(question, context)


def _reference(service: KnowledgeService, question: Question, context: Context) -> Resolution | None:
    """A short follow-up that points into the conversation, whatever intent NLU gave it.

    "Tell me about the second one" or "the older study" picks an item by its place (the choices
    offered, else what the last answer named); "and the other study?" asks for the item named
    beside the last answer; "does vertebroplasty do that too?" after kyphoplasty asks for the
    comparison; "the lungs one" names one item of the last answer's list.
    """
    if not (context.last_entry or context.offered):
        return None
    if asks_meaning(question.text):
        again = service.again(context)
        if again is not None:
            return again
    if refers_to_other(question.text):
        other = service.other(context)
        if other is not None:
            return other
    pointer = points_at_something_said(question.text)
    carried = service.carried_over(question, context, pointer, refers=refers_back(question.text))
    if carried is not None:
        return carried
    place = place_reference(question.text)
    if place is not None:
        return service.choose(place, context)
    if asks_if_same(question.text):
        comparison = service.comparison_after(question, context)
        if comparison is not None:
            return comparison
    if refers_to_the_thing_said(question.text):
        kept = service.still_about_last(question, context)
        if kept is not None:
            return kept
    if pointer:
        # "And the second opinions bit?" names no item of the last list: it asks about what it names.
        return service.named_item(question, context) or service.named_topic(question, context)
    return None


def _unsure_and_short(question: Question) -> bool:
    """A message of a few words that NLU could not place: unsure, "not about the article", or a bare choice."""
    if len(question.text.split()) > MAX_UNSURE_WORDS:
        return False
    if question.intent == names.INTENT_CHOOSE_NUMBER:
        return chosen_number(question.text) is None
    return question.intent in (names.INTENT_FALLBACK, names.INTENT_OUT_OF_SCOPE)


def unanswered_reason(declined: NotCovered) -> str:
    """What the curators' report counts a decline as: the uncovered topic, an instruction, or out of scope."""
    if declined.instruction:
        return REASON_INSTRUCTION
    return f"{REASON_NOT_COVERED}:{declined.topic.id}" if declined.topic else REASON_OUT_OF_SCOPE


def answer_turn(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    service: KnowledgeService,
    count_unanswered: Callable[[str, str], None],
) -> list[EventType]:
    """Answer or ask, and keep the context slots up to date.

    Raises:
        KnowledgeError: the knowledge base could not be read.
    """
    question = question_from(tracker.latest_message)
    symptom_level = entity_value(tracker.latest_message, names.ENTITY_SYMPTOM)
    pending = pending_safety_check(tracker.events)
    if pending is not None and question.intent == names.INTENT_AFFIRM:
        # "yes" to "Is this happening to you, or someone with you, now?"
        dispatcher.utter_message(response=names.LEVEL_REPLIES[pending.level])
        return []
    if pending is not None and question.intent in (names.INTENT_DENY, names.INTENT_SAFETY_NOT_NOW):
        # "No, I'm asking in general": answer the message the question was about.
        question = question_from(pending.message)
        symptom_level = symptom_level or entity_value(pending.message, names.ENTITY_SYMPTOM)
    prep_step = tracker.get_slot(names.SLOT_PREP_STEP)
    events: list[EventType] = []
    if prep_step and question.intent != names.INTENT_FALLBACK:
        # A question that is not an answer to the question list leaves the list.
        events.append(SlotSet(names.SLOT_PREP_STEP, None))
    if question.intent == names.INTENT_DENY:
        dispatcher.utter_message(response=names.UTTER_ANYTHING_ELSE)
        return events
    if first_reply_of_session(tracker.events):
        dispatcher.utter_message(response=names.UTTER_INTRO)
    context = context_from(tracker.current_slot_values())
    resolution = decide(service, question, context, prep_step)
    channel = tracker.get_latest_input_channel() or ""
    if isinstance(resolution, NotCovered):
        count_unanswered(unanswered_reason(resolution), question.text)
        messages = presenter.not_covered_messages(resolution)
        if not resolution.instruction:
            # A new topic leaves the old one: "tell me more" or "the second one" no longer point at it.
            # An instruction aimed at the assistant changes nothing, the conversation included.
            events += [SlotSet(names.SLOT_LAST_ENTRY, None), SlotSet(names.SLOT_OFFERED_ENTRIES, [])]
            subject = service.declined_subject(question, resolution)
            if subject or context.declined_subject:
                events.append(SlotSet(names.SLOT_DECLINED_SUBJECT, subject))
        if symptom_level:
            messages.append({"response": names.SAFETY_NETS[symptom_level]})
    elif isinstance(resolution, Answer):
        messages = presenter.answer_messages(resolution, channel)
        shown = [*[e for e in context.shown if e != resolution.entry.id], resolution.entry.id][-MAX_SHOWN:]
        if context.declined_subject:
            events.append(SlotSet(names.SLOT_DECLINED_SUBJECT, None))
        events += [
            SlotSet(names.SLOT_LAST_ENTRY, resolution.entry.id),
            SlotSet(names.SLOT_SHOWN_ENTRIES, shown),
            # A numbered list of suggestions (text-only channels) is answered by number; elsewhere
            # the suggestions are buttons, and "the second one" means what the answer named.
            SlotSet(
                names.SLOT_OFFERED_ENTRIES,
                [e.id for e in resolution.suggestions] if channel in presenter.TEXT_ONLY_CHANNELS else [],
            ),
        ]
    else:
        if question.intent == names.INTENT_FALLBACK:
            count_unanswered(REASON_FALLBACK, question.text)
        messages = presenter.clarification_messages(resolution, channel)
        if symptom_level:
            # Asking which question was meant, about a message that mentions a symptom.
            messages.append({"response": names.SAFETY_NETS[symptom_level]})
        events.append(SlotSet(names.SLOT_OFFERED_ENTRIES, [e.id for e in resolution.candidates]))
    for message in messages:
        dispatcher.utter_message(**message)
    return events
