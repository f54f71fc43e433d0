"""An immutable, indexed snapshot of the knowledge base, as the service reads it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.errors import EntryNotFound
from knowledge.model import Entry, KnowledgeSource, Term
from knowledge.search import LexicalIndex, SearchHit


def normalise_phrase(text: str) -> str:
    """Lower case, single spaces, no surrounding punctuation: how synonyms are compared."""
    return " ".join(re.sub(r"[^\w\s'-]", " ", text.lower()).split())


class Catalog:
    """Entries and terms with the look-ups the service needs."""

    def __init__(self, source: KnowledgeSource, version: str) -> None:
        """Index a source; `version` identifies its content."""
        self.version = version
        self.entries = source.entries
        self.terms = source.terms
        self.options = source.options
        self._by_id = {e.id: e for e in source.entries}
        self._by_intent = {e.intent: e for e in source.entries if e.intent}
        self._by_topic = {e.topic: e for e in source.entries if e.topic}
        self._by_compares = {e.compares: e for e in source.entries if e.compares}
        self._terms = {t.id: t for t in source.terms}
        self._synonyms = {normalise_phrase(s): t for t in source.terms for s in (*t.synonyms, t.id.replace("_", " "))}
        self._index = LexicalIndex((e.id, self._document(e)) for e in source.entries)

    def get(self, entry_id: str) -> Entry:
        """The entry with this id.

        Raises:
            EntryNotFound: no entry has this id.
        """
        try:
            return self._by_id[entry_id]
        except KeyError:
            raise EntryNotFound(entry_id) from None

    def has(self, entry_id: str) -> bool:
        """Whether an entry has this id."""
        return entry_id in self._by_id

    def by_intent(self, intent: str) -> Entry | None:
        """The entry that answers this intent, if any."""
        return self._by_intent.get(intent)

    def by_topic(self, term_id: str) -> Entry | None:
        """The main entry about this term, if any."""
        return self._by_topic.get(term_id)

    def by_compares(self, term_id: str) -> Entry | None:
        """The entry comparing this term with vertebroplasty, if any."""
        return self._by_compares.get(term_id)

    def term(self, term_id: str) -> Term | None:
        """The term with this id, if any."""
        return self._terms.get(term_id)

    def term_for(self, phrase: str) -> Term | None:
        """The term a patient's phrase names ("painkillers" -> pain_medication), if any."""
        return self._synonyms.get(normalise_phrase(phrase))

    def terms_in(self, phrases: Iterable[str]) -> list[Term]:
        """The distinct terms named by the phrases, in the order first named."""
        found: dict[str, Term] = {}
        for phrase in phrases:
            term = self.term_for(phrase)
            if term is not None:
                found.setdefault(term.id, term)
        return list(found.values())

    def search(self, text: str, limit: int = 3) -> list[SearchHit]:
        """Lexical search over entry titles, answers and the synonyms of their terms."""
        return self._index.search(text, limit)

    def _document(self, entry: Entry) -> str:
        words = [entry.title, entry.title, entry.answer]
        for term_id in (entry.topic, entry.compares):
            if term_id and term_id in self._terms:
                words.extend(self._terms[term_id].synonyms)
        return " ".join(words)
