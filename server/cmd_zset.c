/* server/cmd_zset.c: the sorted set command handlers, blocking pops included.
 *
 * Owns argument parsing, the order of error checks and the reply shapes of the sorted set
 * group, matched to Redis 7.0 in RESP2 and RESP3. It must not know how sorted sets are
 * stored: members go through storage/zset.h (ranks, ranges, iterators), keys through
 * storage/db.h so WATCH and blocked clients hear of every change.
 * Start at zadd_generic(), zrange_generic() and setop_generic(); the rest are short.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/cmd_zset.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "server/args.h"
#include "server/blocking.h"
#include "server/handler.h"
#include "server/notify.h"
#include "server/propagate.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/set.h"
#include "storage/zset.h"
#include "utils/glob.h"
#include "utils/mem.h"
#include "utils/rand.h"

/* ---- shared helpers ------------------------------------------------------------------------ */

/* After members were removed: the command's event, then an emptied set is deleted (with
 * Redis's "del" event), otherwise the edit is signalled. */
static void delete_if_empty(struct db *db, const struct slice *key, struct obj *z);

static void after_removal(struct db *db, const struct slice *key, struct obj *z,
                          const char *event)
{
    notify_keyspace_event(NOTIFY_ZSET, event, key->p, key->len, db->id);
    delete_if_empty(db, key, z);
}

/* An emptied set is deleted (with Redis's "del" event), otherwise the edit is signalled. */
static void delete_if_empty(struct db *db, const struct slice *key, struct obj *z)
{
    if (zset_len(z) == 0) {
        db_delete(db, key->p, key->len);
        notify_keyspace_event(NOTIFY_GENERIC, "del", key->p, key->len, db->id);
    } else {
        handler_signal_modified(db, key);
    }
}

/* The sorted set at key (*out NULL when absent); replies WRONGTYPE and returns false. */
static bool lookup_zset(struct cmd_ctx *ctx, const struct slice *key, int flags, struct obj **out)
{
    return handler_lookup_typed(ctx, key, OBJ_ZSET, flags, out);
}

/* Stores a computed result at dst (db_set drops any TTL, as Redis's setKey does), or
 * deletes dst when the result is empty; replies the resulting length. Takes res. */
static void store_result(struct cmd_ctx *ctx, const struct slice *dst, struct obj *res,
                         const char *event)
{
    size_t n = zset_len(res);
    bool deleted = false;
    if (n != 0) {
        db_set(ctx->db, dst->p, dst->len, res, 0);
        server.dirty++;
    } else if (db_delete(ctx->db, dst->p, dst->len)) {
        deleted = true;
        server.dirty++;
    }
    obj_release(res);
    /* Redis replies first and publishes after, for either outcome. */
    reply_int(ctx->c, (long long)n);
    if (n != 0)
        notify_keyspace_event(NOTIFY_ZSET, event, dst->p, dst->len, ctx->db->id);
    else if (deleted)
        notify_keyspace_event(NOTIFY_GENERIC, "del", dst->p, dst->len, ctx->db->id);
}

/* Header for n elements, with scores as pairs in RESP3 and flattened in RESP2. */
static void reply_elems_header(struct conn *c, size_t n, bool withscores)
{
    reply_array(c, (long long)(withscores && c->proto == RESP2 ? n * 2 : n));
}

static void reply_elem(struct conn *c, const struct zset_elem *e, bool withscores)
{
    if (withscores && c->proto == RESP3)
        reply_array(c, 2);
    reply_bulk(c, e->p, e->len);
    if (withscores)
        reply_double(c, e->score);
}

/* n elements from forward rank start, toward rank 0 when rev. */
static void reply_ranks(struct conn *c, const struct obj *z, size_t start, size_t n, bool rev,
                        bool withscores)
{
    struct zset_iter it;
    struct zset_elem e;
    reply_elems_header(c, n, withscores);
    zset_iter_init(&it, z, start, n, rev);
    while (zset_iter_next(&it, &e))
        reply_elem(c, &e, withscores);
}

/* A score as ZADD and weights read it: "ERR value is not a valid float" on failure. */
static bool parse_score(struct cmd_ctx *ctx, const struct slice *a, double *out)
{
    if (!arg_to_double(a, out)) {
        reply_error(ctx->c, ERR_NOT_FLOAT);
        return false;
    }
    return true;
}

/* One end of a score range, as Redis's zslParseRange: an optional "(" then whatever strtod
 * takes up to the first NUL (so leading spaces and an empty rest pass, NaN does not). */
static bool parse_score_bound(const struct slice *a, double *v, bool *ex)
{
    const char *p = a->p;
    size_t len = a->len;
    *ex = len > 0 && p[0] == '(';
    if (*ex) {
        p++;
        len--;
    }
    char stackbuf[128];
    char *s = len < sizeof(stackbuf) ? stackbuf : mem_alloc(len + 1);
    memcpy(s, p, len);
    s[len] = '\0';
    char *end;
    *v = strtod(s, &end);
    bool ok = *end == '\0' && !isnan(*v);
    if (s != stackbuf)
        mem_free(s);
    return ok;
}

static bool parse_range(const struct slice *min, const struct slice *max, struct zset_range *r)
{
    return parse_score_bound(min, &r->min, &r->minex) && parse_score_bound(max, &r->max, &r->maxex);
}

/* "-", "+", "[member" or "(member". */
static bool parse_lex_bound(const struct slice *a, struct zset_lex_bound *b)
{
    if (a->len == 0)
        return false;
    b->p = a->p + 1;
    b->len = a->len - 1;
    switch (a->p[0]) {
    case '-':
    case '+':
        if (a->len != 1)
            return false;
        b->kind = a->p[0] == '-' ? ZSET_LEX_NEG_INF : ZSET_LEX_POS_INF;
        b->ex = true;
        return true;
    case '(':
    case '[':
        b->kind = ZSET_LEX_VALUE;
        b->ex = a->p[0] == '(';
        return true;
    default:
        return false;
    }
}

