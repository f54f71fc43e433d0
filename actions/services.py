"""The action server's one knowledge service and one feedback store, sharing one database engine.

The action server makes every action with no arguments, so the actions take these by default:
one engine (one connection pool) and one catalog for the whole process, made on first use, when
`DATABASE_URL` is read. Tests pass their own service and store instead.
"""

from __future__ import annotations

from functools import cache

from knowledge.feedback import FeedbackStore
from knowledge.repository import SqlRepository
from knowledge.service import KnowledgeService


@cache
def repository() -> SqlRepository:
    """The knowledge database of this process."""
    return SqlRepository()


@cache
def knowledge() -> KnowledgeService:
    """The retrieval service of this process, with its one cached catalog."""
    return KnowledgeService(repository())


@cache
def feedback() -> FeedbackStore:
    """The feedback and unanswered-question store of this process."""
    return FeedbackStore(repository())
