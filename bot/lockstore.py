"""Rasa's Redis lock store with every change made atomically, for several Rasa servers.

Rasa 3.6's `RedisLockStore` reads a conversation's ticket lock, changes it in Python and writes
it back. Two servers issuing tickets for one conversation at the same moment both read "no
lock", both get ticket 0 and both handle their message at once; the second to save overwrites
the first's events (measured: tests/e2e/production/test_scale_out.py lost a message that way).
Here each read-change-write runs under Redis WATCH/MULTI and is retried when another server
changed the lock in between. A lock also expires in Redis with its last ticket, and an empty
lock is deleted, so a waiting message whose own ticket ran out fails at once (and the patient
gets the apology) instead of waiting forever.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
MAX_ATTEMPTS = 100


class AtomicRedisLockStore(RedisLockStore):
    """A `RedisLockStore` whose ticket changes are transactions."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        """Connect as Rasa's Redis lock store would: `url` is the host; `port`, `db`, `password` as given."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, T]]) -> T:
        """Apply `change` to the stored lock atomically; it returns the lock to store (None: delete) and a result."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            for _ in range(MAX_ATTEMPTS):
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock, result = change(TicketLock.from_dict(json.loads(raw)) if raw else None)
                    pipe.multi()
                    if lock is None or not lock.tickets:
                        pipe.delete(key)
                    else:
                        last = max(ticket.expires for ticket in lock.tickets)
                        pipe.set(key, lock.dumps(), ex=max(1, math.ceil(last - time.time())))
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue
        raise redis.WatchError(f"the lock changed under us {MAX_ATTEMPTS} times in a row")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue the next ticket for `conversation_id`, creating its lock if needed."""

        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        return self._change(conversation_id, issue)

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets."""

        def update(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, update)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket `ticket_number`."""

        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket, and the lock with it when nobody else waits (one transaction)."""
        self.finish_serving(conversation_id, ticket_number)
