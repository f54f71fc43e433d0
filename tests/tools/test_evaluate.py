"""The evaluation's report lines, on tallies small enough to check by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

import tools.evaluate
from knowledge.model import KnowledgeSource
from knowledge.service import KnowledgeService
from tools.evaluate import (
    Answers,
    QuestionSet,
    SafetyCase,
    SafetyTally,
    Scores,
    Turn,
    TurnResult,
    comparison_table,
    conversation_report,
    evaluate_conversations,
    paired_comparison,
    readability_report,
    report,
    verdicts,
    wilson_interval,
)


def test_safety_figures_count_each_target_and_list_the_failures() -> None:
    tally = SafetyTally(Path("set.yml"))
    tally.results += [
        (SafetyCase("chest pain now", "emergency", "chest_pain"), "emergency"),
        (SafetyCase("cant breathe", "emergency", "breathing"), "check"),
        (SafetyCase("my legs went numb", "emergency", "leg_weakness"), None),
        (SafetyCase("fever", "urgent", "fever"), "urgent"),
        (SafetyCase("no chest pain", "control", "negated"), None),
        (SafetyCase("could it cause a stroke", "control", "hypothetical"), "check"),
        (SafetyCase("j'ai mal", "other_language", "", "fr"), "other_language"),
    ]
    text = tally.report()
    assert "reports given a safety reply:" in text and "3/4 = 75.0%" in text
    assert "emergency reports given the emergency reply at once:" in text and "1/3 = 33.3%" in text
    assert "controls given the one-tap question:" in text and "1/2 = 50.0%" in text
    assert "  emergency leg_weakness -> None: my legs went numb" in text
    assert "  emergency breathing -> check: cant breathe" in text
    assert "  control hypothetical -> check: could it cause a stroke" in text
    assert "other languages given the languages reply:" in text and "1/1 = 100.0%" in text


def test_both_forms_of_safety_set_load(tmp_path: Path) -> None:
    from tools.evaluate import load_safety_set

    old = tmp_path / "old.yml"
    old.write_text("positives:\n  - {category: x, text: a}\ncontrols:\n  - {kind: negated, text: b}\n")
    assert [c.expected for c in load_safety_set(old)] == ["report", "control"]
    new = tmp_path / "new.yml"
    new.write_text(
        "reports:\n  - {text: a, level: urgent, category: fever, language: es}\n"
        "controls:\n  - {text: b, kind: question, language: en}\n"
        "other_languages:\n  - {text: c, language: fr}\n"
    )
    assert [(c.expected, c.language) for c in load_safety_set(new)] == [
        ("urgent", "es"),
        ("control", "en"),
        ("other_language", "fr"),
    ]


def answers(name: str, got: list[str | None], out_of_scope: list[str | None] | None = None) -> Answers:
    """A system's answers to questions whose expected entries are e0, e1, e2..."""
    in_scope = [(f"question {i}", f"e{i}", answer) for i, answer in enumerate(got)]
    return Answers(name, in_scope, [(f"other {i}", a) for i, a in enumerate(out_of_scope or [])])


def test_scores_count_right_declined_and_wrong_answers() -> None:
    scores = Scores.of(answers("ours", ["e0", None, "e7"], out_of_scope=[None, "e3", None, None]))
    assert (scores.correct, scores.declined, scores.wrong, scores.total) == (1, 1, 1, 3)
    assert (scores.out_of_scope_declined, scores.out_of_scope_total) == (3, 4)
    assert "33.3%" in comparison_table([scores]).splitlines()[1]


def test_report_lists_the_questions_answered_wrong_clarified_and_leaked() -> None:
    text = report(answers("ours", ["e0", None, "e7"], out_of_scope=["e3"]))
    assert "top-1 accuracy:       1/3 = 33.3%" in text
    assert "e2 -> e7: question 2" in text
    assert "e1: question 1" in text
    assert "other 0 -> e3" in text


