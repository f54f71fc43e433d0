"""The intent vote: two rankings averaged, on numbers checked by hand."""

from __future__ import annotations

import pytest

from bot.nlu.intent_vote import average_rankings


def test_two_rankings_are_averaged_and_sorted_best_first() -> None:
    diet = [{"name": "ask_risks", "confidence": 0.6}, {"name": "ask_limitations", "confidence": 0.4}]
    linear = [{"name": "ask_limitations", "confidence": 0.9}, {"name": "ask_risks", "confidence": 0.1}]
    combined = average_rankings(diet, linear)
    assert [item["name"] for item in combined] == ["ask_limitations", "ask_risks"]
    assert combined[0]["confidence"] == pytest.approx(0.65)
    assert combined[1]["confidence"] == pytest.approx(0.35)


def test_an_intent_missing_from_one_ranking_counts_zero_there() -> None:
    combined = average_rankings([{"name": "greet", "confidence": 1.0}], [{"name": "thanks", "confidence": 0.8}])
    assert combined == [{"name": "greet", "confidence": 0.5}, {"name": "thanks", "confidence": 0.4}]
