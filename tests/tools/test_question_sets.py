"""The evaluation's question files: every answerable entry asked about, no message twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import settings
from knowledge.service import KnowledgeService
from tools.evaluate import QuestionSet, normalised

TESTS = settings.REPO_ROOT / "tests" / "data"
QUESTION_FILES = [TESTS / "heldout" / "questions.yml", *sorted((TESTS / "dev").glob("*.yml"))]
# Entries added after these sets were written (issue 12, the clinical review): nobody has yet
# written blind questions for them, so the sets cannot ask about them.
NOT_YET_IN_THE_SETS = {"alt_lifestyle", "about_this_source"}


@pytest.mark.parametrize("path", QUESTION_FILES, ids=lambda p: str(p.relative_to(TESTS)))
def test_every_question_names_an_entry_the_assistant_can_answer(path: Path, service: KnowledgeService) -> None:
    questions = QuestionSet.load(path)
    answerable = {e.id for e in service.catalog().entries if e.intent}
    assert questions.questions and questions.out_of_scope
    assert {entry for _, entry in questions.questions} == answerable - NOT_YET_IN_THE_SETS
    texts = [normalised(t) for t, _ in questions.questions] + [normalised(t) for t in questions.out_of_scope]
    assert len(texts) == len(set(texts)), "a message appears twice"
