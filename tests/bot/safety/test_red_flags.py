"""The red-flag set: every report of an urgent symptom escalates, no denial or question does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety.red_flags import RedFlagDetector, normalise

CASES = yaml.safe_load((Path(__file__).parents[2] / "data" / "safety" / "red_flags.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def detector() -> RedFlagDetector:
    return RedFlagDetector.from_file()


def test_the_set_is_large_enough_to_mean_something() -> None:
    assert len(CASES["positives"]) + len(CASES["controls"]) >= 150


def test_every_positive_escalates(detector: RedFlagDetector) -> None:
    missed = [case["text"] for case in CASES["positives"] if detector.detect(case["text"]) is None]
    assert missed == [], f"{len(missed)} red flags missed"


def test_no_control_escalates(detector: RedFlagDetector) -> None:
    escalated = [(c["text"], flag) for c in CASES["controls"] if (flag := detector.detect(c["text"])) is not None]
    assert escalated == []


@pytest.mark.parametrize(
    ("text", "category"),
    [("CHEST PAIN", "chest_pain"), ("cant breath", "breathing"), ("my legs went numb", "limb_weakness")],
)
def test_the_flag_names_its_category(detector: RedFlagDetector, text: str, category: str) -> None:
    flag = detector.detect(text)
    assert flag is not None and flag.category == category


def test_contractions_are_expanded_before_matching() -> None:
    assert (
        normalise("I CAN'T breathe and don’t know why, I'm scared")
        == "i unable breathe and do not know why, i am scared"
    )


@pytest.mark.parametrize(
    "text",
    [
        "my mother had a stroke two years ago, would the cement injection put her at risk of another",
        "I am confused about which option to pick",
        "I can't feel any difference after physio",
    ],
)
def test_history_and_everyday_words_are_not_red_flags(detector: RedFlagDetector, text: str) -> None:
    assert detector.detect(text) is None


def test_a_stroke_happening_now_is_a_red_flag(detector: RedFlagDetector) -> None:
    flag = detector.detect("I think I'm having a stroke")
    assert flag is not None and flag.category == "stroke_signs"
