/* server/multi.c: MULTI/EXEC/DISCARD queues and WATCH/UNWATCH optimistic locks.
 *
 * Owns each conn's transaction state (conn->ext[CONN_EXT_MULTI]: the queued commands, copied,
 * and the keys it watches) and, per db, the index key -> watching conns that the keyspace's
 * key_modified hook consults. Knows nothing of what queued commands do: EXEC hands each to
 * dispatch_call(), so statistics, MONITOR and slowlog see them as ordinary commands, and
 * blocked clients are served only once dispatch_command() returns from EXEC as a whole.
 * Start reading at multi_queue_if_needed(), then cmd_exec() and multi_key_modified().
 *
 * Redis 7.0 rules kept here: a rejected command while queuing dooms the transaction
 * (EXECABORT); runtime errors inside EXEC do not roll back; a watched key that was already
 * logically expired when WATCHed does not fail EXEC when it is merely deleted; one that
 * expires after WATCH does. A dirty conn stops watching at once (nothing can undo it).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/multi.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server/cmd_conn.h"
#include "server/commands.h"
#include "server/conn.h"
#include "server/dispatch.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/dict.h"
#include "utils/mem.h"

/* One queued command: argv slices point into the same allocation, each NUL-terminated. */
struct queued {
    struct cmd *cmd;
    int argc;
    struct slice *argv;
};

/* One key a conn watches. */
struct watched {
    struct watched *next;
    struct db *db;
    bool expired; /* logically expired already when WATCHed */
    size_t klen;
    char key[];
};

struct multi_state {
    struct queued *q;
    int count, cap;
    uint32_t flags; /* union of the queued commands' flags */
    struct watched *watched;
};

/* Conns watching one key (the value of a watch-index entry). */
struct watchers {
    int n, cap;
    struct conn **conns;
};

static void free_watchers(union dict_val *v)
{
    struct watchers *w = v->ptr;
    if (w != NULL) {
        mem_free(w->conns);
        mem_free(w);
    }
}

static const struct dict_type watch_index_type = {.free_val = free_watchers};

/* Per db id: key -> struct watchers. Watches stay with the db number (SWAPDB does not move
 * them), as in Redis. */
static struct dict **watch_index;
static int watch_ndb;

void multi_init(int ndb)
{
    watch_ndb = ndb;
    watch_index = mem_calloc((size_t)ndb, sizeof(*watch_index));
    for (int i = 0; i < ndb; i++)
        watch_index[i] = dict_new(&watch_index_type);
}

void multi_deinit(void)
{
    for (int i = 0; i < watch_ndb; i++)
        dict_free(watch_index[i]);
    mem_free(watch_index);
    watch_index = NULL;
    watch_ndb = 0;
}

static struct multi_state *state_of(const struct conn *c)
{
    return c->ext[CONN_EXT_MULTI];
}

static struct multi_state *state_get(struct conn *c)
{
    struct multi_state *st = c->ext[CONN_EXT_MULTI];
    if (st == NULL) {
        st = mem_calloc(1, sizeof(*st));
        c->ext[CONN_EXT_MULTI] = st;
    }
    return st;
}

/* ---- the queue ---------------------------------------------------------------------------- */

static void free_queue(struct multi_state *st)
{
    for (int i = 0; i < st->count; i++)
        mem_free(st->q[i].argv);
    mem_free(st->q);
    st->q = NULL;
    st->count = st->cap = 0;
    st->flags = 0;
}

static void queue_append(struct multi_state *st, struct cmd *cmd, int argc,
                         const struct slice *argv)
{
    if (st->count == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 4;
        st->q = mem_realloc(st->q, (size_t)st->cap * sizeof(*st->q));
    }
    /* One allocation per command: the slices, then the bytes; the parser's slices die with
     * the query buffer, and some handlers read arguments as C strings. */
    size_t bytes = 0;
    for (int i = 0; i < argc; i++)
        bytes += argv[i].len + 1;
    struct slice *copy = mem_alloc((size_t)argc * sizeof(*copy) + bytes);
    char *p = (char *)(copy + argc);
    for (int i = 0; i < argc; i++) {
        if (argv[i].len > 0)
            memcpy(p, argv[i].p, argv[i].len);
        p[argv[i].len] = '\0';
        copy[i].p = p;
        copy[i].len = argv[i].len;
        p += argv[i].len + 1;
    }
    st->q[st->count++] = (struct queued){.cmd = cmd, .argc = argc, .argv = copy};
    st->flags |= cmd->flags;
}

