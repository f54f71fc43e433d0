"""The curated YAML, read and checked against the article."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import pytest

from knowledge import settings
from knowledge.errors import SourceInvalid
from knowledge.model import KnowledgeSource, Term
from knowledge.source import (
    article_sections,
    check_article_text,
    check_source,
    content_version,
    count_sentences,
    load_article,
    load_default_source,
    load_source,
    sentences,
)

REQUIRED_IDS = """what_is_vertebroplasty conditions_treated risks_overview risk_infection risk_bleeding
risk_nerve_damage risk_cement_leakage risk_pulmonary_embolism risk_stroke limitations second_opinion_why
second_opinion_diagnosis second_opinion_risks second_opinion_who alternatives_overview alt_kyphoplasty
alt_physical_therapy alt_pain_medication alt_bone_health_medication evidence_overview evidence_nejm_2009
evidence_jama_2010 making_a_decision alt_lifestyle about_this_source""".split()
SECTIONS = [
    "The Importance of Second Opinions Before Undergoing Vertebroplasty",
    "The Risks and Limitations of Vertebroplasty",
    "The Importance of Second Opinions",
    "Alternative Treatment Options",
    "Research and Evidence-Based Insights",
]
RESEARCH = "Research and Evidence-Based Insights"
RETRIEVED = dt.date(2026, 11, 25)


def replace_entry(kb: KnowledgeSource, entry_id: str, **changes: object) -> KnowledgeSource:
    entries = tuple(dataclasses.replace(e, **changes) if e.id == entry_id else e for e in kb.entries)
    return dataclasses.replace(kb, entries=entries)


def test_the_knowledge_base_has_every_required_entry(source: KnowledgeSource) -> None:
    assert set(REQUIRED_IDS) <= {e.id for e in source.entries}


def test_the_curated_source_passes_every_check(source: KnowledgeSource) -> None:
    article = load_article()
    assert article.research_sections == (RESEARCH,)
    problems = check_source(
        source,
        article.sections,
        settings.MAX_READING_GRADE,
        research_sections=article.research_sections,
        retrieved=article.retrieved,
    )
    assert problems == []


def strict_check(kb: KnowledgeSource, today: dt.date | None = None) -> list[str]:
    """The checks `make kb-check` runs on the entries, with the article's research section and date."""
    return check_source(kb, SECTIONS, 8.0, research_sections=(RESEARCH,), retrieved=RETRIEVED, today=today)


@pytest.mark.parametrize(
    ("entry_id", "sentence"),
    [
        ("evidence_nejm_2009", "After one month there was no real difference."),
        ("evidence_overview", "Some studies found better pain relief."),
        ("making_a_decision", "Getting a second opinion is essential."),
    ],
)
def test_an_unattributed_sentence_drawn_from_the_research_section_is_reported(
    source: KnowledgeSource, entry_id: str, sentence: str
) -> None:
    entry = next(e for e in source.entries if e.id == entry_id)
    broken = replace_entry(source, entry_id, answer=" ".join([*sentences(entry.answer)[:-1], sentence]))
    problems = strict_check(broken)
    assert problems == [f"{entry_id}: sentence not attributed to the article: {sentence!r}"]


def test_a_sentence_that_only_sends_the_patient_to_their_doctor_needs_no_attribution(source: KnowledgeSource) -> None:
    entry = next(e for e in source.entries if e.id == "evidence_overview")
    answer = " ".join([*sentences(entry.answer)[:-1], "Your doctor can tell you more."])
    kept = replace_entry(source, "evidence_overview", answer=answer)
    assert strict_check(kept) == []


def test_a_research_title_or_visit_question_must_name_the_article(source: KnowledgeSource) -> None:
    broken = replace_entry(
        source,
        "evidence_nejm_2009",
        title="What did the 2009 review find?",
        visit_question="What do you think of the 2009 review?",
    )
    problems = strict_check(broken)
    assert len(problems) == 2
    assert all(p.startswith("evidence_nejm_2009:") and "does not say it comes from the article" for p in problems)


def test_outside_the_research_section_a_plain_sentence_is_allowed(source: KnowledgeSource) -> None:
    assert strict_check(replace_entry(source, "risk_stroke", answer="A stroke is serious. Ask your care team.")) == []


