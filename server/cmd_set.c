/* server/cmd_set.c: the set command handlers.
 *
 * Owns argument parsing, the order of error checks, the set algebra (SINTER, SUNION, SDIFF
 * and their STORE and CARD forms) and the reply shapes of the set group, matched to Redis 7.0
 * in RESP2 and RESP3 (sets reply '~' in RESP3, except SRANDMEMBER's arrays). It must not know
 * how sets are stored: members go through storage/set.h, keys through storage/db.h (so WATCH
 * hears of every change).
 * Start at cmd_sadd() for writes, inter_generic() and union_diff_generic() for the algebra.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/cmd_set.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "server/args.h"
#include "server/handler.h"
#include "server/notify.h"
#include "server/propagate.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/set.h"
#include "utils/buf.h"
#include "utils/glob.h"
#include "utils/mem.h"

/* ---- shared helpers ------------------------------------------------------------------- */

/* The set at key (NULL when absent); false after replying WRONGTYPE. */
static bool lookup_set(struct cmd_ctx *ctx, const struct slice *key, int flags, struct obj **out)
{
    return handler_lookup_typed(ctx, key, OBJ_SET, flags, out);
}

static void emit_bulk(void *ud, const char *p, size_t len)
{
    reply_bulk(ud, p, len);
}

/* Every member of s as bulks, after a header the caller wrote. */
static void emit_all(struct conn *c, struct obj *s)
{
    struct set_iter it;
    const char *p;
    size_t len;
    set_iter_init(&it, s);
    while (set_iter_next(&it, &p, &len))
        reply_bulk(c, p, len);
    set_iter_done(&it);
}

/* SPOP's reply of one member plus its AOF form: one SREM per member popped (Redis 7.0). */
static void emit_bulk_srem(void *ud, const char *p, size_t len)
{
    struct cmd_ctx *ctx = ud;
    reply_bulk(ctx->c, p, len);
    struct slice av[3] = {{"SREM", 4}, ctx->argv[1], {p, len}};
    propagate_replace(ctx->db, 3, av);
}

static void emit_all_srem(struct cmd_ctx *ctx, struct obj *s)
{
    struct set_iter it;
    const char *p;
    size_t len;
    set_iter_init(&it, s);
    while (set_iter_next(&it, &p, &len))
        emit_bulk_srem(ctx, p, len);
    set_iter_done(&it);
}

static void set_event(struct cmd_ctx *ctx, const char *event, const struct slice *key)
{
    notify_keyspace_event(NOTIFY_SET, event, key->p, key->len, ctx->db->id);
}

static void del_event(struct cmd_ctx *ctx, const struct slice *key)
{
    notify_keyspace_event(NOTIFY_GENERIC, "del", key->p, key->len, ctx->db->id);
}

/* A STORE result replaces dst (dropping its TTL) or, when empty, deletes it; the reply is the
 * result's size either way. Takes res. event: the command's name, Redis's event for it. */
static void store_result(struct cmd_ctx *ctx, const struct slice *dst, struct obj *res,
                         const char *event)
{
    size_t n = set_len(res);
    /* Redis: a stored result is published after the reply, a deletion before it. */
    if (n > 0) {
        db_set(ctx->db, dst->p, dst->len, res, 0);
        server.dirty++;
        reply_int(ctx->c, (long long)n);
        set_event(ctx, event, dst);
    } else {
        if (db_delete(ctx->db, dst->p, dst->len)) {
            del_event(ctx, dst);
            server.dirty++;
        }
        reply_int(ctx->c, 0);
    }
    obj_release(res);
}

/* ---- SADD, SREM, SMOVE ------------------------------------------------------------------ */

