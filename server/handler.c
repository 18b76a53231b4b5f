/* server/handler.c: helpers shared by the command handler groups (see handler.h).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/handler.h"

#include "server/args.h"
#include "server/reply.h"
#include "storage/db.h"

void handler_signal_modified(struct db *db, const struct slice *key)
{
    struct keyspace_hooks *h = &db->ks->hooks;
    if (h->key_modified != NULL)
        h->key_modified(db, key->p, key->len, h->ud);
}

bool handler_lookup_typed(struct cmd_ctx *ctx, const struct slice *key, enum obj_type type,
                          int flags, struct obj **out)
{
    if (db_lookup_typed(ctx->db, key->p, key->len, type, flags, out) != ST_OK) {
        reply_status(ctx->c, ST_WRONGTYPE);
        return false;
    }
    return true;
}

bool handler_scan_opts(struct cmd_ctx *ctx, int first, const struct slice **pattern,
                       long long *count)
{
    *pattern = NULL;
    *count = 10;
    for (int i = first; i < ctx->argc; i += 2) {
        const struct slice *opt = &ctx->argv[i];
        if (i + 1 >= ctx->argc) {
            reply_error(ctx->c, ERR_SYNTAX);
            return false;
        }
        const struct slice *val = &ctx->argv[i + 1];
        if (arg_is(opt, "count")) {
            if (!arg_to_ll(val, count)) {
                reply_error(ctx->c, ERR_NOT_INTEGER);
                return false;
            }
            if (*count < 1) {
                reply_error(ctx->c, ERR_SYNTAX);
                return false;
            }
        } else if (arg_is(opt, "match")) {
            /* "*" matches everything: skip the matcher, as Redis does. */
            *pattern = val->len == 1 && val->p[0] == '*' ? NULL : val;
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return false;
        }
    }
    return true;
}

bool handler_clamp_range(long long start, long long end, size_t len, size_t *first,
                         size_t *last)
{
    long long llen = (long long)len;
    if (start < 0)
        start += llen;
    if (end < 0)
        end += llen;
    if (start < 0)
        start = 0;
    if (start > end || start >= llen)
        return false;
    if (end >= llen)
        end = llen - 1;
    *first = (size_t)start;
    *last = (size_t)end;
    return true;
}

void handler_reply_empty_scan(struct conn *c)
{
    reply_array(c, 2);
    reply_bulk(c, "0", 1);
    reply_empty_array(c);
}
