"""Names shared with the domain: intents, slots, responses and actions used from Python."""

from knowledge.payloads import HOW_DIFFERENT_INTENT

# Intents whose meaning depends on the conversation so far.
INTENT_FOLLOW_UP = "ask_follow_up"
INTENT_WHAT_ABOUT = "ask_what_about"
INTENT_HOW_DIFFERENT = HOW_DIFFERENT_INTENT
INTENT_CHOOSE_NUMBER = "choose_number"
INTENT_AFFIRM = "affirm"
INTENT_CHOOSE_WORRY = "choose_worry"
INTENT_RECENT_ANSWER = "fracture_recent_answer"
INTENT_CHOOSE_PRIORITY = "choose_priority"
# Answers to the question list's three questions; they mean something only while it asks.
LIST_ANSWER_INTENTS = frozenset({INTENT_CHOOSE_WORRY, INTENT_RECENT_ANSWER, INTENT_CHOOSE_PRIORITY})
# Sent only by the assistant's own buttons, so they have no training examples: a typed answer to
# "what matters most to you?" is read by its words (actions/preparation.py).
BUTTON_ONLY_INTENTS = frozenset({INTENT_CHOOSE_PRIORITY})
INTENT_FALLBACK = "nlu_fallback"
INTENT_FEEDBACK_HELPFUL = "feedback_helpful"
INTENT_PREP = "ask_second_opinion_prep"
INTENT_DENY = "deny"
INTENT_OUT_OF_SCOPE = "out_of_scope"
# The safety check's intents (set in the Rasa server, bot/safety/intents.py): the actions leave
# them out of a question's ranking, and answer the message a "No, I'm asking in general" is about.
SAFETY_INTENTS = frozenset(
    {
        "red_flag_emergency",
        "red_flag_urgent",
        "safety_check_emergency",
        "safety_check_urgent",
        "other_language",
        "safety_confirm_emergency",
        "safety_confirm_urgent",
        "safety_not_now",
    }
)
INTENT_SAFETY_NOT_NOW = "safety_not_now"
# The one-tap question's responses, by level, and each level's reply.
CHECK_LEVELS = {"utter_safety_check_emergency": "emergency", "utter_safety_check_urgent": "urgent"}
LEVEL_REPLIES = {"emergency": "utter_emergency", "urgent": "utter_urgent"}
UTTER_SAFETY_NET_EMERGENCY = "utter_safety_net_emergency"
UTTER_SAFETY_NET_URGENT = "utter_safety_net_urgent"
SAFETY_NETS = {"emergency": UTTER_SAFETY_NET_EMERGENCY, "urgent": UTTER_SAFETY_NET_URGENT}
ENTITY_SYMPTOM = "symptom"

# Slots the actions keep; none of them influences the dialogue policies.
SLOT_LAST_ENTRY = "last_entry"
SLOT_SHOWN_ENTRIES = "shown_entries"
SLOT_OFFERED_ENTRIES = "offered_entries"
SLOT_DECLINED_SUBJECT = "declined_subject"
SLOT_PREP_STEP = "prep_step"
SLOT_PREP_WORRY = "prep_worry"
SLOT_PREP_RECENT = "prep_recent"
SLOT_PREP_PRIORITY = "prep_priority"

# Responses in bot/domain.yml that the actions send.
UTTER_INTRO = "utter_intro"
UTTER_ANSWER = "utter_answer"
UTTER_SUGGESTIONS = "utter_suggestions"
UTTER_CLARIFY = "utter_clarify"
UTTER_CLARIFY_MAYBE_NOT_COVERED = "utter_clarify_maybe_not_covered"
UTTER_CLARIFY_TOPICS = "utter_clarify_topics"
UTTER_KB_UNAVAILABLE = "utter_kb_unavailable"
UTTER_HANDOFF = "utter_handoff"
UTTER_HANDOFF_DEFAULT = "utter_handoff_default"
UTTER_FEEDBACK_THANKS = "utter_feedback_thanks"
UTTER_FEEDBACK_SORRY = "utter_feedback_sorry"
UTTER_ASK_PREP_WORRY = "utter_ask_prep_worry"
UTTER_ASK_PREP_RECENT = "utter_ask_prep_recent"
UTTER_ASK_PREP_PRIORITY = "utter_ask_prep_priority"
UTTER_PREP_LIST = "utter_prep_list"
UTTER_ANYTHING_ELSE = "utter_anything_else"
UTTER_NOT_COVERED = "utter_not_covered"
UTTER_NOT_INSTRUCTIONS = "utter_not_instructions"
UTTER_OUT_OF_SCOPE = "utter_out_of_scope"
UTTER_COMPARE_INTRO = "utter_compare_intro"
UTTER_COMPARE_OPTION = "utter_compare_option"

# Entities that buttons carry.
ENTITY_WORRY = "worry"
ENTITY_RECENT = "recent"
ENTITY_PRIORITY = "priority"
ENTITY_PREP_AGAIN = "prep_again"
