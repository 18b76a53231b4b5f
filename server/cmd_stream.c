/* server/cmd_stream.c: the stream command handlers.
 *
 * Owns argument parsing, the order of error checks and the reply shapes of XADD, XLEN,
 * XRANGE, XREVRANGE, XDEL and XTRIM, matched to Redis 7.0 in RESP2 and RESP3. It must not know
 * how streams are stored: entries go through storage/stream.h, keys through storage/db.h.
 * Start at parse_trim_args() (shared by XADD and XTRIM), then cmd_xadd() and range_reply().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/cmd_stream.h"

#include <stdint.h>

#include "server/args.h"
#include "server/handler.h"
#include "server/notify.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/stream.h"

/* Redis bounds the work of an approximate trim without LIMIT to this many entries. */
#define APPROX_LIMIT_MAX 10000

/* ---- shared helpers ------------------------------------------------------------------- */

static bool lookup_stream(struct cmd_ctx *ctx, int flags, struct obj **out)
{
    return handler_lookup_typed(ctx, &ctx->argv[1], OBJ_STREAM, flags, out);
}

static void stream_event(struct cmd_ctx *ctx, const char *event)
{
    notify_keyspace_event(NOTIFY_STREAM, event, ctx->argv[1].p, ctx->argv[1].len, ctx->db->id);
}

static void reply_id(struct conn *c, const struct stream_id *id)
{
    char buf[STREAM_ID_MAXLEN];
    size_t n = stream_id_format(id, buf);
    reply_bulk(c, buf, n);
}

/* A strict ID (no "-" / "+"); replies the error and returns false when invalid. */
static bool parse_strict_id(struct cmd_ctx *ctx, const struct slice *a, uint64_t missing_seq,
                            struct stream_id *id, bool *seq_given)
{
    if (stream_id_parse(a->p, a->len, true, missing_seq, id, seq_given))
        return true;
    reply_error(ctx->c, ERR_STREAM_INVALID_ID);
    return false;
}

/* What XADD's and XTRIM's options say. */
struct trim_args {
    struct stream_trim trim;
    bool no_mkstream;
    bool id_given, seq_given;
    struct stream_id id;
    int id_idx; /* XADD: argv index of the ID ('*' or explicit) */
};

/* One MAXLEN / MINID option at argv[*i] (the keyword). Replies and returns false on error. */
static bool parse_strategy(struct cmd_ctx *ctx, int *i, struct trim_args *a, bool is_maxlen)
{
    int moreargs = ctx->argc - 1 - *i;
    if (a->trim.strategy != STREAM_TRIM_NONE) {
        reply_error(ctx->c, ERR_STREAM_MAXLEN_MINID);
        return false;
    }
    a->trim.approx = false;
    const struct slice *next = &ctx->argv[*i + 1];
    /* "~" or "=" is an operator only when a threshold follows it. */
    if (moreargs >= 2 && next->len == 1 && (next->p[0] == '~' || next->p[0] == '=')) {
        a->trim.approx = next->p[0] == '~';
        (*i)++;
    }
    const struct slice *threshold = &ctx->argv[*i + 1];
    if (is_maxlen) {
        long long maxlen;
        if (!arg_to_ll(threshold, &maxlen)) {
            reply_error(ctx->c, ERR_NOT_INTEGER);
            return false;
        }
        if (maxlen < 0) {
            reply_error(ctx->c, ERR_STREAM_MAXLEN_NEGATIVE);
            return false;
        }
        a->trim.maxlen = (uint64_t)maxlen;
        a->trim.strategy = STREAM_TRIM_MAXLEN;
    } else {
        if (!parse_strict_id(ctx, threshold, 0, &a->trim.minid, NULL))
            return false;
        a->trim.strategy = STREAM_TRIM_MINID;
    }
    (*i)++;
    return true;
}

/* Parses XADD's options and ID (is_xadd) or XTRIM's options, from argv[2], in Redis's order
 * of checks. Replies and returns false on error. */
