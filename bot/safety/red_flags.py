"""Finds urgent symptoms in a message and decides whether it reports them, at which level.

Two layers, kept apart from the question classifier so that no knowledge intent can out-vote
them:
- rules (`red_flags.yml` beside this file): spaCy Matcher patterns per category, in English and
  Spanish, and context cues that tell a report ("my legs went numb this morning") from a denial,
  a question, a past or long-standing symptom, or a general mention;
- a classifier (`classifier.py`) trained on varied reports and controls (`examples.yml`), which
  generalises past the word lists.

`screen()` combines them: a clear report escalates at once; a symptom whose context is unclear,
or a report only one layer sees, gets the one-tap question instead ("Is this happening to you,
or someone with you, now?"). Pure: no Rasa imports, so the channels and the NLU component share it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from bot.safety.classifier import DEFAULT_EXAMPLES, ReportClassifier, cached
from bot.safety.language import ENGLISH, OTHER, SPANISH, language_of

DEFAULT_RULES = Path(__file__).with_name("red_flags.yml")
EMERGENCY, URGENT = "emergency", "urgent"
LEVEL_ORDER = {URGENT: 1, EMERGENCY: 2}
# What screen() decides.
ESCALATE, CHECK, NOTHING = "escalate", "check", "nothing"
# The status of one matched symptom.
REPORT, UNCLEAR = "report", "unclear"
DENIED, RESOLVED, PAST, LONG_STANDING, ASKED, GENERAL = (
    "denied",
    "resolved",
    "past",
    "long_standing",
    "asked",
    "general",
)
NOT_REPORTS = frozenset({DENIED, RESOLVED, PAST, LONG_STANDING, ASKED, GENERAL})
NEAR = 2
# One-word modal cues count only in a question: "can it cause a stroke?", not "now I can only take little breaths".
MODALS = frozenset({"can", "could", "will", "would", "should", "might", "may", "puede", "podria"})
SENTENCE_BREAKS = frozenset({".", "?", "!", ";", "\n"})
CLAUSE_BREAKS = SENTENCE_BREAKS | {",", "but", "however", "although", "though", "-", ":", "pero", "aunque"}
_CONTRACTIONS = [
    (re.compile(r"\b(can'?t|cannot|can not|cnt|cant)\b"), "unable"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\b(do|does|did|is|are|was|were|has|have|had|could|would|should)n'?t\b"), r"\1 not"),
    (re.compile(r"\b(i|you|we|they)'?ve\b"), r"\1 have"),
    (re.compile(r"\b(he|she|it)'?s\b"), r"\1 is"),
    (re.compile(r"\bi'?m\b"), "i am"),
    (re.compile(r"\bill\b(?= (be|feel|get|go|call))"), "i will"),
]


@dataclass(frozen=True)
class Finding:
    """One matched symptom: its category and level, the words, and whether they report it."""

    category: str
    level: str
    evidence: str
    status: str


@dataclass(frozen=True)
class Screening:
    """What to do with a message: escalate at a level, ask the one-tap question, or nothing."""

    decision: str
    language: str
    level: str | None = None
    category: str | None = None
    mentions: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = field(default=(), repr=False)

    @property
    def mention_level(self) -> str | None:
        """The highest level of any symptom the message mentions, reported or not."""
        levels = [f.level for f in self.findings]
        return max(levels, key=LEVEL_ORDER.__getitem__) if levels else None


def strip_accents(text: str) -> str:
    """The text without accents, so that "corazón" and "corazon" match alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """Lower case, plain letters, contractions expanded, so that patterns can be written once."""
    text = strip_accents(text.lower().replace("’", "'").replace("‘", "'").replace("`", "'"))
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def compile_pattern(spec: str, groups: Mapping[str, Sequence[str]], negations: Iterable[str]) -> list[dict[str, Any]]:
    """Turn one pattern of the rules' notation into a spaCy Matcher token pattern.

    A gap (`~N`) never spans a clause break or a denial: "my legs are not numb" is no match.
    """
    tokens: list[dict[str, Any]] = []
    gap = {"LOWER": {"NOT_IN": sorted(CLAUSE_BREAKS | set(negations) | {"or", "nor"})}, "OP": "?"}
    for slot in spec.split():
        if slot.startswith("~"):
            tokens += [dict(gap) for _ in range(int(slot[1:]))]
            continue
        optional = slot.endswith("?") and len(slot) > 1
        words: list[str] = []
        for word in slot.rstrip("?").split("|"):
            words += list(groups[word[1:]]) if word.startswith("@") else [word]
        token: dict[str, Any] = {"LOWER": {"IN": sorted({normalise(w) for w in words})}}
        if optional:
            token["OP"] = "?"
        tokens.append(token)
    return tokens


