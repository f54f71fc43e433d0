"""The retrieval service against an in-memory knowledge base (no database, no Rasa)."""

from __future__ import annotations

import dataclasses

import pytest

from knowledge.errors import EntryNotFound, KnowledgeUnavailable
from knowledge.model import KnowledgeSource
from knowledge.repository import InMemoryRepository
from knowledge.service import LAST, Answer, Clarification, Context, KnowledgeService, NotCovered, Question


def answered(resolution: object) -> str:
    assert isinstance(resolution, Answer), resolution
    return resolution.entry.id


def test_an_intent_is_answered_by_its_entry_with_its_related_suggestions(service: KnowledgeService) -> None:
    resolution = service.for_intent(Question(intent="ask_risk_cement_leakage"))
    assert answered(resolution) == "risk_cement_leakage"
    assert isinstance(resolution, Answer)
    entry = resolution.entry
    assert [e.id for e in resolution.suggestions] == list(entry.related[:3])


def test_suggestions_skip_entries_already_shown(service: KnowledgeService) -> None:
    entry = service.catalog().get("risk_cement_leakage")
    resolution = service.for_intent(Question(intent=entry.intent), Context(shown=(entry.related[0],)))
    assert isinstance(resolution, Answer)
    assert entry.related[0] not in [e.id for e in resolution.suggestions]


def test_a_general_question_naming_one_complication_gets_the_specific_entry(service: KnowledgeService) -> None:
    question = Question(intent="ask_risks", entity_phrases=("Infection",))
    assert answered(service.for_intent(question)) == "risk_infection"


def test_a_general_question_naming_two_complications_stays_general(service: KnowledgeService) -> None:
    question = Question(intent="ask_risks", entity_phrases=("infection", "bleeding"))
    assert answered(service.for_intent(question)) == "risks_overview"


def test_a_question_naming_only_another_thing_of_the_family_gets_that_things_entry(service: KnowledgeService) -> None:
    # "What was the 2009 study about?" given the 2010 study's intent.
    question = Question(intent="ask_evidence_jama_2010", entity_phrases=("2009 study",))
    assert answered(service.for_intent(question)) == "evidence_nejm_2009"
    # Naming the intent's own thing as well keeps its entry; so does an entry that is not about one thing.
    both = Question(intent="ask_evidence_jama_2010", entity_phrases=("2009 study", "2010 trial"))
    assert answered(service.for_intent(both)) == "evidence_jama_2010"
    how_common = Question(intent="ask_how_common", entity_phrases=("infection",))
    assert answered(service.for_intent(how_common)) == "risk_frequency"


def test_a_question_naming_where_the_problem_is_keeps_that_problems_entry(service: KnowledgeService) -> None:
    # "Could leaking cement block a blood vessel in the lung?" names the leak, but the lungs are
    # where the lung blockage is: the embolism entry answers it, not the leak's.
    in_the_lung = Question(intent="ask_risk_pulmonary_embolism", entity_phrases=("leaking cement", "lung"))
    assert answered(service.for_intent(in_the_lung)) == "risk_pulmonary_embolism"
    # Without the place, the leak named alone still wins.
    leak_only = Question(intent="ask_risk_pulmonary_embolism", entity_phrases=("leaking cement",))
    assert answered(service.for_intent(leak_only)) == "risk_cement_leakage"


def test_lay_words_name_the_same_term(service: KnowledgeService) -> None:
    catalog = service.catalog()
    term = catalog.term_for("Painkillers")
    assert term is not None and term.id == "pain_medication"


def test_tell_me_more_follows_the_first_related_entry_not_yet_shown(service: KnowledgeService) -> None:
    first = service.follow_up(Context(last_entry="risk_cement_leakage", shown=("risk_cement_leakage",)))
    assert answered(first) == "risk_pulmonary_embolism"
    second = service.follow_up(
        Context(last_entry="risk_cement_leakage", shown=("risk_cement_leakage", "risk_pulmonary_embolism"))
    )
    assert answered(second) == "risk_stroke"


def test_tell_me_more_without_context_asks_what_about(service: KnowledgeService) -> None:
    assert service.follow_up(Context()) == Clarification(())


def test_what_about_a_named_complication_answers_it(service: KnowledgeService) -> None:
    question = Question(intent="ask_what_about", entity_phrases=("stroke",), text="what about stroke?")
    assert answered(service.what_about(question, Context(last_entry="risk_cement_leakage"))) == "risk_stroke"


def test_what_about_without_a_known_term_falls_back_to_search(service: KnowledgeService) -> None:
    question = Question(intent="ask_what_about", text="and what about the placebo effect?")
    assert answered(service.what_about(question, Context())) == "evidence_nejm_2009"


def test_how_is_it_different_after_kyphoplasty_compares_it(service: KnowledgeService) -> None:
    question = Question(intent="ask_how_different", text="how is it different?")
    assert answered(service.how_different(question, Context(last_entry="alt_kyphoplasty"))) == "compare_kyphoplasty"


def test_how_is_it_different_without_a_treatment_offers_the_comparisons(service: KnowledgeService) -> None:
    resolution = service.how_different(Question(intent="ask_how_different"), Context(last_entry="risk_stroke"))
    assert isinstance(resolution, Clarification)
    assert [e.id for e in resolution.candidates] == ["compare_kyphoplasty"]


def test_a_number_picks_from_the_entries_offered(service: KnowledgeService) -> None:
    context = Context(offered=("risk_stroke", "alt_kyphoplasty"))
    assert answered(service.choose(2, context)) == "alt_kyphoplasty"
    assert isinstance(service.choose(3, context), Clarification)