/* SADD key member [member ...] */
void cmd_sadd(struct cmd_ctx *ctx)
{
    const struct slice *key = &ctx->argv[1];
    struct obj *s;
    if (!lookup_set(ctx, key, DB_LOOKUP_WRITE, &s))
        return;
    bool is_new = s == NULL;
    if (is_new)
        s = set_new_for(ctx->argv[2].p, ctx->argv[2].len);
    long long added = 0;
    for (int i = 2; i < ctx->argc; i++)
        if (set_add(s, ctx->argv[i].p, ctx->argv[i].len))
            added++;
    if (is_new) {
        db_add(ctx->db, key->p, key->len, s);
        obj_release(s);
    } else if (added > 0) {
        handler_signal_modified(ctx->db, key);
    }
    if (added > 0)
        set_event(ctx, "sadd", key);
    server.dirty += added;
    reply_int(ctx->c, added);
}

/* SREM key member [member ...]: an emptied set's key goes away. */
void cmd_srem(struct cmd_ctx *ctx)
{
    const struct slice *key = &ctx->argv[1];
    struct obj *s;
    if (!lookup_set(ctx, key, DB_LOOKUP_WRITE, &s))
        return;
    long long removed = 0;
    for (int i = 2; s != NULL && i < ctx->argc; i++) {
        if (set_remove(s, ctx->argv[i].p, ctx->argv[i].len))
            removed++;
        if (set_len(s) == 0)
            break;
    }
    if (removed > 0) {
        set_event(ctx, "srem", key);
        if (set_len(s) == 0) {
            db_delete(ctx->db, key->p, key->len);
            del_event(ctx, key);
        } else {
            handler_signal_modified(ctx->db, key);
        }
        server.dirty += removed;
    }
    reply_int(ctx->c, removed);
}

/* SMOVE source destination member: a missing source answers 0 before any type check of the
 * destination, as Redis does; moving within one set only tests membership. */
void cmd_smove(struct cmd_ctx *ctx)
{
    const struct slice *src = &ctx->argv[1], *dst = &ctx->argv[2], *m = &ctx->argv[3];
    struct obj *from = db_lookup(ctx->db, src->p, src->len, DB_LOOKUP_WRITE);
    struct obj *to = db_lookup(ctx->db, dst->p, dst->len, DB_LOOKUP_WRITE);
    if (from == NULL) {
        reply_int(ctx->c, 0);
        return;
    }
    if (from->type != OBJ_SET || (to != NULL && to->type != OBJ_SET)) {
        reply_status(ctx->c, ST_WRONGTYPE);
        return;
    }
    if (from == to) {
        reply_int(ctx->c, set_contains(from, m->p, m->len));
        return;
    }
    if (!set_remove(from, m->p, m->len)) {
        reply_int(ctx->c, 0);
        return;
    }
    set_event(ctx, "srem", src);
    if (set_len(from) == 0) {
        db_delete(ctx->db, src->p, src->len);
        del_event(ctx, src);
    } else {
        handler_signal_modified(ctx->db, src);
    }
    server.dirty++;
    if (to == NULL) {
        to = set_new_for(m->p, m->len);
        set_add(to, m->p, m->len);
        db_add(ctx->db, dst->p, dst->len, to);
        obj_release(to);
        set_event(ctx, "sadd", dst);
        server.dirty++;
    } else if (set_add(to, m->p, m->len)) {
        handler_signal_modified(ctx->db, dst);
        set_event(ctx, "sadd", dst);
        server.dirty++;
    }
    reply_int(ctx->c, 1);
}

/* ---- reads ------------------------------------------------------------------------------ */

/* SCARD key */
void cmd_scard(struct cmd_ctx *ctx)
{
    struct obj *s;
    if (lookup_set(ctx, &ctx->argv[1], DB_LOOKUP_READ, &s))
        reply_int(ctx->c, s != NULL ? (long long)set_len(s) : 0);
}

/* SISMEMBER key member */
void cmd_sismember(struct cmd_ctx *ctx)
{
    struct obj *s;
    if (lookup_set(ctx, &ctx->argv[1], DB_LOOKUP_READ, &s))
        reply_int(ctx->c, s != NULL && set_contains(s, ctx->argv[2].p, ctx->argv[2].len));
}

