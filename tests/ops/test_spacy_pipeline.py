"""The project's own spaCy pipeline: terms found as entities, abbreviations read as the words they stand for."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from knowledge.errors import SourceInvalid
from knowledge.source import load_abbreviations, load_default_source
from ops.spacy_pipeline import build_pipeline


def test_abbreviations_get_their_words_as_lemmas_and_terms_stay_entities(tmp_path: Path) -> None:
    build_pipeline(load_default_source().terms, load_abbreviations()).to_disk(tmp_path / "pipeline")
    nlp = spacy.load(tmp_path / "pipeline")

    doc = nlp("Is VP safer than kp for an OVCF?")

    assert [t.lemma_ for t in doc if t.lemma_] == ["vertebroplasty", "kyphoplasty", "fracture"]
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [
        ("VP", "treatment", "vertebroplasty"),
        ("kp", "treatment", "kyphoplasty"),
        ("OVCF", "condition", "compression_fracture"),
    ]
    # Words that are no abbreviation keep no lemma, so Rasa reads them as written.
    assert nlp("is it safe")[2].lemma_ == ""


def test_an_abbreviation_must_be_one_lower_case_word(tmp_path: Path) -> None:
    terms = tmp_path / "terms.yml"
    terms.write_text("terms: []\nabbreviations:\n  VP: vertebro plasty\n")
    with pytest.raises(SourceInvalid, match="one lower-case word"):
        load_abbreviations(terms)
