"""Choosing and filling the responses for answers and clarifications."""

from __future__ import annotations

import json

import pytest

from actions.presenter import answer_messages, clarification_messages
from knowledge.payloads import entry_payload
from knowledge.service import Answer, Clarification, KnowledgeService, Question


def stroke_answer(service: KnowledgeService) -> Answer:
    answer = service.for_intent(Question(intent="ask_risk_stroke"))
    assert isinstance(answer, Answer)
    return answer


def test_a_comparison_is_asked_for_with_its_treatment(service: KnowledgeService) -> None:
    entry = service.catalog().get("compare_kyphoplasty")
    intent, _, entities = entry_payload(entry).partition("{")
    assert intent == "/ask_how_different"
    assert json.loads("{" + entities) == {"treatment": "kyphoplasty"}


def test_web_channels_get_the_citation_payload_and_buttons(service: KnowledgeService) -> None:
    answer, _, suggestions = answer_messages(stroke_answer(service), "socketio")
    assert answer["json_message"] == {"kb_entry": "risk_stroke", "source": answer["source"], "reviewed": "2026-12-02"}
    assert [b["title"] for b in suggestions["buttons"]] == [e.title for e in stroke_answer(service).suggestions]


def test_other_channels_get_no_raw_json_and_the_review_date_for_their_source_line(service: KnowledgeService) -> None:
    answer, *_ = answer_messages(stroke_answer(service), "telegram")
    assert "json_message" not in answer
    assert answer["reviewed"] == "2 December 2026"


def test_every_answer_carries_its_entrys_own_review_date(service: KnowledgeService) -> None:
    for entry in service.catalog().entries:
        if not entry.intent:
            continue
        answer = service.for_intent(Question(intent=entry.intent))
        assert isinstance(answer, Answer)
        (first, *_) = answer_messages(answer, "rest")
        assert first["json_message"]["reviewed"] == answer.entry.reviewed.isoformat()


def test_clarifying_without_candidates_offers_the_topics() -> None:
    assert clarification_messages(Clarification(()), "rest") == [{"response": "utter_clarify_topics"}]


def test_clarifying_what_the_article_may_not_cover_says_so(service: KnowledgeService) -> None:
    entries = (service.catalog().get("risks_overview"), service.catalog().get("what_is_vertebroplasty"))
    (message,) = clarification_messages(Clarification(entries, maybe_not_covered=True), "rest")
    assert message["response"] == "utter_clarify_maybe_not_covered"
    assert [b["payload"] for b in message["buttons"]] == ["/ask_risks", "/ask_what_is_vertebroplasty"]


def test_clarifying_on_sms_numbers_the_choices(service: KnowledgeService) -> None:
    entries = (service.catalog().get("risk_stroke"), service.catalog().get("risk_bleeding"))
    (message,) = clarification_messages(Clarification(entries), "twilio")
    assert message["response"] == "utter_clarify_numbered"
    assert message["choices"] == f"1. {entries[0].title}\n2. {entries[1].title}"


@pytest.mark.parametrize(
    ("intent", "net"),
    [
        ("ask_risk_stroke", "utter_safety_net_emergency"),
        ("ask_risk_pulmonary_embolism", "utter_safety_net_emergency"),
        ("ask_risk_nerve_damage", "utter_safety_net_emergency"),
        ("ask_risk_bleeding", "utter_safety_net_emergency"),
        ("ask_risk_infection", "utter_safety_net_urgent"),
        ("ask_kyphoplasty", None),
        ("ask_evidence", None),
    ],
)
def test_answers_about_complications_end_with_what_to_do_if_you_have_it_now(
    service: KnowledgeService, intent: str, net: str | None
) -> None:
    answer = service.for_intent(Question(intent=intent))
    assert isinstance(answer, Answer)
    responses = [m["response"] for m in answer_messages(answer, "rest")]
    assert responses[0] == "utter_answer"
    assert [r for r in responses if r.startswith("utter_safety_net")] == ([net] if net else [])
    if net:
        assert responses[1] == net, "the safety net follows the answer, before the suggestions"
