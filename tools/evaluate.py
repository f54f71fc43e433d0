"""Runs patient questions through the running assistant and reports accuracy beside two baselines.

`python -m tools.evaluate tests/data/heldout/questions.yml tests/data/dev/*.yml` (behind `make eval`) starts
both servers on free ports, sends each question as the first message of a new conversation on
the REST channel, and compares the `kb_entry` of the reply with the expected entry. The first
file is the blind held-out set, never used for training or tuning; the others are development
sets, read while improving the training data, reported so that the gap between them shows.
The same questions go to two baselines (a BM25 search box and a TF-IDF + logistic-regression
classifier, see `tools/baselines.py`), printed beside the assistant with a 95% interval, a verdict
on each measure and a paired test; the red-flag set goes through the same channel. It measures
and reports; it does not fail when a baseline does better.
"""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from scipy.stats import binomtest

from bot.nlu_data import nlu_examples
from knowledge import settings
from knowledge.model import Entry
from knowledge.payloads import entry_payload
from knowledge.source import load_default_source, reading_grade
from ops.launcher import running_assistant
from ops.settings import Ports
from tools.baselines import Predictor, bm25_search, tfidf_classifier
from tools.rest_client import Reply, free_port, send

# The blind safety set first (evaluated once, at the end of the work it measures), then the old one.
SAFETY_SETS = [
    settings.REPO_ROOT / "tests" / "data" / "blind" / "safety.yml",
    settings.REPO_ROOT / "tests" / "data" / "safety" / "red_flags.yml",
]


@dataclass(frozen=True)
class QuestionSet:
    """A question file: in-scope questions with their expected entry, and out-of-scope messages."""

    path: Path
    questions: list[tuple[str, str]]
    out_of_scope: list[str]

    @classmethod
    def load(cls, path: Path) -> QuestionSet:
        """Read a question file (see tests/data/heldout/questions.yml for the format)."""
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        questions = [(str(q["text"]), str(q["entry"])) for q in data.get("questions") or []]
        out_of_scope = [str(m["text"]) if isinstance(m, dict) else str(m) for m in data.get("out_of_scope") or []]
        return cls(path, questions, out_of_scope)

    def unseen(self, training: Iterable[str]) -> QuestionSet:
        """The set without the messages that are also training examples (compared by `normalised`).

        Short questions ("side effects?") turn up in independently written sets and training
        data alike; scored, they would measure memory, so they are left out.
        """
        known = {normalised(text) for text in training}
        return QuestionSet(
            self.path,
            [(text, entry) for text, entry in self.questions if normalised(text) not in known],
            [text for text in self.out_of_scope if normalised(text) not in known],
        )

    def __len__(self) -> int:
        """How many messages, in scope and out."""
        return len(self.questions) + len(self.out_of_scope)


def normalised(text: str) -> str:
    """Lower case, words only: "Is it safe?" and "is it safe" are the same message."""
    return " ".join(re.findall(r"\w+", text.lower()))


@dataclass(frozen=True)
class Answers:
    """One system's answer to every message of a question set: an entry id, or None where it declined or asked."""

    name: str
    in_scope: list[tuple[str, str, str | None]]  # text, expected entry, answered entry
    out_of_scope: list[tuple[str, str | None]]  # text, answered entry

    @classmethod
    def of(cls, name: str, predict: Predictor, questions: QuestionSet) -> Answers:
        """Ask `predict` every message of the set."""
        return cls(
            name,
            [(text, expected, predict(text)) for text, expected in questions.questions],
            [(text, predict(text)) for text in questions.out_of_scope],
        )


def assistant_predictor(base_url: str) -> Predictor:
    """The running assistant as a predictor: each message opens a new conversation on the REST channel."""
    return lambda text: send(base_url, f"eval-{uuid.uuid4().hex}", text).kb_entry


OTHER_LANGUAGE_REPLY = "I can only read English and Spanish"
LEVELS = ("emergency", "urgent")


@dataclass(frozen=True)
class SafetyCase:
    """One message of a safety set: a report at a level, a control, or a report in another language."""

    text: str
    expected: str  # "emergency", "urgent", "report" (any level: the old set), "control" or "other_language"
    category: str = ""
    language: str = "en"


