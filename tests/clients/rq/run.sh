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
# shellcheck source=tests/clients/lib.sh
. "$REPO/tests/clients/lib.sh"
LIB_NAME=rq

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
    lib_server_stop "$SERVER_PID"
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lib_server_start "$BIN" "$TMP" "$TMP/server.log"
PORT=$LIB_PORT
SERVER_PID=$LIB_PID
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
