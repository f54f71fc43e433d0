"""Load benchmark: this assistant and a stock `rasa init` assistant, side by side, in one run.

`python -m tools.bench` (behind `make bench`) measures, for both assistants on this machine:
full training time, start-up time (process start to first answer), latency percentiles and
messages per second at 1, 10 and 50 concurrent users sending a realistic mix of questions
and follow-ups over the REST channel, errors, and the resident memory of each server. The
figures are written to `results/bench/bench.json` and plotted to `results/bench/bench.png`;
the targets are checked as ratios against the stock assistant measured in the same run.
It measures and reports: it does not fail when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from knowledge import settings
from ops.launcher import running_assistant, server_environment, start_process, stop_process, wait_until_up
from ops.paths import CONFIG, DOMAIN
from ops.settings import Ports
from ops.training import ensure_spacy_pipeline, inputs_fingerprint, training_inputs
from tools.rest_client import free_port, send

ROOT = settings.REPO_ROOT
OUT_DIR = ROOT / "results" / "bench"
BUILD_DIR = ROOT / "build" / "bench"
STOCK_DIR = BUILD_DIR / "stock-assistant"
USERS = (1, 10, 50)
REQUEST_TIMEOUT_S = 60.0

# What patients do: a question, then one or two follow-ups that depend on the conversation.
CONVERSATIONS: tuple[tuple[str, ...], ...] = (
    ("what is vertebroplasty", "what are the risks", "tell me more"),
    ("can the cement leak out of the bone?", "what about stroke?", "and how common is that?"),
    ("what is kyphoplasty", "how is it different?"),
    ("is there any proof it works", "what did the 2009 study find?"),
    ("why should i get a second opinion", "who should i ask?"),
    ("hi", "what else could i try instead", "physical therapy"),
    ("does it hurt to have it done", "thanks, bye"),
)

# Targets from the issue: ratios against the stock assistant, and absolute limits.
MAX_RASA_RSS_MB = 1000.0
MAX_STARTUP_S = 20.0
MAX_TRAINING_S = 120.0


@dataclass
class LoadResult:
    """One load level: latencies of the messages answered, errors, and the rate achieved."""

    users: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0

    def summary(self) -> dict[str, float]:
        """Percentiles, messages per second and errors."""
        ordered = sorted(self.latencies_ms) or [float("nan")]
        return {
            "users": self.users,
            "messages": len(self.latencies_ms),
            "errors": self.errors,
            "messages_per_s": round(len(self.latencies_ms) / self.seconds, 2),
            "p50_ms": round(percentile(ordered, 50), 1),
            "p95_ms": round(percentile(ordered, 95), 1),
            "p99_ms": round(percentile(ordered, 99), 1),
            "mean_ms": round(statistics.fmean(ordered), 1),
        }


def percentile(ordered: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile of an ascending sequence."""
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


async def _user(
    session: aiohttp.ClientSession, url: str, start: int, deadline: float, max_messages: int, result: LoadResult
) -> None:
    conversations = itertools.cycle(
        CONVERSATIONS[start % len(CONVERSATIONS) :] + CONVERSATIONS[: start % len(CONVERSATIONS)]
    )
    sent = 0
    while time.monotonic() < deadline and sent < max_messages:
        sender = f"bench-{uuid.uuid4().hex}"
        for text in next(conversations):
            if time.monotonic() >= deadline or sent >= max_messages:
                return
            sent += 1
            began = time.perf_counter()
            try:
                async with session.post(url, json={"sender": sender, "message": text}) as response:
                    await response.read()
                    ok = response.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError):
                ok = False
            if ok:
                result.latencies_ms.append((time.perf_counter() - began) * 1000)
            else:
                result.errors += 1


async def _load(base_url: str, users: int, seconds: float, max_messages: int) -> LoadResult:
    url = f"{base_url}/webhooks/rest/webhook"
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=users)) as session:
        began = time.monotonic()
        result = LoadResult(users=users, seconds=seconds)
        deadline = began + seconds
        await asyncio.gather(*(_user(session, url, i, deadline, max_messages, result) for i in range(users)))
        result.seconds = time.monotonic() - began
        return result


