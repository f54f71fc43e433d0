"""Token buckets per sender and per address."""

from __future__ import annotations

import pytest

from bot.channels.ratelimit import RateLimiter, RateLimits
from bot.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_gets_its_limit_at_once_then_is_refused() -> None:
    limiter = RateLimiter(3, Clock())
    assert [limiter.allow("p1") for _ in range(4)] == [True, True, True, False]


def test_keys_are_limited_separately() -> None:
    limiter = RateLimiter(1, Clock())
    assert limiter.allow("p1")
    assert not limiter.allow("p1")
    assert limiter.allow("p2")


def test_tokens_come_back_evenly_over_a_minute() -> None:
    clock = Clock()
    limiter = RateLimiter(6, clock)
    for _ in range(6):
        assert limiter.allow("p1")
    assert not limiter.allow("p1")
    assert limiter.retry_after("p1") == 10
    clock.now += 10
    assert limiter.allow("p1")
    assert not limiter.allow("p1")


def test_zero_switches_the_limit_off() -> None:
    limiter = RateLimiter(0, Clock())
    assert all(limiter.allow("p1") for _ in range(1000))
    assert limiter.retry_after("p1") == 0


def test_idle_buckets_are_forgotten_when_there_are_too_many(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.channels.ratelimit.MAX_KEYS", 10)
    clock = Clock()
    limiter = RateLimiter(60, clock)
    for i in range(10):
        limiter.allow(f"old-{i}")
    clock.now += 61
    limiter.allow("new")
    assert len(limiter._buckets) == 1


def test_limits_come_from_the_environment_with_safe_defaults() -> None:
    limits = Settings.from_env({"RATE_LIMIT_PER_ADDRESS": "0"}).rate_limits
    assert limits == RateLimits(per_sender=30, per_address=0)
