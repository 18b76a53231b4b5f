/* server/pubsub.c: who listens to which channel, pattern or shard channel, and delivery.
 *
 * Three kinds of target (channel, pattern, shard channel), each a server-wide dict name ->
 * target holding a doubly linked list of subscriptions in subscription order. A conn's own
 * record (conn->ext[CONN_EXT_PUBSUB]) has, per kind, a dict name -> subscription and a list
 * in subscription order, so unsubscribing is O(1) however many listeners a channel has.
 * Patterns are also kept in a list so PUBLISH walks them without touching a dict.
 * Knows nothing of sockets or parsing: messages go out through reply.h like any reply.
 * Start reading at pubsub_publish().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/pubsub.h"

#include <string.h>

#include "server/args.h"
#include "server/cmd_conn.h"
#include "server/commands.h"
#include "server/conn.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/dict.h"
#include "utils/glob.h"
#include "utils/mem.h"

enum pubsub_kind { PS_CHANNEL = 0, PS_PATTERN = 1, PS_SHARD = 2, PS_KINDS = 3 };

struct pubsub_target;

/* One conn subscribed to one target. */
struct pubsub_sub {
    struct conn *c;
    struct pubsub_target *t;
    struct pubsub_sub *prev, *next;   /* the target's listeners */
    struct pubsub_sub *cprev, *cnext; /* the conn's subscriptions of this kind */
};

struct pubsub_target {
    struct dict_entry *e; /* its entry in targets[kind]: the name lives there */
    struct pubsub_sub *head, *tail;
    size_t count;
    struct pubsub_target *pprev, *pnext; /* pattern_head list (patterns only) */
};

struct pubsub_conn {
    struct dict *subs[PS_KINDS];
    struct pubsub_sub *head[PS_KINDS], *tail[PS_KINDS];
};

static const struct dict_type pubsub_dict_type = {.free_val = NULL};
static struct dict *targets[PS_KINDS];
static struct pubsub_target *pattern_head, *pattern_tail;

static const char *const kind_sub_name[PS_KINDS] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const kind_unsub_name[PS_KINDS] = {"unsubscribe", "punsubscribe",
                                                      "sunsubscribe"};

void pubsub_init(void)
{
    for (int k = 0; k < PS_KINDS; k++)
        targets[k] = dict_new(&pubsub_dict_type);
    pattern_head = pattern_tail = NULL;
}

void pubsub_deinit(void)
{
    /* Conns are closed before this, so every target is gone already. */
    for (int k = 0; k < PS_KINDS; k++) {
        dict_free(targets[k]);
        targets[k] = NULL;
    }
}

size_t pubsub_channel_count(void) { return targets[PS_CHANNEL] ? dict_size(targets[PS_CHANNEL]) : 0; }
size_t pubsub_pattern_count(void) { return targets[PS_PATTERN] ? dict_size(targets[PS_PATTERN]) : 0; }
size_t pubsub_shard_channel_count(void) { return targets[PS_SHARD] ? dict_size(targets[PS_SHARD]) : 0; }

static struct pubsub_conn *pubsub_state(struct conn *c, bool create)
{
    struct pubsub_conn *st = c->ext[CONN_EXT_PUBSUB];
    if (st == NULL && create) {
        st = mem_calloc(1, sizeof(*st));
        for (int k = 0; k < PS_KINDS; k++)
            st->subs[k] = dict_new(&pubsub_dict_type);
        c->ext[CONN_EXT_PUBSUB] = st;
    }
    return st;
}

static size_t pubsub_kind_count(struct conn *c, int kind)
{
    struct pubsub_conn *st = pubsub_state(c, false);
    return st ? dict_size(st->subs[kind]) : 0;
}

/* The running count Redis reports: shard channels are counted apart from the others. */
static long long pubsub_reply_count(struct conn *c, int kind)
{
    if (kind == PS_SHARD)
        return (long long)pubsub_kind_count(c, PS_SHARD);
    return (long long)(pubsub_kind_count(c, PS_CHANNEL) + pubsub_kind_count(c, PS_PATTERN));
}