def load_levels(base_url: str, seconds: float, users: Sequence[int]) -> list[dict[str, float]]:
    """Run each load level in turn, after a short warm-up; bounded in time and in messages."""
    asyncio.run(_load(base_url, 2, 3.0, 20))
    return [asyncio.run(_load(base_url, n, seconds, max_messages=2000)).summary() for n in users]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MiB, from /proc."""
    total_kb = 0
    for proc in _process_tree(pid):
        try:
            status = Path(f"/proc/{proc}/status").read_text()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return round(total_kb / 1024, 1)


def _process_tree(pid: int) -> list[int]:
    tree, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        tree += [int(c) for c in children]
        frontier += [int(c) for c in children]
    return tree


def timed(command: Sequence[str], cwd: Path, log: Path) -> float:
    """Run a command to completion, logging its output; returns the seconds it took."""
    log.parent.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with log.open("wb") as out:
        subprocess.run(
            command, cwd=cwd, env=server_environment(Ports()), stdout=out, stderr=subprocess.STDOUT, check=True
        )
    return round(time.monotonic() - began, 1)


def training_time(remeasure: bool) -> dict[str, Any]:
    """Seconds a full training of this assistant takes from scratch (no cache).

    Measured once per set of training inputs and kept in build/, so that later runs reuse it;
    `remeasure` trains again.
    """
    record = BUILD_DIR / f"training-{inputs_fingerprint(training_inputs())}.json"
    if record.exists() and not remeasure:
        return dict(json.loads(record.read_text()))
    ensure_spacy_pipeline()
    scratch = BUILD_DIR / "training"
    shutil.rmtree(scratch, ignore_errors=True)
    command = [
        sys.executable, "-m", "rasa", "train", "--config", str(CONFIG), "--domain", str(DOMAIN),
        "--data", str(ROOT / "data"), "--out", str(scratch), "--fixed-model-name", "ours", "--force",
    ]  # fmt: skip
    measured = {"seconds": timed(command, ROOT, OUT_DIR / "logs" / "train-ours.log"), "when": _now()}
    shutil.rmtree(scratch, ignore_errors=True)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(measured) + "\n")
    return measured


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S %Z")


def stock_assistant() -> tuple[dict[str, Any], Path]:
    """The `rasa init` assistant of the installed Rasa, trained once and kept in build/, and its training time."""
    model = STOCK_DIR / "models" / "stock.tar.gz"
    record = STOCK_DIR / "training.json"
    if model.exists() and record.exists():
        return dict(json.loads(record.read_text())), model
    from rasa.cli.scaffold import scaffold_path  # the same template `rasa init` copies

    shutil.rmtree(STOCK_DIR, ignore_errors=True)
    shutil.copytree(scaffold_path(), STOCK_DIR, ignore=shutil.ignore_patterns("__pycache__"))
    command = [
        sys.executable, "-m", "rasa", "train", "--out", "models", "--fixed-model-name", "stock", "--force",
    ]  # fmt: skip
    measured = {"seconds": timed(command, STOCK_DIR, OUT_DIR / "logs" / "train-stock.log"), "when": _now()}
    record.write_text(json.dumps(measured) + "\n")
    return measured, model


def bench_ours(seconds: float, users: Sequence[int]) -> dict[str, Any]:
    """Start this assistant (both servers), time the first answer, load it, read its memory."""
    ports = Ports(rasa=free_port(), actions=free_port())
    began = time.monotonic()
    # One load generator stands in for many patients: no per-address limit (the stock assistant has none).
    unlimited = {"RATE_LIMIT_PER_ADDRESS": "0"}
    with running_assistant(ports, log_dir=OUT_DIR / "logs" / "ours", extra_env=unlimited) as running:
        first = send(running.rasa_url, f"bench-{uuid.uuid4().hex}", "what is vertebroplasty", REQUEST_TIMEOUT_S)
        startup = round(time.monotonic() - began, 1)
        if first.kb_entry is None:
            raise RuntimeError("the assistant did not answer from the knowledge base")
        idle = rss_mb(running.pids["rasa"])
        levels = load_levels(running.rasa_url, seconds, users)
        return {
            "startup_s": startup,
            "load": levels,
            "rss_mb": {
                "rasa_idle": idle,
                "rasa_after_load": rss_mb(running.pids["rasa"]),
                "actions_after_load": rss_mb(running.pids["actions"]),
            },
        }


def bench_stock(model: Path, seconds: float, users: Sequence[int]) -> dict[str, Any]:
    """The same measurements on the stock assistant (no action server: it has no custom actions)."""
    port = free_port()
    command = [
        sys.executable, "-m", "rasa", "run", "--model", str(model), "--credentials", "credentials.yml",
        "--endpoints", "endpoints.yml", "--interface", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    began = time.monotonic()
    process = start_process(command, server_environment(Ports()), OUT_DIR / "logs", "stock", cwd=STOCK_DIR)
    try:
        wait_until_up(f"{url}/", process, 180.0)
        if not send(url, f"bench-{uuid.uuid4().hex}", "hello", REQUEST_TIMEOUT_S).texts:
            raise RuntimeError("the stock assistant did not answer")
        startup = round(time.monotonic() - began, 1)
        idle = rss_mb(process.pid)
        levels = load_levels(url, seconds, users)
        return {
            "startup_s": startup,
            "load": levels,
            "rss_mb": {"rasa_idle": idle, "rasa_after_load": rss_mb(process.pid)},
        }
    finally:
        stop_process(process)


def targets(ours: dict[str, Any], stock: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured value, the limit, and whether it was met."""
    at10 = {r["users"]: r for r in ours["load"]}[10], {r["users"]: r for r in stock["load"]}[10]
    p95_ratio = at10[0]["p95_ms"] / at10[1]["p95_ms"]
    rate_ratio = at10[0]["messages_per_s"] / at10[1]["messages_per_s"]
    rss = max(ours["rss_mb"]["rasa_idle"], ours["rss_mb"]["rasa_after_load"])
    training = ours["training"]["seconds"]
    rows = [
        ("p95 at 10 users, ours / stock", round(p95_ratio, 2), "<= 1.0", p95_ratio <= 1.0),
        ("messages/s at 10 users, ours / stock", round(rate_ratio, 2), ">= 1.0", rate_ratio >= 1.0),
        ("Rasa server RSS (MiB)", rss, f"<= {MAX_RASA_RSS_MB:.0f}", rss <= MAX_RASA_RSS_MB),
        (
            "start-up to first answer (s)",
            ours["startup_s"],
            f"<= {MAX_STARTUP_S:.0f}",
            ours["startup_s"] <= MAX_STARTUP_S,
        ),
        ("full training (s)", training, f"<= {MAX_TRAINING_S:.0f}", training <= MAX_TRAINING_S),
    ]
    return [{"target": t, "value": v, "limit": lim, "met": met} for t, v, lim, met in rows]


