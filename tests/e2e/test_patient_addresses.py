"""Behind the web server, each patient's address has its own rate limit, and no client can forge one.

Every widget and kiosk message reaches Rasa from the web server; without the signed `Forwarded`
header they would all share the web server's per-address limit.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import pytest

from knowledge import settings
from ops.launcher import Running, running_assistant
from ops.settings import Ports
from tools.rest_client import free_port

pytestmark = pytest.mark.e2e
PER_ADDRESS = 3


@pytest.fixture(scope="module")
def assistant() -> Iterator[Running]:
    ports = Ports(rasa=free_port(), actions=free_port(), web=free_port())
    log_dir = settings.REPO_ROOT / "results" / "e2e-logs-addresses"
    limits = {"RATE_LIMIT_PER_ADDRESS": str(PER_ADDRESS), "RATE_LIMIT_PER_SENDER": "0"}
    with running_assistant(ports, log_dir=log_dir, with_actions=False, with_web=True, extra_env=limits) as running:
        yield running


def post(port: int, source: str, number: int, headers: dict[str, str] | None = None) -> int:
    """POST one message from a loopback address of our choosing; returns the status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        body = json.dumps({"sender": f"{source.replace('.', '_')}-{number}", "message": "hello"})
        connection.request(
            "POST", "/webhooks/rest/webhook", body, {"Content-Type": "application/json", **(headers or {})}
        )
        return connection.getresponse().status
    finally:
        connection.close()


def test_each_patient_behind_the_web_server_has_a_limit_of_their_own(assistant: Running) -> None:
    port = assistant.ports.web
    first = [post(port, "127.0.0.2", n) for n in range(PER_ADDRESS + 1)]
    assert first == [200] * PER_ADDRESS + [429]
    assert post(port, "127.0.0.3", 0) == 200, "another patient is not held back by the first"


def test_a_forged_forwarded_header_does_not_change_a_clients_address(assistant: Running) -> None:
    port = assistant.ports.rasa
    forged = [
        post(port, "127.0.0.4", n, {"Forwarded": f'for="10.0.0.{n}";secret="guess"'}) for n in range(PER_ADDRESS + 1)
    ]
    assert forged == [200] * PER_ADDRESS + [429]