void pubsub_conn_counts(const struct conn *c, size_t *channels, size_t *patterns, size_t *shard)
{
    const struct pubsub_conn *st = c->ext[CONN_EXT_PUBSUB];
    *channels = st ? dict_size(st->subs[PS_CHANNEL]) : 0;
    *patterns = st ? dict_size(st->subs[PS_PATTERN]) : 0;
    *shard = st ? dict_size(st->subs[PS_SHARD]) : 0;
}

static size_t pubsub_total(struct conn *c)
{
    return pubsub_kind_count(c, PS_CHANNEL) + pubsub_kind_count(c, PS_PATTERN) +
           pubsub_kind_count(c, PS_SHARD);
}

/* Returns false if c was subscribed already. */
static bool pubsub_add(struct conn *c, int kind, const char *name, size_t len)
{
    struct pubsub_conn *st = pubsub_state(c, true);
    bool existed;
    struct dict_entry *ce = dict_add(st->subs[kind], name, len, &existed);
    if (existed)
        return false;
    struct dict_entry *te = dict_add(targets[kind], name, len, &existed);
    struct pubsub_target *t = te->v.ptr;
    if (!existed) {
        t = mem_calloc(1, sizeof(*t));
        t->e = te;
        te->v.ptr = t;
        if (kind == PS_PATTERN) {
            t->pprev = pattern_tail;
            if (pattern_tail != NULL)
                pattern_tail->pnext = t;
            else
                pattern_head = t;
            pattern_tail = t;
        }
    }
    struct pubsub_sub *s = mem_alloc(sizeof(*s));
    s->c = c;
    s->t = t;
    s->next = NULL;
    s->prev = t->tail;
    if (t->tail != NULL)
        t->tail->next = s;
    else
        t->head = s;
    t->tail = s;
    t->count++;
    s->cnext = NULL;
    s->cprev = st->tail[kind];
    if (st->tail[kind] != NULL)
        st->tail[kind]->cnext = s;
    else
        st->head[kind] = s;
    st->tail[kind] = s;
    ce->v.ptr = s;
    return true;
}

/* Unlinks s from its target and its conn (freeing the target when it has no listener left).
 * The caller deletes the conn's dict entry. */
static void pubsub_unlink(struct pubsub_conn *st, int kind, struct pubsub_sub *s)
{
    struct pubsub_target *t = s->t;
    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        t->head = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    else
        t->tail = s->prev;
    t->count--;
    if (s->cprev != NULL)
        s->cprev->cnext = s->cnext;
    else
        st->head[kind] = s->cnext;
    if (s->cnext != NULL)
        s->cnext->cprev = s->cprev;
    else
        st->tail[kind] = s->cprev;
    if (t->count == 0) {
        if (kind == PS_PATTERN) {
            if (t->pprev != NULL)
                t->pprev->pnext = t->pnext;
            else
                pattern_head = t->pnext;
            if (t->pnext != NULL)
                t->pnext->pprev = t->pprev;
            else
                pattern_tail = t->pprev;
        }
        dict_delete(targets[kind], t->e->key, t->e->klen);
        mem_free(t);
    }
    mem_free(s);
}

static bool pubsub_remove(struct conn *c, int kind, const char *name, size_t len)
{
    struct pubsub_conn *st = pubsub_state(c, false);
    if (st == NULL)
        return false;
    struct dict_entry *ce = dict_find(st->subs[kind], name, len);
    if (ce == NULL)
        return false;
    pubsub_unlink(st, kind, ce->v.ptr);
    dict_delete(st->subs[kind], name, len);
    return true;
}

static void pubsub_reply_event(struct conn *c, const char *what, const char *name, size_t len,
                               long long count)
{
    reply_push(c, 3);
    reply_bulk_cstr(c, what);
    if (name != NULL)
        reply_bulk(c, name, len);
    else
        reply_null(c);
    reply_int(c, count);
}

