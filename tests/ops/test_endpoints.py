from __future__ import annotations

import pytest
import yaml

from ops.endpoints import effective_endpoints, write_endpoints
from ops.launcher import api_arguments, rasa_command, server_environment
from ops.settings import Ports
from ops.training import ROOT


def test_without_store_variables_rasa_keeps_its_in_memory_stores() -> None:
    config = effective_endpoints({})
    assert "tracker_store" not in config
    assert "lock_store" not in config
    assert config["action_endpoint"] == {"url": "${ACTION_ENDPOINT_URL}"}


def test_an_empty_variable_counts_as_unset() -> None:
    assert "tracker_store" not in effective_endpoints({"TRACKER_STORE_URL": " ", "REDIS_HOST": ""})


def test_a_tracker_store_url_chooses_the_sql_tracker_store_by_reference() -> None:
    config = effective_endpoints({"TRACKER_STORE_URL": "postgresql://rasa:secret@db:5432/rasa"})
    assert config["tracker_store"] == {"type": "sql", "url": "${TRACKER_STORE_URL}"}


def test_a_redis_host_chooses_the_redis_lock_store_and_never_writes_the_password() -> None:
    env = {"REDIS_HOST": "redis", "REDIS_PASSWORD": "secret"}
    path = write_endpoints(env)
    text = path.read_text()
    assert "secret" not in text
    assert yaml.safe_load(text)["lock_store"] == {
        "type": "bot.lockstore.AtomicRedisLockStore",
        "url": "${REDIS_HOST}",
        "port": "${REDIS_PORT}",
        "db": "${REDIS_DB}",
        "password": "${REDIS_PASSWORD}",
    }
    assert path.is_relative_to(ROOT / "build")


def test_the_server_environment_fills_the_redis_defaults_the_file_refers_to() -> None:
    env = server_environment(Ports(), {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": ""})
    assert (env["REDIS_PORT"], env["REDIS_DB"]) == ("6379", "1")


def test_the_http_api_is_off_unless_asked_for() -> None:
    assert api_arguments({}) == []
    assert "--enable-api" not in rasa_command(Ports(), ROOT / "model.tar.gz", env={"RASA_AUTH_TOKEN": "t"})


def test_the_http_api_is_never_enabled_without_a_token() -> None:
    with pytest.raises(RuntimeError, match="RASA_AUTH_TOKEN"):
        api_arguments({"RASA_ENABLE_API": "true", "RASA_AUTH_TOKEN": " "})
    assert api_arguments({"RASA_ENABLE_API": "1", "RASA_AUTH_TOKEN": "t0k"}) == ["--enable-api", "--auth-token", "t0k"]
