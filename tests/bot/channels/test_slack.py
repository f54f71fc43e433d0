"""Slack Events API webhooks: Rasa checks the signature; the guard, buttons and no raw JSON are ours."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from sanic import Sanic

from bot.channels.messaging import GuardedSlackInput, GuardedSlackOutput
from knowledge.source import long_date
from tests.bot.channels.conftest import (
    ANSWERED_ENTRY,
    EMERGENCY_TEXT,
    RED_FLAG,
    AppFactory,
    FakeAssistant,
    domain_buttons,
)

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # noqa: S105
PATIENT = "U2147483697"
DM = "D0123456789"


def message_event(text: str) -> dict[str, Any]:
    """An Events API callback as Slack posts it for a direct message to the app."""
    return {
        "token": "XXYYZZ",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "event": {
            "client_msg_id": "5bd7cd1c-2c1a-4e7c-8e2c-5a6f4d3e2b1a",
            "type": "message",
            "text": text,
            "user": PATIENT,
            "ts": "1764000000.000100",
            "team": "T0001",
            "channel": DM,
            "event_ts": "1764000000.000100",
            "channel_type": "im",
        },
        "type": "event_callback",
        "event_id": "Ev0PV52K21",
        "event_time": 1764000000,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": "T0001",
                "user_id": "U0BOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def button_click(value: str) -> str:
    """The form body Slack posts when the patient clicks a Block Kit button."""
    payload = {
        "type": "block_actions",
        "user": {"id": PATIENT, "username": "pat", "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "XXYYZZ",
        "container": {"type": "message", "message_ts": "1764000001.000200", "channel_id": DM, "is_ephemeral": False},
        "trigger_id": "123.456.abc",
        "team": {"id": "T0001", "domain": "clinic"},
        "channel": {"id": DM, "name": "directmessage"},
        "message": {"type": "message", "ts": "1764000001.000200", "text": "You could also ask:"},
        "actions": [
            {
                "type": "button",
                "block_id": "b1",
                "action_id": "a1",
                "text": {"type": "plain_text", "text": "What are the risks?"},
                "value": value,
                "action_ts": "1764000002.000300",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def signed(body: str, content_type: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Headers with Slack's v0 signature of this body."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "content-type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What would have gone to Slack's chat.postMessage (nothing leaves the process)."""
    calls: list[dict[str, Any]] = []

    async def post_message(self: GuardedSlackOutput, channel: str, **kwargs: Any) -> None:
        calls.append({"channel": channel, **kwargs})

    monkeypatch.setattr(GuardedSlackOutput, "_post_message", post_message)
    return calls


@pytest.fixture
def channel() -> GuardedSlackInput:
    # As Rasa makes it from credentials.yml, which supplies the retry-header names too.
    channel = GuardedSlackInput.from_credentials(
        {"slack_token": "xoxb-test-token", "slack_signing_secret": SIGNING_SECRET}
    )
    assert isinstance(channel, GuardedSlackInput)
    return channel


@pytest.fixture
def app(webhook_app: AppFactory, assistant: FakeAssistant, channel: GuardedSlackInput) -> Sanic:
    return webhook_app(channel, assistant)


async def post(app: Sanic, channel: GuardedSlackInput, body: str, headers: dict[str, str]) -> Any:
    _, response = await app.asgi_client.post("/webhooks/slack/webhook", content=body, headers=headers)
    # Rasa's Slack channel answers Slack at once and handles the message in the background.
    await asyncio.gather(*channel._background_tasks)
    return response


async def test_a_signed_message_gets_the_answer_with_a_source_line_and_block_kit_buttons(
    app: Sanic, channel: GuardedSlackInput, assistant: FakeAssistant, sent: list[dict[str, Any]]
) -> None:
    body = json.dumps(message_event("can the cement leak?"))
    response = await post(app, channel, body, signed(body, "application/json"))

    assert response.status == 200
    assert assistant.texts == ["can the cement leak?"]
    assert assistant.received[0].input_channel == "slack"
    entry = assistant.entries[ANSWERED_ENTRY]
    answer, suggestions = sent
    assert answer["channel"] == DM
    assert answer["text"].endswith(
        f'Source: the article\'s section "{entry.source}". Last reviewed: {long_date(entry.reviewed)}.'
    )
    assert [e["value"] for e in answer["blocks"][1]["elements"]] == ["/feedback_helpful", "/feedback_not_helpful"]
    assert [e["text"]["text"] for e in suggestions["blocks"][1]["elements"]] == [
        assistant.entries[r].title for r in entry.related
    ]
    assert not any(m.get("text", "").lstrip().startswith("{") or "kb_entry" in json.dumps(m) for m in sent)


async def test_a_clicked_button_sends_its_payload(
    app: Sanic, channel: GuardedSlackInput, assistant: FakeAssistant, sent: list[dict[str, Any]]
) -> None:
    payload = domain_buttons("utter_help")[0]["payload"]
    body = button_click(payload)
    response = await post(app, channel, body, signed(body, "application/x-www-form-urlencoded"))
    assert response.status == 200
    assert assistant.texts == [payload]


async def test_more_buttons_than_slack_shows_become_numbered_choices(
    app: Sanic, channel: GuardedSlackInput, assistant: FakeAssistant, sent: list[dict[str, Any]]
) -> None:
    output = channel.get_output_channel(DM)
    buttons = domain_buttons("utter_ask_prep_worry") + domain_buttons("utter_help")
    await output.send_text_with_buttons(PATIENT, "What worries you most?", buttons)
    assert "blocks" not in sent[0]
    assert sent[0]["text"].startswith("What worries you most?\n1. ")
    assert sent[0]["text"].endswith(f"{len(buttons)}. {buttons[-1]['title']}\nReply with a number.")

    body = json.dumps(message_event(str(len(buttons))))
    await post(app, channel, body, signed(body, "application/json"))
    assert assistant.texts == [buttons[-1]["payload"]]


async def test_the_emergency_reply_reaches_the_patient_as_text_and_no_json(
    app: Sanic, channel: GuardedSlackInput, sent: list[dict[str, Any]]
) -> None:
    body = json.dumps(message_event(RED_FLAG))
    await post(app, channel, body, signed(body, "application/json"))
    assert [m["text"][: len(EMERGENCY_TEXT)] for m in sent] == [EMERGENCY_TEXT]
    assert "safety" not in json.dumps(sent)


async def test_the_url_verification_challenge_is_answered_when_signed(app: Sanic, channel: GuardedSlackInput) -> None:
    body = json.dumps(
        {
            "token": "XXYYZZ",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    response = await post(app, channel, body, signed(body, "application/json"))
    assert response.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.text


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda body: {"content-type": "application/json"}, id="unsigned"),
        pytest.param(lambda body: signed(body, "application/json", secret="another-secret"), id="wrong-secret"),  # noqa: S106
        pytest.param(lambda body: signed(body + " ", "application/json"), id="other-body"),
        pytest.param(lambda body: signed(body, "application/json", timestamp=int(time.time()) - 600), id="replayed"),
    ],
)
async def test_a_request_with_a_bad_signature_is_refused_and_reaches_nothing(
    app: Sanic,
    channel: GuardedSlackInput,
    assistant: FakeAssistant,
    sent: list[dict[str, Any]],
    forge: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    body = json.dumps(message_event("my secret symptoms"))
    response = await post(app, channel, body, forge(body))
    assert 400 <= response.status < 500
    assert assistant.received == []
    assert sent == []
    assert "secret symptoms" not in caplog.text
