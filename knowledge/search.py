"""A small lexical search (Okapi BM25) over entries: the classifier's second opinion."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about which entry a patient wants.
STOP_WORDS = frozenset(
    """a about after all also am an and any are as at be been before but by can could did do does doing
    for from get got had has have having he her here how i if in into is it its just me my of on or our
    out she so some than that the their them then there these they this those to too up us was we were
    what when where which who why will with would you your yours im ive dont cant vertebroplasty procedure
    tell know please much many more""".split()
)


def tokens(text: str) -> list[str]:
    """Lower-cased content words with a light plural/verb-ending stem."""
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


@dataclass(frozen=True)
class SearchHit:
    """An entry id and how well a query matched it."""

    entry_id: str
    score: float


class LexicalIndex:
    """BM25 over one short document per entry."""

    def __init__(self, documents: Iterable[tuple[str, str]], k1: float = 1.2, b: float = 0.75) -> None:
        """Index `(entry_id, text)` pairs."""
        self._docs: list[tuple[str, Counter[str], int]] = []
        document_frequency: Counter[str] = Counter()
        for entry_id, text in documents:
            counts = Counter(tokens(text))
            self._docs.append((entry_id, counts, sum(counts.values())))
            document_frequency.update(counts.keys())
        n = max(len(self._docs), 1)
        self._avg_len = sum(length for _, _, length in self._docs) / n or 1.0
        self._idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in document_frequency.items()}
        self._k1, self._b = k1, b

    def search(self, query: str, limit: int = 3) -> list[SearchHit]:
        """The best-matching entries, best first; entries that share no word are left out."""
        query_terms = set(tokens(query))
        hits = []
        for entry_id, counts, length in self._docs:
            score = sum(self._term_score(t, counts, length) for t in query_terms if t in counts)
            if score > 0:
                hits.append(SearchHit(entry_id, round(score, 4)))
        hits.sort(key=lambda h: (-h.score, h.entry_id))
        return hits[:limit]

    def _term_score(self, term: str, counts: Counter[str], length: int) -> float:
        tf = counts[term]
        norm = self._k1 * (1 - self._b + self._b * length / self._avg_len)
        return self._idf[term] * tf * (self._k1 + 1) / (tf + norm)


def confident_hit(hits: Sequence[SearchHit], min_score: float, min_margin: float) -> SearchHit | None:
    """The top hit when it scores well and clearly ahead of the next one, else None."""
    if not hits or hits[0].score < min_score:
        return None
    if len(hits) > 1 and hits[0].score < hits[1].score * min_margin:
        return None
    return hits[0]