def table(results: dict[str, Any]) -> str:
    """The figures as a plain-text table (also pasted into the README)."""
    ours, stock = results["assistant"], results["stock"]
    lines = [f"{'users':>5}  {'system':10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'msg/s':>7} {'errors':>6}"]
    for mine, theirs in zip(ours["load"], stock["load"], strict=True):
        for name, row in (("ours", mine), ("stock", theirs)):
            lines.append(
                f"{row['users']:5d}  {name:10} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['p99_ms']:8.1f} "
                f"{row['messages_per_s']:7.1f} {row['errors']:6d}"
            )
    lines += [
        "",
        f"start-up to first answer: ours {ours['startup_s']:.1f} s, stock {stock['startup_s']:.1f} s",
        f"full training: ours {ours['training']['seconds']:.0f} s (measured {ours['training']['when']}), "
        f"stock {stock['training']['seconds']:.0f} s (measured {stock['training']['when']})",
        f"Rasa server RSS: ours {ours['rss_mb']['rasa_idle']:.0f} -> {ours['rss_mb']['rasa_after_load']:.0f} MiB, "
        f"stock {stock['rss_mb']['rasa_idle']:.0f} -> {stock['rss_mb']['rasa_after_load']:.0f} MiB; "
        f"action server {ours['rss_mb']['actions_after_load']:.0f} MiB",
        "",
        "targets:",
    ]
    lines += [
        f"  {'met   ' if t['met'] else 'MISSED'} {t['target']}: {t['value']} ({t['limit']})" for t in results["targets"]
    ]
    return "\n".join(lines)


def plot(results: dict[str, Any], path: Path) -> None:
    """Latency percentiles and throughput against concurrent users, both assistants."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency, rate) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, style in (("assistant", "-"), ("stock", "--")):
        levels = results[name]["load"]
        users = [r["users"] for r in levels]
        for pct in ("p50", "p95", "p99"):
            latency.plot(users, [r[f"{pct}_ms"] for r in levels], style, marker="o", label=f"{name} {pct}")
        rate.plot(users, [r["messages_per_s"] for r in levels], style, marker="o", label=name)
    latency.set(xscale="log", yscale="log", xlabel="concurrent users", ylabel="latency (ms)", title="Latency")
    rate.set(xscale="log", xlabel="concurrent users", ylabel="messages per second", title="Throughput")
    for axis in (latency, rate):
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    figure.suptitle(f"REST channel, {os.cpu_count()} cores: this assistant (solid) vs stock rasa init (dashed)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(argv: Sequence[str] | None = None) -> int:
    """Train, start, load and measure both assistants; write JSON and a plot; print the table."""
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", "20")))
    parser.add_argument("--users", type=lambda s: [int(n) for n in s.split(",")], default=list(USERS))
    parser.add_argument("--retrain", action="store_true", help="measure the training time again")
    args = parser.parse_args(argv)
    if 10 not in args.users:
        parser.error("--users must include 10: the targets compare the assistants at 10 users")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    training = training_time(args.retrain)
    stock_training, stock_model = stock_assistant()
    ours = {"training": training, **bench_ours(args.seconds, args.users)}
    stock = {"training": stock_training, **bench_stock(stock_model, args.seconds, args.users)}
    results: dict[str, Any] = {
        "when": _now(),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "settings": {"seconds_per_level": args.seconds, "users": args.users, "conversations": CONVERSATIONS},
        "assistant": ours,
        "stock": stock,
    }
    results["targets"] = targets(ours, stock)
    (OUT_DIR / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    plot(results, OUT_DIR / "bench.png")
    print(table(results))
    print(f"\nwrote {(OUT_DIR / 'bench.json').relative_to(ROOT)} and {(OUT_DIR / 'bench.png').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
