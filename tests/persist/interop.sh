#!/usr/bin/env bash
# tests/persist/interop.sh: RDB files both ways between kvd's storage/rdb and redis-server 7.0.
#   (a) build/tools/rdbtool writes a keyspace with every type/encoding; redis-check-rdb must
#       accept it; a real redis-server started on it must hold exactly the same data (type,
#       encoding, TTL, value), and kvd's own loader must read it back identically;
#   (b) a real redis-server filled with every type/encoding (compressed list nodes included)
#       SAVEs with rdbcompression yes and no, and with rdbchecksum no; kvd's loader must read
#       each file into exactly what the server holds; then a stream with a consumer group
#       makes kvd refuse the file with a message naming the key.
# Streams on both sides: several nodes, XDEL'd and trimmed entries, emptied streams; the dumps
# compare XINFO STREAM's bookkeeping (nodes, last/first/max-deleted IDs, entries-added).
#   (c) with a kvd server ($KVD_BIN, default ./kvd; skipped if not built): every stream of (b)
#       DUMPed by Redis, RESTOREd into kvd, DUMPed again must be byte-identical
#       (rdbcompression no), and restore into Redis with the same entries.
# Canonical dumps: tests/tools/ksdump.h and tests/persist/redis_dump.py. Every wait is bounded;
# the servers are stopped by PID. About 6-10 s.
# SPDX-License-Identifier: BSD-3-Clause
set -u
cd "$(dirname "$0")/../.."
TOOL=${RDBTOOL:-build/tools/rdbtool}
PY=/usr/bin/python3
D=$(mktemp -d /tmp/kvd-interop.XXXXXX)
PID=
KPID=
fail=0
cleanup() {
    if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
    if [ -n "$KPID" ]; then kill "$KPID" 2>/dev/null; wait "$KPID" 2>/dev/null; fi
    rm -rf "$D"
}
trap cleanup EXIT

free_port() {
    $PY - <<'PYEOF'
import random, socket
for _ in range(100):
    p = random.randint(20000, 60000)
    s = socket.socket()
    try:
        s.bind(('127.0.0.1', p)); s.close(); print(p); break
    except OSError:
        s.close()
PYEOF
}

start_redis() { # dbfilename
    PORT=$(free_port)
    redis-server --port "$PORT" --bind 127.0.0.1 --dir "$D" --dbfilename "$1" --save '' \
        --appendonly no --daemonize no --logfile "$D/redis.log" &
    PID=$!
    for _ in $(seq 1 100); do
        if timeout 2 redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG; then return 0; fi
        sleep 0.1
    done
    echo "FAIL: redis-server did not answer PING"; cat "$D/redis.log"; return 1
}

stop_redis() {
    kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=
}

check() { # name expected actual
    if cmp -s "$2" "$3"; then
        echo "ok   $1"
    else
        echo "FAIL $1"; diff "$2" "$3" | cut -c1-300 | head -n 20; fail=1
    fi
}

# ---- (a) kvd writes, Redis reads ------------------------------------------------------
timeout 60 "$TOOL" fill "$D/kvd.rdb" > "$D/expected.txt" || { echo "FAIL rdbtool fill"; exit 1; }
if timeout 60 redis-check-rdb "$D/kvd.rdb" > "$D/check.log" 2>&1 &&
   grep -q "RDB looks OK" "$D/check.log"; then
    echo "ok   redis-check-rdb accepts kvd's file"
else
    echo "FAIL redis-check-rdb"; cat "$D/check.log"; fail=1
fi
timeout 60 "$TOOL" dump "$D/kvd.rdb" > "$D/kvd_a.txt" || fail=1
check "kvd loads its own file back" "$D/expected.txt" "$D/kvd_a.txt"
start_redis kvd.rdb || exit 1
timeout 60 $PY tests/persist/redis_dump.py dump "$PORT" > "$D/redis_a.txt" || fail=1
check "redis-server 7.0 loads kvd's file: same keys, types, encodings, TTLs, values" \
    "$D/expected.txt" "$D/redis_a.txt"

stop_redis

# ---- (b) Redis writes, kvd reads -------------------------------------------------------
start_redis redis.rdb || exit 1
timeout 60 $PY tests/persist/redis_dump.py fill "$PORT" || { echo "FAIL fill redis"; fail=1; }
timeout 60 $PY tests/persist/redis_dump.py dump "$PORT" > "$D/redis_b.txt" || fail=1
for mode in "rdbcompression yes" "rdbcompression no" "rdbchecksum no"; do
    timeout 10 redis-cli -p "$PORT" config set ${mode} > /dev/null
    timeout 60 redis-cli -p "$PORT" save > /dev/null
    timeout 60 "$TOOL" dump "$D/redis.rdb" > "$D/kvd_b.txt" || fail=1
    check "kvd loads redis-server 7.0's file ($mode)" "$D/redis_b.txt" "$D/kvd_b.txt"
done
# DUMP/RESTORE of streams both ways with a running kvd (skipped when no kvd binary is built)
KVD=${KVD_BIN:-./kvd}
if [ -x "$KVD" ]; then
    KPORT=$(free_port)
    "$KVD" --port "$KPORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$D" \
        --dbfilename kvd-server.rdb > "$D/kvd.log" 2>&1 &
    KPID=$!
    up=0
    for _ in $(seq 1 100); do
        if timeout 2 redis-cli -p "$KPORT" ping 2>/dev/null | grep -q PONG; then up=1; break; fi
        sleep 0.1
    done
    if [ "$up" = 1 ] && timeout 60 $PY tests/persist/redis_dump.py restore "$PORT" "$KPORT" \
        > "$D/restore.log" 2>&1; then
        echo "ok   stream DUMP payloads RESTORE both ways, byte-identical ($(tail -n 1 "$D/restore.log"))"
    else
        echo "FAIL stream DUMP/RESTORE between redis-server and kvd"; cat "$D/restore.log" "$D/kvd.log" | tail -n 20; fail=1
    fi
    kill "$KPID" 2>/dev/null; wait "$KPID" 2>/dev/null; KPID=
else
    echo "skip stream DUMP/RESTORE with a kvd server: $KVD not built"
fi

# a stream with a consumer group: kvd has no groups, so the file is refused, naming the key
timeout 60 $PY tests/persist/redis_dump.py group "$PORT" || { echo "FAIL group"; fail=1; }
timeout 60 redis-cli -p "$PORT" save > /dev/null
if timeout 60 "$TOOL" dump "$D/redis.rdb" > /dev/null 2> "$D/group.log"; then
    echo "FAIL kvd loaded a stream with consumer groups"; fail=1
elif grep -q "stream:with-group' has 1 consumer group" "$D/group.log"; then
    echo "ok   kvd refuses a stream with consumer groups, naming the key"
else
    echo "FAIL consumer-group refusal message"; cat "$D/group.log"; fail=1
fi
stop_redis
[ "$fail" = 0 ] && echo "interop: all passed"
exit $fail