bool multi_queue_if_needed(struct conn *c, struct cmd *cmd)
{
    if (!(c->flags & CONN_MULTI))
        return false;
    if (cmd->fn == cmd_exec || cmd->fn == cmd_discard || cmd->fn == cmd_multi ||
        cmd->fn == cmd_watch || cmd->fn == cmd_quit || cmd->fn == cmd_reset)
        return false;
    /* A doomed transaction will never run: keep replying QUEUED but stop copying. */
    if (!(c->flags & (CONN_DIRTY_EXEC | CONN_DIRTY_CAS)))
        queue_append(state_get(c), cmd, c->argc, c->argv);
    reply_simple(c, "QUEUED");
    return true;
}

void multi_flag_error(struct conn *c)
{
    if (c->flags & CONN_MULTI)
        c->flags |= CONN_DIRTY_EXEC;
}

uint32_t multi_queued_flags(const struct conn *c)
{
    const struct multi_state *st = state_of(c);
    return (st != NULL && (c->flags & CONN_MULTI)) ? st->flags : 0;
}

int multi_queued_count(const struct conn *c)
{
    if (!(c->flags & CONN_MULTI))
        return -1;
    const struct multi_state *st = state_of(c);
    return st != NULL ? st->count : 0;
}

/* ---- watched keys ------------------------------------------------------------------------- */

static struct watched *find_watched(struct multi_state *st, const struct db *db,
                                    const char *key, size_t klen)
{
    for (struct watched *w = st->watched; w != NULL; w = w->next)
        if (w->db == db && w->klen == klen && memcmp(w->key, key, klen) == 0)
            return w;
    return NULL;
}

static void watch_key(struct conn *c, struct db *db, const char *key, size_t klen)
{
    struct multi_state *st = state_get(c);
    if (find_watched(st, db, key, klen) != NULL)
        return;
    struct watched *w = mem_alloc(sizeof(*w) + klen + 1);
    w->db = db;
    w->expired = db_is_expired(db, key, klen);
    w->klen = klen;
    memcpy(w->key, key, klen);
    w->key[klen] = '\0';
    w->next = st->watched;
    st->watched = w;

    bool existed;
    struct dict_entry *e = dict_add(watch_index[db->id], key, klen, &existed);
    if (!existed)
        e->v.ptr = mem_calloc(1, sizeof(struct watchers));
    struct watchers *ws = e->v.ptr;
    if (ws->n == ws->cap) {
        ws->cap = ws->cap ? ws->cap * 2 : 2;
        ws->conns = mem_realloc(ws->conns, (size_t)ws->cap * sizeof(*ws->conns));
    }
    ws->conns[ws->n++] = c;
}

static void unwatch_all(struct conn *c)
{
    struct multi_state *st = state_of(c);
    if (st == NULL)
        return;
    while (st->watched != NULL) {
        struct watched *w = st->watched;
        st->watched = w->next;
        struct dict *idx = watch_index[w->db->id];
        struct dict_entry *e = dict_find(idx, w->key, w->klen);
        if (e != NULL) {
            struct watchers *ws = e->v.ptr;
            for (int i = 0; i < ws->n; i++) {
                if (ws->conns[i] == c) {
                    ws->conns[i] = ws->conns[--ws->n];
                    break;
                }
            }
            if (ws->n == 0)
                dict_delete(idx, w->key, w->klen);
        }
        mem_free(w);
    }
}

/* Nothing can make a dirty conn's EXEC succeed, so its watches are dropped right away. */
static void mark_dirty(struct conn *c)
{
    c->flags |= CONN_DIRTY_CAS;
    unwatch_all(c);
}

