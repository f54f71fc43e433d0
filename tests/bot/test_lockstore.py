"""The atomic Redis lock store against a real Redis, with several stores racing like several servers."""

from __future__ import annotations

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from rasa.core.lock_store import LockError

from bot.lockstore import AtomicRedisLockStore
from tests.services import setting


@pytest.fixture
def stores() -> list[AtomicRedisLockStore]:
    host, port = setting("TEST_REDIS_HOST"), int(setting("TEST_REDIS_PORT"))
    return [AtomicRedisLockStore(host=host, port=port, db=3) for _ in range(4)]


def test_tickets_issued_at_once_by_several_servers_are_all_different(stores: list[AtomicRedisLockStore]) -> None:
    conversation = f"c-{uuid.uuid4().hex}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        tickets = list(pool.map(lambda i: stores[i % 4].issue_ticket(conversation, 60), range(40)))
    assert sorted(tickets) == list(range(40))
    lock = stores[0].get_lock(conversation)
    assert lock is not None
    assert [t.number for t in lock.tickets] == list(range(40))


def test_the_lock_disappears_with_its_last_ticket(stores: list[AtomicRedisLockStore]) -> None:
    conversation = f"c-{uuid.uuid4().hex}"
    first = stores[0].issue_ticket(conversation, 60)
    second = stores[1].issue_ticket(conversation, 60)
    stores[1].cleanup(conversation, first)
    assert stores[2].get_lock(conversation).now_serving == second
    stores[0].cleanup(conversation, second)
    assert stores[3].get_lock(conversation) is None


def test_a_lock_expires_in_redis_with_its_tickets(stores: list[AtomicRedisLockStore]) -> None:
    conversation = f"c-{uuid.uuid4().hex}"
    stores[0].issue_ticket(conversation, 1)
    time.sleep(2.2)
    assert stores[0].get_lock(conversation) is None


def test_a_waiting_message_whose_ticket_ran_out_fails_at_once_instead_of_waiting_forever(
    stores: list[AtomicRedisLockStore],
) -> None:
    # Stock Rasa keeps an empty lock here, and the waiter polls it until something else gives up.
    conversation = f"c-{uuid.uuid4().hex}"
    stores[0].issue_ticket(conversation, 0.3)  # a message on a server that died
    mine = stores[1].issue_ticket(conversation, 0.6)  # a message that waits longer than its lifetime
    started = time.monotonic()
    with pytest.raises(LockError):
        asyncio.run(asyncio.wait_for(stores[1]._acquire_lock(conversation, mine, 1.0), 10))
    assert time.monotonic() - started < 3


def test_connection_errors_reach_the_caller(stores: list[AtomicRedisLockStore]) -> None:
    broken = AtomicRedisLockStore(host="127.0.0.1", port=1, socket_timeout=1)
    with pytest.raises(redis.exceptions.ConnectionError):
        broken.issue_ticket("anyone", 60)
