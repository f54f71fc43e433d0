"""Buttons as numbered choices, and a number read back as the button it stands for."""

from __future__ import annotations

from bot.channels.choices import REPLY_WITH_NUMBER, ChoiceBook, numbered_choices

RISKS = {"title": "What are the risks?", "payload": "/ask_risks"}
OPTIONS = {"title": "What are the other options?", "payload": "/ask_alternatives"}
HELPFUL = {"title": "Helpful", "payload": "/feedback_helpful"}


def test_choices_are_listed_under_the_text_with_how_to_answer() -> None:
    text = numbered_choices("Pick one:", ["What are the risks?", "What are the other options?"])
    assert text == f"Pick one:\n1. What are the risks?\n2. What are the other options?\n{REPLY_WITH_NUMBER}"
    assert numbered_choices("", ["Helpful"], first=3) == f"3. Helpful\n{REPLY_WITH_NUMBER}"


def test_a_number_chooses_the_payload_of_the_latest_reply() -> None:
    book = ChoiceBook()
    assert book.offer("p1", [RISKS, OPTIONS]) == 1
    assert book.resolve("p1", "2") == "/ask_alternatives"
    assert book.resolve("p1", " 1. ") == "/ask_risks"
    assert book.resolve("p2", "1") is None


def test_numbers_run_on_across_one_reply() -> None:
    book = ChoiceBook()
    book.offer("p1", [HELPFUL])
    assert book.offer("p1", [RISKS, OPTIONS]) == 2
    assert book.resolve("p1", "3") == "/ask_alternatives"


def test_a_new_reply_forgets_the_old_choices() -> None:
    book = ChoiceBook()
    book.offer("p1", [RISKS])
    book.start_reply("p1")
    assert book.resolve("p1", "1") is None


def test_anything_but_a_number_in_range_is_not_a_choice() -> None:
    book = ChoiceBook()
    book.offer("p1", [RISKS, OPTIONS])
    for text in ["0", "3", "-1", "two", "1 please", "", None, "²"]:
        assert book.resolve("p1", text) is None


def test_only_the_most_recent_conversations_are_remembered() -> None:
    book = ChoiceBook(max_conversations=2)
    for conversation in ["a", "b", "c"]:
        book.offer(conversation, [RISKS])
    assert book.resolve("a", "1") is None
    assert book.resolve("c", "1") == "/ask_risks"
