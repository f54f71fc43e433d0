"""Reading typed answers in the second-opinion question list."""

from __future__ import annotations

import pytest

from actions.preparation import recent_from, worry_from


@pytest.mark.parametrize(
    ("entity", "intent", "text", "worry"),
    [
        ("risks", "choose_worry", "", "risks"),
        (None, "ask_alternatives", "the other options", "alternatives"),
        (None, "choose_worry", "whether it will work", "effectiveness"),
        (None, "choose_worry", "all of them really", "all"),
        (None, "choose_worry", "hmm", None),
    ],
)
def test_the_worry_comes_from_a_button_an_intent_or_words(
    entity: str | None, intent: str, text: str, worry: str | None
) -> None:
    assert worry_from(entity, intent, text) == worry


@pytest.mark.parametrize(
    ("intent", "text", "recent"),
    [
        ("affirm", "yes", "yes"),
        ("fracture_recent_answer", "it happened 2 weeks ago", "yes"),
        ("deny", "no", "no"),
        ("fracture_recent_answer", "last year", "no"),
        ("fracture_recent_answer", "i don't know when", "unsure"),
        ("fracture_recent_answer", "about a month ago", "unsure"),
    ],
)
def test_the_fractures_age_is_read_from_the_answer(intent: str, text: str, recent: str) -> None:
    assert recent_from(None, intent, text) == recent
