"""The Rasa server's settings for our plug-ins: one typed object, read from the environment when asked for."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.channels.guard import DEFAULT_MAX_CHARS, DEFAULT_MAX_WORDS, Limits
from bot.channels.ratelimit import DEFAULT_PER_ADDRESS, DEFAULT_PER_SENDER, RateLimits

DEFAULT_REPLY_TIMEOUT_S = 30.0
# Short enough to read under stress; every deployment outside the US and Canada sets its own.
DEFAULT_EMERGENCY_NUMBER = "911"


@dataclass(frozen=True)
class Settings:
    """Message limits, rate limits, how long a reply may take, the emergency number and who offers the guide.

    Attributes:
        limits: longest message, in characters and words (`MAX_MESSAGE_CHARS`, `MAX_MESSAGE_WORDS`).
        rate_limits: requests per minute per sender and per client address, 0 for none
            (`RATE_LIMIT_PER_SENDER`, `RATE_LIMIT_PER_ADDRESS`).
        reply_timeout_s: how long a reply may take before the patient gets the apology (`REPLY_TIMEOUT_S`).
        emergency_number: what the emergency reply tells people to call (`EMERGENCY_NUMBER`).
        clinic_contact: how patients reach their care team (`CLINIC_CONTACT`), for the urgent
            reply; None gives its neutral wording, never an invented number.
        clinic_name: who offers the guide (`CLINIC_NAME`), named in the introduction; None names nobody.
        content_reviewed_by: who reviewed the content for the clinic (`CONTENT_REVIEWED_BY`), named in
            the introduction; None names nobody.
    """

    limits: Limits = field(default_factory=Limits)
    rate_limits: RateLimits = field(default_factory=RateLimits)
    reply_timeout_s: float = DEFAULT_REPLY_TIMEOUT_S
    emergency_number: str = DEFAULT_EMERGENCY_NUMBER
    clinic_contact: str | None = None
    clinic_name: str | None = None
    content_reviewed_by: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings in `env` (this process's environment by default)."""
        env = os.environ if env is None else env

        def value(name: str) -> str:
            return env.get(name, "").strip()

        def count(name: str, default: int) -> int:
            return max(0, int(value(name))) if value(name) else default

        return cls(
            limits=Limits(
                max_chars=int(value("MAX_MESSAGE_CHARS") or DEFAULT_MAX_CHARS),
                max_words=int(value("MAX_MESSAGE_WORDS") or DEFAULT_MAX_WORDS),
            ),
            rate_limits=RateLimits(
                per_sender=count("RATE_LIMIT_PER_SENDER", DEFAULT_PER_SENDER),
                per_address=count("RATE_LIMIT_PER_ADDRESS", DEFAULT_PER_ADDRESS),
            ),
            reply_timeout_s=float(value("REPLY_TIMEOUT_S") or DEFAULT_REPLY_TIMEOUT_S),
            emergency_number=value("EMERGENCY_NUMBER") or DEFAULT_EMERGENCY_NUMBER,
            clinic_contact=value("CLINIC_CONTACT") or None,
            clinic_name=value("CLINIC_NAME") or None,
            content_reviewed_by=value("CONTENT_REVIEWED_BY") or None,
        )


def current() -> Settings:
    """The settings as the environment says now."""
    return Settings.from_env()