def test_wilson_interval_matches_a_worked_example() -> None:
    # 139 of 144: p = 0.9653; the Wilson 95% interval is 0.9213 to 0.9851.
    low, high = wilson_interval(139, 144)
    assert low == pytest.approx(0.9213, abs=1e-4)
    assert high == pytest.approx(0.9851, abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_paired_comparison_counts_questions_only_one_system_got_right() -> None:
    ours = answers("ours", ["e0", "e1", "e2", None, "e4", "e5"])
    theirs = answers("theirs", ["e0", "x", "x", "e3", "x", "x"])
    # Only ours right on 4 questions, only theirs on 1: two-sided exact binomial p = 2 * 6/32 = 0.375.
    assert paired_comparison(ours, theirs) == (
        "paired with theirs: only the assistant right on 4, only theirs right on 1 (exact McNemar p = 0.38)"
    )


def test_readability_lists_every_answer_with_its_grade(service: KnowledgeService) -> None:
    entries = service.catalog().entries
    report = readability_report(entries)
    assert all(entry.id in report for entry in entries)
    assert report.splitlines()[-1].startswith("mean grade ")


def test_verdicts_say_plainly_where_a_baseline_does_better() -> None:
    ours = Scores("ours", correct=139, declined=4, wrong=1, total=144, out_of_scope_declined=30, out_of_scope_total=30)
    other = Scores(
        "other", correct=141, declined=1, wrong=2, total=144, out_of_scope_declined=30, out_of_scope_total=30
    )
    assert verdicts(ours, other) == [
        "does NOT beat other on top-1 correct: 139 vs 141",
        "beats other on answered right or asked, never wrong: 143 vs 142",
        "beats other on wrong answers: 1 vs 2",
        "does NOT beat other on out of scope declined: 30 vs 30",
    ]


def test_messages_that_are_also_training_examples_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "questions.yml"
    path.write_text(
        "questions:\n"
        "  - {text: 'Side effects?', entry: risks_overview}\n"
        "  - {text: 'could the glue move after it sets', entry: risk_cement_leakage}\n"
        "out_of_scope: ['what is the weather', 'Where do I park?']\n"
    )
    unseen = QuestionSet.load(path).unseen(["side effects", "where do i park"])
    assert unseen.questions == [("could the glue move after it sets", "risk_cement_leakage")]
    assert unseen.out_of_scope == ["what is the weather"]
    assert len(unseen) == 2


@pytest.mark.parametrize(
    ("expect", "answered", "offered", "verdict"),
    [
        ("risk_stroke", "risk_stroke", (), "right"),
        ("risk_stroke", "risk_bleeding", (), "wrong"),
        ("risk_stroke", None, ("risk_stroke", "risk_bleeding"), "asked"),
        ("out_of_scope", None, (), "right"),
        ("out_of_scope", "limitations", (), "wrong"),
        (
            ("alt_pain_medication", "alt_bone_health_medication"),
            None,
            ("alt_bone_health_medication", "alt_pain_medication"),
            "right",
        ),
        (("alt_pain_medication", "alt_bone_health_medication"), None, ("alt_pain_medication",), "asked"),
        (("alt_pain_medication", "alt_bone_health_medication"), "alt_pain_medication", (), "wrong"),
    ],
)
def test_a_turn_is_right_asked_or_wrong(
    expect: str | tuple[str, ...], answered: str | None, offered: tuple[str, ...], verdict: str
) -> None:
    assert TurnResult("c", Turn("text", expect, True), answered, offered).verdict == verdict


@pytest.mark.parametrize(
    ("expect", "answered", "offered", "tapped"),
    [
        ("risk_cement_leakage", None, ("risk_cement_leakage", "risks_overview"), "risk_cement_leakage"),
        ("risk_cement_leakage", None, ("risks_overview",), None),
        ("risk_cement_leakage", "risks_overview", ("risk_cement_leakage",), None),
        (("alt_pain_medication", "alt_bone_health_medication"), None, ("alt_pain_medication",), None),
        ("out_of_scope", None, ("risks_overview",), None),
    ],
)
def test_a_patient_taps_the_offered_button_only_for_what_they_meant(
    expect: str | tuple[str, ...], answered: str | None, offered: tuple[str, ...], tapped: str | None
) -> None:
    assert TurnResult("c", Turn("text", expect, True), answered, offered).tapped == tapped


def test_after_an_offered_reading_the_next_turn_follows_the_tap_and_the_turn_still_counts_as_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: KnowledgeSource
) -> None:
    conversations = tmp_path / "c.yml"
    conversations.write_text(
        "conversations:\n"
        "  - name: leak\n"
        "    turns:\n"
        "      - {text: 'what could a leak cause?', expect: risk_cement_leakage}\n"
        "      - {text: 'the first one', expect: risk_pulmonary_embolism, follow_up: true}\n",
        encoding="utf-8",
    )
    entries = source.entries
    payload = {entry: p for p, entry in tools.evaluate.entry_of_payload(entries).items()}
    sent: list[str] = []

    def fake_send(base_url: str, sender: str, text: str) -> tools.evaluate.Reply:
        sent.append(text)
        if text == "what could a leak cause?":
            buttons = [{"title": t, "payload": payload[t]} for t in ("risk_cement_leakage", "risks_overview")]
            return tools.evaluate.Reply([{"text": "Did you mean?", "buttons": buttons}])
        if text == "the first one":
            return tools.evaluate.Reply([{"custom": {"kb_entry": "risk_pulmonary_embolism"}}])
        return tools.evaluate.Reply([{"custom": {"kb_entry": "risk_cement_leakage"}}])

    monkeypatch.setattr(tools.evaluate, "send", fake_send)
    results = evaluate_conversations(conversations, "http://assistant", entries)
    assert sent == ["what could a leak cause?", payload["risk_cement_leakage"], "the first one"]
    assert [r.verdict for r in results] == ["asked", "right"]


def test_the_conversation_report_counts_follow_ups_apart_and_lists_what_failed() -> None:
    results = [
        TurnResult("risks", Turn("what are the risks?", "risks_overview", False), "risks_overview", ()),
        TurnResult("risks", Turn("the second one", "risk_bleeding", True), "risk_bleeding", ()),
        TurnResult("risks", Turn("how long does the cement last?", "out_of_scope", True), "limitations", ()),
    ]
    text = conversation_report(Path("c.yml"), results)
    assert "first questions:   right 1/1 = 100.0%" in text
    assert "follow-up turns:   right 1/2 = 50.0%, asked 0.0%, wrong 50.0%" in text
    assert "follow-up turns by kind: entry 1/1, out_of_scope 0/1" in text
    assert "wrong risks | how long does the cement last? | out_of_scope -> limitations" in text
