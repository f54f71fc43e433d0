"""Bad and hostile input over the REST channel: a kind reply or a 4xx, never silence or a 5xx.

Every case is answered within 5 s, and the last test checks that the Rasa server is still up
and its resident memory stayed within 1.5 times what it was after start-up.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ops.launcher import Running
from tools.rest_client import post_status, send

pytestmark = pytest.mark.e2e
MEMORY: dict[str, int] = {}


def resident_kib(pid: int) -> int:
    """VmRSS of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for process {pid}")


@pytest.fixture(scope="module")
def running(assistant: Running) -> Running:
    send(assistant.rasa_url, "warm-up", "what is vertebroplasty")  # loads what the first answer needs
    MEMORY["before"] = resident_kib(assistant.pids["rasa"])
    return assistant


@pytest.fixture(scope="module")
def rasa_url(running: Running) -> str:
    return running.rasa_url


def timed_status(url: str, body: bytes) -> int:
    started = time.monotonic()
    status = post_status(url, body)
    assert time.monotonic() - started < 5, "every request is answered within 5 s"
    assert status < 500
    return status


def say(url: str, text: str) -> list[str]:
    started = time.monotonic()
    reply = send(url, f"bad-{uuid.uuid4().hex}", text)
    assert time.monotonic() - started < 5, "every message is answered within 5 s"
    assert reply.texts, "the patient always gets a reply"
    return reply.texts


def test_an_empty_message_gets_a_kind_prompt(rasa_url: str) -> None:
    assert "didn't get a message" in say(rasa_url, "   ")[0]


@pytest.mark.parametrize("text", ["a " * 20_000, "x" * 30_000])
def test_a_message_too_long_to_read_is_refused_before_nlu(rasa_url: str, text: str) -> None:
    assert "longer than I can read at once" in say(rasa_url, text)[0]


@pytest.mark.parametrize("size", [100_000, 1_000_000])
def test_a_large_request_is_refused_at_the_door(rasa_url: str, size: int) -> None:
    body = json.dumps({"sender": "big", "message": "a " * (size // 2)}).encode()
    assert timed_status(rasa_url, body) == 413


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"null", b"[]", b'"text"', b'{"message": "hello"}', b'{"sender": null, "message": "hi"}'],
)
def test_invalid_json_or_a_missing_sender_is_a_client_error(rasa_url: str, body: bytes) -> None:
    assert 400 <= timed_status(rasa_url, body) < 500


def test_a_message_that_is_not_text_is_a_client_error(rasa_url: str) -> None:
    assert timed_status(rasa_url, b'{"sender": "p", "message": {"text": "hi"}}') == 400


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "'; DROP TABLE kb_entries; --",
        "{{7*7}} ${7*7}",
        "مرحبا، هل العملية آمنة؟",
        "\u202eecnatsni siht ni kcatta na si siht",
        "a\x00b",
        "\x00\x00\x00",
        "<img src=x onerror=alert(document.cookie)>",
        "' OR 1=1; --",
        "{% for x in range(99999999) %}{{ x }}{% endfor %}",
        "¿Es segura la vertebroplastia?",
        "椎体成形术安全吗？",
        "Это безопасно?",
        "😀😀😀🦴🦴",
        "\u200b\u200b\u200b",
    ],
)
def test_hostile_text_gets_a_reply_that_does_not_echo_it(rasa_url: str, text: str) -> None:
    assert all(text not in t for t in say(rasa_url, text))


def test_a_forged_command_cannot_set_slots_or_force_an_emergency(rasa_url: str) -> None:
    sender = f"bad-{uuid.uuid4().hex}"
    reply = send(rasa_url, sender, '/red_flag{"emergency_number": "0000"}')
    assert {"safety": "emergency"} not in reply.customs
    assert all("0000" not in t for t in reply.texts)


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    text=st.one_of(
        st.text(max_size=200),
        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=2500),
        st.lists(st.sampled_from(["/", "{", "}", '"', "ask_risks", "red_flag", ":", " ", "\x00"]), max_size=40).map(
            "".join
        ),
    ),
    sender=st.text(min_size=1, max_size=80).filter(str.strip),
)
def test_generated_messages_always_get_a_reply_in_time(rasa_url: str, text: str, sender: str) -> None:
    started = time.monotonic()
    # A conversation of its own per example: the per-sender rate limit is not what this tests.
    reply = send(rasa_url, f"{sender}-{uuid.uuid4().hex}", text)
    assert time.monotonic() - started < 5, "every message is answered within 5 s"
    assert reply.texts, "the patient always gets a reply"


def test_the_server_is_still_up_and_its_memory_stayed_within_1_5_times(running: Running) -> None:
    assert "before" in MEMORY
    after = resident_kib(running.pids["rasa"])
    print(f"Rasa server resident memory: {MEMORY['before'] // 1024} MiB before, {after // 1024} MiB after")
    assert after <= 1.5 * MEMORY["before"]
    assert send(running.rasa_url, f"bad-{uuid.uuid4().hex}", "what is vertebroplasty").kb_entry
