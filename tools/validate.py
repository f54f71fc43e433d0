"""`rasa data validate --fail-on-warnings`, also failing on warnings Rasa only prints.

Rasa warns that a response "is not used in any story or rule" when only a custom action
sends it, and does not fail on that warning. Here such a warning passes only for the
responses the action server really sends (the `UTTER_*` names in `actions/names.py`, and
their `_numbered` forms), that the channel guard sends, or that Rasa's own fallback action sends. Likewise the warning
that an intent has no training examples passes only for the intents the red-flag component
sets, the safety question's buttons send, and the question list's button-only intents
(`names.BUTTON_ONLY_INTENTS`). Any other warning fails.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from actions import names
from bot.channels.guard import GUARD_RESPONSES
from bot.safety.intents import INTENTS_WITHOUT_EXAMPLES
from knowledge.settings import MAX_READING_GRADE
from knowledge.source import reading_grade
from knowledge.uncovered import default_uncovered

# The safety replies (read under stress) and the declines, held to the entries' reading grade.
# The Spanish variations are not graded (Flesch-Kincaid is an English measure).
SAFETY_RESPONSES = (
    "utter_emergency",
    "utter_urgent",
    "utter_safety_check_emergency",
    "utter_safety_check_urgent",
    "utter_other_language",
    "utter_safety_net_emergency",
    "utter_safety_net_urgent",
    "utter_message_too_long",
    "utter_service_unavailable",
    "utter_out_of_scope",
    "utter_not_instructions",
)

UNUSED = re.compile(r"The utterance '(\w+)' is not used in any story or rule")
NO_EXAMPLES = re.compile(r"The intent '(\w+)' is listed in the domain file, but is not found in the NLU training data")
WARNING = re.compile(r"(UserWarning|WARNING|MissingDependencyWarning): (.*)")
RASA_SENT = {"utter_default"}  # sent by Rasa's action_default_fallback


def responses_sent_by_actions() -> set[str]:
    """Names of the responses the custom actions (and the channel guard) send."""
    sent = {value for key, value in vars(names).items() if key.startswith("UTTER_")}
    return sent | {f"{name}_numbered" for name in sent} | RASA_SENT | GUARD_RESPONSES


def unexpected_warnings(lines: Iterable[str], allowed: set[str]) -> list[str]:
    """The warnings in the validator's output that are not allowed."""
    problems = []
    for line in lines:
        match = WARNING.search(line)
        if not match:
            continue
        unused = UNUSED.search(line)
        if unused and unused.group(1) in allowed:
            continue
        no_examples = NO_EXAMPLES.search(line)
        if no_examples and no_examples.group(1) in INTENTS_WITHOUT_EXAMPLES | names.BUTTON_ONLY_INTENTS:
            continue
        problems.append(match.group(2).strip())
    return problems


def hard_safety_replies(responses: dict[str, list[dict[str, object]]]) -> list[str]:
    """Safety replies (their English variations) that read above the entries' grade limit."""
    problems = []
    for name in SAFETY_RESPONSES:
        for variation in responses[name]:
            if variation.get("condition"):
                continue
            grade = reading_grade(str(variation["text"]))
            if grade > MAX_READING_GRADE:
                problems.append(f"{name} reads at grade {grade:.1f}, above {MAX_READING_GRADE:.0f}")
    # The decline that names an uncovered topic, read with each topic's name in it.
    for topic in default_uncovered().topics:
        text = str(responses["utter_not_covered"][0]["text"]).replace("{topic}", topic.name)
        grade = reading_grade(text)
        if grade > MAX_READING_GRADE:
            problems.append(f"utter_not_covered ({topic.id}) reads at grade {grade:.1f}, above {MAX_READING_GRADE:.0f}")
    return problems


def main(argv: Sequence[str]) -> int:
    """Run the validator with the given Rasa file arguments."""
    command = [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings", *argv]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    problems = unexpected_warnings(output.splitlines(), responses_sent_by_actions())
    domain = yaml.safe_load(Path(argv[argv.index("--domain") + 1]).read_text(encoding="utf-8"))
    problems += hard_safety_replies(domain["responses"])
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if result.returncode != 0:
        print(output, file=sys.stderr)
        print(f"rasa data validate failed with exit code {result.returncode}", file=sys.stderr)
        return result.returncode
    if problems:
        return 1
    print("rasa data validate: no warnings")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
