"""The written credentials file, loaded and registered the way `rasa run` does it."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from rasa.core.channels.channel import register
from rasa.core.run import create_http_input_channels
from sanic import Sanic
from twilio.request_validator import RequestValidator

from bot.channels import messaging
from bot.channels.messaging import GuardedTwilioOutput
from knowledge import settings
from ops.credentials import write_credentials
from tests.bot.channels.conftest import FakeAssistant

ENV = {
    "TELEGRAM_ACCESS_TOKEN": "123456789:AAEexampleexampleexample",
    "TELEGRAM_VERIFY": "vertebro_guide_bot",
    "TELEGRAM_WEBHOOK_URL": "https://clinic.example.org/webhooks/telegram/webhook",
    "TELEGRAM_SECRET_TOKEN": "tg-secret",
    "SLACK_TOKEN": "xoxb-test",
    "SLACK_SIGNING_SECRET": "slack-signing-secret",
    "FACEBOOK_VERIFY": "fb-verify",
    "FACEBOOK_SECRET": "fb-app-secret",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "EAAtest",
    "TWILIO_ACCOUNT_SID": "AC0123456789abcdef",
    "TWILIO_AUTH_TOKEN": "twilio-auth-token",
    "TWILIO_NUMBER": "+15559870000",
    "TWILIO_WEBHOOK_URL": "https://clinic.example.org/webhooks/twilio/webhook",
}


# pykwalify, which Rasa validates the credentials file with, loads its extensions the deprecated way.
@pytest.mark.filterwarnings("ignore:the load_module\\(\\) method is deprecated:DeprecationWarning")
# The channels' rate limiter installs itself before the server starts; Sanic's in-process
# ASGI client starts no server and says so.
@pytest.mark.filterwarnings('ignore:You have set a listener for "before_server_start" in ASGI mode:UserWarning')
def test_rasa_opens_every_platform_from_the_written_file_behind_its_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, assistant: FakeAssistant
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    registered: list[tuple[str, str, str]] = []

    async def register_webhook(access_token: str, webhook_url: str, secret_token: str) -> None:
        registered.append((access_token, webhook_url, secret_token))

    monkeypatch.setattr(messaging, "register_telegram_webhook", register_webhook)
    sent: list[dict[str, Any]] = []

    async def send(self: GuardedTwilioOutput, message_data: dict[str, Any]) -> None:
        sent.append(message_data)

    monkeypatch.setattr(GuardedTwilioOutput, "_send_message", send)

    credentials = tmp_path / "credentials.yml"
    write_credentials(settings.REPO_ROOT / "bot" / "credentials.yml", credentials)
    channels = create_http_input_channels(None, str(credentials))
    assert [c.name() for c in channels] == ["rest", "socketio", "telegram", "slack", "facebook", "twilio"]

    app = Sanic(f"loading-test-{uuid.uuid4().hex}")
    register(channels, app, route="/webhooks/")
    app.ctx.agent = SimpleNamespace(handle_message=assistant)
    assert registered == [(ENV["TELEGRAM_ACCESS_TOKEN"], ENV["TELEGRAM_WEBHOOK_URL"], "tg-secret")]
    paths = {route.path for route in app.router.routes}
    for platform in ["telegram", "slack", "facebook", "twilio", "rest"]:
        assert f"webhooks/{platform}/webhook" in paths

    async def exchange() -> tuple[int, int, int, int]:
        form = {"From": "+15551230000", "To": ENV["TWILIO_NUMBER"], "Body": "can the cement leak?"}
        signature = RequestValidator(ENV["TWILIO_AUTH_TOKEN"]).compute_signature(ENV["TWILIO_WEBHOOK_URL"], form)
        headers = {"content-type": "application/x-www-form-urlencoded"}
        _, forged = await app.asgi_client.post("/webhooks/twilio/webhook", content=urlencode(form), headers=headers)
        _, signed = await app.asgi_client.post(
            "/webhooks/twilio/webhook", content=urlencode(form), headers={**headers, "X-Twilio-Signature": signature}
        )
        _, telegram = await app.asgi_client.post("/webhooks/telegram/webhook", json={"update_id": 1})
        _, facebook = await app.asgi_client.post("/webhooks/facebook/webhook", json={"object": "page", "entry": []})
        return forged.status, signed.status, telegram.status, facebook.status

    assert asyncio.run(exchange()) == (403, 204, 403, 403)
    assert assistant.texts == ["can the cement leak?"]
    assert sent and sent[0]["to"] == "+15551230000"
