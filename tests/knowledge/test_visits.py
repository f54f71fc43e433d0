"""The question list's values step: what matters most adds questions, in the curators' order."""

from __future__ import annotations

from knowledge.model import PRIORITIES
from knowledge.service import KnowledgeService
from knowledge.visits import with_priority


def test_a_priority_adds_its_entries_questions_once_in_the_curators_order(service: KnowledgeService) -> None:
    entries = service.catalog().entries
    base = service.visit_questions("risks", recent_fracture=False)
    listed = with_priority(base, entries, "avoid_medicines")
    ids = [q.entry.id for q in listed]
    assert {q.entry.id for q in base} < set(ids)
    assert {"alt_physical_therapy", "alt_lifestyle", "alt_bone_health_medication"} <= set(ids)
    order = [e.id for e in entries]
    assert ids == sorted(ids, key=order.index) and len(ids) == len(set(ids))


def test_no_priority_or_one_already_covered_changes_nothing(service: KnowledgeService) -> None:
    entries = service.catalog().entries
    base = service.visit_questions("all", recent_fracture=None)
    assert [q.entry.id for q in with_priority(base, entries, None)] == [q.entry.id for q in base]
    # Every question for quick relief already serves a worry, and "all" lists every worry.
    assert [q.entry.id for q in with_priority(base, entries, "quick_relief")] == [q.entry.id for q in base]


def test_every_priority_adds_at_least_one_question(service: KnowledgeService) -> None:
    entries = service.catalog().entries
    for priority in PRIORITIES:
        assert with_priority((), entries, priority), priority