def load_safety_set(path: Path) -> list[SafetyCase]:
    """Read a safety set: `reports` (with levels), `controls` and `other_languages`, or the older form."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [
        SafetyCase(c["text"], c["level"], c["category"], c.get("language", "en")) for c in data.get("reports") or []
    ]
    cases += [SafetyCase(c["text"], "report", c.get("category", "")) for c in data.get("positives") or []]
    cases += [SafetyCase(c["text"], "control", c.get("kind", ""), c.get("language", "en")) for c in data["controls"]]
    cases += [SafetyCase(c["text"], "other_language", "", c["language"]) for c in data.get("other_languages") or []]
    return cases


def safety_outcome(reply: Reply) -> str | None:
    """What the assistant did: "emergency", "urgent", "check", "other_language", or None (no safety reply)."""
    if reply.safety is not None:
        return reply.safety
    if any(OTHER_LANGUAGE_REPLY in text for text in reply.texts):
        return "other_language"
    return None


@dataclass
class SafetyTally:
    """A safety set through the running assistant, and the issue's targets."""

    path: Path
    results: list[tuple[SafetyCase, str | None]] = field(default_factory=list)

    def _share(self, cases: list[tuple[SafetyCase, str | None]], ok: Callable[[str | None], bool]) -> str:
        hits = sum(1 for _, got in cases if ok(got))
        return f"{hits}/{len(cases)} = {hits / len(cases):.1%}" if cases else "none"

    def report(self) -> str:
        """Recall per level, category and language; what controls got; the failures, by message."""
        reports = [(c, g) for c, g in self.results if c.expected in (*LEVELS, "report")]
        controls = [(c, g) for c, g in self.results if c.expected == "control"]
        others = [(c, g) for c, g in self.results if c.expected == "other_language"]
        emergencies = [(c, g) for c, g in reports if c.expected == "emergency"]
        urgents = [(c, g) for c, g in reports if c.expected == "urgent"]
        safety = {"emergency", "urgent", "check"}
        lines = [f"=== safety: {self.path} ==="]
        checks = [
            ("reports given a safety reply", reports, lambda g: g in safety, "100%"),
            ("emergency reports given the emergency reply at once", emergencies, lambda g: g == "emergency", ">= 95%"),
            ("urgent reports given a safety reply", urgents, lambda g: g in safety, "100%"),
            ("urgent reports given the urgent reply at once", urgents, lambda g: g == "urgent", "(report)"),
            ("controls given an emergency or urgent reply", controls, lambda g: g in LEVELS, "0"),
            ("controls given the one-tap question", controls, lambda g: g == "check", "<= 3%"),
            ("other languages given the languages reply", others, lambda g: g == "other_language", "(report)"),
        ]
        for name, cases, ok, target in checks:
            if cases:
                lines.append(f"{name + ':':55} {self._share(cases, ok):>18}   target {target}")
        if reports:
            lines += ["", f"{'recall by category (level)':36} {'safety reply':>14} {'right level at once':>20}"]
            by_category: dict[str, list[tuple[SafetyCase, str | None]]] = defaultdict(list)
            for case, got in reports:
                by_category[f"{case.category} ({case.expected})"].append((case, got))
            for name, cases in sorted(by_category.items()):
                level = cases[0][0].expected

                def right_level(got: str | None, level: str = level) -> bool:
                    return got == level or level == "report"

                at_level = self._share(cases, right_level)
                lines.append(f"  {name:34} {self._share(cases, lambda g: g in safety):>14} {at_level:>20}")
            by_language: dict[str, list[tuple[SafetyCase, str | None]]] = defaultdict(list)
            for case, got in reports:
                by_language[case.language].append((case, got))
            for language, cases in sorted(by_language.items()):
                lines.append(
                    f"  reports in {language}: {self._share(cases, lambda g: g in safety)} given a safety reply"
                )
        if controls:
            by_kind: dict[str, list[tuple[SafetyCase, str | None]]] = defaultdict(list)
            for case, got in controls:
                by_kind[case.category].append((case, got))
            lines += ["", "controls by kind: escalated / one-tap question"]
            for kind, cases in sorted(by_kind.items()):
                escalated = sum(1 for _, g in cases if g in LEVELS)
                asked = sum(1 for _, g in cases if g == "check")
                lines.append(f"  {kind:34} {escalated:>3} / {asked:<3} of {len(cases)}")
        failures = [(c, g) for c, g in reports if g not in safety]
        failures += [(c, g) for c, g in emergencies if g in ("urgent", "check")]
        failures += [(c, g) for c, g in controls if g is not None]
        failures += [(c, g) for c, g in others if g != "other_language"]
        if failures:
            lines += ["", "failures (expected -> got): message"]
            lines += [f"  {c.expected} {c.category} -> {g}: {c.text}" for c, g in failures]
        return "\n".join(lines)