/* SMISMEMBER key member [member ...]: a missing key answers 0 for every member. */
void cmd_smismember(struct cmd_ctx *ctx)
{
    struct obj *s;
    if (!lookup_set(ctx, &ctx->argv[1], DB_LOOKUP_READ, &s))
        return;
    reply_array(ctx->c, ctx->argc - 2);
    for (int i = 2; i < ctx->argc; i++)
        reply_int(ctx->c, s != NULL && set_contains(s, ctx->argv[i].p, ctx->argv[i].len));
}

/* ---- SINTER family ---------------------------------------------------------------------- */

/* Missing keys (NULL) count as empty sets. */
static size_t size_of(struct obj *s) { return s != NULL ? set_len(s) : 0; }

static int by_size(const void *a, const void *b)
{
    size_t x = size_of(*(struct obj *const *)a), y = size_of(*(struct obj *const *)b);
    return x < y ? -1 : x > y;
}

/* Looks up keys[0..n) into sets (NULL for missing keys). False after replying WRONGTYPE:
 * every key is type-checked even after a missing one, as Redis does. */
static bool lookup_sets(struct cmd_ctx *ctx, const struct slice *keys, int n, int flags,
                        struct obj **sets)
{
    for (int i = 0; i < n; i++)
        if (!lookup_set(ctx, &keys[i], flags, &sets[i]))
            return false;
    return true;
}

enum inter_mode { INTER_REPLY, INTER_CARD, INTER_STORE };

/* SINTER, SMEMBERS, SINTERCARD and SINTERSTORE: walks the smallest set and keeps members every
 * other set holds. Any missing key makes the result empty. limit (CARD only): stop counting
 * there, 0 for no limit. */
static void inter_generic(struct cmd_ctx *ctx, const struct slice *keys, int n,
                          enum inter_mode mode, const struct slice *dst, long long limit)
{
    struct obj **sets = mem_alloc(sizeof(*sets) * (size_t)n);
    /* Redis 7.0 reads the sources with lookupKeyRead even for STORE: a hit, or a miss with
     * its keymiss event. */
    if (!lookup_sets(ctx, keys, n, DB_LOOKUP_READ, sets)) {
        mem_free(sets);
        return;
    }
    bool empty = false;
    for (int i = 0; i < n; i++)
        empty = empty || sets[i] == NULL;
    if (empty) {
        mem_free(sets);
        if (mode == INTER_STORE)
            store_result(ctx, dst, set_new(), "sinterstore");
        else if (mode == INTER_CARD)
            reply_int(ctx->c, 0);
        else
            reply_set(ctx->c, 0);
        return;
    }
    qsort(sets, (size_t)n, sizeof(*sets), by_size);

    struct obj *res = mode == INTER_STORE ? set_new() : NULL;
    void *handle = mode == INTER_REPLY ? reply_defer(ctx->c) : NULL;
    long long count = 0;
    struct set_iter it;
    const char *p;
    size_t len;
    set_iter_init(&it, sets[0]);
    while (set_iter_next(&it, &p, &len)) {
        int j = 1;
        for (; j < n; j++)
            if (sets[j] != sets[0] && !set_contains(sets[j], p, len))
                break;
        if (j < n)
            continue;
        count++;
        if (mode == INTER_REPLY)
            reply_bulk(ctx->c, p, len);
        else if (mode == INTER_STORE)
            set_add(res, p, len);
        else if (limit > 0 && count >= limit)
            break;
    }
    set_iter_done(&it);
    mem_free(sets);

    if (mode == INTER_REPLY)
        reply_defer_set_set(ctx->c, handle, count);
    else if (mode == INTER_CARD)
        reply_int(ctx->c, count);
    else
        store_result(ctx, dst, res, "sinterstore");
}

/* SMEMBERS key (Redis 7.0 runs it as a one-key SINTER). */
void cmd_smembers(struct cmd_ctx *ctx)
{
    inter_generic(ctx, &ctx->argv[1], 1, INTER_REPLY, NULL, 0);
}

/* SINTER key [key ...] */
void cmd_sinter(struct cmd_ctx *ctx)
{
    inter_generic(ctx, &ctx->argv[1], ctx->argc - 1, INTER_REPLY, NULL, 0);
}

