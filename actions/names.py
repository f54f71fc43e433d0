"""Names shared with the domain: intents, slots, responses and actions used from Python."""

# Intents whose meaning depends on the conversation so far.
INTENT_FOLLOW_UP = "ask_follow_up"
INTENT_WHAT_ABOUT = "ask_what_about"
INTENT_HOW_DIFFERENT = "ask_how_different"
INTENT_CHOOSE_NUMBER = "choose_number"
INTENT_AFFIRM = "affirm"
INTENT_FALLBACK = "nlu_fallback"

# Slots the actions keep; none of them influences the dialogue policies.
SLOT_LAST_ENTRY = "last_entry"
SLOT_SHOWN_ENTRIES = "shown_entries"
SLOT_OFFERED_ENTRIES = "offered_entries"

# Responses in bot/domain.yml that the actions send.
UTTER_INTRO = "utter_intro"
UTTER_ANSWER = "utter_answer"
UTTER_SUGGESTIONS = "utter_suggestions"
UTTER_CLARIFY = "utter_clarify"
UTTER_CLARIFY_TOPICS = "utter_clarify_topics"
UTTER_KB_UNAVAILABLE = "utter_kb_unavailable"
UTTER_NUMBERED_HINT = "utter_numbered_hint"

# Entity carrying the treatment a comparison button asks about.
ENTITY_TREATMENT = "treatment"
