"""Who offers the guide and who reviewed its content for them: the clinic's settings, never made up.

The introduction ends with these sentences (`{provider}` in `utter_intro`); with neither
`CLINIC_NAME` nor `CONTENT_REVIEWED_BY` set it ends with nothing, and no name is invented.
"""

from __future__ import annotations

# The entity the NLU component adds to every message when a setting is given; it fills the slot.
PROVIDER_ENTITY = "provider"


def provider_line(clinic_name: str | None, reviewed_by: str | None) -> str:
    """The sentences the introduction adds, each after a space, or "" when neither setting is given."""
    clinic = (clinic_name or "").strip().rstrip(".")
    reviewer = (reviewed_by or "").strip().rstrip(".")
    sentences = []
    if clinic:
        sentences.append(f"This guide is offered by {clinic}.")
    if reviewer:
        sentences.append(f"Its content was reviewed for {clinic or 'the clinic'} by {reviewer}.")
    return "".join(f" {sentence}" for sentence in sentences)
