"""The custom actions with real trackers, a dispatcher, and a knowledge base in a SQLite file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerQuestion, ActionClarify, ActionSessionStart
from knowledge.repository import SqlRepository
from knowledge.service import KnowledgeService


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    assert all(e["event"] == "slot" for e in events), events
    return {e["name"]: e["value"] for e in events}


async def test_a_question_is_answered_with_its_citation_and_suggestions(
    built_repository: SqlRepository, make_tracker: Callable[..., Any], domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    action = ActionAnswerQuestion(KnowledgeService(built_repository))
    tracker = make_tracker("ask_risk_cement_leakage", "can the cement leak out?")

    events = await action.run(dispatcher, tracker, domain)

    answer, suggestions = dispatcher.messages
    assert answer["response"] == "utter_answer"
    assert answer["custom"] == {
        "kb_entry": "risk_cement_leakage",
        "source": "The Risks and Limitations of Vertebroplasty",
    }
    assert "cement" in answer["answer"].lower()
    assert suggestions["response"] == "utter_suggestions"
    assert [b["payload"] for b in suggestions["buttons"]] == [
        "/ask_risk_pulmonary_embolism",
        "/ask_risk_stroke",
        "/ask_how_common",
    ]
    assert slot_events(events) == {
        "last_entry": "risk_cement_leakage",
        "shown_entries": ["risk_cement_leakage"],
        "offered_entries": ["risk_pulmonary_embolism", "risk_stroke", "risk_frequency"],
    }


async def test_tell_me_more_continues_from_the_slots(
    built_repository: SqlRepository, make_tracker: Callable[..., Any], domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"last_entry": "risk_cement_leakage", "shown_entries": ["risk_cement_leakage"]}
    tracker = make_tracker("ask_follow_up", "tell me more", slots=slots)

    events = await ActionAnswerQuestion(KnowledgeService(built_repository)).run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["custom"]["kb_entry"] == "risk_pulmonary_embolism"
    assert slot_events(events)["shown_entries"] == ["risk_cement_leakage", "risk_pulmonary_embolism"]


async def test_a_typed_number_picks_an_offered_question(
    built_repository: SqlRepository, make_tracker: Callable[..., Any], domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "choose_number", "number 2 please", slots={"offered_entries": ["risk_stroke", "risk_bleeding"]}
    )

    await ActionAnswerQuestion(KnowledgeService(built_repository)).run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["custom"]["kb_entry"] == "risk_bleeding"


async def test_text_only_channels_get_numbered_choices_and_no_raw_json(
    built_repository: SqlRepository, make_tracker: Callable[..., Any], domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ask_kyphoplasty", "kyphoplasty?", channel="twilio")

    await ActionAnswerQuestion(KnowledgeService(built_repository)).run(dispatcher, tracker, domain)

    answer, suggestions = dispatcher.messages
    assert answer["custom"] == {}
    assert answer["source"] == "Alternative Treatment Options"
    assert suggestions["response"] == "utter_suggestions_numbered"
    assert suggestions["choices"].startswith("1. ")
    assert suggestions["buttons"] == []


async def test_how_is_it_different_after_kyphoplasty_compares(
    built_repository: SqlRepository, make_tracker: Callable[..., Any], domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ask_how_different", "how is it different?", slots={"last_entry": "alt_kyphoplasty"})

    await ActionAnswerQuestion(KnowledgeService(built_repository)).run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["custom"]["kb_entry"] == "compare_kyphoplasty"


async def test_an_unsure_classifier_gets_buttons_not_an_answer(
    built_repository: SqlRepository, make_tracker: Callable[..., Any], domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    ranking = [("nlu_fallback", 0.5), ("ask_risk_bleeding", 0.3), ("ask_risk_nerve_damage", 0.28), ("greet", 0.1)]
    tracker = make_tracker("nlu_fallback", "is it bad", ranking=ranking)

    events = await ActionClarify(KnowledgeService(built_repository)).run(dispatcher, tracker, domain)

    (message,) = dispatcher.messages
    assert message["response"] == "utter_clarify"
    assert message["custom"] == {}
    assert [b["payload"] for b in message["buttons"]] == ["/ask_risk_bleeding", "/ask_risk_nerve_damage"]
    assert slot_events(events) == {"offered_entries": ["risk_bleeding", "risk_nerve_damage"]}


async def test_a_dead_database_gets_a_polite_reply_and_changes_nothing(
    tmp_path: Any, make_tracker: Callable[..., Any], domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    missing = SqlRepository(f"sqlite:///{tmp_path / 'never-built.db'}")
    tracker = make_tracker("ask_risks", "what are the risks")

    events = await ActionAnswerQuestion(KnowledgeService(missing)).run(dispatcher, tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_kb_unavailable"]
    assert events == []


async def test_a_conversation_opens_with_the_introduction(
    make_tracker: Callable[..., Any], domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionSessionStart().run(dispatcher, make_tracker("greet"), domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_intro"]
    assert [e["event"] for e in events] == ["session_started", "action"]
    assert "not medical advice" in domain["responses"]["utter_intro"][0]["text"]
