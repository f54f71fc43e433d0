"""Reading Rasa's parsed message and the slots."""

from __future__ import annotations

import pytest

from actions.conversation import chosen_number, context_from, question_from


@pytest.mark.parametrize(
    ("text", "number"),
    [("2", 2), ("number 3 please", 3), ("the first one", 1), ("Second", 2), ("1 or 2", None), ("hello", None)],
)
def test_a_typed_choice_is_read_as_one_number(text: str, number: int | None) -> None:
    assert chosen_number(text) == number


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


def test_missing_slots_read_as_an_empty_context() -> None:
    context = context_from({"last_entry": None, "shown_entries": None})
    assert (context.last_entry, context.shown, context.offered) == (None, (), ())
