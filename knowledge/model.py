"""The knowledge base's domain objects: plain frozen dataclasses, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

TERM_LABELS = ("treatment", "complication", "study", "condition", "body_part")
ASPECTS = ("cause",)
WORRIES = ("risks", "effectiveness", "alternatives", "diagnosis", "recent_fracture")
# At most this many readings of one thing are offered as choices: the entries a general word
# means, an ambiguous item of a list, the candidates of a clarifying question.
MAX_READINGS = 3
# What may matter most to a patient weighing the options (the question list's values step).
PRIORITIES = ("quick_relief", "avoid_procedure_risks", "avoid_medicines", "unsure")


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
    visit_question: str | None = None
    worry: str | None = None
    # What the answer names, in its order ("the second one" picks the second): each item is the
    # entry that answers it, or two or three entries when the item can mean either.
    mentions: tuple[tuple[str, ...], ...] = ()
    # What else about its topic the answer explains, so that a follow-up asking it ("why does
    # that happen?") gets this answer again; today only "cause".
    explains: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    # Words that show a question asks what this entry answers rather than its family's other
    # entries ("who" for whom to ask for a second opinion): among a broader entry and the entries
    # it is broader than, the one whose words a question's focus uses answers it.
    asks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """A thing patients name (a treatment, a complication, a study...) with its lay synonyms."""

    id: str
    label: str
    synonyms: tuple[str, ...]
    # A general word ("medicines") that can mean any of these entries: asked about, it is offered as a choice.
    means: tuple[str, ...] = ()


@dataclass(frozen=True)
class TreatmentOption:
    """One row of the side-by-side comparison of the options the article covers."""

    name: str
    entries: tuple[str, ...]
    what: str
    aim: str
    limits: str
    reviewed: dt.date


@dataclass(frozen=True)
class Article:
    """Facts about the source article the entries cite; its text is not kept in the project."""

    title: str
    sections: tuple[str, ...]
    retrieved: dt.date
    origin: str
    sha256: str
    author: str = "none given"
    published: str = "none given"
    references: str = "none"
    kind: str = ""
    research_sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnowledgeSource:
    """Everything the curators wrote: entries in their order, the vocabulary and the options."""

    entries: tuple[Entry, ...]
    terms: tuple[Term, ...] = field(default_factory=tuple)
    options: tuple[TreatmentOption, ...] = field(default_factory=tuple)
