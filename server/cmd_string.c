/* server/cmd_string.c: the string command handlers (GET, SET and its variants, counters,
 * in-place edits, LCS).
 *
 * Owns argument parsing and reply shapes for the string group, matched to Redis 7.0 reply for
 * reply, including the order in which errors are detected. It must not know how strings are
 * stored: values are made and edited through storage/str.h, keys through storage/db.h.
 * Start at set_generic(), which SET, SETNX, SETEX and PSETEX share; GETEX reuses its
 * option parser.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/args.h"
#include "server/cmd_string.h"
#include "server/handler.h"
#include "server/notify.h"
#include "server/propagate.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/str.h"
#include "utils/mem.h"

/* ---- shared helpers ------------------------------------------------------------------- */

/* Redis stops sharing the small integer objects when an LRU/LFU maxmemory policy needs a
 * clock per value; with no limit set sharing is always on. */
static bool shared_ints_allowed(void)
{
    return server.maxmemory == 0;
}

/* The string at key made safe to edit in place (Redis's dbUnshareStringValue): o itself when
 * it is raw and nobody else (a pending reply, another key) holds it, otherwise a raw copy that
 * replaces it in the keyspace with the TTL kept. Borrowed from the keyspace. */
static struct obj *unshare_value(struct db *db, const struct slice *key, struct obj *o)
{
    if (o->enc == OBJ_ENC_RAW && o->refcount == 1)
        return o;
    char tmp[NUM_LL_MAXLEN];
    size_t len;
    const char *p = str_bytes(o, tmp, &len);
    struct obj *copy = str_new_raw(p, len);
    db_set(db, key->p, key->len, copy, DB_SET_KEEPTTL);
    obj_release(copy);
    return copy;
}

/* Redis's checkStringLength: the size a write would reach, refused past proto-max-bulk-len. */
static bool fits_max_len(size_t have, size_t add)
{
    unsigned long long total = (unsigned long long)have + add;
    return total >= have && total <= (unsigned long long)server.proto_max_bulk_len;
}

/* ---- SET / GETEX options ----------------------------------------------------------------- */

enum {
    SETOPT_NX = 1u << 0,
    SETOPT_XX = 1u << 1,
    SETOPT_GET = 1u << 2,
    SETOPT_KEEPTTL = 1u << 3,
    SETOPT_PERSIST = 1u << 4,
    SETOPT_EX = 1u << 5,
    SETOPT_PX = 1u << 6,
    SETOPT_EXAT = 1u << 7,
    SETOPT_PXAT = 1u << 8,
};
#define SETOPT_ANY_EXPIRE (SETOPT_EX | SETOPT_PX | SETOPT_EXAT | SETOPT_PXAT)

struct set_opts {
    unsigned flags;
    const struct slice *expire; /* the time argument of EX/PX/EXAT/PXAT, or NULL */
};

static unsigned expire_unit_flag(const struct slice *a)
{
    if (arg_is(a, "ex"))
        return SETOPT_EX;
    if (arg_is(a, "px"))
        return SETOPT_PX;
    if (arg_is(a, "exat"))
        return SETOPT_EXAT;
    if (arg_is(a, "pxat"))
        return SETOPT_PXAT;
    return 0;
}

/* Parses the options from argv[first] on, for SET (is_set) or GETEX. Like Redis, a repeated
 * option is accepted (the last expire time wins) but two expire units, or a unit together with
 * KEEPTTL/PERSIST, or NX with XX, are a syntax error. Replies the error and returns false. */
