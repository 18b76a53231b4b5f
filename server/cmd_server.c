/* server/cmd_server.c: server-introspection commands: TIME, LASTSAVE, SHUTDOWN, MONITOR,
 * SLOWLOG, LATENCY and DEBUG, plus the two hooks dispatch calls around every command
 * (monitor_feed before, slowlog_record after).
 *
 * Owns the slowlog list (server.slowlog) and the MONITOR line format. Reads latency samples
 * that server.c records but never adds any. Knows nothing of sockets: every byte goes out
 * through reply.h. Start at monitor_feed() and slowlog_record(), then cmd_debug().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/cmd_server.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "server/aof.h"
#include "server/args.h"
#include "server/blocking.h"
#include "server/conn.h"
#include "server/log.h"
#include "server/cmd_persist.h"
#include "server/persist.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/hash.h"
#include "storage/list.h"
#include "storage/obj.h"
#include "storage/set.h"
#include "storage/str.h"
#include "storage/stream.h"
#include "storage/zset.h"
#include "utils/buf.h"
#include "utils/mem.h"
#include "utils/sha1.h"

/* Redis keeps at most this many arguments, and this many bytes of each, per slowlog entry. */
#define SLOWLOG_MAX_ARGC 32
#define SLOWLOG_MAX_ARGLEN 128

static long long now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* ---- argument redaction (shared by MONITOR and SLOWLOG) ---------------------------------- */

/* True if argument i of this command carries a secret. Redis hides AUTH's arguments and the
 * user/password after HELLO's AUTH so they never reach a log or a monitor. */
static bool arg_is_secret(const struct slice *argv, int argc, int i)
{
    if (i == 0 || argc == 0)
        return false;
    if (slice_is(argv[0], "auth"))
        return true;
    if (slice_is(argv[0], "hello")) {
        for (int j = 2; j + 2 < argc; j++)
            if (slice_is(argv[j], "auth") && (i == j + 1 || i == j + 2))
                return true;
    }
    return false;
}

/* ---- MONITOR ------------------------------------------------------------------------------ */

/* Appends s quoted the way Redis's sdscatrepr does: printable bytes as they are, the usual C
 * escapes, anything else as \xHH. Monitor consumers parse exactly this. */
static void append_repr(struct buf *b, const char *p, size_t len)
{
    buf_append(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        switch (ch) {
        case '\\': buf_append(b, "\\\\", 2); break;
        case '"': buf_append(b, "\\\"", 2); break;
        case '\n': buf_append(b, "\\n", 2); break;
        case '\r': buf_append(b, "\\r", 2); break;
        case '\t': buf_append(b, "\\t", 2); break;
        case '\a': buf_append(b, "\\a", 2); break;
        case '\b': buf_append(b, "\\b", 2); break;
        default:
            if (isprint(ch))
                buf_append(b, &p[i], 1);
            else
                buf_printf(b, "\\x%02x", ch);
        }
    }
    buf_append(b, "\"", 1);
}

void monitor_feed(struct conn *c, const struct slice *argv, int argc)
{
    if (server.monitors == NULL)
        return;
    struct buf line;
    buf_init(&line);
    long long us = now_us();
    buf_printf(&line, "+%lld.%06lld [%d %s]", us / 1000000, us % 1000000, c->db_id, c->addr);
    for (int i = 0; i < argc; i++) {
        buf_append(&line, " ", 1);
        if (arg_is_secret(argv, argc, i))
            buf_append_str(&line, "\"(redacted)\"");
        else
            append_repr(&line, argv[i].p, argv[i].len);
    }
    buf_append(&line, "\r\n", 2);
    for (struct conn *m = server.monitors; m != NULL; m = m->monitor_next)
        reply_raw(m, buf_head(&line), buf_used(&line));
    buf_deinit(&line);
}

void cmd_monitor(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    /* Inside MULTI the connection cannot turn into a stream of monitor lines. */
    if (c->flags & CONN_MULTI) {
        reply_error(c, ERR_MONITOR_DENY_BLOCKING);
        return;
    }
    /* A second MONITOR is ignored without a reply, as Redis does. */
    if (c->flags & CONN_MONITOR)
        return;
    c->flags |= CONN_MONITOR;
    c->monitor_next = server.monitors;
    server.monitors = c;
    reply_ok(c);
}

/* ---- TIME, LASTSAVE, SHUTDOWN -------------------------------------------------------------- */

