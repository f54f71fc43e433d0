"""Which messaging platforms are switched on, and the credentials file Rasa starts with; no Rasa imports.

Rasa reads one credentials file and opens every channel in it, and a channel whose
variables are unset fails at start. So `bot/credentials.yml` keeps the channels that are
always on (REST and socket.io), and the launcher writes the effective file from it plus
each platform whose variables are all set. The written file refers to the variables as
`${NAME}` (Rasa substitutes them when it reads the file): no secret is ever written to disk.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Platform:
    """A messaging platform: its channel class, and the variable behind each credential key."""

    name: str
    title: str
    channel_class: str
    required: Mapping[str, str]  # credential key -> environment variable; all must be set
    optional: Mapping[str, str] = field(default_factory=dict)

    @property
    def webhook_path(self) -> str:
        """The path Rasa serves the platform's webhook at."""
        return f"/webhooks/{self.name}/webhook"

    def missing(self, env: Mapping[str, str]) -> list[str]:
        """The required variables that are unset or empty."""
        return [variable for variable in self.required.values() if not env.get(variable)]

    def credentials(self, env: Mapping[str, str]) -> dict[str, str]:
        """The channel's credentials section, naming the variables rather than holding their values."""
        keys = {**self.required, **{k: v for k, v in self.optional.items() if env.get(v)}}
        return {key: f"${{{variable}}}" for key, variable in keys.items()}


PLATFORMS = (
    Platform(
        "telegram",
        "Telegram",
        "bot.channels.messaging.GuardedTelegramInput",
        {
            "access_token": "TELEGRAM_ACCESS_TOKEN",
            "verify": "TELEGRAM_VERIFY",
            "webhook_url": "TELEGRAM_WEBHOOK_URL",
            "secret_token": "TELEGRAM_SECRET_TOKEN",
        },
    ),
    Platform(
        "slack",
        "Slack",
        "bot.channels.messaging.GuardedSlackInput",
        {"slack_token": "SLACK_TOKEN", "slack_signing_secret": "SLACK_SIGNING_SECRET"},
        {"slack_channel": "SLACK_CHANNEL"},
    ),
    Platform(
        "facebook",
        "Facebook Messenger",
        "bot.channels.messaging.GuardedFacebookInput",
        {
            "verify": "FACEBOOK_VERIFY",
            "secret": "FACEBOOK_SECRET",
            "page-access-token": "FACEBOOK_PAGE_ACCESS_TOKEN",
        },
    ),
    Platform(
        "twilio",
        "Twilio (SMS, WhatsApp)",
        "bot.channels.messaging.GuardedTwilioInput",
        {
            "account_sid": "TWILIO_ACCOUNT_SID",
            "auth_token": "TWILIO_AUTH_TOKEN",
            "twilio_number": "TWILIO_NUMBER",
            "webhook_url": "TWILIO_WEBHOOK_URL",
        },
    ),
)


def enabled_platforms(env: Mapping[str, str] | None = None) -> list[Platform]:
    """The platforms whose required variables are all set."""
    env = os.environ if env is None else env
    return [platform for platform in PLATFORMS if not platform.missing(env)]


def half_configured(env: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """Platforms with some but not all of their variables set, and what each lacks."""
    env = os.environ if env is None else env
    return {p.title: p.missing(env) for p in PLATFORMS if 0 < len(p.missing(env)) < len(p.required)}


def effective_credentials(base: Mapping[str, Any], env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The base channels plus a section for each enabled platform."""
    credentials = dict(base)
    for platform in enabled_platforms(env):
        credentials[platform.channel_class] = platform.credentials(os.environ if env is None else env)
    return credentials


def write_credentials(base_file: Path, out_file: Path, env: Mapping[str, str] | None = None) -> list[Platform]:
    """Write the effective credentials file; returns the platforms it switched on."""
    base = yaml.safe_load(base_file.read_text(encoding="utf-8")) or {}
    out_file.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Written at start by ops/launcher.py from {base_file.name} and the environment; do not edit.\n"
    # Written aside and renamed, so a server starting at the same moment never reads half a file.
    partial = out_file.with_name(f".{out_file.name}.{os.getpid()}")
    partial.write_text(header + yaml.safe_dump(effective_credentials(base, env), sort_keys=False), encoding="utf-8")
    partial.replace(out_file)
    return enabled_platforms(env)
