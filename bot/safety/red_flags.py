"""Finds red-flag symptoms in a message with spaCy rules, telling reports from questions.

The rules live in `red_flags.yml` beside this file. A message is a red flag when a symptom
pattern matches and the match is neither denied ("I don't have chest pain") nor asked about
("can it cause chest pain?", "what if my legs go numb?").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.matcher import Matcher
from spacy.tokens import Doc

DEFAULT_RULES = Path(__file__).with_name("red_flags.yml")
# The intent the Rasa component sets; no training example has it.
RED_FLAG_INTENT = "red_flag"
NEGATION_WINDOW = 4
AFTER_WINDOW = 4
NEAR = 2
CLAUSE_BREAKS = frozenset({".", ",", ";", "?", "!", "but", "however", "although", "though", "also", "-", ":"})
_CONTRACTIONS = [
    (re.compile(r"\b(can'?t|cannot|can not)\b"), "unable"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\b(do|does|did|is|are|was|were|has|have|had|could|would|should)n'?t\b"), r"\1 not"),
    (re.compile(r"\bi'?m\b"), "i am"),
    (re.compile(r"[’‘`]"), "'"),
]


@dataclass(frozen=True)
class RedFlag:
    """A symptom that needs urgent care, and the words that showed it."""

    category: str
    evidence: str


def normalise(text: str) -> str:
    """Lower case with contractions expanded, so that patterns can be written once."""
    text = text.lower().replace("’", "'")
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def compile_pattern(spec: str, groups: Mapping[str, Sequence[str]], negations: Iterable[str]) -> list[dict[str, Any]]:
    """Turn one pattern of the rules' notation into a spaCy Matcher token pattern."""
    tokens: list[dict[str, Any]] = []
    not_negation = {"LOWER": {"NOT_IN": sorted(set(negations) | CLAUSE_BREAKS)}, "OP": "?"}
    for slot in spec.split():
        if slot.startswith("~"):
            tokens += [dict(not_negation) for _ in range(int(slot[1:]))]
            continue
        optional = slot.endswith("?") and len(slot) > 1
        words: list[str] = []
        for word in slot.rstrip("?").split("|"):
            words += list(groups[word[1:]]) if word.startswith("@") else [word]
        token: dict[str, Any] = {"LOWER": {"IN": words}}
        if optional:
            token["OP"] = "?"
        tokens.append(token)
    return tokens


class RedFlagDetector:
    """Matches the red-flag rules against a message."""

    def __init__(self, rules: Mapping[str, Any]) -> None:
        """Compile the rules (the parsed `red_flags.yml`)."""
        self._nlp = spacy.blank("en")
        self._matcher = Matcher(self._nlp.vocab)
        self._negations = frozenset(rules["negations"])
        self._hypothetical = frozenset(rules["hypothetical"])
        self._after = frozenset(rules["after"])
        self._not_near = {category: frozenset(words) for category, words in (rules.get("not_near") or {}).items()}
        groups = rules.get("groups") or {}
        for category, specs in rules["categories"].items():
            patterns = [compile_pattern(spec, groups, self._negations) for spec in specs]
            self._matcher.add(category, patterns)

    @classmethod
    def from_file(cls, path: Path = DEFAULT_RULES) -> RedFlagDetector:
        """Load the rules from a YAML file."""
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def detect(self, text: str) -> RedFlag | None:
        """The first red flag the message reports, or None."""
        doc = self._nlp.make_doc(normalise(text))
        for match_id, start, end in sorted(self._matcher(doc), key=lambda m: (m[1], m[2])):
            category = self._nlp.vocab.strings[match_id]
            if self._reported(doc, start, end) and not self._excused(doc, category, start, end):
                return RedFlag(category=category, evidence=doc[start:end].text)
        return None

    def _excused(self, doc: Doc, category: str, start: int, end: int) -> bool:
        words = self._not_near.get(category, frozenset())
        return any(t.lower_ in words for t in doc[max(start - NEAR, 0) : end + NEAR])

    def _reported(self, doc: Doc, start: int, end: int) -> bool:
        before = self._clause_before(doc, start)
        if self._negations & set(before[-NEGATION_WINDOW:]):
            return False
        if self._hypothetical & set(before):
            return False
        return not self._after & set(self._clause_after(doc, end)[:AFTER_WINDOW])

    @staticmethod
    def _clause_before(doc: Doc, start: int) -> list[str]:
        words: list[str] = []
        for token in reversed(doc[:start]):
            if token.lower_ in CLAUSE_BREAKS:
                break
            words.insert(0, token.lower_)
        return words

    @staticmethod
    def _clause_after(doc: Doc, end: int) -> list[str]:
        words: list[str] = []
        for token in doc[end:]:
            if token.lower_ in CLAUSE_BREAKS:
                break
            words.append(token.lower_)
        return words
