"""Where the knowledge base is stored: the SQL database, or memory for tests."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge import settings
from knowledge.db import Base, EntryRow, MetaRow, OptionRow, RelatedRow, SynonymRow, TermRow, make_engine
from knowledge.errors import KnowledgeUnavailable
from knowledge.model import Entry, KnowledgeSource, Term, TreatmentOption
from knowledge.source import content_version

VERSION_KEY = "version"
KB_TABLES = [t.__table__ for t in (EntryRow, RelatedRow, TermRow, SynonymRow, OptionRow)]


class Repository(Protocol):
    """A store of the knowledge base that the service reads."""

    def version(self) -> str:
        """The content hash of what is stored.

        Raises:
            KnowledgeUnavailable: the store cannot be read.
        """
        ...

    def load(self) -> KnowledgeSource:
        """Everything stored.

        Raises:
            KnowledgeUnavailable: the store cannot be read.
        """
        ...


class InMemoryRepository:
    """A repository over a source held in memory (tests, tools)."""

    def __init__(self, source: KnowledgeSource) -> None:
        """Hold `source`."""
        self._source = source
        self._version = content_version(source)

    def version(self) -> str:
        """The content hash of the source."""
        return self._version

    def load(self) -> KnowledgeSource:
        """The source itself."""
        return self._source


class SqlRepository:
    """The knowledge base in a SQL database reached through SQLAlchemy."""

    def __init__(self, url: str | None = None) -> None:
        """Use `url`, or `DATABASE_URL` read when first connecting."""
        self._url = url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The engine, created on first use."""
        if self._engine is None:
            self._engine = make_engine(self._url or settings.current().database_url)
        return self._engine

    def dispose(self) -> None:
        """Close every pooled connection."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def version(self) -> str:
        """The stored content hash."""
        with _reading(), Session(self.engine, future=True) as session:
            value = session.scalar(select(MetaRow.value).where(MetaRow.key == VERSION_KEY))
        if value is None:
            raise KnowledgeUnavailable("the knowledge database has not been built (python -m knowledge build)")
        return str(value)

    def load(self) -> KnowledgeSource:
        """Every entry and term, in the curators' order."""
        with _reading(), Session(self.engine, future=True) as session:
            entries = session.scalars(select(EntryRow).order_by(EntryRow.position)).all()
            terms = session.scalars(select(TermRow).order_by(TermRow.position)).all()
            options = session.scalars(select(OptionRow).order_by(OptionRow.position)).all()
            return KnowledgeSource(
                entries=tuple(_entry(row) for row in entries),
                terms=tuple(_term(row) for row in terms),
                options=tuple(_option(row) for row in options),
            )

    def replace(self, source: KnowledgeSource) -> bool:
        """Make the stored knowledge base equal to `source`, in one transaction.

        Returns:
            True if anything changed, False if it was already up to date.
        """
        _ensure_sqlite_folder(self._url or settings.current().database_url)
        version = content_version(source)
        with Session(self.engine, future=True) as session, session.begin():
            connection = session.connection()
            Base.metadata.create_all(connection, tables=[MetaRow.__table__])
            stored = session.scalar(select(MetaRow.value).where(MetaRow.key == VERSION_KEY))
            if stored == version:
                return False
            # The tables hold nothing but what the YAML says, so they are made anew: an older
            # layout never needs a migration, and the feedback tables are left alone.
            Base.metadata.drop_all(connection, tables=KB_TABLES)
            Base.metadata.create_all(connection, tables=KB_TABLES)
            session.execute(delete(MetaRow))
            session.add_all(_entry_row(position, e) for position, e in enumerate(source.entries))
            session.add_all(_term_row(position, t) for position, t in enumerate(source.terms))
            session.add_all(_option_row(position, o) for position, o in enumerate(source.options))
            session.add(MetaRow(key=VERSION_KEY, value=version))
        return True


@contextlib.contextmanager
def _reading() -> Iterator[None]:
    """Turn a database failure into the named error the callers handle, naming only its kind."""
    try:
        yield
    except SQLAlchemyError as error:
        raise KnowledgeUnavailable(
            f"cannot read the knowledge database (is it built and reachable?): {type(error).__name__}"
        ) from error


def _ensure_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)


def _entry_row(position: int, entry: Entry) -> EntryRow:
    return EntryRow(
        id=entry.id,
        position=position,
        title=entry.title,
        answer=entry.answer,
        source=entry.source,
        reviewed=entry.reviewed,
        intent=entry.intent,
        topic=entry.topic,
        compares=entry.compares,
        broader=entry.broader,
        visit_question=entry.visit_question,
        worry=entry.worry,
        mentions=";".join(" ".join(item) for item in entry.mentions) or None,
        explains=" ".join(entry.explains) or None,
        priorities=" ".join(entry.priorities),
        asks=";".join(entry.asks) or None,
        related=[RelatedRow(position=i, related_id=r) for i, r in enumerate(entry.related)],
    )


def _option_row(position: int, option: TreatmentOption) -> OptionRow:
    return OptionRow(
        position=position,
        name=option.name,
        entries=" ".join(option.entries),
        what=option.what,
        aim=option.aim,
        limits=option.limits,
        reviewed=option.reviewed,
    )


def _option(row: OptionRow) -> TreatmentOption:
    return TreatmentOption(
        name=row.name,
        entries=tuple(row.entries.split()),
        what=row.what,
        aim=row.aim,
        limits=row.limits,
        reviewed=_as_date(row.reviewed),
    )


def _term_row(position: int, term: Term) -> TermRow:
    return TermRow(
        id=term.id,
        position=position,
        label=term.label,
        means=" ".join(term.means) or None,
        synonyms=[SynonymRow(text=s, position=i) for i, s in enumerate(term.synonyms)],
    )


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _entry(row: EntryRow) -> Entry:
    return Entry(
        id=row.id,
        title=row.title,
        answer=row.answer,
        source=row.source,
        related=tuple(r.related_id for r in row.related),
        reviewed=_as_date(row.reviewed),
        intent=row.intent,
        topic=row.topic,
        compares=row.compares,
        broader=row.broader,
        visit_question=row.visit_question,
        worry=row.worry,
        mentions=tuple(tuple(item.split()) for item in (row.mentions or "").split(";") if item.strip()),
        explains=tuple((row.explains or "").split()),
        priorities=tuple((row.priorities or "").split()),
        asks=tuple(phrase for phrase in (row.asks or "").split(";") if phrase),
    )


def _term(row: TermRow) -> Term:
    return Term(
        id=row.id,
        label=row.label,
        synonyms=tuple(s.text for s in row.synonyms),
        means=tuple((row.means or "").split()),
    )