/* The conns watching key in db, copied: marking one dirty edits the index entry. Returns the
 * count; *out is NULL or a buffer the caller frees. */
static int watchers_snapshot(const struct db *db, const char *key, size_t klen,
                             struct conn ***out)
{
    *out = NULL;
    if (watch_index == NULL || dict_size(watch_index[db->id]) == 0)
        return 0;
    struct dict_entry *e = dict_find(watch_index[db->id], key, klen);
    if (e == NULL)
        return 0;
    struct watchers *ws = e->v.ptr;
    *out = mem_alloc((size_t)ws->n * sizeof(**out));
    memcpy(*out, ws->conns, (size_t)ws->n * sizeof(**out));
    return ws->n;
}

void multi_key_modified(struct db *db, const char *key, size_t klen, void *ud)
{
    (void)ud;
    struct conn **cs;
    int n = watchers_snapshot(db, key, klen, &cs);
    bool gone = n > 0 && dict_find(db->keys, key, klen) == NULL;
    for (int i = 0; i < n; i++) {
        struct watched *w = find_watched(state_of(cs[i]), db, key, klen);
        if (w == NULL)
            continue;
        /* A key already expired at WATCH time that is now deleted (by expiry or a DEL)
         * read as absent all along: logically no change. */
        if (w->expired && gone) {
            w->expired = false;
            continue;
        }
        mark_dirty(cs[i]);
    }
    mem_free(cs);
}

/* Redis's rule for a db about to be emptied (replaced == NULL) or to receive replaced's
 * contents (SWAPDB): judged per watched key by its presence and expiry before and after. */
static void touch_all_in_db(struct db *emptied, struct db *replaced)
{
    struct dict *idx = watch_index[emptied->id];
    if (dict_size(idx) == 0)
        return;
    /* Collect keys first: marking conns dirty deletes index entries. */
    size_t nkeys = dict_size(idx), k = 0;
    struct dict_entry **keys = mem_alloc(nkeys * sizeof(*keys));
    struct dict_iter it;
    dict_iter_init(&it, idx, false);
    for (struct dict_entry *e; (e = dict_iter_next(&it)) != NULL && k < nkeys;)
        keys[k++] = e;
    dict_iter_done(&it);
    /* Copies of the key bytes: the entries may be freed while we go. */
    char **names = mem_alloc(k * sizeof(*names));
    size_t *lens = mem_alloc(k * sizeof(*lens));
    for (size_t i = 0; i < k; i++) {
        lens[i] = keys[i]->klen;
        names[i] = mem_alloc(lens[i] + 1);
        memcpy(names[i], keys[i]->key, lens[i] + 1);
    }
    mem_free(keys);

    for (size_t i = 0; i < k; i++) {
        const char *key = names[i];
        size_t klen = lens[i];
        bool in_emptied = dict_find(emptied->keys, key, klen) != NULL;
        bool in_replaced = replaced != NULL && dict_find(replaced->keys, key, klen) != NULL;
        if (!in_emptied && !in_replaced)
            continue;
        struct conn **cs;
        int n = watchers_snapshot(emptied, key, klen, &cs);
        for (int j = 0; j < n; j++) {
            struct watched *w = find_watched(state_of(cs[j]), emptied, key, klen);
            if (w == NULL)
                continue;
            if (w->expired) {
                if (!in_replaced) {
                    w->expired = false; /* an expired key deleted: no logical change */
                    continue;
                }
                if (db_is_expired(replaced, key, klen))
                    continue; /* expired before, expired after */
            } else if (!in_emptied && db_is_expired(replaced, key, klen)) {
                w->expired = true; /* absent before, an expired (absent) key after */
                continue;
            }
            mark_dirty(cs[j]);
        }
        mem_free(cs);
    }
    for (size_t i = 0; i < k; i++)
        mem_free(names[i]);
    mem_free(names);
    mem_free(lens);
}

void multi_touch_flushed_db(struct db *db)
{
    touch_all_in_db(db, NULL);
}

void multi_touch_swapdb(struct db *a, struct db *b)
{
    touch_all_in_db(a, b);
    touch_all_in_db(b, a);
}

