"""Starts the action server, the Rasa server and the web server, waits until they answer, and stops them together.

`python -m ops.launcher` runs all three until Ctrl-C (behind `make run`); `--shell` chats in the
terminal instead of serving; tests and the evaluation use `running_assistant()`, which starts the
web server (widget demo page and kiosk) only when asked.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ops import settings
from ops.credentials import enabled_platforms, half_configured, write_credentials
from ops.endpoints import store_defaults, write_endpoints
from ops.paths import CREDENTIALS, ROOT, VAR
from ops.settings import Ports
from ops.training import model_path

# Written at every start from CREDENTIALS plus the messaging platforms whose variables are set.
EFFECTIVE_CREDENTIALS = VAR / "credentials.yml"
START_TIMEOUT_S = 180.0
# How long a server may take to stop after SIGTERM before it is killed.
STOP_GRACE_S = 10.0
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def server_environment(ports: Ports, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment both servers run with: this process's, then `extra`, then what the launcher sets."""
    env = {**os.environ, **(extra or {})}
    env.update(store_defaults(env))
    env.update(
        # In a container the action server is another host (ACTION_SERVER_URL, e.g. http://actions:5055).
        ACTION_ENDPOINT_URL=f"{(env.get('ACTION_SERVER_URL', '').strip() or ports.actions_url).rstrip('/')}/webhook",
        SANIC_HOST=ports.host,
        RASA_TELEMETRY_ENABLED="false",
        # Sanic refuses bodies over this many bytes with 413 before Rasa reads them.
        SANIC_REQUEST_MAX_SIZE=env.get("SANIC_REQUEST_MAX_SIZE", "65536"),
        # The web server signs the patient's address with this; Rasa's Sanic trusts only signed ones.
        SANIC_FORWARDED_SECRET=env.get("SANIC_FORWARDED_SECRET", "").strip() or secrets.token_urlsafe(24),
        TF_CPP_MIN_LOG_LEVEL=env.get("TF_CPP_MIN_LOG_LEVEL", "2"),
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    )
    return env


def action_server_command(ports: Ports) -> list[str]:
    """The command that starts the action server."""
    return [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(ports.actions)]


def api_arguments(env: Mapping[str, str]) -> list[str]:
    """Rasa's HTTP API switches: none unless `RASA_ENABLE_API` is on, and then never without a token.

    Raises:
        RuntimeError: the API is asked for but `RASA_AUTH_TOKEN` is empty.
    """
    if env.get("RASA_ENABLE_API", "").strip().lower() not in TRUE_WORDS:
        return []
    token = env.get("RASA_AUTH_TOKEN", "").strip()
    if not token:
        raise RuntimeError("RASA_ENABLE_API is on but RASA_AUTH_TOKEN is empty: the API would be open to anyone")
    return ["--enable-api", "--auth-token", token]


def rasa_command(
    ports: Ports, model: Path, terminal_chat: bool = False, env: Mapping[str, str] | None = None
) -> list[str]:
    """The command that starts the Rasa server (or the terminal chat) with the stores `env` chooses.

    Raises:
        RuntimeError: the HTTP API is asked for without a token.
    """
    env = os.environ if env is None else env
    common = ["--model", str(model), "--endpoints", str(write_endpoints(env))]
    if terminal_chat:
        return [sys.executable, "-m", "bot", "shell", *common]
    return [
        sys.executable, "-m", "bot", "run", *common,
        "--credentials", str(EFFECTIVE_CREDENTIALS), "--interface", ports.host, "--port", str(ports.rasa),
        *api_arguments(env),
    ]  # fmt: skip


def web_command() -> list[str]:
    """The command that starts the web server (it reads its settings from the environment)."""
    return [sys.executable, "-m", "webapp"]


def web_environment(ports: Ports, env: dict[str, str]) -> dict[str, str]:
    """The web server's environment: where it listens and the Rasa server it proxies to."""
    return {**env, "WEB_PORT": str(ports.web), "BIND_HOST": ports.host, "RASA_URL": ports.rasa_url}


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Poll `url` until it answers 200.

    Raises:
        RuntimeError: the process ended or the timeout passed first.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} did not start: the process exited with code {process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
            if response.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout_s:.0f} s")


