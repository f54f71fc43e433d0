"""Retention against Rasa's real tracker-store table, in SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select
from sqlalchemy.pool import NullPool

from knowledge import settings
from knowledge.db import Base, UnansweredRow
from ops.retention import EVENTS, purge
from tests.services import fresh_database

DAY = 86400.0
NOW = time.time()


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'rasa.db'}"
    else:
        with fresh_database("retention") as url:
            yield url


def rasa_events_table(url: str, rows: list[tuple[str, float]]) -> None:
    """Rasa's own `events` table, with events of (sender, age in days)."""
    from rasa.core.tracker_store import SQLTrackerStore

    engine = create_engine(url, future=True, poolclass=NullPool)
    SQLTrackerStore.Base.metadata.create_all(engine)
    with engine.begin() as connection:
        for sender, age in rows:
            connection.execute(
                insert(SQLTrackerStore.SQLEvent.__table__).values(
                    sender_id=sender, type_name="user", timestamp=NOW - age * DAY, data="{}"
                )
            )
    engine.dispose()


def remaining(url: str) -> list[tuple[str, int]]:
    engine = create_engine(url, future=True, poolclass=NullPool)
    with engine.connect() as connection:
        rows = connection.execute(select(EVENTS.c.sender_id, EVENTS.c.timestamp).order_by(EVENTS.c.id)).all()
    engine.dispose()
    return [(sender, round((NOW - ts) / DAY)) for sender, ts in rows]


def test_events_older_than_the_period_are_deleted_and_recent_ones_kept(
    tracker_url: str, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rasa_events_table(tracker_url, [("old", 90), ("old", 31), ("both", 40), ("both", 2), ("new", 0)])
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    result = purge(30, now=NOW)
    assert result.events == 3
    assert remaining(tracker_url) == [("both", 2), ("new", 0)]
    assert purge(30, now=NOW).events == 0, "running it again removes nothing more"


def test_kept_unanswered_texts_lose_their_words_but_the_counts_stay(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(sqlite_url, future=True)
    Base.metadata.create_all(engine, tables=[UnansweredRow.__table__])
    today = dt.datetime.fromtimestamp(NOW, dt.timezone.utc).date()
    with engine.begin() as connection:
        for age, text in [(60, "an old question"), (1, "a new question"), (60, None)]:
            connection.execute(
                insert(UnansweredRow.__table__).values(day=today - dt.timedelta(days=age), reason="fallback", text=text)
            )
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert purge(30, now=NOW).unanswered_texts == 1
    with engine.connect() as connection:
        texts = connection.execute(select(UnansweredRow.text).order_by(UnansweredRow.id)).scalars().all()
    engine.dispose()
    assert texts == [None, "a new question", None]


def test_nothing_to_do_without_tables_or_a_tracker_store(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert (purge(7).events, purge(7).unanswered_texts) == (0, 0)
    with pytest.raises(ValueError, match="at least one day"):
        purge(0)


def test_make_retention_applies_retention_days(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    rasa_events_table(url, [("old", 10), ("new", 1)])
    env = {
        **os.environ,
        "TRACKER_STORE_URL": url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}",
        "RETENTION_DAYS": "5",
    }
    done = subprocess.run(
        [shutil.which("make") or "make", "-s", "retention"],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.REPO_ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "kept 5 days: deleted 1 conversation events" in done.stdout
    assert remaining(url) == [("new", 1)]


def test_an_unreachable_tracker_store_is_an_error_without_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "TRACKER_STORE_URL": "postgresql://nobody@127.0.0.1:1/rasa"}
    done = subprocess.run(
        [".venv/bin/python", "-m", "ops.retention", "--days", "3"],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.REPO_ROOT,
        timeout=120,
    )
    assert done.returncode == 1
    assert "cannot reach a database" in done.stderr
    assert "Traceback" not in done.stderr