def test_a_number_after_an_answer_picks_what_the_answer_named_in_its_order(service: KnowledgeService) -> None:
    after_risks = Context(last_entry="risks_overview")
    assert answered(service.choose(2, after_risks)) == "risk_bleeding"
    assert answered(service.choose(LAST, after_risks)) == "risk_stroke"
    medicines = service.choose(3, Context(last_entry="alternatives_overview"))
    assert isinstance(medicines, Clarification)
    assert [e.id for e in medicines.candidates] == ["alt_pain_medication", "alt_bone_health_medication"]


def test_a_number_past_the_end_offers_the_items_named(service: KnowledgeService) -> None:
    resolution = service.choose(9, Context(last_entry="risk_cement_leakage"))
    assert isinstance(resolution, Clarification)
    assert [e.id for e in resolution.candidates] == ["risk_pulmonary_embolism", "risk_stroke"]


def test_the_other_study_is_the_one_named_beside_the_last(service: KnowledgeService) -> None:
    assert answered(service.other(Context(last_entry="evidence_nejm_2009"))) == "evidence_jama_2010"
    # The lung blockage is named in the risks (six items) and beside the stroke (two): the shorter list wins.
    assert answered(service.other(Context(last_entry="risk_pulmonary_embolism"))) == "risk_stroke"
    assert service.other(Context(last_entry="what_is_vertebroplasty")) is None


def test_an_answer_without_a_list_points_into_its_broader_entrys_list(service: KnowledgeService) -> None:
    assert answered(service.choose(1, Context(last_entry="evidence_jama_2010"))) == "evidence_nejm_2009"


def test_a_short_message_naming_one_item_of_the_last_list_gets_it(service: KnowledgeService) -> None:
    after_leak = Context(last_entry="risk_cement_leakage")
    assert answered(service.named_item(Question(text="the lungs one"), after_leak)) == "risk_pulmonary_embolism"
    pills = service.named_item(
        Question(text="and the pills?", entity_phrases=["pills"]), Context("alternatives_overview")
    )
    assert isinstance(pills, Clarification)
    assert [e.id for e in pills.candidates] == ["alt_pain_medication", "alt_bone_health_medication"]
    assert service.named_item(Question(text="what are the risks?"), Context(last_entry="making_a_decision")) is None


def test_a_pointer_naming_one_term_gets_its_entry(service: KnowledgeService) -> None:
    question = Question(text="ok and the second opinions bit?", entity_phrases=["second opinions"])
    assert answered(service.named_topic(question, Context(last_entry="evidence_overview"))) == "second_opinion_why"
    two = Question(text="and stroke or bleeding?", entity_phrases=["stroke", "bleeding"])
    assert service.named_topic(two, Context()) is None


def test_a_treatment_named_after_the_risks_asks_its_risks_which_the_article_does_not_cover(
    service: KnowledgeService,
) -> None:
    after_stroke = Context(last_entry="risk_stroke")
    kyphoplasty = Question(intent="ask_kyphoplasty", text="and for kyphoplasty?", entity_phrases=["kyphoplasty"])
    declined = service.carried_over(kyphoplasty, after_stroke, pointer=True)
    assert declined is not None and declined.topic is not None and declined.topic.id == "other_treatments_details"
    its_risks = Question(intent="ask_risks", text="what are its risks")
    after_comparison = Context(last_entry="compare_kyphoplasty")
    assert service.carried_over(its_risks, after_comparison, pointer=False, refers=True) is not None
    dangerous = Question(intent="ask_risks", text="is it dangerous?")
    after_kyphoplasty = Context(last_entry="alt_kyphoplasty")
    assert service.carried_over(dangerous, after_kyphoplasty, pointer=False, refers=True) is not None
    assert service.carried_over(dangerous, Context(last_entry="what_is_vertebroplasty"), False, refers=True) is None
    # Read by NLU as another family's question, it still asks the physiotherapy's risks.
    misread = Question(intent="ask_second_opinion_risks", text="does that have risks")
    after_physio = Context(last_entry="alt_physical_therapy")
    assert service.carried_over(misread, after_physio, pointer=False, refers=True) is not None
    # A question of its own, pointing back at nothing, is about vertebroplasty.
    risks = Question(intent="ask_risks", text="what are the risks?")
    assert service.carried_over(risks, after_kyphoplasty, pointer=False, refers=False) is None
    # After the research, "and for kyphoplasty?" asks for kyphoplasty's studies.
    after_study = Context(last_entry="evidence_nejm_2009")
    studies = service.carried_over(kyphoplasty, after_study, pointer=True)
    assert studies is not None and studies.topic is not None and studies.topic.id == "other_treatments_details"
    leak = Question(intent="ask_risk_cement_leakage", text="can it leak?", entity_phrases=["cement leak"])
    assert service.carried_over(leak, after_kyphoplasty, pointer=False, refers=True) is None


def test_a_question_naming_both_treatments_gets_their_comparison(service: KnowledgeService) -> None:
    question = Question(
        intent="ask_kyphoplasty",
        entity_phrases=["kyphoplasty", "vertebroplasty"],
        text="is kyphoplasty just vertebroplasty with a balloon",
    )
    assert answered(service.for_intent(question)) == "compare_kyphoplasty"
    risks = Question(intent="ask_risks", entity_phrases=["kyphoplasty", "vertebroplasty"], text="risks?")
    assert answered(service.for_intent(risks)) == "risks_overview"
    # Both named in the story before the question, only one in the question: that one's entry.
    story = Question(
        intent="ask_kyphoplasty",
        entity_phrases=["vertebroplasty", "kyphoplasty", "kyphoplasty"],
        text="They said I could have vertebroplasty or kyphoplasty. What exactly is kyphoplasty?",
    )
    assert answered(service.for_intent(story)) == "alt_kyphoplasty"