@dataclass(frozen=True)
class Running:
    """The servers of a running assistant: where they listen and their process ids."""

    ports: Ports
    pids: dict[str, int]
    env: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server."""
        return self.ports.rasa_url

    @property
    def web_url(self) -> str:
        """Base URL of the web server (widget demo page and kiosk)."""
        return self.ports.web_url


@contextlib.contextmanager
def running_assistant(
    ports: Ports,
    log_dir: Path | None = None,
    with_actions: bool = True,
    with_web: bool = False,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[Running]:
    """Run the servers for the duration of the block; they are stopped on exit.

    Args:
        ports: where each server listens.
        log_dir: a folder for one log file per server; None lets them write to this terminal.
        with_actions: start the action server (False runs the Rasa server alone).
        with_web: also start the web server with the widget demo page and the kiosk.
        extra_env: added to this process's environment for the servers (stores, limits, API).
    """
    model = model_path()
    if not model.exists():
        raise RuntimeError(f"no trained model at {model}: run `make train` first")
    env = server_environment(ports, extra_env)
    write_credentials(CREDENTIALS, EFFECTIVE_CREDENTIALS, env)
    command = rasa_command(ports, model, env=env)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        if with_actions:
            processes["actions"] = start_process(action_server_command(ports), env, log_dir, "actions")
        processes["rasa"] = start_process(command, env, log_dir, "rasa")
        if with_web:
            processes["web"] = start_process(web_command(), web_environment(ports, env), log_dir, "web")
            wait_until_up(f"{ports.web_url}/healthz", processes["web"], START_TIMEOUT_S)
        if with_actions:
            wait_until_up(f"{ports.actions_url}/health", processes["actions"], START_TIMEOUT_S)
        wait_until_up(f"{ports.rasa_url}/", processes["rasa"], START_TIMEOUT_S)
        yield Running(ports, {name: process.pid for name, process in processes.items()}, env)
    finally:
        stop_processes(processes.values())


def start_process(
    command: Sequence[str], env: dict[str, str], log_dir: Path | None, name: str, cwd: Path = ROOT
) -> subprocess.Popen[bytes]:
    """Start a server in a process group of its own, logging to `log_dir/<name>.log` when given."""
    if log_dir is None:
        return subprocess.Popen(command, env=env, cwd=cwd, start_new_session=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / f"{name}.log").open("wb") as log:
        return subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_processes(processes: Iterable[subprocess.Popen[bytes]], grace_s: float = STOP_GRACE_S) -> None:
    """Stop servers and their children together: SIGTERM to each, then SIGKILL to any left after `grace_s`.

    All get the signal at once, so stopping takes at most `grace_s` (plus a moment), however many
    there are; a second Ctrl-C meanwhile does not leave any running.
    """
    running = [p for p in processes if p.poll() is None]
    if not running:
        return
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main_thread else None
    try:
        for process in running:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
    finally:
        if in_main_thread:
            signal.signal(signal.SIGINT, previous)


def stop_process(process: subprocess.Popen[bytes], grace_s: float = STOP_GRACE_S) -> None:
    """Stop one server and its children (see `stop_processes`)."""
    stop_processes([process], grace_s)


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until Ctrl-C, or chat in the terminal with `--shell`."""
    parser = argparse.ArgumentParser(prog="python -m ops.launcher", description=__doc__)
    parser.add_argument("--shell", action="store_true", help="chat in this terminal")
    parser.add_argument(
        "--only", choices=["rasa", "actions"], help="run one server in the foreground (one per container)"
    )
    args = parser.parse_args(argv)
    ports = settings.current().ports
    # Ctrl-C must stop everything even when this process was started with SIGINT ignored (as a
    # shell does for a background job, and every child then inherits); SIGTERM stops it the same way.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if args.shell:
            return _shell(ports)
        if args.only:
            return serve_one(args.only, ports)
        with running_assistant(ports, with_web=True):
            print(
                "\nThe assistant is running. Press Ctrl-C to stop it.\n"
                f"  website widget:    {ports.web_url}/\n"
                f"  clinic kiosk:      {ports.web_url}/kiosk\n"
                f"  REST channel:      {ports.rasa_url}/webhooks/rest/webhook\n"
                f"  socket.io channel: {ports.rasa_url}/socket.io\n"
                f"  action server:     {ports.actions_url}/webhook\n" + _platform_lines(ports),
                flush=True,
            )
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("\nstopped")
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _platform_lines(ports: Ports) -> str:
    lines = [f"  {p.title + ':':<18} {ports.rasa_url}{p.webhook_path}\n" for p in enabled_platforms()]
    lines += [f"  {title} is off: {', '.join(missing)} not set\n" for title, missing in half_configured().items()]
    return "".join(lines)


def serve_one(which: str, ports: Ports) -> int:
    """Run only the Rasa server or only the action server until it exits or this process is stopped.

    Raises:
        RuntimeError: the Rasa server is asked for without a model, or with the API but no token.
    """
    env = server_environment(ports)
    if which == "rasa":
        model = model_path()
        if not model.exists():
            raise RuntimeError(f"no trained model at {model}: run `make train` first")
        write_credentials(CREDENTIALS, EFFECTIVE_CREDENTIALS, env)
        command = rasa_command(ports, model, env=env)
    else:
        command = action_server_command(ports)
    process = start_process(command, env, None, which)
    try:
        return process.wait()
    finally:
        stop_process(process)


def _shell(ports: Ports) -> int:
    env = server_environment(ports)
    command = rasa_command(ports, model_path(), terminal_chat=True, env=env)
    actions = start_process(action_server_command(ports), env, None, "actions")
    try:
        wait_until_up(f"{ports.actions_url}/health", actions, START_TIMEOUT_S)
        return subprocess.run(command, env=env, cwd=ROOT).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        stop_process(actions)


if __name__ == "__main__":
    sys.exit(main())
