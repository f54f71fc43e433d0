"""The names the safety check shares with the domain: intents it sets, entities it adds, button intents."""

from __future__ import annotations

from bot.safety.red_flags import CHECK, EMERGENCY, ESCALATE, URGENT

# Set by the NLU component (bot/nlu/red_flag_classifier.py), never by training examples.
RED_FLAG_INTENTS = {EMERGENCY: "red_flag_emergency", URGENT: "red_flag_urgent"}
CHECK_INTENTS = {EMERGENCY: "safety_check_emergency", URGENT: "safety_check_urgent"}
OTHER_LANGUAGE_INTENT = "other_language"
# Sent by the one-tap question's buttons; a typed "yes" or "no" is read by the actions.
CONFIRM_INTENTS = {EMERGENCY: "safety_confirm_emergency", URGENT: "safety_confirm_urgent"}
NOT_NOW_INTENT = "safety_not_now"
INTENTS_WITHOUT_EXAMPLES = frozenset(
    {*RED_FLAG_INTENTS.values(), *CHECK_INTENTS.values(), OTHER_LANGUAGE_INTENT, *CONFIRM_INTENTS.values()}
    | {NOT_NOW_INTENT}
)
# Entities the component adds to every message; they fill the slots of the same names.
LANGUAGE_ENTITY = "language"
EMERGENCY_NUMBER_ENTITY = "emergency_number"
CARE_TEAM_ENTITY = "care_team"
SYMPTOM_ENTITY = "symptom"
# How the urgent reply names the care team, in each language, with the clinic's contact when set.
CARE_TEAM = {"en": "your care team", "es": "su equipo de atención"}


def care_team(language: str, contact: str | None) -> str:
    """The care team as the urgent reply names it: "your care team (0161 555 0100)"."""
    name = CARE_TEAM.get(language, CARE_TEAM["en"])
    return f"{name} ({contact})" if contact else name


# The responses of each level, in the domain.
LEVEL_RESPONSES = {EMERGENCY: "utter_emergency", URGENT: "utter_urgent"}


def intent_for(decision: str, level: str | None) -> str | None:
    """The intent for a screening's decision: a red flag at its level, or the one-tap question."""
    if level is None:
        return None
    if decision == ESCALATE:
        return RED_FLAG_INTENTS[level]
    if decision == CHECK:
        return CHECK_INTENTS[level]
    return None
