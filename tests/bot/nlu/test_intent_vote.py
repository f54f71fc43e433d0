"""The intent vote: two rankings averaged, on numbers checked by hand; the linear model's own reading."""

from __future__ import annotations

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_vote import LinearIntentVote, average_rankings


def test_two_rankings_are_averaged_and_sorted_best_first() -> None:
    diet = [{"name": "ask_risks", "confidence": 0.6}, {"name": "ask_limitations", "confidence": 0.4}]
    linear = [{"name": "ask_limitations", "confidence": 0.9}, {"name": "ask_risks", "confidence": 0.1}]
    combined = average_rankings(diet, linear)
    assert [item["name"] for item in combined] == ["ask_limitations", "ask_risks"]
    assert combined[0]["confidence"] == pytest.approx(0.65)
    assert combined[1]["confidence"] == pytest.approx(0.35)


def test_an_intent_missing_from_one_ranking_counts_zero_there() -> None:
    combined = average_rankings([{"name": "greet", "confidence": 1.0}], [{"name": "thanks", "confidence": 0.8}])
    assert combined == [{"name": "greet", "confidence": 0.5}, {"name": "thanks", "confidence": 0.4}]


def _message(text: str, intent: str | None = None) -> Message:
    message = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    tokens, at = [], 0
    for word in text.split():
        tokens.append(Token(word, text.index(word, at), lemma="vertebroplasty" if word == "VP" else word.lower()))
        at = tokens[-1].end
    message.set(TOKENS_NAMES[TEXT], tokens)
    return message


def test_the_linear_vote_reads_lemmas_and_tells_years_apart(tmp_path) -> None:
    vote = LinearIntentVote(
        {**LinearIntentVote.get_default_config(), "C": 10.0}, "vote", LocalModelStorage(tmp_path), Resource("vote")
    )
    examples = [
        _message("what did the 2009 study find", "ask_evidence_nejm_2009"),
        _message("results of the 2009 study", "ask_evidence_nejm_2009"),
        _message("what did the 2010 study find", "ask_evidence_jama_2010"),
        _message("results of the 2010 study", "ask_evidence_jama_2010"),
        _message("what is vertebroplasty", "ask_what_is_vertebroplasty"),
        _message("explain vertebroplasty to me", "ask_what_is_vertebroplasty"),
    ]
    vote.train(TrainingData(examples))
    # Rasa's count vectors read both years as one number placeholder; this vote does not.
    assert vote.vote(_message("the 2009 study?"))[0]["name"] == "ask_evidence_nejm_2009"
    assert vote.vote(_message("the 2010 study?"))[0]["name"] == "ask_evidence_jama_2010"
    # "VP" is read by its lemma.
    assert vote.vote(_message("what is VP"))[0]["name"] == "ask_what_is_vertebroplasty"