static bool parse_set_opts(struct cmd_ctx *ctx, int first, bool is_set, struct set_opts *o)
{
    o->flags = 0;
    o->expire = NULL;
    for (int j = first; j < ctx->argc; j++) {
        const struct slice *a = &ctx->argv[j];
        bool has_next = j + 1 < ctx->argc;
        unsigned f = o->flags;
        unsigned unit = expire_unit_flag(a);

        if (is_set && arg_is(a, "nx") && !(f & SETOPT_XX)) {
            f |= SETOPT_NX;
        } else if (is_set && arg_is(a, "xx") && !(f & SETOPT_NX)) {
            f |= SETOPT_XX;
        } else if (is_set && arg_is(a, "get")) {
            f |= SETOPT_GET;
        } else if (is_set && arg_is(a, "keepttl") && !(f & (SETOPT_PERSIST | SETOPT_ANY_EXPIRE))) {
            f |= SETOPT_KEEPTTL;
        } else if (!is_set && arg_is(a, "persist") && !(f & (SETOPT_KEEPTTL | SETOPT_ANY_EXPIRE))) {
            f |= SETOPT_PERSIST;
        } else if (unit != 0 && has_next &&
                   !(f & (SETOPT_KEEPTTL | SETOPT_PERSIST | (SETOPT_ANY_EXPIRE & ~unit)))) {
            f |= unit;
            o->expire = &ctx->argv[++j];
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return false;
        }
        o->flags = f;
    }
    return true;
}

/* Turns the time argument of an EX/PX/EXAT/PXAT option into absolute unix ms. Zero, negative
 * and overflowing times are "invalid expire time" naming the command, as Redis does; replies
 * the error and returns false. */
static bool expire_arg_to_ms(struct cmd_ctx *ctx, const struct slice *arg, unsigned unit,
                             long long *out)
{
    long long v;
    if (!arg_to_ll(arg, &v)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return false;
    }
    bool in_seconds = (unit & (SETOPT_EX | SETOPT_EXAT)) != 0;
    if (v <= 0 || (in_seconds && v > LLONG_MAX / 1000))
        goto invalid;
    if (in_seconds)
        v *= 1000;
    if (unit & (SETOPT_EX | SETOPT_PX)) {
        long long now = server.ks.now_ms;
        if (v > LLONG_MAX - now)
            goto invalid;
        v += now;
    }
    *out = v;
    return true;
invalid:
    reply_error(ctx->c, ERR_INVALID_EXPIRE, ctx->cmd->fullname);
    return false;
}

/* ---- GET and SET family -------------------------------------------------------------------- */

/* Replies the string at key (or null). False, after a WRONGTYPE reply, if it is not a string. */
static bool reply_string_at(struct cmd_ctx *ctx, const struct slice *key, struct obj **out)
{
    struct obj *o;
    if (db_lookup_typed(ctx->db, key->p, key->len, OBJ_STRING, DB_LOOKUP_READ, &o) != ST_OK) {
        reply_status(ctx->c, ST_WRONGTYPE);
        return false;
    }
    if (o == NULL)
        reply_null(ctx->c);
    else
        reply_bulk_obj(ctx->c, o);
    if (out != NULL)
        *out = o;
    return true;
}

/* What SET, SETNX, SETEX and PSETEX share. int_reply: SETNX's 1/0 instead of OK/null.
 * The order of checks is Redis's: the expire time, then GET's type check (which replies
 * the old value), then NX/XX. */
static void set_generic(struct cmd_ctx *ctx, const struct slice *key, const struct slice *val,
                        const struct set_opts *o, bool int_reply)
{
    long long when = 0;
    if (o->expire != NULL && !expire_arg_to_ms(ctx, o->expire, o->flags & SETOPT_ANY_EXPIRE, &when))
        return;
    if ((o->flags & SETOPT_GET) && !reply_string_at(ctx, key, NULL))
        return;

    bool found = db_lookup(ctx->db, key->p, key->len, DB_LOOKUP_WRITE) != NULL;
    if (((o->flags & SETOPT_NX) && found) || ((o->flags & SETOPT_XX) && !found)) {
        if (o->flags & SETOPT_GET)
            return;
        if (int_reply)
            reply_int(ctx->c, 0);
        else
            reply_null(ctx->c);
        return;
    }

    struct obj *v = str_new_encoded(val->p, val->len, shared_ints_allowed());
    db_set(ctx->db, key->p, key->len, v, (o->flags & SETOPT_KEEPTTL) ? DB_SET_KEEPTTL : 0);
    obj_release(v);
    notify_keyspace_event(NOTIFY_STRING, "set", key->p, key->len, ctx->db->id);
    /* A time already past is kept, not acted on: the key goes at its next access, as in
     * Redis 7.0 (DBSIZE still counts it until then). */
    if (o->expire != NULL) {
        db_set_expire(ctx->db, key->p, key->len, when);
        notify_keyspace_event(NOTIFY_GENERIC, "expire", key->p, key->len, ctx->db->id);
    }
    server.dirty++;
    /* AOF: any expire option is written as an absolute PXAT, others dropped (Redis 7.0). */
    if (o->expire != NULL)
        propagate_set_pxat(ctx->db, key, val, when);

    if (o->flags & SETOPT_GET)
        return;
    if (int_reply)
        reply_int(ctx->c, 1);
    else
        reply_ok(ctx->c);
}

