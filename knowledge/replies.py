"""The fixed replies patients read (the assistant's domain responses), checked like the entries.

`make kb-check` reads `bot/domain.yml` as a plain YAML file (the knowledge base imports nothing of
Rasa) and checks every English reply at the entries' reading grade, with each placeholder filled
as a patient would see it. Replies in another language are exempt: Flesch-Kincaid is an English
measure, so the Spanish safety replies are not graded (their English originals are). A button
that asks for an entry drawn from the article's research section must say so in its title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import SourceInvalid
from knowledge.model import Entry
from knowledge.payloads import entry_payload
from knowledge.source import reading_grade

PLACEHOLDER = re.compile(r"{(\w+)}")
# What a placeholder holds when the reply is graded and no sample is given: a short neutral word,
# so that only the reply's own words are graded (answers, rows and questions are graded themselves).
NEUTRAL = "it"
ENGLISH = "en"
_NAMES_ARTICLE = re.compile(r"\barticle\b", re.IGNORECASE)

Responses = Mapping[str, Sequence[Mapping[str, Any]]]


def load_responses(path: Path) -> Responses:
    """The `responses:` of a Rasa domain file.

    Raises:
        SourceInvalid: the file is missing, is not YAML, or has no responses.
    """
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SourceInvalid(f"cannot read {path}: {error}") from error
    responses = doc.get("responses") if isinstance(doc, Mapping) else None
    if not isinstance(responses, Mapping):
        raise SourceInvalid(f"{path}: expected a 'responses:' mapping")
    return responses


def is_english(variation: Mapping[str, Any]) -> bool:
    """Whether a response variation is shown in English (it has no condition on another language)."""
    return not any(
        condition.get("name") == "language" and str(condition.get("value")) != ENGLISH
        for condition in variation.get("condition") or []
    )


def renderings(template: str, samples: Mapping[str, Sequence[str]]) -> Iterator[str]:
    """The template with its placeholders filled, in every way the grade check reads it.

    Once with each placeholder's first sample, then once for every further sample of each
    placeholder, the others at their first.
    """
    names = list(dict.fromkeys(PLACEHOLDER.findall(template)))
    first = {name: (samples.get(name) or [NEUTRAL])[0] for name in names}
    yield _fill(template, first)
    for name in names:
        for value in list(samples.get(name) or [])[1:]:
            yield _fill(template, {**first, name: value})


def _fill(template: str, values: Mapping[str, str]) -> str:
    return " ".join(PLACEHOLDER.sub(lambda m: values.get(m.group(1), NEUTRAL), template).split())


def hard_replies(responses: Responses, max_grade: float, samples: Mapping[str, Sequence[str]]) -> list[str]:
    """English replies that read above `max_grade`, with each placeholder's samples filled in."""
    problems = []
    for name, variations in responses.items():
        for variation in variations:
            if not is_english(variation) or not variation.get("text"):
                continue
            channel = f" ({variation['channel']})" if variation.get("channel") else ""
            for text in renderings(str(variation["text"]), samples):
                grade = reading_grade(text)
                if grade > max_grade:
                    problems.append(f"{name}{channel} reads at grade {grade:.1f}, above {max_grade:.0f}: {text!r}")
    return problems


def unattributed_buttons(responses: Responses, entries: Iterable[Entry], research_sections: Iterable[str]) -> list[str]:
    """Buttons that ask for an entry drawn from the research section without naming the article."""
    sections = set(research_sections)
    research = {entry_payload(e) for e in entries if e.source in sections and (e.intent or e.compares)}
    return [
        f"{name}: button {button.get('title')!r} asks for research the article reports without naming the article"
        for name, variations in responses.items()
        for variation in variations
        for button in variation.get("buttons") or []
        if button.get("payload") in research and not _NAMES_ARTICLE.search(str(button.get("title", "")))
    ]
