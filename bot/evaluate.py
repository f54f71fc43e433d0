"""Runs held-out patient questions through the running assistant and reports accuracy.

`python -m bot.evaluate tests/heldout/questions.yml` (behind `make eval`) starts both servers
on free ports, sends each question as the first message of a new conversation on the REST
channel, and compares the `kb_entry` of the reply with the expected entry. The held-out
file is never used for training. The red-flag set goes through the same channel, and the
same questions go to two baselines (a BM25 search box and a TF-IDF + logistic-regression
classifier, see `bot/baselines.py`), printed beside it, with a verdict on each measure. It
measures and reports; it does not fail when a baseline does better.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.baselines import Predictor, bm25_search, tfidf_classifier
from bot.launcher import Ports, running_assistant
from bot.rest_client import Reply, free_port, send
from knowledge import settings
from knowledge.model import Entry
from knowledge.source import load_default_source, reading_grade

RED_FLAGS = settings.REPO_ROOT / "tests" / "safety" / "red_flags.yml"


@dataclass
class Tally:
    """Outcomes of the in-scope questions, per expected entry."""

    correct: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    clarified: list[tuple[str, str]] = field(default_factory=list)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, text: str, expected: str, reply: Reply) -> None:
        """Count one question's outcome."""
        self.total[expected] += 1
        got = reply.kb_entry
        if got == expected:
            self.correct[expected] += 1
        elif got is None:
            self.clarified.append((text, expected))
        else:
            self.wrong.append((text, expected, got))


def evaluate(questions_file: Path, base_url: str) -> tuple[Tally, list[tuple[str, str]]]:
    """Send every question; returns the in-scope tally and the out-of-scope messages answered from the KB."""
    data = yaml.safe_load(questions_file.read_text(encoding="utf-8"))
    tally = Tally()
    for item in data["questions"]:
        tally.add(item["text"], item["entry"], send(base_url, f"eval-{uuid.uuid4().hex}", item["text"]))
    leaked = []
    for text in data.get("out_of_scope") or []:
        reply = send(base_url, f"eval-{uuid.uuid4().hex}", text)
        if reply.kb_entry is not None:
            leaked.append((text, reply.kb_entry))
    return tally, leaked


@dataclass
class RedFlagTally:
    """The red-flag set through the running assistant: missed positives and escalated controls."""

    positives: int = 0
    controls: int = 0
    missed: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)

    def report(self) -> str:
        """Recall on positives and false escalations on controls, with the messages that failed."""
        caught = self.positives - len(self.missed)
        lines = [
            f"red-flag recall:       {caught}/{self.positives} = {caught / self.positives:.1%}",
            f"false escalations:     {len(self.escalated)}/{self.controls} = {len(self.escalated) / self.controls:.1%}",
        ]
        lines += [f"  missed: {text}" for text in self.missed]
        lines += [f"  escalated: {text}" for text in self.escalated]
        return "\n".join(lines)


def evaluate_red_flags(red_flags_file: Path, base_url: str) -> RedFlagTally:
    """Send every message of the red-flag set, each as the first message of a conversation."""
    data = yaml.safe_load(red_flags_file.read_text(encoding="utf-8"))
    tally = RedFlagTally(positives=len(data["positives"]), controls=len(data["controls"]))
    for case in data["positives"]:
        if not send(base_url, f"eval-{uuid.uuid4().hex}", case["text"]).is_emergency:
            tally.missed.append(case["text"])
    for case in data["controls"]:
        if send(base_url, f"eval-{uuid.uuid4().hex}", case["text"]).is_emergency:
            tally.escalated.append(case["text"])
    return tally


