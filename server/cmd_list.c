/* server/cmd_list.c: the non-blocking list command handlers.
 *
 * Owns argument parsing, the order of error checks and the reply shapes of the list group,
 * matched to Redis 7.0 (RESP2 and RESP3). It must not know how lists are stored: elements
 * go through storage/list.h, keys through storage/db.h (so WATCH and blocked clients hear
 * of every change). The blocking forms (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, at the end)
 * reply at once when they can, else hand server/blocking.c a serve callback that reuses
 * cmd_list_pop_reply() and cmd_list_move_one().
 * Start at push_generic() and pop_generic().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/cmd_list.h"

#include <limits.h>
#include <string.h>

#include "server/args.h"
#include "server/blocking.h"
#include "server/handler.h"
#include "server/notify.h"
#include "server/propagate.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/list.h"
#include "storage/str.h"

/* ---- shared helpers ------------------------------------------------------------------- */

/* After elements were removed: the command's event, then an emptied list is deleted
 * (db_delete tells the hooks; Redis follows with "del"), otherwise the edit is signalled. */
static void after_removal(struct db *db, const struct slice *key, struct obj *l,
                          const char *event)
{
    notify_keyspace_event(NOTIFY_LIST, event, key->p, key->len, db->id);
    if (list_len(l) == 0) {
        db_delete(db, key->p, key->len);
        notify_keyspace_event(NOTIFY_GENERIC, "del", key->p, key->len, db->id);
    } else {
        handler_signal_modified(db, key);
    }
}

static const char *pop_event(enum list_where w) { return w == LIST_HEAD ? "lpop" : "rpop"; }

/* The list at key for a write: ST_OK with *out NULL when absent. Replies WRONGTYPE. */
static bool lookup_list(struct cmd_ctx *ctx, const struct slice *key, int flags, struct obj **out)
{
    return handler_lookup_typed(ctx, key, OBJ_LIST, flags, out);
}

static bool parse_where(const struct slice *a, enum list_where *out)
{
    if (arg_is(a, "left"))
        *out = LIST_HEAD;
    else if (arg_is(a, "right"))
        *out = LIST_TAIL;
    else
        return false;
    return true;
}

/* Redis's getLongFromObjectOrReply. */
static bool parse_ll(struct cmd_ctx *ctx, const struct slice *a, long long *out)
{
    if (!arg_to_ll(a, out)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return false;
    }
    return true;
}

/* Redis's getRangeLongFromObjectOrReply with a message: a non-integer gets the same text. */
static bool parse_range(struct cmd_ctx *ctx, const struct slice *a, long long lo, long long hi,
                        enum err e, long long *out)
{
    if (!arg_to_ll(a, out) || *out < lo || *out > hi) {
        reply_error(ctx->c, e);
        return false;
    }
    return true;
}

/* Pushes elems into the list at key, creating it when absent. The new list is filled before
 * db_add() so the key_ready hook already sees its elements. */
static void push_into(struct db *db, const struct slice *key, struct obj *l, enum list_where w,
                      const struct slice *elems, int n)
{
    bool created = l == NULL;
    if (created)
        l = list_new();
    for (int i = 0; i < n; i++)
        list_push(l, w, elems[i].p, elems[i].len);
    if (created) {
        db_add(db, key->p, key->len, l);
        obj_release(l);
    } else {
        handler_signal_modified(db, key);
        /* db_add readies new lists; an in-place push readies too, so a waiter can never
         * miss elements whatever path made the key a list (cheap when nobody waits). */
        struct keyspace_hooks *h = &db->ks->hooks;
        if (h->key_ready != NULL)
            h->key_ready(db, key->p, key->len, h->ud);
    }
}

static void push_event(struct db *db, const struct slice *key, enum list_where w)
{
    notify_keyspace_event(NOTIFY_LIST, w == LIST_HEAD ? "lpush" : "rpush", key->p, key->len,
                          db->id);
}