/* GET key */
void cmd_get(struct cmd_ctx *ctx)
{
    reply_string_at(ctx, &ctx->argv[1], NULL);
}

/* SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL] */
void cmd_set(struct cmd_ctx *ctx)
{
    struct set_opts o;
    if (!parse_set_opts(ctx, 3, true, &o))
        return;
    set_generic(ctx, &ctx->argv[1], &ctx->argv[2], &o, false);
}

/* SETNX key value */
void cmd_setnx(struct cmd_ctx *ctx)
{
    struct set_opts o = {.flags = SETOPT_NX, .expire = NULL};
    set_generic(ctx, &ctx->argv[1], &ctx->argv[2], &o, true);
}

/* SETEX key seconds value */
void cmd_setex(struct cmd_ctx *ctx)
{
    struct set_opts o = {.flags = SETOPT_EX, .expire = &ctx->argv[2]};
    set_generic(ctx, &ctx->argv[1], &ctx->argv[3], &o, false);
}

/* PSETEX key milliseconds value */
void cmd_psetex(struct cmd_ctx *ctx)
{
    struct set_opts o = {.flags = SETOPT_PX, .expire = &ctx->argv[2]};
    set_generic(ctx, &ctx->argv[1], &ctx->argv[3], &o, false);
}

/* GETSET key value: replies the old value, stores the new one and drops any TTL. */
void cmd_getset(struct cmd_ctx *ctx)
{
    const struct slice *key = &ctx->argv[1], *val = &ctx->argv[2];
    if (!reply_string_at(ctx, key, NULL))
        return;
    struct obj *v = str_new_encoded(val->p, val->len, shared_ints_allowed());
    db_set(ctx->db, key->p, key->len, v, 0);
    obj_release(v);
    notify_keyspace_event(NOTIFY_STRING, "set", key->p, key->len, ctx->db->id);
    server.dirty++;
}

/* GETDEL key */
void cmd_getdel(struct cmd_ctx *ctx)
{
    const struct slice *key = &ctx->argv[1];
    struct obj *o;
    /* The reply holds its own copy or reference, so deleting afterwards is safe. */
    if (!reply_string_at(ctx, key, &o) || o == NULL)
        return;
    db_delete(ctx->db, key->p, key->len);
    notify_keyspace_event(NOTIFY_GENERIC, "del", key->p, key->len, ctx->db->id);
    server.dirty++;
    propagate_del(ctx->db, key); /* AOF: GETDEL is written as DEL */
}

/* GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST]
 * Unlike SET, a missing key replies null before the time argument is even validated. */
