"""Builds the project's own spaCy pipeline: blank English plus an entity ruler from `knowledge/terms.yml`.

There is no pretrained English model to download here, so Rasa's `SpacyNLP` loads this
pipeline from a folder (`config.yml` names it). Run `python -m ops.spacy_pipeline DIR`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from knowledge import settings
from knowledge.model import Term
from knowledge.source import load_abbreviations, load_source
from ops.paths import BUILD

DEFAULT_DIR = BUILD / "spacy_pipeline"


def ruler_patterns(terms: Iterable[Term]) -> list[dict[str, Any]]:
    """One phrase pattern per synonym, labelled with the term's label and carrying its id."""
    return [{"label": t.label, "pattern": s, "id": t.id} for t in terms for s in t.synonyms]


def build_pipeline(terms: Iterable[Term], abbreviations: Mapping[str, str] | None = None) -> Language:
    """A blank English pipeline whose entity ruler matches the synonyms case-insensitively.

    An attribute ruler first gives each abbreviation ("vp") the word it stands for
    ("vertebroplasty") as its lemma: Rasa's count-vector featurizers read lemmas, so "is VP
    safe?" is featurised as "is vertebroplasty safe?", in training and when answering alike.
    """
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": True})
    ruler.add_patterns(ruler_patterns(terms))  # type: ignore[attr-defined]
    if abbreviations:
        # After the entity ruler, which matches on the words as written and so needs no lemmas.
        lemmas = nlp.add_pipe("attribute_ruler")
        for short, word in abbreviations.items():
            lemmas.add(patterns=[[{"LOWER": short}]], attrs={"LEMMA": word})  # type: ignore[attr-defined]
    return nlp


def main(argv: Sequence[str] | None = None) -> int:
    """Build the pipeline into a folder."""
    parser = argparse.ArgumentParser(prog="python -m ops.spacy_pipeline", description=__doc__)
    parser.add_argument("output", type=Path, nargs="?", default=DEFAULT_DIR)
    args = parser.parse_args(argv)
    source = load_source(settings.DEFAULT_ENTRIES, settings.DEFAULT_TERMS)
    build_pipeline(source.terms, load_abbreviations()).to_disk(args.output)
    print(f"spaCy pipeline with {sum(len(t.synonyms) for t in source.terms)} patterns written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