def test_an_unsure_question_naming_both_treatments_gets_their_comparison(service: KnowledgeService) -> None:
    unsure = Question(
        intent="nlu_fallback",
        ranking=("out_of_scope", "ask_kyphoplasty", "ask_how_different"),
        entity_phrases=["BKP", "PVP"],
        text="BKP or PVP - what sets them apart?",
    )
    assert answered(service.clarify(unsure)) == "compare_kyphoplasty"
    separates = Question(
        intent="nlu_fallback",
        ranking=("ask_kyphoplasty", "ask_how_different"),
        entity_phrases=["kyphoplasty", "vertebroplasty"],
        text="kyphoplasty or vertebroplasty - what separates them",
    )
    assert answered(service.clarify(separates)) == "compare_kyphoplasty"


def test_a_treatment_asked_for_in_place_of_vertebroplasty_is_that_treatment_not_the_comparison(
    service: KnowledgeService,
) -> None:
    question = Question(
        intent="ask_kyphoplasty",
        entity_phrases=["kyphoplasty", "vertebroplasty"],
        text="Is kyphoplasty an alternative to vertebroplasty?",
    )
    assert answered(service.for_intent(question)) == "alt_kyphoplasty"


def test_why_alone_after_a_problem_is_answered_by_it_or_declined_as_how_it_happens(service: KnowledgeService) -> None:
    assert answered(service.why_after(Context(last_entry="risk_pulmonary_embolism"))) == "risk_pulmonary_embolism"
    declined = service.why_after(Context(last_entry="risk_bleeding"))
    assert isinstance(declined, NotCovered) and declined.topic is not None
    assert declined.topic.answered_by == "cause"
    # After an answer that is not about one problem, a bare "why?" says too little to read here.
    assert service.why_after(Context(last_entry="second_opinion_why")) is None
    assert service.why_after(Context(last_entry="risk_frequency")) is None
    assert service.why_after(Context()) is None


def test_asking_words_settle_an_unsure_reading_outside_a_family(service: KnowledgeService) -> None:
    # Vertebroplasty named supports the first reading too, but nearly every question names it.
    unsure = Question(
        intent="nlu_fallback",
        ranking=("ask_what_is_vertebroplasty", "ask_conditions_treated"),
        entity_phrases=("vertebroplasty",),
        text="whats vertebroplasty usually done for",
    )
    assert answered(service.clarify(unsure)) == "conditions_treated"
    safe = Question(intent="nlu_fallback", ranking=("ask_limitations", "ask_risks"), text="how safe is it overall?")
    assert answered(service.clarify(safe)) == "risks_overview"


@pytest.mark.parametrize(
    ("text", "confidences", "expected"),
    [
        ("How risky is a vertebroplasty?", (0.55, 0.27), "risks_overview"),
        # The risks' asking words are not in the question.
        ("when can I garden?", (0.55, 0.27), None),
        # A clear lead is kept, whatever words the question uses.
        ("Is it safe to get a flu jab at 80?", (0.95, 0.01), None),
    ],
)
def test_a_reading_outside_the_article_gives_way_to_the_next_entrys_asking_words(
    service: KnowledgeService, text: str, confidences: tuple[float, float], expected: str | None
) -> None:
    question = Question(
        intent="out_of_scope", ranking=("out_of_scope", "ask_risks"), confidences=confidences, text=text
    )
    answer = service.asked_after_all(question)
    assert (answer.entry.id if answer is not None else None) == expected


def test_a_named_problem_asked_about_in_its_family_words_keeps_its_entry(service: KnowledgeService) -> None:
    question = Question(intent="ask_risk_stroke", entity_phrases=["stroke"], text="is a stroke dangerous?")
    assert answered(service.for_intent(question)) == "risk_stroke"


def test_asking_the_same_of_vertebroplasty_after_kyphoplasty_gets_the_comparison(service: KnowledgeService) -> None:
    question = Question(text="does vertebroplasty do that too?", entity_phrases=["vertebroplasty"])
    assert answered(service.comparison_after(question, Context(last_entry="alt_kyphoplasty"))) == "compare_kyphoplasty"
    assert service.comparison_after(question, Context(last_entry="risk_stroke")) is None


def test_only_an_entry_that_explains_how_its_problem_happens_answers_why(service: KnowledgeService) -> None:
    assert answered(service.explaining("cause", "risk_stroke", Context())) == "risk_stroke"
    assert service.explaining("cause", "risk_nerve_damage", Context()) is None


def test_a_general_word_offers_each_thing_it_can_mean(service: KnowledgeService) -> None:
    resolution = service.what_about(Question(intent="ask_what_about", entity_phrases=["pills"]), Context())
    assert isinstance(resolution, Clarification)
    assert [e.id for e in resolution.candidates] == ["alt_pain_medication", "alt_bone_health_medication"]


def test_a_near_tie_is_settled_by_the_term_the_patient_named(service: KnowledgeService) -> None:
    question = Question(
        intent="nlu_fallback",
        ranking=("ask_risk_bleeding", "ask_risk_stroke", "ask_risks"),
        entity_phrases=("stroke",),
        text="stroke or bleeding?",
    )
    assert answered(service.clarify(question)) == "risk_stroke"


