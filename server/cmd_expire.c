/* server/cmd_expire.c: the TTL command handlers (EXPIRE family, TTL family, PERSIST).
 *
 * Owns the option rules (NX XX GT LT), the overflow checks and the rounding of replies, all as
 * Redis 7.0 does them. Expire times live in the keyspace (storage/db.h) as absolute unix ms;
 * this file must not know how they are indexed or when the active cycle runs.
 * Start at expire_generic(), which the four setters share.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <limits.h>
#include <stdbool.h>

#include "server/args.h"
#include "server/cmd_expire.h"
#include "server/handler.h"
#include "server/notify.h"
#include "server/propagate.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "utils/mem.h"

enum {
    EXPOPT_NX = 1u << 0,
    EXPOPT_XX = 1u << 1,
    EXPOPT_GT = 1u << 2,
    EXPOPT_LT = 1u << 3,
};

/* Parses NX XX GT LT from argv[3] on. An unknown word is reported first, by name, then the
 * incompatible combinations; replies the error and returns false. */
static bool parse_expire_opts(struct cmd_ctx *ctx, unsigned *flags)
{
    unsigned f = 0;
    for (int j = 3; j < ctx->argc; j++) {
        const struct slice *a = &ctx->argv[j];
        if (arg_is(a, "nx")) {
            f |= EXPOPT_NX;
        } else if (arg_is(a, "xx")) {
            f |= EXPOPT_XX;
        } else if (arg_is(a, "gt")) {
            f |= EXPOPT_GT;
        } else if (arg_is(a, "lt")) {
            f |= EXPOPT_LT;
        } else {
            /* Redis prints the option as a C string: it stops at an embedded NUL */
            char *name = mem_strndup(a->p, a->len);
            reply_error(ctx->c, ERR_UNSUPPORTED_OPTION, name);
            mem_free(name);
            return false;
        }
    }
    if ((f & EXPOPT_NX) && (f & (EXPOPT_XX | EXPOPT_GT | EXPOPT_LT))) {
        reply_error(ctx->c, ERR_EXPIRE_NX_COMBO);
        return false;
    }
    if ((f & EXPOPT_GT) && (f & EXPOPT_LT)) {
        reply_error(ctx->c, ERR_EXPIRE_GT_LT);
        return false;
    }
    *flags = f;
    return true;
}

/* True if the conditions in flags allow replacing the key's TTL (current: absolute ms, or -1
 * for none) with when. No TTL counts as infinite: GT never beats it, LT always does. */
static bool expire_allowed(unsigned flags, long long current, long long when)
{
    if ((flags & EXPOPT_NX) && current != -1)
        return false;
    if ((flags & EXPOPT_XX) && current == -1)
        return false;
    if ((flags & EXPOPT_GT) && (current == -1 || when <= current))
        return false;
    if ((flags & EXPOPT_LT) && current != -1 && when >= current)
        return false;
    return true;
}

/* EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key time [NX|XX|GT|LT]. base_ms is the time a
 * relative argument counts from (0 for the AT forms). Negative times are allowed and only
 * overflow is an error; a resulting time not in the future deletes the key (reply 1). */
