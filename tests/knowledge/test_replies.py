"""The assistant's fixed replies, checked by `make kb-check` like the entries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from knowledge import settings
from knowledge.cli import main
from knowledge.model import KnowledgeSource
from knowledge.replies import hard_replies, is_english, load_responses, renderings, unattributed_buttons

RESEARCH = ("Research and Evidence-Based Insights",)
HARD = "Notwithstanding contraindications, comprehensive interdisciplinary evaluation necessitates consideration."


def test_every_english_reply_of_the_domain_reads_at_grade_8_or_below() -> None:
    responses = load_responses(settings.DEFAULT_DOMAIN)
    assert hard_replies(responses, settings.MAX_READING_GRADE, {"provider": [""]}) == []


def test_the_kb_check_grades_the_domains_replies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    domain = yaml.safe_load(settings.DEFAULT_DOMAIN.read_text(encoding="utf-8"))
    domain["responses"]["utter_greet"] = [{"text": HARD}]
    harder = tmp_path / "domain.yml"
    harder.write_text(yaml.safe_dump(domain), encoding="utf-8")
    assert main(["check", "--domain", str(harder)]) == 1
    assert "utter_greet reads at grade" in capsys.readouterr().err
    assert main(["check"]) == 0


def test_safety_replies_are_graded_in_english_and_their_spanish_variations_are_exempt() -> None:
    spanish = {"condition": [{"type": "slot", "name": "language", "value": "es"}], "text": HARD}
    assert not is_english(spanish)
    assert hard_replies({"utter_emergency": [spanish]}, 8.0, {}) == []
    problems = hard_replies({"utter_emergency": [{"text": HARD}]}, 8.0, {})
    assert len(problems) == 1 and problems[0].startswith("utter_emergency reads at grade")


def test_a_decline_is_graded_with_each_topic_it_may_name() -> None:
    template = "The article I use does not cover {topic}. Please ask {care_team}."
    filled = list(renderings(template, {"topic": ["cost", HARD], "care_team": ["your care team"]}))
    assert filled == [
        "The article I use does not cover cost. Please ask your care team.",
        f"The article I use does not cover {HARD}. Please ask your care team.",
    ]
    problems = hard_replies({"utter_not_covered": [{"text": template}]}, 8.0, {"topic": ["cost", HARD]})
    assert len(problems) == 1 and HARD in problems[0]


def test_a_button_to_the_articles_research_must_say_it_is_the_articles(source: KnowledgeSource) -> None:
    responses = load_responses(settings.DEFAULT_DOMAIN)
    assert unattributed_buttons(responses, source.entries, RESEARCH) == []
    old = {
        "utter_help": [
            {
                "text": "Pick one.",
                "buttons": [{"title": "What did the 2009 review find?", "payload": "/ask_evidence_nejm_2009"}],
            }
        ]
    }
    assert len(unattributed_buttons(old, source.entries, RESEARCH)) == 1


def test_no_patient_facing_text_calls_the_source_a_reviewed_article() -> None:
    root = settings.REPO_ROOT
    files = [root / "bot" / "domain.yml", root / "README.md", *sorted((root / "webapp" / "static").iterdir())]
    found = [
        f.name for f in files if f.is_file() and re.search(r"reviewed article", f.read_text(encoding="utf-8"), re.I)
    ]
    assert found == []


def test_the_introduction_and_the_disclaimer_say_what_the_source_is() -> None:
    responses = load_responses(settings.DEFAULT_DOMAIN)
    for name in ("utter_intro", "utter_disclaimer"):
        for variation in responses[name]:
            text = " ".join(str(variation["text"]).split())
            assert "one web article" in text, name
            assert "no named author, date or references" in text, name
            assert "I do not vouch for it" in text, name
            assert "could not be found" in text, name


def test_the_introduction_names_the_provider_only_through_its_setting() -> None:
    for variation in load_responses(settings.DEFAULT_DOMAIN)["utter_intro"]:
        assert "{provider}" in str(variation["text"])
    domain = yaml.safe_load(settings.DEFAULT_DOMAIN.read_text(encoding="utf-8"))
    assert domain["slots"]["provider"]["initial_value"] == ""
