/* tests/clients/hiredis_test.c: kvd driven by hiredis (Debian libhiredis-dev 0.14).
 *
 * Owns the hiredis checks: a deep pipeline read back with redisGetReply (every RESP2
 * reply type, errors in place, binary-safe values), a pub/sub subscription with
 * patterns and a subscribed PING, and hiredis's standalone reader fed one byte at a
 * time from a raw socket, so a reply split anywhere must still parse the same.
 * Knows nothing of kvd's internals; tests/clients/run.sh starts the server and builds
 * this file into build/clients/. Every socket read is bounded by a 5 s timeout.
 * Start at main(). Usage: hiredis_test PORT; exits 1 on any failure.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <arpa/inet.h>
#include <errno.h>
#include <hiredis.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int passed, failed;
static int port;

static void hiredis_test_check(bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf(ok ? "[ok] " : "[err] ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (ok)
        passed++;
    else
        failed++;
}

/* True when r is a reply of type `type` whose string is exactly s (len bytes). */
static bool hiredis_test_is_str(const redisReply *r, int type, const char *s, size_t len)
{
    return r && r->type == type && r->len == len && memcmp(r->str, s, len) == 0;
}

static bool hiredis_test_is_bulk(const redisReply *r, const char *s)
{
    return hiredis_test_is_str(r, REDIS_REPLY_STRING, s, strlen(s));
}

static bool hiredis_test_is_int(const redisReply *r, long long v)
{
    return r && r->type == REDIS_REPLY_INTEGER && r->integer == v;
}

static const char *hiredis_test_describe(const redisReply *r)
{
    static char buf[200];
    if (!r)
        return "(no reply)";
    switch (r->type) {
    case REDIS_REPLY_INTEGER:
        snprintf(buf, sizeof buf, "integer %lld", r->integer);
        break;
    case REDIS_REPLY_NIL:
        return "nil";
    case REDIS_REPLY_ARRAY:
        snprintf(buf, sizeof buf, "array of %zu", r->elements);
        break;
    default:
        snprintf(buf, sizeof buf, "type %d \"%.*s\"", r->type, (int)(r->len < 150 ? r->len : 150), r->str);
    }
    return buf;
}

/* The next reply on c, or NULL on an I/O error or timeout (redisGetReply leaves its
 * out-parameter untouched then, which would free a stale reply twice). */
static redisReply *hiredis_test_next(redisContext *c)
{
    void *r = NULL;
    return redisGetReply(c, &r) == REDIS_OK ? r : NULL;
}

