"""`make run`'s launcher: prints where it listens, answers, and stops all three servers on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from knowledge import settings
from tools.rest_client import free_port, send

pytestmark = pytest.mark.e2e


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_the_launcher_serves_until_ctrl_c_then_stops_everything() -> None:
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    env = dict(os.environ, RASA_PORT=str(rasa_port), ACTION_PORT=str(action_port), WEB_PORT=str(web_port))
    launcher = subprocess.Popen(
        [sys.executable, "-m", "ops.launcher"],
        cwd=settings.REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        # As a shell starts a background job, and as CI may start the suite: Ctrl-C still stops it all.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        banner = []
        assert launcher.stdout is not None
        for line in launcher.stdout:
            banner.append(line)
            if "Press Ctrl-C" in line:
                break
        urls = "".join(banner) + "".join(launcher.stdout.readline() for _ in range(5))
        assert f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook" in urls
        assert f"http://127.0.0.1:{web_port}/\n" in urls
        assert f"http://127.0.0.1:{web_port}/kiosk\n" in urls
        assert listening(web_port)
        assert (
            send(f"http://127.0.0.1:{rasa_port}", "launcher-test", "what is kyphoplasty").kb_entry == "alt_kyphoplasty"
        )

        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        ports = (rasa_port, action_port, web_port)
        while any(listening(port) for port in ports) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(listening(port) for port in ports)
    finally:
        if launcher.poll() is None:
            # SIGTERM first: the launcher then stops its servers, so a failed run leaves none behind.
            launcher.terminate()
            try:
                launcher.wait(timeout=20)
            except subprocess.TimeoutExpired:
                launcher.kill()
                launcher.wait()
        if launcher.stdout is not None:
            launcher.stdout.close()
