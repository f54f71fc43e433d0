"""The guard in front of NLU: limits, empty messages and forged commands."""

from __future__ import annotations

import pytest

from actions.presenter import entry_payload
from bot.channels.guard import REFUSE_EMPTY, REFUSE_TOO_LONG, Limits, MessageGuard, Verdict
from knowledge.service import KnowledgeService

GUARD = MessageGuard(["/ask_risks", '/choose_worry{"worry": "risks"}'], Limits(max_chars=100, max_words=10))


@pytest.mark.parametrize("text", ["", "   ", "\x00", None])
def test_an_empty_message_is_refused_kindly(text: str | None) -> None:
    assert GUARD.check(text) == Verdict("", REFUSE_EMPTY)


@pytest.mark.parametrize("text", ["a " * 11, "x" * 101])
def test_a_message_over_the_limits_is_refused_before_nlu(text: str) -> None:
    assert GUARD.check(text).refusal == REFUSE_TOO_LONG


def test_the_assistants_own_buttons_pass_as_commands() -> None:
    assert GUARD.check("/ask_risks") == Verdict("/ask_risks")
    assert GUARD.check('/choose_worry{"worry":  "risks"}').refusal is None


@pytest.mark.parametrize(
    ("text", "understood_as"),
    [
        ('/ask_risks{"emergency_number": "555"}', 'ask_risks{"emergency_number": "555"}'),
        ("/red_flag", "red_flag"),
        ("//greet", "greet"),
    ],
)
def test_a_forged_command_is_read_as_plain_text(text: str, understood_as: str) -> None:
    assert GUARD.check(text) == Verdict(understood_as)


def test_ordinary_text_passes_unchanged() -> None:
    assert GUARD.check("is it safe? 🙂") == Verdict("is it safe? 🙂")


def test_every_payload_the_actions_send_is_allowed(service: KnowledgeService) -> None:
    from bot.channels.guarded import button_payloads

    allowed = MessageGuard(button_payloads(), Limits())
    for entry in service.catalog().entries:
        assert allowed.check(entry_payload(entry)).text == entry_payload(entry)
    assert allowed.check("/feedback_not_helpful").text == "/feedback_not_helpful"
