# shellcheck shell=bash
# tests/clients/lib.sh: what the client test scripts share (sourced by run.sh, celery/run.sh,
# rq/run.sh; never run alone).
#
# Owns finding a free port and starting / stopping one server under test: persistence off,
# bound to 127.0.0.1, in the caller's temp dir, every wait bounded. Knows nothing of what the
# callers test. The caller sets LIB_NAME (the prefix of its messages) before using it.
#
# SPDX-License-Identifier: BSD-3-Clause

# A port in 20000-60000 that nothing listens on (never 6379).
lib_free_port() {
    local p
    for _ in $(seq 100); do
        p=$(shuf -i 20000-60000 -n 1)
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    echo "${LIB_NAME:-clients}: no free port found" >&2
    return 1
}

# lib_server_start BIN DIR LOG: starts BIN on a free port with its files in DIR and its output
# in LOG; sets LIB_PORT and LIB_PID once it answers PING. Tries another port when something took
# the chosen one first (the 20000-60000 range overlaps the kernel's ephemeral ports). Exits the
# caller with the log's tail when the server does not come up.
lib_server_start() {
    local bin=$1 dir=$2 log=$3
    for _ in 1 2 3; do
        LIB_PORT=$(lib_free_port)
        "$bin" --port "$LIB_PORT" --bind 127.0.0.1 --save '' --appendonly no \
            --daemonize no --dir "$dir" >"$log" 2>&1 &
        LIB_PID=$!
        for _ in $(seq 100); do
            if [ "$(timeout 2 redis-cli -p "$LIB_PORT" ping 2>/dev/null || true)" = PONG ]; then
                return 0
            fi
            kill -0 "$LIB_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$LIB_PID" 2>/dev/null || true
        wait "$LIB_PID" 2>/dev/null || true
        grep -qi 'address already in use' "$log" || break
    done
    echo "${LIB_NAME:-clients}: server failed to start ($bin on port $LIB_PORT); log:" >&2
    tail -n 20 "$log" >&2
    exit 1
}

# lib_server_stop PID: TERM, up to 5 s for a clean exit, then KILL. Empty or dead PID is fine.
lib_server_stop() {
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