/* A RESP2 conn with any subscription is in subscribed mode (and in the pubsub obuf class). */
static void pubsub_update_flag(struct conn *c)
{
    if (pubsub_total(c) > 0)
        c->flags |= CONN_PUBSUB;
    else
        c->flags &= ~(uint32_t)CONN_PUBSUB;
}

void pubsub_conn_reset(struct conn *c)
{
    struct pubsub_conn *st = pubsub_state(c, false);
    if (st == NULL)
        return;
    for (int k = 0; k < PS_KINDS; k++) {
        while (st->head[k] != NULL)
            pubsub_unlink(st, k, st->head[k]);
        dict_free(st->subs[k]);
    }
    mem_free(st);
    c->ext[CONN_EXT_PUBSUB] = NULL;
    c->flags &= ~(uint32_t)CONN_PUBSUB;
}

bool pubsub_allowed_in_context(const struct cmd *cmd)
{
    cmd_fn *fn = cmd->fn;
    return fn == cmd_ping || fn == cmd_subscribe || fn == cmd_ssubscribe ||
           fn == cmd_unsubscribe || fn == cmd_sunsubscribe || fn == cmd_psubscribe ||
           fn == cmd_punsubscribe || fn == cmd_quit || fn == cmd_reset;
}

/* ---- SUBSCRIBE family ------------------------------------------------------------------- */

static void pubsub_subscribe_generic(struct cmd_ctx *ctx, int kind)
{
    struct conn *c = ctx->c;
    for (int i = 1; i < ctx->argc; i++) {
        pubsub_add(c, kind, ctx->argv[i].p, ctx->argv[i].len);
        pubsub_reply_event(c, kind_sub_name[kind], ctx->argv[i].p, ctx->argv[i].len,
                           pubsub_reply_count(c, kind));
    }
    pubsub_update_flag(c);
}

static void pubsub_unsubscribe_generic(struct cmd_ctx *ctx, int kind)
{
    struct conn *c = ctx->c;
    if (ctx->argc > 1) {
        for (int i = 1; i < ctx->argc; i++) {
            pubsub_remove(c, kind, ctx->argv[i].p, ctx->argv[i].len);
            pubsub_reply_event(c, kind_unsub_name[kind], ctx->argv[i].p, ctx->argv[i].len,
                               pubsub_reply_count(c, kind));
        }
    } else {
        struct pubsub_conn *st = pubsub_state(c, false);
        if (st == NULL || st->head[kind] == NULL) {
            pubsub_reply_event(c, kind_unsub_name[kind], NULL, 0, pubsub_reply_count(c, kind));
        } else {
            while (st->head[kind] != NULL) {
                struct pubsub_sub *s = st->head[kind];
                struct dict_entry *te = s->t->e;
                /* The name outlives the unlink only through the conn's own entry. */
                struct dict_entry *ce = dict_unlink(st->subs[kind], te->key, te->klen);
                pubsub_unlink(st, kind, s);
                pubsub_reply_event(c, kind_unsub_name[kind], ce->key, ce->klen,
                                   pubsub_reply_count(c, kind));
                dict_entry_free(st->subs[kind], ce, true);
            }
        }
    }
    pubsub_update_flag(c);
}

/* SUBSCRIBE channel [channel ...] */
void cmd_subscribe(struct cmd_ctx *ctx)
{
    /* EXEC may subscribe (the conn is then in subscribed mode after it); scripts may not. */
    if ((ctx->c->flags & CONN_DENY_BLOCKING) && !(ctx->c->flags & CONN_MULTI)) {
        reply_error(ctx->c, ERR_PUBSUB_DENY_BLOCKING, "SUBSCRIBE");
        return;
    }
    pubsub_subscribe_generic(ctx, PS_CHANNEL);
}

/* PSUBSCRIBE pattern [pattern ...] */
void cmd_psubscribe(struct cmd_ctx *ctx)
{
    if ((ctx->c->flags & CONN_DENY_BLOCKING) && !(ctx->c->flags & CONN_MULTI)) {
        reply_error(ctx->c, ERR_PUBSUB_DENY_BLOCKING, "PSUBSCRIBE");
        return;
    }
    pubsub_subscribe_generic(ctx, PS_PATTERN);
}