def test_an_unsettled_tie_offers_the_likely_entries(service: KnowledgeService) -> None:
    question = Question(
        intent="nlu_fallback", ranking=("ask_risk_bleeding", "ask_risk_stroke", "ask_risks"), text="hmm"
    )
    resolution = service.clarify(question)
    assert isinstance(resolution, Clarification)
    assert [e.id for e in resolution.candidates] == ["risk_bleeding", "risk_stroke", "risks_overview"]


def test_a_tie_with_out_of_scope_is_never_answered(service: KnowledgeService) -> None:
    question = Question(
        intent="nlu_fallback",
        ranking=("out_of_scope", "ask_what_is_vertebroplasty"),
        entity_phrases=("vertebroplasty",),
        text="how much does vertebroplasty cost",
    )
    assert isinstance(service.clarify(question), Clarification)


def test_an_unknown_entry_is_a_named_error(service: KnowledgeService) -> None:
    with pytest.raises(EntryNotFound):
        service.catalog().get("no_such_entry")


class SwitchingRepository(InMemoryRepository):
    def __init__(self, source: KnowledgeSource) -> None:
        super().__init__(source)
        self.loads = 0
        self.down = False

    def version(self) -> str:
        if self.down:
            raise KnowledgeUnavailable("down")
        return super().version()

    def load(self) -> KnowledgeSource:
        self.loads += 1
        return super().load()

    def swap(self, source: KnowledgeSource) -> None:
        self.__init__(source)  # type: ignore[misc]


def test_the_snapshot_is_reused_until_the_stored_version_changes(source: KnowledgeSource) -> None:
    repository = SwitchingRepository(source)
    service = KnowledgeService(repository)
    service.for_intent(Question(intent="ask_risk_stroke"))
    service.for_intent(Question(intent="ask_risk_bleeding"))
    assert repository.loads == 1
    edited = tuple(
        dataclasses.replace(e, answer="Edited. Answer.") if e.id == "risk_stroke" else e for e in source.entries
    )
    repository.swap(dataclasses.replace(source, entries=edited))
    assert service.catalog().get("risk_stroke").answer == "Edited. Answer."


def test_a_store_that_is_down_raises_and_recovers(source: KnowledgeSource) -> None:
    repository = SwitchingRepository(source)
    service = KnowledgeService(repository)
    repository.down = True
    with pytest.raises(KnowledgeUnavailable):
        service.catalog()
    repository.down = False
    assert service.catalog().get("risk_stroke").id == "risk_stroke"


def test_visit_questions_follow_the_worry_and_cite_their_entries(service: KnowledgeService) -> None:
    questions = service.visit_questions("risks", recent_fracture=False)
    assert questions and all(q.entry.worry == "risks" for q in questions)
    assert "risks_overview" in [q.entry.id for q in questions]


def test_a_recent_fracture_adds_a_question_on_research_for_new_fractures(service: KnowledgeService) -> None:
    old = {q.entry.id for q in service.visit_questions("diagnosis", recent_fracture=False)}
    recent = {q.entry.id for q in service.visit_questions("diagnosis", recent_fracture=True)}
    assert recent - old == {"evidence_overview"}


def test_the_doubtful_2010_study_is_sent_to_nobody_in_the_question_list(service: KnowledgeService) -> None:
    # The article's 2010 study could not be found: a recent fracture must not bring it in specially.
    for recent in (True, False, None):
        listed = {q.entry.id for q in service.visit_questions("all", recent_fracture=recent)}
        assert "evidence_jama_2010" not in listed


def test_all_worries_cover_every_kind_of_question(service: KnowledgeService) -> None:
    worries = {q.entry.worry for q in service.visit_questions("all", recent_fracture=None)}
    assert worries == {"risks", "effectiveness", "alternatives", "diagnosis", "recent_fracture"}


def test_the_comparison_gives_each_option_the_same_points(service: KnowledgeService) -> None:
    rows = service.comparison()
    assert [r.option.name for r in rows][:2] == ["Vertebroplasty", "Kyphoplasty"]
    assert all(r.option.what and r.option.aim and r.option.limits and r.cites for r in rows)


def test_an_unsure_top_intent_backed_by_a_named_term_is_answered(service: KnowledgeService) -> None:
    question = Question(
        intent="nlu_fallback", ranking=("ask_risk_stroke", "greet"), entity_phrases=("stroke",), text="stroke risk?"
    )
    assert answered(service.clarify(question)) == "risk_stroke"


def test_an_unsure_reading_is_settled_by_the_asking_words_of_one_of_the_two_likeliest(
    service: KnowledgeService,
) -> None:
    # "Incidence?" after a complication: NLU is unsure between how common and the research.
    for ranking in (
        ["ask_how_common", "ask_evidence"],
        ["ask_evidence", "ask_how_common"],
        ["out_of_scope", "ask_how_common"],
    ):
        unsure = Question(intent="nlu_fallback", ranking=ranking, text="incidence?")
        assert answered(service.clarify(unsure)) == "risk_frequency"
    # Words of neither leave the choice to the patient.
    neither = Question(intent="nlu_fallback", ranking=["ask_how_common", "ask_evidence"], text="numbers?")
    assert isinstance(service.clarify(neither), Clarification)
    maybe_not = Question(intent="nlu_fallback", ranking=["out_of_scope", "ask_how_common"], text="numbers?")
    unsure = service.clarify(maybe_not)
    assert isinstance(unsure, Clarification) and unsure.maybe_not_covered


