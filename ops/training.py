"""Trains the assistant only when what it learns from changed: `python -m ops.training`.

The model is named after a hash of its inputs (config, domain, training data, the spaCy
pipeline's terms and builder), so an unchanged checkout reuses `models/<hash>.tar.gz`.
Rasa does not pack the spaCy pipeline into the model and its cache cannot see edits to the
pipeline folder, so the pipeline is rebuilt from the same inputs and training is forced
whenever the hash changes.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from knowledge import settings
from knowledge.source import load_abbreviations, load_source
from ops.paths import CONFIG, DATA, DOMAIN, MODELS, ROOT
from ops.spacy_pipeline import DEFAULT_DIR as SPACY_DIR
from ops.spacy_pipeline import build_pipeline

PIPELINE_BUILDER = ROOT / "ops" / "spacy_pipeline.py"
KEEP_MODELS = 3


def training_inputs() -> list[Path]:
    """Every file whose content shapes the trained model."""
    data = sorted(DATA.rglob("*.yml"))
    # The project's own NLU components: what they learn and store is shaped by their code.
    components = sorted((ROOT / "bot" / "nlu").glob("*.py"))
    return [CONFIG, DOMAIN, *data, settings.DEFAULT_TERMS, PIPELINE_BUILDER, *components]


def inputs_fingerprint(paths: Iterable[Path]) -> str:
    """A hash of the files' paths and contents."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path() -> Path:
    """Where the model for the current inputs is (or will be) stored."""
    return MODELS / f"{inputs_fingerprint(training_inputs())}.tar.gz"


def ensure_spacy_pipeline() -> None:
    """Build the spaCy pipeline folder unless it was built from the current terms."""
    terms_hash = inputs_fingerprint([settings.DEFAULT_TERMS, PIPELINE_BUILDER])
    stamp = SPACY_DIR / ".terms-hash"
    if stamp.exists() and stamp.read_text() == terms_hash:
        return
    source = load_source(settings.DEFAULT_ENTRIES, settings.DEFAULT_TERMS)
    SPACY_DIR.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline(source.terms, load_abbreviations(settings.DEFAULT_TERMS)).to_disk(SPACY_DIR)
    stamp.write_text(terms_hash)
    print(f"built the spaCy pipeline in {SPACY_DIR.relative_to(ROOT)}")


def train() -> Path:
    """Train if no model exists for the current inputs; returns the model's path."""
    ensure_spacy_pipeline()
    target = model_path()
    if target.exists():
        print(f"model is up to date: {target.relative_to(ROOT)}")
        return target
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", str(CONFIG), "--domain", str(DOMAIN), "--data", str(DATA),
        "--out", str(MODELS), "--fixed-model-name", target.name.removesuffix(".tar.gz"), "--force",
    ]  # fmt: skip
    subprocess.run(command, check=True, cwd=ROOT)
    _prune_old_models(keep=target)
    return target


def _prune_old_models(keep: Path) -> None:
    models = sorted(MODELS.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [m for m in models if m != keep][KEEP_MODELS - 1 :]:
        old.unlink()


if __name__ == "__main__":
    try:
        train()
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
