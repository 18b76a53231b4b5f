/* server/cmd_hash.c: the hash command handlers.
 *
 * Owns argument parsing, the order of error checks and the reply shapes of the hash group,
 * matched to Redis 7.0 in RESP2 and RESP3. It must not know how hashes are stored: fields go
 * through storage/hash.h, keys through storage/db.h (so WATCH hears of every change).
 * Start at cmd_hset() for writes and cmd_hrandfield() for the only intricate reply.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/cmd_hash.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "server/args.h"
#include "server/handler.h"
#include "server/notify.h"
#include "server/propagate.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/hash.h"
#include "utils/buf.h"
#include "utils/glob.h"
#include "utils/mem.h"

/* ---- shared helpers ------------------------------------------------------------------- */

/* The hash at key (NULL when absent); false after replying WRONGTYPE. */
static bool lookup_hash(struct cmd_ctx *ctx, int flags, struct obj **out)
{
    return handler_lookup_typed(ctx, &ctx->argv[1], OBJ_HASH, flags, out);
}

/* The hash at key for a write, or a new empty one not yet in the keyspace (*is_new): the
 * caller fills it and then calls store_hash(), so the key appears with its first fields. */
static bool lookup_or_new(struct cmd_ctx *ctx, struct obj **out, bool *is_new)
{
    if (!lookup_hash(ctx, DB_LOOKUP_WRITE, out))
        return false;
    *is_new = *out == NULL;
    if (*is_new)
        *out = hash_new();
    return true;
}

/* Puts a new hash into the keyspace (db_add tells the hooks) or signals an edited one. */
static void store_hash(struct cmd_ctx *ctx, struct obj *h, bool is_new, bool changed)
{
    const struct slice *key = &ctx->argv[1];
    if (is_new) {
        if (hash_len(h) > 0)
            db_add(ctx->db, key->p, key->len, h);
        obj_release(h);
    } else if (changed) {
        handler_signal_modified(ctx->db, key);
    }
}

/* The hash class event for argv[1]. Redis publishes the hash write events after replying,
 * which a RESP3 client listening to its own keys can see. */
static void hash_event(struct cmd_ctx *ctx, const char *event)
{
    notify_keyspace_event(NOTIFY_HASH, event, ctx->argv[1].p, ctx->argv[1].len, ctx->db->id);
}

/* ---- HSET, HMSET, HSETNX ----------------------------------------------------------------- */

/* Sets every field/value pair of argv[2..]; returns how many fields were new, or -1 after
 * replying an error. */
static long long set_pairs(struct cmd_ctx *ctx)
{
    if (ctx->argc % 2 != 0) {
        reply_error(ctx->c, ERR_WRONG_ARITY, ctx->cmd->name);
        return -1;
    }
    struct obj *h;
    bool is_new;
    if (!lookup_or_new(ctx, &h, &is_new))
        return -1;
    hash_prepare_write(h, &ctx->argv[2], ctx->argc - 2);
    long long created = 0;
    for (int i = 2; i < ctx->argc; i += 2) {
        const struct slice *f = &ctx->argv[i], *v = &ctx->argv[i + 1];
        if (hash_set(h, f->p, f->len, v->p, v->len))
            created++;
    }
    store_hash(ctx, h, is_new, true);
    server.dirty += (ctx->argc - 2) / 2;
    return created;
}

/* HSET key field value [field value ...] */
void cmd_hset(struct cmd_ctx *ctx)
{
    long long created = set_pairs(ctx);
    if (created >= 0) {
        reply_int(ctx->c, created);
        hash_event(ctx, "hset");
    }
}

/* HMSET key field value [field value ...] */
void cmd_hmset(struct cmd_ctx *ctx)
{
    if (set_pairs(ctx) >= 0) {
        reply_ok(ctx->c);
        hash_event(ctx, "hset");
    }
}

/* HSETNX key field value: a refused HSETNX leaves the encoding alone, even for long
 * arguments (hash_set converts only when it stores). */
void cmd_hsetnx(struct cmd_ctx *ctx)
{
    struct obj *h;
    bool is_new;
    if (!lookup_or_new(ctx, &h, &is_new))
        return;
    const struct slice *f = &ctx->argv[2], *v = &ctx->argv[3];
    bool set = !hash_exists(h, f->p, f->len);
    if (set) {
        hash_set(h, f->p, f->len, v->p, v->len);
        server.dirty++;
    }
    store_hash(ctx, h, is_new, set);
    reply_int(ctx->c, set ? 1 : 0);
    if (set)
        hash_event(ctx, "hset");
}

