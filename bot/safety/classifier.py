"""A small classifier of urgent reports, trained on varied examples, to catch what the word lists miss.

Character and word n-grams, TF-IDF weighted, into a logistic regression with three classes: no
report, an urgent report, an emergency. It trains in a second or two when the Rasa server starts
(from `examples.yml` beside this file), so nothing is stored in the model and an edit to the
examples takes effect at the next start. Kept apart from the question classifier: its vote
never competes with a knowledge intent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

DEFAULT_EXAMPLES = Path(__file__).with_name("examples.yml")
NONE = "none"


class ReportClassifier:
    """Predicts how likely a message reports an urgent symptom, and at which level."""

    def __init__(self, texts: list[str], labels: list[str]) -> None:
        """Train on texts labelled "none", "urgent" or "emergency"."""
        features = FeatureUnion(
            [
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
                ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
            ]
        )
        self._model = Pipeline(
            [("features", features), ("model", LogisticRegression(C=8.0, max_iter=2000, class_weight="balanced"))]
        )
        self._model.fit([t.lower() for t in texts], labels)
        self._classes = list(self._model.classes_)

    @classmethod
    def from_file(cls, path: Path = DEFAULT_EXAMPLES) -> ReportClassifier:
        """Train on the curated examples file."""
        doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts = [str(r["text"]) for r in doc["reports"]] + [str(c["text"]) for c in doc["controls"]]
        labels = [str(r["level"]) for r in doc["reports"]] + [NONE] * len(doc["controls"])
        return cls(texts, labels)

    def predict(self, text: str) -> tuple[float, str]:
        """The probability that the message is a report, and the more likely of its two levels."""
        probabilities = dict(zip(self._classes, self._model.predict_proba([text.lower()])[0], strict=True))
        report = 1.0 - float(probabilities.get(NONE, 0.0))
        level = "emergency" if probabilities.get("emergency", 0.0) >= probabilities.get("urgent", 0.0) else "urgent"
        return report, level