static redisContext *hiredis_test_connect(void)
{
    struct timeval tv = {5, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (!c || c->err) {
        fprintf(stderr, "hiredis: cannot connect to port %d: %s\n", port, c ? c->errstr : "out of memory");
        exit(1);
    }
    /* replies too: a server that never answers fails the read instead of hanging it */
    redisSetTimeout(c, tv);
    return c;
}

/* ---- pipeline ---------------------------------------------------------------------- */

enum { PIPE_SETS = 1000 };

static void hiredis_test_pipeline(void)
{
    redisContext *c = hiredis_test_connect();
    redisReply *r;

    r = redisCommand(c, "SELECT 10");
    hiredis_test_check(hiredis_test_is_str(r, REDIS_REPLY_STATUS, "OK", 2), "SELECT 10 is +OK: %s",
                       hiredis_test_describe(r));
    freeReplyObject(r);
    freeReplyObject(redisCommand(c, "FLUSHDB"));

    /* everything appended first, read back after: one write, many replies in flight */
    for (int i = 0; i < PIPE_SETS; i++)
        redisAppendCommand(c, "SET k:%d v:%d", i, i);
    for (int i = 0; i < 10; i++)
        redisAppendCommand(c, "INCR counter");
    redisAppendCommand(c, "MGET k:0 nokey k:999");
    redisAppendCommand(c, "GET nokey");
    redisAppendCommand(c, "LPUSH k:1 x");
    redisAppendCommand(c, "RPUSH list a b c");
    redisAppendCommand(c, "LRANGE list 0 -1");
    redisAppendCommand(c, "LRANGE nolist 0 -1");
    redisAppendCommand(c, "NOSUCHCOMMAND arg");
    redisAppendCommand(c, "SET %b %b", "bin\0key", (size_t)7, "a\0b\r\nc", (size_t)6);
    redisAppendCommand(c, "GET %b", "bin\0key", (size_t)7);
    redisAppendCommand(c, "ZADD z 1.5 a 2 b");
    redisAppendCommand(c, "ZRANGE z 0 -1 WITHSCORES");
    redisAppendCommand(c, "DBSIZE");

    int ok_sets = 0;
    for (int i = 0; i < PIPE_SETS; i++) {
        if (!(r = hiredis_test_next(c)))
            break;
        ok_sets += hiredis_test_is_str(r, REDIS_REPLY_STATUS, "OK", 2);
        freeReplyObject(r);
    }
    hiredis_test_check(ok_sets == PIPE_SETS, "%d pipelined SETs all replied +OK (%d did)", PIPE_SETS, ok_sets);

    long long last = 0;
    for (int i = 0; i < 10; i++) {
        if (!(r = hiredis_test_next(c)))
            break;
        if (r->type == REDIS_REPLY_INTEGER && r->integer == last + 1)
            last = r->integer;
        freeReplyObject(r);
    }
    hiredis_test_check(last == 10, "10 pipelined INCRs count 1..10 (got to %lld)", last);

    r = hiredis_test_next(c);
    hiredis_test_check(r && r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
                           hiredis_test_is_bulk(r->element[0], "v:0") &&
                           r->element[1]->type == REDIS_REPLY_NIL && hiredis_test_is_bulk(r->element[2], "v:999"),
                       "MGET with a missing key is [v:0, nil, v:999]: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    r = hiredis_test_next(c);
    hiredis_test_check(r && r->type == REDIS_REPLY_NIL, "GET of a missing key is nil: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    static const char wrongtype[] = "WRONGTYPE Operation against a key holding the wrong kind of value";
    r = hiredis_test_next(c);
    hiredis_test_check(hiredis_test_is_str(r, REDIS_REPLY_ERROR, wrongtype, strlen(wrongtype)),
                       "LPUSH on a string is WRONGTYPE, in place: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    r = hiredis_test_next(c);
    hiredis_test_check(hiredis_test_is_int(r, 3), "RPUSH returns 3: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    r = hiredis_test_next(c);
    hiredis_test_check(r && r->type == REDIS_REPLY_ARRAY && r->elements == 3 && hiredis_test_is_bulk(r->element[0], "a") &&
                           hiredis_test_is_bulk(r->element[2], "c"),
                       "LRANGE is [a, b, c]: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    r = hiredis_test_next(c);
    hiredis_test_check(r && r->type == REDIS_REPLY_ARRAY && r->elements == 0, "LRANGE of a missing key is empty: %s",
                       hiredis_test_describe(r));
    freeReplyObject(r);

    static const char unknown[] = "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'arg' ";
    r = hiredis_test_next(c);
    hiredis_test_check(hiredis_test_is_str(r, REDIS_REPLY_ERROR, unknown, strlen(unknown)),
                       "an unknown command's error text: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    r = hiredis_test_next(c);
    freeReplyObject(r);
    r = hiredis_test_next(c);
    hiredis_test_check(hiredis_test_is_str(r, REDIS_REPLY_STRING, "a\0b\r\nc", 6),
                       "a binary key and value (NUL, CRLF) round-trip: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    r = hiredis_test_next(c);
    hiredis_test_check(hiredis_test_is_int(r, 2), "ZADD adds 2: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    r = hiredis_test_next(c);
    hiredis_test_check(r && r->type == REDIS_REPLY_ARRAY && r->elements == 4 && hiredis_test_is_bulk(r->element[0], "a") &&
                           hiredis_test_is_bulk(r->element[1], "1.5") && hiredis_test_is_bulk(r->element[3], "2"),
                       "ZRANGE WITHSCORES is [a, 1.5, b, 2] in RESP2: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    r = hiredis_test_next(c);
    hiredis_test_check(hiredis_test_is_int(r, PIPE_SETS + 4), "DBSIZE is %d: %s", PIPE_SETS + 4,
                       hiredis_test_describe(r));
    freeReplyObject(r);

    hiredis_test_check(c->err == 0, "the pipelined connection saw no I/O or protocol error: %s", c->errstr);
    freeReplyObject(redisCommand(c, "FLUSHDB"));
    redisFree(c);
}

/* ---- pub/sub ----------------------------------------------------------------------- */

/* True when r is the array [s0, s1, ..., then an integer n or a bulk string last]. */
static bool hiredis_test_is_push(const redisReply *r, size_t n, const char *s0, const char *s1, const char *s2,
                                 const char *s3, long long count)
{
    const char *want[] = {s0, s1, s2, s3};
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (want[i] ? !hiredis_test_is_bulk(r->element[i], want[i]) : !hiredis_test_is_int(r->element[i], count))
            return false;
    }
    return true;
}

static void hiredis_test_pubsub(void)
{
    redisContext *sub = hiredis_test_connect();
    redisContext *pub = hiredis_test_connect();
    redisReply *r;

    /* one command, two confirmations: the second is read like any pushed message */
    r = redisCommand(sub, "SUBSCRIBE news alerts");
    hiredis_test_check(hiredis_test_is_push(r, 3, "subscribe", "news", NULL, NULL, 1),
                       "SUBSCRIBE confirms news with count 1: %s", hiredis_test_describe(r));
    freeReplyObject(r);
    r = hiredis_test_next(sub);
    hiredis_test_check(hiredis_test_is_push(r, 3, "subscribe", "alerts", NULL, NULL, 2),
                       "then alerts with count 2: %s", hiredis_test_describe(r));
    freeReplyObject(r);
    r = redisCommand(sub, "PSUBSCRIBE ev.*");
    hiredis_test_check(hiredis_test_is_push(r, 3, "psubscribe", "ev.*", NULL, NULL, 3),
                       "PSUBSCRIBE confirms with count 3: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    r = redisCommand(pub, "PUBLISH news hello");
    hiredis_test_check(hiredis_test_is_int(r, 1), "PUBLISH reaches 1 subscriber: %s", hiredis_test_describe(r));
    freeReplyObject(r);
    r = redisCommand(pub, "PUBLISH ev.login %b", "b\0b", (size_t)3);
    hiredis_test_check(hiredis_test_is_int(r, 1), "PUBLISH to a pattern match reaches 1: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    r = hiredis_test_next(sub);
    hiredis_test_check(hiredis_test_is_push(r, 3, "message", "news", "hello", NULL, 0),
                       "the subscriber reads [message, news, hello]: %s", hiredis_test_describe(r));
    freeReplyObject(r);
    r = hiredis_test_next(sub);
    hiredis_test_check(r && r->elements == 4 && hiredis_test_is_bulk(r->element[0], "pmessage") &&
                           hiredis_test_is_bulk(r->element[1], "ev.*") && hiredis_test_is_bulk(r->element[2], "ev.login") &&
                           hiredis_test_is_str(r->element[3], REDIS_REPLY_STRING, "b\0b", 3),
                       "then [pmessage, ev.*, ev.login, b\\0b]: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    r = redisCommand(sub, "PING");
    hiredis_test_check(hiredis_test_is_push(r, 2, "pong", "", NULL, NULL, 0),
                       "PING while subscribed (RESP2) is [pong, \"\"]: %s", hiredis_test_describe(r));
    freeReplyObject(r);
    static const char refused[] =
        "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
    r = redisCommand(sub, "GET x");
    hiredis_test_check(hiredis_test_is_str(r, REDIS_REPLY_ERROR, refused, strlen(refused)),
                       "GET while subscribed is refused: %s", hiredis_test_describe(r));
    freeReplyObject(r);

    r = redisCommand(sub, "UNSUBSCRIBE");
    hiredis_test_check(r && r->type == REDIS_REPLY_ARRAY && r->elements == 3 && hiredis_test_is_bulk(r->element[0], "unsubscribe") &&
                           hiredis_test_is_int(r->element[2], 2),
                       "UNSUBSCRIBE leaves 2: %s", hiredis_test_describe(r));
    freeReplyObject(r);
    r = hiredis_test_next(sub);
    hiredis_test_check(r && r->elements == 3 && hiredis_test_is_int(r->element[2], 1), "then 1: %s",
                       hiredis_test_describe(r));
    freeReplyObject(r);
    r = redisCommand(sub, "PUNSUBSCRIBE");
    hiredis_test_check(hiredis_test_is_push(r, 3, "punsubscribe", "ev.*", NULL, NULL, 0),
                       "PUNSUBSCRIBE leaves 0: %s", hiredis_test_describe(r));
    freeReplyObject(r);
    r = redisCommand(sub, "PING");
    hiredis_test_check(hiredis_test_is_str(r, REDIS_REPLY_STATUS, "PONG", 4), "PING after leaving is +PONG: %s",
                       hiredis_test_describe(r));
    freeReplyObject(r);
    r = redisCommand(pub, "PUBLISH news gone");
    hiredis_test_check(hiredis_test_is_int(r, 0), "PUBLISH after unsubscribing reaches 0: %s", hiredis_test_describe(r));
    freeReplyObject(r);
    redisFree(sub);
    redisFree(pub);
}

/* ---- the reader, fed one byte at a time -------------------------------------------- */

static int hiredis_test_raw_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        fprintf(stderr, "hiredis: raw connect to %d: %s\n", port, strerror(errno));
        exit(1);
    }
    return fd;
}

static void hiredis_test_reader(void)
{
    /* multibulk and inline requests mixed, as a raw client may send them */
    static const char req[] = "*2\r\n$6\r\nSELECT\r\n$1\r\n9\r\n"
                              "*3\r\n$3\r\nSET\r\n$2\r\nrk\r\n$5\r\nhello\r\n"
                              "GET rk\r\n"
                              "*1\r\n$4\r\nPING\r\n"
                              "*3\r\n$5\r\nRPUSH\r\n$2\r\nrl\r\n$0\r\n\r\n"
                              "*4\r\n$6\r\nLRANGE\r\n$2\r\nrl\r\n$1\r\n0\r\n$2\r\n-1\r\n"
                              "*2\r\n$3\r\nGET\r\n$2\r\nrl\r\n"
                              "*2\r\n$3\r\nDEL\r\n$2\r\nrk\r\n"
                              "*2\r\n$3\r\nDEL\r\n$2\r\nrl\r\n";
    enum { N = 9 };
    int fd = hiredis_test_raw_connect();
    if (write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1)) {
        hiredis_test_check(false, "raw write of the request batch: %s", strerror(errno));
        close(fd);
        return;
    }
    redisReader *rd = redisReaderCreate();
    redisReply *got[N] = {0};
    int n = 0, bytes = 0;
    char buf[4096];
    while (n < N) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 5000) != 1)
            break;
        ssize_t k = read(fd, buf, sizeof buf);
        if (k <= 0)
            break;
        bytes += (int)k;
        for (ssize_t i = 0; i < k; i++) {
            /* a byte at a time: every reply is split at every possible point */
            redisReaderFeed(rd, buf + i, 1);
            void *reply;
            while (n < N && redisReaderGetReply(rd, &reply) == REDIS_OK && reply)
                got[n++] = reply;
        }
    }
    hiredis_test_check(n == N && rd->err == 0, "the reader parsed %d of %d replies (%d bytes), err \"%s\"", n, N,
                       bytes, rd->errstr);
    hiredis_test_check(hiredis_test_is_str(got[0], REDIS_REPLY_STATUS, "OK", 2) &&
                           hiredis_test_is_str(got[1], REDIS_REPLY_STATUS, "OK", 2),
                       "reader: SELECT and SET are +OK");
    hiredis_test_check(hiredis_test_is_bulk(got[2], "hello"), "reader: an inline GET is a bulk string: %s",
                       hiredis_test_describe(got[2]));
    hiredis_test_check(hiredis_test_is_str(got[3], REDIS_REPLY_STATUS, "PONG", 4), "reader: PING is +PONG: %s",
                       hiredis_test_describe(got[3]));
    hiredis_test_check(hiredis_test_is_int(got[4], 1), "reader: RPUSH of an empty string: %s",
                       hiredis_test_describe(got[4]));
    hiredis_test_check(got[5] && got[5]->type == REDIS_REPLY_ARRAY && got[5]->elements == 1 &&
                           hiredis_test_is_bulk(got[5]->element[0], ""),
                       "reader: LRANGE holds one empty bulk ($0): %s", hiredis_test_describe(got[5]));
    hiredis_test_check(got[6] && got[6]->type == REDIS_REPLY_ERROR && strncmp(got[6]->str, "WRONGTYPE ", 10) == 0,
                       "reader: GET of a list is a WRONGTYPE error: %s", hiredis_test_describe(got[6]));
    hiredis_test_check(hiredis_test_is_int(got[7], 1) && hiredis_test_is_int(got[8], 1), "reader: both DELs return 1");
    for (int i = 0; i < n; i++)
        freeReplyObject(got[i]);
    redisReaderFree(rd);
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc != 2 || (port = atoi(argv[1])) <= 0) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    hiredis_test_pipeline();
    hiredis_test_pubsub();
    hiredis_test_reader();
    printf("hiredis %d.%d.%d: %d checks passed, %d failed\n", HIREDIS_MAJOR, HIREDIS_MINOR, HIREDIS_PATCH, passed,
           failed);
    return failed ? 1 : 0;
}
