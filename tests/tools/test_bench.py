"""The benchmark's arithmetic: percentiles, summaries and the targets, on figures checked by hand."""

from __future__ import annotations

import os

from tools.bench import LoadResult, percentile, rss_mb, targets


def test_percentile_uses_the_nearest_rank() -> None:
    ordered = [float(n) for n in range(1, 101)]
    assert percentile(ordered, 50) == 50.0
    assert percentile(ordered, 95) == 95.0
    assert percentile(ordered, 99) == 99.0
    assert percentile([7.0], 99) == 7.0


def test_a_load_summary_counts_answered_messages_and_errors() -> None:
    result = LoadResult(users=10, seconds=2.0, latencies_ms=[10.0, 20.0, 30.0, 40.0], errors=1)
    summary = result.summary()
    assert summary["messages"] == 4
    assert summary["errors"] == 1
    assert summary["messages_per_s"] == 2.0
    assert summary["p50_ms"] == 20.0
    assert summary["p99_ms"] == 40.0


def _system(p95: float, rate: float, rss: float, startup: float, training: float) -> dict[str, object]:
    return {
        "training": {"seconds": training, "when": "today"},
        "startup_s": startup,
        "load": [{"users": 10, "p95_ms": p95, "messages_per_s": rate}],
        "rss_mb": {"rasa_idle": rss, "rasa_after_load": rss},
    }


def test_targets_compare_with_the_stock_assistant_and_the_limits() -> None:
    met = {t["target"]: t["met"] for t in targets(_system(90, 50, 900, 15, 60), _system(100, 40, 1200, 25, 50))}
    assert all(met.values())
    missed = {t["target"]: t["met"] for t in targets(_system(120, 30, 1100, 25, 130), _system(100, 40, 900, 20, 50))}
    assert not any(missed.values())


def test_rss_is_read_for_a_live_process() -> None:
    assert rss_mb(os.getpid()) > 1.0
