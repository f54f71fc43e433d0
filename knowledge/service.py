"""The retrieval service the actions call: which entry answers a question, in its context."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.catalog import Catalog
from knowledge.model import MAX_READINGS, WORRIES, Entry, Term, TreatmentOption
from knowledge.repository import Repository, SqlRepository
from knowledge.search import confident_hit
from knowledge.uncovered import (
    Uncovered,
    UncoveredTopic,
    default_uncovered,
    focus,
    focus_uses,
    phrases_in_focus,
    words,
)

MAX_SUGGESTIONS = 3
# "The last one": the number `KnowledgeService.choose` reads as the last item.
LAST = -1
# NLU's intent for a message outside the article: a near tie with it is never answered.
OUT_OF_SCOPE_INTENT = "out_of_scope"
FALLBACK_INTENT = "nlu_fallback"
# The aspect of a problem that "why?" asks about (see `explains` in entries.yml).
CAUSE = "cause"
# Words that ask for something in place of the procedure, and say nothing of which medicine.
_ALTERNATIVE_WORDS = frozenset({"instead", "rather", "alternative", "alternatives", "option", "options", "avoid"})
# Words that ask for a treatment in place of another ("an alternative to", "an option instead of").
_IN_PLACE_WORDS = frozenset({"instead", "alternative", "alternatives", "option", "options"})
# Words that ask for a comparison outright, even of a treatment offered in place of another ("they
# offered kyphoplasty instead of vertebroplasty, what's the difference?").
_DIFFERENCE_WORDS = frozenset("difference differences differ versus vs compare compared comparison".split())
# Words that set two named treatments side by side ("versus", "what sets them apart", "basically").
_COMPARING_WORDS = frozenset(
    """versus vs difference differences different differ apart distinction distinguish same compare compared
    comparison basically both extra similar similarity between separates separate distinguishes""".split()
)
# "What else is there besides physio?": the question asks for the rest of the family.
_BESIDES = re.compile(
    r"\b(?:what else|anything else|any other|other options?|other choices?|other treatments?|other ways?)\b"
    r".*\b(?:besides|apart from|other than|except|aside from|beyond)\b"
)
# What a thing named before them in a question's focus does for the patient ("can another doctor's
# view HELP find other options?"): the question is about that thing, not the options.
_DOES_FOR_YOU = re.compile(
    r"\b(?:help|helps|helped|helping|give|gives|giving|tell|tells|show|shows|find|finds|catch|catches|"
    r"check|checks|confirm|confirms|change|changes)\b"
)
# The treatment every comparison entry compares with.
COMPARED_WITH = "vertebroplasty"
# The uncovered topic of questions about the other treatments' risks, details and studies.
OTHER_TREATMENTS_TOPIC = "other_treatments_details"
# Words that ask about risks ("is it safe?", "side effects?").
_RISK_WORDS = frozenset(
    "risk risks risky safe safer safety dangerous danger dangers complications complication side".split()
)
# What a declined question about another treatment asked, and the entry answering it of vertebroplasty.
_DECLINED_ASPECTS = (
    (_RISK_WORDS, "risks_overview"),
    (frozenset("research study studies evidence trial trials proven proof tested studied".split()),
     "evidence_overview"),
)  # fmt: skip
# Words that ask for the same again of another treatment ("and for vertebroplasty too?").
_SAME_WORDS = frozenset("""same true too also as well either then though itself instead""".split())
# The label of terms that name a study: a list of studies is named in date order.
STUDY_LABEL = "study"
# The label of terms that name a part of the body ("lungs", "brain").
BODY_PART = "body_part"
# The label of terms that name a problem the procedure can cause.
COMPLICATION_LABEL = "complication"
# The label of terms that name a treatment.
TREATMENT_LABEL = "treatment"
# "What is it?" at the end of a story: "it" is the last thing the story named.
_WHAT_IS_IT = re.compile(
    r"^\W*(?:(?:so|and|but|ok(?:ay)?|well)\W+)?(?:what|wat|wot)(?:'s|s|\s+is|\s+exactly\s+is)\s+(?:it|that|this)"
    r"(?:\s+(?:exactly|then|please|actually|anyway))?\W*$",
    re.I,
)
# Words that name no particular item of a list ("what about THE risks?", "tell me more about THAT ONE").
_PLAIN_WORDS = frozenset(
    """a about after again also an and any are as be bit can cause could do does for from get had have how i
    if in is it its me more my of on one ones or part please so tell than that the them then there these they
    thing this those to too vertebroplasty was what when which who why will with would you your yes no ok okay
    procedure risk risks problem problems treatment treatments article says say said names named lists listed
    often happens happen care team some other much many very just like into out may might not but their been
    has does did done make makes made help helps way ways well both each such kind kinds type types people
    person patient patients doctor doctors provider providers see know""".split()
)


def _term_words(term: Term) -> set[str]:
    """The words of a term's own synonyms: of a general term ("medicines", "pills") they narrow nothing."""
    return content_words(" ".join(term.synonyms))


def _asked_in_focus(entry: Entry, text: str) -> bool:
    """Whether the question's focus uses the entry's own asking words (its `asks`)."""
    return bool(entry.asks) and focus_uses(text, entry.asks)


def _head(entry: Entry) -> str:
    """The id of the entry's family: its broader entry, or itself when it is a family's broad entry."""
    return entry.broader or entry.id


def _asked_in_family(catalog: Catalog, entry: Entry, text: str) -> list[Entry]:
    """The entries of an entry's family whose own asking words the question's focus uses."""
    head = _head(entry)
    return [e for e in catalog.entries if head in (e.id, e.broader) and _asked_in_focus(e, text)]


def content_words(text: str) -> set[str]:
    """The words of a text that can name something: lower case, not plain words, at least three letters."""
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 3 and w not in _PLAIN_WORDS}


