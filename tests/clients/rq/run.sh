#!/usr/bin/env bash
# tests/clients/rq/run.sh: RQ (Debian python3-rq) end to end against kvd.
#
# Starts $KVD_BIN (default ./kvd; /usr/bin/redis-server works too, to validate the test) on a
# free port in a temp dir and one `rq worker --with-scheduler` in its own process group, runs
# driver.py, and kills the worker's group and the server by PID on every exit path. Every wait
# is bounded. Prints "rq: N checks passed"; exits 1 on any failure.
#
# SPDX-License-Identifier: BSD-3-Clause
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
BIN=${KVD_BIN:-$REPO/kvd}
PY=/usr/bin/python3       # the python3 first on PATH may lack Debian's rq

[ -x "$BIN" ] || { echo "rq: server binary '$BIN' not found (set KVD_BIN)" >&2; exit 1; }
"$PY" -c 'import rq, redis' 2>/dev/null ||
    { echo "rq: $PY lacks rq/redis (apt-get install python3-rq python3-redis)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kvd-rq.XXXXXX")
SERVER_PID=""
WORKER_PGID=""

kill_group() {
    local g=$1
    kill -0 -- "-$g" 2>/dev/null || return 0
    kill -TERM -- "-$g" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- "-$g" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL -- "-$g" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 -- "-$g" 2>/dev/null || return 0; sleep 0.1; done
}
cleanup() {
    [ -z "$WORKER_PGID" ] || kill_group "$WORKER_PGID"
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    local p
    for _ in $(seq 100); do
        p=$(shuf -i 20000-60000 -n 1)
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    echo "rq: no free port found" >&2
    return 1
}

PORT=""
for _ in 1 2 3; do
    PORT=$(free_port)
    "$BIN" --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize no --dir "$TMP" >"$TMP/server.log" 2>&1 &
    SERVER_PID=$!
    up=0
    for _ in $(seq 100); do
        if [ "$(timeout 2 redis-cli -p "$PORT" ping 2>/dev/null || true)" = PONG ]; then up=1; break; fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    [ "$up" = 1 ] && break
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    grep -qi 'address already in use' "$TMP/server.log" || break
done
if [ -z "$SERVER_PID" ]; then
    echo "rq: server failed to start ($BIN); log:" >&2
    tail -n 20 "$TMP/server.log" >&2
    exit 1
fi
URL="redis://127.0.0.1:$PORT/0"

# setsid execs in place (a background job of a non-interactive shell is not a group leader),
# so $! is the new group's id; the worker's forked work horses stay in that group
T_START=$(date +%s)
setsid env PYTHONPATH="$HERE" "$PY" /usr/bin/rq worker -u "$URL" --with-scheduler \
    -n "kvd-rq-$$" default >"$TMP/worker.log" 2>&1 </dev/null &
WORKER_PGID=$!

RC=0
env PYTHONPATH="$HERE" RQ_WORKER_PGID="$WORKER_PGID" timeout -k 5 120 "$PY" "$HERE/driver.py" "$URL" ${RQ_BREAK:+--break} \
    | tee "$TMP/checks.out" || RC=1
grep -q '^rq checks: [0-9]* passed, 0 failed$' "$TMP/checks.out" || RC=1
PASSED=$(sed -n 's/^rq checks: \([0-9]*\) passed.*/\1/p' "$TMP/checks.out")
echo "rq: run took $(($(date +%s) - T_START)) s"
if [ "$RC" -ne 0 ]; then
    for f in worker server; do echo "--- tail of $f.log ---"; tail -n 30 "$TMP/$f.log"; done
    echo "rq: FAILED (${PASSED:-0} checks passed)"
    exit 1
fi
echo "rq: ${PASSED} checks passed"