void cmd_getex(struct cmd_ctx *ctx)
{
    const struct slice *key = &ctx->argv[1];
    struct set_opts opts;
    if (!parse_set_opts(ctx, 2, false, &opts))
        return;

    struct obj *o;
    if (db_lookup_typed(ctx->db, key->p, key->len, OBJ_STRING, DB_LOOKUP_READ, &o) != ST_OK) {
        reply_status(ctx->c, ST_WRONGTYPE);
        return;
    }
    if (o == NULL) {
        reply_null(ctx->c);
        return;
    }
    long long when = 0;
    if (opts.expire != NULL &&
        !expire_arg_to_ms(ctx, opts.expire, opts.flags & SETOPT_ANY_EXPIRE, &when))
        return;
    reply_bulk_obj(ctx->c, o);

    /* Only the absolute forms can name a time already past; then the key goes now. */
    if ((opts.flags & (SETOPT_EXAT | SETOPT_PXAT)) && when <= server.ks.now_ms) {
        db_delete(ctx->db, key->p, key->len);
        notify_keyspace_event(NOTIFY_GENERIC, "del", key->p, key->len, ctx->db->id);
        server.dirty++;
        propagate_del(ctx->db, key); /* AOF: GETEX's effects as DEL / PEXPIREAT / PERSIST */
    } else if (opts.expire != NULL) {
        db_set_expire(ctx->db, key->p, key->len, when);
        handler_signal_modified(ctx->db, key);
        notify_keyspace_event(NOTIFY_GENERIC, "expire", key->p, key->len, ctx->db->id);
        server.dirty++;
        propagate_pexpireat(ctx->db, key, when);
    } else if (opts.flags & SETOPT_PERSIST) {
        if (db_persist(ctx->db, key->p, key->len)) {
            handler_signal_modified(ctx->db, key);
            notify_keyspace_event(NOTIFY_GENERIC, "persist", key->p, key->len, ctx->db->id);
            server.dirty++;
            struct slice av[2] = {{"PERSIST", 7}, *key};
            propagate_replace(ctx->db, 2, av);
        }
    }
}

/* ---- multi-key --------------------------------------------------------------------------- */

/* MGET key [key ...]: a key that is missing or not a string reads as null. */
void cmd_mget(struct cmd_ctx *ctx)
{
    reply_array(ctx->c, ctx->argc - 1);
    for (int j = 1; j < ctx->argc; j++) {
        const struct slice *key = &ctx->argv[j];
        struct obj *o = db_lookup(ctx->db, key->p, key->len, DB_LOOKUP_READ);
        if (o == NULL || o->type != OBJ_STRING)
            reply_null(ctx->c);
        else
            reply_bulk_obj(ctx->c, o);
    }
}

/* MSET and MSETNX: pairs are set in order, so a repeated key keeps its last value. */
static void mset_generic(struct cmd_ctx *ctx, bool nx)
{
    if (ctx->argc % 2 == 0) {
        reply_error(ctx->c, ERR_WRONG_ARITY, ctx->cmd->fullname);
        return;
    }
    if (nx) {
        for (int j = 1; j < ctx->argc; j += 2) {
            const struct slice *key = &ctx->argv[j];
            if (db_lookup(ctx->db, key->p, key->len, DB_LOOKUP_WRITE) != NULL) {
                reply_int(ctx->c, 0);
                return;
            }
        }
    }
    for (int j = 1; j < ctx->argc; j += 2) {
        const struct slice *key = &ctx->argv[j], *val = &ctx->argv[j + 1];
        struct obj *v = str_new_encoded(val->p, val->len, shared_ints_allowed());
        db_set(ctx->db, key->p, key->len, v, 0);
        obj_release(v);
        notify_keyspace_event(NOTIFY_STRING, "set", key->p, key->len, ctx->db->id);
    }
    server.dirty += (ctx->argc - 1) / 2;
    if (nx)
        reply_int(ctx->c, 1);
    else
        reply_ok(ctx->c);
}

/* MSET key value [key value ...] */
void cmd_mset(struct cmd_ctx *ctx)
{
    mset_generic(ctx, false);
}

/* MSETNX key value [key value ...] */
void cmd_msetnx(struct cmd_ctx *ctx)
{
    mset_generic(ctx, true);
}

/* ---- lengths, ranges, in-place edits -------------------------------------------------------- */

/* Looks key up as a string for a command that replies with a number; false after WRONGTYPE. */
static bool lookup_string(struct cmd_ctx *ctx, const struct slice *key, int flags,
                          struct obj **out)
{
    if (db_lookup_typed(ctx->db, key->p, key->len, OBJ_STRING, flags, out) != ST_OK) {
        reply_status(ctx->c, ST_WRONGTYPE);
        return false;
    }
    return true;
}

