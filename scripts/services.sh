#!/usr/bin/env bash
# Real PostgreSQL and Redis servers for tests and local runs, on loopback only.
#
#   scripts/services.sh start   # idempotent: installs and starts whatever is missing
#   scripts/services.sh stop    # stops both (idempotent)
#   scripts/services.sh env     # prints ASTRATRADE_PG_URL=... and ASTRATRADE_REDIS_URL=...
#   scripts/services.sh status  # exit status 0 when both servers are running
#   scripts/services.sh where   # prints where each server keeps its state
#   scripts/services.sh purge   # stops both and deletes their state
#   eval "$(scripts/services.sh env)"; export ASTRATRADE_PG_URL ASTRATRADE_REDIS_URL
#
# State lives in $ASTRATRADE_SERVICES_DIR (default: .cache/services/ of this checkout), except
# PostgreSQL's when run as root: PostgreSQL refuses to run as root, so the server runs as the
# `postgres` user, which cannot reach a checkout inside a private (0700) directory such as a
# home directory or a fresh `mktemp -d`.  Its data then lives in a directory owned by
# `postgres` outside the checkout, /var/lib/astratrade-services/pg-<hash of the state dir>
# ($ASTRATRADE_PG_HOME overrides it), one per checkout (or state directory).  A non-root user
# runs the server as itself, inside the state directory.
#
# Ports: $ASTRATRADE_PG_PORT (55432) and $ASTRATRADE_REDIS_PORT (56379), bound to 127.0.0.1.
# PostgreSQL: $ASTRATRADE_PG_BIN, else the newest version under /usr/lib/postgresql (or
# $ASTRATRADE_PG_LIB), else `pg_config --bindir`; when none is installed, Debian's `postgresql`
# package is (as `redis-server` is for Redis), without creating or starting Debian's own
# cluster.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$(realpath -m "${ASTRATRADE_SERVICES_DIR:-$ROOT/.cache/services}")"
PG_PORT="${ASTRATRADE_PG_PORT:-55432}"
REDIS_PORT="${ASTRATRADE_REDIS_PORT:-56379}"
REDIS_DIR="$DIR/redis"
PG_USER=astratrade
PG_DB=astratrade

is_root() { [ "$(id -u)" = 0 ]; }

# Where PostgreSQL keeps its state (see the header).  A checkout that already ran a server in
# $DIR/pg before this rule keeps using it, so a running server can still be stopped.
pg_home() {
    if [ -n "${ASTRATRADE_PG_HOME:-}" ]; then
        realpath -m "$ASTRATRADE_PG_HOME"
    elif is_root && [ ! -f "$DIR/pg/data/PG_VERSION" ]; then
        local key
        key="$(printf '%s' "$DIR" | sha256sum | cut -c1-16)"
        echo "/var/lib/astratrade-services/pg-$key"
    else
        echo "$DIR/pg"
    fi
}
PG_HOME="$(pg_home)"
PG_DATA="$PG_HOME/data"
PG_SOCK="$PG_HOME/sock"

# Run a command as the PostgreSQL owner (root may not run the server), from `/`: the current
# directory may be a checkout `postgres` cannot enter (every path here is absolute).
as_pg() {
    if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends \
                "$@" >/dev/null; }
}

# The newest installed PostgreSQL's bin directory (empty when none).
find_pg_bin() {
    if [ -n "${ASTRATRADE_PG_BIN:-}" ]; then echo "$ASTRATRADE_PG_BIN"; return 0; fi
    local found
    found="$(ls -d "${ASTRATRADE_PG_LIB:-/usr/lib/postgresql}"/*/bin 2>/dev/null \
        | sort -V | tail -n 1 || true)"
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; return 0; fi
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
    fi
}

ensure_pg() {
    PG_BIN="$(find_pg_bin)"
    if [ -n "$PG_BIN" ]; then return 0; fi
    is_root || { echo "PostgreSQL is not installed (install the postgresql package)" >&2; exit 1; }
    # Debian's packages create and start a cluster of their own; neither is wanted here.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/astratrade.conf
    local policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
    fi
    apt_install postgresql || { [ -z "$policy" ] || rm -f "$policy"; exit 1; }
    [ -z "$policy" ] || rm -f "$policy"
    PG_BIN="$(find_pg_bin)"
    [ -n "$PG_BIN" ] || { echo "no initdb after installing postgresql" >&2; exit 1; }
}

pg_running() {
    local bin
    bin="$(find_pg_bin)"
    [ -n "$bin" ] && [ -f "$PG_DATA/postmaster.pid" ] \
        && as_pg "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

start_pg() {
    ensure_pg
    if is_root; then
        install -d -o postgres -g postgres -m 700 "$PG_HOME"
    else
        mkdir -p "$PG_HOME"
    fi
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        as_pg rm -rf "$PG_DATA"
        as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --auth=trust -E UTF8 \
            --no-sync >"$PG_HOME/initdb.log" 2>&1 \
            || { cat "$PG_HOME/initdb.log" >&2; exit 1; }
        as_pg mkdir -p "$PG_SOCK"
    fi
    if pg_running; then return 0; fi
    # Loopback only; fsync stays on (the store's durability claims are about the real thing).
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_HOME/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_SOCK -c max_connections=200" \
        start >/dev/null \
        || { tail -n 30 "$PG_HOME/server.log" >&2; exit 1; }
    if ! as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
        as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
    fi
}

stop_pg() {
    if pg_running; then
        as_pg "$(find_pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null
    fi
}

ensure_redis() {
    if command -v redis-server >/dev/null 2>&1; then return 0; fi
    apt_install redis-server
}

redis_pid() {
    local pid
    pid="$(cat "$REDIS_DIR/redis.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}

start_redis() {
    ensure_redis
    mkdir -p "$REDIS_DIR"
    if [ -n "$(redis_pid)" ]; then return 0; fi
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
        --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --dir "$REDIS_DIR" \
        --logfile "$REDIS_DIR/server.log" --save '' --appendonly no
    for _ in $(seq 1 100); do
        if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
            return 0
        fi
        sleep 0.05
    done
    tail -n 30 "$REDIS_DIR/server.log" >&2
    exit 1
}

stop_redis() {
    local pid
    pid="$(redis_pid)"
    if [ -z "$pid" ]; then return 0; fi
    kill "$pid"
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.05
    done
    kill -9 "$pid" 2>/dev/null || true
}

print_env() {
    echo "ASTRATRADE_PG_URL=postgresql://$PG_USER@127.0.0.1:$PG_PORT/$PG_DB"
    echo "ASTRATRADE_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

case "${1:-}" in
    start) start_pg; start_redis ;;
    stop) stop_redis; stop_pg ;;
    env) print_env ;;
    status) pg_running && [ -n "$(redis_pid)" ] ;;
    where) echo "postgresql-bin $(find_pg_bin)"; echo "postgresql $PG_HOME"
           echo "redis $REDIS_DIR" ;;
    purge) stop_redis; stop_pg; rm -rf "$PG_HOME" "$REDIS_DIR" ;;
    *) echo "usage: $0 start|stop|env|status|where|purge" >&2; exit 2 ;;
esac