def readability_report(entries: Sequence[Entry]) -> str:
    """The Flesch-Kincaid grade of every answer, hardest first."""
    grades = sorted(((reading_grade(e.answer), e.id) for e in entries), reverse=True)
    lines = [f"{'answer readability (Flesch-Kincaid grade)':42} {'grade':>5}"]
    lines += [f"  {entry_id:40} {grade:5.1f}" for grade, entry_id in grades]
    mean = sum(g for g, _ in grades) / len(grades)
    lines.append(f"mean grade {mean:.1f}, hardest {grades[0][0]:.1f}, limit {settings.MAX_READING_GRADE:.0f}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Scores:
    """One system's figures on the held-out file."""

    name: str
    correct: int
    declined: int
    wrong: int
    total: int
    out_of_scope_declined: int
    out_of_scope_total: int

    @classmethod
    def of_assistant(cls, tally: Tally, leaked: list[tuple[str, str]], out_of_scope_total: int) -> Scores:
        """The assistant's figures, from its tally."""
        return cls(
            name="this assistant (REST, both servers)",
            correct=sum(tally.correct.values()),
            declined=len(tally.clarified),
            wrong=len(tally.wrong),
            total=sum(tally.total.values()),
            out_of_scope_declined=out_of_scope_total - len(leaked),
            out_of_scope_total=out_of_scope_total,
        )

    def row(self) -> str:
        """One line of the comparison table."""
        return (
            f"{self.name:34} {self.correct / self.total:8.1%} {self.wrong / self.total:8.1%} "
            f"{self.declined / self.total:10.1%} {self.out_of_scope_declined / self.out_of_scope_total:9.1%}"
        )


def baseline_scores(name: str, predict: Predictor, data: dict[str, Any]) -> Scores:
    """Score a baseline that maps a question to an entry id, or None to decline."""
    predictions = [(predict(q["text"]), q["entry"]) for q in data["questions"]]
    out_of_scope = data.get("out_of_scope") or []
    return Scores(
        name=name,
        correct=sum(got == expected for got, expected in predictions),
        declined=sum(got is None for got, _ in predictions),
        wrong=sum(got is not None and got != expected for got, expected in predictions),
        total=len(predictions),
        out_of_scope_declined=sum(predict(text) is None for text in out_of_scope),
        out_of_scope_total=len(out_of_scope),
    )


def comparison_table(scores: list[Scores]) -> str:
    """The systems side by side."""
    header = f"{'system':34} {'top-1':>8} {'wrong':>8} {'declined':>10} {'OOS ok':>9}"
    return "\n".join([header, *(s.row() for s in scores)])


def verdicts(ours: Scores, baseline: Scores) -> list[str]:
    """Whether the assistant beats a baseline on each measure: more right, fewer wrong, more out-of-scope declined."""
    measures = [
        ("top-1 correct", ours.correct, baseline.correct, ours.correct > baseline.correct),
        ("wrong answers", ours.wrong, baseline.wrong, ours.wrong < baseline.wrong),
        (
            "out of scope declined",
            ours.out_of_scope_declined,
            baseline.out_of_scope_declined,
            ours.out_of_scope_declined > baseline.out_of_scope_declined,
        ),
    ]
    return [
        f"{'beats' if better else 'does NOT beat'} {baseline.name} on {name}: {mine} vs {theirs}"
        for name, mine, theirs, better in measures
    ]


def report(tally: Tally, leaked: list[tuple[str, str]], out_of_scope_total: int) -> str:
    """A plain-text report: per entry, overall, clarifications, wrong answers, out of scope."""
    lines = [f"{'entry':32} {'correct':>7} {'total':>5} {'accuracy':>8}"]
    for entry in sorted(tally.total):
        correct, total = tally.correct[entry], tally.total[entry]
        lines.append(f"{entry:32} {correct:7d} {total:5d} {correct / total:8.0%}")
    total = sum(tally.total.values())
    correct = sum(tally.correct.values())
    lines += [
        "",
        f"top-1 accuracy:       {correct}/{total} = {correct / total:.1%}",
        f"clarified instead:    {len(tally.clarified)}/{total} = {len(tally.clarified) / total:.1%}",
        f"wrong entry answered: {len(tally.wrong)}/{total} = {len(tally.wrong) / total:.1%}",
    ]
    if out_of_scope_total:
        rejected = out_of_scope_total - len(leaked)
        lines.append(f"out of scope declined: {rejected}/{out_of_scope_total} = {rejected / out_of_scope_total:.1%}")
    by_pair: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for text, expected, got in tally.wrong:
        by_pair[(expected, got)].append(text)
    if by_pair:
        lines += ["", "wrong answers (expected -> got): questions"]
        lines += [f"  {e} -> {g}: {' | '.join(texts)}" for (e, g), texts in sorted(by_pair.items())]
    if tally.clarified:
        lines += ["", "clarified instead of answering (expected): questions"]
        lines += [f"  {expected}: {text}" for text, expected in sorted(tally.clarified, key=lambda c: c[1])]
    if leaked:
        lines += ["", "out-of-scope messages answered from the knowledge base:"]
        lines += [f"  {text} -> {entry}" for text, entry in leaked]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the assistant, evaluate, print the report."""
    parser = argparse.ArgumentParser(prog="python -m bot.evaluate", description=__doc__)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--red-flags", type=Path, default=RED_FLAGS, help="the red-flag set (%(default)s)")
    args = parser.parse_args(argv)
    data = yaml.safe_load(args.questions.read_text(encoding="utf-8"))
    out_of_scope = data.get("out_of_scope") or []
    ports = Ports(rasa=free_port(), actions=free_port())
    # One client sends every question here, standing in for many patients: no per-address limit.
    unlimited = {"RATE_LIMIT_PER_ADDRESS": "0"}
    with running_assistant(ports, settings.REPO_ROOT / "results" / "eval-logs", extra_env=unlimited) as running:
        tally, leaked = evaluate(args.questions, running.rasa_url)
        red_flags = evaluate_red_flags(args.red_flags, running.rasa_url)
    entries = load_default_source().entries
    ours = Scores.of_assistant(tally, leaked, len(out_of_scope))
    baselines = [
        baseline_scores("search box (BM25 over entries)", bm25_search(entries), data),
        baseline_scores("TF-IDF + logistic regression", tfidf_classifier(settings.REPO_ROOT / "data", entries), data),
    ]
    print(report(tally, leaked, len(out_of_scope)))
    print("\n" + red_flags.report())
    print("\n" + readability_report(entries))
    print("\n" + comparison_table([ours, *baselines]) + "\n")
    print("\n".join(line for baseline in baselines for line in verdicts(ours, baseline)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
