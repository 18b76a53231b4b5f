#!/usr/bin/env bash
# tests/clients/run.sh: kvd driven by the real redis-cli (Debian's redis-tools).
#
# Owns the end-to-end client checks: PING, --pipe mass insert, --scan,
# --stat, --bigkeys, --no-raw formatting and RESP3 (-3); then the client-library
# suites (redis_py_test.py, node/*_test.js, hiredis_test.c). Knows nothing of
# kvd's internals; the server under test is $KVD_BIN (default ./kvd), started
# on a free port in a temp dir and stopped by PID on exit. Every wait is
# bounded with `timeout`. Start reading at the "checks" section.
# Prints "clients: N checks passed"; exits 1 on any failure.
#
# SPDX-License-Identifier: BSD-3-Clause
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${KVD_BIN:-$REPO/kvd}
CLI=${REDIS_CLI:-redis-cli}
KEYS_N=100000

[ -x "$BIN" ] || { echo "clients: server binary '$BIN' not found (set KVD_BIN)" >&2; exit 1; }
command -v "$CLI" >/dev/null || { echo "clients: $CLI not installed (apt-get install redis-tools)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kvd-clients.XXXXXX")
PID=""
# shellcheck source=tests/clients/lib.sh
. "$REPO/tests/clients/lib.sh"
LIB_NAME=clients
cleanup() {
    lib_server_stop "$PID"
    rm -rf "$TMP"
}
trap cleanup EXIT

PORT=""
start_server() {
    lib_server_start "$BIN" "$TMP" "$TMP/server.log"
    PORT=$LIB_PORT
    PID=$LIB_PID
}

PASSED=0
FAILED=0
fail() {
    FAILED=$((FAILED + 1))
    echo "[err] $1"
    echo "      expected: $2"
    echo "      got:      $3"
}
ok() {
    PASSED=$((PASSED + 1))
    echo "[ok] $1"
}
# check NAME EXPECTED GOT: exact comparison
check() {
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "$(printf %q "$2")" "$(printf %q "$3")"; fi
}
# check_grep NAME REGEX TEXT: TEXT has a line matching the extended REGEX
check_grep() {
    if printf '%s\n' "$3" | grep -Eq -- "$2"; then
        ok "$1"
    else
        fail "$1" "a line matching /$2/" "$(printf '%s' "$3" | head -c 2000)"
    fi
}
cli() { timeout 20 "$CLI" -p "$PORT" "$@" 2>&1 || echo "(redis-cli exit $?)"; }

start_server

# ---- checks -----------------------------------------------------------------

check "redis-cli ping replies PONG" "PONG" "$(cli ping)"

# --pipe: 100,000 SETs as one RESP stream
awk -v n="$KEYS_N" 'BEGIN {
    for (i = 0; i < n; i++) {
        k = "key:" i; v = "val" i
        printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
    }
}' >"$TMP/pipe.resp"
pipe_out=$(timeout 60 "$CLI" -p "$PORT" --pipe <"$TMP/pipe.resp" 2>&1 || echo "(redis-cli exit $?)")
check_grep "--pipe mass insert reports no errors" "^errors: 0, replies: $KEYS_N\$" "$pipe_out"
check "DBSIZE after --pipe is $KEYS_N" "$KEYS_N" "$(cli dbsize)"
check "GET of a piped key" "val12345" "$(cli get key:12345)"

# key:1, key:1x, key:1xx, key:1xxx, key:1xxxx
scan_count=$(timeout 60 "$CLI" -p "$PORT" --scan --pattern 'key:1*' 2>&1 | wc -l || true)
check "--scan --pattern 'key:1*' returns 11111 keys" "11111" "$scan_count"
scan_uniq=$(timeout 60 "$CLI" -p "$PORT" --scan --pattern 'key:9999*' 2>&1 | sort | tr '\n' ' ' || true)
check "--scan --pattern 'key:9999*' returns the exact keys" \
    "key:9999 key:99990 key:99991 key:99992 key:99993 key:99994 key:99995 key:99996 key:99997 key:99998 key:99999 " \
    "$scan_uniq"

# --stat: redis-cli loops until killed; stdbuf keeps its lines from being
# lost in a block buffer when timeout stops it
stat_rc=0
stat_out=$(timeout 3 stdbuf -oL "$CLI" -p "$PORT" --stat -i 1 2>&1) || stat_rc=$?
check "--stat runs until stopped by timeout (exit 124)" "124" "$stat_rc"
check_grep "--stat prints its header" "^keys +mem +clients +blocked +requests +connections" "$stat_out"
check_grep "--stat prints a row with $KEYS_N keys" "^$KEYS_N +[0-9.]+[BKMG]? +[0-9]+ +[0-9]+ +[0-9]+ \(\+[0-9]+\) +[0-9]+" "$stat_out"
if printf '%s\n' "$stat_out" | grep -Eqi 'error|ERR '; then
    fail "--stat prints no error" "no error line" "$stat_out"
else
    ok "--stat prints no error"
fi

# --bigkeys: one string clearly bigger than all the piped ones
cli set key:big "$(head -c 1000 /dev/zero | tr '\0' x)" >/dev/null
big_out=$(timeout 60 "$CLI" -p "$PORT" --bigkeys 2>&1 || echo "(redis-cli exit $?)")
check_grep "--bigkeys reports the biggest string" "^Biggest string found '\"key:big\"' has 1000 bytes" "$big_out"
check_grep "--bigkeys samples every key" "^Sampled $((KEYS_N + 1)) keys in the keyspace" "$big_out"
check_grep "--bigkeys counts the strings" "^$((KEYS_N + 1)) strings with [0-9]+ bytes" "$big_out"

