"""The button payload that asks for an entry: made here once, for the buttons and for the allow-list.

The actions put these payloads on buttons; the Rasa server's message guard lets through as
commands only the payloads the assistant can send, and builds its list with the same function.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from knowledge.model import Entry

# The intent and entity of a comparison question ("how is kyphoplasty different?").
HOW_DIFFERENT_INTENT = "ask_how_different"
TREATMENT_ENTITY = "treatment"


def entry_payload(entry: Entry) -> str:
    """The payload that asks for this entry, exactly as a typed question would."""
    if entry.intent:
        return f"/{entry.intent}"
    return f"/{HOW_DIFFERENT_INTENT}" + json.dumps({TREATMENT_ENTITY: entry.compares})


def entry_payloads(entries: Iterable[Entry]) -> Iterator[str]:
    """The payloads of entries that can be asked for (they have an intent or compare a treatment)."""
    return (entry_payload(e) for e in entries if e.intent or e.compares)