/* ---- reads --------------------------------------------------------------------------------- */

/* HGET key field */
void cmd_hget(struct cmd_ctx *ctx)
{
    struct obj *h;
    if (!lookup_hash(ctx, DB_LOOKUP_READ, &h))
        return;
    char buf[HASH_VALBUF];
    const char *v;
    size_t vlen;
    if (h != NULL && hash_get(h, ctx->argv[2].p, ctx->argv[2].len, buf, &v, &vlen))
        reply_bulk(ctx->c, v, vlen);
    else
        reply_null(ctx->c);
}

/* HMGET key field [field ...] */
void cmd_hmget(struct cmd_ctx *ctx)
{
    struct obj *h;
    if (!lookup_hash(ctx, DB_LOOKUP_READ, &h))
        return;
    reply_array(ctx->c, ctx->argc - 2);
    for (int i = 2; i < ctx->argc; i++) {
        char buf[HASH_VALBUF];
        const char *v;
        size_t vlen;
        if (h != NULL && hash_get(h, ctx->argv[i].p, ctx->argv[i].len, buf, &v, &vlen))
            reply_bulk(ctx->c, v, vlen);
        else
            reply_null(ctx->c);
    }
}

/* HLEN key */
void cmd_hlen(struct cmd_ctx *ctx)
{
    struct obj *h;
    if (lookup_hash(ctx, DB_LOOKUP_READ, &h))
        reply_int(ctx->c, h != NULL ? (long long)hash_len(h) : 0);
}

/* HSTRLEN key field */
void cmd_hstrlen(struct cmd_ctx *ctx)
{
    struct obj *h;
    if (!lookup_hash(ctx, DB_LOOKUP_READ, &h))
        return;
    char buf[HASH_VALBUF];
    const char *v;
    size_t vlen = 0;
    if (h == NULL || !hash_get(h, ctx->argv[2].p, ctx->argv[2].len, buf, &v, &vlen))
        vlen = 0;
    reply_int(ctx->c, (long long)vlen);
}

/* HEXISTS key field */
void cmd_hexists(struct cmd_ctx *ctx)
{
    struct obj *h;
    if (lookup_hash(ctx, DB_LOOKUP_READ, &h))
        reply_int(ctx->c, h != NULL && hash_exists(h, ctx->argv[2].p, ctx->argv[2].len));
}

enum { WANT_FIELDS = 1, WANT_VALUES = 2 };

/* HKEYS, HVALS, HGETALL: a missing key is an empty array (HGETALL: an empty map). */
static void get_all(struct cmd_ctx *ctx, int want)
{
    struct obj *h;
    if (!lookup_hash(ctx, DB_LOOKUP_READ, &h))
        return;
    long long n = h != NULL ? (long long)hash_len(h) : 0;
    if (want == (WANT_FIELDS | WANT_VALUES))
        reply_map(ctx->c, n);
    else
        reply_array(ctx->c, n);
    if (h == NULL)
        return;
    struct hash_iter it;
    const char *f, *v;
    size_t flen, vlen;
    hash_iter_init(&it, h);
    while (hash_iter_next(&it, &f, &flen, &v, &vlen)) {
        if (want & WANT_FIELDS)
            reply_bulk(ctx->c, f, flen);
        if (want & WANT_VALUES)
            reply_bulk(ctx->c, v, vlen);
    }
    hash_iter_done(&it);
}

void cmd_hkeys(struct cmd_ctx *ctx) { get_all(ctx, WANT_FIELDS); }
void cmd_hvals(struct cmd_ctx *ctx) { get_all(ctx, WANT_VALUES); }
void cmd_hgetall(struct cmd_ctx *ctx) { get_all(ctx, WANT_FIELDS | WANT_VALUES); }

/* ---- HDEL ---------------------------------------------------------------------------------- */

/* HDEL key field [field ...]: an emptied hash's key goes away. */
void cmd_hdel(struct cmd_ctx *ctx)
{
    struct obj *h;
    if (!lookup_hash(ctx, DB_LOOKUP_WRITE, &h))
        return;
    long long deleted = 0;
    for (int i = 2; h != NULL && i < ctx->argc; i++) {
        if (hash_delete(h, ctx->argv[i].p, ctx->argv[i].len))
            deleted++;
        if (hash_len(h) == 0)
            break;
    }
    if (deleted > 0) {
        hash_event(ctx, "hdel");
        if (hash_len(h) == 0) {
            db_delete(ctx->db, ctx->argv[1].p, ctx->argv[1].len);
            notify_keyspace_event(NOTIFY_GENERIC, "del", ctx->argv[1].p, ctx->argv[1].len,
                                  ctx->db->id);
        } else {
            handler_signal_modified(ctx->db, &ctx->argv[1]);
        }
        server.dirty += deleted;
    }
    reply_int(ctx->c, deleted);
}

