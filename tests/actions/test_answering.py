"""Deciding whether to answer or to ask: intents that need a conversation that has not happened."""

from __future__ import annotations

import pytest

from actions.answering import decide, in_context
from knowledge.service import Answer, Clarification, Context, KnowledgeService, NotCovered, Question


def test_a_choice_with_nothing_offered_is_left_unsure_without_the_choice_intent() -> None:
    question = Question(
        intent="choose_number",
        ranking=["choose_number", "ask_how_common"],
        confidences=[0.6, 0.3],
        text="like 1 in 100?",
    )
    assert in_context(question, Context(), prep_step=None) == Question(
        intent="nlu_fallback", ranking=["ask_how_common"], confidences=[0.3], text="like 1 in 100?"
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
        intent="ask_evidence", ranking=["ask_evidence", "choose_worry", "ask_risks"], confidences=[]
    )


@pytest.mark.parametrize(
    ("last", "text", "intent", "expected"),
    [
        ("risk_stroke", "why would that happen?", "ask_follow_up", "risk_stroke"),
        ("risk_nerve_damage", "how does that happen", "ask_follow_up", "how_problems_happen"),
        ("alternatives_overview", "tell me about the second one", "ask_follow_up", "alt_physical_therapy"),
        ("evidence_jama_2010", "which one came first?", "nlu_fallback", "evidence_nejm_2009"),
        ("evidence_nejm_2009", "and the other study?", "ask_evidence", "evidence_jama_2010"),
        (
            "alt_kyphoplasty",
            "is that true of vertebroplasty as well?",
            "ask_what_is_vertebroplasty",
            "compare_kyphoplasty",
        ),
        (
            "alternatives_overview",
            "what about the pills?",
            "ask_pain_medication",
            "alt_pain_medication|alt_bone_health_medication",
        ),
        ("risk_cement_leakage", "forget that, how much does it cost?", "ask_follow_up", "cost"),
        (None, "the form lists pulmonary embolism. how would it happen?", "nlu_fallback", "risk_pulmonary_embolism"),
        # A short unsure turn settled by the asking words of the last answer's family.
        ("risk_stroke", "freq?", "out_of_scope", "risk_frequency"),
        ("risk_stroke", "freq?", "nlu_fallback", "risk_frequency"),
        # A possessive names the treatment as plainly as "the risks of kyphoplasty".
        ("risks_overview", "ok so what are kyphoplasty's risks then", "ask_kyphoplasty", "other_treatments_details"),
        # "Meaning?" asks for the last answer again; "dat" is "that".
        ("risk_pulmonary_embolism", "meaning?", "out_of_scope", "risk_pulmonary_embolism"),
        ("alt_kyphoplasty", "risks of dat?", "ask_risks", "other_treatments_details"),
        # Only the last question of a longer message asks if it holds for vertebroplasty too.
        (
            "alt_kyphoplasty",
            "it brings back the height of the bone? is that true of vertebroplasty as well?",
            "ask_what_is_vertebroplasty",
            "compare_kyphoplasty",
        ),
        # Vertebroplasty set aside in the story: "it" is the other treatment.
        (
            None,
            "My husband is booked for kyphoplasty, not vertebroplasty. What is it exactly?",
            "ask_what_is_vertebroplasty",
            "alt_kyphoplasty",
        ),
    ],
)
def test_a_follow_up_resolves_against_the_last_answer(
    service: KnowledgeService, last: str | None, text: str, intent: str, expected: str
) -> None:
    question = Question(intent=intent, ranking=[intent], entity_phrases=_terms(text), text=text)
    context = Context(last_entry=last, shown=(last,)) if last else Context()
    resolution = decide(service, question, context, prep_step=None)
    if isinstance(resolution, Answer):
        assert resolution.entry.id == expected
    elif isinstance(resolution, Clarification):
        assert "|".join(e.id for e in resolution.candidates) == expected
    else:
        assert isinstance(resolution, NotCovered) and resolution.topic is not None
        assert resolution.topic.id == expected


def _terms(text: str) -> list[str]:
    """The phrases the entity ruler would find in these test messages."""
    return [w for w in ("vertebroplasty", "kyphoplasty", "pills", "pulmonary embolism") if w in text]


def test_a_short_unsure_turn_outside_the_family_of_its_words_is_not_settled_by_them(service: KnowledgeService) -> None:
    # "Freq?" after a study asks nothing the studies' family answers: the frequency entry is not forced on it.
    question = Question(intent="out_of_scope", ranking=["out_of_scope"], confidences=[0.5], text="freq?")
    resolution = decide(service, question, Context(last_entry="evidence_nejm_2009"), prep_step=None)
    assert isinstance(resolution, NotCovered)
    # A longer message is a question of its own, not a short turn.
    longer = Question(
        intent="out_of_scope", ranking=["out_of_scope"], confidences=[0.5], text="what is the freq of rain here?"
    )
    assert isinstance(decide(service, longer, Context(last_entry="risk_stroke"), prep_step=None), NotCovered)