def test_a_close_second_reading_whose_asking_words_are_the_focus_answers(service: KnowledgeService) -> None:
    def question(confidences: list[float]) -> Question:
        return Question(
            intent="ask_what_is_vertebroplasty",
            ranking=["ask_what_is_vertebroplasty", "ask_conditions_treated"],
            confidences=confidences,
            entity_phrases=("vertebroplasty",),
            text="whats vertebroplasty usually done for",
        )

    assert answered(service.for_intent(question([0.39, 0.33]))) == "conditions_treated"
    # A clear lead stays NLU's reading.
    assert answered(service.for_intent(question([0.6, 0.2]))) == "what_is_vertebroplasty"


def test_what_it_is_asked_of_another_treatment_named_alone_is_that_treatment(service: KnowledgeService) -> None:
    question = Question(
        intent="ask_what_is_vertebroplasty",
        ranking=["ask_what_is_vertebroplasty", "ask_bone_health_medication"],
        entity_phrases=("HRT",),
        text="what's HRT exactly",
    )
    assert answered(service.for_intent(question)) == "alt_bone_health_medication"
    # Vertebroplasty named as well: what it is.
    both = Question(
        intent="ask_what_is_vertebroplasty",
        ranking=["ask_what_is_vertebroplasty"],
        entity_phrases=("vertebroplasty", "HRT"),
        text="I take HRT. What is vertebroplasty?",
    )
    assert answered(service.for_intent(both)) == "what_is_vertebroplasty"


def test_the_2009_trials_named_by_their_authors_are_the_2009_review(service: KnowledgeService) -> None:
    question = Question(
        intent="ask_evidence",
        ranking=["ask_evidence"],
        entity_phrases=("Buchbinder", "Kallmes"),
        text="The Buchbinder and Kallmes trials - what does the article say about them?",
    )
    assert answered(service.for_intent(question)) == "evidence_nejm_2009"
    unsure = Question(
        intent="nlu_fallback",
        ranking=["ask_evidence", "ask_what_about"],
        entity_phrases=("Buchbinder", "Kallmes", "trials"),
        text=question.text,
    )
    assert answered(service.clarify(unsure)) == "evidence_nejm_2009"


def test_a_focus_comparing_both_treatments_is_the_comparison_whatever_the_story(service: KnowledgeService) -> None:
    question = Question(
        intent="ask_evidence",
        ranking=["ask_evidence", "ask_risks"],
        entity_phrases=("studies", "KP", "VP"),
        text="Been reading about risks and studies, all of it. Simple question: how is KP different from VP?",
    )
    assert answered(service.for_intent(question)) == "compare_kyphoplasty"


def test_an_unsure_short_follow_up_keeps_to_the_last_answers_family(service: KnowledgeService) -> None:
    unsure = Question(
        intent="nlu_fallback",
        ranking=["ask_alternatives", "ask_risks"],
        confidences=[0.37, 0.34],
        text="what other problems can there be",
    )
    assert answered(service.clarify(unsure, Context(last_entry="risk_frequency"))) == "risks_overview"
    # With no conversation, or right after the entry itself, the patient is asked.
    assert isinstance(service.clarify(unsure), Clarification)
    assert isinstance(service.clarify(unsure, Context(last_entry="risks_overview")), Clarification)


def test_an_unsure_general_word_offers_every_entry_it_can_mean(service: KnowledgeService) -> None:
    # "N meds?": NLU leaned to the pain medicines, but "meds" can mean either kind.
    unsure = Question(
        intent="nlu_fallback", ranking=["out_of_scope", "ask_pain_medication"], entity_phrases=("meds",), text="n meds?"
    )
    offered = service.clarify(unsure)
    assert isinstance(offered, Clarification)
    assert [e.id for e in offered.candidates] == ["alt_pain_medication", "alt_bone_health_medication"]


def test_the_family_entry_whose_words_the_question_uses_answers_it(service: KnowledgeService) -> None:
    # "Who should she see?" classified as why-a-second-opinion is asking whom to see.
    who = Question(intent="ask_second_opinion_why", text="my mum wants another opinion. who should she see?")
    assert answered(service.for_intent(who)) == "second_opinion_who"
    both = Question(intent="ask_second_opinion_why", text="who should i ask about the risks?")
    assert answered(service.for_intent(both)) == "second_opinion_why"
    # Unsure NLU settled by the named term is refined the same way.
    unsure = Question(
        intent="nlu_fallback",
        ranking=["ask_second_opinion_why", "ask_making_a_decision"],
        entity_phrases=("second opinion",),
        text="second opinion to weigh up the pros and cons?",
    )
    assert answered(service.clarify(unsure)) == "second_opinion_risks"
    # A specific entry whose own topic is named keeps the question, unless the question asks
    # about an aspect of the family: how common problems are.
    chance = Question(intent="ask_risk_stroke", entity_phrases=("stroke",), text="is there a chance of a stroke?")
    assert answered(service.for_intent(chance)) == "risk_stroke"
    for text in ("how likely is a stroke?", "is a stroke common after it?", "do many people have a stroke?"):
        stroke = Question(intent="ask_risk_stroke", entity_phrases=("stroke",), text=text)
        assert answered(service.for_intent(stroke)) == "risk_frequency", text
    general = Question(intent="ask_risks", text="how likely is it that something goes wrong?")
    assert answered(service.for_intent(general)) == "risk_frequency"
    # The broader entry has words of its own: choices not heard of yet are why to ask someone else.
    why = Question(
        intent="ask_second_opinion_risks", text="could a second opinion show me treatment choices i have not heard of?"
    )
    assert answered(service.for_intent(why)) == "second_opinion_why"