/* SINTERSTORE destination key [key ...] */
void cmd_sinterstore(struct cmd_ctx *ctx)
{
    inter_generic(ctx, &ctx->argv[2], ctx->argc - 2, INTER_STORE, &ctx->argv[1], 0);
}

/* SINTERCARD numkeys key [key ...] [LIMIT limit]: every option is parsed before any key is
 * read, and a repeated LIMIT keeps the last one. */
void cmd_sintercard(struct cmd_ctx *ctx)
{
    long long numkeys, limit = 0;
    if (!arg_to_ll(&ctx->argv[1], &numkeys) || numkeys < 1) {
        reply_error(ctx->c, ERR_NUMKEYS_POSITIVE);
        return;
    }
    if (numkeys > ctx->argc - 2) {
        reply_error(ctx->c, ERR_NUMKEYS_GT_ARGS);
        return;
    }
    for (int i = 2 + (int)numkeys; i < ctx->argc; i++) {
        if (arg_is(&ctx->argv[i], "limit") && i + 1 < ctx->argc) {
            i++;
            if (!arg_to_ll(&ctx->argv[i], &limit) || limit < 0) {
                reply_error(ctx->c, ERR_LIMIT_NEGATIVE);
                return;
            }
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    inter_generic(ctx, &ctx->argv[2], (int)numkeys, INTER_CARD, NULL, limit);
}

/* ---- SUNION and SDIFF families ---------------------------------------------------------- */

enum set_op { OP_UNION, OP_DIFF };

static int by_size_desc(const void *a, const void *b) { return by_size(b, a); }

/* The members of sets[0] that no other set holds. Two strategies, picked by estimated work as
 * Redis picks them: probe every other set for each member of the first (others sorted largest
 * first, so a hit comes early), or copy the first and strike out every other set's members. */
static struct obj *diff_of(struct obj **sets, int n)
{
    struct obj *res = set_new();
    for (int i = 1; i < n; i++)
        if (sets[i] == sets[0])
            return res; /* X minus X is empty whatever else is subtracted */
    unsigned long long probe_work = 0, strike_work = 0;
    for (int i = 0; i < n; i++) {
        if (sets[i] == NULL)
            continue;
        probe_work += set_len(sets[0]);
        strike_work += set_len(sets[i]);
    }
    probe_work /= 2; /* a probe usually stops before the last set */
    struct set_iter it;
    const char *p;
    size_t len;
    if (probe_work <= strike_work) {
        if (n > 2)
            qsort(sets + 1, (size_t)n - 1, sizeof(*sets), by_size_desc);
        set_iter_init(&it, sets[0]);
        while (set_iter_next(&it, &p, &len)) {
            int j = 1;
            for (; j < n; j++)
                if (sets[j] != NULL && set_contains(sets[j], p, len))
                    break;
            if (j == n)
                set_add(res, p, len);
        }
        set_iter_done(&it);
        return res;
    }
    set_iter_init(&it, sets[0]);
    while (set_iter_next(&it, &p, &len))
        set_add(res, p, len);
    set_iter_done(&it);
    for (int j = 1; j < n && set_len(res) > 0; j++) {
        if (sets[j] == NULL)
            continue;
        set_iter_init(&it, sets[j]);
        while (set_iter_next(&it, &p, &len))
            set_remove(res, p, len);
        set_iter_done(&it);
    }
    return res;
}

/* SUNION, SDIFF and their STORE forms. The result is built as a new set first (an intset
 * while it can be, as in Redis), then replied or stored. */
static void union_diff_generic(struct cmd_ctx *ctx, const struct slice *keys, int n,
                               enum set_op op, const struct slice *dst)
{
    struct obj **sets = mem_alloc(sizeof(*sets) * (size_t)n);
    if (!lookup_sets(ctx, keys, n, DB_LOOKUP_READ, sets)) {
        mem_free(sets);
        return;
    }
    struct obj *res;
    if (op == OP_DIFF) {
        res = sets[0] != NULL ? diff_of(sets, n) : set_new();
    } else {
        res = set_new();
        for (int i = 0; i < n; i++) {
            if (sets[i] == NULL)
                continue;
            struct set_iter it;
            const char *p;
            size_t len;
            set_iter_init(&it, sets[i]);
            while (set_iter_next(&it, &p, &len))
                set_add(res, p, len);
            set_iter_done(&it);
        }
    }
    mem_free(sets);
    if (dst != NULL) {
        store_result(ctx, dst, res, op == OP_DIFF ? "sdiffstore" : "sunionstore");
        return;
    }
    reply_set(ctx->c, (long long)set_len(res));
    emit_all(ctx->c, res);
    obj_release(res);
}

/* SUNION key [key ...] */
void cmd_sunion(struct cmd_ctx *ctx)
{
    union_diff_generic(ctx, &ctx->argv[1], ctx->argc - 1, OP_UNION, NULL);
}

/* SUNIONSTORE destination key [key ...] */
void cmd_sunionstore(struct cmd_ctx *ctx)
{
    union_diff_generic(ctx, &ctx->argv[2], ctx->argc - 2, OP_UNION, &ctx->argv[1]);
}

/* SDIFF key [key ...] */
void cmd_sdiff(struct cmd_ctx *ctx)
{
    union_diff_generic(ctx, &ctx->argv[1], ctx->argc - 1, OP_DIFF, NULL);
}

/* SDIFFSTORE destination key [key ...] */
void cmd_sdiffstore(struct cmd_ctx *ctx)
{
    union_diff_generic(ctx, &ctx->argv[2], ctx->argc - 2, OP_DIFF, &ctx->argv[1]);
}

/* ---- SPOP, SRANDMEMBER ------------------------------------------------------------------ */

/* SPOP key count: the whole set when count reaches its size (and the key goes); otherwise
 * random draws, or, when few members would stay, Redis's trick of drawing the survivors into
 * a new set that replaces the old one (so the survivors may become an intset again). */
static void spop_count(struct cmd_ctx *ctx)
{
    const struct slice *key = &ctx->argv[1];
    long long count;
    if (!arg_to_ll(&ctx->argv[2], &count) || count < 0) {
        reply_error(ctx->c, ERR_MUST_BE_POSITIVE);
        return;
    }
    struct obj *s;
    if (!lookup_set(ctx, key, DB_LOOKUP_WRITE, &s))
        return;
    if (s == NULL || count == 0) {
        reply_set(ctx->c, 0);
        return;
    }
    /* Redis publishes spop before it replies (a RESP3 listener on its own key sees it first). */
    set_event(ctx, "spop", key);
    size_t size = set_len(s);
    if ((unsigned long long)count >= size) {
        reply_set(ctx->c, (long long)size);
        emit_all(ctx->c, s);
        db_delete(ctx->db, key->p, key->len);
        del_event(ctx, key);
        server.dirty += (long long)size;
        propagate_del(ctx->db, key); /* AOF: popping everything is written as DEL */
        return;
    }
    size_t n = (size_t)count, remaining = size - n;
    reply_set(ctx->c, count);
    if (remaining * 5 > n) {
        for (size_t i = 0; i < n; i++)
            set_pop(s, emit_bulk_srem, ctx);
        handler_signal_modified(ctx->db, key);
    } else {
        struct obj *survivors = set_split_random(s, remaining);
        emit_all_srem(ctx, s);
        db_set(ctx->db, key->p, key->len, survivors, DB_SET_KEEPTTL);
        obj_release(survivors);
    }
    server.dirty += count;
}

/* SPOP key [count] */
void cmd_spop(struct cmd_ctx *ctx)
{
    if (ctx->argc == 3) {
        spop_count(ctx);
        return;
    }
    if (ctx->argc > 3) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    const struct slice *key = &ctx->argv[1];
    struct obj *s;
    if (!lookup_set(ctx, key, DB_LOOKUP_WRITE, &s))
        return;
    if (s == NULL) {
        reply_null(ctx->c);
        return;
    }
    set_event(ctx, "spop", key);
    set_pop(s, emit_bulk_srem, ctx);
    if (set_len(s) == 0) {
        db_delete(ctx->db, key->p, key->len);
        del_event(ctx, key);
    } else {
        handler_signal_modified(ctx->db, key);
    }
    server.dirty++;
}

/* SRANDMEMBER key [count]: a positive count gives distinct members (at most the whole set), a
 * negative one |count| independent picks; always an array, also in RESP3. */
void cmd_srandmember(struct cmd_ctx *ctx)
{
    if (ctx->argc > 3) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    long long count = 0;
    if (ctx->argc == 3) {
        if (!arg_to_ll(&ctx->argv[2], &count)) {
            reply_error(ctx->c, ERR_NOT_INTEGER);
            return;
        }
        if (count < -LLONG_MAX) {
            reply_error(ctx->c, ERR_INT_RANGE, -LLONG_MAX, LLONG_MAX);
            return;
        }
    }
    struct obj *s;
    if (!lookup_set(ctx, &ctx->argv[1], DB_LOOKUP_READ, &s))
        return;
    if (ctx->argc == 2) {
        if (s == NULL) {
            reply_null(ctx->c);
            return;
        }
        char buf[SET_ELEMBUF];
        const char *p;
        size_t len;
        set_random(s, buf, &p, &len);
        reply_bulk(ctx->c, p, len);
        return;
    }
    if (s == NULL || count == 0) {
        reply_empty_array(ctx->c);
        return;
    }
    if (count < 0) {
        reply_array(ctx->c, -count);
        set_random_many(s, (size_t)-count, false, emit_bulk, ctx->c);
        return;
    }
    size_t size = set_len(s);
    if ((unsigned long long)count >= size) {
        reply_array(ctx->c, (long long)size);
        emit_all(ctx->c, s);
        return;
    }
    reply_array(ctx->c, count);
    set_random_many(s, (size_t)count, true, emit_bulk, ctx->c);
}

/* ---- SSCAN ------------------------------------------------------------------------------ */

/* Members gathered by one SSCAN call, filtered by MATCH as they come: each record is the
 * member's length then its bytes. */
struct scan_batch {
    struct buf bytes;
    const struct slice *pattern; /* NULL: keep all */
    size_t kept;
};

static void scan_collect(void *ud, const char *p, size_t len)
{
    struct scan_batch *b = ud;
    if (b->pattern != NULL && !glob_match(b->pattern->p, b->pattern->len, p, len, false))
        return;
    buf_append(&b->bytes, &len, sizeof(len));
    buf_append(&b->bytes, p, len);
    b->kept++;
}

/* SSCAN key cursor [MATCH pattern] [COUNT count]: the key is looked up before the options are
 * read, so a missing key answers an empty scan whatever follows. */
void cmd_sscan(struct cmd_ctx *ctx)
{
    unsigned long long cursor;
    if (!arg_to_cursor(&ctx->argv[2], &cursor)) {
        reply_error(ctx->c, ERR_INVALID_CURSOR);
        return;
    }
    struct obj *s;
    if (!lookup_set(ctx, &ctx->argv[1], DB_LOOKUP_READ, &s))
        return;
    if (s == NULL) {
        handler_reply_empty_scan(ctx->c);
        return;
    }
    struct scan_batch b = {.pattern = NULL, .kept = 0};
    long long count;
    if (!handler_scan_opts(ctx, 3, &b.pattern, &count))
        return;
    buf_init(&b.bytes);
    cursor = set_scan(s, cursor, (size_t)count, scan_collect, &b);

    char num[NUM_LL_MAXLEN];
    size_t nlen = num_ull2str(num, cursor);
    reply_array(ctx->c, 2);
    reply_bulk(ctx->c, num, nlen);
    reply_array(ctx->c, (long long)b.kept);
    const char *rd = buf_head(&b.bytes);
    for (size_t i = 0; i < b.kept; i++) {
        size_t len;
        memcpy(&len, rd, sizeof(len));
        reply_bulk(ctx->c, rd + sizeof(len), len);
        rd += sizeof(len) + len;
    }
    buf_deinit(&b.bytes);
}