/* STRLEN key */
void cmd_strlen(struct cmd_ctx *ctx)
{
    struct obj *o;
    if (!lookup_string(ctx, &ctx->argv[1], DB_LOOKUP_READ, &o))
        return;
    reply_int(ctx->c, o != NULL ? (long long)str_len(o) : 0);
}

/* APPEND key value: a new key is encoded as SET would; an existing one becomes raw. */
void cmd_append(struct cmd_ctx *ctx)
{
    const struct slice *key = &ctx->argv[1], *val = &ctx->argv[2];
    struct obj *o;
    if (!lookup_string(ctx, key, DB_LOOKUP_WRITE, &o))
        return;
    size_t total;
    if (o == NULL) {
        struct obj *v = str_new_encoded(val->p, val->len, shared_ints_allowed());
        db_set(ctx->db, key->p, key->len, v, 0);
        obj_release(v);
        total = val->len;
    } else {
        if (!fits_max_len(str_len(o), val->len)) {
            reply_error(ctx->c, ERR_STRING_TOO_LONG);
            return;
        }
        o = unshare_value(ctx->db, key, o);
        str_append(o, val->p, val->len);
        handler_signal_modified(ctx->db, key);
        total = str_len(o);
    }
    notify_keyspace_event(NOTIFY_STRING, "append", key->p, key->len, ctx->db->id);
    server.dirty++;
    reply_int(ctx->c, (long long)total);
}

/* GETRANGE key start end (and SUBSTR). Redis clamps in a particular order: two negative
 * indexes with start > end are empty at once, otherwise both are made positive and clamped,
 * so GETRANGE "hello" -100 -100 is "h". A missing key is an empty bulk, not null. */
void cmd_getrange(struct cmd_ctx *ctx)
{
    long long start, end;
    if (!arg_to_ll(&ctx->argv[2], &start) || !arg_to_ll(&ctx->argv[3], &end)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return;
    }
    struct obj *o;
    if (!lookup_string(ctx, &ctx->argv[1], DB_LOOKUP_READ, &o))
        return;
    if (o == NULL) {
        reply_bulk(ctx->c, "", 0);
        return;
    }
    char tmp[NUM_LL_MAXLEN];
    size_t len;
    const char *p = str_bytes(o, tmp, &len);
    long long n = (long long)len;

    if (start < 0 && end < 0 && start > end) {
        reply_bulk(ctx->c, "", 0);
        return;
    }
    if (start < 0)
        start += n;
    if (end < 0)
        end += n;
    if (start < 0)
        start = 0;
    if (end < 0)
        end = 0;
    if (end >= n)
        end = n - 1;
    if (n == 0 || start > end) {
        reply_bulk(ctx->c, "", 0);
        return;
    }
    reply_bulk(ctx->c, p + start, (size_t)(end - start + 1));
}

/* SUBSTR key start end: the old name of GETRANGE. */
void cmd_substr(struct cmd_ctx *ctx)
{
    cmd_getrange(ctx);
}

/* SETRANGE key offset value. An empty value never creates or changes anything (not even the
 * size check runs), and the reply is the resulting length. */
void cmd_setrange(struct cmd_ctx *ctx)
{
    const struct slice *key = &ctx->argv[1], *val = &ctx->argv[3];
    long long offset;
    if (!arg_to_ll(&ctx->argv[2], &offset)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return;
    }
    if (offset < 0) {
        reply_error(ctx->c, ERR_OFFSET_RANGE);
        return;
    }
    struct obj *o;
    if (!lookup_string(ctx, key, DB_LOOKUP_WRITE, &o))
        return;
    if (val->len == 0) {
        reply_int(ctx->c, o != NULL ? (long long)str_len(o) : 0);
        return;
    }
    if ((unsigned long long)offset > SIZE_MAX || !fits_max_len((size_t)offset, val->len)) {
        reply_error(ctx->c, ERR_STRING_TOO_LONG);
        return;
    }
    if (o == NULL) {
        struct obj *v = str_new_raw("", 0);
        str_setrange(v, (size_t)offset, val->p, val->len);
        db_set(ctx->db, key->p, key->len, v, 0);
        obj_release(v);
        o = v;
    } else {
        o = unshare_value(ctx->db, key, o);
        str_setrange(o, (size_t)offset, val->p, val->len);
        handler_signal_modified(ctx->db, key);
    }
    notify_keyspace_event(NOTIFY_STRING, "setrange", key->p, key->len, ctx->db->id);
    server.dirty++;
    reply_int(ctx->c, (long long)str_len(o));
}

