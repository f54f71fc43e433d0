"""The action server's settings: one typed object, read from the environment when asked for."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """What the actions tell patients about the clinic.

    Attributes:
        clinic_contact: how patients reach a person at the clinic (`CLINIC_CONTACT`); None
            gives the neutral default, never an invented number.
    """

    clinic_contact: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings in `env` (this process's environment by default)."""
        env = os.environ if env is None else env
        return cls(clinic_contact=env.get("CLINIC_CONTACT", "").strip() or None)


def current() -> Settings:
    """The settings as the environment says now."""
    return Settings.from_env()