@pytest.mark.parametrize(
    ("reviewed", "expected"),
    [
        (dt.date(2026, 11, 24), "is before the article was saved (2026-11-25)"),
        (dt.date(2026, 12, 3), "reviewed 2026-12-03 is in the future"),
    ],
)
def test_a_review_date_before_the_article_was_saved_or_in_the_future_is_reported(
    source: KnowledgeSource, reviewed: dt.date, expected: str
) -> None:
    problems = strict_check(replace_entry(source, "risk_stroke", reviewed=reviewed), today=dt.date(2026, 12, 2))
    assert any(p.startswith("risk_stroke:") and expected in p for p in problems), problems
    option = dataclasses.replace(source.options[0], reviewed=reviewed)
    problems = strict_check(dataclasses.replace(source, options=(option, *source.options[1:])), dt.date(2026, 12, 2))
    assert any(p.startswith(f"option {option.name}:") and expected in p for p in problems), problems


def test_the_entry_about_the_source_names_the_day_the_article_was_saved(source: KnowledgeSource) -> None:
    entry = next(e for e in source.entries if e.id == "about_this_source")
    assert "25 November 2026" in entry.answer
    broken = replace_entry(source, "about_this_source", answer=entry.answer.replace("25 November 2026", "November"))
    assert any("does not name the date the article was saved" in p for p in strict_check(broken))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"priorities": ("cheapest",)}, "priority 'cheapest' is not one of"),
        ({"worry": None, "priorities": ()}, "visit_question needs a worry or priorities"),
        ({"visit_question": None}, "worry and priorities need a visit_question"),
        (
            {"visit_question": "Notwithstanding contraindications, what interdisciplinary evaluation applies?"},
            "visit_question reads at grade",
        ),
    ],
)
def test_visit_questions_are_checked(source: KnowledgeSource, changes: dict[str, object], expected: str) -> None:
    problems = strict_check(replace_entry(source, "alt_physical_therapy", **changes))
    assert any(p.startswith("alt_physical_therapy:") and expected in p for p in problems), problems


def test_the_article_is_described_in_the_repository_without_its_text() -> None:
    article = load_article()
    assert list(article.sections) == SECTIONS
    assert article.title == SECTIONS[0]
    assert article.retrieved <= dt.date.today()
    assert (article.author, article.published, article.references) == ("none given", "none given", "none")


def article_text(sections: list[str]) -> str:
    """A stand-in article: each heading followed by a paragraph long enough to open a section."""
    paragraph = " ".join(["Words that stand in for the paragraph of the section."] * 4)
    return "\n\n".join(f"{heading}\n\n{paragraph}" for heading in sections)


def test_article_sections_are_the_headings_of_the_article() -> None:
    assert article_sections(article_text(SECTIONS)) == SECTIONS


def test_a_changed_article_text_is_reported() -> None:
    problems = check_article_text(load_article(), article_text(SECTIONS))
    assert len(problems) == 1 and "has changed since the entries were written" in problems[0]
    missing = check_article_text(load_article(), article_text(SECTIONS[:-1]))
    assert any("Research and Evidence-Based Insights" in p and "lists" in p for p in missing)


def test_an_article_text_that_matches_its_record_passes(tmp_path) -> None:
    text = article_text(SECTIONS)
    meta = tmp_path / "article.yml"
    meta.write_text(
        "article:\n  title: T\n  retrieved: 2026-11-25\n  origin: here\n"
        f"  sha256: {hashlib.sha256(text.encode()).hexdigest()}\n  sections: {SECTIONS!r}\n"
    )
    assert check_article_text(load_article(meta), text) == []


