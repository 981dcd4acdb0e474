#!/usr/bin/env bash
# Real PostgreSQL 15 and Redis servers for tests and local runs, on loopback only.
#
#   scripts/services.sh start   # idempotent: starts whatever is not running yet
#   scripts/services.sh stop    # stops both (idempotent)
#   scripts/services.sh env     # prints ASTRATRADE_PG_URL=... and ASTRATRADE_REDIS_URL=...
#   scripts/services.sh status  # exit status 0 when both servers are running
#   eval "$(scripts/services.sh env)"; export ASTRATRADE_PG_URL ASTRATRADE_REDIS_URL
#
# State lives in $ASTRATRADE_SERVICES_DIR (default: .cache/services/ of this checkout).
# Ports: $ASTRATRADE_PG_PORT (55432) and $ASTRATRADE_REDIS_PORT (56379), bound to 127.0.0.1.
# PostgreSQL refuses to run as root, so when run as root the server runs as `postgres`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${ASTRATRADE_SERVICES_DIR:-$ROOT/.cache/services}"
PG_PORT="${ASTRATRADE_PG_PORT:-55432}"
REDIS_PORT="${ASTRATRADE_REDIS_PORT:-56379}"
PG_BIN="${ASTRATRADE_PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_DATA="$DIR/pg/data"
PG_SOCK="$DIR/pg/sock"
REDIS_DIR="$DIR/redis"
PG_USER=astratrade
PG_DB=astratrade

# Run a command as the PostgreSQL owner (root may not run the server).
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_running() {
    [ -f "$PG_DATA/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

start_pg() {
    mkdir -p "$DIR/pg"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR/pg"; chmod 700 "$DIR/pg"; fi
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        rm -rf "$PG_DATA"
        as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --auth=trust -E UTF8 \
            --no-sync >"$DIR/pg/initdb.log" 2>&1 \
            || { cat "$DIR/pg/initdb.log" >&2; exit 1; }
        as_pg mkdir -p "$PG_SOCK"
    fi
    if pg_running; then return 0; fi
    # Loopback only; fsync stays on (the store's durability claims are about the real thing).
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$DIR/pg/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_SOCK -c max_connections=200" \
        start >/dev/null \
        || { tail -n 30 "$DIR/pg/server.log" >&2; exit 1; }
    if ! as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
        as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
    fi
}

stop_pg() {
    if pg_running; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null
    fi
}

ensure_redis() {
    if command -v redis-server >/dev/null 2>&1; then return 0; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq redis-server >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null && apt-get install -y -qq redis-server >/dev/null; }
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
    *) echo "usage: $0 start|stop|env|status" >&2; exit 2 ;;
esac