# "Not about the article" gives way to the next reading's asking words only when that reading has
# at least this share of its confidence ("how risky is a vertebroplasty?": 0.27 against 0.55).
ASKED_AFTER_ALL_SHARE = 0.45
# NLU's reading gives way to the next one whose asking words the focus uses, when the next is this
# close ("whats vertebroplasty usually done for": what it is 0.39, what it is used for 0.33).
CLOSE_SECOND_SHARE = 0.75
# An unsure follow-up of at most this many words keeps to the last answer's family when one of
# its two likeliest readings belongs to it ("what other problems are there?" after the risks).
MAX_FAMILY_WORDS = 8
# The longest unsure message that one named thing settles when NLU's first reading has no entry ("and bone meds?").
MAX_NAMED_WORDS = 4
# A word that most names of one item use names that item ("the cement one": the leak, not the lung blockage).
MOSTLY_NAMED_SHARE = 0.5
# A lexical hit counts as a second opinion only when it scores this well (about two
# distinctive words in common) and this far ahead of the next entry.
SEARCH_MIN_SCORE = 4.0
SEARCH_MIN_MARGIN = 1.3


@dataclass(frozen=True)
class Question:
    """What the patient asked, as NLU understood it."""

    intent: str | None = None
    ranking: Sequence[str] = ()
    entity_phrases: Sequence[str] = ()
    text: str = ""
    # NLU's confidence in each reading of `ranking`, in its order (empty when not known).
    confidences: Sequence[float] = ()


@dataclass(frozen=True)
class Context:
    """What the conversation has shown so far."""

    last_entry: str | None = None
    shown: Sequence[str] = ()
    offered: Sequence[str] = ()
    # The entry that answers, of vertebroplasty, the question just declined about another treatment.
    declined_subject: str | None = None


@dataclass(frozen=True)
class Answer:
    """An entry to answer with, and follow-up entries to suggest."""

    entry: Entry
    suggestions: tuple[Entry, ...]


@dataclass(frozen=True)
class Clarification:
    """No single entry fits: the most likely entries to offer (possibly none).

    `maybe_not_covered`: "not about the article" was one of the likeliest readings, so the
    reply says the article may not cover the question.
    """

    candidates: tuple[Entry, ...]
    maybe_not_covered: bool = False


@dataclass(frozen=True)
class NotCovered:
    """No entry may answer: a topic the article does not cover, an instruction, or a question out of scope."""

    topic: UncoveredTopic | None = None
    instruction: bool = False


Resolution = Answer | Clarification | NotCovered


@dataclass(frozen=True)
class VisitQuestion:
    """A question to ask the doctor, and the entry it comes from."""

    question: str
    entry: Entry


@dataclass(frozen=True)
class ComparisonRow:
    """One option of the comparison, with the entries it cites."""

    option: TreatmentOption
    cites: tuple[Entry, ...]


def _names_its_place(entry: Entry, terms: Sequence[Term]) -> bool:
    """Whether the question names a body part the entry's answer is about.

    "Could leaking cement block a blood vessel in the lung?" names the leak, but the lungs make
    it a question about the lung blockage: the part of the body is where that entry's problem is.
    """
    answer = " " + " ".join(re.findall(r"[a-z]+", entry.answer.lower())) + " "
    return any(t.label == BODY_PART and any(f" {s} " in answer for s in t.synonyms) for t in terms)


def _asks_in_place(focused: str) -> bool:
    """Whether a focus asks for a treatment in place of another, not for how the two differ."""
    return bool(content_words(focused) & _IN_PLACE_WORDS) and not set(words(focused)) & _DIFFERENCE_WORDS


def _word_at(text: str, phrase: str) -> int:
    """Where a phrase first stands as whole words in a lower-case text, or -1."""
    found = re.search(rf"\b{re.escape(phrase.lower())}\b", text)
    return found.start() if found else -1


def _terms_in_focus(catalog: Catalog, question: Question) -> list[Term]:
    """The terms the question's focus names, in the order first named."""
    return catalog.terms_in(phrases_in_focus(question.text, question.entity_phrases))


def _turns_from_procedure(catalog: Catalog, text: str) -> bool:
    """Whether the message sets vertebroplasty aside ("not vertebroplasty", "rather than a VP")."""
    term = catalog.term(COMPARED_WITH)
    if term is None:
        return False
    names = "|".join(re.escape(s) for s in sorted(term.synonyms, key=len, reverse=True))
    return bool(re.search(rf"\b(?:not|rather than|instead of)\s+(?:an? |the )?(?:{names})\b", text.lower()))


