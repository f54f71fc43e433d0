"""The alternatives a clinic would otherwise use, measured beside the assistant in `make eval`.

- A plain search box: BM25 (rank-bm25) over entry titles and answers; it answers with the
  best-scoring entry and declines only when no word matches.
- A TF-IDF + logistic-regression intent classifier trained on the same NLU data; it answers
  with the entry of the predicted intent, and declines when that intent is not a question
  the knowledge base answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from rank_bm25 import BM25Okapi
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline

from bot.nlu_data import nlu_examples
from knowledge.model import Entry

Predictor = Callable[[str], str | None]
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def bm25_search(entries: Iterable[Entry]) -> Predictor:
    """The search box: the best BM25 match among entry titles and answers."""
    entries = list(entries)
    index = BM25Okapi([_words(f"{e.title} {e.answer}") for e in entries])

    def predict(text: str) -> str | None:
        scores = index.get_scores(_words(text))
        best = max(range(len(entries)), key=lambda i: scores[i])
        return entries[best].id if scores[best] > 0 else None

    return predict


def tfidf_classifier(data_dir: Path, entries: Iterable[Entry]) -> Predictor:
    """TF-IDF word and character n-grams with logistic regression, trained on the NLU data."""
    texts, intents = nlu_examples(data_dir)
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ]
    )
    model = make_pipeline(features, LogisticRegression(max_iter=2000, C=10.0))
    model.fit(texts, intents)
    entry_by_intent = {e.intent: e.id for e in entries if e.intent}

    def predict(text: str) -> str | None:
        return entry_by_intent.get(str(model.predict([text])[0]))

    return predict
