"""Deletes conversation history older than N days: `python -m ops.retention --days N` (`make retention`).

- Conversation events in the SQL tracker store (`TRACKER_STORE_URL`, Rasa's `events` table)
  older than the cut-off are deleted. A conversation still going on keeps its recent events.
  With Rasa's in-memory tracker store (no `TRACKER_STORE_URL`) nothing outlives the server.
- Unanswered messages whose text was kept (`KEEP_UNANSWERED_TEXT`) lose the text after the
  cut-off; the counts per day stay for the curators.
- Feedback verdicts are kept: an entry id and a time, nothing a patient wrote.

Schedule it daily (cron, a Kubernetes CronJob); it is safe to run while the servers run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, create_engine, delete, inspect, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from knowledge import settings as knowledge_settings
from knowledge.db import UnansweredRow
from ops import settings

# Rasa's SQLTrackerStore table, only the columns this needs.
EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("timestamp", Float),
)


@dataclass(frozen=True)
class Purged:
    """What one run removed."""

    events: int
    unanswered_texts: int


def purge_events(tracker_store_url: str, before: float) -> int:
    """Delete the tracker store's events older than `before` (a Unix time); the number deleted."""
    engine = create_engine(tracker_store_url, future=True, poolclass=NullPool)
    try:
        if not inspect(engine).has_table(EVENTS.name):
            return 0
        with engine.begin() as connection:
            return int(connection.execute(delete(EVENTS).where(EVENTS.c.timestamp < before)).rowcount)
    finally:
        engine.dispose()


def clear_unanswered_texts(database_url: str, before: dt.date) -> int:
    """Blank the kept text of unanswered messages from before `before`; the number cleared."""
    engine = create_engine(database_url, future=True, poolclass=NullPool)
    table = UnansweredRow.__table__
    try:
        if not inspect(engine).has_table(table.name):
            return 0
        statement = update(table).where(table.c.day < before, table.c.text.is_not(None)).values(text=None)
        with engine.begin() as connection:
            return int(connection.execute(statement).rowcount)
    finally:
        engine.dispose()


def purge(days: int, now: float | None = None) -> Purged:
    """Apply the retention period to the tracker store and the knowledge database."""
    if days < 1:
        raise ValueError("keep at least one day")
    cutoff = (time.time() if now is None else now) - days * 86400
    tracker_store_url = settings.current().tracker_store_url
    return Purged(
        events=purge_events(tracker_store_url, cutoff) if tracker_store_url else 0,
        unanswered_texts=clear_unanswered_texts(
            knowledge_settings.current().database_url, dt.datetime.fromtimestamp(cutoff, dt.timezone.utc).date()
        ),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run once and say how much was removed."""
    parser = argparse.ArgumentParser(prog="python -m ops.retention", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--days", type=int, default=None, help=f"days to keep (RETENTION_DAYS, {settings.DEFAULT_RETENTION_DAYS})"
    )
    args = parser.parse_args(argv)
    days = args.days if args.days is not None else settings.current().retention_days
    try:
        purged = purge(days)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"error: cannot reach a database ({type(error).__name__})", file=sys.stderr)
        return 1
    store = "the SQL tracker store" if settings.current().tracker_store_url else "no SQL tracker store"
    print(
        f"kept {days} days: deleted {purged.events} conversation events ({store}), "
        f"cleared {purged.unanswered_texts} unanswered message texts"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