static bool parse_lex_range(const struct slice *min, const struct slice *max,
                            struct zset_lex_range *r)
{
    return parse_lex_bound(min, &r->min) && parse_lex_bound(max, &r->max);
}

/* Rank interval [*lo, *hi) of a score range, clamped to empty when min is past max. */
static void score_ranks(const struct obj *z, const struct zset_range *r, size_t *lo, size_t *hi)
{
    *lo = zset_range_lower(z, r);
    *hi = zset_range_upper(z, r);
    if (*hi < *lo)
        *hi = *lo;
}

static void lex_ranks(const struct obj *z, const struct zset_lex_range *r, size_t *lo, size_t *hi)
{
    *lo = zset_lex_lower(z, r);
    *hi = zset_lex_upper(z, r);
    if (*hi < *lo)
        *hi = *lo;
}

/* Redis's rank sanitising (ZRANGE, ZREMRANGEBYRANK) as first index and count: false when the
 * interval is empty. */
static bool clamp_ranks(long long start, long long end, size_t len, size_t *first, size_t *n)
{
    size_t last;
    if (!handler_clamp_range(start, end, len, first, &last))
        return false;
    *n = last - *first + 1;
    return true;
}

/* ---- ZADD, ZINCRBY, ZREM --------------------------------------------------------------------- */

/* ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]; ZINCRBY is this with
 * INCR forced. Every score is parsed before the key is touched, so an error changes nothing. */
static void zadd_generic(struct cmd_ctx *ctx, int flags)
{
    const struct slice *key = &ctx->argv[1];
    bool ch = false;
    int idx = 2;
    for (; idx < ctx->argc; idx++) {
        const struct slice *a = &ctx->argv[idx];
        if (arg_is(a, "nx"))
            flags |= ZSET_ADD_NX;
        else if (arg_is(a, "xx"))
            flags |= ZSET_ADD_XX;
        else if (arg_is(a, "ch"))
            ch = true;
        else if (arg_is(a, "incr"))
            flags |= ZSET_ADD_INCR;
        else if (arg_is(a, "gt"))
            flags |= ZSET_ADD_GT;
        else if (arg_is(a, "lt"))
            flags |= ZSET_ADD_LT;
        else
            break;
    }
    bool incr = flags & ZSET_ADD_INCR, nx = flags & ZSET_ADD_NX, xx = flags & ZSET_ADD_XX;
    bool gt = flags & ZSET_ADD_GT, lt = flags & ZSET_ADD_LT;
    int rest = ctx->argc - idx;
    if (rest == 0 || rest % 2 != 0) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    size_t pairs = (size_t)rest / 2;
    if (nx && xx) {
        reply_error(ctx->c, ERR_ZADD_XX_NX);
        return;
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
        reply_error(ctx->c, ERR_ZADD_GT_LT_NX);
        return;
    }
    if (incr && pairs > 1) {
        reply_error(ctx->c, ERR_ZADD_INCR_PAIR);
        return;
    }
    double stackscores[16];
    double *scores = pairs <= 16 ? stackscores : mem_alloc(pairs * sizeof(double));
    for (size_t j = 0; j < pairs; j++) {
        if (!parse_score(ctx, &ctx->argv[idx + 2 * j], &scores[j]))
            goto done;
    }

    struct obj *z;
    if (!lookup_zset(ctx, key, DB_LOOKUP_WRITE, &z))
        goto done;
    long long added = 0, updated = 0, processed = 0;
    double score = 0;
    bool created = false;
    if (z == NULL) {
        if (xx)
            goto reply;
        z = zset_new();
        created = true;
    }
    for (size_t j = 0; j < pairs; j++) {
        const struct slice *m = &ctx->argv[idx + 2 * j + 1];
        double newscore = scores[j];
        int out = zset_add(z, scores[j], m->p, m->len, flags, &newscore);
        if (out & ZSET_OUT_NAN) {
            /* Only INCR on an existing member gets here, so nothing was added before. */
            reply_error(ctx->c, ERR_ZSET_NAN);
            if (created)
                obj_release(z);
            goto done;
        }
        if (out & ZSET_OUT_ADDED)
            added++;
        if (out & ZSET_OUT_UPDATED)
            updated++;
        if (!(out & ZSET_OUT_NOP))
            processed++;
        score = newscore;
    }
    if (created) {
        db_add(ctx->db, key->p, key->len, z);
        obj_release(z);
    } else if (added + updated != 0) {
        handler_signal_modified(ctx->db, key);
        /* db_add readies new sets; readying in-place growth too means a waiter can never
         * miss members whatever path made the key a sorted set (cheap when nobody waits). */
        struct keyspace_hooks *h = &ctx->db->ks->hooks;
        if (added != 0 && h->key_ready != NULL)
            h->key_ready(ctx->db, key->p, key->len, h->ud);
    }
    server.dirty += added + updated;
reply:
    if (incr) {
        if (processed != 0)
            reply_double(ctx->c, score);
        else
            reply_null(ctx->c);
    } else {
        reply_int(ctx->c, ch ? added + updated : added);
    }
    /* After the reply, as Redis (visible to a RESP3 client listening to its own key). */
    if (added + updated != 0)
        notify_keyspace_event(NOTIFY_ZSET, incr ? "zincr" : "zadd", key->p, key->len,
                              ctx->db->id);
done:
    if (scores != stackscores)
        mem_free(scores);
}

void cmd_zadd(struct cmd_ctx *ctx)
{
    zadd_generic(ctx, 0);
}

void cmd_zincrby(struct cmd_ctx *ctx)
{
    zadd_generic(ctx, ZSET_ADD_INCR);
}

/* ZREM key member [member ...] */
void cmd_zrem(struct cmd_ctx *ctx)
{
    struct obj *z;
    if (!lookup_zset(ctx, &ctx->argv[1], DB_LOOKUP_WRITE, &z))
        return;
    if (z == NULL) {
        reply_int(ctx->c, 0);
        return;
    }
    long long deleted = 0;
    for (int j = 2; j < ctx->argc; j++) {
        if (zset_remove(z, ctx->argv[j].p, ctx->argv[j].len)) {
            deleted++;
            if (zset_len(z) == 0)
                break;
        }
    }
    if (deleted != 0) {
        after_removal(ctx->db, &ctx->argv[1], z, "zrem");
        server.dirty += deleted;
    }
    reply_int(ctx->c, deleted);
}

