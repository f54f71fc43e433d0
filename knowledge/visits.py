"""The question list's questions for what matters most to the patient (the values step)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from knowledge.model import Entry
from knowledge.service import VisitQuestion


def with_priority(
    questions: Sequence[VisitQuestion], entries: Iterable[Entry], priority: str | None
) -> tuple[VisitQuestion, ...]:
    """The list's questions plus those of the entries that serve `priority`, once each, in the curators' order.

    A priority only adds questions to ask the doctor; it never removes one, and nothing is recommended.
    """
    chosen = {q.entry.id for q in questions}
    if priority:
        chosen |= {e.id for e in entries if priority in e.priorities and e.visit_question}
    return tuple(VisitQuestion(e.visit_question, e) for e in entries if e.id in chosen and e.visit_question)
