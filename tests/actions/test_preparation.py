"""Reading typed answers in the second-opinion question list."""

from __future__ import annotations

import pytest

from actions.preparation import priority_from, reads_as_answer, recent_from, worry_from


@pytest.mark.parametrize(
    ("entity", "intent", "text", "worry"),
    [
        ("risks", "choose_worry", "", "risks"),
        (None, "ask_alternatives", "the other options", "alternatives"),
        (None, "choose_worry", "whether it will work", "effectiveness"),
        (None, "choose_worry", "all of them really", "all"),
        (None, "choose_worry", "hmm", None),
        # The clinical review's case: a doubt about the diagnosis, whatever "wrong" suggests.
        (None, "choose_worry", "my diagnosis might be wrong", "diagnosis"),
        (None, "ask_risks", "my diagnosis might be wrong", "diagnosis"),
        (None, "choose_worry", "something going wrong", "risks"),
        (None, "ask_second_opinion_diagnosis", "hmm", "diagnosis"),
    ],
)
def test_the_worry_comes_from_a_button_the_words_or_the_intent(
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
        # The clinical review's cases: a "no" or a "not" is a no, whatever "weeks" or "recent" suggest.
        ("fracture_recent_answer", "not in the last few weeks", "no"),
        ("deny", "not in the last few weeks", "no"),
        ("fracture_recent_answer", "no, it was years ago, it's not recent", "no"),
        ("affirm", "no, it was years ago, it's not recent", "no"),
        ("fracture_recent_answer", "it didn't happen recently", "no"),
        # A number of days or weeks, or "not long ago", is recent.
        ("fracture_recent_answer", "yes, not long ago", "yes"),
        ("fracture_recent_answer", "no, it's only 2 weeks old", "yes"),
        ("fracture_recent_answer", "she broke it about ten days ago", "yes"),
        ("fracture_recent_answer", "i fell at christmas", "unsure"),
        ("fracture_recent_answer", "i'm not sure, the pain started gradually", "unsure"),
    ],
)
def test_the_fractures_age_is_read_from_the_answer(intent: str, text: str, recent: str) -> None:
    assert recent_from(None, intent, text) == recent


@pytest.mark.parametrize(
    ("entity", "text", "priority"),
    [
        ("avoid_medicines", "", "avoid_medicines"),
        (None, "quick relief from pain", "quick_relief"),
        (None, "Avoiding the risks of a procedure", "avoid_procedure_risks"),
        (None, "i'd rather not have surgery", "avoid_procedure_risks"),
        (None, "no more pills please", "avoid_medicines"),
        (None, "I'm not sure", "unsure"),
        (None, "i don't know, maybe less pain", "unsure"),
        (None, "getting back to normal", None),
        ("something else", "hmm", None),
    ],
)
def test_what_matters_most_comes_from_a_button_or_the_words(
    entity: str | None, text: str, priority: str | None
) -> None:
    assert priority_from(entity, text) == priority


@pytest.mark.parametrize(
    ("step", "text", "answers"),
    [
        ("recent", "not in the last few weeks", True),
        ("recent", "no, it was years ago, it's not recent", True),
        ("recent", "i fell at christmas", False),
        ("recent", "what did the 2010 study of new fractures find?", False),
        ("recent", "what does the research say about new fractures", False),
        ("worry", "my diagnosis might be wrong", True),
        ("worry", "is the cement safe?", False),
        ("priority", "avoiding medicines", True),
        ("priority", "tell me about kyphoplasty", False),
        (None, "not in the last few weeks", False),
        ("priority", " ".join(["avoiding medicines"] * 7), False),
    ],
)
def test_only_a_short_reply_that_is_not_a_question_answers_by_its_words(
    step: str | None, text: str, answers: bool
) -> None:
    assert reads_as_answer(step, text) is answers