/* True if a key watched while alive has expired since (EXEC must fail even though nothing
 * deleted it yet). */
static bool watched_key_expired(struct conn *c)
{
    struct multi_state *st = state_of(c);
    if (st == NULL)
        return false;
    for (struct watched *w = st->watched; w != NULL; w = w->next)
        if (!w->expired && db_is_expired(w->db, w->key, w->klen))
            return true;
    return false;
}

/* ---- state changes ------------------------------------------------------------------------ */

/* Ends the transaction (if any) and forgets every watched key. */
static void discard_transaction(struct conn *c)
{
    struct multi_state *st = state_of(c);
    if (st != NULL)
        free_queue(st);
    c->flags &= ~(uint32_t)(CONN_MULTI | CONN_DIRTY_EXEC | CONN_DIRTY_CAS);
    unwatch_all(c);
}

void multi_reset(struct conn *c)
{
    discard_transaction(c);
    struct multi_state *st = state_of(c);
    if (st != NULL) {
        mem_free(st);
        c->ext[CONN_EXT_MULTI] = NULL;
    }
}

void multi_exec_abort(struct conn *c, enum err e, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, e);
    vsnprintf(text, sizeof(text), err_format(e), ap);
    va_end(ap);
    discard_transaction(c);
    /* Redis drops the generic "ERR " code but keeps a specific one (NOAUTH ...). */
    const char *body = strncmp(text, "ERR ", 4) == 0 ? text + 4 : text;
    reply_error(c, ERR_EXECABORT_BECAUSE, body);
}

/* ---- commands ----------------------------------------------------------------------------- */

void cmd_multi(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    if (c->flags & CONN_MULTI) {
        reply_error(c, ERR_MULTI_NESTED);
        return;
    }
    c->flags |= CONN_MULTI;
    reply_ok(c);
}

void cmd_discard(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    if (!(c->flags & CONN_MULTI)) {
        reply_error(c, ERR_DISCARD_NO_MULTI);
        return;
    }
    discard_transaction(c);
    reply_ok(c);
}

void cmd_exec(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    if (!(c->flags & CONN_MULTI)) {
        reply_error(c, ERR_EXEC_NO_MULTI);
        return;
    }
    if (watched_key_expired(c))
        c->flags |= CONN_DIRTY_CAS;
    if (c->flags & (CONN_DIRTY_CAS | CONN_DIRTY_EXEC)) {
        if (c->flags & CONN_DIRTY_EXEC)
            reply_error(c, ERR_EXECABORT);
        else
            reply_null_array(c);
        discard_transaction(c);
        return;
    }
    /* The queue stays in place while it runs (CLIENT LIST reports its length, as Redis
     * does): nothing can append to it, since only dispatch_command() queues. */
    struct multi_state *st = state_get(c);
    unwatch_all(c);

    uint32_t had_deny = c->flags & CONN_DENY_BLOCKING;
    c->flags |= CONN_DENY_BLOCKING;
    struct slice *orig_argv = c->argv;
    int orig_argc = c->argc;
    reply_array(c, st->count);
    for (int i = 0; i < st->count; i++) {
        c->argv = st->q[i].argv;
        c->argc = st->q[i].argc;
        dispatch_call(c, st->q[i].cmd);
    }
    c->argv = orig_argv;
    c->argc = orig_argc;
    c->cur_cmd = ctx->cmd;
    if (!had_deny)
        c->flags &= ~(uint32_t)CONN_DENY_BLOCKING;
    discard_transaction(c);
}

void cmd_watch(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    if (c->flags & CONN_MULTI) {
        reply_error(c, ERR_WATCH_IN_MULTI);
        return;
    }
    /* Already doomed: watching more cannot change the outcome. */
    if (!(c->flags & CONN_DIRTY_CAS)) {
        for (int i = 1; i < ctx->argc; i++)
            watch_key(c, ctx->db, ctx->argv[i].p, ctx->argv[i].len);
    }
    reply_ok(c);
}

void cmd_unwatch(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    unwatch_all(c);
    c->flags &= ~(uint32_t)CONN_DIRTY_CAS;
    reply_ok(c);
}