static bool parse_trim_args(struct cmd_ctx *ctx, struct trim_args *a, bool is_xadd)
{
    *a = (struct trim_args){0};
    bool limit_given = false;
    int i = 2;
    for (; i < ctx->argc; i++) {
        const struct slice *opt = &ctx->argv[i];
        int moreargs = ctx->argc - 1 - i;
        if (is_xadd && opt->len == 1 && opt->p[0] == '*') {
            break;
        } else if (arg_is(opt, "maxlen") && moreargs > 0) {
            if (!parse_strategy(ctx, &i, a, true))
                return false;
        } else if (arg_is(opt, "minid") && moreargs > 0) {
            if (!parse_strategy(ctx, &i, a, false))
                return false;
        } else if (arg_is(opt, "limit") && moreargs > 0) {
            if (!arg_to_ll(&ctx->argv[i + 1], &a->trim.limit)) {
                reply_error(ctx->c, ERR_NOT_INTEGER);
                return false;
            }
            if (a->trim.limit < 0) {
                reply_error(ctx->c, ERR_STREAM_LIMIT_NEGATIVE);
                return false;
            }
            limit_given = true;
            i++;
        } else if (is_xadd && arg_is(opt, "nomkstream")) {
            a->no_mkstream = true;
        } else if (is_xadd) {
            /* Anything else must be the entry's ID. */
            if (!parse_strict_id(ctx, opt, 0, &a->id, &a->seq_given))
                return false;
            a->id_given = true;
            break;
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return false;
        }
    }
    a->id_idx = i;
    /* LIMIT 0 means "no limit", so only a non-zero one needs a strategy. */
    if (a->trim.limit != 0 && a->trim.strategy == STREAM_TRIM_NONE) {
        reply_error(ctx->c, ERR_STREAM_LIMIT_NO_STRATEGY);
        return false;
    }
    if (!is_xadd && a->trim.strategy == STREAM_TRIM_NONE) {
        reply_error(ctx->c, ERR_XTRIM_NO_STRATEGY);
        return false;
    }
    if (limit_given) {
        if (!a->trim.approx) {
            reply_error(ctx->c, ERR_STREAM_LIMIT_NO_APPROX);
            return false;
        }
    } else if (a->trim.approx) {
        long long limit = 100 * stream_node_max_entries;
        a->trim.limit = limit <= 0 || limit > APPROX_LIMIT_MAX ? APPROX_LIMIT_MAX : limit;
    } else {
        a->trim.limit = 0;
    }
    return true;
}

/* ---- XADD, XDEL, XTRIM ---------------------------------------------------------------- */

/* XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value ... */
void cmd_xadd(struct cmd_ctx *ctx)
{
    struct trim_args a;
    if (!parse_trim_args(ctx, &a, true))
        return;
    int field_pos = a.id_idx + 1;
    int nargs = ctx->argc - field_pos;
    if (nargs < 2 || nargs % 2 != 0) {
        reply_error(ctx->c, ERR_WRONG_ARITY, ctx->cmd->name);
        return;
    }
    /* Refused before the lookup so a new key is never created by a failing XADD. */
    if (a.id_given && a.seq_given && a.id.ms == 0 && a.id.seq == 0) {
        reply_error(ctx->c, ERR_XADD_ID_ZERO);
        return;
    }
    struct obj *o;
    if (!lookup_stream(ctx, DB_LOOKUP_WRITE, &o))
        return;
    bool is_new = o == NULL;
    if (is_new) {
        if (a.no_mkstream) {
            reply_null(ctx->c);
            return;
        }
        o = stream_new();
    }
    struct stream_id id;
    enum stream_add_status st =
        stream_add(o, &ctx->argv[field_pos], (size_t)nargs / 2, a.id_given ? &a.id : NULL,
                   a.seq_given, (uint64_t)ctx->db->ks->now_ms, &id);
    if (st != STREAM_ADD_OK) {
        if (is_new)
            obj_release(o);
        reply_error(ctx->c, st == STREAM_ADD_EXHAUSTED     ? ERR_STREAM_EXHAUSTED
                            : st == STREAM_ADD_NOT_GREATER ? ERR_XADD_ID_NOT_GREATER
                                                           : ERR_STREAM_TOO_LARGE);
        return;
    }
    reply_id(ctx->c, &id);
    if (is_new) {
        db_add(ctx->db, ctx->argv[1].p, ctx->argv[1].len, o);
        obj_release(o); /* the keyspace holds it now */
    } else {
        handler_signal_modified(ctx->db, &ctx->argv[1]);
    }
    stream_event(ctx, "xadd");
    server.dirty++;
    if (a.trim.strategy != STREAM_TRIM_NONE && stream_trim(o, &a.trim) > 0)
        stream_event(ctx, "xtrim");
}

