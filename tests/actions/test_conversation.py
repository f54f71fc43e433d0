"""Reading Rasa's parsed message and the slots."""

from __future__ import annotations

import pytest

from actions.reading import chosen_number, context_from, in_context, question_from
from knowledge.service import Context, Question


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


def test_a_choice_with_nothing_offered_is_left_unsure_without_the_choice_intent() -> None:
    question = Question(intent="choose_number", ranking=["choose_number", "ask_how_common"], text="like 1 in 100?")
    assert in_context(question, Context(), prep_step=None) == Question(
        intent="nlu_fallback", ranking=["ask_how_common"], text="like 1 in 100?"
    )
    offered = Context(offered=("risk_stroke", "risk_bleeding"))
    assert in_context(question, offered, prep_step=None) == question


def test_answers_to_the_question_list_count_only_while_it_asks() -> None:
    question = Question(intent="ask_evidence", ranking=["ask_evidence", "choose_worry", "affirm", "ask_risks"])
    assert in_context(question, Context(), prep_step=None).ranking == ["ask_evidence", "ask_risks"]
    assert in_context(question, Context(last_entry="risks_overview"), prep_step=None).ranking == [
        "ask_evidence",
        "affirm",
        "ask_risks",
    ]
    assert in_context(question, Context(), prep_step="worry") == Question(
        intent="ask_evidence", ranking=["ask_evidence", "choose_worry", "ask_risks"]
    )
