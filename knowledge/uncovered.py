"""What the article does not cover: topics a question can be about that no entry may answer.

An entry answers only the questions it can answer. A question whose focus (its last sentence,
where a long message puts its question) names an uncovered topic ("how much ibuprofen can I
take?", "how long does the cement last?") gets a reply that names the topic instead of an
entry, whatever intent NLU chose; so does an instruction aimed at the assistant ("ignore your
instructions"). The curated file is `uncovered.yml` beside this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import SourceInvalid

DEFAULT_PATH = Path(__file__).with_name("uncovered.yml")
_WORD = re.compile(r"[a-z0-9%]+(?:[-'][a-z0-9]+)*")
_SENTENCE = re.compile(r"[^.?!\n]+[.?!]*")
# A sentence that opens like a question ("so what's different about it", "how long does it take").
_ASKS = re.compile(
    r"^\W*(?:(?:so|and|but|ok|okay|well|then)\W+)?(?:what|what's|whats|how|why|which|who|whose|where|when|is|are"
    r"|can|could|does|do|did|will|would|should|was|were|has|have)\b",
    re.I,
)


# Contractions written out, so that the cue "pretend you" finds "pretend you're".
_CONTRACTIONS = (("n't", " not"), ("'re", " are"), ("'m", " am"), ("'ll", " will"), ("'ve", " have"), ("'d", " would"))


# A possessive "'s" ("kyphoplasty's risks", "my mum's pills"), told apart from "it's", "what's"...
_POSSESSIVE = re.compile(r"\b(?!(?:it|that|what|there|here|he|she|who|where|how|let|when|why)'s\b)([a-z0-9]+)'s\b")


def words(text: str) -> list[str]:
    """Lower-case words with contractions written out and possessives dropped, keeping "x-ray" and "%" whole.

    "Kyphoplasty's risks" reads as "kyphoplasty risks", so one cue finds both.
    """
    text = text.lower().replace("’", "'").replace("can't", "can not").replace("won't", "will not")
    for short, long in _CONTRACTIONS:
        text = text.replace(short, long)
    return _WORD.findall(_POSSESSIVE.sub(r"\1", text))


def focus(text: str) -> str:
    """The question's focus: its last sentence that asks something, else its last sentence.

    A last sentence that opens like a question asks something without its question mark:
    "Both put cement in the spine, right? so what's different about kyphoplasty".
    """
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    if not sentences:
        return ""
    if _ASKS.match(sentences[-1]):
        return str(sentences[-1])
    asked = [s for s in sentences if s.endswith("?")]
    return str((asked or sentences)[-1])


def focus_uses(text: str, phrases: Iterable[str]) -> bool:
    """Whether the question's focus uses any of these phrases, as whole words."""
    return _contains(words(focus(text)), _phrases(phrases))


def phrases_in_focus(text: str, phrases: Iterable[str]) -> list[str]:
    """The phrases the question's focus uses, as whole words, in their order."""
    focused = words(focus(text))
    return [phrase for phrase in phrases if _contains(focused, _phrases([phrase]))]


def _contains(haystack: Sequence[str], phrases: Iterable[tuple[str, ...]]) -> bool:
    for phrase in phrases:
        size = len(phrase)
        if any(tuple(haystack[i : i + size]) == phrase for i in range(len(haystack) - size + 1)):
            return True
    return False


@dataclass(frozen=True)
class UncoveredTopic:
    """A topic the article does not cover, named in a plain phrase, and the words that show it."""

    id: str
    name: str
    cues: tuple[tuple[str, ...], ...]
    # The aspect an entry can explain that answers this topic after all ("cause"), if any.
    answered_by: str | None = None
    # As a follow-up: the entries whose answers (each and those under it) make a question about
    # these terms this topic, and the terms.
    follow_up_after: tuple[str, ...] = ()
    follow_up_terms: tuple[str, ...] = ()
    # As a follow-up right after an answer about one of `follow_up_terms`: the words that make a
    # question that names nothing else this topic ("side effects?" after the painkillers).
    follow_up_cues: tuple[tuple[str, ...], ...] = ()
    # Word patterns (regular expressions over the focus's written-out words) for questions whose
    # shape, not one phrase, shows the topic: "why does vertebroplasty cause infections?".
    patterns: tuple[re.Pattern[str], ...] = ()

    def named_in(self, found: Sequence[str]) -> bool:
        """Whether these words (a question's focus) show this topic."""
        joined = " ".join(found)
        return _contains(found, self.cues) or any(p.search(joined) for p in self.patterns)

    def asked_as_follow_up(self, text: str) -> bool:
        """Whether the question's focus uses this topic's follow-up cues."""
        return _contains(words(focus(text)), self.follow_up_cues)