void cmd_time(struct cmd_ctx *ctx)
{
    long long us = now_us();
    reply_array(ctx->c, 2);
    reply_bulk_ll(ctx->c, us / 1000000);
    reply_bulk_ll(ctx->c, us % 1000000);
}

void cmd_lastsave(struct cmd_ctx *ctx)
{
    reply_int(ctx->c, server.lastsave_s);
}

/* SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] */
void cmd_shutdown(struct cmd_ctx *ctx)
{
    int flags = 0;
    bool abort_req = false;
    for (int i = 1; i < ctx->argc; i++) {
        const struct slice *a = &ctx->argv[i];
        if (arg_is(a, "nosave"))
            flags |= SHUTDOWN_NOSAVE;
        else if (arg_is(a, "save"))
            flags |= SHUTDOWN_SAVE;
        else if (arg_is(a, "now"))
            flags |= SHUTDOWN_NOW;
        else if (arg_is(a, "force"))
            flags |= SHUTDOWN_FORCE;
        else if (arg_is(a, "abort"))
            abort_req = true;
        else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    /* Repeating a flag is fine in Redis; only contradictions are syntax errors. */
    if ((abort_req && flags != 0) || ((flags & SHUTDOWN_NOSAVE) && (flags & SHUTDOWN_SAVE))) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    /* kvd never waits for replicas, so there is never a shutdown in progress to abort. */
    if (abort_req) {
        reply_error(ctx->c, ERR_NO_SHUTDOWN_IN_PROGRESS);
        return;
    }
    log_warning("User requested shutdown...");
    /* Saves as save points / SAVE / NOSAVE say; a failed save keeps the server up. */
    if (!persist_shutdown(flags)) {
        reply_error(ctx->c, ERR_SHUTDOWN_FAILED);
        return;
    }
    /* No reply: the client sees the connection close when the process exits. */
    server.shutdown_flags = flags;
    server_request_stop();
}

/* ---- SLOWLOG ---------------------------------------------------------------------------------- */

static void slowlog_entry_free(struct slowlog_entry *e)
{
    for (int i = 0; i < e->argc; i++)
        buf_deinit(&e->argv[i]);
    mem_free(e->argv);
    mem_free(e->peer);
    mem_free(e->name);
    mem_free(e);
}

/* Drops the oldest entries beyond slowlog-max-len. */
static void slowlog_trim(void)
{
    long long max = server.slowlog_max_len < 0 ? 0 : server.slowlog_max_len;
    if (server.slowlog_len <= max)
        return;
    struct slowlog_entry **link = &server.slowlog;
    for (long long kept = 0; *link != NULL && kept < max; kept++)
        link = &(*link)->next;
    struct slowlog_entry *e = *link;
    *link = NULL;
    while (e != NULL) {
        struct slowlog_entry *next = e->next;
        slowlog_entry_free(e);
        server.slowlog_len--;
        e = next;
    }
}

void slowlog_record(struct conn *c, const struct slice *argv, int argc, long long duration_us)
{
    if (server.slowlog_log_slower_than_us < 0 || duration_us < server.slowlog_log_slower_than_us)
        return;
    struct slowlog_entry *e = mem_calloc(1, sizeof(*e));
    e->id = server.slowlog_next_id++;
    e->time_s = now_us() / 1000000;
    e->duration_us = duration_us;
    e->argc = argc > SLOWLOG_MAX_ARGC ? SLOWLOG_MAX_ARGC : argc;
    e->argv = mem_calloc((size_t)e->argc, sizeof(struct buf));
    for (int i = 0; i < e->argc; i++) {
        struct buf *b = &e->argv[i];
        buf_init(b);
        /* The last slot says how many arguments did not fit. */
        if (i == SLOWLOG_MAX_ARGC - 1 && argc > SLOWLOG_MAX_ARGC) {
            buf_printf(b, "... (%d more arguments)", argc - SLOWLOG_MAX_ARGC + 1);
        } else if (arg_is_secret(argv, argc, i)) {
            buf_append_str(b, "(redacted)");
        } else if (argv[i].len > SLOWLOG_MAX_ARGLEN) {
            buf_append(b, argv[i].p, SLOWLOG_MAX_ARGLEN);
            buf_printf(b, "... (%zu more bytes)", argv[i].len - SLOWLOG_MAX_ARGLEN);
        } else {
            buf_append(b, argv[i].p, argv[i].len);
        }
    }
    e->peer = mem_strndup(c->addr, strlen(c->addr));
    const char *name = c->name != NULL ? c->name : "";
    e->name = mem_strndup(name, strlen(name));
    e->next = server.slowlog;
    server.slowlog = e;
    server.slowlog_len++;
    slowlog_trim();
}

void slowlog_free_all(void)
{
    struct slowlog_entry *e = server.slowlog;
    while (e != NULL) {
        struct slowlog_entry *next = e->next;
        slowlog_entry_free(e);
        e = next;
    }
    server.slowlog = NULL;
    server.slowlog_len = 0;
}

/* SLOWLOG GET [count]: newest first; -1 means all. */
void cmd_slowlog_get(struct cmd_ctx *ctx)
{
    long long count = 10;
    if (ctx->argc > 3) {
        reply_error(ctx->c, ERR_SUBCMD_OR_ARITY, "get", "SLOWLOG");
        return;
    }
    if (ctx->argc == 3 && (!arg_to_ll(&ctx->argv[2], &count) || count < -1)) {
        reply_error(ctx->c, ERR_SLOWLOG_COUNT);
        return;
    }
    if (count == -1 || count > server.slowlog_len)
        count = server.slowlog_len;
    reply_array(ctx->c, count);
    struct slowlog_entry *e = server.slowlog;
    for (long long n = 0; n < count && e != NULL; n++, e = e->next) {
        reply_array(ctx->c, 6);
        reply_int(ctx->c, e->id);
        reply_int(ctx->c, e->time_s);
        reply_int(ctx->c, e->duration_us);
        reply_array(ctx->c, e->argc);
        for (int i = 0; i < e->argc; i++)
            reply_bulk(ctx->c, buf_head(&e->argv[i]), buf_used(&e->argv[i]));
        reply_bulk_cstr(ctx->c, e->peer);
        reply_bulk_cstr(ctx->c, e->name);
    }
}

void cmd_slowlog_len(struct cmd_ctx *ctx)
{
    reply_int(ctx->c, server.slowlog_len);
}

void cmd_slowlog_reset(struct cmd_ctx *ctx)
{
    slowlog_free_all();
    reply_ok(ctx->c);
}

void cmd_slowlog_help(struct cmd_ctx *ctx)
{
    static const char *const lines[] = {
        "GET [<count>]",
        "    Show up to <count> entries, newest first (10 by default, -1 for all). Each",
        "    entry holds: id, unix time, duration in microseconds, the arguments, the",
        "    client's address and the client's name.",
        "LEN",
        "    Number of entries kept.",
        "RESET",
        "    Forget every entry.",
        NULL,
    };
    reply_help_titled(ctx->c, "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                     lines);
}

/* ---- LATENCY ------------------------------------------------------------------------------- */

static struct latency_event *latency_find(const char *name, size_t len)
{
    if (server.latency_events == NULL)
        return NULL;
    struct dict_entry *de = dict_find(server.latency_events, name, len);
    return de != NULL ? de->v.ptr : NULL;
}

/* LATENCY LATEST: per event, [name, time of the last sample, its latency, the all-time max]. */
void cmd_latency_latest(struct cmd_ctx *ctx)
{
    if (server.latency_events == NULL) {
        reply_empty_array(ctx->c);
        return;
    }
    reply_array(ctx->c, (long long)dict_size(server.latency_events));
    struct dict_iter it;
    dict_iter_init(&it, server.latency_events, false);
    struct dict_entry *de;
    while ((de = dict_iter_next(&it)) != NULL) {
        struct latency_event *ev = de->v.ptr;
        int last = (ev->next + LATENCY_HISTORY - 1) % LATENCY_HISTORY;
        reply_array(ctx->c, 4);
        reply_bulk(ctx->c, de->key, de->klen);
        reply_int(ctx->c, ev->samples[last].time_s);
        reply_int(ctx->c, ev->samples[last].latency_ms);
        reply_int(ctx->c, ev->max_ms);
    }
    dict_iter_done(&it);
}

/* LATENCY HISTORY event: [time, latency] pairs, oldest first; empty for an unknown event. */
void cmd_latency_history(struct cmd_ctx *ctx)
{
    struct latency_event *ev = latency_find(ctx->argv[2].p, ctx->argv[2].len);
    if (ev == NULL) {
        reply_empty_array(ctx->c);
        return;
    }
    long long n = 0;
    for (int j = 0; j < LATENCY_HISTORY; j++)
        if (ev->samples[j].time_s != 0)
            n++;
    reply_array(ctx->c, n);
    for (int j = 0; j < LATENCY_HISTORY; j++) {
        const struct latency_sample *s = &ev->samples[(ev->next + j) % LATENCY_HISTORY];
        if (s->time_s == 0)
            continue;
        reply_array(ctx->c, 2);
        reply_int(ctx->c, s->time_s);
        reply_int(ctx->c, s->latency_ms);
    }
}

/* LATENCY RESET [event ...]: replies how many events were dropped. */
void cmd_latency_reset(struct cmd_ctx *ctx)
{
    long long removed = 0;
    if (server.latency_events != NULL) {
        if (ctx->argc == 2) {
            removed = (long long)dict_size(server.latency_events);
            dict_empty(server.latency_events);
        } else {
            for (int i = 2; i < ctx->argc; i++)
                if (dict_delete(server.latency_events, ctx->argv[i].p, ctx->argv[i].len))
                    removed++;
        }
    }
    reply_int(ctx->c, removed);
}

void cmd_latency_help(struct cmd_ctx *ctx)
{
    static const char *const lines[] = {
        "HISTORY <event>",
        "    The recorded (unix time, latency in ms) samples of <event>.",
        "LATEST",
        "    For every event: its name, the time and latency of its newest sample, and",
        "    the highest latency seen.",
        "RESET [<event> ...]",
        "    Drop the samples of the named events (all events when none is named).",
        NULL,
    };
    reply_help_titled(ctx->c, "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                     lines);
}

/* ---- DEBUG --------------------------------------------------------------------------------- */

/* True for connections Redis calls local: loopback TCP or a unix socket. */
static bool conn_is_local(const struct conn *c)
{
    if (c->flags & CONN_UNIX)
        return true;
    return strncmp(c->addr, "127.0.0.1:", 10) == 0 || strncmp(c->addr, "::1:", 4) == 0 ||
           strncmp(c->addr, "[::1]:", 6) == 0;
}

/* Redis 7.0's DEBUG DIGEST scheme, so digests compare across the two servers. Two steps
 * build everything: "xor" folds SHA1(bytes) into a running 20-byte digest (order-free, for
 * unordered collections), "mix" does that and then replaces the digest by its own SHA1
 * (order-sensitive, for sequences). */
static void digest_xor(unsigned char d[20], const void *p, size_t len)
{
    unsigned char h[20];
    struct sha1 s;
    sha1_init(&s);
    sha1_update(&s, p, len);
    sha1_final(&s, h);
    for (int i = 0; i < 20; i++)
        d[i] ^= h[i];
}

static void digest_mix(unsigned char d[20], const void *p, size_t len)
{
    struct sha1 s;
    digest_xor(d, p, len);
    sha1_init(&s);
    sha1_update(&s, d, 20);
    sha1_final(&s, d);
}

/* A field/value or member/score pair: mixed into its own digest, which is then xored in, so
 * pairs may come in any order. */
static void digest_pair(unsigned char d[20], const char *a, size_t alen, const char *b,
                        size_t blen)
{
    unsigned char e[20] = {0};
    digest_mix(e, a, alen);
    digest_mix(e, b, blen);
    digest_xor(d, e, 20);
}

/* Adds one value to d: its type as a 4-byte big-endian number, its contents, and whether key
 * has a TTL (not the time). Scores are text as printf's %.17g writes them, whatever the
 * encoding; stream entries are their IDs written "ms.seq" (a dot, unlike replies), then
 * each field and value, in order. */
static void digest_value(unsigned char d[20], struct db *db, const char *key, size_t klen,
                         struct obj *o)
{
    unsigned char type[4] = {0, 0, 0, (unsigned char)o->type};
    digest_mix(d, type, 4);
    switch (o->type) {
    case OBJ_STRING: {
        char tmp[NUM_LL_MAXLEN];
        size_t len;
        const char *p = str_bytes(o, tmp, &len);
        digest_mix(d, p, len);
        break;
    }
    case OBJ_LIST: {
        struct list_iter it;
        struct list_entry e;
        if (list_len(o) == 0)
            break;
        list_iter_init(&it, o, 0, LIST_TAIL);
        while (list_iter_next(&it, &e))
            digest_mix(d, e.p, e.len);
        break;
    }
    case OBJ_SET: {
        struct set_iter it;
        const char *p;
        size_t len;
        set_iter_init(&it, o);
        while (set_iter_next(&it, &p, &len))
            digest_xor(d, p, len);
        set_iter_done(&it);
        break;
    }
    case OBJ_ZSET: {
        struct zset_iter it;
        struct zset_elem e;
        size_t n = zset_len(o);
        if (n == 0)
            break;
        zset_iter_init(&it, o, 0, n, false);
        while (zset_iter_next(&it, &e)) {
            char sc[64];
            int sl = snprintf(sc, sizeof(sc), "%.17g", e.score);
            digest_pair(d, e.p, e.len, sc, (size_t)sl);
        }
        break;
    }
    case OBJ_HASH: {
        struct hash_iter it;
        const char *f, *v;
        size_t fl, vl;
        hash_iter_init(&it, o);
        while (hash_iter_next(&it, &f, &fl, &v, &vl))
            digest_pair(d, f, fl, v, vl);
        hash_iter_done(&it);
        break;
    }
    case OBJ_STREAM: {
        struct stream_iter it;
        struct stream_id id;
        uint64_t nf;
        struct stream_id lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
        stream_iter_init(&it, o, &lo, &hi, false);
        while (stream_iter_next(&it, &id, &nf)) {
            char idt[48];
            int il = snprintf(idt, sizeof(idt), "%llu.%llu", (unsigned long long)id.ms,
                              (unsigned long long)id.seq);
            digest_mix(d, idt, (size_t)il);
            const char *f, *v;
            size_t fl, vl;
            while (stream_iter_field(&it, &f, &fl, &v, &vl)) {
                digest_mix(d, f, fl);
                digest_mix(d, v, vl);
            }
        }
        break;
    }
    }
    if (db_get_expire(db, key, klen) != -1)
        digest_xor(d, "!!expire!!", 10);
}

static void reply_digest(struct conn *c, const unsigned char d[20])
{
    char hex[41];
    for (int i = 0; i < 20; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    reply_bulk(c, hex, 40);
}

/* DEBUG DIGEST: per key, its name mixed with its value's digest, xored into the total, so the
 * order keys are visited in does not matter; each non-empty db's number is mixed in first
 * (the same data in another db differs). An empty dataset is all zeros, as in Redis. */
static void debug_digest(struct cmd_ctx *ctx)
{
    unsigned char acc[20] = {0};
    for (int i = 0; i < server.ks.ndb; i++) {
        struct db *db = &server.ks.dbs[i];
        if (db_size(db) == 0)
            continue;
        unsigned char dbid[4] = {(unsigned char)(i >> 24), (unsigned char)(i >> 16),
                                 (unsigned char)(i >> 8), (unsigned char)i};
        digest_mix(acc, dbid, 4);
        struct dict_iter it;
        dict_iter_init(&it, db->keys, false);
        struct dict_entry *de;
        while ((de = dict_iter_next(&it)) != NULL) {
            unsigned char d[20] = {0};
            digest_mix(d, de->key, de->klen);
            digest_value(d, db, de->key, de->klen, de->v.ptr);
            digest_xor(acc, d, 20);
        }
        dict_iter_done(&it);
    }
    reply_digest(ctx->c, acc);
}

/* DEBUG DIGEST-VALUE key ...: a digest of each value alone (zeros for a missing key). */
static void debug_digest_value(struct cmd_ctx *ctx)
{
    reply_array(ctx->c, ctx->argc - 2);
    for (int i = 2; i < ctx->argc; i++) {
        unsigned char d[20] = {0};
        struct obj *o = db_lookup(ctx->db, ctx->argv[i].p, ctx->argv[i].len,
                                  DB_LOOKUP_NOTOUCH | DB_LOOKUP_NOSTATS);
        if (o != NULL)
            digest_value(d, ctx->db, ctx->argv[i].p, ctx->argv[i].len, o);
        reply_digest(ctx->c, d);
    }
}

/* Bytes the length prefix of an RDB string takes. */
static size_t rdb_len_bytes(size_t len)
{
    if (len < (1u << 6))
        return 1;
    if (len < (1u << 14))
        return 2;
    if (len <= UINT32_MAX)
        return 5;
    return 9;
}

/* What Redis's DEBUG OBJECT calls serializedlength, for strings: integers that fit 32 bits
 * are stored as 1, 2 or 4 bytes plus a type byte, everything else as length + bytes.
 * Redis would LZF-compress long strings; kvd reports the uncompressed size. */
static size_t serialized_length(const struct obj *o)
{
    if (o->type != OBJ_STRING)
        return obj_memory_usage(o, 0);
    long long v;
    if (str_len(o) <= 11 && str_to_ll(o, &v)) {
        if (v >= -128 && v <= 127)
            return 2;
        if (v >= -32768 && v <= 32767)
            return 3;
        if (v >= -2147483648LL && v <= 2147483647LL)
            return 5;
    }
    size_t len = str_len(o);
    return rdb_len_bytes(len) + len;
}

static void debug_object(struct cmd_ctx *ctx)
{
    struct obj *o = db_lookup(ctx->db, ctx->argv[2].p, ctx->argv[2].len,
                              DB_LOOKUP_NOTOUCH | DB_LOOKUP_NOSTATS);
    if (o == NULL) {
        reply_error(ctx->c, ERR_NO_SUCH_KEY);
        return;
    }
    char line[256];
    snprintf(line, sizeof(line),
             "Value at:%p refcount:%d encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%llu",
             (void *)o, (int)o->refcount, obj_enc_name(o), serialized_length(o),
             (unsigned)o->lru, obj_idle_seconds(o));
    reply_simple(ctx->c, line);
}

static void debug_sleep(struct cmd_ctx *ctx)
{
    /* strtod without validation, as Redis: "abc" sleeps zero seconds and still says OK. */
    char tmp[64];
    size_t n = ctx->argv[2].len < sizeof(tmp) - 1 ? ctx->argv[2].len : sizeof(tmp) - 1;
    memcpy(tmp, ctx->argv[2].p, n);
    tmp[n] = '\0';
    double secs = strtod(tmp, NULL);
    if (secs > 0) {
        struct timespec ts;
        long long us = (long long)(secs * 1000000);
        ts.tv_sec = us / 1000000;
        ts.tv_nsec = (us % 1000000) * 1000;
        while (nanosleep(&ts, &ts) != 0)
            ;
    }
    reply_ok(ctx->c);
}

static void debug_set_active_expire(struct cmd_ctx *ctx)
{
    /* atoi semantics, as Redis: anything non-numeric means 0. */
    char tmp[32];
    size_t n = ctx->argv[2].len < sizeof(tmp) - 1 ? ctx->argv[2].len : sizeof(tmp) - 1;
    memcpy(tmp, ctx->argv[2].p, n);
    tmp[n] = '\0';
    bool on = atoi(tmp) != 0;
    server.ks.expire_enabled = on;
    server.active_expire_enabled = on;
    reply_ok(ctx->c);
}

/* DEBUG PROTOCOL type: one sample of each reply type, degraded in RESP2 as Redis does. */
static void debug_protocol(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    const struct slice *t = &ctx->argv[2];
    bool resp3 = c->proto == RESP3;
    if (arg_is(t, "string")) {
        reply_bulk_cstr(c, "Hello World");
    } else if (arg_is(t, "integer")) {
        reply_int(c, 12345);
    } else if (arg_is(t, "double")) {
        reply_double(c, 3.141);
    } else if (arg_is(t, "bignum")) {
        static const char big[] = "1234567999999999999999999999999999999";
        if (resp3) {
            reply_raw(c, "(", 1);
            reply_raw(c, big, sizeof(big) - 1);
            reply_raw(c, "\r\n", 2);
        } else {
            reply_bulk_cstr(c, big);
        }
    } else if (arg_is(t, "null")) {
        reply_null(c);
    } else if (arg_is(t, "array") || arg_is(t, "set")) {
        if (arg_is(t, "array"))
            reply_array(c, 3);
        else
            reply_set(c, 3);
        for (int i = 0; i < 3; i++)
            reply_int(c, i);
    } else if (arg_is(t, "map")) {
        reply_map(c, 3);
        for (int i = 0; i < 3; i++) {
            reply_int(c, i);
            reply_bool(c, i == 1);
        }
    } else if (arg_is(t, "attrib")) {
        /* Attributes do not exist in RESP2: only the reply that follows is sent. */
        if (resp3) {
            static const char attr[] =
                "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n";
            reply_raw(c, attr, sizeof(attr) - 1);
        }
        reply_bulk_cstr(c, "Some real reply following the attribute");
    } else if (arg_is(t, "push")) {
        if (!resp3) {
            reply_error(c, ERR_RESP2_UNSUPPORTED);
            return;
        }
        reply_push(c, 2);
        reply_bulk_cstr(c, "server-cpu-usage");
        reply_int(c, 42);
        reply_bulk_cstr(c, "Some real reply following the push reply");
    } else if (arg_is(t, "verbatim")) {
        static const char text[] = "This is a verbatim\nstring";
        reply_verbatim(c, text, sizeof(text) - 1);
    } else if (arg_is(t, "true")) {
        reply_bool(c, true);
    } else if (arg_is(t, "false")) {
        reply_bool(c, false);
    } else {
        reply_error(c, ERR_DEBUG_PROTOCOL_TYPE);
    }
}

static void debug_help(struct cmd_ctx *ctx)
{
    static const char *const lines[] = {
        "AOF-FSYNC-FAIL <errno>",
        "    kvd only, for tests: each background AOF fsync reports failure with <errno>",
        "    (0: off, the default).",
        "CHANGE-REPL-ID",
        "    Accepted for compatibility; kvd has no replication ids to change yet.",
        "DIGEST",
        "    A hex hash of the whole dataset (keys, values, TTLs); 40 zeros when empty.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    A hex hash of each key's value.",
        "RELOAD [MERGE] [NOFLUSH] [NOSAVE]",
        "    Save the dataset to the RDB file, empty memory and load the file back.",
        "OBJECT <key>",
        "    Low level details of the value at <key>.",
        "PROTOCOL <type>",
        "    Reply with a sample of <type>: string, integer, double, bignum, null, array,",
        "    set, map, attrib, push, verbatim, true, false.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Turn the background expiry of keys off (0) or on (1).",
        "SLEEP <seconds>",
        "    Block the server for <seconds> (fractions allowed).",
        NULL,
    };
    reply_help_titled(ctx->c, "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                     lines);
}

void cmd_debug(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    if (server.enable_debug_command == PROTECTED_NO ||
        (server.enable_debug_command == PROTECTED_LOCAL && !conn_is_local(c))) {
        reply_error(c, ERR_DEBUG_DISABLED);
        return;
    }
    const struct slice *sub = &ctx->argv[1];
    int argc = ctx->argc;
    if (arg_is(sub, "help") && argc == 2) {
        debug_help(ctx);
    } else if (arg_is(sub, "sleep") && argc == 3) {
        debug_sleep(ctx);
    } else if (arg_is(sub, "object") && argc == 3) {
        debug_object(ctx);
    } else if (arg_is(sub, "set-active-expire") && argc == 3) {
        debug_set_active_expire(ctx);
    } else if (arg_is(sub, "digest") && argc == 2) {
        debug_digest(ctx);
    } else if (arg_is(sub, "digest-value") && argc >= 2) {
        debug_digest_value(ctx);
    } else if (arg_is(sub, "protocol") && argc == 3) {
        debug_protocol(ctx);
    } else if (arg_is(sub, "reload")) {
        cmd_persist_debug_reload(ctx);
    } else if (arg_is(sub, "change-repl-id") && argc == 2) {
        reply_ok(c);
    } else if (arg_is(sub, "aof-fsync-fail") && argc == 3) {
        /* kvd only: a failing disk cannot be made without root, so tests fake its errno. */
        long long err;
        if (!arg_to_ll(&ctx->argv[2], &err) || err < 0 || err > 4095) {
            reply_error(c, ERR_NOT_INTEGER);
            return;
        }
        aof_debug_fsync_fail((int)err);
        reply_ok(c);
    } else if (arg_is(sub, "blocking-lateness") && (argc == 2 || argc == 3)) {
        /* kvd only: worst µs a blocking timeout fired after its deadline; RESET clears it. */
        if (argc == 3 && !arg_is(&ctx->argv[2], "reset")) {
            reply_error(c, ERR_SYNTAX);
            return;
        }
        reply_int(c, blocking_worst_lateness_us(argc == 3));
    } else {
        char name[129];
        size_t n = sub->len < sizeof(name) - 1 ? sub->len : sizeof(name) - 1;
        memcpy(name, sub->p, n);
        name[n] = '\0';
        reply_error(c, ERR_SUBCMD_OR_ARITY, name, "DEBUG");
    }
}