void cmd_list_pop_reply(struct conn *c, struct db *db, const struct slice *key, struct obj *l,
                    enum list_where where, long long count, bool as_array)
{
    size_t len = list_len(l);
    size_t n = count < 0 || (unsigned long long)count > len ? len : (size_t)count;
    size_t first = where == LIST_HEAD ? 0 : len - n;
    struct list_iter it;
    struct list_entry e;
    if (as_array)
        reply_array(c, (long long)n);
    /* Elements in pop order: from the head forward, or from the tail backward. */
    list_iter_init(&it, l, where == LIST_HEAD ? 0 : len - 1, where == LIST_HEAD ? LIST_TAIL : LIST_HEAD);
    for (size_t i = 0; i < n && list_iter_next(&it, &e); i++)
        reply_bulk(c, e.p, e.len);
    list_delete_range(l, first, n);
    server.dirty += (long long)n;
    after_removal(db, key, l, pop_event(where));
}

bool cmd_list_move_one(struct conn *c, struct db *db, const struct slice *src, struct obj *sl,
                   const struct slice *dst, enum list_where from, enum list_where to)
{
    struct obj *dl;
    if (db_lookup_typed(db, dst->p, dst->len, OBJ_LIST, DB_LOOKUP_WRITE, &dl) != ST_OK) {
        reply_status(c, ST_WRONGTYPE);
        return false;
    }
    struct obj *v = list_pop(sl, from);
    char tmp[NUM_LL_MAXLEN];
    size_t vlen;
    const char *vp = str_bytes(v, tmp, &vlen);
    struct slice elem = {.p = vp, .len = vlen};
    push_into(db, dst, dl, to, &elem, 1);
    push_event(db, dst, to);
    reply_bulk(c, vp, vlen);
    obj_release(v);
    /* src == dst re-pushed the element, so the list is never empty then. */
    after_removal(db, src, sl, pop_event(from));
    server.dirty++;
    return true;
}

/* ---- push ----------------------------------------------------------------------------- */

/* LPUSH/RPUSH (xx false) and LPUSHX/RPUSHX. Every element counts as one change. */
static void push_generic(struct cmd_ctx *ctx, enum list_where where, bool xx)
{
    const struct slice *key = &ctx->argv[1];
    struct obj *l;
    if (!lookup_list(ctx, key, DB_LOOKUP_WRITE, &l))
        return;
    if (l == NULL && xx) {
        reply_int(ctx->c, 0);
        return;
    }
    int n = ctx->argc - 2;
    /* A list made here holds exactly the n new elements. */
    long long len = l == NULL ? n : (long long)list_len(l) + n;
    push_into(ctx->db, key, l, where, &ctx->argv[2], n);
    server.dirty += n;
    /* LPUSH/RPUSH reply before they publish, as Redis (seen by a RESP3 self-subscriber). */
    reply_int(ctx->c, len);
    push_event(ctx->db, key, where);
}

void cmd_lpush(struct cmd_ctx *ctx) { push_generic(ctx, LIST_HEAD, false); }
void cmd_rpush(struct cmd_ctx *ctx) { push_generic(ctx, LIST_TAIL, false); }
void cmd_lpushx(struct cmd_ctx *ctx) { push_generic(ctx, LIST_HEAD, true); }
void cmd_rpushx(struct cmd_ctx *ctx) { push_generic(ctx, LIST_TAIL, true); }

/* ---- pop ------------------------------------------------------------------------------ */

/* LPOP/RPOP key [count]. Redis checks the count before the key, answers a missing key with
 * the null of the reply shape asked for, and count 0 with an empty array. */