@dataclass(frozen=True)
class _Cues:
    """One language's context cues, each a tuple of normalised word sequences."""

    negations: frozenset[str]
    negation_bridge: frozenset[str]
    phrases: dict[str, tuple[tuple[str, ...], ...]]
    question_anchors: frozenset[str]
    question_openers: frozenset[str]
    references: frozenset[str] = frozenset()
    pointers: frozenset[str] = frozenset()
    topic_nouns: frozenset[str] = frozenset()

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> _Cues:
        def words(name: str) -> frozenset[str]:
            return frozenset(normalise(str(w)) for w in rules.get(name) or [])

        listed = (
            "resolved", "past", "long_standing", "hypothetical", "conditional", "general", "report_anchors",
            "ongoing", "not_cues", "recurred", "now_words", "possibility_tags", "listed_after",
        )  # fmt: skip
        phrases = {name: tuple(tuple(normalise(str(p)).split()) for p in rules.get(name) or []) for name in listed}
        return cls(
            negations=words("negations"),
            negation_bridge=words("negation_bridge") | {"or", "nor", "and", "o", "y", "ni"},
            phrases=phrases,
            question_anchors=words("question_anchors"),
            question_openers=words("question_openers"),
            references=words("references"),
            pointers=words("pointers"),
            topic_nouns=words("topic_nouns"),
        )


def _find(words: Sequence[str], phrases: Iterable[tuple[str, ...]]) -> list[tuple[int, int]]:
    """Where the phrases occur in the words, as (start, end) pairs."""
    found = []
    for phrase in phrases:
        size = len(phrase)
        for i in range(len(words) - size + 1):
            if tuple(words[i : i + size]) == phrase:
                found.append((i, i + size))
    return sorted(found)


# A sentence this short that names a symptom after a pointer word ("and", "the") names a topic.
MAX_POINTER_WORDS = 4