/* SSUBSCRIBE shardchannel [shardchannel ...] */
void cmd_ssubscribe(struct cmd_ctx *ctx)
{
    /* Unlike SUBSCRIBE, Redis 7.0 refuses it inside EXEC too. */
    if (ctx->c->flags & CONN_DENY_BLOCKING) {
        reply_error(ctx->c, ERR_PUBSUB_DENY_BLOCKING, "SSUBSCRIBE");
        return;
    }
    pubsub_subscribe_generic(ctx, PS_SHARD);
}

/* UNSUBSCRIBE [channel ...] */
void cmd_unsubscribe(struct cmd_ctx *ctx) { pubsub_unsubscribe_generic(ctx, PS_CHANNEL); }
/* PUNSUBSCRIBE [pattern ...] */
void cmd_punsubscribe(struct cmd_ctx *ctx) { pubsub_unsubscribe_generic(ctx, PS_PATTERN); }
/* SUNSUBSCRIBE [shardchannel ...] */
void cmd_sunsubscribe(struct cmd_ctx *ctx) { pubsub_unsubscribe_generic(ctx, PS_SHARD); }

/* ---- PUBLISH ---------------------------------------------------------------------------- */

/* Delivers msg to every listener of channel (and, for plain channels, of every matching
 * pattern). Returns the number of receivers, counting a conn once per matching
 * subscription as Redis does. Each delivery only appends to the listener's output block;
 * a listener over its pubsub output limit is cut off by reply.c as the queue grows. */
static long long pubsub_publish(int kind, const char *ch, size_t chlen, const char *msg,
                                size_t msglen)
{
    long long receivers = 0;
    const char *what = kind == PS_SHARD ? "smessage" : "message";
    size_t whatlen = kind == PS_SHARD ? 8 : 7;
    struct dict_entry *te = dict_find(targets[kind], ch, chlen);
    if (te != NULL) {
        struct pubsub_target *t = te->v.ptr;
        for (struct pubsub_sub *s = t->head; s != NULL; s = s->next) {
            struct conn *c = s->c;
            reply_push(c, 3);
            reply_bulk(c, what, whatlen);
            reply_bulk(c, ch, chlen);
            reply_bulk(c, msg, msglen);
            receivers++;
        }
    }
    if (kind != PS_CHANNEL)
        return receivers;
    for (struct pubsub_target *t = pattern_head; t != NULL; t = t->pnext) {
        if (!glob_match(t->e->key, t->e->klen, ch, chlen, false))
            continue;
        for (struct pubsub_sub *s = t->head; s != NULL; s = s->next) {
            struct conn *c = s->c;
            reply_push(c, 4);
            reply_bulk(c, "pmessage", 8);
            reply_bulk(c, t->e->key, t->e->klen);
            reply_bulk(c, ch, chlen);
            reply_bulk(c, msg, msglen);
            receivers++;
        }
    }
    return receivers;
}

long long pubsub_publish_message(const char *ch, size_t chlen, const char *msg, size_t msglen)
{
    return pubsub_publish(PS_CHANNEL, ch, chlen, msg, msglen);
}

/* PUBLISH channel message */
void cmd_publish(struct cmd_ctx *ctx)
{
    long long n = pubsub_publish(PS_CHANNEL, ctx->argv[1].p, ctx->argv[1].len, ctx->argv[2].p,
                                 ctx->argv[2].len);
    reply_int(ctx->c, n);
}

/* SPUBLISH shardchannel message (standalone: one shard, this server) */
void cmd_spublish(struct cmd_ctx *ctx)
{
    long long n = pubsub_publish(PS_SHARD, ctx->argv[1].p, ctx->argv[1].len, ctx->argv[2].p,
                                 ctx->argv[2].len);
    reply_int(ctx->c, n);
}

/* ---- PUBSUB ----------------------------------------------------------------------------- */

