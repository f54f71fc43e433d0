"""Reading the curated YAML files, and checking them against the article."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import textstat
import yaml

from knowledge import settings
from knowledge.errors import SourceInvalid
from knowledge.model import (
    ASPECTS,
    MAX_READINGS,
    PRIORITIES,
    TERM_LABELS,
    WORRIES,
    Article,
    Entry,
    KnowledgeSource,
    Term,
    TreatmentOption,
)

REQUIRED_ENTRY_FIELDS = ("id", "title", "answer", "source", "related", "reviewed")
OPTIONAL_ENTRY_FIELDS = ("intent", "topic", "compares", "broader", "visit_question", "worry")
LIST_ENTRY_FIELDS = ("mentions", "explains", "priorities", "asks")
OPTION_FIELDS = ("name", "entries", "what", "aim", "limits", "reviewed")
MIN_SENTENCES, MAX_SENTENCES = 2, 5
MAX_RELATED = 3
# The entry about the source itself, which must name the date the article was saved.
ABOUT_SOURCE_ENTRY = "about_this_source"
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
# A sentence drawn from the article is attributed when it names the article, or says what "it"
# (the article, named in an earlier sentence) says, describes, reports, names or does not say.
_ATTRIBUTED = re.compile(
    r"\b(the|this) article\b|\barticle's\b"
    r"|\bit (also )?(says|describes|reports|tells|adds|calls|names|lists|gives|ends|argues|notes)\b"
    r"|\bit does not (say|give|list|report|describe|name|cover)\b",
    re.IGNORECASE,
)
# A sentence that only sends the patient to their doctor or care team repeats nothing from the article.
_REFERRAL = re.compile(r"\b(ask|talk with|talk to) your (doctor|care team)\b|\byour (doctor|care team) can\b", re.I)
_NAMES_ARTICLE = re.compile(r"\barticle\b", re.IGNORECASE)


def load_source(entries_path: Path, terms_path: Path, options_path: Path | None = None) -> KnowledgeSource:
    """Read entries, terms and (if a path is given) treatment options from their YAML files.

    Raises:
        SourceInvalid: a file is missing, is not YAML, or an item lacks a required field.
    """
    entries = tuple(_entry(raw) for raw in _items(_read_yaml(entries_path), "entries", entries_path))
    terms = tuple(_term(raw) for raw in _items(_read_yaml(terms_path), "terms", terms_path))
    options: tuple[TreatmentOption, ...] = ()
    if options_path is not None:
        options = tuple(_option(raw) for raw in _items(_read_yaml(options_path), "options", options_path))
    return KnowledgeSource(entries=entries, terms=terms, options=options)


def load_abbreviations(terms_path: Path | None = None) -> dict[str, str]:
    """The abbreviations nurses and doctors write ("vp"), each with the word it stands for, from terms.yml.

    Raises:
        SourceInvalid: the file is missing, is not YAML, or an abbreviation is not one lower-case word.
    """
    path = settings.DEFAULT_TERMS if terms_path is None else terms_path
    doc = _read_yaml(path)
    raw = (doc.get("abbreviations") if isinstance(doc, Mapping) else None) or {}
    if not isinstance(raw, Mapping):
        raise SourceInvalid(f"{path}: 'abbreviations:' must map each abbreviation to a word")
    pairs = {str(short): str(word) for short, word in raw.items()}
    bad = [
        f"{k}: {v}" for k, v in pairs.items() if not re.fullmatch(r"[a-z0-9]+", k) or not re.fullmatch(r"[a-z-]+", v)
    ]
    if bad:
        raise SourceInvalid(f"{path}: abbreviations must be one lower-case word each: {', '.join(bad)}")
    return pairs


def load_default_source() -> KnowledgeSource:
    """The curated files shipped in `knowledge/`."""
    return load_source(settings.DEFAULT_ENTRIES, settings.DEFAULT_TERMS, settings.DEFAULT_OPTIONS)


def load_article(path: Path | None = None) -> Article:
    """The source article's metadata (`knowledge/article.yml` by default).

    Raises:
        SourceInvalid: the file is missing, is not YAML, or lacks a required field.
    """
    path = settings.DEFAULT_ARTICLE_META if path is None else path
    doc = _read_yaml(path)
    raw = doc.get("article") if isinstance(doc, Mapping) else None
    if not isinstance(raw, Mapping):
        raise SourceInvalid(f"{path}: expected a top-level 'article:' mapping")
    missing = [name for name in ("title", "sections", "retrieved", "origin", "sha256") if not raw.get(name)]
    if missing:
        raise SourceInvalid(f"{path}: the article lacks {', '.join(missing)}")
    optional = ("author", "published", "references", "kind")
    sections = tuple(str(s).strip() for s in raw["sections"])
    research = tuple(str(s).strip() for s in raw.get("research_sections") or ())
    unknown = [s for s in research if s not in sections]
    if unknown:
        raise SourceInvalid(f"{path}: research_sections {unknown} are not among the sections")
    return Article(
        title=str(raw["title"]).strip(),
        sections=sections,
        retrieved=_date(raw["retrieved"], "the article's retrieved"),
        origin=" ".join(str(raw["origin"]).split()),
        sha256=str(raw["sha256"]).strip().lower(),
        research_sections=research,
        **{name: " ".join(str(raw[name]).split()) for name in optional if raw.get(name)},
    )


def check_article_text(article: Article, text: str) -> list[str]:
    """Where the article's full text disagrees with its recorded metadata; empty when it matches."""
    problems = []
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != article.sha256:
        problems.append(
            f"the article's text has changed since the entries were written (sha256 {digest[:12]}..., "
            f"recorded {article.sha256[:12]}...): re-read it, then update knowledge/article.yml"
        )
    found = article_sections(text)
    if found != list(article.sections):
        problems.append(f"the article's sections are {found}, but knowledge/article.yml lists {list(article.sections)}")
    return problems