class RedFlagRules:
    """The curated rules: categories, levels, patterns per language, and context cues."""

    def __init__(self, rules: Mapping[str, Any]) -> None:
        """Compile the rules (the parsed `red_flags.yml`)."""
        self.levels: dict[str, Mapping[str, Any]] = dict(rules["levels"])
        self.categories: dict[str, Mapping[str, Any]] = dict(rules["categories"])
        self._nlp: Language = spacy.blank("en")
        self._not_near = {
            c: frozenset(normalise(w) for w in words) for c, words in (rules.get("not_near") or {}).items()
        }
        self._cues = {lang: _Cues.from_rules(cues) for lang, cues in rules["context"].items()}
        groups = rules.get("groups") or {}
        self._matchers: dict[str, Matcher] = {}
        negations = {w for cues in self._cues.values() for w in cues.negations}
        for language in (ENGLISH, SPANISH):
            matcher = Matcher(self._nlp.vocab)
            for category, spec in self.categories.items():
                patterns = [compile_pattern(p, groups, negations) for p in spec.get(language) or []]
                if patterns:
                    matcher.add(category, patterns)
            self._matchers[language] = matcher

    def level_of(self, category: str) -> str:
        """The level a category sits at."""
        return str(self.categories[category]["level"])

    def findings(self, text: str, language: str) -> list[Finding]:
        """Every symptom the rules match in the text, with its context's verdict."""
        if language not in self._matchers:
            return []
        doc = self._nlp.make_doc(normalise(text))
        found: dict[str, Finding] = {}
        for match_id, start, end in sorted(self._matchers[language](doc), key=lambda m: (m[1], -m[2])):
            category = self._nlp.vocab.strings[match_id]
            if self._excused(doc, category, start, end):
                continue
            status = self._status(doc, start, end, self._cues[language])
            previous = found.get(category)
            if previous is None or (previous.status != REPORT and status == REPORT):
                found[category] = Finding(category, self.level_of(category), doc[start:end].text, status)
        return list(found.values())

    def _excused(self, doc: Doc, category: str, start: int, end: int) -> bool:
        words = self._not_near.get(category, frozenset())
        return any(t.lower_ in words for t in doc[max(start - NEAR, 0) : end + NEAR])

    def _status(self, doc: Doc, start: int, end: int, cues: _Cues) -> str:
        words = [t.lower_ for t in doc]
        s_start, s_end = _span(words, start, end, SENTENCE_BREAKS)
        c_start, c_end = _span(words, start, end, CLAUSE_BREAKS)
        sentence, clause_before = words[s_start:s_end], words[c_start:start]
        phrase = cues.phrases
        if self._denied(clause_before, cues):
            return DENIED
        if (
            words[start - 1 : start] in (["the"], ["that"], ["this"])
            and words[end : end + 1]
            and (words[end] in cues.references)
        ):
            return ASKED  # "the stroke one": a topic the conversation named, not a symptom
        clause = words[c_start:c_end]
        anchors = phrase["report_anchors"]
        clause_anchored = bool(_find(clause, anchors))
        now = bool(_find(clause, phrase["now_words"]))
        if words[end : end + 1] and words[end] in cues.topic_nouns and not (clause_anchored or now):
            return ASKED  # "stroke risk vertebroplasty": the symptom names a kind of risk
        if _find(words[end:c_end], phrase["listed_after"]) and not (clause_anchored or now):
            return GENERAL  # "I saw stroke on a list of complications": a document's words
        if (
            s_end - s_start <= MAX_POINTER_WORDS
            and start > s_start
            and words[start - 1] in cues.pointers
            and not any(w in cues.question_anchors for w in words[s_start:s_end])
        ):
            return ASKED  # "and bleeding?", "the stroke": a follow-up naming a topic, not a report
        after = words[end:s_end]
        for _, resolved_end in _find(after, phrase["resolved"]):
            # "It went away" holds unless the sentence goes on "...but now it's back".
            if not _find(after[resolved_end:], phrase["recurred"]):
                return RESOLVED
        if _find(clause, phrase["past"]) and not _find(clause, phrase["ongoing"]):
            return PAST
        if _find(sentence, phrase["long_standing"]) and not _find(sentence, (("new",), ("worse",), ("suddenly",))):
            return LONG_STANDING
        masked = _mask(words, phrase["not_cues"])
        opens = bool(sentence) and masked[s_start] in cues.question_openers
        question = words[s_end : s_end + 1] == ["?"] or opens or masked[c_start] in cues.question_openers
        # A question may be answered by the next sentence: "is rib pain normal? mine started yesterday".
        following = words[s_end + 1 :]
        following = following[: next((i for i, w in enumerate(following) if w in SENTENCE_BREAKS), len(following))]
        reported_next = bool(_find(following, anchors))
        for kind, status in (("general", GENERAL), ("hypothetical", ASKED)):
            offset = s_start if kind == "general" else c_start
            for cue_start, cue_end in _find(masked[offset:start], phrase[kind]):
                if cue_end - cue_start == 1 and masked[offset + cue_start] in MODALS and not question:
                    continue  # "now I can only take little breaths" asks nothing
                if reported_next and question:
                    continue
                conditional = tuple(masked[offset + cue_start : offset + cue_end]) in phrase["conditional"]
                window = words[offset + cue_end : end]
                if cue_end - cue_start == 1 and masked[offset + cue_start] in MODALS and not now:
                    window = _without_inversion(window)
                shown = _find(window, phrase["now_words"]) if conditional else _find(window, anchors)
                if not shown:
                    return status
        tags = phrase["possibility_tags"]
        anchored = any(w in cues.question_anchors for w in clause) or clause_anchored or reported_next
        # "Stroke after the injection, does that happen?" asks; "my leg is numb, does that happen
        # after VP?" reports it, and so does any clause that says whose symptom it is or since when.
        if (_find(words[end:s_end], tags) or _find(following, tags)) and not (anchored or now):
            return ASKED
        # An opener that is the symptom's own first word ("can barely breathe") asks nothing.
        if not anchored and c_start < start and masked[c_start] in cues.question_openers:
            return ASKED
        if not anchored and words[c_end : c_end + 1] == ["?"]:
            return UNCLEAR
        # "Could a cerebral embolism, i.e. a stroke, occur after it?": the whole sentence asks.
        about_someone = any(w in cues.question_anchors for w in sentence) or _find(sentence, anchors)
        if opens and words[s_end : s_end + 1] == ["?"] and not (about_someone or reported_next):
            return ASKED
        return REPORT

    @staticmethod
    def _denied(clause_before: Sequence[str], cues: _Cues) -> bool:
        """A denial just before the symptom, or earlier in a list of them ("no fever or chills")."""
        for i, word in enumerate(reversed(clause_before)):
            if word in cues.negations:
                return True
            if word in {"or", "nor", "o", "ni"}:
                return bool(cues.negations & set(clause_before[: len(clause_before) - i]))
            if word not in cues.negation_bridge:
                return False
        return False


def _without_inversion(window: list[str]) -> list[str]:
    """The words after a modal, without a question's inverted "I have" ("could I have a stroke?").

    "Could I have a stroke after it?" asks about the future, while "could I have had a stroke?"
    and "can I have been..." still say something may have happened: only the first is dropped.
    """
    if window[:2] == ["i", "have"] and window[2:3] not in (["had"], ["been"], ["got"]):
        return window[2:]
    return window