/* ---- counters -------------------------------------------------------------------------------- */

/* INCR, DECR, INCRBY, DECRBY. The result is stored as an int-encoded value (a shared one for
 * 0..9999) and the key keeps its TTL. */
static void incr_generic(struct cmd_ctx *ctx, long long incr)
{
    const struct slice *key = &ctx->argv[1];
    struct obj *o;
    if (!lookup_string(ctx, key, DB_LOOKUP_WRITE, &o))
        return;
    long long v = 0;
    if (o != NULL && !str_to_ll(o, &v)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return;
    }
    if (__builtin_add_overflow(v, incr, &v)) {
        reply_error(ctx->c, ERR_OVERFLOW);
        return;
    }
    /* A private int value is updated in place (no allocation, no second lookup), as Redis
     * does; values that would be shared integers get the shared object instead. */
    bool shareable = shared_ints_allowed() && v >= 0 && v < OBJ_SHARED_INTEGERS;
    if (o != NULL && o->enc == OBJ_ENC_INT && o->refcount == 1 && !shareable) {
        o->u.ival = v;
        handler_signal_modified(ctx->db, key);
        notify_keyspace_event(NOTIFY_STRING, "incrby", key->p, key->len, ctx->db->id);
        server.dirty++;
        reply_int(ctx->c, v);
        return;
    }
    struct obj *n = str_new_int(v, shared_ints_allowed());
    db_set(ctx->db, key->p, key->len, n, DB_SET_KEEPTTL);
    obj_release(n);
    notify_keyspace_event(NOTIFY_STRING, "incrby", key->p, key->len, ctx->db->id);
    server.dirty++;
    reply_int(ctx->c, v);
}

/* INCR key */
void cmd_incr(struct cmd_ctx *ctx)
{
    incr_generic(ctx, 1);
}

/* DECR key */
void cmd_decr(struct cmd_ctx *ctx)
{
    incr_generic(ctx, -1);
}

/* INCRBY key increment: the increment is checked before the key is looked at. */
void cmd_incrby(struct cmd_ctx *ctx)
{
    long long incr;
    if (!arg_to_ll(&ctx->argv[2], &incr)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return;
    }
    incr_generic(ctx, incr);
}

/* DECRBY key decrement: LLONG_MIN cannot be negated, which Redis 7.0 reports with its own
 * text before looking at the key. */
void cmd_decrby(struct cmd_ctx *ctx)
{
    long long decr;
    if (!arg_to_ll(&ctx->argv[2], &decr)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return;
    }
    if (decr == LLONG_MIN) {
        reply_error(ctx->c, ERR_DECR_OVERFLOW);
        return;
    }
    incr_generic(ctx, -decr);
}

/* INCRBYFLOAT key increment. Unlike INCRBY the key is examined first (type, then its value),
 * then the increment. The sum is stored as text in Redis's human long-double form (so a
 * later GET returns exactly what was replied), never int-encoded, TTL kept. */