def test_unsure_between_an_entry_and_out_of_scope_a_named_term_does_not_settle_it(service: KnowledgeService) -> None:
    # "Can dogs have vertebroplasty?": unsure, and "not about the article" is a close second.
    question = Question(
        intent="nlu_fallback",
        ranking=["ask_what_is_vertebroplasty", "out_of_scope", "ask_how_common"],
        entity_phrases=("vertebroplasty",),
        text="can dogs have vertebroplasty?",
    )
    unsure = service.clarify(question)
    assert isinstance(unsure, Clarification) and unsure.maybe_not_covered
    assert [e.id for e in unsure.candidates][:2] == ["what_is_vertebroplasty", "risk_frequency"]
    # A more specific term than vertebroplasty, naming what the likely entry is about, settles it.
    kp = Question(
        intent="nlu_fallback",
        ranking=["out_of_scope", "ask_kyphoplasty", "ask_what_is_vertebroplasty"],
        entity_phrases=("kp", "vertebroplasty"),
        text="whats kp, the doc scribbled it on my notes next to vertebroplasty",
    )
    assert answered(service.clarify(kp)) == "alt_kyphoplasty"
    # With an entry second instead, the named term settles it as before.
    settled = dataclasses.replace(question, ranking=["ask_what_is_vertebroplasty", "ask_how_common", "out_of_scope"])
    assert answered(service.clarify(settled)) == "what_is_vertebroplasty"


@pytest.mark.parametrize(
    ("intent", "text", "after", "topic", "of_vp"),
    [
        # "Side effects?" right after a medicine are the medicine's.
        ("ask_risks", "what are the side effects?", "alt_pain_medication", "doses_drugs", "side effects of vp?"),
        # Research right after physiotherapy is its studies; the article reports vertebroplasty's only.
        (
            "ask_evidence",
            "is there any research showing it works?",
            "alt_physical_therapy",
            "other_treatments_details",
            "and the research on vp?",
        ),
        # Weighed against vertebroplasty, or how often to go: the article does not say.
        (
            "ask_risks",
            "is kyphoplasty riskier though?",
            "alt_kyphoplasty",
            "other_treatments_details",
            "is vp riskier?",
        ),
        (
            "ask_how_common",
            "how often would I have to go?",
            "alt_physical_therapy",
            "other_treatments_details",
            "how often would I have to go for vp?",
        ),
        # Which exercises, or which changes: the article names them only in general.
        (
            "ask_physical_therapy",
            "what exercises?",
            "alt_physical_therapy",
            "other_treatments_details",
            "what exercises for vp?",
        ),
        (
            "ask_alt_lifestyle",
            "like what changes exactly?",
            "alt_lifestyle",
            "other_treatments_details",
            "what changes for vp?",
        ),
    ],
)
def test_a_question_right_after_another_treatment_is_about_it_which_the_article_does_not_cover(
    service: KnowledgeService, intent: str, text: str, after: str, topic: str, of_vp: str
) -> None:
    question = Question(intent=intent, text=text)
    declined = service.carried_over(question, Context(last_entry=after), pointer=False)
    assert declined is not None and declined.topic is not None and declined.topic.id == topic
    # After vertebroplasty's own answers, or naming vertebroplasty, the question is about vertebroplasty.
    assert service.carried_over(question, Context(last_entry="what_is_vertebroplasty"), pointer=False) is None
    naming = Question(intent=intent, text=of_vp, entity_phrases=["vp"])
    assert service.carried_over(naming, Context(last_entry=after), pointer=False) is None


def test_a_follow_up_about_the_treatment_just_shown_stays_on_it_when_its_answer_speaks_to_it(
    service: KnowledgeService,
) -> None:
    # "Do they help with the pain?" after the bone medicines: NLU reads the pain medicines'
    # question, but "they" are the bone medicines, whose answer says whether they ease pain.
    after_bone = Context(last_entry="alt_bone_health_medication", shown=("alt_bone_health_medication",))
    pain = Question(text="do they help with the pain?", intent="ask_pain_medication")
    assert answered(service.still_about_last(pain, after_bone)) == "alt_bone_health_medication"
    # Naming the other treatment asks about it; an aspect entry ("is it common?") is not another thing.
    named = Question(text="do painkillers help?", intent="ask_pain_medication", entity_phrases=("painkillers",))
    assert service.still_about_last(named, after_bone) is None
    after_stroke = Context(last_entry="risk_stroke", shown=("risk_stroke",))
    common = Question(text="is it common?", intent="ask_how_common")
    assert service.still_about_last(common, after_stroke) is None


def test_what_else_besides_one_treatment_asks_for_the_rest_of_its_family(service: KnowledgeService) -> None:
    besides = Question(
        intent="ask_physical_therapy", text="what else is there besides physio?", entity_phrases=("physio",)
    )
    assert answered(service.for_intent(besides)) == "alternatives_overview"
    physio = Question(intent="ask_physical_therapy", text="what does physio involve?", entity_phrases=("physio",))
    assert answered(service.for_intent(physio)) == "alt_physical_therapy"


