"""Runs held-out patient questions through the running assistant and reports accuracy.

`python -m bot.evaluate tests/heldout/questions.yml` (behind `make eval`) starts both servers
on free ports, sends each question as the first message of a new conversation on the REST
channel, and compares the `kb_entry` of the reply with the expected entry. The held-out
file is never used for training. The same questions go to two baselines (a BM25 search box
and a TF-IDF + logistic-regression classifier, see `bot/baselines.py`), printed beside it.
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
from knowledge.source import load_default_source


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
    args = parser.parse_args(argv)
    ports = Ports(rasa=free_port(), actions=free_port())
    with running_assistant(ports, log_dir=settings.REPO_ROOT / "results" / "eval-logs") as running:
        tally, leaked = evaluate(args.questions, running.rasa_url)
    data = yaml.safe_load(args.questions.read_text(encoding="utf-8"))
    out_of_scope = data.get("out_of_scope") or []
    print(report(tally, leaked, len(out_of_scope)))
    entries = load_default_source().entries
    total = sum(tally.total.values())
    ours = Scores(
        name="this assistant (REST, both servers)",
        correct=sum(tally.correct.values()),
        declined=len(tally.clarified),
        wrong=len(tally.wrong),
        total=total,
        out_of_scope_declined=len(out_of_scope) - len(leaked),
        out_of_scope_total=len(out_of_scope),
    )
    baselines = [
        baseline_scores("search box (BM25 over entries)", bm25_search(entries), data),
        baseline_scores("TF-IDF + logistic regression", tfidf_classifier(settings.REPO_ROOT / "data", entries), data),
    ]
    print("\n" + comparison_table([ours, *baselines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