/* ---- HINCRBY, HINCRBYFLOAT ----------------------------------------------------------------- */

/* HINCRBY key field increment: the increment is checked before the key's type, as Redis does. */
void cmd_hincrby(struct cmd_ctx *ctx)
{
    long long incr, cur = 0;
    if (!arg_to_ll(&ctx->argv[3], &incr)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return;
    }
    struct obj *h;
    bool is_new;
    if (!lookup_or_new(ctx, &h, &is_new))
        return;
    const struct slice *f = &ctx->argv[2];
    char buf[HASH_VALBUF];
    const char *v;
    size_t vlen;
    if (hash_get(h, f->p, f->len, buf, &v, &vlen) && !num_str2ll(v, vlen, &cur)) {
        store_hash(ctx, h, is_new, false);
        reply_error(ctx->c, ERR_HASH_NOT_INT);
        return;
    }
    if (__builtin_add_overflow(cur, incr, &cur)) {
        store_hash(ctx, h, is_new, false);
        reply_error(ctx->c, ERR_OVERFLOW);
        return;
    }
    char out[NUM_LL_MAXLEN];
    size_t olen = num_ll2str(out, cur);
    hash_set(h, f->p, f->len, out, olen);
    store_hash(ctx, h, is_new, true);
    server.dirty++;
    reply_int(ctx->c, cur);
    hash_event(ctx, "hincrby");
}

/* HINCRBYFLOAT key field increment */
void cmd_hincrbyfloat(struct cmd_ctx *ctx)
{
    long double incr, cur = 0;
    if (!arg_to_ld(&ctx->argv[3], &incr)) {
        reply_error(ctx->c, ERR_NOT_FLOAT);
        return;
    }
    if (isnan(incr) || isinf(incr)) {
        reply_error(ctx->c, ERR_VALUE_NAN_INF);
        return;
    }
    struct obj *h;
    bool is_new;
    if (!lookup_or_new(ctx, &h, &is_new))
        return;
    const struct slice *f = &ctx->argv[2];
    char buf[HASH_VALBUF];
    const char *v;
    size_t vlen;
    if (hash_get(h, f->p, f->len, buf, &v, &vlen) && !num_str2ld(v, vlen, &cur)) {
        store_hash(ctx, h, is_new, false);
        reply_error(ctx->c, ERR_HASH_NOT_FLOAT);
        return;
    }
    cur += incr;
    if (isnan(cur) || isinf(cur)) {
        store_hash(ctx, h, is_new, false);
        reply_error(ctx->c, ERR_NAN_INF);
        return;
    }
    char *out = mem_alloc(NUM_LD_MAXLEN);
    size_t olen = num_ld2str_cap(out, NUM_LD_MAXLEN, cur);
    hash_set(h, f->p, f->len, out, olen);
    store_hash(ctx, h, is_new, true);
    server.dirty++;
    /* AOF: the resulting value as HSET, so a replay cannot round differently (Redis 7.0). */
    struct slice av[4] = {{"HSET", 4}, ctx->argv[1], *f, {out, olen}};
    propagate_replace(ctx->db, 4, av);
    reply_bulk(ctx->c, out, olen);
    hash_event(ctx, "hincrbyfloat");
    mem_free(out);
}

/* ---- HRANDFIELD ---------------------------------------------------------------------------- */

struct rand_reply {
    struct conn *c;
    bool withvalues;
};

static void rand_emit(void *ud, const char *f, size_t flen, const char *v, size_t vlen)
{
    struct rand_reply *r = ud;
    if (!r->withvalues) {
        reply_bulk(r->c, f, flen);
        return;
    }
    /* RESP3 pairs each field with its value; RESP2 flattens them. */
    if (r->c->proto == RESP3)
        reply_array(r->c, 2);
    reply_bulk(r->c, f, flen);
    reply_bulk(r->c, v, vlen);
}

/* HRANDFIELD key [count [WITHVALUES]]: a positive count gives distinct fields (at most the
 * whole hash), a negative one |count| independent picks. */
