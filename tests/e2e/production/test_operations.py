"""One assistant with its production stores, and its faults with the real processes stopped and started.

The Rasa server keeps conversations in a SQL tracker store (a SQLite file here; PostgreSQL in
test_scale_out.py) and locks them in Redis; the action server reads the knowledge base from
PostgreSQL. The HTTP API is on with a token, the rate limits are low, and the client address
comes from `X-Real-IP` so that one test machine can play several clients.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.channels.guarded import response_text
from knowledge import settings
from knowledge.model import KnowledgeSource
from knowledge.repository import SqlRepository
from ops.launcher import (
    START_TIMEOUT_S,
    Ports,
    action_server_command,
    running_assistant,
    start_process,
    stop_process,
    wait_until_up,
)
from tests.e2e.sio import socketio_conversation
from tests.services import (
    fresh_database,
    redis_settings,
    start_postgres,
    start_redis,
    stop_postgres,
    stop_redis,
)
from tools.rest_client import free_port

pytestmark = pytest.mark.e2e

LOG_DIR = settings.REPO_ROOT / "results" / "production-logs" / "operations"
TOKEN = f"token-{uuid.uuid4().hex}"
PER_SENDER = 5
PER_ADDRESS = 40
REPLY_TIMEOUT_S = 15
LOCK_LIFETIME_S = 6
APOLOGY = response_text("utter_service_unavailable")
KB_UNAVAILABLE = response_text("utter_kb_unavailable")


@dataclass
class Assistant:
    """The running servers, and the action server that tests may kill and start again."""

    url: str
    ports: Ports
    env: dict[str, str]
    tracker_db: Path
    actions_pid: int
    restarted: list[Any] = field(default_factory=list)

    def kill_actions(self) -> None:
        os.killpg(self.actions_pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.ports.actions_url}/health", timeout=1)  # noqa: S310
            except OSError:
                return
            time.sleep(0.2)
        raise AssertionError("the action server is still up")

    def restart_actions(self) -> None:
        process = start_process(
            action_server_command(self.ports), self.env, LOG_DIR, f"actions-{len(self.restarted) + 1}"
        )
        self.restarted.append(process)
        wait_until_up(f"{self.ports.actions_url}/health", process, START_TIMEOUT_S)
        self.actions_pid = process.pid


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, source: KnowledgeSource) -> Iterator[Assistant]:
    tracker_db = tmp_path_factory.mktemp("tracker") / "rasa.db"
    with fresh_database("kbops") as kb_url:
        repository = SqlRepository(kb_url)
        repository.replace(source)
        repository.dispose()
        extra = {
            "DATABASE_URL": kb_url,
            "TRACKER_STORE_URL": f"sqlite:///{tracker_db}",
            **redis_settings(),
            "RASA_ENABLE_API": "true",
            "RASA_AUTH_TOKEN": TOKEN,
            "RATE_LIMIT_PER_SENDER": str(PER_SENDER),
            "RATE_LIMIT_PER_ADDRESS": str(PER_ADDRESS),
            "SANIC_REAL_IP_HEADER": "x-real-ip",
            "REPLY_TIMEOUT_S": str(REPLY_TIMEOUT_S),
            "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_S),
        }
        ports = Ports(rasa=free_port(), actions=free_port())
        with running_assistant(ports, log_dir=LOG_DIR, extra_env=extra) as running:
            helper = Assistant(running.rasa_url, ports, running.env, tracker_db, running.pids["actions"])
            try:
                yield helper
            finally:
                for process in helper.restarted:
                    stop_process(process)


def post(url: str, body: Any, address: str | None = None, timeout_s: float = 30) -> tuple[int, Any, float]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **({"X-Real-IP": address} if address else {})}
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=data, headers=headers)  # noqa: S310
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            return response.status, json.loads(response.read()), time.monotonic() - started
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, json.loads(text) if text else None, time.monotonic() - started


def say(assistant: Assistant, sender: str, text: str) -> tuple[list[str], list[dict[str, Any]], float]:
    status, messages, elapsed = post(assistant.url, {"sender": sender, "message": text})
    assert status == 200, messages
    return [m["text"] for m in messages if "text" in m], [m["custom"] for m in messages if "custom" in m], elapsed


def kb_entry(customs: list[dict[str, Any]]) -> str | None:
    return next((c["kb_entry"] for c in customs if "kb_entry" in c), None)


def sender() -> str:
    return f"ops-{uuid.uuid4().hex}"


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


# --- stores -------------------------------------------------------------------------------


def test_the_conversation_is_kept_in_the_sql_tracker_store(assistant: Assistant) -> None:
    patient = sender()
    _, customs, _ = say(assistant, patient, "can the cement leak out of the bone?")
    assert kb_entry(customs) == "risk_cement_leakage"
    connection = sqlite3.connect(assistant.tracker_db)
    try:
        rows = connection.execute("SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (patient,)).fetchall()
    finally:
        connection.close()
    kinds = [kind for (kind,) in rows]
    assert kinds.count("user") == 1
    assert "slot" in kinds


# --- HTTP API and rate limits ---------------------------------------------------------------


def test_the_http_api_refuses_requests_without_the_token(assistant: Assistant) -> None:
    assert get_status(f"{assistant.url}/status") == 401
    assert get_status(f"{assistant.url}/conversations/someone/tracker") == 401
    assert get_status(f"{assistant.url}/status?token=wrong") == 401
    assert get_status(f"{assistant.url}/status?token={TOKEN}") == 200


def test_a_sender_over_the_limit_gets_429_and_others_are_not_affected(assistant: Assistant) -> None:
    patient = sender()
    statuses = [post(assistant.url, {"sender": patient, "message": ""}, address="10.1.0.1")[0] for _ in range(7)]
    assert statuses[:PER_SENDER] == [200] * PER_SENDER
    assert statuses[PER_SENDER:] == [429, 429]
    status, body, _ = post(assistant.url, {"sender": patient, "message": "hello"}, address="10.1.0.1")
    assert status == 429
    assert body == [{"recipient_id": patient, "text": APOLOGY}], "the 429 still says something a patient can read"
    assert post(assistant.url, {"sender": sender(), "message": ""}, address="10.1.0.1")[0] == 200


def test_an_address_over_the_limit_gets_429_on_rest_and_socketio(assistant: Assistant) -> None:
    statuses = [post(assistant.url, {"sender": sender(), "message": ""}, address="10.2.0.1")[0] for _ in range(45)]
    # Tokens trickle back (PER_ADDRESS a minute), so a few more than PER_ADDRESS may pass.
    assert PER_ADDRESS <= statuses.count(200) < PER_ADDRESS + 5
    assert statuses[:PER_ADDRESS] == [200] * PER_ADDRESS
    assert statuses[-1] == 429
    polls = [poll(assistant.url, "10.2.0.2") for _ in range(45)]
    assert polls[:PER_ADDRESS] == [200] * PER_ADDRESS
    assert polls[-1] == 429
    assert poll(assistant.url, "10.2.0.4") == 200
    assert post(assistant.url, {"sender": sender(), "message": ""}, address="10.2.0.3")[0] == 200


def poll(url: str, address: str) -> int:
    """Open a socket.io session by HTTP long-polling, as the widget does first."""
    request = urllib.request.Request(  # noqa: S310
        f"{url}/socket.io/?EIO=4&transport=polling", headers={"X-Real-IP": address}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        b'{"message": "hi"}',
        b'{"sender": "", "message": "hi"}',
        b'{"sender": "p", "message": 5}',
    ],
)
def test_a_malformed_request_is_a_client_error(assistant: Assistant, body: bytes) -> None:
    assert post(assistant.url, body, address=f"10.3.{uuid.uuid4().int % 250}.1")[0] == 400


def test_logs_at_the_default_level_hold_no_message_text(assistant: Assistant) -> None:
    marker = f"quokka{uuid.uuid4().hex[:8]}"
    say(assistant, sender(), f"does {marker} cement leak out of the bone")
    say(assistant, sender(), f"/{marker}")
    time.sleep(1)
    for log in LOG_DIR.glob("*.log"):
        assert marker not in log.read_text(errors="replace"), log.name


# --- faults -------------------------------------------------------------------------------


def test_when_the_action_server_hangs_the_patient_gets_the_apology_in_time(assistant: Assistant) -> None:
    patient = sender()
    os.killpg(assistant.actions_pid, signal.SIGSTOP)
    try:
        texts, _, elapsed = say(assistant, patient, "what are the risks of vertebroplasty?")
        assert texts[-1] == APOLOGY
        assert elapsed < REPLY_TIMEOUT_S + 5
        texts, customs, _ = say(assistant, patient, "I have chest pain right now")
        assert {"safety": "emergency"} in customs
    finally:
        os.killpg(assistant.actions_pid, signal.SIGCONT)
    _, customs, _ = say(assistant, patient, "can the cement leak out of the bone?")
    assert kb_entry(customs) == "risk_cement_leakage"


def test_when_the_action_server_dies_and_comes_back_the_conversation_continues(assistant: Assistant) -> None:
    patient = sender()
    _, customs, _ = say(assistant, patient, "can the cement leak out of the bone?")
    assert kb_entry(customs) == "risk_cement_leakage"
    assistant.kill_actions()
    texts, customs, elapsed = say(assistant, patient, "what about stroke?")
    assert texts == [APOLOGY]
    assert elapsed < 5
    texts, customs, _ = say(assistant, patient, "my legs went numb and I can't feel them")
    assert {"safety": "emergency"} in customs
    assistant.restart_actions()
    _, customs, _ = say(assistant, patient, "what about stroke?")
    assert kb_entry(customs) == "risk_stroke", "the follow-up still knows the conversation"


def test_when_the_knowledge_database_is_down_the_patient_is_told_politely_then_it_recovers(
    assistant: Assistant,
) -> None:
    patient = sender()
    log = LOG_DIR / "actions.log"
    stop_postgres()
    try:
        texts, customs, _ = say(assistant, patient, "can the cement leak out of the bone?")
        assert KB_UNAVAILABLE in texts
        assert kb_entry(customs) is None
    finally:
        start_postgres()
    _, customs, _ = say(assistant, patient, "can the cement leak out of the bone?")
    assert kb_entry(customs) == "risk_cement_leakage", "answers again without a restart"
    for path in (log, *LOG_DIR.glob("actions-*.log")):
        assert "Traceback" not in path.read_text(errors="replace")


def test_when_redis_is_down_messages_get_the_apology_at_once_then_it_recovers(assistant: Assistant) -> None:
    patient = sender()
    stop_redis()
    try:
        texts, _, elapsed = say(assistant, patient, "can the cement leak out of the bone?")
        assert texts == [APOLOGY]
        assert "emergency number" in APOLOGY
        assert elapsed < 5
    finally:
        start_redis()
    _, customs, _ = say(assistant, patient, "can the cement leak out of the bone?")
    assert kb_entry(customs) == "risk_cement_leakage"


def test_a_lock_left_by_a_dead_server_holds_a_conversation_no_longer_than_the_lock_lifetime(
    assistant: Assistant,
) -> None:
    patient = sender()
    client = redis.Redis(host=assistant.env["REDIS_HOST"], port=int(assistant.env["REDIS_PORT"]), db=1)
    # A ticket of a server that died halfway through a message: it expires before any later one.
    ticket = json.dumps({"number": 0, "expires": time.time() + LOCK_LIFETIME_S / 2})
    client.set(f"lock:{patient}", json.dumps({"conversation_id": patient, "tickets": [ticket]}))
    _, customs, elapsed = say(assistant, patient, "can the cement leak out of the bone?")
    assert kb_entry(customs) == "risk_cement_leakage"
    assert LOCK_LIFETIME_S / 2 - 1 < elapsed < LOCK_LIFETIME_S + 5


async def test_a_socketio_sender_over_the_limit_gets_the_apology_and_red_flags_before_that_are_answered(
    assistant: Assistant,
) -> None:
    # Its own address for the limit.
    async with socketio_conversation(assistant.url, headers={"X-Real-IP": "10.4.0.1"}) as say:
        first = await say("I have chest pain right now")
        assert {"safety": "emergency"} in [m.get("custom") for m in first]
        for _ in range(PER_SENDER - 1):
            await say("")
        refused = await say("what are the risks?")
        assert [m.get("text") for m in refused] == [APOLOGY]
