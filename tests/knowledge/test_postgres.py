"""The knowledge base and the feedback store in a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from knowledge.errors import KnowledgeUnavailable
from knowledge.feedback import REASON_OUT_OF_SCOPE, FeedbackStore
from knowledge.model import KnowledgeSource
from knowledge.repository import SqlRepository
from knowledge.service import Answer, KnowledgeService, Question
from tests.services import fresh_database, setting


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_database("kb") as url:
        yield url


@pytest.fixture
def pg_repository(pg_url: str, source: KnowledgeSource) -> Iterator[SqlRepository]:
    repository = SqlRepository(pg_url)
    assert repository.replace(source) is True
    yield repository
    repository.dispose()


def test_a_database_built_in_postgres_holds_exactly_the_source(
    pg_repository: SqlRepository, source: KnowledgeSource
) -> None:
    assert pg_repository.load() == source


def test_building_twice_in_postgres_changes_nothing(pg_repository: SqlRepository, source: KnowledgeSource) -> None:
    version = pg_repository.version()
    assert pg_repository.replace(source) is False
    assert pg_repository.version() == version


def test_the_service_over_postgres_answers_and_sees_a_rebuild(
    pg_repository: SqlRepository, source: KnowledgeSource
) -> None:
    service = KnowledgeService(pg_repository)
    answer = service.for_intent(Question(intent="ask_risk_stroke"))
    assert isinstance(answer, Answer) and answer.entry.id == "risk_stroke"
    edited = tuple(
        dataclasses.replace(e, answer="Changed. Text.") if e.id == "risk_stroke" else e for e in source.entries
    )
    assert pg_repository.replace(dataclasses.replace(source, entries=edited)) is True
    assert service.catalog().get("risk_stroke").answer == "Changed. Text."


def test_feedback_and_unanswered_counts_are_stored_in_postgres(
    pg_repository: SqlRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KEEP_UNANSWERED_TEXT", raising=False)
    store = FeedbackStore(pg_repository, clock=lambda: dt.datetime(2026, 11, 1, 12, 0))
    store.record_feedback("risk_stroke", helpful=False)
    store.record_feedback("risk_stroke", helpful=False)
    store.record_feedback("risk_stroke", helpful=True)
    store.record_unanswered(REASON_OUT_OF_SCOPE, "what is the weather")
    report = FeedbackStore(SqlRepository(str(pg_repository.engine.url))).report()
    assert [(v.entry_id, v.not_helpful, v.helpful) for v in report.entries] == [("risk_stroke", 2, 1)]
    assert [(u.day, u.reason, u.count) for u in report.unanswered] == [(dt.date(2026, 11, 1), REASON_OUT_OF_SCOPE, 1)]
    assert report.examples == (), "the text is not kept unless the operator allows it"


def test_an_unreachable_postgres_is_reported_as_unavailable() -> None:
    setting("TEST_DATABASE_URL")
    repository = SqlRepository("postgresql://postgres@127.0.0.1:1/knowledge")
    with pytest.raises(KnowledgeUnavailable):
        repository.version()