static void pop_generic(struct cmd_ctx *ctx, enum list_where where)
{
    const struct slice *key = &ctx->argv[1];
    bool has_count = ctx->argc == 3;
    long long count = 0;
    if (ctx->argc > 3) {
        reply_error(ctx->c, ERR_WRONG_ARITY, ctx->cmd->fullname);
        return;
    }
    if (has_count && !parse_range(ctx, &ctx->argv[2], 0, LLONG_MAX, ERR_MUST_BE_POSITIVE, &count))
        return;
    struct obj *l;
    if (!lookup_list(ctx, key, DB_LOOKUP_WRITE, &l))
        return;
    if (l == NULL) {
        if (has_count)
            reply_null_array(ctx->c);
        else
            reply_null(ctx->c);
        return;
    }
    if (has_count && count == 0) {
        reply_empty_array(ctx->c);
        return;
    }
    cmd_list_pop_reply(ctx->c, ctx->db, key, l, where, has_count ? count : 1, has_count);
}

void cmd_lpop(struct cmd_ctx *ctx) { pop_generic(ctx, LIST_HEAD); }
void cmd_rpop(struct cmd_ctx *ctx) { pop_generic(ctx, LIST_TAIL); }

static bool serve_pop(struct conn *c, struct db *db, const struct slice *key, struct obj *val,
                      const struct blocking_spec *spec);

/* AOF: a blocking move is written as RPOPLPUSH src dst (BRPOPLPUSH) or LMOVE src dst with
 * Redis's lowercase "left"/"right". */
static void propagate_move(struct db *db, const struct slice *src, const struct slice *dst,
                           enum list_where from, enum list_where to, bool rpoplpush)
{
    struct slice av[5] = {{"LMOVE", 5}, *src, *dst,
                          from == LIST_HEAD ? (struct slice){"left", 4} : (struct slice){"right", 5},
                          to == LIST_HEAD ? (struct slice){"left", 4} : (struct slice){"right", 5}};
    if (rpoplpush) {
        av[0] = (struct slice){"RPOPLPUSH", 9};
        propagate_replace(db, 3, av);
    } else {
        propagate_replace(db, 5, av);
    }
}

/* AOF: pops by BLPOP/BRPOP and [B]LMPOP are written as LPOP/RPOP key [n], n the elements
 * actually popped (Redis 7.0). dirty_before: server.dirty before the pop. */
static void propagate_pop(struct db *db, const struct slice *key, enum list_where where,
                          long long dirty_before, bool with_count)
{
    char n[24];
    struct slice av[3] = {{where == LIST_HEAD ? "LPOP" : "RPOP", 4}, *key,
                          propagate_ms(n, server.dirty - dirty_before)};
    if (server.dirty != dirty_before)
        propagate_replace(db, with_count ? 3 : 2, av);
}

/* LMPOP and BLMPOP from numkeys at argv[idx]: numkeys key [key ...] LEFT|RIGHT [COUNT count].
 * deadline_ms < 0 means the non-blocking form. */
