"""The throwaway PostgreSQL and Redis servers that `scripts/with-services.sh` starts for the tests.

Tests that need them read where they listen from the environment the script exports. Run
without the script (plain `pytest`), such a test is skipped; under the script
(`REQUIRE_SERVICES=1`, which `make test` sets) a missing server is a failure.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


def setting(name: str) -> str:
    """A variable the services script exports; skip (or fail under the script) when it is missing."""
    value = os.environ.get(name, "")
    if not value:
        message = f"{name} is not set: run the tests through scripts/with-services.sh (make pytest)"
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)
    return value


@contextlib.contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test or module; dropped afterwards."""
    base = make_url(setting("TEST_DATABASE_URL"))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    # No pool: the fault tests restart the server in between.
    admin = create_engine(base.set(database="postgres"), future=True, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(base.set(database=name))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def redis_settings() -> dict[str, str]:
    """The lock-store variables of the launcher, pointing at the test Redis."""
    return {"REDIS_HOST": setting("TEST_REDIS_HOST"), "REDIS_PORT": setting("TEST_REDIS_PORT")}


def _run(variable: str) -> None:
    subprocess.run(shlex.split(setting(variable)), check=True, capture_output=True, timeout=60)


def stop_postgres() -> None:
    """Stop the test PostgreSQL server (fast shutdown: open connections are cut)."""
    _run("TEST_PG_STOP")


def start_postgres() -> None:
    """Start the test PostgreSQL server again and wait until it accepts connections."""
    _run("TEST_PG_START")


def stop_redis() -> None:
    """Stop the test Redis server."""
    _run("TEST_REDIS_STOP")


def start_redis() -> None:
    """Start the test Redis server again and wait until it answers."""
    _run("TEST_REDIS_START")
    client = redis.Redis(host=setting("TEST_REDIS_HOST"), port=int(setting("TEST_REDIS_PORT")))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(redis.exceptions.ConnectionError):
            if client.ping():
                return
        time.sleep(0.1)
    raise RuntimeError("redis did not come back within 10 s")
