"""The knowledge base in a real SQLite file, built and read through SQLAlchemy."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge import settings
from knowledge.errors import KnowledgeUnavailable
from knowledge.model import KnowledgeSource
from knowledge.repository import SqlRepository
from knowledge.service import KnowledgeService


def dump(url: str) -> list[str]:
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_a_built_database_holds_exactly_the_source(built_repository: SqlRepository, source: KnowledgeSource) -> None:
    assert built_repository.load() == source


def test_building_twice_gives_the_same_database(sqlite_url: str, source: KnowledgeSource) -> None:
    repository = SqlRepository(sqlite_url)
    assert repository.replace(source) is True
    first = dump(sqlite_url)
    assert repository.replace(source) is False
    assert dump(sqlite_url) == first
    repository.dispose()


def test_an_entry_removed_from_the_source_disappears(built_repository: SqlRepository, source: KnowledgeSource) -> None:
    kept = tuple(e for e in source.entries if e.id != "risk_frequency")
    kept = tuple(dataclasses.replace(e, related=tuple(r for r in e.related if r != "risk_frequency")) for e in kept)
    assert built_repository.replace(dataclasses.replace(source, entries=kept)) is True
    assert "risk_frequency" not in {e.id for e in built_repository.load().entries}


def test_the_service_sees_a_rebuild_without_restarting(
    built_repository: SqlRepository, source: KnowledgeSource
) -> None:
    service = KnowledgeService(built_repository)
    assert service.catalog().get("risk_stroke").answer != "Changed. Text."
    edited = tuple(
        dataclasses.replace(e, answer="Changed. Text.") if e.id == "risk_stroke" else e for e in source.entries
    )
    built_repository.replace(dataclasses.replace(source, entries=edited))
    assert service.catalog().get("risk_stroke").answer == "Changed. Text."


def test_a_database_that_was_never_built_is_reported_as_unavailable(tmp_path: Path) -> None:
    repository = SqlRepository(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(KnowledgeUnavailable, match="cannot read the knowledge database"):
        repository.version()


def test_an_unreachable_database_is_reported_as_unavailable(tmp_path: Path) -> None:
    repository = SqlRepository(f"sqlite:///{tmp_path / 'no-such-folder' / 'kb.db'}")
    with pytest.raises(KnowledgeUnavailable):
        repository.load()


def run_cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(settings.REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args], capture_output=True, text=True, env=env, cwd=settings.REPO_ROOT
    )


def test_the_cli_builds_then_exports_json_lines(sqlite_url: str, source: KnowledgeSource) -> None:
    assert run_cli("build", url=sqlite_url).returncode == 0
    exported = run_cli("export", url=sqlite_url)
    assert exported.returncode == 0
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [r["id"] for r in records] == [e.id for e in source.entries]
    assert set(records[0]) == {"id", "title", "answer", "source", "related"}


def test_the_cli_check_fails_on_a_broken_entry(tmp_path: Path, sqlite_url: str) -> None:
    broken = tmp_path / "entries.yml"
    text = settings.DEFAULT_ENTRIES.read_text().replace("related: [risk_bleeding,", "related: [no_such_entry,", 1)
    broken.write_text(text)
    result = run_cli("--entries", str(broken), "check", url=sqlite_url)
    assert result.returncode == 1
    assert "related id 'no_such_entry' does not exist" in result.stderr


def test_the_cli_report_lists_not_helpful_entries_and_unanswered_days(sqlite_url: str) -> None:
    from knowledge.feedback import FeedbackStore

    assert run_cli("build", url=sqlite_url).returncode == 0
    repository = SqlRepository(sqlite_url)
    store = FeedbackStore(repository)
    store.record_feedback("risk_stroke", helpful=False)
    store.record_unanswered("out_of_scope", "private words")
    repository.dispose()

    result = run_cli("report", url=sqlite_url)

    assert result.returncode == 0
    assert "risk_stroke" in result.stdout and "not helpful    1" in result.stdout
    assert "out_of_scope" in result.stdout
    assert "private words" not in result.stdout


def test_a_database_built_with_an_older_layout_is_rebuilt(sqlite_url: str, source: KnowledgeSource) -> None:
    connection = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    connection.executescript(
        "CREATE TABLE kb_entries (id VARCHAR(64) PRIMARY KEY, title VARCHAR(200));"
        "CREATE TABLE kb_meta (key VARCHAR(32) PRIMARY KEY, value VARCHAR(200) NOT NULL);"
        "INSERT INTO kb_meta VALUES ('version', 'old');"
        "CREATE TABLE kb_feedback (id INTEGER PRIMARY KEY, entry_id VARCHAR(64) NOT NULL,"
        " helpful BOOLEAN NOT NULL, created_at DATETIME NOT NULL);"
        "INSERT INTO kb_feedback VALUES (1, 'risk_stroke', 0, '2026-01-01 00:00:00');"
    )
    connection.close()
    repository = SqlRepository(sqlite_url)
    assert repository.replace(source) is True
    assert repository.load() == source
    from knowledge.feedback import FeedbackStore

    assert FeedbackStore(repository).report().entries[0].entry_id == "risk_stroke"
    repository.dispose()
