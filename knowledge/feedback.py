"""What patients tell the curators: verdicts on answers, and questions left unanswered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge import settings
from knowledge.db import Base, FeedbackRow, UnansweredRow
from knowledge.errors import KnowledgeUnavailable
from knowledge.repository import SqlRepository

MAX_TEXT = 500
REASON_FALLBACK = "fallback"
REASON_OUT_OF_SCOPE = "out_of_scope"
# Followed by ":<topic id>" of knowledge/uncovered.yml, so the curators see the counts per topic.
REASON_NOT_COVERED = "not_covered"
REASON_INSTRUCTION = "instruction"


@dataclass(frozen=True)
class EntryVerdicts:
    """How patients rated one entry."""

    entry_id: str
    not_helpful: int
    helpful: int


@dataclass(frozen=True)
class UnansweredDay:
    """How many messages went unanswered on one day, for one reason."""

    day: dt.date
    reason: str
    count: int


@dataclass(frozen=True)
class CuratorReport:
    """The entries with the most "not helpful" votes, and the unanswered counts per day."""

    entries: tuple[EntryVerdicts, ...]
    unanswered: tuple[UnansweredDay, ...]
    examples: tuple[str, ...]


class FeedbackStore:
    """Feedback and unanswered counts, in the knowledge database."""

    def __init__(self, repository: SqlRepository | None = None, clock: Callable[[], dt.datetime] | None = None) -> None:
        """Use the knowledge database (`DATABASE_URL` by default) and a clock (UTC now by default)."""
        self._repository = repository if repository is not None else SqlRepository()
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
        self._ready = False

    def record_feedback(self, entry_id: str, helpful: bool) -> None:
        """Store a verdict on an entry.

        Raises:
            KnowledgeUnavailable: the database cannot be written.
        """
        self._write(FeedbackRow(entry_id=entry_id, helpful=helpful, created_at=self._clock()))

    def record_unanswered(self, reason: str, text: str | None) -> None:
        """Count an unanswered message; its text is kept only if the operator allows it.

        Raises:
            KnowledgeUnavailable: the database cannot be written.
        """
        kept = text[:MAX_TEXT] if text and settings.current().keep_unanswered_text else None
        self._write(UnansweredRow(day=self._clock().date(), reason=reason, text=kept))

    def report(self, limit: int = 10) -> CuratorReport:
        """The curators' report.

        Raises:
            KnowledgeUnavailable: the database cannot be read.
        """
        not_helpful = func.sum(case((FeedbackRow.helpful.is_(False), 1), else_=0))
        helpful = func.sum(case((FeedbackRow.helpful.is_(True), 1), else_=0))
        verdicts = (
            select(FeedbackRow.entry_id, not_helpful, helpful)
            .group_by(FeedbackRow.entry_id)
            .order_by(not_helpful.desc(), FeedbackRow.entry_id)
            .limit(limit)
        )
        per_day = (
            select(UnansweredRow.day, UnansweredRow.reason, func.count())
            .group_by(UnansweredRow.day, UnansweredRow.reason)
            .order_by(UnansweredRow.day.desc(), UnansweredRow.reason)
        )
        examples = select(UnansweredRow.text).where(UnansweredRow.text.is_not(None)).order_by(UnansweredRow.id.desc())
        try:
            self._ensure_tables()
            with Session(self._repository.engine, future=True) as session:
                return CuratorReport(
                    entries=tuple(EntryVerdicts(e, int(n), int(h)) for e, n, h in session.execute(verdicts)),
                    unanswered=tuple(UnansweredDay(d, r, int(c)) for d, r, c in session.execute(per_day)),
                    examples=tuple(session.scalars(examples.limit(limit))),
                )
        except SQLAlchemyError as error:
            raise KnowledgeUnavailable(f"cannot read feedback: {type(error).__name__}") from error

    def _write(self, row: FeedbackRow | UnansweredRow) -> None:
        try:
            self._ensure_tables()
            with Session(self._repository.engine, future=True) as session, session.begin():
                session.add(row)
        except SQLAlchemyError as error:
            raise KnowledgeUnavailable(f"cannot store feedback: {type(error).__name__}") from error

    def _ensure_tables(self) -> None:
        if not self._ready:
            Base.metadata.create_all(self._repository.engine, tables=[FeedbackRow.__table__, UnansweredRow.__table__])
            self._ready = True


def format_report(report: CuratorReport) -> str:
    """The report as plain text for a terminal."""
    lines = ["Entries with the most 'not helpful' votes:"]
    lines += [f"  {v.entry_id:32} not helpful {v.not_helpful:4d}   helpful {v.helpful:4d}" for v in report.entries]
    if not report.entries:
        lines.append("  (no feedback yet)")
    lines += ["", "Unanswered messages per day:"]
    lines += [f"  {u.day.isoformat()}  {u.reason:14} {u.count:4d}" for u in report.unanswered]
    if not report.unanswered:
        lines.append("  (none)")
    if report.examples:
        lines += ["", "Latest unanswered messages (kept because KEEP_UNANSWERED_TEXT is on):"]
        lines += [f"  - {text}" for text in report.examples]
    return "\n".join(lines)