static void expire_generic(struct cmd_ctx *ctx, long long base_ms, bool in_seconds)
{
    const struct slice *key = &ctx->argv[1];
    unsigned flags;
    long long when;

    if (!parse_expire_opts(ctx, &flags))
        return;
    if (!arg_to_ll(&ctx->argv[2], &when)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return;
    }
    if (in_seconds) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000)
            goto invalid;
        when *= 1000;
    }
    if (when > LLONG_MAX - base_ms)
        goto invalid;
    when += base_ms;

    if (db_lookup(ctx->db, key->p, key->len, DB_LOOKUP_WRITE) == NULL) {
        reply_int(ctx->c, 0);
        return;
    }
    if (flags != 0 && !expire_allowed(flags, db_get_expire(ctx->db, key->p, key->len), when)) {
        reply_int(ctx->c, 0);
        return;
    }
    /* Redis publishes "del" before its reply but "expire" after it. */
    if (when <= server.ks.now_ms) {
        db_delete(ctx->db, key->p, key->len);
        notify_keyspace_event(NOTIFY_GENERIC, "del", key->p, key->len, ctx->db->id);
        server.dirty++;
        propagate_del(ctx->db, key); /* AOF: a time already past is written as DEL */
        reply_int(ctx->c, 1);
        return;
    }
    db_set_expire(ctx->db, key->p, key->len, when);
    handler_signal_modified(ctx->db, key);
    server.dirty++;
    /* AOF: as PEXPIREAT with the absolute ms, other arguments kept (Redis 7.0); PEXPIREAT
     * itself is written as sent. */
    if (base_ms != 0 || in_seconds) {
        char ms[24];
        struct slice av[5];
        int n = ctx->argc < 5 ? ctx->argc : 5;
        memcpy(av, ctx->argv, (size_t)n * sizeof(*av));
        av[0] = (struct slice){"PEXPIREAT", 9};
        av[2] = propagate_ms(ms, when);
        propagate_replace(ctx->db, n, av);
    }
    reply_int(ctx->c, 1);
    notify_keyspace_event(NOTIFY_GENERIC, "expire", key->p, key->len, ctx->db->id);
    return;
invalid:
    reply_error(ctx->c, ERR_INVALID_EXPIRE, ctx->cmd->fullname);
}

/* EXPIRE key seconds [NX|XX|GT|LT] */
void cmd_expire(struct cmd_ctx *ctx)
{
    expire_generic(ctx, server.ks.now_ms, true);
}

/* PEXPIRE key milliseconds [NX|XX|GT|LT] */
void cmd_pexpire(struct cmd_ctx *ctx)
{
    expire_generic(ctx, server.ks.now_ms, false);
}

/* EXPIREAT key unix-time-seconds [NX|XX|GT|LT] */
void cmd_expireat(struct cmd_ctx *ctx)
{
    expire_generic(ctx, 0, true);
}

/* PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT] */
void cmd_pexpireat(struct cmd_ctx *ctx)
{
    expire_generic(ctx, 0, false);
}

/* TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for a missing key, -1 for no TTL. Seconds are rounded
 * to the nearest (half up), so a fresh EXPIRE 100 reads back as 100, not 99. */
static void ttl_generic(struct cmd_ctx *ctx, bool in_ms, bool absolute)
{
    const struct slice *key = &ctx->argv[1];
    if (db_lookup(ctx->db, key->p, key->len, DB_LOOKUP_READ | DB_LOOKUP_NOTOUCH) == NULL) {
        reply_int(ctx->c, -2);
        return;
    }
    long long when = db_get_expire(ctx->db, key->p, key->len);
    if (when == -1) {
        reply_int(ctx->c, -1);
        return;
    }
    long long v = absolute ? when : when - server.ks.now_ms;
    if (v < 0)
        v = 0;
    /* written so that a PEXPIREAT near LLONG_MAX cannot overflow */
    if (!in_ms)
        v = v / 1000 + (v % 1000 >= 500);
    reply_int(ctx->c, v);
}

/* TTL key */
void cmd_ttl(struct cmd_ctx *ctx)
{
    ttl_generic(ctx, false, false);
}

/* PTTL key */
void cmd_pttl(struct cmd_ctx *ctx)
{
    ttl_generic(ctx, true, false);
}

/* EXPIRETIME key */
void cmd_expiretime(struct cmd_ctx *ctx)
{
    ttl_generic(ctx, false, true);
}

/* PEXPIRETIME key */
void cmd_pexpiretime(struct cmd_ctx *ctx)
{
    ttl_generic(ctx, true, true);
}

/* PERSIST key: 1 only if a TTL was removed. */
void cmd_persist(struct cmd_ctx *ctx)
{
    const struct slice *key = &ctx->argv[1];
    if (db_lookup(ctx->db, key->p, key->len, DB_LOOKUP_WRITE) == NULL ||
        !db_persist(ctx->db, key->p, key->len)) {
        reply_int(ctx->c, 0);
        return;
    }
    handler_signal_modified(ctx->db, key);
    notify_keyspace_event(NOTIFY_GENERIC, "persist", key->p, key->len, ctx->db->id);
    server.dirty++;
    reply_int(ctx->c, 1);
}