# --no-raw: the human-readable reply forms
check "--no-raw GET shows a quoted string" '"val1"' "$(cli --no-raw get key:1)"
check "--no-raw GET of a missing key shows (nil)" "(nil)" "$(cli --no-raw get nosuchkey)"
check "--no-raw INCR shows (integer)" "(integer) 1" "$(cli --no-raw incr counter)"
check "--no-raw MGET shows a numbered array" $'1) "val1"\n2) (nil)\n3) "val2"' \
    "$(cli --no-raw mget key:1 nosuchkey key:2)"
check "--no-raw SET shows OK" "OK" "$(cli --no-raw set greeting 'hello world')"
check "--no-raw GET keeps spaces inside quotes" '"hello world"' "$(cli --no-raw get greeting)"
check "--no-raw unknown command shows (error)" \
    "(error) ERR unknown command 'nosuchcmd', with args beginning with: 'a' " \
    "$(cli --no-raw nosuchcmd a)"
check "--no-raw wrong arity shows (error)" \
    "(error) ERR wrong number of arguments for 'get' command" "$(cli --no-raw get)"
check "--no-raw KEYS with no match shows (empty array)" "(empty array)" "$(cli --no-raw keys 'nomatch*')"
check "--no-raw TTL of a persistent key" "(integer) -1" "$(cli --no-raw ttl key:1)"
check "--no-raw EXPIRE then TTL" "(integer) 1" "$(cli --no-raw expire key:1 1000)"
check "raw output (not a tty) prints bare values" "val2" "$(cli get key:2)"

# RESP3 through redis-cli -3
hello_out=$(cli -3 --no-raw hello 3)
check_grep "redis-cli -3 HELLO 3 shows a map" '^1# "server" => "' "$hello_out"
check_grep "redis-cli -3 HELLO 3 reports proto 3" '^3# "proto" => \(integer\) 3$' "$hello_out"
check_grep "redis-cli -3 HELLO 3 reports the mode" '"mode" => "standalone"' "$hello_out"
check "redis-cli -3 GET of a missing key shows (nil)" "(nil)" "$(cli -3 --no-raw get nosuchkey)"
check "redis-cli -3 ping" "PONG" "$(cli -3 ping)"

# interactive hints: redis-cli builds them from COMMAND DOCS (expected texts are what
# redis-cli shows against redis-server 7.0.15)
hint() { timeout 20 /usr/bin/python3 "$(dirname "$0")/hint.py" "$PORT" "$1" 2>&1 || echo "(hint exit $?)"; }
check "interactive hint for SET" \
    "set key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]" \
    "$(hint 'set ')"
check "interactive hint for ZADD after the key" \
    "zadd k [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]" "$(hint 'zadd k ')"
check "interactive hint for LPOS after two arguments" \
    "lpos k e [RANK rank] [COUNT num-matches] [MAXLEN len]" "$(hint 'lpos k e ')"
check "interactive hint for GETEX" \
    "getex k [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]" \
    "$(hint 'getex k ')"

# ---- client libraries: redis-py, ioredis, node-redis v4, hiredis ---------------
# Each program prints [ok]/[err] lines and a summary and exits non-zero on any failure;
# here each counts as one check, its [err] lines and summary shown. They use dbs 9-14
# only, so the keys above stay. All four run in about 6 s.
HERE=$(cd "$(dirname "$0")" && pwd)
client_suite() { # NAME TIMEOUT_S CMD...
    local name=$1 limit=$2 out rc=0
    shift 2
    out=$(timeout "$limit" "$@" 2>&1) || rc=$?
    printf '%s\n' "$out" | grep -v '^\[ok\]' | sed 's/^/      /'
    if [ "$rc" -eq 0 ]; then ok "$name"; else fail "$name" "exit 0" "exit $rc (124 = timed out after ${limit}s)"; fi
}
if /usr/bin/python3 -c 'import redis' 2>/dev/null; then
    client_suite "redis-py suite" 60 /usr/bin/python3 "$HERE/redis_py_test.py" "$PORT"
else
    fail "redis-py suite" "python3-redis installed" "import redis fails (run utils/scripts/install-deps.sh)"
fi
if command -v node >/dev/null && [ -d "$HERE/node/node_modules/ioredis" ] && [ -d "$HERE/node/node_modules/redis" ]; then
    client_suite "ioredis suite" 60 node "$HERE/node/ioredis_test.js" "$PORT"
    client_suite "node-redis v4 suite" 60 node "$HERE/node/node_redis_test.js" "$PORT"
else
    fail "node client suites" "node and tests/clients/node/node_modules" "missing (run utils/scripts/install-deps.sh)"
fi
HIREDIS_TEST=${HIREDIS_TEST:-$REPO/build/clients/hiredis_test}
if [ ! -x "$HIREDIS_TEST" ] || [ "$HERE/hiredis_test.c" -nt "$HIREDIS_TEST" ]; then
    timeout 120 make -s -C "$REPO" build/clients/hiredis_test >/dev/null || true
fi
if [ -x "$HIREDIS_TEST" ]; then
    client_suite "hiredis suite" 60 "$HIREDIS_TEST" "$PORT"
else
    fail "hiredis suite" "$HIREDIS_TEST built" "not built (needs libhiredis-dev)"
fi

check "server is still running after the client checks" "alive" \
    "$(kill -0 "$PID" 2>/dev/null && echo alive || echo dead)"

if [ "$FAILED" -ne 0 ]; then
    echo "--- server log tail ---"
    tail -n 20 "$TMP/server.log" || true
    echo "clients: $PASSED checks passed, $FAILED failed"
    exit 1
fi
echo "clients: $PASSED checks passed"
