"""The knowledge base's domain objects: plain frozen dataclasses, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

TERM_LABELS = ("treatment", "complication", "study", "condition", "body_part")


@dataclass(frozen=True)
class Entry:
    """One curated answer, written in plain words and citing a section of the article."""

    id: str
    title: str
    answer: str
    source: str
    related: tuple[str, ...]
    reviewed: dt.date
    intent: str | None = None
    topic: str | None = None
    compares: str | None = None
    broader: str | None = None


@dataclass(frozen=True)
class Term:
    """A thing patients name (a treatment, a complication, a study...) with its lay synonyms."""

    id: str
    label: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeSource:
    """Everything the curators wrote: entries in their order and the vocabulary."""

    entries: tuple[Entry, ...]
    terms: tuple[Term, ...] = field(default_factory=tuple)