class KnowledgeService:
    """Finds entries by id, intent, named term, follow-up context or lexical search."""

    def __init__(self, repository: Repository | None = None, uncovered: Uncovered | None = None) -> None:
        """Use `repository` (by default the SQL database named by `DATABASE_URL`) and the uncovered topics."""
        self._repository = repository if repository is not None else SqlRepository()
        self._uncovered = uncovered if uncovered is not None else default_uncovered()
        self._catalog: Catalog | None = None

    def catalog(self) -> Catalog:
        """The current snapshot, reloaded when the stored knowledge base changed.

        Raises:
            KnowledgeUnavailable: the store cannot be read.
        """
        version = self._repository.version()
        if self._catalog is None or self._catalog.version != version:
            self._catalog = Catalog(self._repository.load(), version)
        return self._catalog

    def not_covered(self, text: str) -> NotCovered | None:
        """An instruction aimed at the assistant, or a question whose focus the article does not cover."""
        if self._uncovered.is_instruction(text):
            return NotCovered(instruction=True)
        topic = self._uncovered.topic_of(text)
        return NotCovered(topic) if topic is not None else None

    def for_intent(self, question: Question, context: Context = Context()) -> Resolution:
        """The entry for the question's intent, narrowed to a more specific one the patient named."""
        catalog = self.catalog()
        entry = catalog.by_intent(question.intent or "")
        if entry is None:
            return self.clarify(question, context)
        named_terms = catalog.terms_in(question.entity_phrases)
        named = {t.id for t in named_terms}
        named_entries = [e for t in sorted(named) if (e := catalog.by_topic(t))]
        narrower = [e for e in named_entries if e.broader == entry.id]
        if (
            not narrower
            and entry.topic
            and entry.broader
            and entry.topic not in named
            and not _names_its_place(entry, named_terms)
        ):
            # "What did the 2009 study find?" put to the 2010 study's intent: an entry about one
            # thing does not answer a question that names only another thing of its family.
            narrower = [e for e in named_entries if e.broader == entry.broader]
        if len(narrower) == 1:
            entry = narrower[0]
        entry = self._other_named(catalog, entry, question, named)
        entry = self._what_it_does(catalog, entry, question)
        if entry.broader and catalog.has(entry.broader) and _BESIDES.search(focus(question.text).lower()):
            return self._answer(catalog, catalog.get(entry.broader), context)
        # "Can you explain what a kyphoplasty is, in simple terms?": the close second reading may be
        # about vertebroplasty itself, and then the other thing named is what is asked about.
        entry = self._other_named(catalog, self._close_second(catalog, question, entry), question, named)
        general = self._general_reading(catalog, entry, named_terms, question.text)
        if general is not None:
            return self._readings(catalog, general, context)
        entry = self._what_is_asked(catalog, entry, question.text, named)
        comparison = self._comparison_named(catalog, question)
        comparing = set(words(focus(question.text))) & _COMPARING_WORDS
        if comparison is not None and (entry.topic in (COMPARED_WITH, comparison.compares) or comparing):
            # "How is KP different from VP?" after a story about the studies: the focus compares them.
            entry = comparison
        asked = self._comparison_asked(catalog, question) if comparison is None else None
        if asked is not None and entry.topic in (COMPARED_WITH, asked.compares):
            # "So what's different about kyphoplasty?": the other side is vertebroplasty, named or not.
            entry = asked
        return self._answer(catalog, entry, context)

    @staticmethod
    def _other_named(catalog: Catalog, entry: Entry, question: Question, named: set[str]) -> Entry:
        """The entry about the other thing a question names, when it was read as about vertebroplasty itself.

        "What's HRT exactly?" names only another treatment; "he is booked for kyphoplasty, not
        vertebroplasty. What is it?" sets vertebroplasty aside; "the surgeon wants a vertebroplasty.
        What is a compression fracture?" names only the other thing in its focus; "...then the
        doctor mentioned kyphoplasty. What is it?" asks about the last thing the story named.
        """
        if entry.topic != COMPARED_WITH:
            return entry
        others = [e for t in sorted(named - {COMPARED_WITH}) if (e := catalog.by_topic(t))]
        if len(others) == 1 and (COMPARED_WITH not in named or _turns_from_procedure(catalog, question.text)):
            return others[0]
        in_focus = {t.id for t in _terms_in_focus(catalog, question)}
        focused = [e for t in sorted(in_focus - {COMPARED_WITH}) if (e := catalog.by_topic(t))]
        if len(focused) == 1 and COMPARED_WITH not in in_focus:
            return focused[0]
        if not in_focus and _WHAT_IS_IT.match(focus(question.text)):
            text = question.text.lower()
            placed = [(text.rfind(p.lower()), t) for p in question.entity_phrases if (t := catalog.term_for(p))]
            last = max((pt for pt in placed if pt[0] >= 0), key=lambda pt: pt[0], default=None)
            about = catalog.by_topic(last[1].id) if last is not None and last[1].id != COMPARED_WITH else None
            if about is not None:
                return about
        return entry

    @staticmethod
    def _what_it_does(catalog: Catalog, entry: Entry, question: Question) -> Entry:
        """The family of a thing the focus names as doing something, read as a general entry.

        "Does getting another doctor's view help find other treatment options?" or "how can asking
        a different doctor help me make up my mind?" ask what a second opinion does, not for the
        options or the decision: a broad entry with narrower ones (why a second opinion, what the
        research says) answers, or the narrower one whose asking words the focus uses.
        """
        if entry.topic or entry.broader:
            return entry
        text = focus(question.text).lower()
        for term in _terms_in_focus(catalog, question):
            head = catalog.by_topic(term.id)
            if head is None or head.broader or head.id == entry.id:
                continue
            if not any(e.broader == head.id for e in catalog.entries):
                continue
            named_at = min((i for s in term.synonyms if (i := _word_at(text, s)) >= 0), default=-1)
            if named_at >= 0 and _DOES_FOR_YOU.search(text, named_at):
                asked = [e for e in _asked_in_family(catalog, head, question.text) if e.id != head.id]
                return asked[0] if len(asked) == 1 else head
        return entry

    @staticmethod
    def _comparison_asked(catalog: Catalog, question: Question) -> Entry | None:
        """The comparison, when the focus compares and the message names one treatment compared with vertebroplasty.

        "Both put cement in the spine, right? So what's different about kyphoplasty?" names one
        side in the focus; "...my friend keeps talking about kyphoplasty. What separates the two?"
        names both in the story. A focus naming a third treatment, or asking for one in place of
        the procedure, is not this comparison.
        """
        focused = focus(question.text)
        if not set(words(focused)) & _COMPARING_WORDS or _asks_in_place(focused):
            return None
        named = {t.id for t in catalog.terms_in(question.entity_phrases)}
        compared = [c for t in sorted(named - {COMPARED_WITH}) if (c := catalog.by_compares(t))]
        if len(compared) != 1:
            return None
        in_focus = _terms_in_focus(catalog, question)
        if any(t.label == TREATMENT_LABEL and t.id not in (COMPARED_WITH, compared[0].compares) for t in in_focus):
            return None
        if compared[0].compares not in {t.id for t in in_focus} and COMPARED_WITH not in named:
            return None
        return compared[0]

    @staticmethod
    def _close_second(catalog: Catalog, question: Question, entry: Entry) -> Entry:
        """NLU's next reading, when it is close behind and the focus uses its asking words but not the first's."""
        if len(question.ranking) < 2 or len(question.confidences) < 2 or question.ranking[0] != question.intent:
            return entry
        second = catalog.by_intent(question.ranking[1])
        if second is None or question.confidences[1] < CLOSE_SECOND_SHARE * question.confidences[0]:
            return entry
        if _asked_in_focus(entry, question.text) or not _asked_in_focus(second, question.text):
            return entry
        return second

    @staticmethod
    def _comparison_named(catalog: Catalog, question: Question) -> Entry | None:
        """The comparison entry, when the question's focus names vertebroplasty and one treatment it compares.

        "Is kyphoplasty just vertebroplasty with a balloon?" or "BKP or PVP, what sets them
        apart?" names both: the comparison answers it. Only the focus counts: "They offered
        vertebroplasty or kyphoplasty. What is kyphoplasty?" asks about kyphoplasty. A question
        that asks for it in place of vertebroplasty ("is kyphoplasty an alternative to
        vertebroplasty?") asks about the treatment as an option, not for the comparison.
        """
        in_focus = {t.id for t in _terms_in_focus(catalog, question)}
        compared = [c for t in in_focus - {COMPARED_WITH} if (c := catalog.by_compares(t))]
        if COMPARED_WITH not in in_focus or len(compared) != 1:
            return None
        if _asks_in_place(focus(question.text)):
            return None
        return compared[0]

    @staticmethod
    def _general_reading(catalog: Catalog, entry: Entry, terms: Sequence[Term], text: str) -> tuple[str, ...] | None:
        """The entries a general word means, when the question says nothing more of them.

        "Can medicine help instead of vertebroplasty?" or "can medication help my compression
        fracture?" may mean the pain medicines or the bone medicines, whichever NLU leaned to:
        both are offered. A question that says more ("medicines to make bones stronger",
        "medicine for the pain") keeps NLU's reading.
        """
        general = [t for t in terms if t.means and entry.id in t.means]
        if not general:
            return None
        # The procedure and what it is for ("my compression fracture") say nothing of which one.
        procedure = catalog.by_topic(COMPARED_WITH)
        subjects = {COMPARED_WITH} | {
            catalog.get(r).topic for r in (procedure.related if procedure else ()) if catalog.has(r)
        }
        said = set().union(*(_term_words(t) for t in terms if t.id in subjects))
        asked = content_words(focus(text)) - said - _ALTERNATIVE_WORDS
        return next((tuple(t.means) for t in general if not asked - _term_words(t)), None)

    def follow_up(self, context: Context) -> Resolution:
        """'Tell me more': the first related entry of the last answer not shown yet."""
        catalog = self.catalog()
        if not context.last_entry or not catalog.has(context.last_entry):
            return Clarification(())
        last = catalog.get(context.last_entry)
        unseen = [r for r in last.related if r not in context.shown and catalog.has(r)]
        if unseen:
            return self._answer(catalog, catalog.get(unseen[0]), context)
        return Clarification(tuple(catalog.get(r) for r in last.related if catalog.has(r)))

    def what_about(self, question: Question, context: Context) -> Resolution:
        """'What about X?': the main entry of the term named, the readings of a general word, else a search hit."""
        catalog = self.catalog()
        for term in catalog.terms_in(question.entity_phrases):
            entry = catalog.by_topic(term.id)
            if entry is not None:
                return self._answer(catalog, entry, context)
            if term.means:
                return self._readings(catalog, term.means, context)
        hit = confident_hit(catalog.search(question.text), SEARCH_MIN_SCORE, SEARCH_MIN_MARGIN)
        if hit is not None:
            return self._answer(catalog, catalog.get(hit.entry_id), context)
        return self.clarify(question, context)

    def how_different(self, question: Question, context: Context) -> Resolution:
        """'How is it different?': the comparison for the treatment named or last talked about.

        A story that compares ("he had kyphoplasty last time, now they offer vertebroplasty")
        ending in a question that does not ("What are the risks of vertebroplasty?") is the
        question's next reading.
        """
        catalog = self.catalog()
        asked = focus(question.text)
        if asked != question.text.strip() and not set(words(asked)) & _COMPARING_WORDS:
            following = next((i for i in question.ranking[1:] if catalog.by_intent(i)), None)
            if following is not None:
                return self.for_intent(dataclasses.replace(question, intent=following), context)
        named = [t.id for t in catalog.terms_in(question.entity_phrases)]
        candidates = list(named)
        if context.last_entry and catalog.has(context.last_entry):
            last = catalog.get(context.last_entry)
            candidates += [t for t in (last.compares, last.topic) if t]
        for term_id in candidates:
            entry = catalog.by_compares(term_id)
            if entry is not None:
                return self._answer(catalog, entry, context)
        study = context.last_entry
        if not named and study and self._is_study(catalog, study):
            # "What did they compare it with?" after a study: the study's entry says what it compared.
            return self._answer(catalog, catalog.get(study), context)
        # Nothing says which treatment ("the difference between a burst and a compression fracture"?):
        # the comparisons are offered, never answered unasked.
        return Clarification(tuple(e for e in catalog.entries if e.compares))

    def in_date_order(self, context: Context) -> bool:
        """Whether what a place points into is a list of studies, the one kind of list named in date order.

        "Which one came first?" after the studies picks the older study; after kyphoplasty it asks
        about the history of the treatments, which the article does not cover.
        """
        catalog = self.catalog()
        items = [e for item in self._items(catalog, context) for e in item]
        return bool(items) and all(self._is_study(catalog, e) for e in items)

    @staticmethod
    def _is_study(catalog: Catalog, entry_id: str) -> bool:
        """Whether the entry is about one study (its topic is a term labelled as a study)."""
        if not catalog.has(entry_id):
            return False
        topic = catalog.get(entry_id).topic
        term = catalog.term(topic) if topic else None
        return term is not None and term.label == STUDY_LABEL

    def choose(self, number: int, context: Context) -> Resolution:
        """The patient picked the n-th item (1-based, `LAST` for the last one).

        The items are the choices offered last if there are any, else what the last answer
        named (its `mentions`, in order); an item that can mean more than one entry is asked about.
        """
        catalog = self.catalog()
        items = self._items(catalog, context)
        if number == LAST and items:
            return self._readings(catalog, items[-1], context)
        if 1 <= number <= len(items):
            return self._readings(catalog, items[number - 1], context)
        if items:
            return Clarification(tuple(catalog.get(e) for e in dict.fromkeys(e for item in items for e in item)))
        return self.follow_up(context)

    def named_item(self, question: Question, context: Context) -> Resolution | None:
        """'The lungs one', 'and the pills?': the items of the last list that a short message names.

        An entry of the list is named by a term of its topic, or else by a distinctive word of
        its title or topic (and failing that, of its answer: "the serious ones"); a general word
        names the item it means ("the pills"). One entry named is answered, two or three are
        offered; none or more is not a reference.
        """
        catalog = self.catalog()
        items = self._items(catalog, context)
        listed = list(dict.fromkeys(e for item in items for e in item))
        terms = catalog.terms_in(question.entity_phrases)
        topics = {t.id for t in terms}
        asked = content_words(question.text)
        for term in terms:
            if term.means and tuple(term.means) in items:
                # "Meds to stop more fractures": a general word narrowed by what else the message says.
                narrowed = [e for e in term.means if asked & self._vocabulary(catalog, e, True) - _term_words(term)]
                return self._readings(catalog, narrowed if len(narrowed) == 1 else term.means, context)
        named = [e for e in listed if catalog.get(e).topic in topics]
        for with_answer in (False, True):
            if not named:
                named = [e for e in listed if asked & self._vocabulary(catalog, e, with_answer)]
        if len(named) > 1:
            # "The cement one": most names of the leak use the word, one name of the lung blockage does.
            mostly = [e for e in named if self._share_of_names(catalog, e, asked) >= MOSTLY_NAMED_SHARE]
            named = mostly if len(mostly) == 1 else named
        if not 1 <= len(named) <= MAX_READINGS:
            return None
        return self._readings(catalog, named, context)

    @staticmethod
    def _share_of_names(catalog: Catalog, entry_id: str, asked: set[str]) -> float:
        """The share of the names of the entry's topic that use one of these words."""
        term = catalog.term(catalog.get(entry_id).topic or "")
        if term is None or not term.synonyms:
            return 0.0
        return sum(bool(content_words(s) & asked) for s in term.synonyms) / len(term.synonyms)

    def named_topic(self, question: Question, context: Context) -> Answer | None:
        """The main entry of the one term the message names, if it names exactly one that has one."""
        entry_id = self.entry_named(question)
        return self._answer(self.catalog(), self.catalog().get(entry_id), context) if entry_id else None

    def entry_named(self, question: Question) -> str | None:
        """The id of the main entry of the one term the message names, if it names exactly one that has one."""
        catalog = self.catalog()
        entries = {e.id for t in catalog.terms_in(question.entity_phrases) if (e := catalog.by_topic(t.id))}
        return entries.pop() if len(entries) == 1 else None

    def comparison_after(self, question: Question, context: Context) -> Answer | None:
        """'Does vertebroplasty do that too?' after a treatment that has a comparison: the comparison."""
        catalog = self.catalog()
        if not context.last_entry or not catalog.has(context.last_entry):
            return None
        last = catalog.get(context.last_entry)
        subject = last.topic or last.compares
        comparison = catalog.by_compares(subject) if subject else None
        named = {t.id for t in catalog.terms_in(question.entity_phrases)}
        if comparison is None or subject == COMPARED_WITH or COMPARED_WITH not in named:
            return None
        return self._answer(catalog, comparison, context)

    def carried_over(
        self, question: Question, context: Context, pointer: bool, refers: bool = False
    ) -> NotCovered | None:
        """A follow-up that asks an uncovered topic only because of what came before.

        "And for kyphoplasty?" after the risks asks for kyphoplasty's risks; "is it dangerous?"
        after kyphoplasty asks the same. `pointer` says the message is shaped as a pointer,
        `refers` that it points back with a word like "it" or "that": "what are the risks?"
        after kyphoplasty is a question of its own, about vertebroplasty.
        """
        catalog = self.catalog()
        if not context.last_entry or not catalog.has(context.last_entry):
            return None
        last = catalog.get(context.last_entry)
        named = {t.id for t in catalog.terms_in(question.entity_phrases)}
        asked = catalog.by_intent(question.intent or "")
        for topic in self._uncovered.topics:
            names_other = bool(named - set(topic.follow_up_terms))
            if last.topic in topic.follow_up_terms and not names_other and topic.asked_as_follow_up(question.text):
                # "Side effects?" after the painkillers asks for the painkillers' side effects.
                return NotCovered(topic)
            families = topic.follow_up_after
            if not families:
                continue

            def in_family(entry: Entry | None, families: tuple[str, ...] = families) -> bool:
                return entry is not None and bool({entry.id, entry.broader} & set(families))

            if pointer and in_family(last) and named & set(topic.follow_up_terms):
                return NotCovered(topic)
            about_treatment = {last.topic, last.compares} & set(topic.follow_up_terms)
            # "Does that have risks?" after the painkillers, whichever entry NLU read it as.
            asks_risks = bool(set(words(focus(question.text))) & _RISK_WORDS)
            if about_treatment and refers and (in_family(asked) or asks_risks) and not names_other:
                return NotCovered(topic)
        return None

    def still_about_last(self, question: Question, context: Context) -> Answer | None:
        """The last answer again, for a follow-up about its own treatment that its answer speaks to.

        "Do they help with the pain?" right after the bone medicines reads to NLU like the pain
        medicines' question; but "they" are the bone medicines, and their answer says whether
        they ease the pain. Only when the message names no term of its own, NLU's entry is another
        thing of the same family, and the last answer uses a word the question asks about.
        """
        catalog = self.catalog()
        if not context.last_entry or not catalog.has(context.last_entry):
            return None
        last = catalog.get(context.last_entry)
        if not (last.topic and last.broader) or catalog.terms_in(question.entity_phrases):
            return None
        # NLU's reading, or when it was unsure its likeliest two.
        intents = [question.intent, *question.ranking[:2]] if question.intent == FALLBACK_INTENT else [question.intent]
        readings = [e for i in intents if (e := catalog.by_intent(i or "")) is not None and e.id != last.id]
        # Another thing of the same family ("the pain medicines"), or a question NLU could only
        # read as one about vertebroplasty itself ("does it help the pain?" as its limitations).
        if not readings or not all(
            (e.topic and e.broader == last.broader) or (not e.topic and not e.broader) for e in readings
        ):
            return None
        if not content_words(question.text) & content_words(last.answer):
            return None
        return self._answer(catalog, last, context)

    def declined_subject(self, question: Question, declined: NotCovered) -> str | None:
        """The entry that answers of vertebroplasty what a declined question asked of another treatment.

        "Does kyphoplasty cause infections?" declined: the infection entry; "risks of kyphoplasty?":
        the risks; "is there research on physio?": the research. Only questions about the other
        treatments have one.
        """
        if declined.topic is None or declined.topic.id != OTHER_TREATMENTS_TOPIC:
            return None
        catalog = self.catalog()
        named = catalog.terms_in(question.entity_phrases)
        problems = [e for t in named if t.label == COMPLICATION_LABEL and (e := catalog.by_topic(t.id))]
        if len(problems) == 1:
            return problems[0].id
        asked = set(words(focus(question.text)))
        for aspect_words, entry_id in _DECLINED_ASPECTS:
            if asked & aspect_words and catalog.has(entry_id):
                return entry_id
        return None

    def for_procedure_too(self, question: Question, context: Context) -> Answer | None:
        """The answer for vertebroplasty ("and for VP?") right after a declined question about another treatment."""
        if not context.declined_subject or len(question.text.split()) > MAX_NAMED_WORDS + 1:
            return None
        catalog = self.catalog()
        if not catalog.has(context.declined_subject):
            return None
        named = catalog.terms_in(question.entity_phrases)
        if [t.id for t in named] != [COMPARED_WITH]:
            return None
        if content_words(question.text) - _term_words(named[0]) - _SAME_WORDS:
            return None
        return self._answer(catalog, catalog.get(context.declined_subject), context)

    def again(self, context: Context) -> Answer | None:
        """The last answer once more: "meaning?" asks what it said, which its plain words are for."""
        catalog = self.catalog()
        if not context.last_entry or not catalog.has(context.last_entry):
            return None
        return self._answer(catalog, catalog.get(context.last_entry), context)

    def asked_in_family(self, question: Question, context: Context) -> Answer | None:
        """The one entry of the last answer's family whose asking words a short unsure follow-up uses.

        "Freq?" or "numbers?" right after a problem asks how common problems are (the frequency
        entry lists those words as its `asks`); after a study the same words ask nothing of its
        family, and the question is left to the other steps.
        """
        catalog = self.catalog()
        if not context.last_entry or not catalog.has(context.last_entry):
            return None
        asked = _asked_in_family(catalog, catalog.get(context.last_entry), question.text)
        return self._answer(catalog, asked[0], context) if len(asked) == 1 else None

    def explaining(self, aspect: str, entry_id: str | None, context: Context) -> Answer | None:
        """The entry asked about, if it explains this aspect of its topic ("cause")."""
        catalog = self.catalog()
        if entry_id is None or not catalog.has(entry_id) or aspect not in catalog.get(entry_id).explains:
            return None
        return self._answer(catalog, catalog.get(entry_id), context)

    def why_after(self, context: Context) -> Resolution | None:
        """'Why?' or 'how so?' right after a problem of a list: how that problem comes about.

        The problem's entry answers when it explains how it comes about (`explains: [cause]`);
        a problem of the same list that does not is declined by the topic that aspect answers.
        After anything else the bare question says too little to read here.
        """
        catalog = self.catalog()
        if not context.last_entry or not catalog.has(context.last_entry):
            return None
        last = catalog.get(context.last_entry)
        if CAUSE in last.explains:
            return self._answer(catalog, last, context)
        siblings = [e for e in catalog.entries if last.topic and last.broader and e.broader == last.broader]
        topic = self._uncovered.answered_by(CAUSE)
        if topic is not None and any(CAUSE in e.explains for e in siblings):
            return NotCovered(topic)
        return None

    def entry_for_intent(self, intent: str | None) -> str | None:
        """The id of the entry that answers this intent, if any."""
        entry = self.catalog().by_intent(intent or "")
        return entry.id if entry is not None else None

    def other(self, context: Context) -> Resolution | None:
        """'And the other study?': the other items of the shortest list that named the last answer.

        The lists are the entries' `mentions` ("the other example" after the lung blockage is the
        stroke, from the two the cement-leak answer names); one other item is answered, two or
        three are offered.
        """
        catalog = self.catalog()
        if not context.last_entry or not catalog.has(context.last_entry):
            return None
        last = context.last_entry
        lists = [
            [e for item in entry.mentions for e in item]
            for entry in catalog.entries
            if any(last in item for item in entry.mentions)
        ]
        if not lists:
            return None
        shortest = min(lists, key=len)
        siblings = tuple(dict.fromkeys(e for e in shortest if e != last and catalog.has(e)))
        return self._readings(catalog, siblings[:MAX_READINGS], context) if siblings else None

    def clarify(self, question: Question, context: Context = Context()) -> Resolution:
        """The classifier is unsure: answer if a second opinion settles it, else offer candidates.

        The second opinion is a term the patient named, a confident lexical hit, or the asking
        words (`asks`) of one of the two likeliest entries, used by the question's focus. It settles
        the question when it supports the top-ranked intent's entry, or when the two top-ranked
        intents both ask for entries and it supports exactly one of them.
        """
        catalog = self.catalog()
        ranked = [catalog.by_intent(i) for i in question.ranking]
        top_two = ranked[:2]
        named_terms = catalog.terms_in(question.entity_phrases)
        named = {t.id for t in named_terms}
        supported = {e.id for t in named if (e := catalog.by_topic(t))}
        hit = confident_hit(catalog.search(question.text), SEARCH_MIN_SCORE, SEARCH_MIN_MARGIN)
        if hit is not None:
            supported.add(hit.entry_id)
        # "Incidence?", "why bother though?": a likely entry whose own asking words the focus uses.
        asking = [e for e in top_two if e is not None and _asked_in_focus(e, question.text)]
        uses_asks = {e.id for e in asking}
        supported |= uses_asks
        # Unsure between an entry and "not about the article": vertebroplasty named is no second
        # opinion (nearly every message names it), nor a lexical hit; a more specific term the
        # entry is about is ("can leaked cement cause anything serious?"), and so are the entry's
        # own asking words ("incidence?" for how common problems are).
        maybe_out_of_scope = OUT_OF_SCOPE_INTENT in question.ranking[:2]
        comparison = self._comparison_named(catalog, question)
        comparing = set(words(focus(question.text))) & _COMPARING_WORDS
        if comparison is not None and comparing and any(e is not None and e.topic in named for e in top_two):
            # "Vertebroplasty versus kyphoplasty, what's the extra step?", read as either treatment.
            return self._answer(catalog, comparison, context)
        compared = self._comparison_asked(catalog, question)
        if compared is not None:
            # "...my friend keeps talking about kyphoplasty. What separates the two?"
            return self._answer(catalog, compared, context)
        if maybe_out_of_scope:
            likely = next((e for e in top_two if e is not None), None)
            if likely is not None and (likely.topic in named - {COMPARED_WITH} or likely.id in uses_asks):
                return self._answer(catalog, likely, context)
        elif len(asking) == 1:
            # "Whats vertebroplasty usually done for": the asking words of one reading outweigh
            # vertebroplasty named, which nearly every question names.
            return self._answer(catalog, self._settled(catalog, asking[0], question, named), context)
        elif top_two and top_two[0] is not None and top_two[0].id in supported:
            # "The Buchbinder and Kallmes trials?" read as the research: the trials named are the 2009 review.
            narrower = [e for t in sorted(named) if (e := catalog.by_topic(t)) and e.broader == top_two[0].id]
            likely = narrower[0] if len(narrower) == 1 else top_two[0]
            return self._answer(catalog, self._settled(catalog, likely, question, named), context)
        if len(top_two) == 2 and all(top_two):
            backed = [e for e in top_two if e is not None and e.id in supported]
            if len(backed) == 1:
                return self._answer(catalog, self._settled(catalog, backed[0], question, named), context)
            kept = [
                e
                for e in top_two
                if e is not None and e.id != context.last_entry and self._in_family_of_last(catalog, e, context)
            ]
            if len(kept) == 1 and not maybe_out_of_scope and len(question.text.split()) <= MAX_FAMILY_WORDS:
                # "What other problems are there?" after a problem: the conversation is still on the risks.
                return self._answer(catalog, kept[0], context)
        general = {t.id for t in named_terms if t.means}
        specific = [e for t in sorted(named - {COMPARED_WITH} - general) if (e := catalog.by_topic(t))]
        short = len(question.text.split()) <= MAX_NAMED_WORDS
        if top_two and top_two[0] is None and len(specific) == 1 and short and not maybe_out_of_scope:
            # "And bone meds?", read as "what about" with no entry of its own: the one thing named.
            return self._answer(catalog, specific[0], context)
        candidates: dict[str, Entry] = {}
        for entry in ranked[:MAX_READINGS]:
            if entry is not None:
                candidates.setdefault(entry.id, entry)
        for entry_id in sorted(supported):
            candidates.setdefault(entry_id, catalog.get(entry_id))
        asked_words = content_words(question.text)
        for term in named_terms:
            # "And meds?": a general word offers every entry it can mean, not only the one NLU leaned to.
            meant = [e for e in term.means if asked_words & self._vocabulary(catalog, e, False) - _term_words(term)]
            # "And for the pain, are there meds?": the message's other words say which it means.
            means = meant if len(meant) == 1 else term.means
            supported.update(meant if len(meant) == 1 else ())
            for entry_id in means if set(term.means) & set(candidates) or not candidates else ():
                candidates.setdefault(entry_id, catalog.get(entry_id))
        if len(candidates) == 1 and set(candidates) <= supported and not maybe_out_of_scope:
            # The only likely entry, and the patient named its term: asking would offer one button.
            return self._answer(catalog, next(iter(candidates.values())), context)
        return Clarification(tuple(candidates.values())[:MAX_READINGS], maybe_not_covered=maybe_out_of_scope)

    def _settled(self, catalog: Catalog, entry: Entry, question: Question, named: set[str]) -> Entry:
        """An unsure reading once settled: the other thing named, what a named thing does, the asked entry."""
        entry = self._what_it_does(catalog, self._other_named(catalog, entry, question, named), question)
        return self._what_is_asked(catalog, entry, question.text, named)

    @staticmethod
    def _in_family_of_last(catalog: Catalog, entry: Entry, context: Context) -> bool:
        """Whether an entry shares the last answer's family (a broad entry and the entries under it)."""
        if not context.last_entry or not catalog.has(context.last_entry):
            return False
        return _head(entry) == _head(catalog.get(context.last_entry))

    def asked_after_all(self, question: Question, context: Context = Context()) -> Answer | None:
        """NLU read the message as outside the article, but the next reading's own asking words are in its focus.

        "How risky is a vertebroplasty?" or "verteboplasty??? never heard of it": words NLU had not
        seen with the risks or with what it is, which those entries list as their `asks`.
        """
        catalog = self.catalog()
        compared = self._comparison_asked(catalog, question)
        if compared is not None:
            # "...my friend keeps talking about kyphoplasty. What separates the two?"
            return self._answer(catalog, compared, context)
        scored = list(zip(question.ranking, question.confidences, strict=False))
        if len(scored) < 2 or scored[1][1] < ASKED_AFTER_ALL_SHARE * scored[0][1]:
            # A clear lead: "is it safe to get a flu jab?" is not about the risks of the procedure.
            return None
        likely = catalog.by_intent(scored[1][0])
        if likely is None or not _asked_in_focus(likely, question.text):
            return None
        return self._answer(catalog, likely, context)

    def visit_questions(self, worry: str, recent_fracture: bool | None) -> tuple[VisitQuestion, ...]:
        """Questions to take to a doctor, for one worry ("all" for every one), in the curators' order.

        A recent fracture, or not knowing, adds the questions about research on recent fractures.
        """
        wanted = set(WORRIES) - {"recent_fracture"} if worry == "all" else {worry}
        if recent_fracture is not False:
            wanted.add("recent_fracture")
        return tuple(
            VisitQuestion(e.visit_question, e) for e in self.catalog().entries if e.worry in wanted and e.visit_question
        )

    def comparison(self) -> tuple[ComparisonRow, ...]:
        """The treatment options side by side, each with the entries it draws from."""
        catalog = self.catalog()
        return tuple(
            ComparisonRow(o, tuple(catalog.get(e) for e in o.entries if catalog.has(e))) for o in catalog.options
        )

    @staticmethod
    def _items(catalog: Catalog, context: Context) -> list[tuple[str, ...]]:
        """What a place or a name points into: the choices offered, else what the last answer named.

        An answer that names no list points into its broader entry's list ("the other study").
        """
        items: list[tuple[str, ...]] = [(e,) for e in context.offered if catalog.has(e)]
        if items or not context.last_entry or not catalog.has(context.last_entry):
            return items
        last = catalog.get(context.last_entry)
        mentions = last.mentions
        if not mentions and last.broader and catalog.has(last.broader):
            mentions = catalog.get(last.broader).mentions
        if not mentions:
            # "The second one" after a detour: the latest answer shown that named a list.
            listing = next((e for e in reversed(context.shown) if catalog.has(e) and catalog.get(e).mentions), None)
            mentions = catalog.get(listing).mentions if listing else ()
        return [item for item in mentions if all(catalog.has(e) for e in item)]

    @staticmethod
    def _what_is_asked(catalog: Catalog, entry: Entry, text: str, named: set[str]) -> Entry:
        """The entry of the family (a broader entry and those it is broader than) whose `asks` the focus uses.

        "Who should she see?" put to the why-a-second-opinion intent is asking whom to see; the
        entry is kept when none, or more than one, is asked for. A specific entry whose own topic
        the question names gives way only to an entry about an aspect of the family, one with no
        topic of its own: "is cement leakage common?" asks how common problems are, which the
        frequency entry answers, while "is there a chance of a leak?" stays with the leak.
        `named` holds the ids of the terms the question names.
        """
        asked = _asked_in_family(catalog, entry, text)
        if entry.broader and entry.topic:
            # A reading about one thing never gives way to the broad entry: "is there any danger
            # to the brain?" read as the stroke stays the stroke, though "danger" asks for the risks.
            asked = [e for e in asked if e.broader and not (entry.topic in named and e.topic)]
        return asked[0] if len(asked) == 1 else entry

    @staticmethod
    def _vocabulary(catalog: Catalog, entry_id: str, with_answer: bool) -> set[str]:
        entry = catalog.get(entry_id)
        term = catalog.term(entry.topic) if entry.topic else None
        return content_words(" ".join([entry.title, *(term.synonyms if term else ()), entry.answer * with_answer]))

    def _readings(self, catalog: Catalog, entry_ids: Sequence[str], context: Context) -> Resolution:
        """The one entry meant, or the two or three it could be, offered in order."""
        entries = tuple(catalog.get(e) for e in entry_ids if catalog.has(e))
        if len(entries) == 1:
            return self._answer(catalog, entries[0], context)
        return Clarification(entries)

    def _answer(self, catalog: Catalog, entry: Entry, context: Context) -> Answer:
        related = [r for r in entry.related if catalog.has(r) and r != entry.id]
        unseen = [r for r in related if r not in context.shown] or related
        return Answer(entry, tuple(catalog.get(r) for r in unseen[:MAX_SUGGESTIONS]))
