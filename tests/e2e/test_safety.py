"""Red flags over the REST channel: the emergency reply comes first, with or without the action server."""

from __future__ import annotations

import uuid

import pytest

from knowledge import settings
from ops.launcher import running_assistant
from ops.settings import Ports
from tools.rest_client import Reply, free_port, send

pytestmark = pytest.mark.e2e
RED_FLAG = "I can't breathe since the procedure"


def assert_emergency_only(reply: Reply) -> None:
    assert reply.messages, "an emergency must get a reply"
    assert "emergency" in reply.texts[0].lower()
    assert reply.customs == [{"safety": "emergency"}]
    assert reply.kb_entry is None


def test_a_first_message_red_flag_gets_the_emergency_reply_before_anything_else(rasa_url: str) -> None:
    reply = send(rasa_url, f"safety-{uuid.uuid4().hex}", RED_FLAG)
    assert_emergency_only(reply)
    assert "911" in reply.texts[0]


def test_a_red_flag_mid_conversation_is_not_mixed_with_an_answer(rasa_url: str) -> None:
    sender = f"safety-{uuid.uuid4().hex}"
    assert send(rasa_url, sender, "what is kyphoplasty").kb_entry == "alt_kyphoplasty"
    assert_emergency_only(send(rasa_url, sender, "what are the risks, also my chest hurts a lot right now"))


def test_a_question_about_a_symptom_is_answered_not_escalated(rasa_url: str) -> None:
    reply = send(rasa_url, f"safety-{uuid.uuid4().hex}", "can vertebroplasty cause a stroke?")
    assert reply.customs and {"safety": "emergency"} not in reply.customs
    assert reply.kb_entry == "risk_stroke"


def test_the_emergency_reply_works_when_the_action_server_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMERGENCY_NUMBER", "112")
    ports = Ports(rasa=free_port(), actions=free_port())
    with running_assistant(ports, log_dir=settings.REPO_ROOT / "results" / "e2e-logs-no-actions", with_actions=False):
        reply = send(ports.rasa_url, f"safety-{uuid.uuid4().hex}", "my legs went numb")
        question = send(ports.rasa_url, f"safety-{uuid.uuid4().hex}", "what is kyphoplasty")
    assert_emergency_only(reply)
    assert "112" in reply.texts[0]
    assert question.texts == [
        "Sorry, I can't answer that right now. Please try again in a few minutes. "
        "If you feel very unwell, call your local emergency number."
    ]