def test_a_general_word_that_says_nothing_more_offers_what_it_can_mean(service: KnowledgeService) -> None:
    # "Can medicine help instead of vertebroplasty?": the pain medicines or the bone medicines.
    bare = Question(
        intent="ask_pain_medication",
        text="can medicine help instead of vertebroplasty?",
        entity_phrases=("medicine", "vertebroplasty"),
    )
    offered = service.for_intent(bare)
    assert isinstance(offered, Clarification)
    assert [e.id for e in offered.candidates] == ["alt_pain_medication", "alt_bone_health_medication"]
    # Saying more ("for weak bones", "for the pain") keeps NLU's reading.
    for text, phrases, intent, entry_id in (
        (
            "what medicines are there for weak bones",
            ("medicines", "weak bones"),
            "ask_bone_health_medication",
            "alt_bone_health_medication",
        ),
        ("can I try medicine for the pain first?", ("medicine",), "ask_pain_medication", "alt_pain_medication"),
    ):
        assert answered(service.for_intent(Question(intent=intent, text=text, entity_phrases=phrases))) == entry_id


def test_an_unsure_follow_up_about_the_treatment_just_shown_stays_on_it(service: KnowledgeService) -> None:
    after_bone = Context(last_entry="alt_bone_health_medication", shown=("alt_bone_health_medication",))
    unsure = Question(
        text="do they ease the pain?", intent="nlu_fallback", ranking=["ask_limitations", "ask_pain_medication"]
    )
    assert answered(service.still_about_last(unsure, after_bone)) == "alt_bone_health_medication"
    elsewhere = dataclasses.replace(unsure, ranking=["ask_risk_stroke", "ask_pain_medication"])
    assert service.still_about_last(elsewhere, after_bone) is None


def test_only_a_list_of_studies_is_in_date_order(service: KnowledgeService) -> None:
    assert service.in_date_order(Context(last_entry="evidence_overview"))
    # An answer about one study points into its broader entry's list: the other study.
    assert service.in_date_order(Context(last_entry="evidence_jama_2010"))
    # "Which came first?" after the treatments asks about their history, not a place in the list.
    assert not service.in_date_order(Context(last_entry="alternatives_overview"))
    assert not service.in_date_order(Context(last_entry="alt_kyphoplasty"))
    assert not service.in_date_order(Context())


def test_what_did_they_compare_it_with_after_a_study_is_that_study(service: KnowledgeService) -> None:
    question = Question(intent="ask_how_different", text="what did they compare it with?")
    assert answered(service.how_different(question, Context(last_entry="evidence_jama_2010"))) == "evidence_jama_2010"
    # A treatment named still gets its comparison.
    named = Question(intent="ask_how_different", entity_phrases=("kyphoplasty",), text="how is kyphoplasty different?")
    assert answered(service.how_different(named, Context(last_entry="evidence_jama_2010"))) == "compare_kyphoplasty"


def test_a_story_naming_vertebroplasty_then_asking_about_another_thing_is_about_that_thing(
    service: KnowledgeService,
) -> None:
    def read(text: str, phrases: tuple[str, ...], ranking: list[str]) -> str | None:
        return answered(
            service.for_intent(Question(intent=ranking[0], ranking=ranking, entity_phrases=phrases, text=text))
        )

    what_is = ["ask_what_is_vertebroplasty", "ask_kyphoplasty"]
    # The focus names only the other thing.
    fracture = "The surgeon wants to do a vertebroplasty. What is a compression fracture actually?"
    assert read(fracture, ("vertebroplasty", "compression fracture"), what_is) == "conditions_treated"
    # "What is it?" at the end: the last thing the story named.
    story = "The first doctor said vertebroplasty. The second one mentioned kyphoplasty. What is it?"
    assert read(story, ("vertebroplasty", "kyphoplasty"), what_is) == "alt_kyphoplasty"
    # ...and when vertebroplasty is named last, it is what is asked about.
    last = "The second doctor mentioned kyphoplasty but the first said vertebroplasty. What is it?"
    assert read(last, ("kyphoplasty", "vertebroplasty"), what_is) == "what_is_vertebroplasty"


def test_an_unsure_what_is_reading_of_another_treatment_named_alone_is_that_treatment(
    service: KnowledgeService,
) -> None:
    question = Question(
        intent="nlu_fallback",
        ranking=["ask_what_is_vertebroplasty", "ask_kyphoplasty"],
        entity_phrases=("kyphoplasty",),
        text="Can you explain what a kyphoplasty is, in simple terms?",
        confidences=[0.44, 0.41],
    )
    assert answered(service.clarify(question)) == "alt_kyphoplasty"


@pytest.mark.parametrize(
    ("text", "phrases", "expected"),
    [
        ("Both put cement in the spine, right? so what's different about kyphoplasty", ("kyphoplasty",), True),
        ("My leaflet is on vertebroplasty, my friend talks of kyphoplasty. What separates the two?",
         ("vertebroplasty", "kyphoplasty"), True),
        # Only one side named and not in the focus: no comparison.
        ("My friend had kyphoplasty. What separates the two?", ("kyphoplasty",), False),
        # A third treatment in the focus, or one asked for in place of the procedure.
        ("What's the difference between kyphoplasty and physio?", ("kyphoplasty", "physio"), False),
        ("Is kyphoplasty a different option instead of vertebroplasty?", ("kyphoplasty", "vertebroplasty"), False),
        # Offered in place of the procedure, and asked how the two differ: the comparison.
        ("my surgeon offered kyphoplasty instead of vertebroplasty, what's the difference?",
         ("kyphoplasty", "vertebroplasty"), True),
    ],
)  # fmt: skip
def test_a_focus_that_compares_one_treatment_named_gets_the_comparison(
    service: KnowledgeService, text: str, phrases: tuple[str, ...], expected: bool
) -> None:
    question = Question(
        intent="out_of_scope", ranking=["out_of_scope", "ask_kyphoplasty"], entity_phrases=phrases, text=text
    )
    compared = service.asked_after_all(question)
    got = compared.entry.id if isinstance(compared, Answer) else None
    assert (got == "compare_kyphoplasty") is expected, got


