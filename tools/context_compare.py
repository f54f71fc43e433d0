"""Which context engine tells a report from a mention best: ours, medspaCy's ConText or negspacy.

`make context-compare` installs medspaCy and negspacy into build/context-libs (not into the
project's environment: medspaCy pulls compiled packages the runtime does not need) and runs this
over a safety set. Every engine judges the same symptom spans, the ones our patterns find, so
only the context decision differs; the message's label says whether it is a report.

    python -m tools.context_compare tests/data/safety/red_flags.yml
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.safety.red_flags import REPORT, RedFlagDetector, normalise
from tools.evaluate import load_safety_set

Judge = Callable[[str, list[tuple[int, int]]], bool]


def symptom_spans(nlp: Language, detector: RedFlagDetector, text: str) -> tuple[Doc, list[Span]]:
    """The message as a spaCy doc, and the spans our patterns find in it (its own English rules)."""
    doc = nlp(normalise(text))
    spans = []
    for finding in detector.findings(text):
        start = doc.text.find(finding.evidence)
        span = doc.char_span(start, start + len(finding.evidence), label="SYMPTOM") if start >= 0 else None
        if span is not None:
            spans.append(span)
    return doc, spacy.util.filter_spans(spans)


def medspacy_judge() -> Callable[[Doc, list[Span]], bool]:
    """MedspaCy's ConText with its default rules: a span counts unless negated, hypothetical, historical or family."""
    from medspacy.context import ConText

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    context = ConText(nlp)

    def judge(doc: Doc, spans: list[Span]) -> bool:
        doc.set_ents(spans)
        context(doc)
        return any(not (e._.is_negated or e._.is_hypothetical or e._.is_historical or e._.is_family) for e in doc.ents)

    return judge


def negspacy_judge() -> Callable[[Doc, list[Span]], bool]:
    """Negspacy's NegEx with its clinical termset: a span counts unless negated."""
    from negspacy.negation import Negex
    from negspacy.termsets import termset

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    negex = Negex(nlp, "negex", termset("en_clinical").get_patterns(), ["SYMPTOM"], "negex", [])

    def judge(doc: Doc, spans: list[Span]) -> bool:
        doc.set_ents(spans)
        negex(doc)
        return any(not e._.negex for e in doc.ents)

    return judge


def main(argv: Sequence[str] | None = None) -> int:
    """Print each engine's reports caught and mentions wrongly taken as reports."""
    parser = argparse.ArgumentParser(prog="python -m tools.context_compare", description=__doc__.splitlines()[0])
    parser.add_argument("sets", type=Path, nargs="+", help="safety sets to compare on (development sets only)")
    args = parser.parse_args(argv)
    detector = RedFlagDetector.from_file(with_classifier=False)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    engines = {"medspaCy ConText (default rules)": medspacy_judge(), "negspacy (en_clinical)": negspacy_judge()}
    for path in args.sets:
        cases = [c for c in load_safety_set(path) if c.language == "en" and c.expected != "other_language"]
        tallies = {name: [0, 0, 0, 0] for name in ("ours (bot/safety context cues)", *engines)}
        for case in cases:
            doc, spans = symptom_spans(nlp, detector, case.text)
            if not spans:
                continue
            is_report = case.expected != "control"
            verdicts = {"ours (bot/safety context cues)": any(f.status == REPORT for f in detector.findings(case.text))}
            verdicts |= {name: judge(doc, list(spans)) for name, judge in engines.items()}
            for name, said in verdicts.items():
                tally = tallies[name]
                tally[0 if is_report else 2] += 1
                tally[1 if is_report else 3] += int(said)
        print(f"=== {path}: messages where our patterns find a symptom ===")
        print(f"{'engine':36} {'reports kept':>14} {'mentions taken as reports':>27}")
        for name, (reports, kept, mentions, alarmed) in tallies.items():
            print(f"{name:36} {kept:>6}/{reports:<7} {alarmed:>13}/{mentions:<13}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