void cmd_hrandfield(struct cmd_ctx *ctx)
{
    long long count = 0;
    bool withvalues = false;
    if (ctx->argc >= 3) {
        if (!arg_to_ll(&ctx->argv[2], &count)) {
            reply_error(ctx->c, ERR_NOT_INTEGER);
            return;
        }
        if (count < -LLONG_MAX) {
            reply_error(ctx->c, ERR_INT_RANGE, -LLONG_MAX, LLONG_MAX);
            return;
        }
        if (ctx->argc > 4 || (ctx->argc == 4 && !arg_is(&ctx->argv[3], "withvalues"))) {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
        if (ctx->argc == 4) {
            withvalues = true;
            /* Redis refuses counts whose doubled reply length would overflow. */
            if (count < -LLONG_MAX / 2 || count > LLONG_MAX / 2) {
                reply_error(ctx->c, ERR_VALUE_OUT_OF_RANGE);
                return;
            }
        }
    }
    struct obj *h;
    if (!lookup_hash(ctx, DB_LOOKUP_READ, &h))
        return;
    if (ctx->argc == 2) {
        struct rand_reply r = {ctx->c, false};
        if (h == NULL)
            reply_null(ctx->c);
        else
            hash_random(h, 1, false, rand_emit, &r);
        return;
    }
    if (h == NULL || count == 0) {
        reply_empty_array(ctx->c);
        return;
    }
    bool distinct = count > 0;
    size_t n = distinct ? (size_t)count : (size_t)-count;
    if (distinct && n > hash_len(h))
        n = hash_len(h);
    struct rand_reply r = {ctx->c, withvalues};
    reply_array(ctx->c, withvalues && ctx->c->proto != RESP3 ? (long long)n * 2 : (long long)n);
    hash_random(h, n, distinct, rand_emit, &r);
}

/* ---- HSCAN --------------------------------------------------------------------------------- */

/* Pairs gathered by one HSCAN call, filtered by MATCH as they come: each record is the
 * field's length and bytes then the value's. */
struct scan_batch {
    struct buf bytes;
    const struct slice *pattern; /* NULL: keep all */
    size_t kept;
};

static void scan_collect(void *ud, const char *f, size_t flen, const char *v, size_t vlen)
{
    struct scan_batch *b = ud;
    if (b->pattern != NULL && !glob_match(b->pattern->p, b->pattern->len, f, flen, false))
        return;
    buf_append(&b->bytes, &flen, sizeof(flen));
    buf_append(&b->bytes, f, flen);
    buf_append(&b->bytes, &vlen, sizeof(vlen));
    buf_append(&b->bytes, v, vlen);
    b->kept++;
}

static const char *scan_next_item(const char *rd, const char **p, size_t *len)
{
    memcpy(len, rd, sizeof(*len));
    *p = rd + sizeof(*len);
    return *p + *len;
}

/* HSCAN key cursor [MATCH pattern] [COUNT count]: the key is looked up before the options
 * are read, so a missing key answers an empty scan whatever follows. */
void cmd_hscan(struct cmd_ctx *ctx)
{
    unsigned long long cursor;
    if (!arg_to_cursor(&ctx->argv[2], &cursor)) {
        reply_error(ctx->c, ERR_INVALID_CURSOR);
        return;
    }
    struct obj *h;
    if (!lookup_hash(ctx, DB_LOOKUP_READ, &h))
        return;
    if (h == NULL) {
        handler_reply_empty_scan(ctx->c);
        return;
    }
    struct scan_batch b = {.pattern = NULL, .kept = 0};
    long long count;
    if (!handler_scan_opts(ctx, 3, &b.pattern, &count))
        return;
    buf_init(&b.bytes);
    /* Redis counts fields and values alike against COUNT, so a call gathers half as many
     * pairs. */
    cursor = hash_scan(h, cursor, ((size_t)count + 1) / 2, scan_collect, &b);

    char num[NUM_LL_MAXLEN];
    size_t nlen = num_ull2str(num, cursor);
    reply_array(ctx->c, 2);
    reply_bulk(ctx->c, num, nlen);
    reply_array(ctx->c, (long long)b.kept * 2);
    const char *rd = buf_head(&b.bytes);
    for (size_t i = 0; i < b.kept * 2; i++) {
        const char *p;
        size_t len;
        rd = scan_next_item(rd, &p, &len);
        reply_bulk(ctx->c, p, len);
    }
    buf_deinit(&b.bytes);
}
