"""Telegram webhooks: updates with the secret-token header reach the assistant, others never do."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import User
from sanic import Sanic

from bot.channels.messaging import GuardedTelegramInput, GuardedTelegramOutput, register_telegram_webhook
from knowledge.source import long_date
from tests.bot.channels.conftest import (
    ANSWERED_ENTRY,
    EMERGENCY_TEXT,
    RED_FLAG,
    AppFactory,
    FakeAssistant,
    domain_buttons,
)

SECRET = "tg-secret-token_123"  # noqa: S105
BOT_TOKEN = "123456789:AAEexampleexampleexampleexample"  # noqa: S105
BOT_USERNAME = "vertebro_guide_bot"
CHAT_ID = 987654321
PATIENT = {"id": CHAT_ID, "is_bot": False, "first_name": "Pat", "language_code": "en"}


def text_update(text: str, update_id: int = 500000001) -> dict[str, Any]:
    """An Update as Telegram posts it when the patient sends a text message."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": 41,
            "from": PATIENT,
            "chat": {"id": CHAT_ID, "first_name": "Pat", "type": "private"},
            "date": 1764000000,
            "text": text,
        },
    }


def button_update(data: str) -> dict[str, Any]:
    """An Update as Telegram posts it when the patient taps an inline-keyboard button."""
    return {
        "update_id": 500000002,
        "callback_query": {
            "id": "4382bfdwdsb323b2d9",
            "from": PATIENT,
            "message": {
                "message_id": 42,
                "from": {"id": 123456789, "is_bot": True, "first_name": "Guide", "username": BOT_USERNAME},
                "chat": {"id": CHAT_ID, "first_name": "Pat", "type": "private"},
                "date": 1764000001,
                "text": "You could also ask:",
            },
            "chat_instance": "-5734218795432101111",
            "data": data,
        },
    }


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What would have gone to the Bot API's sendMessage (nothing leaves the process)."""
    calls: list[dict[str, Any]] = []

    async def send_message(self: Bot, chat_id: Any, text: str, **kwargs: Any) -> None:
        markup = kwargs.get("reply_markup")
        calls.append({"chat_id": chat_id, "text": text, "reply_markup": markup.to_python() if markup else None})

    async def get_me(self: Bot) -> User:
        calls.append({"get_me": True})
        return User(id=123456789, is_bot=True, first_name="Guide", username=BOT_USERNAME)

    async def answer_callback_query(self: Bot, callback_query_id: str, **kwargs: Any) -> bool:
        calls.append({"answered": callback_query_id})
        return True

    monkeypatch.setattr(GuardedTelegramOutput, "send_message", send_message)
    monkeypatch.setattr(GuardedTelegramOutput, "answer_callback_query", answer_callback_query)
    monkeypatch.setattr(Bot, "get_me", get_me)
    return calls


def replies(sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages sent, without the bot's look-up of its own account."""
    return [call for call in sent if "text" in call]


@pytest.fixture
def app(webhook_app: AppFactory, assistant: FakeAssistant, sent: list[dict[str, Any]]) -> Sanic:
    channel = GuardedTelegramInput(
        BOT_TOKEN,
        BOT_USERNAME,
        "https://clinic.example.org/webhooks/telegram/webhook",
        secret_token=SECRET,
        register_webhook=False,
    )
    return webhook_app(channel, assistant)


async def post(app: Sanic, update: dict[str, Any], secret: str | None = SECRET) -> Any:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    _, response = await app.asgi_client.post("/webhooks/telegram/webhook", json=update, headers=headers)
    return response


async def test_an_update_with_the_secret_gets_the_answer_with_a_source_line_and_a_keyboard(
    app: Sanic, assistant: FakeAssistant, sent: list[dict[str, Any]]
) -> None:
    response = await post(app, text_update("can the cement leak?"))

    assert response.status == 200
    assert assistant.texts == ["can the cement leak?"]
    assert assistant.received[0].input_channel == "telegram"
    entry = assistant.entries[ANSWERED_ENTRY]
    answer, suggestions = replies(sent)
    assert answer["chat_id"] == str(CHAT_ID)
    assert answer["text"].endswith(
        f'Source: the article\'s section "{entry.source}". Last reviewed: {long_date(entry.reviewed)}.'
    )
    assert answer["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Helpful", "callback_data": "/feedback_helpful"}],
            [{"text": "Not helpful", "callback_data": "/feedback_not_helpful"}],
        ]
    }
    rows = suggestions["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in rows] == [assistant.entries[r].title for r in entry.related]
    assert all(len(row) == 1 for row in rows)
    assert not any(m["text"].lstrip().startswith("{") or "kb_entry" in m["text"] for m in replies(sent))


async def test_a_tapped_button_sends_its_payload(
    app: Sanic, assistant: FakeAssistant, sent: list[dict[str, Any]]
) -> None:
    await post(app, text_update("can the cement leak?"))
    payload = domain_buttons("utter_help")[0]["payload"]
    response = await post(app, button_update(payload))
    assert response.status == 200
    assert assistant.texts == ["can the cement leak?", payload]
    assert sent.count({"get_me": True}) == 1, "the bot's own account is asked for once, not per update"
    assert {"answered": "4382bfdwdsb323b2d9"} in sent, "the tapped button stops showing as loading"


async def test_the_emergency_reply_reaches_the_patient_as_text_and_no_json(
    app: Sanic, assistant: FakeAssistant, sent: list[dict[str, Any]]
) -> None:
    await post(app, text_update(RED_FLAG))
    assert [m["text"][: len(EMERGENCY_TEXT)] for m in replies(sent)] == [EMERGENCY_TEXT]
    assert "safety" not in json.dumps(sent)


@pytest.mark.parametrize("secret", [None, "", "tg-secret-token_124", SECRET.upper()])
async def test_an_update_without_the_right_secret_is_refused_and_reaches_nothing(
    app: Sanic,
    assistant: FakeAssistant,
    sent: list[dict[str, Any]],
    secret: str | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    response = await post(app, text_update("my secret symptoms"), secret=secret)
    assert response.status == 403
    assert assistant.received == []
    assert sent == []
    assert "secret symptoms" not in caplog.text
    assert "refused a telegram webhook" in caplog.text


async def test_the_webhook_cannot_be_re_registered_over_http(app: Sanic, sent: list[dict[str, Any]]) -> None:
    for method in ("get", "post"):
        _, response = await getattr(app.asgi_client, method)(
            "/webhooks/telegram/set_webhook", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert response.status == 403


async def test_the_webhook_is_registered_with_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    async def request(self: Bot, method: str, data: dict[str, Any] | None = None, **kwargs: Any) -> bool:
        calls.append((method, dict(data or {})))
        return True

    monkeypatch.setattr(Bot, "request", request)
    await register_telegram_webhook(BOT_TOKEN, "https://clinic.example.org/webhooks/telegram/webhook", SECRET)
    assert calls == [
        ("setWebhook", {"url": "https://clinic.example.org/webhooks/telegram/webhook", "secret_token": SECRET})
    ]


def test_the_channel_reads_its_credentials_section() -> None:
    channel = GuardedTelegramInput.from_credentials(
        {"access_token": BOT_TOKEN, "verify": BOT_USERNAME, "webhook_url": "https://x/y", "secret_token": SECRET}
    )
    assert (channel.access_token, channel.verify, channel.secret_token) == (BOT_TOKEN, BOT_USERNAME, SECRET)
    assert channel.register_webhook