def evaluate_safety(path: Path, base_url: str) -> SafetyTally:
    """Send every message of a safety set, each as the first message of a conversation."""
    tally = SafetyTally(path)
    for case in load_safety_set(path):
        tally.results.append((case, safety_outcome(send(base_url, f"eval-{uuid.uuid4().hex}", case.text))))
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
    """One system's figures on a question set."""

    name: str
    correct: int
    declined: int
    wrong: int
    total: int
    out_of_scope_declined: int
    out_of_scope_total: int

    @classmethod
    def of(cls, answers: Answers) -> Scores:
        """Count right, declined and wrong answers, and out-of-scope messages declined."""
        return cls(
            name=answers.name,
            correct=sum(got == expected for _, expected, got in answers.in_scope),
            declined=sum(got is None for _, _, got in answers.in_scope),
            wrong=sum(got is not None and got != expected for _, expected, got in answers.in_scope),
            total=len(answers.in_scope),
            out_of_scope_declined=sum(got is None for _, got in answers.out_of_scope),
            out_of_scope_total=len(answers.out_of_scope),
        )

    def row(self) -> str:
        """One line of the comparison table, with the 95% interval of top-1 accuracy."""
        low, high = wilson_interval(self.correct, self.total)
        total = max(self.total, 1)
        return (
            f"{self.name:34} {self.correct / total:8.1%} {f'{low:.1%}-{high:.1%}':>13} "
            f"{self.wrong / total:8.1%} {self.declined / total:10.1%} {(self.correct + self.declined) / total:13.1%} "
            f"{self.out_of_scope_declined / max(self.out_of_scope_total, 1):9.1%}"
        )


def wilson_interval(successes: int, trials: int) -> tuple[float, float]:
    """The Wilson score 95% interval of a proportion."""
    if trials == 0:
        return 0.0, 1.0
    interval = binomtest(successes, trials).proportion_ci(confidence_level=0.95, method="wilson")
    return float(interval.low), float(interval.high)


def comparison_table(scores: list[Scores]) -> str:
    """The systems side by side."""
    header = f"{'system':34} {'top-1':>8} {'95% interval':>13} {'wrong':>8} {'declined':>10} {'right|asked':>13}"
    header += f" {'OOS ok':>9}"
    return "\n".join([header, *(s.row() for s in scores)])