void cmd_incrbyfloat(struct cmd_ctx *ctx)
{
    const struct slice *key = &ctx->argv[1];
    struct obj *o;
    if (!lookup_string(ctx, key, DB_LOOKUP_WRITE, &o))
        return;
    long double v = 0, incr;
    if (o != NULL) {
        char tmp[NUM_LL_MAXLEN];
        size_t len;
        const char *p = str_bytes(o, tmp, &len);
        if (!num_str2ld(p, len, &v)) {
            reply_error(ctx->c, ERR_NOT_FLOAT);
            return;
        }
    }
    if (!arg_to_ld(&ctx->argv[2], &incr)) {
        reply_error(ctx->c, ERR_NOT_FLOAT);
        return;
    }
    v += incr;
    if (isnan(v) || isinf(v)) {
        reply_error(ctx->c, ERR_NAN_INF);
        return;
    }
    char *buf = mem_alloc(NUM_LD_MAXLEN);
    size_t len = num_ld2str_cap(buf, NUM_LD_MAXLEN, v);
    struct obj *n = str_new(buf, len);
    /* AOF: the result, not the increment, so a replay cannot round differently. */
    struct slice av[4] = {{"SET", 3}, *key, {buf, len}, {"KEEPTTL", 7}};
    propagate_replace(ctx->db, 4, av);
    mem_free(buf);
    db_set(ctx->db, key->p, key->len, n, DB_SET_KEEPTTL);
    notify_keyspace_event(NOTIFY_STRING, "incrbyfloat", key->p, key->len, ctx->db->id);
    server.dirty++;
    reply_bulk_obj(ctx->c, n);
    obj_release(n);
}

/* ---- LCS ------------------------------------------------------------------------------------ */

struct lcs_opts {
    bool want_len, want_idx, with_match_len;
    long long min_match_len;
};

/* Emits one IDX match: [[a_start, a_end], [b_start, b_end]] and, if asked, its length. */
static void lcs_reply_match(struct conn *c, const struct lcs_opts *o, uint32_t a_start,
                            uint32_t a_end, uint32_t b_start, uint32_t b_end)
{
    reply_array(c, o->with_match_len ? 3 : 2);
    reply_array(c, 2);
    reply_int(c, a_start);
    reply_int(c, a_end);
    reply_array(c, 2);
    reply_int(c, b_start);
    reply_int(c, b_end);
    if (o->with_match_len)
        reply_int(c, (long long)(a_end - a_start + 1));
}

/* Walks the filled table back from its end corner, writing the common subsequence into out
 * (when non-NULL) and, for IDX, emitting each run of contiguous matches as it closes. Ties
 * step through b first, which fixes which of several equal-length answers is given: the
 * same one Redis gives. Returns the number of ranges emitted. */
static long long lcs_walk(struct conn *c, const struct lcs_opts *o, const uint32_t *t,
                          const char *a, uint32_t alen, const char *b, uint32_t blen, char *out)
{
    const size_t w = (size_t)blen + 1;
    uint32_t i = alen, j = blen, k = t[(size_t)alen * w + blen];
    bool open = false; /* a run of matches is being tracked */
    uint32_t as = 0, ae = 0, bs = 0, be = 0;
    long long emitted = 0;

    while (i > 0 && j > 0) {
        bool close = false;
        if (a[i - 1] == b[j - 1]) {
            if (out != NULL)
                out[k - 1] = a[i - 1];
            if (!open) {
                open = true;
                as = ae = i - 1;
                bs = be = j - 1;
            } else {
                /* walking backwards, a contiguous run grows at its start */
                as--;
                bs--;
            }
            if (as == 0 || bs == 0)
                close = true;
            k--;
            i--;
            j--;
        } else {
            if (t[(size_t)(i - 1) * w + j] > t[(size_t)i * w + j - 1])
                i--;
            else
                j--;
            close = open;
        }
        if (close) {
            if (o->want_idx && (long long)(ae - as + 1) >= o->min_match_len) {
                lcs_reply_match(c, o, as, ae, bs, be);
                emitted++;
            }
            open = false;
        }
    }
    return emitted;
}

/* LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
 * Missing keys read as empty strings. Redis checks the key types before the options. The
 * table is the classic O(n*m) dynamic programme, refused when it would need more memory than
 * proto-max-bulk-len. */
