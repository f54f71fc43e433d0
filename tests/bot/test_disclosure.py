"""Who offers the guide and who reviewed it: named in the introduction only when the clinic sets them."""

from __future__ import annotations

import pytest
import yaml

from bot import settings as bot_settings
from bot.disclosure import PROVIDER_ENTITY, provider_line
from knowledge import settings
from knowledge.source import reading_grade


def test_with_no_setting_nobody_is_named() -> None:
    assert provider_line(None, None) == ""
    assert provider_line("  ", "") == ""


def test_the_clinic_and_its_reviewer_are_named_as_set() -> None:
    assert provider_line("Riverside Spine Clinic", None) == " This guide is offered by Riverside Spine Clinic."
    assert provider_line("Riverside Spine Clinic.", "Dr A. Patel, clinical lead.") == (
        " This guide is offered by Riverside Spine Clinic."
        " Its content was reviewed for Riverside Spine Clinic by Dr A. Patel, clinical lead."
    )
    assert (
        provider_line(None, "the spine nurse team")
        == " Its content was reviewed for the clinic by the spine nurse team."
    )


def test_the_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINIC_NAME", raising=False)
    monkeypatch.delenv("CONTENT_REVIEWED_BY", raising=False)
    assert (bot_settings.current().clinic_name, bot_settings.current().content_reviewed_by) == (None, None)
    monkeypatch.setenv("CLINIC_NAME", " Riverside Spine Clinic ")
    monkeypatch.setenv("CONTENT_REVIEWED_BY", "Dr A. Patel")
    current = bot_settings.current()
    assert (current.clinic_name, current.content_reviewed_by) == ("Riverside Spine Clinic", "Dr A. Patel")


def test_the_introduction_reads_at_grade_8_or_below_with_the_clinic_named() -> None:
    domain = yaml.safe_load(settings.DEFAULT_DOMAIN.read_text(encoding="utf-8"))
    line = provider_line("the spine clinic", "the clinic's lead nurse")
    for variation in domain["responses"]["utter_intro"]:
        text = str(variation["text"]).replace("{provider}", line)
        assert "This guide is offered by the spine clinic." in text
        assert reading_grade(text) <= settings.MAX_READING_GRADE


def test_the_nlu_component_adds_the_provider_only_when_a_setting_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.red_flag_classifier import RedFlagClassifier
    from bot.safety.red_flags import default_detector

    component = RedFlagClassifier(default_detector())

    def provider_of(text: str) -> list[str]:
        (message,) = component.process([Message(data={"text": text})])
        return [e["value"] for e in message.get("entities") or [] if e["entity"] == PROVIDER_ENTITY]

    monkeypatch.delenv("CLINIC_NAME", raising=False)
    monkeypatch.delenv("CONTENT_REVIEWED_BY", raising=False)
    assert provider_of("hello") == []
    monkeypatch.setenv("CLINIC_NAME", "Riverside Spine Clinic")
    assert provider_of("hello") == [" This guide is offered by Riverside Spine Clinic."]
