"""The lexical search that backs up the classifier."""

from __future__ import annotations

from knowledge.search import LexicalIndex, SearchHit, confident_hit, tokens
from knowledge.service import KnowledgeService


def test_tokens_drop_filler_words_and_plural_endings() -> None:
    assert tokens("What are the risks of the injections?") == ["risk", "injection"]


def test_search_ranks_the_matching_document_first() -> None:
    index = LexicalIndex([("a", "cement leaking out of the bone"), ("b", "a balloon makes space first")])
    assert [h.entry_id for h in index.search("does the balloon make space")] == ["b"]


def test_search_finds_nothing_for_unrelated_words(service: KnowledgeService) -> None:
    assert service.catalog().search("weather forecast football") == []


def test_search_over_the_knowledge_base_understands_lay_words(service: KnowledgeService) -> None:
    hits = service.catalog().search("clot in my lungs")
    assert hits and hits[0].entry_id == "risk_pulmonary_embolism"


def test_a_confident_hit_needs_a_score_and_a_margin() -> None:
    assert confident_hit([SearchHit("a", 3.0), SearchHit("b", 1.0)], 2.0, 1.3) == SearchHit("a", 3.0)
    assert confident_hit([SearchHit("a", 3.0), SearchHit("b", 2.9)], 2.0, 1.3) is None
    assert confident_hit([SearchHit("a", 1.0)], 2.0, 1.3) is None
    assert confident_hit([], 2.0, 1.3) is None