static void mpop_generic(struct cmd_ctx *ctx, int idx, long long deadline_ms)
{
    long long numkeys, count = -1;
    enum list_where where;
    if (!parse_range(ctx, &ctx->argv[idx], 1, LLONG_MAX, ERR_NUMKEYS_POSITIVE, &numkeys))
        return;
    if (numkeys >= ctx->argc - idx - 1) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    int where_idx = idx + 1 + (int)numkeys;
    if (!parse_where(&ctx->argv[where_idx], &where)) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    for (int j = where_idx + 1; j < ctx->argc; j++) {
        if (count == -1 && arg_is(&ctx->argv[j], "count") && j + 1 < ctx->argc) {
            j++;
            if (!parse_range(ctx, &ctx->argv[j], 1, LLONG_MAX, ERR_COUNT_POSITIVE, &count))
                return;
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    if (count == -1)
        count = 1;
    for (int j = idx + 1; j < where_idx; j++) {
        struct obj *l;
        if (!lookup_list(ctx, &ctx->argv[j], DB_LOOKUP_WRITE, &l))
            return;
        if (l == NULL || list_len(l) == 0)
            continue;
        reply_array(ctx->c, 2);
        reply_bulk(ctx->c, ctx->argv[j].p, ctx->argv[j].len);
        long long dirty_before = server.dirty;
        cmd_list_pop_reply(ctx->c, ctx->db, &ctx->argv[j], l, where, count, true);
        propagate_pop(ctx->db, &ctx->argv[j], where, dirty_before, true);
        return;
    }
    if (deadline_ms < 0 || !blocking_may_block(ctx->c)) {
        reply_null_array(ctx->c);
        return;
    }
    struct blocking_spec spec = {.type = OBJ_LIST, .serve = serve_pop, .from = where, .count = count};
    blocking_block(ctx, &ctx->argv[idx + 1], (int)numkeys, deadline_ms, &spec);
}

void cmd_lmpop(struct cmd_ctx *ctx) { mpop_generic(ctx, 1, -1); }

/* ---- read ----------------------------------------------------------------------------- */

void cmd_llen(struct cmd_ctx *ctx)
{
    struct obj *l;
    if (!lookup_list(ctx, &ctx->argv[1], DB_LOOKUP_READ, &l))
        return;
    reply_int(ctx->c, l != NULL ? (long long)list_len(l) : 0);
}

/* LINDEX looks the key up before it reads the index, as Redis does. */
void cmd_lindex(struct cmd_ctx *ctx)
{
    struct obj *l;
    long long index;
    if (!lookup_list(ctx, &ctx->argv[1], DB_LOOKUP_READ, &l))
        return;
    if (l == NULL) {
        reply_null(ctx->c);
        return;
    }
    if (!parse_ll(ctx, &ctx->argv[2], &index))
        return;
    struct list_entry e;
    if (list_index(l, index, &e))
        reply_bulk(ctx->c, e.p, e.len);
    else
        reply_null(ctx->c);
}

void cmd_lrange(struct cmd_ctx *ctx)
{
    long long start, end;
    if (!parse_ll(ctx, &ctx->argv[2], &start) || !parse_ll(ctx, &ctx->argv[3], &end))
        return;
    struct obj *l;
    if (!lookup_list(ctx, &ctx->argv[1], DB_LOOKUP_READ, &l))
        return;
    size_t s, e;
    if (l == NULL || !handler_clamp_range(start, end, list_len(l), &s, &e)) {
        reply_empty_array(ctx->c);
        return;
    }
    size_t n = e - s + 1;
    reply_array(ctx->c, (long long)n);
    struct list_iter it;
    struct list_entry ent;
    list_iter_init(&it, l, s, LIST_TAIL);
    for (size_t i = 0; i < n && list_iter_next(&it, &ent); i++)
        reply_bulk(ctx->c, ent.p, ent.len);
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
void cmd_lpos(struct cmd_ctx *ctx)
{
    long long rank = 1, count = -1, maxlen = 0;
    for (int j = 3; j < ctx->argc; j++) {
        const struct slice *a = &ctx->argv[j];
        bool more = j + 1 < ctx->argc;
        if (arg_is(a, "rank") && more) {
            if (!parse_ll(ctx, &ctx->argv[++j], &rank))
                return;
            if (rank == 0) {
                reply_error(ctx->c, ERR_LPOS_RANK_ZERO);
                return;
            }
        } else if (arg_is(a, "count") && more) {
            if (!parse_range(ctx, &ctx->argv[++j], 0, LLONG_MAX, ERR_LPOS_COUNT_NEGATIVE, &count))
                return;
        } else if (arg_is(a, "maxlen") && more) {
            if (!parse_range(ctx, &ctx->argv[++j], 0, LLONG_MAX, ERR_LPOS_MAXLEN_NEGATIVE,
                             &maxlen))
                return;
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    struct obj *l;
    if (!lookup_list(ctx, &ctx->argv[1], DB_LOOKUP_READ, &l))
        return;
    if (l == NULL) {
        if (count != -1)
            reply_empty_array(ctx->c);
        else
            reply_null(ctx->c);
        return;
    }
    enum list_where dir = LIST_TAIL;
    /* Redis 7.0 negates a negative rank in a long: LLONG_MIN stays negative, so every match
     * counts as reached and no COUNT limit is ever hit. */
    bool unlimited = rank == LLONG_MIN;
    if (rank < 0) {
        dir = LIST_HEAD;
        rank = unlimited ? 1 : -rank;
    }
    size_t len = list_len(l);
    const struct slice *needle = &ctx->argv[2];
    void *hdr = count != -1 ? reply_defer(ctx->c) : NULL;
    long long emitted = 0, matches = 0, found = -1;
    struct list_iter it;
    struct list_entry e;
    list_iter_init(&it, l, dir == LIST_TAIL ? 0 : len - 1, dir);
    for (long long index = 0; (maxlen == 0 || index < maxlen) && list_iter_next(&it, &e); index++) {
        if (!list_entry_eq(&e, needle->p, needle->len))
            continue;
        matches++;
        if (matches < rank)
            continue;
        long long pos = dir == LIST_TAIL ? index : (long long)len - index - 1;
        if (hdr == NULL) {
            found = pos;
            break;
        }
        reply_int(ctx->c, pos);
        emitted++;
        if (count != 0 && !unlimited && matches - rank + 1 >= count)
            break;
    }
    if (hdr != NULL)
        reply_defer_set_array(ctx->c, hdr, emitted);
    else if (found != -1)
        reply_int(ctx->c, found);
    else
        reply_null(ctx->c);
}

/* ---- edit ----------------------------------------------------------------------------- */

/* LSET looks the key up (no such key) before it reads the index. */
void cmd_lset(struct cmd_ctx *ctx)
{
    struct obj *l;
    long long index;
    if (!lookup_list(ctx, &ctx->argv[1], DB_LOOKUP_WRITE, &l))
        return;
    if (l == NULL) {
        reply_error(ctx->c, ERR_NO_SUCH_KEY);
        return;
    }
    if (!parse_ll(ctx, &ctx->argv[2], &index))
        return;
    if (!list_set(l, index, ctx->argv[3].p, ctx->argv[3].len)) {
        reply_error(ctx->c, ERR_INDEX_RANGE);
        return;
    }
    handler_signal_modified(ctx->db, &ctx->argv[1]);
    server.dirty++;
    /* Redis replies before publishing here: a RESP3 client listening to its own key sees
     * +OK first. */
    reply_ok(ctx->c);
    notify_keyspace_event(NOTIFY_LIST, "lset", ctx->argv[1].p, ctx->argv[1].len, ctx->db->id);
}

/* LINSERT key BEFORE|AFTER pivot element */
void cmd_linsert(struct cmd_ctx *ctx)
{
    enum list_where where;
    if (arg_is(&ctx->argv[2], "after")) {
        where = LIST_TAIL;
    } else if (arg_is(&ctx->argv[2], "before")) {
        where = LIST_HEAD;
    } else {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    struct obj *l;
    if (!lookup_list(ctx, &ctx->argv[1], DB_LOOKUP_WRITE, &l))
        return;
    if (l == NULL) {
        reply_int(ctx->c, 0);
        return;
    }
    if (!list_insert(l, ctx->argv[3].p, ctx->argv[3].len, where, ctx->argv[4].p, ctx->argv[4].len)) {
        reply_int(ctx->c, -1);
        return;
    }
    handler_signal_modified(ctx->db, &ctx->argv[1]);
    notify_keyspace_event(NOTIFY_LIST, "linsert", ctx->argv[1].p, ctx->argv[1].len, ctx->db->id);
    server.dirty++;
    reply_int(ctx->c, (long long)list_len(l));
}

/* LREM key count element */
void cmd_lrem(struct cmd_ctx *ctx)
{
    long long count;
    if (!parse_ll(ctx, &ctx->argv[2], &count))
        return;
    struct obj *l;
    if (!lookup_list(ctx, &ctx->argv[1], DB_LOOKUP_WRITE, &l))
        return;
    if (l == NULL) {
        reply_int(ctx->c, 0);
        return;
    }
    size_t removed = list_remove(l, ctx->argv[3].p, ctx->argv[3].len, count);
    if (removed > 0) {
        server.dirty += (long long)removed;
        after_removal(ctx->db, &ctx->argv[1], l, "lrem");
    }
    reply_int(ctx->c, (long long)removed);
}

/* LTRIM key start stop: Redis signals the key even when nothing was trimmed. */
void cmd_ltrim(struct cmd_ctx *ctx)
{
    long long start, end;
    if (!parse_ll(ctx, &ctx->argv[2], &start) || !parse_ll(ctx, &ctx->argv[3], &end))
        return;
    struct obj *l;
    if (!lookup_list(ctx, &ctx->argv[1], DB_LOOKUP_WRITE, &l))
        return;
    if (l == NULL) {
        reply_ok(ctx->c);
        return;
    }
    size_t len = list_len(l), s, e;
    size_t ltrim, rtrim;
    if (handler_clamp_range(start, end, len, &s, &e)) {
        ltrim = s;
        rtrim = len - e - 1;
    } else {
        ltrim = len;
        rtrim = 0;
    }
    list_delete_range(l, len - rtrim, rtrim);
    list_delete_range(l, 0, ltrim);
    server.dirty += (long long)(ltrim + rtrim);
    after_removal(ctx->db, &ctx->argv[1], l, "ltrim");
    reply_ok(ctx->c);
}

/* ---- move ----------------------------------------------------------------------------- */

/* What LMOVE and RPOPLPUSH share: a missing or empty source is a null reply before the
 * destination's type is checked. */
static void move_generic(struct cmd_ctx *ctx, enum list_where from, enum list_where to)
{
    struct obj *sl;
    if (!lookup_list(ctx, &ctx->argv[1], DB_LOOKUP_WRITE, &sl))
        return;
    if (sl == NULL || list_len(sl) == 0) {
        reply_null(ctx->c);
        return;
    }
    cmd_list_move_one(ctx->c, ctx->db, &ctx->argv[1], sl, &ctx->argv[2], from, to);
}

/* LMOVE source destination LEFT|RIGHT LEFT|RIGHT */
void cmd_lmove(struct cmd_ctx *ctx)
{
    enum list_where from, to;
    if (!parse_where(&ctx->argv[3], &from) || !parse_where(&ctx->argv[4], &to)) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    move_generic(ctx, from, to);
}

void cmd_rpoplpush(struct cmd_ctx *ctx) { move_generic(ctx, LIST_TAIL, LIST_HEAD); }

/* ---- blocking ------------------------------------------------------------------------- */

/* Serving BLPOP/BRPOP (count 0: [key, element]) and BLMPOP ([key, [elements]]). */
static bool serve_pop(struct conn *c, struct db *db, const struct slice *key, struct obj *val,
                      const struct blocking_spec *spec)
{
    reply_array(c, 2);
    reply_bulk(c, key->p, key->len);
    long long dirty_before = server.dirty;
    if (spec->count > 0)
        cmd_list_pop_reply(c, db, key, val, (enum list_where)spec->from, spec->count, true);
    else
        cmd_list_pop_reply(c, db, key, val, (enum list_where)spec->from, 1, false);
    propagate_pop(db, key, (enum list_where)spec->from, dirty_before, spec->count > 0);
    return true;
}

/* Serving BLMOVE/BRPOPLPUSH: a destination of another type is Redis's WRONGTYPE reply to the
 * waiter, which ends its wait with the element left in the source. */
static bool serve_move_generic(struct conn *c, struct db *db, const struct slice *key,
                               struct obj *val, const struct blocking_spec *spec, bool rpoplpush)
{
    struct slice dst = {.p = spec->dst, .len = spec->dstlen};
    if (cmd_list_move_one(c, db, key, val, &dst, (enum list_where)spec->from,
                          (enum list_where)spec->to))
        propagate_move(db, key, &dst, (enum list_where)spec->from, (enum list_where)spec->to,
                       rpoplpush);
    return true;
}

static bool serve_move(struct conn *c, struct db *db, const struct slice *key, struct obj *val,
                       const struct blocking_spec *spec)
{
    return serve_move_generic(c, db, key, val, spec, false);
}

/* BRPOPLPUSH's own serve callback: it is written as RPOPLPUSH, not LMOVE. */
static bool serve_rpoplpush(struct conn *c, struct db *db, const struct slice *key,
                            struct obj *val, const struct blocking_spec *spec)
{
    return serve_move_generic(c, db, key, val, spec, true);
}

/* BLPOP/BRPOP key [key ...] timeout: Redis reads the timeout before any key, then serves the
 * first non-empty key in argument order (a key of another type is WRONGTYPE at once). */
static void bpop_generic(struct cmd_ctx *ctx, enum list_where where)
{
    long long deadline;
    if (!blocking_parse_timeout(ctx->c, &ctx->argv[ctx->argc - 1], &deadline))
        return;
    for (int j = 1; j < ctx->argc - 1; j++) {
        struct obj *l;
        if (!lookup_list(ctx, &ctx->argv[j], DB_LOOKUP_WRITE, &l))
            return;
        if (l == NULL)
            continue;
        serve_pop(ctx->c, ctx->db, &ctx->argv[j], l, &(struct blocking_spec){.from = where});
        return;
    }
    if (!blocking_may_block(ctx->c)) {
        reply_null_array(ctx->c);
        return;
    }
    struct blocking_spec spec = {.type = OBJ_LIST, .serve = serve_pop, .from = where};
    blocking_block(ctx, &ctx->argv[1], ctx->argc - 2, deadline, &spec);
}

void cmd_blpop(struct cmd_ctx *ctx) { bpop_generic(ctx, LIST_HEAD); }
void cmd_brpop(struct cmd_ctx *ctx) { bpop_generic(ctx, LIST_TAIL); }

/* BLMOVE/BRPOPLPUSH: a missing source blocks even when the destination has another type
 * (that is only checked when an element is there to move). */
static void bmove_generic(struct cmd_ctx *ctx, enum list_where from, enum list_where to,
                          const struct slice *timeout)
{
    long long deadline;
    if (!blocking_parse_timeout(ctx->c, timeout, &deadline))
        return;
    struct obj *sl;
    if (!lookup_list(ctx, &ctx->argv[1], DB_LOOKUP_WRITE, &sl))
        return;
    bool rpoplpush = ctx->argc == 4; /* BRPOPLPUSH src dst timeout */
    if (sl != NULL) {
        if (cmd_list_move_one(ctx->c, ctx->db, &ctx->argv[1], sl, &ctx->argv[2], from, to))
            propagate_move(ctx->db, &ctx->argv[1], &ctx->argv[2], from, to, rpoplpush);
        return;
    }
    if (!blocking_may_block(ctx->c)) {
        reply_null(ctx->c);
        return;
    }
    struct blocking_spec spec = {.type = OBJ_LIST, .serve = rpoplpush ? serve_rpoplpush : serve_move,
                                 .from = from, .to = to,
                                 .dst = ctx->argv[2].p, .dstlen = ctx->argv[2].len};
    blocking_block(ctx, &ctx->argv[1], 1, deadline, &spec);
}

/* BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout */
void cmd_blmove(struct cmd_ctx *ctx)
{
    enum list_where from, to;
    if (!parse_where(&ctx->argv[3], &from) || !parse_where(&ctx->argv[4], &to)) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    bmove_generic(ctx, from, to, &ctx->argv[5]);
}

/* BRPOPLPUSH source destination timeout */
void cmd_brpoplpush(struct cmd_ctx *ctx)
{
    bmove_generic(ctx, LIST_TAIL, LIST_HEAD, &ctx->argv[3]);
}

/* BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
void cmd_blmpop(struct cmd_ctx *ctx)
{
    long long deadline;
    if (!blocking_parse_timeout(ctx->c, &ctx->argv[1], &deadline))
        return;
    mpop_generic(ctx, 2, deadline);
}