def content_version(source: KnowledgeSource) -> str:
    """A content hash of the source: equal sources give equal fingerprints."""
    payload = {
        "entries": [_entry_dict(e) for e in source.entries],
        "terms": [[t.id, t.label, list(t.synonyms), list(t.means)] for t in source.terms],
        "options": [[o.name, list(o.entries), o.what, o.aim, o.limits, o.reviewed.isoformat()] for o in source.options],
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def export_record(entry: Entry) -> dict[str, Any]:
    """The public JSON shape of an entry, as `python -m knowledge export` writes it."""
    return {
        "id": entry.id,
        "title": entry.title,
        "answer": entry.answer,
        "source": entry.source,
        "related": list(entry.related),
    }


def article_sections(article_text: str) -> list[str]:
    """The section headings of the article: short unpunctuated lines that open a paragraph."""
    lines = [line.strip() for line in article_text.splitlines() if line.strip()]
    return [
        line
        for line, following in itertools.pairwise(lines)
        if len(line.split()) <= 12 and not line.endswith((".", "*", ":")) and len(following.split()) >= 20
    ]


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade level of a text."""
    return float(textstat.flesch_kincaid_grade(text))


def count_sentences(text: str) -> int:
    """Number of sentences, counted by their closing punctuation."""
    return len(_SENTENCE_END.findall(text.strip()))


def sentences(text: str) -> list[str]:
    """The text's sentences, split after their closing punctuation."""
    return [s for s in _SENTENCE_SPLIT.split(" ".join(text.split())) if s]


def unattributed_sentences(text: str) -> list[str]:
    """Sentences that neither say they come from the article nor only send the patient to their doctor."""
    return [s for s in sentences(text) if not _ATTRIBUTED.search(s) and not _REFERRAL.search(s)]


def long_date(day: dt.date) -> str:
    """A date as patients read it: "25 November 2026"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = ("January February March April May June July August September October November December").split()


def check_source(
    source: KnowledgeSource,
    sections: Iterable[str],
    max_grade: float,
    *,
    research_sections: Iterable[str] = (),
    retrieved: dt.date | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """Every problem found in the source; an empty list means it is valid.

    Args:
        source: the entries, terms and options.
        sections: the article's section headings; every entry must cite one.
        max_grade: the highest Flesch-Kincaid grade an answer, option row or visit question may read at.
        research_sections: the sections that report research: every sentence, title and visit
            question of an entry citing one must say it comes from the article.
        retrieved: the date the article was saved: no review may be older, and the entry about the
            source must name it.
        today: the date reviews may not be later than (today by default).
    """
    problems: list[str] = []
    context = _Context(frozenset(research_sections), retrieved, today or dt.date.today(), max_grade)
    known_sections = set(sections)
    ids = [e.id for e in source.entries]
    id_set = set(ids)
    term_ids = {t.id for t in source.terms}
    problems += [f"duplicate entry id {i!r}" for i, n in Counter(ids).items() if n > 1]
    for field_name in ("intent", "topic", "compares"):
        values = [getattr(e, field_name) for e in source.entries if getattr(e, field_name)]
        problems += [f"{field_name} {v!r} is used by more than one entry" for v, n in Counter(values).items() if n > 1]
    heads = {e.broader for e in source.entries if e.broader}
    for entry in source.entries:
        problems += [f"{entry.id}: {p}" for p in _entry_problems(entry, id_set, term_ids, known_sections, max_grade)]
        if entry.asks and not entry.intent and not entry.broader and entry.id not in heads:
            problems.append(
                f"{entry.id}: has asks but no intent or family: asks choose between an entry and its family's"
                " others, or between NLU's likeliest readings"
            )
        problems += [f"{entry.id}: {p}" for p in _faithfulness_problems(entry, context)]
    problems += _term_problems(source.terms)
    for term in source.terms:
        problems += [f"term {term.id}: means {m!r}, which is not an entry" for m in term.means if m not in id_set]
        if len(term.means) == 1 or len(term.means) > MAX_READINGS:
            problems.append(f"term {term.id}: means {len(term.means)} entries, expected 2-{MAX_READINGS}")
    problems += _option_problems(source.options, id_set, context)
    return problems


@dataclass(frozen=True)
class _Context:
    research_sections: frozenset[str]
    retrieved: dt.date | None
    today: dt.date
    max_grade: float


def _faithfulness_problems(entry: Entry, context: _Context) -> list[str]:
    """Attribution of what the research section says, the review date, and the source's own entry."""
    problems = []
    if entry.source in context.research_sections:
        problems += [f"sentence not attributed to the article: {s!r}" for s in unattributed_sentences(entry.answer)]
        for field_name in ("title", "visit_question"):
            value = getattr(entry, field_name)
            if value and not _NAMES_ARTICLE.search(value):
                problems.append(f"{field_name} {value!r} does not say it comes from the article")
    problems += _date_problems(entry.reviewed, context)
    if entry.id == ABOUT_SOURCE_ENTRY and context.retrieved and long_date(context.retrieved) not in entry.answer:
        problems.append(f"answer does not name the date the article was saved ({long_date(context.retrieved)})")
    return problems


def _date_problems(reviewed: dt.date, context: _Context) -> list[str]:
    if reviewed > context.today:
        return [f"reviewed {reviewed.isoformat()} is in the future"]
    if context.retrieved and reviewed < context.retrieved:
        return [f"reviewed {reviewed.isoformat()} is before the article was saved ({context.retrieved.isoformat()})"]
    return []


def _entry_problems(entry: Entry, ids: set[str], term_ids: set[str], sections: set[str], max_grade: float) -> list[str]:
    problems = []
    if not re.fullmatch(r"[a-z][a-z0-9_]*", entry.id):
        problems.append("id must be snake_case")
    sentences = count_sentences(entry.answer)
    if not MIN_SENTENCES <= sentences <= MAX_SENTENCES:
        problems.append(f"answer has {sentences} sentences, expected {MIN_SENTENCES}-{MAX_SENTENCES}")
    grade = reading_grade(entry.answer)
    if grade > max_grade:
        problems.append(f"answer reads at grade {grade:.1f}, above {max_grade:.0f}")
    if entry.source not in sections:
        problems.append(f"source {entry.source!r} is not a section of the article")
    if not 1 <= len(entry.related) <= MAX_RELATED:
        problems.append(f"has {len(entry.related)} related entries, expected 1-{MAX_RELATED}")
    problems += [f"related id {r!r} does not exist" for r in entry.related if r not in ids]
    if entry.id in entry.related:
        problems.append("lists itself as related")
    for item in entry.mentions:
        problems += [f"mentions id {m!r} does not exist" for m in item if m not in ids]
        if not 1 <= len(item) <= MAX_READINGS:
            problems.append(f"a mentions item has {len(item)} entries, expected 1-{MAX_READINGS}")
    problems += [
        f"explains {a!r}, which is not one of {', '.join(ASPECTS)}" for a in entry.explains if a not in ASPECTS
    ]
    problems += [f"asks {a!r} uses ';'" for a in entry.asks if ";" in a]
    if entry.broader and entry.broader not in ids:
        problems.append(f"broader id {entry.broader!r} does not exist")
    for field_name in ("topic", "compares"):
        value = getattr(entry, field_name)
        if value and value not in term_ids:
            problems.append(f"{field_name} {value!r} is not a term in terms.yml")
    if not entry.intent and not entry.compares:
        problems.append("has neither an intent nor a compares term, so no question can reach it")
    if entry.visit_question and not (entry.worry or entry.priorities):
        problems.append("visit_question needs a worry or priorities, or no list would ever include it")
    if (entry.worry or entry.priorities) and not entry.visit_question:
        problems.append("worry and priorities need a visit_question")
    if entry.worry and entry.worry not in WORRIES:
        problems.append(f"worry {entry.worry!r} is not one of {', '.join(WORRIES)}")
    unknown = [p for p in entry.priorities if p not in PRIORITIES]
    problems += [f"priority {p!r} is not one of {', '.join(PRIORITIES)}" for p in unknown]
    if entry.visit_question and reading_grade(entry.visit_question) > max_grade:
        grade = reading_grade(entry.visit_question)
        problems.append(f"visit_question reads at grade {grade:.1f}, above {max_grade:.0f}")
    return problems


def _option_problems(options: Iterable[TreatmentOption], ids: set[str], context: _Context) -> list[str]:
    problems = []
    for option in options:
        problems += [f"option {option.name}: entry {e!r} does not exist" for e in option.entries if e not in ids]
        if not option.entries:
            problems.append(f"option {option.name}: names no entry to cite")
        text = " ".join((option.what, option.aim, option.limits))
        if reading_grade(text) > context.max_grade:
            grade = reading_grade(text)
            problems.append(f"option {option.name}: reads at grade {grade:.1f}, above {context.max_grade:.0f}")
        problems += [f"option {option.name}: {p}" for p in _date_problems(option.reviewed, context)]
    return problems


def _term_problems(terms: Iterable[Term]) -> list[str]:
    problems = []
    seen: dict[str, str] = {}
    for term in terms:
        if term.label not in TERM_LABELS:
            problems.append(f"term {term.id}: label {term.label!r} is not one of {', '.join(TERM_LABELS)}")
        if not term.synonyms:
            problems.append(f"term {term.id}: has no synonyms")
        for synonym in term.synonyms:
            if synonym != synonym.lower().strip():
                problems.append(f"term {term.id}: synonym {synonym!r} must be lower case and trimmed")
            if synonym in seen and seen[synonym] != term.id:
                problems.append(f"synonym {synonym!r} belongs to both {seen[synonym]} and {term.id}")
            seen[synonym] = term.id
    return problems


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SourceInvalid(f"cannot read {path}: {error}") from error


def _items(doc: Any, key: str, path: Path) -> list[Mapping[str, Any]]:
    items = doc.get(key) if isinstance(doc, Mapping) else None
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise SourceInvalid(f"{path}: expected a top-level '{key}:' list of mappings")
    return items


def _entry(raw: Mapping[str, Any]) -> Entry:
    missing = [name for name in REQUIRED_ENTRY_FIELDS if raw.get(name) in (None, "", [])]
    if missing:
        raise SourceInvalid(f"entry {raw.get('id', '?')!r} lacks {', '.join(missing)}")
    unknown = set(raw) - set(REQUIRED_ENTRY_FIELDS) - set(OPTIONAL_ENTRY_FIELDS) - set(LIST_ENTRY_FIELDS)
    if unknown:
        raise SourceInvalid(f"entry {raw['id']!r} has unknown fields {', '.join(sorted(unknown))}")
    reviewed = _date(raw["reviewed"], f"entry {raw['id']!r}: reviewed")
    priorities = raw.get("priorities") or []
    if not isinstance(priorities, list):
        raise SourceInvalid(f"entry {raw['id']!r}: priorities must be a list")
    return Entry(
        id=str(raw["id"]),
        title=" ".join(str(raw["title"]).split()),
        answer=" ".join(str(raw["answer"]).split()),
        source=str(raw["source"]).strip(),
        related=tuple(str(r) for r in raw["related"]),
        reviewed=reviewed,
        mentions=_mentions(raw.get("mentions"), str(raw["id"])),
        explains=tuple(str(a) for a in raw.get("explains") or []),
        priorities=tuple(str(p) for p in priorities),
        asks=tuple(" ".join(str(a).lower().split()) for a in raw.get("asks") or []),
        **{name: (str(raw[name]) if raw.get(name) else None) for name in OPTIONAL_ENTRY_FIELDS},
    )


def _mentions(raw: Any, entry_id: str) -> tuple[tuple[str, ...], ...]:
    """`mentions: [a, [b, c]]`: each item one entry id, or a list of the entries it can mean."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise SourceInvalid(f"entry {entry_id!r}: mentions must be a list")
    return tuple(tuple(str(i) for i in item) if isinstance(item, list) else (str(item),) for item in raw)


def _date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise SourceInvalid(f"{what} must be a date (YYYY-MM-DD)") from error


def _option(raw: Mapping[str, Any]) -> TreatmentOption:
    missing = [name for name in OPTION_FIELDS if not raw.get(name)]
    if missing:
        raise SourceInvalid(f"option {raw.get('name', '?')!r} lacks {', '.join(missing)}")
    return TreatmentOption(
        name=str(raw["name"]),
        entries=tuple(str(e) for e in raw["entries"]),
        reviewed=_date(raw["reviewed"], f"option {raw['name']!r}: reviewed"),
        **{name: " ".join(str(raw[name]).split()) for name in ("what", "aim", "limits")},
    )


def _term(raw: Mapping[str, Any]) -> Term:
    if not raw.get("id") or not raw.get("label"):
        raise SourceInvalid(f"term {raw!r} needs an id and a label")
    synonyms = raw.get("synonyms") or []
    means = raw.get("means") or []
    return Term(
        id=str(raw["id"]),
        label=str(raw["label"]),
        synonyms=tuple(str(s) for s in synonyms),
        means=tuple(str(m) for m in means),
    )


def _entry_dict(entry: Entry) -> dict[str, Any]:
    record = export_record(entry)
    record.update(
        reviewed=entry.reviewed.isoformat(),
        priorities=list(entry.priorities),
        mentions=[list(item) for item in entry.mentions],
        explains=list(entry.explains),
        asks=list(entry.asks),
        **{n: getattr(entry, n) for n in OPTIONAL_ENTRY_FIELDS},
    )
    return record