/* ---- point reads ----------------------------------------------------------------------------- */

void cmd_zcard(struct cmd_ctx *ctx)
{
    struct obj *z;
    if (!lookup_zset(ctx, &ctx->argv[1], DB_LOOKUP_READ, &z))
        return;
    reply_int(ctx->c, z != NULL ? (long long)zset_len(z) : 0);
}

void cmd_zscore(struct cmd_ctx *ctx)
{
    struct obj *z;
    double s;
    if (!lookup_zset(ctx, &ctx->argv[1], DB_LOOKUP_READ, &z))
        return;
    if (z != NULL && zset_score(z, ctx->argv[2].p, ctx->argv[2].len, &s))
        reply_double(ctx->c, s);
    else
        reply_null(ctx->c);
}

void cmd_zmscore(struct cmd_ctx *ctx)
{
    struct obj *z;
    double s;
    if (!lookup_zset(ctx, &ctx->argv[1], DB_LOOKUP_READ, &z))
        return;
    reply_array(ctx->c, ctx->argc - 2);
    for (int j = 2; j < ctx->argc; j++) {
        if (z != NULL && zset_score(z, ctx->argv[j].p, ctx->argv[j].len, &s))
            reply_double(ctx->c, s);
        else
            reply_null(ctx->c);
    }
}

static void rank_generic(struct cmd_ctx *ctx, bool rev)
{
    struct obj *z;
    size_t rank;
    if (!lookup_zset(ctx, &ctx->argv[1], DB_LOOKUP_READ, &z))
        return;
    if (z == NULL || !zset_rank(z, ctx->argv[2].p, ctx->argv[2].len, &rank)) {
        reply_null(ctx->c);
        return;
    }
    reply_int(ctx->c, (long long)(rev ? zset_len(z) - 1 - rank : rank));
}

void cmd_zrank(struct cmd_ctx *ctx)
{
    rank_generic(ctx, false);
}

void cmd_zrevrank(struct cmd_ctx *ctx)
{
    rank_generic(ctx, true);
}

/* ZCOUNT key min max: the range is checked before the key, as in Redis. */
void cmd_zcount(struct cmd_ctx *ctx)
{
    struct zset_range r;
    struct obj *z;
    size_t lo, hi;
    if (!parse_range(&ctx->argv[2], &ctx->argv[3], &r)) {
        reply_error(ctx->c, ERR_ZSET_MINMAX_FLOAT);
        return;
    }
    if (!lookup_zset(ctx, &ctx->argv[1], DB_LOOKUP_READ, &z))
        return;
    if (z == NULL) {
        reply_int(ctx->c, 0);
        return;
    }
    score_ranks(z, &r, &lo, &hi);
    reply_int(ctx->c, (long long)(hi - lo));
}

void cmd_zlexcount(struct cmd_ctx *ctx)
{
    struct zset_lex_range r;
    struct obj *z;
    size_t lo, hi;
    if (!parse_lex_range(&ctx->argv[2], &ctx->argv[3], &r)) {
        reply_error(ctx->c, ERR_ZSET_MINMAX_LEX);
        return;
    }
    if (!lookup_zset(ctx, &ctx->argv[1], DB_LOOKUP_READ, &z))
        return;
    if (z == NULL) {
        reply_int(ctx->c, 0);
        return;
    }
    lex_ranks(z, &r, &lo, &hi);
    reply_int(ctx->c, (long long)(hi - lo));
}

/* ---- ZRANGE family --------------------------------------------------------------------------- */

enum rtype { RT_AUTO, RT_RANK, RT_SCORE, RT_LEX };
enum rdir { RD_AUTO, RD_FORWARD, RD_REVERSE };

/* Redis's zrangeGenericCommand: options after <src> <min> <max> starting at argv[first],
 * then the range (swapped for reverse score/lex ranges), then the key. dst non-NULL for
 * ZRANGESTORE. type/dir are fixed by the legacy commands and RT_AUTO/RD_AUTO for ZRANGE. */
static void zrange_generic(struct cmd_ctx *ctx, int first, const struct slice *dst,
                           enum rtype type, enum rdir dir)
{
    const struct slice *key = &ctx->argv[first];
    int minidx = first + 1, maxidx = first + 2;
    bool withscores = false, has_limit = false;
    long long offset = 0, limit = -1;

