"""What the clinical review asked of the content: faithful, attributed, balanced and kind."""

from __future__ import annotations

import re

import pytest

from knowledge.model import Entry, KnowledgeSource, TreatmentOption
from knowledge.service import KnowledgeService
from knowledge.source import sentences


def entry(source: KnowledgeSource, entry_id: str) -> Entry:
    return next(e for e in source.entries if e.id == entry_id)


def option(source: KnowledgeSource, name: str) -> TreatmentOption:
    return next(o for o in source.options if o.name == name)


def row_text(row: TreatmentOption) -> str:
    return " ".join((row.what, row.aim, row.limits))


def test_will_it_work_for_me_starts_with_whom_the_article_says_it_helps(source: KnowledgeSource) -> None:
    first = sentences(entry(source, "limitations").answer)[0]
    assert first.startswith("The article says vertebroplasty can be an effective treatment for some patients")
    assert "may not work for everyone" in first


def test_aims_are_stated_as_aims_and_hedges_are_kept(source: KnowledgeSource) -> None:
    assert "The aim is to make the bone steady and to ease pain." in entry(source, "what_is_vertebroplasty").answer
    assert "commonly used" in entry(source, "conditions_treated").answer
    assert "aim to make the muscles around the spine stronger" in entry(source, "alt_physical_therapy").answer
    assert "aim to make the muscles around the spine stronger" in option(source, "Physical therapy").what


def test_the_articles_strong_words_for_second_opinions_are_kept(source: KnowledgeSource) -> None:
    assert "crucial" in entry(source, "second_opinion_why").answer
    assert "essential" in entry(source, "second_opinion_who").answer
    decision = entry(source, "making_a_decision").answer
    assert all(word in decision for word in ("essential", "important", "crucial"))


def test_nothing_is_sharpened(source: KnowledgeSource) -> None:
    texts = [e.answer for e in source.entries] + [row_text(o) for o in source.options]
    for phrase in ("no real difference", "about the same", "because they expect to", "No, it does not"):
        assert not any(phrase in t for t in texts), phrase
    assert "no clear difference" in entry(source, "evidence_nejm_2009").answer
    assert "no clear difference" in entry(source, "evidence_jama_2010").answer


def test_a_leak_into_tissue_is_not_read_as_harmless(source: KnowledgeSource) -> None:
    for entry_id in ("risks_overview", "risk_cement_leakage", "risk_stroke"):
        answer = entry(source, entry_id).answer
        assert "tissue around" in answer and "blood vessels" in answer, entry_id
        assert "If the cement gets into blood vessels" not in answer


def test_the_second_opinion_on_risks_is_the_articles_view_not_the_assistants(source: KnowledgeSource) -> None:
    answer = entry(source, "second_opinion_risks").answer
    assert answer.startswith("Yes, the article says it can.")
    assert "first provider" not in answer


def test_the_studies_are_the_articles_descriptions_and_say_what_could_not_be_matched(source: KnowledgeSource) -> None:
    nejm, jama = entry(source, "evidence_nejm_2009"), entry(source, "evidence_jama_2010")
    assert nejm.title == "What does the article say about a 2009 study?"
    assert jama.title == "What does the article say about a 2010 study?"
    assert "two separate trials" in nejm.answer and "Buchbinder" in nejm.answer and "Kallmes" in nejm.answer
    assert "No study like the one the article describes could be found." in jama.answer
    assert "expect" not in nejm.answer


def test_the_source_is_described_and_not_vouched_for(source: KnowledgeSource) -> None:
    about = entry(source, "about_this_source")
    for fact in (
        "one web article",
        "second opinion",
        "no named author",
        "no date",
        "no references",
        "25 November 2026",
        "I do not vouch for it",
        "could not be matched to published papers",
    ):
        assert fact in " ".join(about.answer.split()), fact


def test_lifestyle_changes_join_the_alternatives(source: KnowledgeSource, service: KnowledgeService) -> None:
    lifestyle = entry(source, "alt_lifestyle")
    assert lifestyle.intent == "ask_alt_lifestyle" and lifestyle.broader == "alternatives_overview"
    assert "does not say which changes" in lifestyle.answer
    assert "lifestyle changes" in entry(source, "alternatives_overview").answer
    assert "Lifestyle changes" in [o.name for o in source.options]
    listed = {q.entry.id for q in service.visit_questions("alternatives", recent_fracture=False)}
    assert {"alt_lifestyle", "alt_pain_medication"} <= listed


def test_each_option_says_what_the_article_does_not_report(source: KnowledgeSource) -> None:
    assert "lists no risks for kyphoplasty and reports no studies" in option(source, "Kyphoplasty").limits
    assert "no side effects or risks" in option(source, "Pain medicine").limits
    assert "lists no risks" in option(source, "Bone health medicine").limits
    assert "lists no risks" in option(source, "Lifestyle changes").limits
    assert "does not list any risks" in option(source, "Physical therapy").limits
    vertebroplasty = option(source, "Vertebroplasty").limits
    assert "generally safe" in vertebroplasty
    assert "The article reports studies that compared it with a sham" in vertebroplasty
    assert "Not all of those studies could be found." in vertebroplasty
    assert "stroke" in vertebroplasty


def test_bone_health_medicine_is_framed_as_the_article_frames_it(source: KnowledgeSource) -> None:
    row = option(source, "Bone health medicine")
    assert row.aim.startswith("To help prevent more fractures.")
    assert "does not say they ease the pain" in row.aim
    answer = entry(source, "alt_bone_health_medication").answer
    assert answer.startswith("The article names bisphosphonates and hormone replacement therapy")
    assert "does not say they ease the pain" in answer


# Each term, and the plain words that explain it wherever it is used.
PLAIN_WORDS = {
    "osteoporosis": "thin and weak",
    "nsaids": "ease pain and swelling",
    "opioids": "strong pain medicines",
    "bisphosphonates": "slow bone loss",
    "hormone replacement therapy": "hormones it makes less of",
}


@pytest.mark.parametrize("term", sorted(PLAIN_WORDS))
def test_medical_words_are_explained_wherever_they_are_used(source: KnowledgeSource, term: str) -> None:
    texts = {e.id: e.answer for e in source.entries} | {o.name: row_text(o) for o in source.options}
    using = {name: text for name, text in texts.items() if re.search(rf"\b{term}\b", text, re.I)}
    assert using, f"{term} is used somewhere"
    for name, text in using.items():
        assert PLAIN_WORDS[term] in text, f"{name} uses {term!r} without explaining it"


def test_a_question_about_ordinary_blood_clots_does_not_reach_the_cement_entry_as_if_it_were_about_them(
    source: KnowledgeSource, service: KnowledgeService
) -> None:
    catalog = service.catalog()
    for phrase in ("blood clot in the lung", "lung clot", "clot in my lungs"):
        assert catalog.term_for(phrase) is None, phrase
    embolism = entry(source, "risk_pulmonary_embolism")
    assert "only as a serious problem that cement leaking out of the bone may cause" in " ".join(
        embolism.answer.split()
    )
    assert "does not cover blood clots in the lungs from other causes" in embolism.answer
    assert "cement" in embolism.title.lower()


def test_visit_questions_come_from_the_medicines_and_lifestyle_entries_too(source: KnowledgeSource) -> None:
    for entry_id in ("alt_pain_medication", "alt_bone_health_medication", "alt_lifestyle"):
        assert entry(source, entry_id).visit_question, entry_id