@dataclass(frozen=True)
class Uncovered:
    """The curated list of uncovered topics, and the cues of instructions aimed at the assistant."""

    topics: tuple[UncoveredTopic, ...]
    instruction_cues: tuple[tuple[str, ...], ...]

    def topic_of(self, text: str) -> UncoveredTopic | None:
        """The first uncovered topic the question's focus names, in the curators' order."""
        found = words(focus(text))
        return next((t for t in self.topics if t.named_in(found)), None)

    def answered_by(self, aspect: str) -> UncoveredTopic | None:
        """The topic declined unless the entry asked about explains this aspect ("cause")."""
        return next((t for t in self.topics if t.answered_by == aspect), None)

    def is_instruction(self, text: str) -> bool:
        """Whether the message tells the assistant to do something other than answer from the article."""
        return _contains(words(text), self.instruction_cues)


def _phrases(raw: Iterable[Any]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(words(str(cue))) for cue in raw if words(str(cue)))


_GROUP = re.compile(r"@([a-z_]+)")


def _pattern(text: str, path: Path, groups: Mapping[str, Sequence[str]]) -> re.Pattern[str]:
    """A pattern with each `@name` written out as its group's words, one of them."""

    def group(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in groups:
            raise SourceInvalid(f"{path}: pattern {text!r} names @{name}, which `groups:` does not list")
        return "(?:" + "|".join(re.escape(" ".join(words(str(w)))) for w in groups[name]) + ")"

    expanded = _GROUP.sub(group, text)
    try:
        return re.compile(rf"\b(?:{expanded})\b")
    except re.error as error:
        raise SourceInvalid(f"{path}: pattern {text!r} is not a regular expression: {error}") from error


def load_uncovered(path: Path = DEFAULT_PATH) -> Uncovered:
    """Read the curated list.

    Raises:
        SourceInvalid: the file is missing or malformed.
    """
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SourceInvalid(f"cannot read {path}: {error}") from error
    if not isinstance(doc, Mapping) or not isinstance(doc.get("topics"), list):
        raise SourceInvalid(f"{path}: expected a top-level 'topics:' list")
    groups = doc.get("groups") or {}
    if not isinstance(groups, Mapping) or not all(isinstance(g, list) and g for g in groups.values()):
        raise SourceInvalid(f"{path}: 'groups:' must map each name to a list of words")
    topics = []
    for raw in doc["topics"]:
        if not raw.get("id") or not raw.get("name") or not (raw.get("cues") or raw.get("patterns")):
            raise SourceInvalid(f"{path}: topic {raw.get('id', '?')!r} needs an id, a name and cues")
        topics.append(
            UncoveredTopic(
                str(raw["id"]),
                " ".join(str(raw["name"]).split()),
                _phrases(raw.get("cues") or []),
                str(raw["answered_by"]) if raw.get("answered_by") else None,
                _names((raw.get("follow_up") or {}).get("after")),
                tuple(str(t) for t in (raw.get("follow_up") or {}).get("terms") or []),
                _phrases((raw.get("follow_up") or {}).get("cues") or []),
                tuple(_pattern(str(p), path, groups) for p in raw.get("patterns") or []),
            )
        )
    instructions = (doc.get("instructions") or {}).get("cues") or []
    return Uncovered(tuple(topics), _phrases(instructions))


def _names(value: object) -> tuple[str, ...]:
    """One name or a list of names, as a tuple."""
    if not value:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


@cache
def default_uncovered() -> Uncovered:
    """The curated list shipped in `knowledge/`, read once per process."""
    return load_uncovered()