    for (int j = first + 3; j < ctx->argc; j++) {
        int left = ctx->argc - j - 1;
        const struct slice *a = &ctx->argv[j];
        if (dst == NULL && arg_is(a, "withscores")) {
            withscores = true;
        } else if (arg_is(a, "limit") && left >= 2) {
            if (!arg_to_ll(&ctx->argv[j + 1], &offset) || !arg_to_ll(&ctx->argv[j + 2], &limit)) {
                reply_error(ctx->c, ERR_NOT_INTEGER);
                return;
            }
            has_limit = true;
            j += 2;
        } else if (dir == RD_AUTO && arg_is(a, "rev")) {
            dir = RD_REVERSE;
        } else if (type == RT_AUTO && arg_is(a, "bylex")) {
            type = RT_LEX;
        } else if (type == RT_AUTO && arg_is(a, "byscore")) {
            type = RT_SCORE;
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    if (dir == RD_AUTO)
        dir = RD_FORWARD;
    if (type == RT_AUTO)
        type = RT_RANK;
    /* Redis tests "limit != -1", so an explicit LIMIT x -1 with a rank range passes. */
    if (has_limit && limit != -1 && type == RT_RANK) {
        reply_error(ctx->c, ERR_ZRANGE_LIMIT);
        return;
    }
    if (withscores && type == RT_LEX) {
        reply_error(ctx->c, ERR_ZRANGE_WITHSCORES_LEX);
        return;
    }
    bool rev = dir == RD_REVERSE;
    if (rev && type != RT_RANK) {
        int t = minidx;
        minidx = maxidx;
        maxidx = t;
    }

    long long start = 0, end = 0;
    struct zset_range sr;
    struct zset_lex_range lr;
    switch (type) {
    case RT_AUTO:
    case RT_RANK:
        if (!arg_to_ll(&ctx->argv[minidx], &start) || !arg_to_ll(&ctx->argv[maxidx], &end)) {
            reply_error(ctx->c, ERR_NOT_INTEGER);
            return;
        }
        break;
    case RT_SCORE:
        if (!parse_range(&ctx->argv[minidx], &ctx->argv[maxidx], &sr)) {
            reply_error(ctx->c, ERR_ZSET_MINMAX_FLOAT);
            return;
        }
        break;
    case RT_LEX:
        if (!parse_lex_range(&ctx->argv[minidx], &ctx->argv[maxidx], &lr)) {
            reply_error(ctx->c, ERR_ZSET_MINMAX_LEX);
            return;
        }
        break;
    }

    struct obj *z;
    if (!lookup_zset(ctx, key, DB_LOOKUP_READ, &z))
        return;
    size_t from = 0, n = 0; /* forward rank of the first element emitted, and how many */
    if (z != NULL && type == RT_RANK) {
        size_t f, cnt;
        if (clamp_ranks(start, end, zset_len(z), &f, &cnt)) {
            n = cnt;
            from = rev ? zset_len(z) - 1 - f : f;
        }
    } else if (z != NULL) {
        size_t lo, hi;
        if (type == RT_SCORE)
            score_ranks(z, &sr, &lo, &hi);
        else
            lex_ranks(z, &lr, &lo, &hi);
        size_t avail = hi - lo;
        /* A negative offset skips everything in Redis's loop; a negative limit is none. */
        if (offset >= 0 && (unsigned long long)offset < avail) {
            avail -= (size_t)offset;
            n = limit >= 0 && (unsigned long long)limit < avail ? (size_t)limit : avail;
            from = rev ? hi - 1 - (size_t)offset : lo + (size_t)offset;
        }
    }

    if (dst == NULL) {
        if (z == NULL || n == 0)
            reply_empty_array(ctx->c);
        else
            reply_ranks(ctx->c, z, from, n, rev, withscores);
        return;
    }
    /* ZRANGESTORE fills a small set and lets it convert as it grows, as Redis does. */
    struct obj *res = zset_new();
    if (z != NULL && n != 0) {
        struct zset_iter it;
        struct zset_elem e;
        double unused;
        zset_iter_init(&it, z, from, n, rev);
        while (zset_iter_next(&it, &e))
            zset_add(res, e.score, e.p, e.len, 0, &unused);
    }
    store_result(ctx, dst, res, "zrangestore");
}

void cmd_zrange(struct cmd_ctx *ctx)
{
    zrange_generic(ctx, 1, NULL, RT_AUTO, RD_AUTO);
}

void cmd_zrangestore(struct cmd_ctx *ctx)
{
    zrange_generic(ctx, 2, &ctx->argv[1], RT_AUTO, RD_AUTO);
}

void cmd_zrevrange(struct cmd_ctx *ctx)
{
    zrange_generic(ctx, 1, NULL, RT_RANK, RD_REVERSE);
}

void cmd_zrangebyscore(struct cmd_ctx *ctx)
{
    zrange_generic(ctx, 1, NULL, RT_SCORE, RD_FORWARD);
}

void cmd_zrevrangebyscore(struct cmd_ctx *ctx)
{
    zrange_generic(ctx, 1, NULL, RT_SCORE, RD_REVERSE);
}

void cmd_zrangebylex(struct cmd_ctx *ctx)
{
    zrange_generic(ctx, 1, NULL, RT_LEX, RD_FORWARD);
}

void cmd_zrevrangebylex(struct cmd_ctx *ctx)
{
    zrange_generic(ctx, 1, NULL, RT_LEX, RD_REVERSE);
}

/* ---- ZREMRANGEBY* ------------------------------------------------------------------------------ */

static void zremrange_generic(struct cmd_ctx *ctx, enum rtype type)
{
    const struct slice *key = &ctx->argv[1];
    long long start = 0, end = 0;
    struct zset_range sr;
    struct zset_lex_range lr;
    if (type == RT_RANK) {
        if (!arg_to_ll(&ctx->argv[2], &start) || !arg_to_ll(&ctx->argv[3], &end)) {
            reply_error(ctx->c, ERR_NOT_INTEGER);
            return;
        }
    } else if (type == RT_SCORE) {
        if (!parse_range(&ctx->argv[2], &ctx->argv[3], &sr)) {
            reply_error(ctx->c, ERR_ZSET_MINMAX_FLOAT);
            return;
        }
    } else if (!parse_lex_range(&ctx->argv[2], &ctx->argv[3], &lr)) {
        reply_error(ctx->c, ERR_ZSET_MINMAX_LEX);
        return;
    }
    struct obj *z;
    if (!lookup_zset(ctx, key, DB_LOOKUP_WRITE, &z))
        return;
    if (z == NULL) {
        reply_int(ctx->c, 0);
        return;
    }
    size_t lo = 0, n = 0, hi;
    if (type == RT_RANK) {
        if (!clamp_ranks(start, end, zset_len(z), &lo, &n)) {
            reply_int(ctx->c, 0);
            return;
        }
    } else {
        if (type == RT_SCORE)
            score_ranks(z, &sr, &lo, &hi);
        else
            lex_ranks(z, &lr, &lo, &hi);
        n = hi - lo;
    }
    if (n != 0) {
        zset_delete_range(z, lo, n);
        after_removal(ctx->db, key, z,
                      type == RT_RANK    ? "zremrangebyrank"
                      : type == RT_SCORE ? "zremrangebyscore"
                                         : "zremrangebylex");
        server.dirty += (long long)n;
    }
    reply_int(ctx->c, (long long)n);
}

void cmd_zremrangebyrank(struct cmd_ctx *ctx)
{
    zremrange_generic(ctx, RT_RANK);
}

void cmd_zremrangebyscore(struct cmd_ctx *ctx)
{
    zremrange_generic(ctx, RT_SCORE);
}

void cmd_zremrangebylex(struct cmd_ctx *ctx)
{
    zremrange_generic(ctx, RT_LEX);
}

/* ---- pops ------------------------------------------------------------------------------------------ */

void cmd_zset_pop_reply(struct conn *c, struct db *db, const struct slice *key, struct obj *z,
                        bool max, long long count, bool emitkey, bool nested)
{
    size_t len = zset_len(z);
    size_t n = (unsigned long long)count > len ? len : (size_t)count;
    if (emitkey) {
        if (nested) {
            reply_array(c, 2);
            reply_bulk(c, key->p, key->len);
            reply_array(c, (long long)n);
        } else {
            reply_array(c, (long long)n * 2 + 1);
            reply_bulk(c, key->p, key->len);
        }
    } else {
        reply_array(c, (long long)(nested ? n : n * 2));
    }
    /* Redis 7.0's RESP3 output puts the pop event between the headers and the elements (a
     * client listening to its own key sees it there); the event needs only the key's name. */
    notify_keyspace_event(NOTIFY_ZSET, max ? "zpopmax" : "zpopmin", key->p, key->len, db->id);
    struct zset_iter it;
    struct zset_elem e;
    zset_iter_init(&it, z, max ? len - 1 : 0, n, max);
    while (zset_iter_next(&it, &e)) {
        if (nested)
            reply_array(c, 2);
        reply_bulk(c, e.p, e.len);
        reply_double(c, e.score);
    }
    zset_delete_range(z, max ? len - n : 0, n);
    delete_if_empty(db, key, z);
    server.dirty += (long long)n;
    /* AOF: the blocking and multi-key pops (emitkey) are written as ZPOPMIN/ZPOPMAX key, with
     * the count popped for [B]ZMPOP (nested), as Redis 7.0 does. */
    if (emitkey && n > 0) {
        char num[24];
        struct slice av[3] = {{max ? "ZPOPMAX" : "ZPOPMIN", 7}, *key, propagate_ms(num, (long long)n)};
        propagate_replace(db, nested ? 3 : 2, av);
    }
}

/* ZPOPMIN/ZPOPMAX key [count] */
static void zpop_generic(struct cmd_ctx *ctx, bool max)
{
    long long count = -1;
    if (ctx->argc > 3) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    if (ctx->argc == 3 && (!arg_to_ll(&ctx->argv[2], &count) || count < 0)) {
        /* Redis's getPositiveLongFromObjectOrReply uses one text for both failures. */
        reply_error(ctx->c, ERR_MUST_BE_POSITIVE);
        return;
    }
    struct obj *z;
    if (!lookup_zset(ctx, &ctx->argv[1], DB_LOOKUP_WRITE, &z))
        return;
    if (z == NULL || count == 0) {
        reply_empty_array(ctx->c);
        return;
    }
    /* RESP3 nests pairs only when a count was given. */
    bool nested = ctx->c->proto == RESP3 && count != -1;
    cmd_zset_pop_reply(ctx->c, ctx->db, &ctx->argv[1], z, max, count == -1 ? 1 : count, false,
                       nested);
}

void cmd_zpopmin(struct cmd_ctx *ctx)
{
    zpop_generic(ctx, false);
}

void cmd_zpopmax(struct cmd_ctx *ctx)
{
    zpop_generic(ctx, true);
}

/* Serving BZPOPMIN/BZPOPMAX (count 0: [key, member, score]) and BZMPOP
 * ([key, [[member, score], ...]]); spec->from is 1 for the highest end. */
static bool zset_serve_pop(struct conn *c, struct db *db, const struct slice *key,
                           struct obj *val, const struct blocking_spec *spec)
{
    if (spec->count > 0)
        cmd_zset_pop_reply(c, db, key, val, spec->from != 0, spec->count, true, true);
    else
        cmd_zset_pop_reply(c, db, key, val, spec->from != 0, 1, true, false);
    return true;
}

/* ZMPOP and BZMPOP from numkeys at argv[idx]: numkeys key [key ...] <MIN|MAX> [COUNT count].
 * timeout is NULL for the non-blocking form; Redis reads BZMPOP's timeout only after every
 * other argument parsed, unlike BLMPOP's. */
static void zmpop_generic(struct cmd_ctx *ctx, int idx, const struct slice *timeout)
{
    long long numkeys, count = -1;
    if (!arg_to_ll(&ctx->argv[idx], &numkeys) || numkeys < 1 || numkeys > LONG_MAX) {
        reply_error(ctx->c, ERR_NUMKEYS_POSITIVE);
        return;
    }
    if (numkeys >= ctx->argc - idx - 1) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    int where = idx + 1 + (int)numkeys;
    bool max;
    if (arg_is(&ctx->argv[where], "min")) {
        max = false;
    } else if (arg_is(&ctx->argv[where], "max")) {
        max = true;
    } else {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    for (int j = where + 1; j < ctx->argc; j++) {
        if (count == -1 && arg_is(&ctx->argv[j], "count") && j + 1 < ctx->argc) {
            j++;
            if (!arg_to_ll(&ctx->argv[j], &count) || count < 1) {
                reply_error(ctx->c, ERR_COUNT_POSITIVE);
                return;
            }
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    if (count == -1)
        count = 1;
    long long deadline = 0;
    if (timeout != NULL && !blocking_parse_timeout(ctx->c, timeout, &deadline))
        return;
    for (int j = idx + 1; j < where; j++) {
        struct obj *z;
        if (!lookup_zset(ctx, &ctx->argv[j], DB_LOOKUP_WRITE, &z))
            return;
        if (z != NULL) {
            cmd_zset_pop_reply(ctx->c, ctx->db, &ctx->argv[j], z, max, count, true, true);
            return;
        }
    }
    if (timeout == NULL || !blocking_may_block(ctx->c)) {
        reply_null_array(ctx->c);
        return;
    }
    struct blocking_spec spec = {.type = OBJ_ZSET, .serve = zset_serve_pop, .from = max,
                                 .count = count};
    blocking_block(ctx, &ctx->argv[idx + 1], (int)numkeys, deadline, &spec);
}

/* ZMPOP numkeys key [key ...] <MIN|MAX> [COUNT count] */
void cmd_zmpop(struct cmd_ctx *ctx)
{
    zmpop_generic(ctx, 1, NULL);
}

/* BZMPOP timeout numkeys key [key ...] <MIN|MAX> [COUNT count] */
void cmd_bzmpop(struct cmd_ctx *ctx)
{
    zmpop_generic(ctx, 2, &ctx->argv[1]);
}

/* BZPOPMIN/BZPOPMAX key [key ...] timeout: the timeout is read before any key, then the
 * first non-empty key in argument order is served (another type is WRONGTYPE at once). */
static void bzpop_generic(struct cmd_ctx *ctx, bool max)
{
    long long deadline;
    if (!blocking_parse_timeout(ctx->c, &ctx->argv[ctx->argc - 1], &deadline))
        return;
    for (int j = 1; j < ctx->argc - 1; j++) {
        struct obj *z;
        if (!lookup_zset(ctx, &ctx->argv[j], DB_LOOKUP_WRITE, &z))
            return;
        if (z != NULL) {
            cmd_zset_pop_reply(ctx->c, ctx->db, &ctx->argv[j], z, max, 1, true, false);
            return;
        }
    }
    if (!blocking_may_block(ctx->c)) {
        reply_null_array(ctx->c);
        return;
    }
    struct blocking_spec spec = {.type = OBJ_ZSET, .serve = zset_serve_pop, .from = max};
    blocking_block(ctx, &ctx->argv[1], ctx->argc - 2, deadline, &spec);
}

void cmd_bzpopmin(struct cmd_ctx *ctx)
{
    bzpop_generic(ctx, false);
}

void cmd_bzpopmax(struct cmd_ctx *ctx)
{
    bzpop_generic(ctx, true);
}

/* ---- ZUNION, ZINTER, ZDIFF and their STORE forms, ZINTERCARD ------------------------------------- */

enum setop { OP_UNION, OP_INTER, OP_DIFF };
enum aggr { AGGR_SUM, AGGR_MIN, AGGR_MAX };

struct setop_src {
    struct obj *z; /* NULL when the key is absent */
    double weight;
    bool owned;    /* z is a temporary copy of a plain set, released after the operation */
};

/* A plain set taken as a sorted set (every member scored 1), as Redis accepts sets as inputs to
 * ZUNION and friends. New reference. O(n log n) in the set's size. */
static struct obj *zset_from_set(struct obj *s)
{
    struct obj *z = zset_new_skiplist();
    struct set_iter it;
    const char *p;
    size_t len;
    double unused;
    set_iter_init(&it, s);
    while (set_iter_next(&it, &p, &len))
        zset_add(z, 1.0, p, len, 0, &unused);
    set_iter_done(&it);
    return z;
}

static void release_sources(struct setop_src *src, long long n)
{
    for (long long i = 0; i < n; i++)
        if (src[i].owned)
            obj_release(src[i].z);
    mem_free(src);
}

static int src_by_len(const void *a, const void *b)
{
    const struct setop_src *x = a, *y = b;
    size_t lx = x->z != NULL ? zset_len(x->z) : 0, ly = y->z != NULL ? zset_len(y->z) : 0;
    return lx < ly ? -1 : lx > ly;
}

static double aggregate(enum aggr ag, double acc, double v)
{
    switch (ag) {
    case AGGR_SUM:
        acc += v;
        /* inf + -inf: Redis settles on 0 rather than store NaN. */
        return isnan(acc) ? 0.0 : acc;
    case AGGR_MIN:
        return v < acc ? v : acc;
    case AGGR_MAX:
        return v > acc ? v : acc;
    }
    return acc;
}

static double weighted(double w, double s)
{
    double v = w * s;
    return isnan(v) ? 0.0 : v;
}

/* Redis's zunionInterDiffGenericCommand. numkeys is argv[nk]; dst is non-NULL for the STORE
 * forms; cardonly for ZINTERCARD. Keys are type-checked before the options are parsed. */
static void setop_generic(struct cmd_ctx *ctx, const struct slice *dst, int nk, enum setop op,
                          bool cardonly)
{
    long long setnum;
    if (!arg_to_ll(&ctx->argv[nk], &setnum)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return;
    }
    if (setnum < 1) {
        reply_error(ctx->c, ERR_ZSET_NUMKEYS, ctx->cmd->fullname);
        return;
    }
    if (setnum > ctx->argc - (nk + 1)) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    struct setop_src *src = mem_alloc((size_t)setnum * sizeof(*src));
    int j = nk + 1;
    for (long long i = 0; i < setnum; i++, j++) {
        struct obj *o = db_lookup(ctx->db, ctx->argv[j].p, ctx->argv[j].len, DB_LOOKUP_READ);
        if (o != NULL && o->type != OBJ_ZSET && o->type != OBJ_SET) {
            release_sources(src, i);
            reply_status(ctx->c, ST_WRONGTYPE);
            return;
        }
        src[i].owned = o != NULL && o->type == OBJ_SET;
        src[i].z = src[i].owned ? zset_from_set(o) : o;
        src[i].weight = 1.0;
    }
    enum aggr ag = AGGR_SUM;
    bool withscores = false;
    long long limit = 0;
    while (j < ctx->argc) {
        int remaining = ctx->argc - j;
        const struct slice *a = &ctx->argv[j];
        if (op != OP_DIFF && !cardonly && remaining >= setnum + 1 && arg_is(a, "weights")) {
            j++;
            for (long long i = 0; i < setnum; i++, j++) {
                if (!arg_to_double(&ctx->argv[j], &src[i].weight)) {
                    release_sources(src, setnum);
                    reply_error(ctx->c, ERR_ZSET_WEIGHT_FLOAT);
                    return;
                }
            }
        } else if (op != OP_DIFF && !cardonly && remaining >= 2 && arg_is(a, "aggregate")) {
            const struct slice *v = &ctx->argv[j + 1];
            if (arg_is(v, "sum")) {
                ag = AGGR_SUM;
            } else if (arg_is(v, "min")) {
                ag = AGGR_MIN;
            } else if (arg_is(v, "max")) {
                ag = AGGR_MAX;
            } else {
                release_sources(src, setnum);
                reply_error(ctx->c, ERR_SYNTAX);
                return;
            }
            j += 2;
        } else if (dst == NULL && !cardonly && arg_is(a, "withscores")) {
            withscores = true;
            j++;
        } else if (cardonly && remaining >= 2 && arg_is(a, "limit")) {
            if (!arg_to_ll(&ctx->argv[j + 1], &limit) || limit < 0) {
                release_sources(src, setnum);
                reply_error(ctx->c, ERR_LIMIT_NEGATIVE);
                return;
            }
            j += 2;
        } else {
            release_sources(src, setnum);
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    /* Smallest first: intersections probe the others from the fewest candidates. DIFF keeps
     * its first set in place. */
    if (op != OP_DIFF)
        qsort(src, (size_t)setnum, sizeof(*src), src_by_len);

    struct obj *res = zset_new_skiplist();
    size_t maxelelen = 0, card = 0;
    struct zset_iter it;
    struct zset_elem e;
    double unused, cur;
    if (op == OP_INTER && src[0].z != NULL && zset_len(src[0].z) != 0) {
        zset_iter_init(&it, src[0].z, 0, zset_len(src[0].z), false);
        while (zset_iter_next(&it, &e)) {
            double score = weighted(src[0].weight, e.score);
            long long i;
            for (i = 1; i < setnum; i++) {
                double s;
                /* The same key twice: Redis looks the member up again, same result. */
                if (src[i].z == NULL || !zset_score(src[i].z, e.p, e.len, &s))
                    break;
                score = aggregate(ag, score, weighted(src[i].weight, s));
            }
            if (i != setnum)
                continue;
            if (cardonly) {
                card++;
                if (limit != 0 && card >= (unsigned long long)limit)
                    break;
                continue;
            }
            zset_add(res, score, e.p, e.len, 0, &unused);
            if (e.len > maxelelen)
                maxelelen = e.len;
        }
    } else if (op == OP_UNION) {
        for (long long i = 0; i < setnum; i++) {
            if (src[i].z == NULL)
                continue;
            zset_iter_init(&it, src[i].z, 0, zset_len(src[i].z), false);
            while (zset_iter_next(&it, &e)) {
                double v = weighted(src[i].weight, e.score);
                if (zset_score(res, e.p, e.len, &cur)) {
                    double nv = aggregate(ag, cur, v);
                    if (nv != cur)
                        zset_add(res, nv, e.p, e.len, 0, &unused);
                } else {
                    zset_add(res, v, e.p, e.len, 0, &unused);
                    if (e.len > maxelelen)
                        maxelelen = e.len;
                }
            }
        }
    } else if (op == OP_DIFF && src[0].z != NULL) {
        zset_iter_init(&it, src[0].z, 0, zset_len(src[0].z), false);
        while (zset_iter_next(&it, &e)) {
            long long i;
            for (i = 1; i < setnum; i++)
                if (src[i].z != NULL && zset_score(src[i].z, e.p, e.len, &cur))
                    break;
            if (i != setnum)
                continue;
            zset_add(res, e.score, e.p, e.len, 0, &unused);
            if (e.len > maxelelen)
                maxelelen = e.len;
        }
    }
    release_sources(src, setnum);

    if (cardonly) {
        obj_release(res);
        reply_int(ctx->c, (long long)card);
    } else if (dst != NULL) {
        zset_shrink_if_small(res, maxelelen);
        store_result(ctx, dst, res,
                     op == OP_UNION ? "zunionstore" : op == OP_INTER ? "zinterstore" : "zdiffstore");
    } else {
        size_t n = zset_len(res);
        if (n == 0)
            reply_empty_array(ctx->c);
        else
            reply_ranks(ctx->c, res, 0, n, false, withscores);
        obj_release(res);
    }
}

void cmd_zunion(struct cmd_ctx *ctx)
{
    setop_generic(ctx, NULL, 1, OP_UNION, false);
}

void cmd_zinter(struct cmd_ctx *ctx)
{
    setop_generic(ctx, NULL, 1, OP_INTER, false);
}

void cmd_zdiff(struct cmd_ctx *ctx)
{
    setop_generic(ctx, NULL, 1, OP_DIFF, false);
}

void cmd_zunionstore(struct cmd_ctx *ctx)
{
    setop_generic(ctx, &ctx->argv[1], 2, OP_UNION, false);
}

void cmd_zinterstore(struct cmd_ctx *ctx)
{
    setop_generic(ctx, &ctx->argv[1], 2, OP_INTER, false);
}

void cmd_zdiffstore(struct cmd_ctx *ctx)
{
    setop_generic(ctx, &ctx->argv[1], 2, OP_DIFF, false);
}

void cmd_zintercard(struct cmd_ctx *ctx)
{
    setop_generic(ctx, NULL, 1, OP_INTER, true);
}

/* ---- ZRANDMEMBER, ZSCAN ---------------------------------------------------------------------------- */

static void reply_rank(struct conn *c, const struct obj *z, size_t rank, bool withscores)
{
    struct zset_iter it;
    struct zset_elem e;
    zset_iter_init(&it, z, rank, 1, false);
    if (zset_iter_next(&it, &e))
        reply_elem(c, &e, withscores);
}

/* ZRANDMEMBER key [count [WITHSCORES]] */
void cmd_zrandmember(struct cmd_ctx *ctx)
{
    struct obj *z;
    if (ctx->argc == 2) {
        if (!lookup_zset(ctx, &ctx->argv[1], DB_LOOKUP_READ, &z))
            return;
        if (z == NULL) {
            reply_null(ctx->c);
            return;
        }
        struct zset_iter it;
        struct zset_elem e;
        zset_iter_init(&it, z, (size_t)rand_below(zset_len(z)), 1, false);
        zset_iter_next(&it, &e);
        reply_bulk(ctx->c, e.p, e.len);
        return;
    }
    long long l;
    if (!arg_to_ll(&ctx->argv[2], &l)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return;
    }
    if (l < -LLONG_MAX) {
        reply_error(ctx->c, ERR_INT_RANGE, -LLONG_MAX, LLONG_MAX);
        return;
    }
    bool withscores = false;
    if (ctx->argc > 4 || (ctx->argc == 4 && !arg_is(&ctx->argv[3], "withscores"))) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    if (ctx->argc == 4) {
        withscores = true;
        if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
            reply_error(ctx->c, ERR_VALUE_OUT_OF_RANGE);
            return;
        }
    }
    if (!lookup_zset(ctx, &ctx->argv[1], DB_LOOKUP_READ, &z))
        return;
    if (z == NULL || l == 0) {
        reply_empty_array(ctx->c);
        return;
    }
    size_t size = zset_len(z);
    bool uniq = l > 0;
    unsigned long long count = uniq ? (unsigned long long)l : (unsigned long long)-l;
    if (!uniq || count == 1) {
        /* Repeats allowed: each pick independent. */
        reply_elems_header(ctx->c, count, withscores);
        for (unsigned long long i = 0; i < count; i++)
            reply_rank(ctx->c, z, (size_t)rand_below(size), withscores);
        return;
    }
    if (count >= size) {
        reply_ranks(ctx->c, z, 0, size, false, withscores);
        return;
    }
    /* Distinct picks: a partial shuffle of the ranks, in the order drawn. */
    size_t *ranks = mem_alloc(size * sizeof(size_t));
    for (size_t i = 0; i < size; i++)
        ranks[i] = i;
    reply_elems_header(ctx->c, count, withscores);
    for (size_t i = 0; i < count; i++) {
        size_t k = i + (size_t)rand_below(size - i);
        size_t t = ranks[i];
        ranks[i] = ranks[k];
        ranks[k] = t;
        reply_rank(ctx->c, z, ranks[i], withscores);
    }
    mem_free(ranks);
}

/* A member collected by ZSCAN: its bytes sit at off in the batch's byte arena. */
struct zscan_item {
    size_t off, len;
    double score;
};

struct zscan_batch {
    const struct slice *pattern;
    struct zscan_item *items;
    size_t n, cap;
    char *bytes; /* member copies, back to back */
    size_t used, bcap;
};

static void zscan_collect(void *ud, const char *m, size_t len, double score)
{
    struct zscan_batch *b = ud;
    if (b->pattern != NULL && !glob_match(b->pattern->p, b->pattern->len, m, len, false))
        return;
    if (b->n == b->cap) {
        b->cap = b->cap == 0 ? 16 : b->cap * 2;
        b->items = mem_realloc(b->items, b->cap * sizeof(*b->items));
    }
    /* m is only lent for this call (a listpack integer member is formatted on the stack),
     * so it is copied; one arena keeps that to a few allocations per reply. */
    if (b->bcap - b->used < len) {
        while (b->bcap - b->used < len)
            b->bcap = b->bcap == 0 ? 256 : b->bcap * 2;
        b->bytes = mem_realloc(b->bytes, b->bcap);
    }
    if (len != 0)
        memcpy(b->bytes + b->used, m, len);
    b->items[b->n].off = b->used;
    b->items[b->n].len = len;
    b->items[b->n].score = score;
    b->used += len;
    b->n++;
}

/* ZSCAN key cursor [MATCH pattern] [COUNT count] */
void cmd_zscan(struct cmd_ctx *ctx)
{
    unsigned long long cursor;
    if (!arg_to_cursor(&ctx->argv[2], &cursor)) {
        reply_error(ctx->c, ERR_INVALID_CURSOR);
        return;
    }
    struct obj *z;
    if (!lookup_zset(ctx, &ctx->argv[1], DB_LOOKUP_READ, &z))
        return;
    if (z == NULL) {
        handler_reply_empty_scan(ctx->c);
        return;
    }
    const struct slice *pattern;
    long long count;
    if (!handler_scan_opts(ctx, 3, &pattern, &count))
        return;
    struct zscan_batch b = {
        .pattern = NULL, .items = NULL, .n = 0, .cap = 0, .bytes = NULL, .used = 0, .bcap = 0};
    /* Redis counts member and score as two items against COUNT, and bounds the walk at
     * COUNT*10 buckets so a sparse table still answers promptly. Filtering comes after. */
    unsigned long long maxiter = (unsigned long long)count * 10;
    do {
        cursor = zset_scan(z, cursor, zscan_collect, &b);
    } while (cursor != 0 && maxiter-- != 0 && b.n * 2 < (unsigned long long)count);
    reply_array(ctx->c, 2);
    char cbuf[NUM_LL_MAXLEN];
    size_t clen = num_ull2str(cbuf, cursor);
    reply_bulk(ctx->c, cbuf, clen);
    size_t kept = 0;
    for (size_t i = 0; i < b.n; i++)
        if (pattern == NULL || glob_match(pattern->p, pattern->len, b.bytes + b.items[i].off,
                                          b.items[i].len, false))
            b.items[kept++] = b.items[i];
    reply_array(ctx->c, (long long)kept * 2);
    for (size_t i = 0; i < kept; i++) {
        char d[NUM_D_MAXLEN];
        size_t dl = num_d2str(d, b.items[i].score);
        reply_bulk(ctx->c, b.bytes + b.items[i].off, b.items[i].len);
        reply_bulk(ctx->c, d, dl);
    }
    mem_free(b.items);
    mem_free(b.bytes);
}
