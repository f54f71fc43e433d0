"""docker-compose.yml and the Helm values agree with the tested configuration and the README.

They cannot be run here, so this reads them: the same commands (which the launcher serves),
the same ports, only variables the code or its servers read and the README documents, and
the stores a scaled-out Rasa needs.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge import settings
from ops.endpoints import effective_endpoints
from ops.launcher import START_TIMEOUT_S, wait_until_up
from tools.rest_client import free_port

ROOT = settings.REPO_ROOT
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
HELM = yaml.safe_load((ROOT / "deploy" / "helm" / "values.yml").read_text())
APP_SERVICES = {"kb", "actions", "rasa", "web", "retention"}
RASA_COMMAND = ["python", "-m", "ops.launcher", "--only", "rasa"]
ACTIONS_COMMAND = ["python", "-m", "ops.launcher", "--only", "actions"]
# Read by Rasa, Sanic or the web front-end rather than by this repository's Python code.
READ_ELSEWHERE = {"TICKET_LOCK_LIFETIME", "SANIC_REQUEST_MAX_SIZE", "SANIC_PROXIES_COUNT", "SANIC_REAL_IP_HEADER"}
READ_BY_TESTS = {"CHROMIUM"}  # the Makefile's `browser` target and tests/e2e/browser/browser.py


def documented_settings() -> set[str]:
    text = (ROOT / "README.md").read_text()
    table = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return {
        name
        for line in table.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([A-Z_]+)`", line.split("|")[1])
    }


def code_text() -> str:
    return "\n".join(
        p.read_text() for d in ("bot", "knowledge", "actions", "ops", "webapp") for p in (ROOT / d).rglob("*.py")
    )


def compose_env(service: str) -> dict[str, str]:
    return {k: str(v) for k, v in (COMPOSE["services"][service].get("environment") or {}).items()}


def helm_env(values: dict[str, Any]) -> dict[str, str | None]:
    return {item["name"]: item.get("value") for item in values["extraEnv"]}


def test_compose_has_every_service_of_the_assistant() -> None:
    assert set(COMPOSE["services"]) == {"postgres", "redis", *APP_SERVICES}
    assert all(COMPOSE["services"][s]["build"]["dockerfile"] == "deploy/Dockerfile" for s in APP_SERVICES)
    assert (ROOT / "deploy" / "Dockerfile").exists()


def test_compose_and_helm_run_the_commands_the_launcher_serves() -> None:
    services = COMPOSE["services"]
    assert services["rasa"]["command"] == RASA_COMMAND
    assert services["actions"]["command"] == ACTIONS_COMMAND
    assert services["web"]["command"] == ["python", "-m", "webapp"]
    assert services["kb"]["command"] == ["python", "-m", "knowledge", "build"]
    assert services["retention"]["command"] == ["python", "-m", "ops.retention"]
    assert HELM["command"] + HELM["args"] == RASA_COMMAND
    actions = HELM["rasa-action-server"]
    assert actions["command"] + actions["args"] == ACTIONS_COMMAND


def test_every_variable_given_to_the_app_is_documented_and_read() -> None:
    documented, code = documented_settings(), code_text()
    given = {name for s in APP_SERVICES for name in compose_env(s)}
    given |= set(helm_env(HELM)) | set(helm_env(HELM["rasa-action-server"]))
    assert given <= documented, f"not in the README's Settings table: {sorted(given - documented)}"
    unread = {name for name in documented if name not in code} - READ_ELSEWHERE - READ_BY_TESTS - {"PYTHON"}
    assert not unread, f"documented but read by nothing: {sorted(unread)}"


def test_ports_agree_between_services() -> None:
    rasa, actions, web = compose_env("rasa"), compose_env("actions"), compose_env("web")
    assert COMPOSE["services"]["rasa"]["ports"] == [f"{rasa['RASA_PORT']}:{rasa['RASA_PORT']}"]
    assert rasa["ACTION_SERVER_URL"] == f"http://actions:{actions['ACTION_PORT']}"
    assert COMPOSE["services"]["web"]["ports"] == [f"{web['WEB_PORT']}:{web['WEB_PORT']}"]
    helm_rasa, helm_actions = helm_env(HELM), helm_env(HELM["rasa-action-server"])
    assert helm_rasa["RASA_PORT"] == str(HELM["applicationSettings"]["port"]) == rasa["RASA_PORT"]
    assert helm_actions["ACTION_PORT"] == str(HELM["rasa-action-server"]["applicationSettings"]["port"])
    assert str(helm_rasa["ACTION_SERVER_URL"]).endswith(f":{helm_actions['ACTION_PORT']}")


def test_scaled_out_rasa_gets_shared_stores_and_never_an_open_api() -> None:
    for env, replicas in ((compose_env("rasa"), 1), (helm_env(HELM), HELM["replicaCount"])):
        config = effective_endpoints({k: v or "from-a-secret" for k, v in env.items()})
        assert config["tracker_store"]["type"] == "sql"
        assert config["lock_store"]["type"] == "bot.lockstore.AtomicRedisLockStore"
        assert env["RASA_ENABLE_API"] == "false"
        assert replicas >= 1
    assert compose_env("rasa")["TRACKER_STORE_URL"].endswith("@postgres:5432/rasa")
    assert compose_env("rasa")["REDIS_HOST"] == "redis"
    assert HELM["applicationSettings"]["enableAPI"] is False
    assert HELM["replicaCount"] >= 2


def test_several_rasa_replicas_behind_the_ingress_keep_socketio_sticky() -> None:
    annotations = HELM["ingress"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert "SANIC_PROXIES_COUNT" in helm_env(HELM), "the rate limit must see the client, not the proxy"


def test_compose_ships_the_tested_defaults() -> None:
    rasa = compose_env("rasa")
    assert rasa["RATE_LIMIT_PER_SENDER"] == "30"
    assert rasa["RATE_LIMIT_PER_ADDRESS"] == "300"
    assert rasa["REPLY_TIMEOUT_S"] == "30"
    assert rasa["SANIC_REQUEST_MAX_SIZE"] == "65536"
    assert int(rasa["REPLY_TIMEOUT_S"]) < int(rasa["TICKET_LOCK_LIFETIME"]), "a patient waits less than a lock lives"


def test_the_action_server_command_of_the_containers_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "ACTION_PORT": str(port), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, *ACTIONS_COMMAND[1:]],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", process, START_TIMEOUT_S)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
            assert response.status == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
