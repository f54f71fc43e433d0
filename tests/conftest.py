"""Shared fixtures: the curated source, a service over it, and Rasa-shaped trackers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge import settings
from knowledge.model import KnowledgeSource
from knowledge.repository import InMemoryRepository, SqlRepository
from knowledge.service import KnowledgeService
from knowledge.source import load_default_source

# Shared conversation walks assert inside; let pytest explain their failures as in a test.
pytest.register_assert_rewrite("tests.e2e.flows")

ROOT = settings.REPO_ROOT


@pytest.fixture(scope="session")
def source() -> KnowledgeSource:
    """The knowledge base the curators wrote."""
    return load_default_source()


@pytest.fixture
def service(source: KnowledgeSource) -> KnowledgeService:
    """The retrieval service over an in-memory copy of the knowledge base."""
    return KnowledgeService(InMemoryRepository(source))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database file of this test's own."""
    return f"sqlite:///{tmp_path / 'knowledge.db'}"


@pytest.fixture
def built_repository(sqlite_url: str, source: KnowledgeSource) -> SqlRepository:
    """A SQL repository whose database was built from the curated source."""
    repository = SqlRepository(sqlite_url)
    repository.replace(source)
    yield repository
    repository.dispose()


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The assistant's domain, as the action server receives it."""
    return yaml.safe_load((ROOT / "bot" / "domain.yml").read_text())


@pytest.fixture
def make_tracker() -> Callable[..., Any]:
    """Builds a rasa_sdk Tracker for a parsed message and slots."""
    from rasa_sdk import Tracker

    def build(
        intent: str,
        text: str = "",
        entities: list[dict[str, Any]] | None = None,
        ranking: list[tuple[str, float]] | None = None,
        slots: dict[str, Any] | None = None,
        channel: str = "rest",
        first_reply: bool = False,
    ) -> Tracker:
        ranking = ranking or [(intent, 0.95)]
        message = {
            "intent": {"name": intent, "confidence": ranking[0][1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
            "entities": entities or [],
            "text": text,
        }
        events: list[dict[str, Any]] = [{"event": "session_started"}]
        if not first_reply:
            events.append({"event": "bot", "text": "an earlier reply"})
        events.append({"event": "user", "text": text, "parse_data": message, "input_channel": channel})
        return Tracker("patient-1", slots or {}, message, events, False, None, {}, "action_listen")

    return build