def test_a_short_unsure_message_naming_one_thing_is_about_that_thing(service: KnowledgeService) -> None:
    def ask(text: str, phrases: tuple[str, ...]) -> object:
        ranking = ["ask_what_about", "ask_bone_health_medication", "ask_pain_medication"]
        return service.clarify(Question(intent="nlu_fallback", ranking=ranking, entity_phrases=phrases, text=text))

    assert answered(ask("and bone meds?", ("bone meds",))) == "alt_bone_health_medication"
    # A general word names no one thing: both readings are offered.
    assert isinstance(ask("and meds?", ("meds",)), Clarification)


@pytest.mark.parametrize(
    ("declined_text", "phrases", "subject"),
    [
        ("what are the risks of kyphoplasty?", ("kyphoplasty",), "risks_overview"),
        ("does kyphoplasty cause infections?", ("kyphoplasty", "infections"), "risk_infection"),
        ("is there research on physio?", ("physio",), "evidence_overview"),
        ("how much does vertebroplasty cost?", ("vertebroplasty",), None),
    ],
)
def test_and_for_vertebroplasty_after_a_declined_question_about_another_treatment(
    service: KnowledgeService, declined_text: str, phrases: tuple[str, ...], subject: str | None
) -> None:
    asked = Question(intent="out_of_scope", ranking=["out_of_scope"], entity_phrases=phrases, text=declined_text)
    declined = service.not_covered(declined_text)
    assert isinstance(declined, NotCovered)
    assert service.declined_subject(asked, declined) == subject
    follow_up = Question(intent="ask_what_about", entity_phrases=("vertebroplasty",), text="and for vertebroplasty?")
    carried = service.for_procedure_too(follow_up, Context(declined_subject=subject))
    assert (carried.entry.id if carried else None) == subject
    # Anything more than the procedure named is a question of its own.
    longer = Question(intent="ask_risks", entity_phrases=("vertebroplasty",), text="and the cost of vertebroplasty?")
    assert service.for_procedure_too(longer, Context(declined_subject=subject)) is None


def test_a_word_most_names_of_one_item_use_names_that_item(service: KnowledgeService) -> None:
    question = Question(intent="ask_what_about", text="the cement one")
    resolution = service.named_item(question, Context(last_entry="risks_overview"))
    # The lung blockage has one name with "cement" in it ("cement embolism"), the leak most of its names.
    assert answered(resolution) == "risk_cement_leakage"


def test_an_unsure_general_word_is_narrowed_by_the_messages_other_words(service: KnowledgeService) -> None:
    def ask(text: str) -> object:
        ranking = ["ask_what_about", "ask_pain_medication"]
        return service.clarify(Question(intent="nlu_fallback", ranking=ranking, entity_phrases=("meds",), text=text))

    assert answered(ask("and for the pain, are there meds?")) == "alt_pain_medication"
    both = ask("and are there meds?")
    assert isinstance(both, Clarification)
    assert {e.id for e in both.candidates} == {"alt_pain_medication", "alt_bone_health_medication"}


def test_a_question_about_what_a_second_opinion_does_gets_the_second_opinion_entries(service: KnowledgeService) -> None:
    # Read as the options or the decision, the focus asks what the second opinion does.
    options = Question(
        intent="ask_alternatives",
        entity_phrases=("another doctors",),
        text="does getting another doctors view help find other treatment options",
    )
    assert answered(service.for_intent(options)) == "second_opinion_why"
    risks = Question(
        intent="ask_making_a_decision",
        entity_phrases=("second opinion",),
        text="before I decide, could a second opinion help me see the risks more clearly?",
    )
    assert answered(service.for_intent(risks)) == "second_opinion_risks"
    # Named without doing anything, the second opinion is one point of the decision.
    deciding = Question(
        intent="ask_making_a_decision",
        entity_phrases=("second opinion",),
        text="what should I weigh up before deciding, a second opinion and what else?",
    )
    assert answered(service.for_intent(deciding)) == "making_a_decision"


def test_an_unsure_reading_settled_by_asking_words_still_goes_to_what_a_named_thing_does(
    service: KnowledgeService,
) -> None:
    question = Question(
        intent="nlu_fallback",
        ranking=["ask_making_a_decision", "ask_second_opinion_why"],
        entity_phrases=("different doctor", "vertebroplasty"),
        text="how can asking a different doctor help me make up my mind about vertebroplasty",
    )
    assert answered(service.clarify(question)) == "second_opinion_why"


def test_a_close_second_reading_about_the_procedure_gives_way_to_the_other_thing_named(
    service: KnowledgeService,
) -> None:
    question = Question(
        intent="ask_kyphoplasty",
        ranking=["ask_kyphoplasty", "ask_what_is_vertebroplasty"],
        confidences=[0.53, 0.43],
        entity_phrases=("kyphoplasty",),
        text="Can you explain what a kyphoplasty is, in simple terms?",
    )
    assert answered(service.for_intent(question)) == "alt_kyphoplasty"
