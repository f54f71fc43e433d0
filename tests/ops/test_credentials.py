"""Which messaging platforms are on, and the credentials file Rasa starts with."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.utils.io import read_config_file

from knowledge import settings
from ops.credentials import PLATFORMS, effective_credentials, enabled_platforms, half_configured, write_credentials

BASE = settings.REPO_ROOT / "bot" / "credentials.yml"
TELEGRAM = {
    "TELEGRAM_ACCESS_TOKEN": "123:abc",
    "TELEGRAM_VERIFY": "vertebro_bot",
    "TELEGRAM_WEBHOOK_URL": "https://clinic.example.org/webhooks/telegram/webhook",
    "TELEGRAM_SECRET_TOKEN": "tg-secret",
}
TWILIO = {
    "TWILIO_ACCOUNT_SID": "AC123",
    "TWILIO_AUTH_TOKEN": "tw-secret",
    "TWILIO_NUMBER": "+15550001111",
    "TWILIO_WEBHOOK_URL": "https://clinic.example.org/webhooks/twilio/webhook",
}


def test_with_no_variables_only_rest_and_socketio_are_on() -> None:
    base = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    assert enabled_platforms({}) == []
    assert list(effective_credentials(base, {})) == [
        "bot.channels.rest.GuardedRestInput",
        "bot.channels.socket_io.GuardedSocketIOInput",
    ]


def test_a_platform_is_on_only_when_all_its_variables_are_set() -> None:
    env = {**TELEGRAM, **{k: v for k, v in TWILIO.items() if k != "TWILIO_WEBHOOK_URL"}}
    assert [p.name for p in enabled_platforms(env)] == ["telegram"]
    assert half_configured(env) == {"Twilio (SMS, WhatsApp)": ["TWILIO_WEBHOOK_URL"]}


# pykwalify, which Rasa validates the file with, loads its extensions the deprecated way.
@pytest.mark.filterwarnings("ignore:the load_module\\(\\) method is deprecated:DeprecationWarning")
def test_the_written_file_names_variables_and_rasa_fills_them_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**TELEGRAM, **TWILIO, "SLACK_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "sl-secret"}
    out = tmp_path / "var" / "credentials.yml"
    assert [p.name for p in write_credentials(BASE, out, env)] == ["telegram", "slack", "twilio"]
    written = out.read_text(encoding="utf-8")
    for secret in ["tg-secret", "tw-secret", "sl-secret", "xoxb-1", "123:abc"]:
        assert secret not in written
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    credentials = read_config_file(str(out))
    assert credentials["bot.channels.messaging.GuardedTelegramInput"]["secret_token"] == "tg-secret"  # noqa: S105
    assert credentials["bot.channels.messaging.GuardedTwilioInput"]["webhook_url"] == TWILIO["TWILIO_WEBHOOK_URL"]
    assert credentials["bot.channels.messaging.GuardedSlackInput"] == {
        "slack_token": "xoxb-1",
        "slack_signing_secret": "sl-secret",
    }
    assert "bot.channels.rest.GuardedRestInput" in credentials


def test_every_platform_serves_rasas_webhook_path() -> None:
    assert [p.webhook_path for p in PLATFORMS] == [
        "/webhooks/telegram/webhook",
        "/webhooks/slack/webhook",
        "/webhooks/facebook/webhook",
        "/webhooks/twilio/webhook",
    ]