def test_entries_that_report_a_study_say_the_article_reports_it(source: KnowledgeSource) -> None:
    studies = [e for e in source.entries if e.id.startswith("evidence_") and e.id != "evidence_overview"]
    assert studies
    assert all("article" in e.answer.lower() for e in studies)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"related": ("no_such_entry",)}, "related id 'no_such_entry' does not exist"),
        ({"source": "A Section The Article Lacks"}, "is not a section of the article"),
        ({"answer": "One sentence only."}, "answer has 1 sentences"),
        (
            {
                "answer": "Percutaneous vertebroplasty necessitates comprehensive interdisciplinary consideration. "
                "Osteoporotic compression fractures demonstrate heterogeneous radiological characteristics."
            },
            "answer reads at grade",
        ),
        ({"intent": None, "compares": None}, "no question can reach it"),
        ({"related": ("risk_stroke",)}, "lists itself as related"),
        ({"topic": "no_such_term"}, "topic 'no_such_term' is not a term"),
        (
            {"broader": None, "intent": None, "compares": "kyphoplasty", "asks": ("how",)},
            "has asks but no intent or family",
        ),
    ],
)
def test_check_names_each_kind_of_problem(source: KnowledgeSource, changes: dict[str, object], expected: str) -> None:
    broken = replace_entry(source, "risk_stroke", **changes)
    problems = check_source(broken, SECTIONS, settings.MAX_READING_GRADE)
    assert any(p.startswith("risk_stroke:") and expected in p for p in problems), problems


def test_check_refuses_a_synonym_shared_by_two_terms(source: KnowledgeSource) -> None:
    clash = Term(id="clash", label="treatment", synonyms=(source.terms[0].synonyms[0],))
    broken = dataclasses.replace(source, terms=(*source.terms, clash))
    assert any("belongs to both" in p for p in check_source(broken, SECTIONS, 8.0))


def test_check_refuses_two_entries_with_one_intent(source: KnowledgeSource) -> None:
    broken = replace_entry(source, "risk_stroke", intent="ask_risk_bleeding")
    assert "intent 'ask_risk_bleeding' is used by more than one entry" in check_source(broken, SECTIONS, 8.0)


def test_fingerprint_follows_the_content(source: KnowledgeSource) -> None:
    assert content_version(source) == content_version(load_default_source())
    changed = replace_entry(source, "risk_stroke", reviewed=dt.date(2030, 1, 1))
    assert content_version(changed) != content_version(source)


def test_an_entry_without_a_required_field_is_refused(tmp_path) -> None:
    entries = tmp_path / "entries.yml"
    entries.write_text("entries:\n  - id: lonely\n    title: A title\n")
    with pytest.raises(SourceInvalid, match="lonely"):
        load_source(entries, settings.DEFAULT_TERMS)


def without_line(path, start: str, tmp_path, name: str):
    """A copy of a curated file with its first line starting with `start` left out."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.lstrip().startswith(start))
    copy = tmp_path / name
    copy.write_text("".join(lines[:index] + lines[index + 1 :]), encoding="utf-8")
    return copy


def test_kb_check_fails_on_an_entry_without_a_review_date(tmp_path, capsys) -> None:
    from knowledge.cli import main

    entries = without_line(settings.DEFAULT_ENTRIES, "reviewed:", tmp_path, "entries.yml")
    assert main(["--entries", str(entries), "check"]) != 0
    assert "lacks reviewed" in capsys.readouterr().err


def test_kb_check_fails_on_an_option_without_a_review_date(tmp_path, capsys) -> None:
    from knowledge.cli import main

    options = without_line(settings.DEFAULT_OPTIONS, "reviewed:", tmp_path, "options.yml")
    assert main(["--options", str(options), "check"]) != 0
    assert "lacks reviewed" in capsys.readouterr().err


def test_kb_check_fails_on_an_unattributed_research_sentence(tmp_path, capsys) -> None:
    from knowledge.cli import main

    text = settings.DEFAULT_ENTRIES.read_text(encoding="utf-8")
    attributed = "It says pain eased right away with"
    assert attributed in text
    entries = tmp_path / "entries.yml"
    entries.write_text(text.replace(attributed, "Pain eased right away with"), encoding="utf-8")
    assert main(["--entries", str(entries), "check"]) == 1
    assert (
        "evidence_nejm_2009: sentence not attributed to the article: 'Pain eased right away" in capsys.readouterr().err
    )


def test_sentences_are_counted_by_their_closing_marks() -> None:
    assert count_sentences("One. Two? Three! 2.5 is not an end.") == 4
