"""Two Rasa servers and two action servers sharing a PostgreSQL tracker store and a Redis lock store.

One conversation's messages go alternately to both Rasa servers (as a load balancer without
sticky sessions would send them over REST): the context must carry across, and concurrent
messages for one sender must be handled one at a time, in order, with nothing lost or doubled.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from knowledge import settings
from knowledge.model import KnowledgeSource
from knowledge.repository import SqlRepository
from ops.launcher import running_assistant
from ops.settings import Ports
from tests.e2e.flows import second_opinion_question_list
from tests.services import fresh_database, redis_settings, start_postgres, stop_postgres
from tools.rest_client import Reply, free_port, send

pytestmark = pytest.mark.e2e

LOG_DIR = settings.REPO_ROOT / "results" / "production-logs" / "scale-out"


@pytest.fixture(scope="module")
def cluster(source: KnowledgeSource) -> Iterator[tuple[list[str], str]]:
    """The two Rasa servers' URLs and the tracker store's URL."""
    with fresh_database("kbscale") as kb_url, fresh_database("tracker") as tracker_url:
        repository = SqlRepository(kb_url)
        repository.replace(source)
        repository.dispose()
        extra = {"DATABASE_URL": kb_url, "TRACKER_STORE_URL": tracker_url, **redis_settings()}
        with contextlib.ExitStack() as stack:
            urls = [
                stack.enter_context(
                    running_assistant(
                        Ports(rasa=free_port(), actions=free_port()), log_dir=LOG_DIR / f"node-{n}", extra_env=extra
                    )
                ).rasa_url
                for n in (1, 2)
            ]
            yield urls, tracker_url


class Conversation:
    """One patient whose messages alternate between the servers."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.sender = f"scale-{uuid.uuid4().hex}"
        self.turn = 0

    def say(self, text: str) -> Reply:
        url = self.urls[self.turn % len(self.urls)]
        self.turn += 1
        return send(url, self.sender, text)


def events(tracker_url: str, sender: str) -> list[tuple[str, str | None, str | None, str]]:
    """(type, action, text, data) of every stored event of `sender`, in the order they were stored."""
    engine = create_engine(tracker_url, future=True, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT type_name, action_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            ).all()
    finally:
        engine.dispose()
    return [(kind, action, json.loads(data).get("text"), data) for kind, action, data in rows]


def test_follow_ups_carry_across_servers(cluster: tuple[list[str], str]) -> None:
    urls, _ = cluster
    chat = Conversation(urls)
    assert chat.say("can the cement leak out of the bone?").kb_entry == "risk_cement_leakage"
    assert chat.say("what about stroke?").kb_entry == "risk_stroke"
    assert chat.say("can the cement leak out of the bone?").kb_entry == "risk_cement_leakage"
    assert chat.say("tell me more").kb_entry == "risk_pulmonary_embolism"


def test_the_second_opinion_flow_carries_across_servers(cluster: tuple[list[str], str]) -> None:
    urls, _ = cluster
    second_opinion_question_list(Conversation(urls))


def test_concurrent_messages_for_one_sender_are_handled_one_at_a_time_without_loss(
    cluster: tuple[list[str], str],
) -> None:
    urls, tracker_url = cluster
    sender = f"scale-{uuid.uuid4().hex}"
    questions = [
        "can the cement leak out of the bone?",
        "what is kyphoplasty",
        "what are the risks?",
        "is vertebroplasty effective",
        "what is a pulmonary embolism?",
        "what is vertebroplasty",
    ]
    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        replies = list(pool.map(lambda i: send(urls[i % 2], sender, questions[i], 60), range(len(questions))))
    assert all(reply.kb_entry for reply in replies), "every message got its answer"

    stored = events(tracker_url, sender)
    users = [t for kind, _, t, _ in stored if kind == "user"]
    listing = "\n".join(
        f"{kind} {action or ''} {t or ''} {json.loads(d).get('timestamp')}" for kind, action, t, d in stored
    )
    assert sorted(users) == sorted(questions), f"each message stored exactly once:\n{listing}"
    assert len({data for *_, data in stored}) == len(stored), "no event stored twice"
    # Handled one at a time: after each message, its turn ends (action_listen) before the next.
    turns: list[str] = []
    for kind, action, _, _ in stored:
        if kind == "user":
            assert not turns or turns[-1] == "action_listen", "a message started before the last one finished"
            turns.append("user")
        elif kind == "action":
            turns.append(action or "")
    assert turns[-1] == "action_listen"
    answering = [a for a in turns if a == "action_answer_question"]
    assert len(answering) == len(questions), "one answer per message"


def test_when_the_tracker_store_is_down_patients_still_get_replies_and_the_history_comes_back(
    cluster: tuple[list[str], str],
) -> None:
    urls, _ = cluster
    chat = Conversation(urls)
    assert chat.say("can the cement leak out of the bone?").kb_entry == "risk_cement_leakage"
    stop_postgres()
    try:
        # Rasa falls back to an empty in-memory conversation; the knowledge base is down too here.
        outage = [chat.say("what is kyphoplasty"), chat.say("what is kyphoplasty")]
        assert all(reply.texts for reply in outage), "never silence"
    finally:
        start_postgres()
    follow_up = chat.say("tell me more")
    assert follow_up.kb_entry == "risk_pulmonary_embolism", "the stored conversation is found again"
