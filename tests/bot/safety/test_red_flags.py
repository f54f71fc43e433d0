"""The red-flag check: each category at its level, each kind of context, Spanish, and the one-tap question.

The development set (tests/data/safety/red_flags.yml) was written alongside the first rules; the
blind set (tests/data/blind/safety.yml) is measured by `make eval`, not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety.classifier import ReportClassifier, cached
from bot.safety.intents import INTENTS_WITHOUT_EXAMPLES, care_team, intent_for
from bot.safety.language import language_of
from bot.safety.red_flags import (
    ASKED,
    CHECK,
    DENIED,
    ESCALATE,
    GENERAL,
    LONG_STANDING,
    NOTHING,
    PAST,
    REPORT,
    RESOLVED,
    RedFlagDetector,
    default_detector,
    normalise,
)

DEV = yaml.safe_load((Path(__file__).parents[2] / "data" / "safety" / "red_flags.yml").read_text(encoding="utf-8"))
RULES = yaml.safe_load((Path(__file__).parents[3] / "bot" / "safety" / "red_flags.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def detector() -> RedFlagDetector:
    return default_detector()


@pytest.fixture(scope="module")
def rules_only() -> RedFlagDetector:
    return RedFlagDetector.from_file(with_classifier=False)


def statuses(detector: RedFlagDetector, text: str) -> dict[str, str]:
    return {f.category: f.status for f in detector.findings(text)}


# One plain report per category, in English and in Spanish, with the level it must get.
REPORTS = [
    ("chest_pain", "emergency", "my chest feels really tight and heavy", "me duele mucho el pecho"),
    ("heart_attack", "emergency", "i think i am having a heart attack", "creo que es un infarto"),
    ("breathing", "emergency", "it hurts when i breathe in", "me falta el aire desde anoche"),
    ("blue_lips", "emergency", "his lips have gone blue", "tiene los labios morados"),
    ("coughing_blood", "emergency", "coughing up blood this morning", "estoy tosiendo sangre"),
    ("stroke", "emergency", "her words are all jumbled and her face looks droopy", "mi esposo habla raro"),
    ("collapse", "emergency", "my husband won't wake up properly", "mi madre se desmayó"),
    ("allergic_reaction", "emergency", "my tongue is swelling up", "se me está hinchando la garganta"),
    ("leg_weakness", "emergency", "i can't walk since yesterday", "no puedo caminar desde ayer"),
    ("saddle_numbness", "emergency", "numb around my bottom and groin", "tengo la entrepierna dormida"),
    ("bladder_bowel", "emergency", "i can't hold my water any more", "no puedo orinar desde ayer"),
    ("bleeding", "emergency", "the wound keeps bleeding and won't stop", "la herida sangra mucho y no para"),
    ("help_request", "emergency", "please call an ambulance", "llamen a una ambulancia"),
    ("fever", "urgent", "i'm burning up and shivery", "tengo fiebre desde ayer"),
    ("wound", "urgent", "the needle site is red and oozing", "la herida está roja y caliente"),
    ("site_lump", "urgent", "the lump where the needle went is getting bigger", "tengo un moretón que crece"),
    ("back_pain", "urgent", "terrible new back pain since the procedure", "dolor de espalda mucho peor"),
    ("rib_pain", "urgent", "my ribs hurt a lot since the procedure", "me duelen las costillas"),
]


def test_every_category_in_the_rules_has_a_level_a_reason_and_a_test() -> None:
    assert {c for c, *_ in REPORTS} == set(RULES["categories"])
    for name, category in RULES["categories"].items():
        assert category["level"] in RULES["levels"], name
        assert len(category["why"]) > 20, name


@pytest.mark.parametrize(("category", "level", "english", "spanish"), REPORTS)
def test_a_report_escalates_at_its_categorys_level(
    rules_only: RedFlagDetector, category: str, level: str, english: str, spanish: str
) -> None:
    for text in (english, spanish):
        screening = rules_only.screen(text)
        assert (screening.decision, screening.level) == (ESCALATE, level), text
        assert category in screening.mentions, text


def test_rib_pain_with_breathing_trouble_is_an_emergency(rules_only: RedFlagDetector) -> None:
    assert rules_only.screen("my ribs hurt since the procedure").level == "urgent"
    assert rules_only.screen("my ribs hurt and i can't breathe").level == "emergency"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("I don't have chest pain", DENIED),
        ("no fever or chills", DENIED),
        ("my legs are not numb", None),
        ("no tengo dolor de pecho", DENIED),
        ("could the cement give me a stroke?", ASKED),
        ("what would happen if I got a fever after?", ASKED),
        ("is coughing up blood a known complication", ASKED),
        ("I had a fever last month but it's gone", RESOLVED),
        ("I used to get breathless years ago", PAST),
        ("numb feet for years from my diabetes", LONG_STANDING),
        ("the leaflet says to watch for shortness of breath", GENERAL),
        ("my wife says her chest feels crushed", REPORT),
        ("I might be having a stroke", REPORT),
        ("I'm sure it's nothing but my arm has gone weak", REPORT),
        ("in case it matters i have chest pain", REPORT),
        ("will you help me i can't breathe", REPORT),
        ("the nurse said to message if anything changes and now my legs are numb", REPORT),
        ("i have chest pain is this a side effect of the cement", REPORT),
        ("is it normal that my legs gave way this morning?", REPORT),
        ("it went away but now the chest pain is back", REPORT),
        ("the chest pain went away but now it's back", REPORT),
        ("my husband says his chest is really tight and he's gone quiet", REPORT),
        ("now I can only take little shallow breaths", REPORT),
        ("is rib pain normal after vertebroplasty? mine started the day after", REPORT),
        ("can barely breathe", REPORT),
        ("can you get paramedics here", REPORT),
        ("Say my back pain gets worse after, does that mean it didn't work?", ASKED),
        ("stroke after the spine injection, does that happen", ASKED),
        ("Could a cerebral embolism, i.e. a stroke, occur as a result of vertebroplasty?", ASKED),
        ("my mum is 84, could the back injection give her a stroke", ASKED),
        ("I keep picturing pus oozing from the wound. Does that actually happen?", ASKED),
        ("my legs went numb this morning, does that happen?", REPORT),
        ("Had some tingling in my left leg but it wore off before I left hospital", RESOLVED),
        ("i had a fever last month but it's gone, can i still have the procedure", RESOLVED),
        ("the stroke one, tell me more about that", ASKED),
        ("the fever one please", ASKED),
        ("I had a stroke one hour ago", REPORT),
        # A symptom named as a kind of risk asks; a report of one followed by a question does not.
        ("stroke risk vertebroplasty", ASKED),
        ("my face is drooping, is that a stroke risk", REPORT),
        ("I'm having chest pain, is that common?", REPORT),
        ("my leg is numb, does that happen after vp?", REPORT),
        # An inverted "could I have" asks about the future; "could I be having", "could I have had"
        # and "right now" say it may be happening.
        ("could I have a stroke after vertebroplasty", ASKED),
        ("will I have a stroke from the cement?", ASKED),
        ("could I be having a stroke", REPORT),
        ("could I have had a stroke? my face feels weird", REPORT),
        ("can I have a stroke right now?", REPORT),
        # Someone else's words: what was heard or read somewhere.
        ("I heard a stroke can happen after this spine cement thing, true or false?", GENERAL),
        ("I saw somewhere that stroke is listed as a complication. Is that right?", GENERAL),
        ("I heard a pop in my back and now I can't feel my legs", REPORT),
        ("I saw stroke on a list of complications and my heart sank. Can the cement cause a stroke?", GENERAL),
        ("stroke was on the list of risks they gave us", GENERAL),
        ("my legs have gone numb, it's on the list in the leaflet", REPORT),
        ("chest pain since this morning, is it on the list?", REPORT),
    ],
)
def test_context_decides_whether_a_symptom_is_reported(rules_only: RedFlagDetector, text: str, status: str) -> None:
    found = set(statuses(rules_only, text).values())
    assert found == ({status} if status else set()), text


def test_negation_never_hides_a_later_report_in_another_clause(rules_only: RedFlagDetector) -> None:
    assert rules_only.screen("no fever, but my legs went numb an hour ago").level == "emergency"


def test_calm_questions_with_trigger_words_do_not_alarm(detector: RedFlagDetector) -> None:
    for text in (
        "what temperature does the cement reach when it sets",
        "will my back pain get better after the procedure?",
        "is a collapsed vertebra the same as a fracture?",
        "what is the emergency department's number",
        "my discharge letter has a red box with things like chest pain in it",
        "my brother is a paramedic and keeps going on about cement embolism",
    ):
        assert detector.screen(text).decision == NOTHING, text


def test_everyday_requests_with_no_symptom_do_not_get_the_one_tap_question(detector: RedFlagDetector) -> None:
    # The classifier learns what patients ask from the assistant's own training questions; these
    # wordings are not among them (each got the one-tap question before it did).
    for text in (
        "can changing my habits help me avoid vertebroplasty",
        "help me decide whether to have vertebroplasty",
        "explain vertebroplasty to me like im 10",
        "where is all this info from",
    ):
        assert detector.screen(text).decision == NOTHING, text
    assert "help me decide" in ReportClassifier.ordinary_messages()


def test_short_follow_ups_in_a_conversation_are_not_screened_as_reports(detector: RedFlagDetector) -> None:
    for text in ("keep going", "yes please", "number 1", "the last one", "ok, can it leak out though"):
        assert detector.screen(text).decision == NOTHING, text


def test_a_bare_symptom_asked_as_a_question_gets_the_one_tap_question(rules_only: RedFlagDetector) -> None:
    screening = rules_only.screen("chest pain?")
    assert (screening.decision, screening.level) == (CHECK, "emergency")


def test_the_classifier_alone_asks_rather_than_escalates(detector: RedFlagDetector) -> None:
    # No rule knows this wording; the classifier's vote is worth a question, never an alarm.
    screening = detector.screen("feel like im about to pass out and everything is going grey")
    assert screening.decision in (ESCALATE, CHECK)


def test_every_development_report_gets_a_safety_reply(detector: RedFlagDetector) -> None:
    missed = [c["text"] for c in DEV["positives"] if detector.screen(c["text"]).decision == NOTHING]
    assert missed == [], f"{len(missed)} reports missed"


def test_no_development_control_alarms_and_few_get_the_question(detector: RedFlagDetector) -> None:
    decisions = [(c["text"], detector.screen(c["text"]).decision) for c in DEV["controls"]]
    assert [t for t, d in decisions if d == ESCALATE and t not in KNOWN_ALARMS] == []
    assert all(detector.screen(t).decision == ESCALATE for t in KNOWN_ALARMS)
    assert sum(d == CHECK for _, d in decisions) <= 0.03 * len(decisions)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my chest hurts", "en"),
        ("chest pain", "en"),
        ("me duele el pecho desde esta mañana", "es"),
        ("j'ai mal à la poitrine depuis ce matin", "other"),
        ("Ich habe seit heute Morgen Schmerzen in der Brust", "other"),
        ("胸が痛いです", "other"),
        ("у меня болит грудь", "other"),
        ("ok", "en"),
        ("", "en"),
    ],
)
def test_the_language_is_read_from_the_words_and_the_script(text: str, language: str) -> None:
    assert language_of(text) == language


def test_a_message_in_another_language_is_never_screened_as_english(detector: RedFlagDetector) -> None:
    screening = detector.screen("je ne peux pas respirer, j'ai mal à la poitrine")
    assert (screening.decision, screening.language) == (NOTHING, "other")


def test_contractions_and_accents_are_normalised_before_matching() -> None:
    assert normalise("I CAN'T breathe and don’t know why, I'm scared") == (
        "i unable breathe and do not know why, i am scared"
    )
    assert normalise("Corazón") == "corazon"


def test_each_decision_has_its_intent_and_the_domain_lists_them_all() -> None:
    domain = yaml.safe_load((Path(__file__).parents[3] / "bot" / "domain.yml").read_text(encoding="utf-8"))
    assert intent_for(ESCALATE, "emergency") == "red_flag_emergency"
    assert intent_for(CHECK, "urgent") == "safety_check_urgent"
    assert intent_for(NOTHING, None) is None
    assert set(INTENTS_WITHOUT_EXAMPLES) <= set(domain["intents"])


def test_the_actions_know_the_same_safety_intents_as_the_rasa_server() -> None:
    from actions import names

    assert names.SAFETY_INTENTS == INTENTS_WITHOUT_EXAMPLES


def test_the_urgent_reply_names_the_care_team_with_the_clinics_contact_only_when_set() -> None:
    assert care_team("en", None) == "your care team"
    assert care_team("en", "0161 555 0100") == "your care team (0161 555 0100)"
    assert care_team("es", None) == "su equipo de atención"


QUESTION_SETS = [
    Path(__file__).parents[2] / "data" / "heldout" / "questions.yml",
    *sorted((Path(__file__).parents[2] / "data" / "dev").glob("*.yml")),
    # Blind for one run (issue 11), development sets since: blind set 1's conversations, and the
    # questions of blind sets 1 and 2, NLU training data since.
    Path(__file__).parents[2] / "data" / "blind" / "conversations.yml",
    Path(__file__).parents[3] / "data" / "nlu" / "independent_writers.yml",
]


# Questions that alarm on purpose: "dad is very confused" is a stroke sign to the safety officer's
# rules even when the story goes on to a question ("...and Dad is very confused. What actually is
# it?"); a false alarm is the safer error, and the rules change only with the officer's sign-off.
KNOWN_ALARMS = {
    "My 79-year-old father has been in agony since he slipped on the stairs in October. The specialist has now "
    "suggested something called percutaneous vertebroplasty and Dad is very confused. What actually is it?",
    "My dad is 91 and gets very confused after being put under. Will they knock him out for the cement procedure?",
}


def test_questions_for_the_knowledge_base_never_alarm_and_are_rarely_asked_about(detector: RedFlagDetector) -> None:
    texts = []
    for path in QUESTION_SETS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [q["text"] for q in data.get("questions") or []]
        texts += [m if isinstance(m, str) else m["text"] for m in data.get("out_of_scope") or []]
        texts += [t["text"] for c in data.get("conversations") or [] for t in c["turns"]]
        texts += [line.strip().removeprefix("- ") for b in data.get("nlu") or [] for line in b["examples"].splitlines()]
    decisions = [(t, detector.screen(t).decision) for t in texts]
    assert [t for t, d in decisions if d == ESCALATE and t not in KNOWN_ALARMS] == []
    assert all(detector.screen(t).decision == ESCALATE for t in KNOWN_ALARMS)
    assert sum(d == CHECK for _, d in decisions) <= 0.03 * len(decisions)


def test_a_trained_classifier_is_kept_and_trained_again_only_when_its_inputs_change(tmp_path: Path) -> None:
    trained: list[str] = []

    def train() -> ReportClassifier:
        trained.append("once more")
        return ReportClassifier(
            ["my chest hurts now", "what is it", "how long does it take"], ["emergency", "none", "none"]
        )

    first = cached(["examples", "rules"], train, tmp_path)
    again = cached(["examples", "rules"], train, tmp_path)
    assert len(trained) == 1
    assert again.predict("my chest hurts now") == first.predict("my chest hurts now")
    cached(["examples, edited", "rules"], train, tmp_path)
    assert len(trained) == 2
    assert len(list(tmp_path.glob("*.joblib"))) == 1  # the stale one is removed


def test_a_folder_that_cannot_be_written_only_means_training_each_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file, not a folder"
    blocked.write_text("")
    trained: list[str] = []

    def train() -> ReportClassifier:
        trained.append("again")
        return ReportClassifier(["my chest hurts now", "what is it", "what is this"], ["emergency", "none", "none"])

    for _ in range(2):
        assert cached(["inputs"], train, blocked / "safety").predict("what is it")[0] < 0.5
    assert len(trained) == 2