def _mask(words: Sequence[str], phrases: Iterable[tuple[str, ...]]) -> list[str]:
    """The words with these phrases blanked out, so that no cue is found inside them."""
    masked = list(words)
    for start, end in _find(words, phrases):
        masked[start:end] = [""] * (end - start)
    return masked


def _span(words: Sequence[str], start: int, end: int, breaks: frozenset[str]) -> tuple[int, int]:
    """The bounds of the clause or sentence around words[start:end]."""
    left = start
    while left > 0 and words[left - 1] not in breaks:
        left -= 1
    right = end
    while right < len(words) and words[right] not in breaks:
        right += 1
    return left, right


class RedFlagDetector:
    """The rules and the classifier together: `screen()` says what one message needs."""

    # The classifier alone asks the one-tap question only above this probability of a report;
    # where the rules saw the symptom but its context said no, only above the higher one.
    CLASSIFIER_CHECK = 0.75
    CLASSIFIER_OVERRULE = 0.9

    def __init__(self, rules: RedFlagRules, classifier: ReportClassifier | None = None) -> None:
        """Use these rules and, when given, this classifier."""
        self.rules = rules
        self.classifier = classifier

    @classmethod
    def from_file(cls, path: Path = DEFAULT_RULES, with_classifier: bool = True) -> RedFlagDetector:
        """Load the rules from a YAML file and train the classifier on its examples.

        Training takes a few seconds; a classifier trained on the same inputs before is loaded
        from `build/safety/` instead (`classifier.cached`).

        The assistant's training questions join the classifier's controls, except those in which
        the rules find a symptom: whether "is a stroke one of the risks?" reports anything is the
        rules' call, and the classifier stays neutral on it.
        """
        text = path.read_text(encoding="utf-8")
        rules = RedFlagRules(yaml.safe_load(text))
        if not with_classifier:
            return cls(rules)
        questions = ReportClassifier.ordinary_messages()

        def train() -> ReportClassifier:
            ordinary = [t for t in questions if not rules.findings(t, language_of(t))]
            return ReportClassifier.from_file(ordinary=ordinary)

        examples = DEFAULT_EXAMPLES.read_text(encoding="utf-8")
        return cls(rules, cached([text, examples, *questions], train))

    def findings(self, text: str) -> list[Finding]:
        """The rules' findings in the message's language (or, if none, in the other one we read)."""
        return self._findings(text, language_of(text))[1]

    def _findings(self, text: str, language: str) -> tuple[str, list[Finding]]:
        # A short message can be read as the wrong one of our two languages ("llamen a una
        # ambulancia"); when its language's rules find nothing, the other's are tried.
        findings = self.rules.findings(text, language)
        if findings or language == OTHER:
            return language, findings
        other = SPANISH if language == ENGLISH else ENGLISH
        found = self.rules.findings(text, other)
        return (other, found) if found else (language, findings)

    def screen(self, text: str) -> Screening:
        """Escalate, ask the one-tap question, or nothing, and at which level."""
        language, findings = self._findings(text, language_of(text))
        mentions = tuple(f.category for f in findings)
        reported = [f for f in findings if f.status == REPORT]
        if reported:
            return self._decision(ESCALATE, language, reported, mentions, findings)
        if language == OTHER and self.classifier is None:
            return Screening(NOTHING, language, mentions=mentions, findings=tuple(findings))
        probability, guessed_level = self.classifier.predict(text) if self.classifier else (0.0, URGENT)
        unclear = [f for f in findings if f.status == UNCLEAR]
        if unclear:
            decision = ESCALATE if probability >= 0.5 else CHECK
            return self._decision(decision, language, unclear, mentions, findings)
        if findings and probability >= self.CLASSIFIER_OVERRULE:
            return self._decision(CHECK, language, findings, mentions, findings)
        if not findings and probability >= self.CLASSIFIER_CHECK and language != OTHER:
            return Screening(CHECK, language, guessed_level, None, mentions, tuple(findings))
        return Screening(NOTHING, language, mentions=mentions, findings=tuple(findings))

    @staticmethod
    def _decision(
        decision: str, language: str, chosen: Sequence[Finding], mentions: tuple[str, ...], findings: list[Finding]
    ) -> Screening:
        top = max(chosen, key=lambda f: LEVEL_ORDER[f.level])
        return Screening(decision, language, top.level, top.category, mentions, tuple(findings))


@cache
def default_detector() -> RedFlagDetector:
    """The process's one detector over the curated rules, shared by the NLU component and the channels."""
    return RedFlagDetector.from_file()
