"""Reading Rasa's parsed message and the slots."""

from __future__ import annotations

from typing import Any

import pytest

from actions.conversation import (
    asks_if_same,
    asks_why_alone,
    chosen_number,
    context_from,
    pending_safety_check,
    place_reference,
    question_from,
    refers_back,
    refers_to_other,
    refers_to_the_thing_said,
    time_reference,
)
from knowledge.service import LAST


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2", 2),
        ("number 3 please", 3),
        ("the first one", 1),
        ("Second", 2),
        ("the second one", 2),
        ("the 3rd one pls", 3),
        ("the last one", LAST),
        ("2nd 1", 2),
        ("the frist one", 1),
        ("1 or 2", None),
        ("hello", None),
    ],
)
def test_a_typed_choice_is_read_as_one_number(text: str, number: int | None) -> None:
    assert chosen_number(text) == number


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("tell me about the second one", 2),
        ("ok what about number 3", 3),
        ("and the last one?", LAST),
        ("2", 2),
        ("which one came first?", None),
        ("is a second opinion worth it?", None),
        ("I had my first fracture two years ago and now the doctor wants to do it on the second one", None),
        # A place named as something said may come in a longer message.
        ("the first one you mentioned, what is that exactly", 1),
        ("can you say more about the second thing you listed there", 2),
    ],
)
def test_only_a_short_message_pointing_at_a_place_is_a_reference(text: str, place: int | None) -> None:
    assert place_reference(text) == place


def test_the_other_one_is_a_reference_only_in_a_short_message_or_a_longer_ones_opening() -> None:
    assert refers_to_other("and the other study?")
    assert refers_to_other("what about that other one")
    assert refers_to_other("and the other study, what did that one find?")
    assert not refers_to_other("what are the other treatments I could try if I do not want the cement in my back")
    assert not refers_to_other("my mum asked her GP and the nurse, what did the other study find?")


def test_the_fallback_intent_is_left_out_of_the_ranking() -> None:
    message = {
        "intent": {"name": "nlu_fallback"},
        "intent_ranking": [{"name": "nlu_fallback"}, {"name": "ask_risks"}, {"name": "ask_risk_stroke"}],
        "entities": [{"entity": "complication", "value": "stroke"}],
        "text": "stroke?",
    }
    question = question_from(message)
    assert question.ranking == ["ask_risks", "ask_risk_stroke"]
    assert question.entity_phrases == ["stroke"]


@pytest.mark.parametrize(
    ("second", "intent"),
    [(0.29, "nlu_fallback"), (0.17, "nlu_fallback"), (0.1, "out_of_scope")],
)
def test_not_about_the_article_barely_ahead_of_a_question_is_unsure(second: float, intent: str) -> None:
    message = {
        "intent": {"name": "out_of_scope", "confidence": 0.34},
        "intent_ranking": [
            {"name": "out_of_scope", "confidence": 0.34},
            {"name": "ask_risks", "confidence": second},
            {"name": "ask_what_is_vertebroplasty", "confidence": 0.05},
        ],
        "text": "What are the hazards of having a vertebroplasty done?",
    }
    question = question_from(message)
    assert question.intent == intent
    assert question.ranking == ["out_of_scope", "ask_risks", "ask_what_is_vertebroplasty"]
    assert question.confidences == [0.34, second, 0.05]


def test_missing_slots_read_as_an_empty_context() -> None:
    context = context_from({"last_entry": None, "shown_entries": None})
    assert (context.last_entry, context.shown, context.offered) == (None, (), ())


def check_events(utter_action: str = "utter_safety_check_emergency") -> list[dict[str, Any]]:
    asked = {"intent": {"name": "safety_check_emergency"}, "text": "stroke?"}
    return [
        {"event": "user", "text": "stroke?", "parse_data": asked},
        {"event": "slot", "name": "language", "value": "en"},
        {"event": "action", "name": utter_action},
        {
            "event": "bot",
            "text": "Is this happening...",
            "data": {"custom": {"safety": "check"}},
            "metadata": {"utter_action": utter_action},
        },
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}},
        {"event": "slot", "name": "language", "value": "en"},
    ]


def test_the_one_tap_question_asked_last_is_found_with_the_message_it_asked_about() -> None:
    pending = pending_safety_check(check_events())
    assert pending is not None
    assert (pending.level, pending.message["text"]) == ("emergency", "stroke?")
    assert pending_safety_check(check_events("utter_safety_check_urgent")).level == "urgent"


def test_no_one_tap_question_is_pending_after_another_reply() -> None:
    events = check_events()
    events.insert(5, {"event": "bot", "text": "an answer", "data": {}})
    assert pending_safety_check(events) is None
    assert pending_safety_check(check_events()[:1]) is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("which one came first?", 1),
        ("and the one before it?", 1),
        ("what about the previous study", 1),
        ("and the newer one?", LAST),
        ("I had one before", None),
        ("is it safe?", None),
    ],
)
def test_a_short_message_can_point_at_a_place_by_date(text: str, place: int | None) -> None:
    assert time_reference(text) == place


@pytest.mark.parametrize(
    ("text", "same"),
    [
        ("is that true of vertebroplasty as well?", True),
        ("and vertebroplasty doesn't do that?", True),
        ("is that tru of vertebroplasty to?", True),
        ("why does the pain not go away", False),
        ("what is it used to treat", False),
        ("what are the risks?", False),
    ],
)
def test_asking_whether_the_other_treatment_does_the_same(text: str, same: bool) -> None:
    assert asks_if_same(text) == same


def test_its_points_back_at_what_was_just_said() -> None:
    assert refers_back("what are its risks")
    assert not refers_back("what are the risks")


@pytest.mark.parametrize(
    "text", ["why?", "How?", "how so?", "and why", "mechanism?", "what's the mechanism?", "but why?"]
)
def test_a_bare_why_or_how_asks_about_what_was_just_said(text: str) -> None:
    assert asks_why_alone(text)


@pytest.mark.parametrize("text", ["why does that happen?", "how often?", "why get a second opinion?", "who wrote it?"])
def test_a_question_with_more_than_why_or_how_is_not_bare(text: str) -> None:
    assert not asks_why_alone(text)


def test_a_question_about_they_or_it_asks_about_the_thing_just_said() -> None:
    assert refers_to_the_thing_said("do they help with the pain?")
    assert refers_to_the_thing_said("and does it work quickly")
    assert not refers_to_the_thing_said("do painkillers help with the pain?")
    assert not refers_to_the_thing_said("what do they do if the cement leaks into a vein near the lungs or the brain")