/* XDEL key id [id ...]: the key is looked up before the IDs are checked, as in Redis. */
void cmd_xdel(struct cmd_ctx *ctx)
{
    struct obj *o;
    if (!lookup_stream(ctx, DB_LOOKUP_WRITE, &o))
        return;
    if (o == NULL) {
        reply_int(ctx->c, 0);
        return;
    }
    /* Every ID is checked before any is deleted, so an error deletes nothing. */
    for (int j = 2; j < ctx->argc; j++) {
        struct stream_id id;
        if (!parse_strict_id(ctx, &ctx->argv[j], 0, &id, NULL))
            return;
    }
    long long deleted = 0;
    for (int j = 2; j < ctx->argc; j++) {
        struct stream_id id;
        stream_id_parse(ctx->argv[j].p, ctx->argv[j].len, true, 0, &id, NULL);
        if (stream_delete(o, &id))
            deleted++;
    }
    if (deleted > 0) {
        handler_signal_modified(ctx->db, &ctx->argv[1]);
        stream_event(ctx, "xdel");
        server.dirty += deleted;
    }
    reply_int(ctx->c, deleted);
}

/* XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] */
void cmd_xtrim(struct cmd_ctx *ctx)
{
    struct trim_args a;
    if (!parse_trim_args(ctx, &a, false))
        return;
    struct obj *o;
    if (!lookup_stream(ctx, DB_LOOKUP_WRITE, &o))
        return;
    uint64_t deleted = o != NULL ? stream_trim(o, &a.trim) : 0;
    if (deleted > 0) {
        stream_event(ctx, "xtrim");
        handler_signal_modified(ctx->db, &ctx->argv[1]);
        server.dirty += (long long)deleted;
    }
    reply_int(ctx->c, (long long)deleted);
}

/* ---- reads ----------------------------------------------------------------------------- */

/* XLEN key */
void cmd_xlen(struct cmd_ctx *ctx)
{
    struct obj *o;
    if (!lookup_stream(ctx, DB_LOOKUP_READ, &o))
        return;
    reply_int(ctx->c, o != NULL ? (long long)stream_len(o) : 0);
}

/* One end of an XRANGE interval: "-", "+", an ID, an incomplete ID (ms), or an exclusive
 * "(id". *exclusive says whether the caller must step past it. */
static bool parse_interval_id(struct cmd_ctx *ctx, const struct slice *a, uint64_t missing_seq,
                              struct stream_id *id, bool *exclusive)
{
    *exclusive = a->len > 1 && a->p[0] == '(';
    bool ok = *exclusive ? stream_id_parse(a->p + 1, a->len - 1, true, missing_seq, id, NULL)
                         : stream_id_parse(a->p, a->len, false, missing_seq, id, NULL);
    if (!ok)
        reply_error(ctx->c, ERR_STREAM_INVALID_ID);
    return ok;
}

/* Entries of o in [start, end] (descending if rev), at most count (0 = all), as
 * [[id, [field, value, ...]], ...] in both protocols. */
static void range_reply(struct conn *c, struct obj *o, const struct stream_id *start,
                        const struct stream_id *end, long long count, bool rev)
{
    struct stream_iter it;
    struct stream_id id;
    uint64_t nfields;
    long long n = 0;
    void *hdr = reply_defer(c);
    stream_iter_init(&it, o, start, end, rev);
    while ((count == 0 || n < count) && stream_iter_next(&it, &id, &nfields)) {
        reply_array(c, 2);
        reply_id(c, &id);
        reply_array(c, (long long)nfields * 2);
        const char *f, *v;
        size_t flen, vlen;
        while (stream_iter_field(&it, &f, &flen, &v, &vlen)) {
            reply_bulk(c, f, flen);
            reply_bulk(c, v, vlen);
        }
        n++;
    }
    reply_defer_set_array(c, hdr, n);
}

/* XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n] */
static void range_command(struct cmd_ctx *ctx, bool rev)
{
    const struct slice *start_arg = &ctx->argv[rev ? 3 : 2];
    const struct slice *end_arg = &ctx->argv[rev ? 2 : 3];
    struct stream_id start, end;
    bool ex;
    if (!parse_interval_id(ctx, start_arg, 0, &start, &ex))
        return;
    if (ex && !stream_id_incr(&start)) {
        reply_error(ctx->c, ERR_STREAM_START_INTERVAL);
        return;
    }
    if (!parse_interval_id(ctx, end_arg, UINT64_MAX, &end, &ex))
        return;
    if (ex && !stream_id_decr(&end)) {
        reply_error(ctx->c, ERR_STREAM_END_INTERVAL);
        return;
    }
    long long count = -1; /* no COUNT */
    for (int j = 4; j < ctx->argc; j++) {
        if (arg_is(&ctx->argv[j], "count") && j + 1 < ctx->argc) {
            if (!arg_to_ll(&ctx->argv[j + 1], &count)) {
                reply_error(ctx->c, ERR_NOT_INTEGER);
                return;
            }
            if (count < 0)
                count = 0;
            j++;
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    struct obj *o;
    if (!lookup_stream(ctx, DB_LOOKUP_READ, &o))
        return;
    if (o == NULL) {
        reply_empty_array(ctx->c);
        return;
    }
    /* An explicit COUNT of 0 (or below) answers a null array, not an empty one. */
    if (count == 0) {
        reply_null_array(ctx->c);
        return;
    }
    range_reply(ctx->c, o, &start, &end, count < 0 ? 0 : count, rev);
}

void cmd_xrange(struct cmd_ctx *ctx)
{
    range_command(ctx, false);
}

void cmd_xrevrange(struct cmd_ctx *ctx)
{
    range_command(ctx, true);
}

/* ---- XSETID ------------------------------------------------------------------------------ */

/* XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id]: what a rewritten AOF (and Redis's
 * replication) uses to restore a stream's bookkeeping. Redis 7.0's order of checks: the ID,
 * the options, the key, then the checks against the stream's content. An empty stream takes
 * any last ID, even one below its current one. */
void cmd_xsetid(struct cmd_ctx *ctx)
{
    struct stream_id id, maxdel = {0, 0};
    long long added = -1;
    if (!parse_strict_id(ctx, &ctx->argv[2], 0, &id, NULL))
        return;
    for (int i = 3; i < ctx->argc; i += 2) {
        bool more = i + 1 < ctx->argc;
        if (more && arg_is(&ctx->argv[i], "entriesadded")) {
            if (!arg_to_ll(&ctx->argv[i + 1], &added)) {
                reply_error(ctx->c, ERR_NOT_INTEGER);
                return;
            }
            if (added < 0) {
                reply_error(ctx->c, ERR_XSETID_ENTRIES_NEGATIVE);
                return;
            }
        } else if (more && arg_is(&ctx->argv[i], "maxdeletedid")) {
            if (!parse_strict_id(ctx, &ctx->argv[i + 1], 0, &maxdel, NULL))
                return;
            if (stream_id_cmp(&id, &maxdel) < 0) {
                reply_error(ctx->c, ERR_XSETID_BELOW_MAXDEL);
                return;
            }
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    struct obj *o;
    if (!lookup_stream(ctx, DB_LOOKUP_WRITE, &o))
        return;
    if (o == NULL) {
        reply_error(ctx->c, ERR_NO_SUCH_KEY);
        return;
    }
    struct stream *s = stream_of(o);
    if (s->length > 0) {
        /* The top item is the last live entry: after XDEL the last ID may move back to it. */
        struct stream_iter it;
        struct stream_id top;
        uint64_t nf;
        struct stream_id lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
        stream_iter_init(&it, o, &lo, &hi, true);
        if (stream_iter_next(&it, &top, &nf) && stream_id_cmp(&id, &top) < 0) {
            reply_error(ctx->c, ERR_XSETID_BELOW_TOP);
            return;
        }
        if (added != -1 && s->length > (uint64_t)added) {
            reply_error(ctx->c, ERR_XSETID_ENTRIES_SMALL);
            return;
        }
    }
    s->last_id = id;
    if (added != -1)
        s->entries_added = (uint64_t)added;
    if (maxdel.ms != 0 || maxdel.seq != 0)
        s->max_deleted_id = maxdel;
    handler_signal_modified(ctx->db, &ctx->argv[1]);
    stream_event(ctx, "xsetid");
    server.dirty++;
    reply_ok(ctx->c);
}
