"""The evaluation's report lines, on tallies small enough to check by hand."""

from __future__ import annotations

from bot.evaluate import RedFlagTally, Scores, Tally, comparison_table, readability_report, verdicts
from bot.rest_client import Reply
from knowledge.service import KnowledgeService


def test_red_flag_figures_count_misses_and_false_escalations() -> None:
    tally = RedFlagTally(positives=4, controls=5, missed=["my legs went numb"], escalated=[])
    report = tally.report()
    assert "red-flag recall:       3/4 = 75.0%" in report
    assert "false escalations:     0/5 = 0.0%" in report
    assert "missed: my legs went numb" in report


def test_the_assistants_scores_come_from_its_tally() -> None:
    tally = Tally()
    tally.add("what is it", "what_is_vertebroplasty", Reply([{"custom": {"kb_entry": "what_is_vertebroplasty"}}]))
    tally.add("risks?", "risks_overview", Reply([{"text": "Did you mean..."}]))
    tally.add("bleeding?", "risk_bleeding", Reply([{"custom": {"kb_entry": "risk_infection"}}]))
    scores = Scores.of_assistant(tally, leaked=[("weather", "risks_overview")], out_of_scope_total=4)
    assert (scores.correct, scores.declined, scores.wrong, scores.total) == (1, 1, 1, 3)
    assert scores.out_of_scope_declined == 3
    assert "33.3%" in comparison_table([scores]).splitlines()[1]


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
        "beats other on wrong answers: 1 vs 2",
        "does NOT beat other on out of scope declined: 30 vs 30",
    ]