static void pubsub_list_targets(struct cmd_ctx *ctx, int kind)
{
    struct conn *c = ctx->c;
    const struct slice *pat = ctx->argc > 2 ? &ctx->argv[2] : NULL;
    void *hdr = reply_defer(c);
    long long n = 0;
    struct dict_iter it;
    dict_iter_init(&it, targets[kind], false);
    struct dict_entry *e;
    while ((e = dict_iter_next(&it)) != NULL) {
        if (pat != NULL && !glob_match(pat->p, pat->len, e->key, e->klen, false))
            continue;
        reply_bulk(c, e->key, e->klen);
        n++;
    }
    dict_iter_done(&it);
    reply_defer_set_array(c, hdr, n);
}

static void pubsub_count_targets(struct cmd_ctx *ctx, int kind)
{
    struct conn *c = ctx->c;
    /* A flat array of name, count pairs in both protocols, as Redis 7.0 sends it. */
    reply_array(c, (long long)(ctx->argc - 2) * 2);
    for (int i = 2; i < ctx->argc; i++) {
        struct dict_entry *e = dict_find(targets[kind], ctx->argv[i].p, ctx->argv[i].len);
        reply_bulk(c, ctx->argv[i].p, ctx->argv[i].len);
        reply_int(c, e != NULL ? (long long)((struct pubsub_target *)e->v.ptr)->count : 0);
    }
}

/* Redis names the subcommand as the client typed it. */
static void pubsub_reply_syntax(struct cmd_ctx *ctx)
{
    char sub[129];
    size_t n = ctx->argv[1].len < 128 ? ctx->argv[1].len : 128;
    memcpy(sub, ctx->argv[1].p, n);
    sub[n] = '\0';
    reply_error(ctx->c, ERR_SUBCMD_OR_ARITY, sub, "PUBSUB");
}

/* PUBSUB CHANNELS [pattern] */
void cmd_pubsub_channels(struct cmd_ctx *ctx)
{
    if (ctx->argc > 3) {
        pubsub_reply_syntax(ctx);
        return;
    }
    pubsub_list_targets(ctx, PS_CHANNEL);
}

/* PUBSUB SHARDCHANNELS [pattern] */
void cmd_pubsub_shardchannels(struct cmd_ctx *ctx)
{
    if (ctx->argc > 3) {
        pubsub_reply_syntax(ctx);
        return;
    }
    pubsub_list_targets(ctx, PS_SHARD);
}

/* PUBSUB NUMSUB [channel ...] */
void cmd_pubsub_numsub(struct cmd_ctx *ctx) { pubsub_count_targets(ctx, PS_CHANNEL); }
/* PUBSUB SHARDNUMSUB [shardchannel ...] */
void cmd_pubsub_shardnumsub(struct cmd_ctx *ctx) { pubsub_count_targets(ctx, PS_SHARD); }

/* PUBSUB NUMPAT: distinct patterns with at least one listener. */
void cmd_pubsub_numpat(struct cmd_ctx *ctx)
{
    reply_int(ctx->c, (long long)dict_size(targets[PS_PATTERN]));
}

/* Same number of lines as Redis 7.0's text (clients may page on it), in our own words. */
static const char *const pubsub_help_lines[] = {
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    List the channels with at least one subscriber, optionally only those matching",
    "NUMPAT",
    "    Count the distinct patterns that have at least one subscriber.",
    "NUMSUB [<channel> ...]",
    "    Give each named channel with its number of direct subscribers (pattern",
    "    subscriptions are not counted).",
    "SHARDCHANNELS [<pattern>]",
    "    List the shard channels with at least one subscriber, optionally only matching.",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Give each named shard channel with its number of subscribers.",
    "HELP",
    "    Print this help.",
};

/* PUBSUB HELP */
void cmd_pubsub_help(struct cmd_ctx *ctx)
{
    size_t n = sizeof(pubsub_help_lines) / sizeof(pubsub_help_lines[0]);
    reply_array(ctx->c, (long long)n);
    for (size_t i = 0; i < n; i++)
        reply_simple(ctx->c, pubsub_help_lines[i]);
}
