"""SQLAlchemy tables of the knowledge base, and the engine factory.

Written in SQLAlchemy 2.0 style on 1.4 (`future=True`, `select()`), using only portable
types so that the same tables work on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text, create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base, relationship

# SQLAlchemy 1.4 ships no type information; without its mypy plugin the base is untyped.
Base: Any = declarative_base()


class EntryRow(Base):
    """One curated answer (`knowledge/entries.yml`), in the order the curators wrote them."""

    __tablename__ = "kb_entries"

    id = Column(String(64), primary_key=True)
    position = Column(Integer, nullable=False)
    title = Column(String(200), nullable=False)
    answer = Column(Text, nullable=False)
    source = Column(String(200), nullable=False)
    reviewed = Column(Date, nullable=False)
    intent = Column(String(64), unique=True)
    topic = Column(String(64), unique=True)
    compares = Column(String(64), unique=True)
    broader = Column(String(64))
    visit_question = Column(String(300))
    worry = Column(String(32))
    # The items the answer names, in order: ";" between items, " " between the entries of an item.
    mentions = Column(Text)
    explains = Column(String(100))  # space-separated aspects
    priorities = Column(String(200), nullable=False, default="")  # space-separated, in the curators' order
    asks = Column(Text)  # ";" between phrases
    related = relationship("RelatedRow", order_by="RelatedRow.position", cascade="all, delete-orphan", lazy="selectin")


class RelatedRow(Base):
    """A suggested follow-up: entry `entry_id` suggests `related_id` at `position` (0 = best)."""

    __tablename__ = "kb_related"

    entry_id = Column(String(64), ForeignKey("kb_entries.id", ondelete="CASCADE"), primary_key=True)
    position = Column(Integer, primary_key=True)
    related_id = Column(String(64), nullable=False)


class TermRow(Base):
    """A named thing patients ask about (`knowledge/terms.yml`)."""

    __tablename__ = "kb_terms"

    id = Column(String(64), primary_key=True)
    position = Column(Integer, nullable=False)
    label = Column(String(32), nullable=False)
    means = Column(String(300))  # space-separated entry ids a general word can mean
    synonyms = relationship("SynonymRow", order_by="SynonymRow.position", cascade="all, delete-orphan", lazy="selectin")


class SynonymRow(Base):
    """A lay word or spelling for a term; each synonym belongs to one term."""

    __tablename__ = "kb_synonyms"

    text = Column(String(120), primary_key=True)
    term_id = Column(String(64), ForeignKey("kb_terms.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)


class OptionRow(Base):
    """A row of the side-by-side comparison of treatment options (`knowledge/options.yml`)."""

    __tablename__ = "kb_options"

    position = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    entries = Column(String(300), nullable=False)  # space-separated entry ids the row cites
    what = Column(Text, nullable=False)
    aim = Column(Text, nullable=False)
    limits = Column(Text, nullable=False)
    reviewed = Column(Date, nullable=False)


class MetaRow(Base):
    """Facts about the stored knowledge base; `version` is the source's content hash."""

    __tablename__ = "kb_meta"

    key = Column(String(32), primary_key=True)
    value = Column(String(200), nullable=False)


def make_engine(url: str) -> Engine:
    """A 2.0-style engine that checks pooled connections before use, so a restarted database is found again."""
    return create_engine(url, future=True, pool_pre_ping=True)


class FeedbackRow(Base):
    """A patient's verdict on one answer: which entry, helpful or not, and when. Never message text."""

    __tablename__ = "kb_feedback"

    id = Column(Integer, primary_key=True, autoincrement=True)
    entry_id = Column(String(64), nullable=False, index=True)
    helpful = Column(Boolean, nullable=False)
    created_at = Column(DateTime, nullable=False)


class UnansweredRow(Base):
    """A message the assistant could not answer (fallback or out of scope), counted per day.

    `text` stays empty unless the operator allows keeping it (`KEEP_UNANSWERED_TEXT`).
    """

    __tablename__ = "kb_unanswered"

    id = Column(Integer, primary_key=True, autoincrement=True)
    day = Column(Date, nullable=False, index=True)
    reason = Column(String(32), nullable=False)
    text = Column(Text)
