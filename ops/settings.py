"""The processes' settings: one typed object, read from the environment when asked for."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_RETENTION_DAYS = 30


@dataclass(frozen=True)
class Ports:
    """Where the servers listen, on the loopback interface by default."""

    rasa: int = 5005
    actions: int = 5055
    host: str = "127.0.0.1"
    web: int = 8080

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server."""
        return f"http://{self.host}:{self.rasa}"

    @property
    def actions_url(self) -> str:
        """Base URL of the action server."""
        return f"http://{self.host}:{self.actions}"

    @property
    def web_url(self) -> str:
        """Base URL of the web server (widget demo page and kiosk)."""
        return f"http://{self.host}:{self.web}"


@dataclass(frozen=True)
class Settings:
    """Where the servers listen, and how long conversations are kept.

    Attributes:
        ports: `RASA_PORT`, `ACTION_PORT`, `BIND_HOST` and `WEB_PORT`.
        retention_days: days of conversation history to keep (`RETENTION_DAYS`, 30).
        tracker_store_url: the SQL tracker store (`TRACKER_STORE_URL`); empty for Rasa's in-memory one.
    """

    ports: Ports = field(default_factory=Ports)
    retention_days: int = DEFAULT_RETENTION_DAYS
    tracker_store_url: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings in `env` (this process's environment by default)."""
        env = os.environ if env is None else env

        def value(name: str) -> str:
            return env.get(name, "").strip()

        return cls(
            ports=Ports(
                rasa=int(value("RASA_PORT") or Ports.rasa),
                actions=int(value("ACTION_PORT") or Ports.actions),
                host=value("BIND_HOST") or Ports.host,
                web=int(value("WEB_PORT") or Ports.web),
            ),
            retention_days=int(value("RETENTION_DAYS") or DEFAULT_RETENTION_DAYS),
            tracker_store_url=value("TRACKER_STORE_URL"),
        )


def current() -> Settings:
    """The settings as the environment says now."""
    return Settings.from_env()
