#!/usr/bin/env bash
# tests/clients/celery/run.sh: Celery (Debian python3-celery) end to end with kvd as broker
# and result backend.
#
# Starts $KVD_BIN (default ./kvd; /usr/bin/redis-server works too, to validate the test) on a
# free port in a temp dir, a prefork worker (concurrency 2) and celery beat, each in its own
# process group, then runs driver.py's checks and its 2,000-task benchmark. Unless
# CELERY_COMPARE=0, the same benchmark then runs against redis-server ($REDIS_SERVER) started
# the same way, and both tasks/s figures are printed. Every process group started here (and
# the acks_late worker driver.py starts, via $TMP/pgids) is killed on every exit path; every
# wait is bounded. Start at the "phases" section.
# Prints "celery: N checks passed"; exits 1 on any failure.
#
# SPDX-License-Identifier: BSD-3-Clause
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
BIN=${KVD_BIN:-$REPO/kvd}
REF=${REDIS_SERVER:-/usr/bin/redis-server}
PY=/usr/bin/python3       # the python3 first on PATH may lack Debian's celery
COMPARE=${CELERY_COMPARE:-1}

[ -x "$BIN" ] || { echo "celery: server binary '$BIN' not found (set KVD_BIN)" >&2; exit 1; }
"$PY" -c 'import celery, redis' 2>/dev/null ||
    { echo "celery: $PY lacks celery/redis (apt-get install python3-celery python3-redis)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kvd-celery.XXXXXX")
mkdir -p "$TMP/pgids"
SERVER_PID=""
SAN_FAILED=0
# shellcheck source=tests/clients/lib.sh
. "$REPO/tests/clients/lib.sh"
LIB_NAME=celery

# Kills one process group: TERM, up to 5 s to go, then KILL.
kill_group() {
    local g=$1
    if ! kill -0 -- "-$g" 2>/dev/null; then
        # the leader may not have made its group yet (timeout does so just after starting)
        kill -TERM "$g" 2>/dev/null || true
        return 0
    fi
    kill -TERM -- "-$g" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- "-$g" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL -- "-$g" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 -- "-$g" 2>/dev/null || return 0; sleep 0.1; done
}
stop_all() {
    local f
    for f in "$TMP"/pgids/*; do
        [ -e "$f" ] || continue
        kill_group "$(cat "$f")"
        rm -f "$f"
    done
    lib_server_stop "$SERVER_PID"
    SERVER_PID=""
    # a sanitizer build reports at exit: that is a failure even if every check passed
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$TMP/server.log" 2>/dev/null; then
        grep -E -A 12 'AddressSanitizer|LeakSanitizer|runtime error:' "$TMP/server.log" | head -n 40
        SAN_FAILED=1
    fi
}
cleanup() {
    stop_all
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server BINARY NAME: sets PORT and SERVER_PID once the server answers PING.
start_server() {
    lib_server_start "$1" "$TMP" "$TMP/$2.log"
    PORT=$LIB_PORT
    SERVER_PID=$LIB_PID
}

# spawn NAME CMD...: runs CMD in a new process group (setsid execs in place, as a background
# job of a non-interactive shell is never a group leader), output to $TMP/NAME.log.
spawn() {
    local name=$1
    shift
    setsid "$@" >"$TMP/$name.log" 2>&1 </dev/null &
    echo $! >"$TMP/pgids/$name"
}

# setsid execs a program, not a bash function: each start spells the command out
start_worker() {
    spawn worker env PYTHONPATH="$HERE" CELERY_TEST_URL="redis://127.0.0.1:$PORT" \
        "$PY" -m celery -A kvd_tasks worker -c 2 -P prefork -n main@%h -l INFO
}
start_beat() {
    spawn beat env PYTHONPATH="$HERE" CELERY_TEST_URL="redis://127.0.0.1:$PORT" \
        "$PY" -m celery -A kvd_tasks beat -l INFO -s "$TMP/beat-schedule" --pidfile=
}
# run_driver OUT SECONDS ARGS...: driver.py under `timeout` (which leads its own process
# group, so kill_group reaches the driver and anything it runs), in the background so that a
# signal to this script is acted on at once rather than after the driver; the output streams
# to stdout and is kept in OUT.
run_driver() {
    local out=$1 secs=$2 rc=0 pid
    shift 2
    env PYTHONPATH="$HERE" CELERY_TEST_URL="redis://127.0.0.1:$PORT" \
        timeout -k 5 "$secs" "$PY" "$HERE/driver.py" "$@" >"$out" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$TMP/pgids/driver"
    tail -n +1 -s 0.1 -f --pid="$pid" "$out" &
    wait "$pid" || rc=$?
    wait $! || true
    rm -f "$TMP/pgids/driver"
    return $rc
}
show_logs() {
    local f
    for f in "$TMP"/*.log; do
        echo "--- tail of $(basename "$f") ---"
        tail -n 25 "$f"
    done
}

# ---- phases ------------------------------------------------------------------------------

RC=0
T_START=$(date +%s)
start_server "$BIN" server
start_worker
start_beat
run_driver "$TMP/checks.out" 240 checks "$TMP" ${CELERY_BREAK:+--break} || RC=1
grep -q '^celery checks: [0-9]* passed, 0 failed$' "$TMP/checks.out" || RC=1
run_driver "$TMP/bench.out" 200 bench "$(basename "$BIN")" "$TMP" || RC=1
[ "$RC" -eq 0 ] || show_logs
stop_all

if [ "$COMPARE" = 1 ] && [ -x "$REF" ] && [ "$(readlink -f "$REF")" != "$(readlink -f "$BIN")" ]; then
    start_server "$REF" reference
    start_worker
    run_driver "$TMP/bench-ref.out" 200 bench "$(basename "$REF")" "$TMP" || RC=1
    stop_all
fi

[ "$SAN_FAILED" -eq 0 ] || RC=1
PASSED=$(sed -n 's/^celery checks: \([0-9]*\) passed.*/\1/p' "$TMP/checks.out")
echo "celery: run took $(($(date +%s) - T_START)) s"
if [ "$RC" -ne 0 ]; then
    echo "celery: FAILED (${PASSED:-0} checks passed)"
    exit 1
fi
echo "celery: ${PASSED} checks passed"