void cmd_lcs(struct cmd_ctx *ctx)
{
    const struct slice *ka = &ctx->argv[1], *kb = &ctx->argv[2];
    struct obj *oa = db_lookup(ctx->db, ka->p, ka->len, DB_LOOKUP_READ);
    struct obj *ob = db_lookup(ctx->db, kb->p, kb->len, DB_LOOKUP_READ);
    if ((oa != NULL && oa->type != OBJ_STRING) || (ob != NULL && ob->type != OBJ_STRING)) {
        reply_error(ctx->c, ERR_LCS_WRONGTYPE);
        return;
    }

    struct lcs_opts o = {0};
    for (int j = 3; j < ctx->argc; j++) {
        const struct slice *arg = &ctx->argv[j];
        if (arg_is(arg, "idx")) {
            o.want_idx = true;
        } else if (arg_is(arg, "len")) {
            o.want_len = true;
        } else if (arg_is(arg, "withmatchlen")) {
            o.with_match_len = true;
        } else if (arg_is(arg, "minmatchlen") && j + 1 < ctx->argc) {
            if (!arg_to_ll(&ctx->argv[++j], &o.min_match_len)) {
                reply_error(ctx->c, ERR_NOT_INTEGER);
                return;
            }
            if (o.min_match_len < 0)
                o.min_match_len = 0;
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    if (o.want_idx && o.want_len) {
        reply_error(ctx->c, ERR_LCS_IDX_AND_LEN);
        return;
    }

    char tmpa[NUM_LL_MAXLEN], tmpb[NUM_LL_MAXLEN];
    size_t alen = 0, blen = 0;
    const char *a = oa != NULL ? str_bytes(oa, tmpa, &alen) : "";
    const char *b = ob != NULL ? str_bytes(ob, tmpb, &blen) : "";
    if (alen >= UINT32_MAX - 1 || blen >= UINT32_MAX - 1) {
        reply_error(ctx->c, ERR_LCS_TOO_LONG);
        return;
    }
    unsigned long long cells = (unsigned long long)(alen + 1) * (blen + 1);
    unsigned long long bytes = cells * sizeof(uint32_t);
    if (bytes / sizeof(uint32_t) != cells || bytes >= SIZE_MAX) {
        reply_error(ctx->c, ERR_LCS_NOMEM);
        return;
    }
    if (bytes > (unsigned long long)server.proto_max_bulk_len) {
        reply_error(ctx->c, ERR_LCS_OVER_LIMIT);
        return;
    }
    /* A transient table that may be huge: failing is an error reply, not a reason to abort
     * the server, so this bypasses the aborting mem_alloc (as Redis's ztrymalloc). */
    uint32_t *t = malloc((size_t)bytes);
    if (t == NULL) {
        reply_error(ctx->c, ERR_LCS_NOMEM);
        return;
    }

    /* t[i][j] = length of the LCS of a[0..i) and b[0..j) */
    const size_t w = blen + 1;
    for (size_t j = 0; j <= blen; j++)
        t[j] = 0;
    for (size_t i = 1; i <= alen; i++) {
        uint32_t *row = t + i * w, *up = row - w;
        row[0] = 0;
        for (size_t j = 1; j <= blen; j++) {
            if (a[i - 1] == b[j - 1])
                row[j] = up[j - 1] + 1;
            else
                row[j] = up[j] > row[j - 1] ? up[j] : row[j - 1];
        }
    }
    uint32_t total = t[alen * w + blen];

    if (o.want_len) {
        reply_int(ctx->c, total);
    } else if (o.want_idx) {
        reply_map(ctx->c, 2);
        reply_bulk_cstr(ctx->c, "matches");
        void *h = reply_defer(ctx->c);
        long long n = lcs_walk(ctx->c, &o, t, a, (uint32_t)alen, b, (uint32_t)blen, NULL);
        reply_defer_set_array(ctx->c, h, n);
        reply_bulk_cstr(ctx->c, "len");
        reply_int(ctx->c, total);
    } else {
        char *out = mem_alloc(total + 1);
        lcs_walk(ctx->c, &o, t, a, (uint32_t)alen, b, (uint32_t)blen, out);
        reply_bulk(ctx->c, out, total);
        mem_free(out);
    }
    free(t);
}