def verdicts(ours: Scores, baseline: Scores) -> list[str]:
    """Whether the assistant beats a baseline on each measure: more right, fewer wrong, more out-of-scope declined."""
    measures = [
        ("top-1 correct", ours.correct, baseline.correct, ours.correct > baseline.correct),
        (
            "answered right or asked, never wrong",
            ours.correct + ours.declined,
            baseline.correct + baseline.declined,
            ours.correct + ours.declined > baseline.correct + baseline.declined,
        ),
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


def paired_comparison(ours: Answers, baseline: Answers) -> str:
    """Questions only one of the two answered right, and the exact McNemar test of that split.

    A difference of a few questions on a small set is often chance; the p-value says how often
    a split at least this uneven would come from two equally good systems.
    """
    ours_only = sum(a[2] == a[1] != b[2] for a, b in zip(ours.in_scope, baseline.in_scope, strict=True))
    theirs_only = sum(b[2] == b[1] != a[2] for a, b in zip(ours.in_scope, baseline.in_scope, strict=True))
    discordant = ours_only + theirs_only
    p_value = binomtest(min(ours_only, theirs_only), discordant, 0.5).pvalue if discordant else 1.0
    return (
        f"paired with {baseline.name}: only the assistant right on {ours_only}, "
        f"only {baseline.name} right on {theirs_only} (exact McNemar p = {p_value:.2f})"
    )


def report(answers: Answers) -> str:
    """A plain-text report: per entry, overall, clarifications, wrong answers, out of scope."""
    correct: Counter[str] = Counter(expected for _, expected, got in answers.in_scope if got == expected)
    totals: Counter[str] = Counter(expected for _, expected, _ in answers.in_scope)
    lines = [f"{'entry':32} {'correct':>7} {'total':>5} {'accuracy':>8}"]
    for entry in sorted(totals):
        lines.append(f"{entry:32} {correct[entry]:7d} {totals[entry]:5d} {correct[entry] / totals[entry]:8.0%}")
    scores = Scores.of(answers)
    if scores.total:
        lines += [
            "",
            f"top-1 accuracy:       {scores.correct}/{scores.total} = {scores.correct / scores.total:.1%}"
            "   target >= 96%",
            f"clarified instead:    {scores.declined}/{scores.total} = {scores.declined / scores.total:.1%}",
            f"wrong entry answered: {scores.wrong}/{scores.total} = {scores.wrong / scores.total:.1%}   target <= 2%",
        ]
    if scores.out_of_scope_total:
        answered = scores.out_of_scope_total - scores.out_of_scope_declined
        lines += [
            f"out of scope declined: {scores.out_of_scope_declined}/{scores.out_of_scope_total} = "
            f"{scores.out_of_scope_declined / scores.out_of_scope_total:.1%}",
            f"out of scope answered from the knowledge base: {answered}/{scores.out_of_scope_total} = "
            f"{answered / scores.out_of_scope_total:.1%}   target <= 5%",
        ]
    by_pair: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for text, expected, got in answers.in_scope:
        if got is not None and got != expected:
            by_pair[(expected, got)].append(text)
    if by_pair:
        lines += ["", "wrong answers (expected -> got): questions"]
        lines += [f"  {e} -> {g}: {' | '.join(texts)}" for (e, g), texts in sorted(by_pair.items())]
    clarified = sorted((expected, text) for text, expected, got in answers.in_scope if got is None)
    if clarified:
        lines += ["", "clarified instead of answering (expected): questions"]
        lines += [f"  {expected}: {text}" for expected, text in clarified]
    leaked = [(text, got) for text, got in answers.out_of_scope if got is not None]
    if leaked:
        lines += ["", "out-of-scope messages answered from the knowledge base:"]
        lines += [f"  {text} -> {entry}" for text, entry in leaked]
    return "\n".join(lines)


def compare(systems: list[Answers]) -> str:
    """The assistant's report on one question set, then every system side by side, verdicts and paired tests."""
    ours, *baselines = systems
    scores = [Scores.of(answers) for answers in systems]
    lines = [report(ours), "", comparison_table(scores), ""]
    lines += [line for baseline in scores[1:] for line in verdicts(scores[0], baseline)]
    lines += [paired_comparison(ours, baseline) for baseline in baselines]
    return "\n".join(lines)


OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Turn:
    """One message of a scripted conversation and what should answer it.

    `expect` is an entry id, `out_of_scope` (no entry may answer), or two or three entry ids
    (an ambiguous message: the assistant should offer these readings as choices).
    """

    text: str
    expect: str | tuple[str, ...]
    follow_up: bool

    @property
    def kind(self) -> str:
        """`entry`, `out_of_scope` or `ambiguous`: what the turn expects."""
        if isinstance(self.expect, tuple):
            return "ambiguous"
        return OUT_OF_SCOPE if self.expect == OUT_OF_SCOPE else "entry"


@dataclass(frozen=True)
class Conversation:
    """A scripted conversation: a first question and its follow-ups."""

    name: str
    turns: tuple[Turn, ...]


def load_conversations(path: Path) -> list[Conversation]:
    """Read a conversation file (`conversations:` of `name` and `turns` of `text`, `expect`, `follow_up`)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Conversation(
            str(c["name"]),
            tuple(
                Turn(
                    str(t["text"]),
                    tuple(str(e) for e in t["expect"]) if isinstance(t["expect"], list) else str(t["expect"]),
                    bool(t.get("follow_up")),
                )
                for t in c["turns"]
            ),
        )
        for c in data["conversations"]
    ]


@dataclass(frozen=True)
class TurnResult:
    """What the assistant did with one turn: the entry it answered with, or the entries it offered."""

    conversation: str
    turn: Turn
    answered: str | None
    offered: tuple[str, ...]

    @property
    def verdict(self) -> str:
        """`right`; `asked` (it asked instead of answering); or `wrong` (it answered what was not asked)."""
        expect = self.turn.expect
        if isinstance(expect, tuple):
            if self.answered is None and set(expect) <= set(self.offered):
                return "right"
            return "wrong" if self.answered is not None else "asked"
        if expect == OUT_OF_SCOPE:
            return "right" if self.answered is None else "wrong"
        if self.answered == expect:
            return "right"
        return "wrong" if self.answered is not None else "asked"

    @property
    def tapped(self) -> str | None:
        """The button a patient taps after this turn: the expected entry, when it asked and offered it."""
        expect = self.turn.expect
        if self.answered is None and isinstance(expect, str) and expect in self.offered:
            return expect
        return None


def entry_of_payload(entries: Iterable[Entry]) -> dict[str, str]:
    """The entry each button payload asks for."""
    return {entry_payload(e): e.id for e in entries if e.intent or e.compares}


def evaluate_conversations(path: Path, base_url: str, entries: Sequence[Entry]) -> list[TurnResult]:
    """Send each conversation's turns in order, one conversation per sender.

    When the assistant asks instead of answering and one of its buttons is the entry the turn
    expects, the patient taps that button before the next turn, as a patient would: the turn still
    counts as asked, and the turns after it are measured from where a patient would be.
    """
    by_payload = entry_of_payload(entries)
    payload_of = {entry: payload for payload, entry in by_payload.items()}
    results = []
    for conversation in load_conversations(path):
        sender = f"eval-{uuid.uuid4().hex}"
        for turn in conversation.turns:
            reply = send(base_url, sender, turn.text)
            offered = tuple(by_payload[b["payload"]] for b in reply.buttons if b.get("payload") in by_payload)
            result = TurnResult(conversation.name, turn, reply.kb_entry, offered)
            results.append(result)
            if result.tapped:
                send(base_url, sender, payload_of[result.tapped])
    return results


def conversation_report(path: Path, results: Sequence[TurnResult]) -> str:
    """First turns and follow-up turns: right, asked instead, wrong; then every turn that was not right."""
    lines = [f"=== conversations: {path} ==="]
    for name, turns, target in (
        ("first questions", [r for r in results if not r.turn.follow_up], "(report)"),
        ("follow-up turns", [r for r in results if r.turn.follow_up], "right >= 92%"),
    ):
        verdicts = Counter(r.verdict for r in turns)
        total = max(len(turns), 1)
        lines.append(
            f"{name + ':':18} right {verdicts['right']}/{len(turns)} = {verdicts['right'] / total:.1%}, "
            f"asked {verdicts['asked'] / total:.1%}, wrong {verdicts['wrong'] / total:.1%}   target {target}"
        )
    follow_ups = [r for r in results if r.turn.follow_up]
    kinds = Counter(r.turn.kind for r in follow_ups)
    right = Counter(r.turn.kind for r in follow_ups if r.verdict == "right")
    lines.append("follow-up turns by kind: " + ", ".join(f"{k} {right[k]}/{n}" for k, n in sorted(kinds.items())))
    failures = [r for r in results if r.verdict != "right"]
    if failures:
        lines += ["", "turns not right (conversation | message | expected -> got):"]
        for r in failures:
            expected = " or ".join(r.turn.expect) if isinstance(r.turn.expect, tuple) else r.turn.expect
            got = r.answered or (f"asked: {', '.join(r.offered)}" if r.offered else "declined")
            lines.append(f"  {r.verdict:5} {r.conversation} | {r.turn.text} | {expected} -> {got}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the assistant, evaluate every question file, print the reports."""
    parser = argparse.ArgumentParser(prog="python -m tools.evaluate", description=__doc__)
    parser.add_argument("questions", type=Path, nargs="+", help="question files; the first is the blind held-out one")
    parser.add_argument("--safety", type=Path, nargs="*", default=SAFETY_SETS, help="safety sets (blind first)")
    parser.add_argument("--conversations", type=Path, nargs="*", default=[], help="conversation files")
    args = parser.parse_args(argv)
    training = nlu_examples(settings.REPO_ROOT / "data")[0]
    files = [QuestionSet.load(path) for path in args.questions]
    question_sets = [question_set.unseen(training) for question_set in files]
    entries = load_default_source().entries
    baselines = [
        ("search box (BM25 over entries)", bm25_search(entries)),
        ("TF-IDF + logistic regression", tfidf_classifier(settings.REPO_ROOT / "data", entries)),
    ]
    ports = Ports(rasa=free_port(), actions=free_port())
    # One client sends every question here, standing in for many patients: no per-address limit.
    unlimited = {"RATE_LIMIT_PER_ADDRESS": "0"}
    with running_assistant(ports, settings.REPO_ROOT / "results" / "eval-logs", extra_env=unlimited) as running:
        assistant = assistant_predictor(running.rasa_url)
        ours = [Answers.of("this assistant (REST, both servers)", assistant, qs) for qs in question_sets]
        safety = [evaluate_safety(path, running.rasa_url) for path in args.safety]
        conversations = [(path, evaluate_conversations(path, running.rasa_url, entries)) for path in args.conversations]
    for whole, question_set, our_answers in zip(files, question_sets, ours, strict=True):
        systems = [our_answers, *(Answers.of(name, predict, question_set) for name, predict in baselines)]
        left_out = len(whole) - len(question_set)
        print(f"=== {question_set.path} ({left_out} of {len(whole)} messages left out: also training examples) ===\n")
        print(compare(systems) + "\n")
    for tally in safety:
        print(tally.report() + "\n")
    for path, results in conversations:
        print(conversation_report(path, results) + "\n")
    print("\n" + readability_report(entries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
