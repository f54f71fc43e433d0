"""One running assistant (action server, Rasa server, web server) shared by the end-to-end tests.

Tests that need the servers started differently (without the action server, with other rate
limits, several servers) start their own with `ops.launcher.running_assistant`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from knowledge import settings
from ops.launcher import Running, running_assistant
from ops.settings import Ports
from tools.rest_client import free_port

LOGS = settings.REPO_ROOT / "results" / "e2e-logs"


@pytest.fixture(scope="session")
def assistant() -> Iterator[Running]:
    """The whole assistant, started once for the session; its logs are in results/e2e-logs/."""
    ports = Ports(rasa=free_port(), actions=free_port(), web=free_port())
    with running_assistant(ports, log_dir=LOGS, with_web=True) as running:
        yield running


@pytest.fixture(scope="session")
def rasa_url(assistant: Running) -> str:
    """Base URL of the shared Rasa server (its REST channel is at /webhooks/rest/webhook)."""
    return assistant.rasa_url


@pytest.fixture(scope="session")
def web_url(assistant: Running) -> str:
    """Base URL of the shared web server (widget demo page and kiosk)."""
    return assistant.web_url
