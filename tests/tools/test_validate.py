"""The strict wrapper around `rasa data validate`."""

from __future__ import annotations

from tools.validate import responses_sent_by_actions, unexpected_warnings


def test_responses_sent_by_actions_are_allowed_to_be_missing_from_stories() -> None:
    line = "UserWarning: The utterance 'utter_answer' is not used in any story or rule."
    assert unexpected_warnings([line], responses_sent_by_actions()) == []


def test_an_unused_response_nobody_sends_is_a_problem() -> None:
    line = "UserWarning: The utterance 'utter_forgotten' is not used in any story or rule."
    assert unexpected_warnings([line], responses_sent_by_actions()) == [line.split(": ", 1)[1]]


def test_any_other_warning_is_a_problem() -> None:
    line = "UserWarning: The intent 'ask_x' is not used in any story or rule."
    assert len(unexpected_warnings([line, "INFO all good"], responses_sent_by_actions())) == 1


def test_only_the_safety_intents_may_lack_training_examples() -> None:
    template = "UserWarning: The intent '{}' is listed in the domain file, but is not found in the NLU training data."
    lines = [template.format("red_flag_emergency"), template.format("ask_forgotten")]
    assert unexpected_warnings(lines, responses_sent_by_actions()) == [lines[1].split(": ", 1)[1]]


def test_every_safety_reply_reads_at_grade_8_or_below() -> None:
    import yaml

    from knowledge import settings
    from tools.validate import SAFETY_RESPONSES, hard_safety_replies

    responses = yaml.safe_load((settings.REPO_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))["responses"]
    assert set(SAFETY_RESPONSES) <= set(responses)
    assert hard_safety_replies(responses) == []
    harder = dict(
        responses,
        utter_emergency=[
            {"text": "Instantaneous cardiopulmonary deterioration necessitates immediate emergency intervention."}
        ],
    )
    problems = hard_safety_replies(harder)
    assert len(problems) == 1 and problems[0].startswith("utter_emergency reads at grade")
