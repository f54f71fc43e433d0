"""Rate limits for the public channels: token buckets per sender and per client address.

Pure Python, no Rasa or Sanic imports. Each Rasa server keeps its own buckets in memory, so
with N servers behind a load balancer a client gets up to N times the limit; the limits are
there to stop one client from exhausting a server, not to meter patients.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_PER_SENDER = 30  # messages per minute, one conversation
DEFAULT_PER_ADDRESS = 300  # requests per minute, one client address (a kiosk or a clinic's NAT)
MAX_KEYS = 100_000  # buckets kept before idle ones are dropped


@dataclass(frozen=True)
class RateLimits:
    """Requests allowed per minute; 0 switches a limit off."""

    per_sender: int = DEFAULT_PER_SENDER
    per_address: int = DEFAULT_PER_ADDRESS


class RateLimiter:
    """A token bucket per key: `per_minute` requests at once, refilled evenly over a minute."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        """Allow `per_minute` requests per key per minute (0: no limit)."""
        self._capacity = float(per_minute)
        self._rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        """Take a token from `key`'s bucket; False when it is empty."""
        if self._capacity <= 0:
            return True
        now = self._clock()
        tokens, last = self._buckets.get(key, (self._capacity, now))
        tokens = min(self._capacity, tokens + (now - last) * self._rate)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > MAX_KEYS:
            self._forget_idle(now)
        return allowed

    def retry_after(self, key: str) -> int:
        """Whole seconds until `key` has a token again."""
        if self._capacity <= 0 or key not in self._buckets:
            return 0
        tokens, last = self._buckets[key]
        tokens = min(self._capacity, tokens + (self._clock() - last) * self._rate)
        return 0 if tokens >= 1.0 else math.ceil((1.0 - tokens) / self._rate - 1e-9)

    def _forget_idle(self, now: float) -> None:
        # A bucket that would be full again holds nothing worth remembering.
        full_after = self._capacity / self._rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}
