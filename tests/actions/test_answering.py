"""Deciding whether to answer or to ask: intents that need a conversation that has not happened."""

from __future__ import annotations

from actions.answering import in_context
from knowledge.service import Context, Question


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
