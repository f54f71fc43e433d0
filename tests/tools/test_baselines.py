"""The evaluation's baselines, on data small enough to check by hand."""

from __future__ import annotations

from pathlib import Path

from bot.nlu_data import nlu_examples
from knowledge.service import KnowledgeService
from tools.baselines import bm25_search, tfidf_classifier


def test_the_search_box_answers_with_the_best_matching_entry(service: KnowledgeService) -> None:
    predict = bm25_search(service.catalog().entries)
    assert predict("what is kyphoplasty balloon") in {"alt_kyphoplasty", "compare_kyphoplasty"}
    assert predict("zzz qqq") is None


def test_the_classifier_learns_from_nlu_files_and_declines_other_intents(
    tmp_path: Path, service: KnowledgeService
) -> None:
    (tmp_path / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n'
        "  - intent: ask_kyphoplasty\n    examples: |\n      - what is kyphoplasty\n      - balloon procedure\n"
        "  - intent: greet\n    examples: |\n      - hello there\n      - hi\n"
    )
    assert nlu_examples(tmp_path)[1] == ["ask_kyphoplasty", "ask_kyphoplasty", "greet", "greet"]
    predict = tfidf_classifier(tmp_path, service.catalog().entries)
    assert predict("tell me about kyphoplasty") == "alt_kyphoplasty"
    assert predict("hello") is None
