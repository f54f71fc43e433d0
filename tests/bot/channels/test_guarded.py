"""The guarded callback: apology on silence, failure and timeout; the per-sender limit."""

from __future__ import annotations

import asyncio
import logging

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.guard import UTTER_UNAVAILABLE, Limits, MessageGuard
from bot.channels.guarded import guarded, response_text
from bot.channels.ratelimit import RateLimiter

GUARD = MessageGuard([], Limits())
APOLOGY = response_text(UTTER_UNAVAILABLE)


def message(text: str = "what are the risks", sender: str = "p1") -> tuple[UserMessage, CollectingOutputChannel]:
    output = CollectingOutputChannel()
    return UserMessage(text, output, sender), output


async def answers(message: UserMessage) -> None:
    await message.output_channel.send_response(message.sender_id, {"text": "an answer"})


async def test_an_answer_passes_through_without_the_apology() -> None:
    msg, output = message()
    await guarded(answers, GUARD)(msg)
    assert [m["text"] for m in output.messages] == ["an answer"]


async def test_a_failure_gets_the_apology_and_the_log_keeps_no_message_text(caplog: pytest.LogCaptureFixture) -> None:
    async def fails(message: UserMessage) -> None:
        raise ConnectionError(f"lost while handling {message.text}")

    msg, output = message("my secret words")
    with caplog.at_level(logging.INFO):
        await guarded(fails, GUARD)(msg)
    assert [m["text"] for m in output.messages] == [APOLOGY]
    assert "ConnectionError" in caplog.text
    assert "secret" not in caplog.text


async def test_a_reply_that_takes_too_long_gets_the_apology_in_time() -> None:
    async def hangs(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "the introduction"})
        await asyncio.sleep(60)

    msg, output = message()
    await asyncio.wait_for(guarded(hangs, GUARD, timeout_s=0.2)(msg), timeout=5)
    assert [m["text"] for m in output.messages][-1] == APOLOGY


async def test_a_sender_over_the_limit_gets_the_apology_without_reaching_rasa() -> None:
    limiter = RateLimiter(1)
    handle = guarded(answers, GUARD, sender_limiter=limiter)
    first, first_output = message()
    second, second_output = message()
    other, other_output = message(sender="p2")
    for msg in (first, second, other):
        await handle(msg)
    assert [m["text"] for m in first_output.messages] == ["an answer"]
    assert [m["text"] for m in second_output.messages] == [APOLOGY]
    assert [m["text"] for m in other_output.messages] == ["an answer"]
