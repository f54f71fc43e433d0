#!/usr/bin/env bash
# Run a command beside throwaway PostgreSQL and Redis servers on 127.0.0.1, stopped after.
#
#   scripts/with-services.sh .venv/bin/python -m pytest
#
# Installs the Debian packages `postgresql` and `redis-server` when they are missing (as root),
# makes a new database cluster and a Redis without persistence in a fresh folder under $TMPDIR
# (/tmp), not under the checkout: a clone in a private folder (mode 0700, like /root) is out of
# reach of the `postgres` user that runs the cluster when we are root. It then
# exports where they listen (TEST_DATABASE_URL, TEST_TRACKER_STORE_URL, TEST_REDIS_HOST,
# TEST_REDIS_PORT) plus how to stop and start them again (the fault tests do), and
# REQUIRE_SERVICES=1 so that tests needing them fail instead of skipping.
set -euo pipefail


pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [[ -z "$(pg_bin)" ]] || ! command -v redis-server >/dev/null; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "error: PostgreSQL and Redis are needed: apt-get install -y postgresql redis-server" >&2
        exit 1
    fi
    echo "installing postgresql and redis-server (Debian packages)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
fi
bin=$(pg_bin)

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

base=$(mktemp -d "${TMPDIR:-/tmp}/vertebroplasty-services.XXXXXX")
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user.
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
    chown postgres "$base"
    as_pg=(runuser -u postgres --)
fi

# Says which service failed and shows its log, before the folder (and the log) goes.
failed() {
    local service=$1 log=$2
    echo "error: $service did not start; its log ($log) follows" >&2
    cat "$log" >&2 2>/dev/null || echo "(no log was written)" >&2
    exit 1
}
pg_port=$(free_port)
redis_port=$(free_port)
pg_data="$base/pg"

cleanup() {
    "${as_pg[@]}" "$bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    rm -rf "$base"
}
trap cleanup EXIT

"${as_pg[@]}" "$bin/initdb" -D "$pg_data" -U postgres -A trust --no-sync >"$base/initdb.log" 2>&1 ||
    failed "PostgreSQL (initdb)" "$base/initdb.log"
pg_options="-p $pg_port -k $base -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
pg_start=("${as_pg[@]}" "$bin/pg_ctl" -D "$pg_data" -o "$pg_options" -l "$base/pg.log" -w start)
"${pg_start[@]}" >/dev/null || failed "PostgreSQL" "$base/pg.log"
for db in knowledge rasa; do
    "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$db" || failed "PostgreSQL (createdb $db)" "$base/pg.log"
done
redis_start=(redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no
    --daemonize yes --logfile "$base/redis.log" --dir "$base")
"${redis_start[@]}" || failed "Redis" "$base/redis.log"
redis_up=no
for _ in $(seq 50); do
    redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && redis_up=yes && break
    sleep 0.1
done
[[ $redis_up == yes ]] || failed "Redis" "$base/redis.log"

export REQUIRE_SERVICES=1
export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/knowledge"
export TEST_TRACKER_STORE_URL="postgresql://postgres@127.0.0.1:$pg_port/rasa"
export TEST_REDIS_HOST=127.0.0.1 TEST_REDIS_PORT="$redis_port"
# Shell commands the fault tests run to stop and start the servers again.
export TEST_PG_STOP="${as_pg[*]} $bin/pg_ctl -D $pg_data -m fast -w stop"
export TEST_PG_START="${pg_start[*]@Q}"
export TEST_REDIS_STOP="redis-cli -h 127.0.0.1 -p $redis_port shutdown nosave"
export TEST_REDIS_START="${redis_start[*]@Q}"

echo "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port (stopped when done)" >&2
set +e
"$@"
status=$?
exit $status
