"""Facebook Messenger webhooks: signed events reach the assistant, a bad signature gets 403."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

import pytest
from fbmessenger import MessengerClient
from sanic import Sanic

from actions.presenter import entry_payload
from bot.channels.messaging import GuardedFacebookInput
from knowledge.source import long_date
from tests.bot.channels.conftest import (
    ANSWERED_ENTRY,
    EMERGENCY_TEXT,
    RED_FLAG,
    AppFactory,
    FakeAssistant,
    domain_buttons,
    entry_titles,
)

APP_SECRET = "fb-app-secret-0123456789"  # noqa: S105
VERIFY_TOKEN = "fb-verify-token"  # noqa: S105
PAGE = "106123456789012"
PATIENT = "6012345678901234"


def message_event(text: str, quick_reply: str | None = None) -> dict[str, Any]:
    """A page webhook as Meta posts it when the patient sends a message (or taps a quick reply)."""
    message: dict[str, Any] = {
        "mid": "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P",
        "text": text,
    }
    if quick_reply is not None:
        message["quick_reply"] = {"payload": quick_reply}
    return {
        "object": "page",
        "entry": [
            {
                "id": PAGE,
                "time": 1764000000123,
                "messaging": [
                    {
                        "sender": {"id": PATIENT},
                        "recipient": {"id": PAGE},
                        "timestamp": 1764000000000,
                        "message": message,
                    }
                ],
            }
        ],
    }


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    """Both of Meta's signature headers for this body."""
    return {
        "content-type": "application/json",
        "X-Hub-Signature": "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest(),
        "X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
    }


class RecordingSession:
    """Stands in for the requests session of fbmessenger's client: records each Send API call."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def post(self, url: str, params: dict[str, Any], json: dict[str, Any], timeout: Any = None) -> Any:
        assert url.endswith("/me/messages")
        self.bodies.append(json)
        return self

    def json(self) -> dict[str, Any]:
        return {"recipient_id": PATIENT, "message_id": "m_sent"}

    @property
    def sent(self) -> list[dict[str, Any]]:
        """The messages, each with its recipient."""
        return [{"recipient": b["recipient"]["id"], **b["message"]} for b in self.bodies if "message" in b]

    @property
    def actions(self) -> list[str]:
        return [b["sender_action"] for b in self.bodies if "sender_action" in b]


@pytest.fixture
def client() -> RecordingSession:
    return RecordingSession()


@pytest.fixture
def app(webhook_app: AppFactory, assistant: FakeAssistant, client: RecordingSession) -> Sanic:
    channel = GuardedFacebookInput.from_credentials(
        {"verify": VERIFY_TOKEN, "secret": APP_SECRET, "page-access-token": "EAAtest"}
    )
    assert isinstance(channel, GuardedFacebookInput)
    channel.client_factory = lambda token: MessengerClient(token, session=client)
    return webhook_app(channel, assistant)


async def post(app: Sanic, event: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    body = json.dumps(event).encode()
    _, response = await app.asgi_client.post(
        "/webhooks/facebook/webhook", content=body, headers=signed(body) if headers is None else headers
    )
    return response


async def test_a_signed_message_gets_the_answer_with_a_source_line_and_choices_that_fit(
    app: Sanic, assistant: FakeAssistant, client: RecordingSession
) -> None:
    response = await post(app, message_event("can the cement leak?"))

    assert response.status == 200
    assert assistant.texts == ["can the cement leak?"]
    assert assistant.received[0].input_channel == "facebook"
    entry = assistant.entries[ANSWERED_ENTRY]
    answer, suggestions = client.sent
    assert answer["recipient"] == PATIENT
    assert answer["text"].endswith(
        f'Source: the article\'s section "{entry.source}". Last reviewed: {long_date(entry.reviewed)}.'
    )
    # Short titles fit Messenger's quick replies (20 characters at most) ...
    assert answer["quick_replies"] == [
        {"content_type": "text", "title": "Helpful", "payload": "/feedback_helpful"},
        {"content_type": "text", "title": "Not helpful", "payload": "/feedback_not_helpful"},
    ]
    # ... questions do not, so they come as numbered choices.
    numbered = "\n".join(f"{n}. {title}" for n, title in enumerate(entry_titles(assistant), 1))
    assert suggestions["text"] == f"You could also ask:\n{numbered}\nReply with a number."
    assert client.actions == ["mark_seen", "typing_on", "typing_off"]
    assert "kb_entry" not in json.dumps(client.sent)


async def test_a_number_chooses_the_question_and_a_quick_reply_sends_its_payload(
    app: Sanic, assistant: FakeAssistant, client: RecordingSession
) -> None:
    await post(app, message_event("can the cement leak?"))
    await post(app, message_event("2"))
    entry = assistant.entries[ANSWERED_ENTRY]
    chosen = assistant.entries[entry.related[1]]
    assert assistant.texts[1] == entry_payload(chosen)

    await post(app, message_event("Helpful", quick_reply="/feedback_helpful"))
    assert assistant.texts[2] == "/feedback_helpful"


async def test_a_long_list_of_buttons_becomes_numbered_choices(
    app: Sanic, assistant: FakeAssistant, client: RecordingSession
) -> None:
    await post(app, message_event("help"))
    buttons = domain_buttons("utter_help")
    numbered = "\n".join(f"{n}. {b['title']}" for n, b in enumerate(buttons, 1))
    assert client.sent[-1]["text"].endswith(f"{numbered}\nReply with a number.")
    await post(app, message_event("4"))
    assert assistant.texts[-1] == buttons[3]["payload"]


async def test_the_emergency_reply_reaches_the_patient_as_text_and_no_json(
    app: Sanic, client: RecordingSession
) -> None:
    await post(app, message_event(RED_FLAG))
    assert [m["text"][: len(EMERGENCY_TEXT)] for m in client.sent] == [EMERGENCY_TEXT]
    assert "safety" not in json.dumps(client.sent)


def _forged(body: bytes) -> dict[str, str]:
    return signed(body, secret="not-the-app-secret")  # noqa: S106


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda body: {"content-type": "application/json"}, id="unsigned"),
        pytest.param(_forged, id="wrong-secret"),
        pytest.param(
            lambda body: {**signed(body), "X-Hub-Signature-256": _forged(body)["X-Hub-Signature-256"]}, id="bad-256"
        ),
        pytest.param(
            lambda body: {
                "content-type": "application/json",
                "X-Hub-Signature": "md5=" + hmac.new(APP_SECRET.encode(), body, hashlib.md5).hexdigest(),
            },
            id="md5",
        ),
    ],
)
async def test_a_request_with_a_bad_signature_gets_403_and_reaches_nothing(
    app: Sanic,
    assistant: FakeAssistant,
    client: RecordingSession,
    headers: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    body = json.dumps(message_event("my secret symptoms")).encode()
    _, response = await app.asgi_client.post("/webhooks/facebook/webhook", content=body, headers=headers(body))
    assert response.status == 403
    assert assistant.received == []
    assert client.sent == [] and client.actions == []
    assert "secret symptoms" not in caplog.text


async def test_the_subscription_check_answers_only_the_right_verify_token(app: Sanic) -> None:
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY_TOKEN}
    _, response = await app.asgi_client.get("/webhooks/facebook/webhook", params=query)
    assert (response.status, response.text) == (200, "1158201444")
    _, response = await app.asgi_client.get("/webhooks/facebook/webhook", params={**query, "hub.verify_token": "guess"})
    assert response.status == 403
