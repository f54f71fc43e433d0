"""Settings of the action server, read from the environment each time they are used."""

from __future__ import annotations

import os


def clinic_contact() -> str | None:
    """How patients reach a person at the clinic (`CLINIC_CONTACT`), or None for the neutral default."""
    return os.environ.get("CLINIC_CONTACT", "").strip() or None
