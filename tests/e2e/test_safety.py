"""The safety net over the REST and socket.io channels: each level first and alone, the one-tap
question and both of its answers, long messages, Spanish, other languages, the action server down."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from knowledge import settings
from ops.launcher import Running, running_assistant
from ops.settings import Ports
from tests.e2e.sio import socketio_conversation
from tools.rest_client import Reply, free_port, send

pytestmark = pytest.mark.e2e


def say(url: str, text: str, sender: str | None = None) -> Reply:
    return send(url, sender or f"safety-{uuid.uuid4().hex}", text)


def assert_safety_only(reply: Reply, level: str) -> None:
    assert reply.messages, "a safety reply is never silence"
    assert reply.customs == [{"safety": level}], "nothing else in the same turn"
    assert reply.kb_entry is None and not reply.buttons


def test_an_emergency_report_gets_the_emergency_reply_first_and_alone(rasa_url: str) -> None:
    reply = say(rasa_url, "I can't breathe since the procedure")
    assert_safety_only(reply, "emergency")
    assert reply.texts[0].startswith("This could be an emergency. Call 911 now. Do not drive yourself.")


def test_an_urgent_report_gets_the_care_team_today_reply(rasa_url: str) -> None:
    reply = say(rasa_url, "I'm running a temperature and the needle site is red and oozing")
    assert_safety_only(reply, "urgent")
    assert "today" in reply.texts[0] and "911" in reply.texts[0]


def test_a_report_mid_conversation_is_not_mixed_with_an_answer(rasa_url: str) -> None:
    sender = f"safety-{uuid.uuid4().hex}"
    assert say(rasa_url, "what is kyphoplasty", sender).kb_entry == "alt_kyphoplasty"
    assert_safety_only(say(rasa_url, "what are the risks, also my chest hurts a lot right now", sender), "emergency")


def test_questions_denials_and_past_symptoms_are_answered_not_escalated(rasa_url: str) -> None:
    asked = say(rasa_url, "can vertebroplasty cause a stroke?")
    assert asked.safety is None and asked.kb_entry == "risk_stroke"
    assert asked.texts[-2 if asked.buttons else -1].startswith("If you have this now, call 911"), (
        "answers about a complication end with what to do if you have it now"
    )
    for text in ("I don't have chest pain, what are the risks?", "I had a fever last month but it's gone"):
        assert say(rasa_url, text).safety is None, text


def test_the_one_tap_question_then_yes_gives_the_levels_reply(rasa_url: str) -> None:
    sender = f"safety-{uuid.uuid4().hex}"
    asked = say(rasa_url, "stroke?", sender)
    assert asked.safety == "check"
    assert asked.texts == ["Is this happening to you, or someone with you, now?"]
    assert [b["title"] for b in asked.buttons] == ["Yes, now", "No, I'm asking in general"]
    yes = next(b["payload"] for b in asked.buttons if b["title"] == "Yes, now")
    assert_safety_only(say(rasa_url, yes, sender), "emergency")


def test_the_one_tap_question_then_no_answers_the_question(rasa_url: str) -> None:
    sender = f"safety-{uuid.uuid4().hex}"
    asked = say(rasa_url, "stroke?", sender)
    no = next(b["payload"] for b in asked.buttons if b["title"].startswith("No"))
    answered = say(rasa_url, no, sender)
    assert answered.safety is None
    assert answered.messages, "the question is answered, or the likely questions offered"


def test_a_typed_yes_or_no_answers_the_one_tap_question(rasa_url: str) -> None:
    sender = f"safety-{uuid.uuid4().hex}"
    assert say(rasa_url, "stroke?", sender).safety == "check"
    assert_safety_only(say(rasa_url, "yes", sender), "emergency")
    sender = f"safety-{uuid.uuid4().hex}"
    assert say(rasa_url, "stroke?", sender).safety == "check"
    assert say(rasa_url, "no", sender).safety is None


def test_a_long_message_is_screened_in_full_before_the_too_long_reply(rasa_url: str) -> None:
    story = "I have been reading a lot about the procedure and I am worried about many things. " * 40
    reply = say(rasa_url, story + "Right now I have crushing chest pain and I can't breathe.")
    assert reply.safety == "emergency"
    assert reply.texts[0].startswith("This could be an emergency")
    assert reply.texts[-1].startswith("Thank you for writing this out. It is longer than I can read at once.")
    calm = say(rasa_url, story)
    assert calm.safety is None
    assert calm.texts == [
        "Thank you for writing this out. It is longer than I can read at once. Please send your main question "
        "in a few short sentences. If you feel very unwell now, call 911."
    ]


def test_a_spanish_report_is_answered_in_spanish(rasa_url: str) -> None:
    reply = say(rasa_url, "me duele mucho el pecho desde esta mañana")
    assert_safety_only(reply, "emergency")
    assert reply.texts[0].startswith("Esto puede ser una emergencia. Llame al 911 ahora.")
    assert say(rasa_url, "no tengo dolor de pecho").safety is None


def test_a_message_in_another_language_gets_the_languages_and_the_emergency_line(rasa_url: str) -> None:
    reply = say(rasa_url, "j'ai très mal à la poitrine depuis ce matin")
    assert reply.texts == [
        "Sorry, I can only read English and Spanish. Lo siento, solo leo inglés y español. "
        "If this is an emergency, call 911 now."
    ]


async def test_socketio_gets_each_level_and_the_one_tap_question(assistant: Running) -> None:
    def safety(messages: list[dict[str, Any]]) -> list[Any]:
        return [m["custom"].get("safety") for m in messages if isinstance(m.get("custom"), dict)]

    async with socketio_conversation(assistant.rasa_url) as say:
        assert safety(await say("my legs went numb an hour ago")) == ["emergency"]
        assert safety(await say("I've got a fever and chills since yesterday")) == ["urgent"]
        assert safety(await say("stroke?")) == ["check"]
        assert safety(await say("yes")) == ["emergency"]


def test_every_level_works_when_the_action_server_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMERGENCY_NUMBER", "112")
    monkeypatch.setenv("CLINIC_CONTACT", "0161 555 0100")
    ports = Ports(rasa=free_port(), actions=free_port())
    log_dir = settings.REPO_ROOT / "results" / "e2e-logs-no-actions"
    with running_assistant(ports, log_dir=log_dir, with_actions=False):
        emergency = say(ports.rasa_url, "my legs went numb")
        urgent = say(ports.rasa_url, "the wound is red and smells bad")
        sender = f"safety-{uuid.uuid4().hex}"
        asked = say(ports.rasa_url, "stroke?", sender)
        confirmed = say(ports.rasa_url, "/safety_confirm_emergency", sender)
        question = say(ports.rasa_url, "what is kyphoplasty")
    assert_safety_only(emergency, "emergency")
    assert "Call 112 now" in emergency.texts[0]
    assert_safety_only(urgent, "urgent")
    assert "your care team (0161 555 0100)" in urgent.texts[0]
    assert asked.safety == "check"
    assert_safety_only(confirmed, "emergency")
    assert question.texts == [
        "Sorry, I can't answer that right now. Please try again in a few minutes. "
        "If you feel very unwell, call your local emergency number."
    ]
