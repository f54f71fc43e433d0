"""The cached validation of action server replies accepts and refuses exactly what Rasa's does."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import patches

VALID: dict[str, Any] = {
    "events": [{"event": "slot", "name": "last_entry", "value": "risk_stroke"}],
    "responses": [{"response": "utter_answer", "answer": "Some words.", "buttons": [{"title": "t", "payload": "/p"}]}],
}
INVALID: list[dict[str, Any]] = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_answer_question", None)


def test_a_valid_reply_passes_both_checks(action: RemoteAction) -> None:
    assert patches._RASA_VALIDATE(action, VALID) is True
    assert patches.validate_action_result(action, VALID) is True


@pytest.mark.parametrize("reply", INVALID)
def test_an_invalid_reply_is_refused_with_rasas_own_message(action: RemoteAction, reply: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as rasa_error:
        patches._RASA_VALIDATE(action, reply)
    with pytest.raises(ValidationError) as ours:
        patches.validate_action_result(action, reply)
    assert ours.value.message == rasa_error.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_python_m_bot_installs_the_speed_up_before_rasa_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import runpy

    import rasa.__main__

    monkeypatch.setattr(RemoteAction, "_validate_action_result", patches._RASA_VALIDATE)
    seen = []
    monkeypatch.setattr(rasa.__main__, "main", lambda: seen.append(RemoteAction._validate_action_result))
    runpy.run_module("bot", run_name="__main__")
    assert seen == [patches.validate_action_result]
