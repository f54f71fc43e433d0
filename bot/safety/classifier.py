"""A small classifier of urgent reports, trained on varied examples, to catch what the word lists miss.

Character and word n-grams, TF-IDF weighted, into a logistic regression with three classes: no
report, an urgent report, an emergency. It is trained when a server starts (from `examples.yml`
beside this file, and, as messages that report nothing, the assistant's own training questions
that name no symptom), so nothing is stored in the Rasa model and an edit to the examples takes
effect at the next start. The trained classifier is kept in `build/safety/` under a digest of
everything it was trained from (`cached`): a start with the same inputs loads it in a fraction of
a second instead of training again for several. Kept apart from the question classifier: its
vote never competes with a knowledge intent.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import joblib
import sklearn
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from bot.nlu_data import nlu_examples

DEFAULT_EXAMPLES = Path(__file__).with_name("examples.yml")
# The NLU training data: questions, greetings and thanks, none of them a report.
DEFAULT_ORDINARY = Path(__file__).parents[2] / "data" / "nlu"
NONE = "none"
# Trained classifiers, one file per digest of their inputs (generated, never committed).
CACHE_DIR = Path(__file__).parents[2] / "build" / "safety"
CACHE_PREFIX = "report-classifier-"


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
    def from_file(cls, path: Path = DEFAULT_EXAMPLES, ordinary: Iterable[str] = ()) -> ReportClassifier:
        """Train on the curated examples file, and on `ordinary` messages as reporting nothing."""
        doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        controls = [str(c["text"]) for c in doc["controls"]] + list(ordinary)
        texts = [str(r["text"]) for r in doc["reports"]] + controls
        labels = [str(r["level"]) for r in doc["reports"]] + [NONE] * len(controls)
        return cls(texts, labels)

    @staticmethod
    def ordinary_messages(directory: Path = DEFAULT_ORDINARY) -> list[str]:
        """The NLU training examples: what patients ask the assistant, none of it a report.

        The curated controls alone left "help me decide", "morning" or "is this a computer?"
        looking like reports. Absent (a deployment without the data), there are none.
        """
        return nlu_examples(directory)[0]

    def predict(self, text: str) -> tuple[float, str]:
        """The probability that the message is a report, and the more likely of its two levels."""
        probabilities = dict(zip(self._classes, self._model.predict_proba([text.lower()])[0], strict=True))
        report = 1.0 - float(probabilities.get(NONE, 0.0))
        level = "emergency" if probabilities.get("emergency", 0.0) >= probabilities.get("urgent", 0.0) else "urgent"
        return report, level


def cached(
    inputs: Iterable[str], train: Callable[[], ReportClassifier], cache_dir: Path = CACHE_DIR
) -> ReportClassifier:
    """`train()`'s classifier, kept in `cache_dir` under a digest of what it is trained from.

    The digest covers `inputs` (the caller's: the examples, the rules, the training questions),
    the code of this package and scikit-learn's version, so any change trains again. A folder that
    cannot be written (a read-only deployment) only means training at every start.
    """
    digest = hashlib.sha256(sklearn.__version__.encode())
    code = sorted(Path(__file__).parent.glob("*.py"))
    for part in [*(p.read_bytes() for p in code), *(i.encode("utf-8") for i in inputs)]:
        digest.update(hashlib.sha256(part).digest())
    path = cache_dir / f"{CACHE_PREFIX}{digest.hexdigest()[:20]}.joblib"
    try:
        kept = joblib.load(path)
    except OSError:  # not trained yet, replaced meanwhile by a server with other inputs, or unreadable
        kept = None
    if isinstance(kept, ReportClassifier):
        return kept
    classifier = train()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob(f"{CACHE_PREFIX}*.joblib"):
            old.unlink(missing_ok=True)
        # Written aside and renamed, so a server starting meanwhile never reads half a file.
        handle, scratch = tempfile.mkstemp(dir=cache_dir, suffix=".part")
        os.close(handle)
        joblib.dump(classifier, scratch)
        os.replace(scratch, path)
    except OSError:
        pass
    return classifier
