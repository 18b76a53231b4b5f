/* server/blocking.c: clients waiting in blocking commands, and serving them.
 *
 * Owns the per-db wait tables (key -> FIFO of waiters), the ready-key queue, each blocked
 * conn's state (conn->ext[CONN_EXT_BLOCKING]: its keys, deadline timer, what to do when
 * served) and the list of conns to resume. It knows nothing of list or sorted set encodings:
 * commands hand in a serve callback (cmd_list.c, cmd_zset.c). Storage tells it about ready
 * keys through the key_ready hook only. Start at blocking_block(), then blocking_serve_ready().
 *
 * Ordering rules matched to Redis 7.0: keys become ready during a command but are served
 * only after it (so an LPUSH of three elements is one ready event), waiters on a key are
 * served in blocking order, a waiter whose type cannot be served is rotated to the back, and
 * a BLMOVE push that readies another key is served in the same pass through the queue, not
 * by recursion.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/blocking.h"

#include <event2/event.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "server/args.h"
#include "server/commands.h"
#include "server/conn.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/dict.h"
#include "utils/mem.h"
#include "utils/mtime.h"

struct waitq;
struct blocked;

/* One conn's place in one key's queue. */
struct waiter {
    struct waiter *prev, *next;
    struct waitq *q;          /* NULL once removed */
    struct blocked *b;
};

/* Everyone blocked on one key of one db (the wait table's value). */
struct waitq {
    struct waiter *head, *tail;
    size_t n;
    bool queued;              /* on the ready queue already */
};

struct bkey {
    struct waiter w;
    char *key;                /* owned copy */
    size_t klen;
};

/* A blocked conn's state; stays attached after unblocking until its pipeline is resumed. */
struct blocked {
    struct conn *c;
    struct db *db;
    struct cmd *cmd;          /* for commandstats when served */
    struct blocking_spec spec; /* spec.dst points into dst */
    char *dst;                /* owned copy of the BLMOVE destination, or NULL */
    struct bkey *keys;
    int nkeys;
    long long deadline_ms;    /* unix ms, 0 = none */
    struct event *timer;      /* NULL without a deadline */
    bool waiting;             /* still blocked (false: queued to resume) */
    struct blocked *rprev, *rnext; /* resume list */
};

/* A key queued by the key_ready hook. */
struct ready {
    struct ready *next;
    int db_id;
    size_t klen;
    char key[];
};

static struct dict **tables;  /* per db id: key -> struct waitq * */
static int ntables;
static struct ready *ready_head, *ready_tail;
static struct blocked *resume_head, *resume_tail;
static long long nblocked, nblocked_timeout;
static bool serving;

static const struct dict_type waitq_type = {.free_val = NULL};

/* ---- timeouts ---------------------------------------------------------------------------- */

bool blocking_parse_timeout(struct conn *c, const struct slice *arg, long long *deadline_ms)
{
    long double secs;
    if (!arg_to_ld(arg, &secs)) {
        reply_error(c, ERR_TIMEOUT_NOT_FLOAT);
        return false;
    }
    /* Redis converts seconds*1000 to a long long with a plain cast: on x86 anything beyond
     * the range (inf, 1e400, 1e16 s) becomes LLONG_MIN and reads as negative, and values
     * between -1 ms and 0 truncate to 0, which blocks forever. */
    long double ms = secs * 1000.0L;
    long long t = (ms >= 9223372036854775808.0L || ms <= -9223372036854775809.0L)
                      ? -1
                      : (long long)ms;
    if (t < 0) {
        reply_error(c, ERR_TIMEOUT_NEGATIVE);
        return false;
    }
    if (t > 0) {
        long long now = server.mstime;
        /* Redis 7.0 adds without a range check; the wrapped deadline never fires there,
         * so a deadline past the representable range means forever. */
        t = t > LLONG_MAX - now ? 0 : t + now;
    }
    *deadline_ms = t;
    return true;
}

bool blocking_may_block(const struct conn *c)
{
    return !(c->flags & (CONN_DENY_BLOCKING | CONN_MULTI));
}

/* ---- wait queues --------------------------------------------------------------------------- */

static struct waitq *waitq_lookup(int db_id, const char *key, size_t klen)
{
    struct dict_entry *e = dict_find(tables[db_id], key, klen);
    return e != NULL ? e->v.ptr : NULL;
}

static void waitq_append(int db_id, struct bkey *k)
{
    bool existed;
    struct dict_entry *e = dict_add(tables[db_id], k->key, k->klen, &existed);
    struct waitq *q = e->v.ptr;
    if (q == NULL) {
        q = mem_calloc(1, sizeof(*q));
        e->v.ptr = q;
    }
    struct waiter *w = &k->w;
    w->q = q;
    w->next = NULL;
    w->prev = q->tail;
    if (q->tail != NULL)
        q->tail->next = w;
    else
        q->head = w;
    q->tail = w;
    q->n++;
}

/* Takes w out of its queue; an emptied queue leaves the table (a queued ready entry then
 * finds nothing and is dropped). */
static void waitq_remove(int db_id, struct bkey *k)
{
    struct waiter *w = &k->w;
    struct waitq *q = w->q;
    if (q == NULL)
        return;
    if (w->prev != NULL)
        w->prev->next = w->next;
    else
        q->head = w->next;
    if (w->next != NULL)
        w->next->prev = w->prev;
    else
        q->tail = w->prev;
    w->prev = w->next = NULL;
    w->q = NULL;
    if (--q->n == 0) {
        dict_delete(tables[db_id], k->key, k->klen);
        mem_free(q);
    }
}

/* Moves the head to the tail: a waiter that cannot be served now keeps its place relative
 * to the others but is not met again in this pass (Redis's listRotateHeadToTail). */
static void waitq_rotate(struct waitq *q)
{
    struct waiter *w = q->head;
    if (w == NULL || w == q->tail)
        return;
    q->head = w->next;
    q->head->prev = NULL;
    w->prev = q->tail;
    w->next = NULL;
    q->tail->next = w;
    q->tail = w;
}

/* ---- block / unblock ----------------------------------------------------------------------- */

static void resume_unlink(struct blocked *b)
{
    if (b->rprev != NULL)
        b->rprev->rnext = b->rnext;
    else if (resume_head == b)
        resume_head = b->rnext;
    if (b->rnext != NULL)
        b->rnext->rprev = b->rprev;
    else if (resume_tail == b)
        resume_tail = b->rprev;
    b->rprev = b->rnext = NULL;
}

static void blocked_free(struct blocked *b)
{
    for (int i = 0; i < b->nkeys; i++)
        mem_free(b->keys[i].key);
    mem_free(b->keys);
    mem_free(b->dst);
    mem_free(b);
}

/* Ends the wait: out of every queue, timer gone, CONN_BLOCKED cleared. The state stays on
 * the resume list so the conn's buffered pipeline continues before the loop sleeps. */
static void unblock(struct blocked *b)
{
    if (!b->waiting)
        return;
    b->waiting = false;
    for (int i = 0; i < b->nkeys; i++)
        waitq_remove(b->db->id, &b->keys[i]);
    if (b->timer != NULL) {
        event_free(b->timer);
        b->timer = NULL;
        nblocked_timeout--;
    }
    nblocked--;
    b->c->flags &= ~(uint32_t)CONN_BLOCKED;
    b->rnext = NULL;
    b->rprev = resume_tail;
    if (resume_tail != NULL)
        resume_tail->rnext = b;
    else
        resume_head = b;
    resume_tail = b;
}

/* The latest any timeout fired after its deadline, in microseconds (DEBUG BLOCKING-LATENESS):
 * what the timer design promises, measured where the client's scheduling cannot blur it. */
static long long worst_lateness_us;

long long blocking_worst_lateness_us(bool reset)
{
    long long v = worst_lateness_us;
    if (reset)
        worst_lateness_us = 0;
    return v;
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct blocked *b = arg;
    long long late = time_us() - b->deadline_ms * 1000;
    if (late > worst_lateness_us)
        worst_lateness_us = late;
    /* Redis answers every timed-out list or sorted set pop, BLMOVE and BRPOPLPUSH included,
     * with the null array of the protocol. */
    reply_null_array(b->c);
    unblock(b);
}

void blocking_block(struct cmd_ctx *ctx, const struct slice *keys, int nkeys,
                    long long deadline_ms, const struct blocking_spec *spec)
{
    struct conn *c = ctx->c;
    struct blocked *old = c->ext[CONN_EXT_BLOCKING];
    if (old != NULL) {
        /* Unblocked earlier in this pass and blocking again before its resume ran. */
        resume_unlink(old);
        blocked_free(old);
    }
    struct blocked *b = mem_calloc(1, sizeof(*b));
    b->c = c;
    b->db = ctx->db;
    b->cmd = ctx->cmd;
    b->spec = *spec;
    if (spec->dst != NULL) {
        b->dst = mem_alloc(spec->dstlen + 1);
        memcpy(b->dst, spec->dst, spec->dstlen);
        b->dst[spec->dstlen] = '\0';
        b->spec.dst = b->dst;
    }
    b->keys = mem_calloc((size_t)nkeys, sizeof(*b->keys));
    for (int i = 0; i < nkeys; i++) {
        /* BLPOP k k waits once on k, as Redis does. */
        bool dup = false;
        for (int j = 0; j < b->nkeys && !dup; j++)
            dup = b->keys[j].klen == keys[i].len && memcmp(b->keys[j].key, keys[i].p, keys[i].len) == 0;
        if (dup)
            continue;
        struct bkey *k = &b->keys[b->nkeys++];
        k->key = mem_alloc(keys[i].len + 1);
        memcpy(k->key, keys[i].p, keys[i].len);
        k->key[keys[i].len] = '\0';
        k->klen = keys[i].len;
        k->w.b = b;
        waitq_append(b->db->id, k);
    }
    b->deadline_ms = deadline_ms;
    if (deadline_ms > 0) {
        /* Both clocks are cached per batch (ours and libevent's): in a long loop pass they
         * lag, and a timer set from them would fire early. Measure from now. */
        event_base_update_cache_time(server.base);
        long long left = deadline_ms * 1000 - time_us();
        if (left < 0)
            left = 0;
        struct timeval tv = {.tv_sec = left / 1000000, .tv_usec = left % 1000000};
        b->timer = evtimer_new(server.base, on_timeout, b);
        evtimer_add(b->timer, &tv);
        nblocked_timeout++;
    }
    b->waiting = true;
    c->ext[CONN_EXT_BLOCKING] = b;
    c->flags |= CONN_BLOCKED;
    nblocked++;
}

bool blocking_unblock(struct conn *c, enum blocking_end how)
{
    struct blocked *b = c->ext[CONN_EXT_BLOCKING];
    if (b == NULL || !b->waiting)
        return false;
    if (how == BLOCKING_END_TIMEOUT)
        reply_null_array(c);
    else
        reply_error(c, ERR_UNBLOCKED);
    unblock(b);
    return true;
}

void blocking_conn_closed(struct conn *c)
{
    struct blocked *b = c->ext[CONN_EXT_BLOCKING];
    if (b == NULL)
        return;
    if (b->waiting)
        unblock(b);
    resume_unlink(b);
    blocked_free(b);
    c->ext[CONN_EXT_BLOCKING] = NULL;
}

long long blocking_count(void) { return nblocked; }
long long blocking_count_with_timeout(void) { return nblocked_timeout; }

/* ---- ready keys and serving ---------------------------------------------------------------- */

static void ready_push(int db_id, const char *key, size_t klen)
{
    struct ready *r = mem_alloc(sizeof(*r) + klen + 1);
    r->next = NULL;
    r->db_id = db_id;
    r->klen = klen;
    memcpy(r->key, key, klen);
    r->key[klen] = '\0';
    if (ready_tail != NULL)
        ready_tail->next = r;
    else
        ready_head = r;
    ready_tail = r;
}

void blocking_key_ready(struct db *db, const char *key, size_t klen, void *ud)
{
    (void)ud;
    if (tables == NULL || db->id >= ntables || dict_size(tables[db->id]) == 0)
        return;
    struct waitq *q = waitq_lookup(db->id, key, klen);
    if (q == NULL || q->queued)
        return;
    q->queued = true;
    ready_push(db->id, key, klen);
}

/* Serves the head waiter b from val; true if it replied (and must be unblocked). The time
 * spent and an error reply count toward the command's statistics, as Redis counts them when
 * it unblocks a client. */
static bool serve_one(struct blocked *b, const struct slice *key, struct obj *val)
{
    struct conn *saved = server.current;
    long long errors_before = server.stat_total_error_replies;
    uint64_t start = mono_us();
    server.current = b->c;
    bool replied = b->spec.serve(b->c, b->db, key, val, &b->spec);
    server.current = saved;
    if (replied && b->cmd != NULL) {
        b->cmd->usec += (long long)(mono_us() - start);
        if (server.stat_total_error_replies != errors_before)
            b->cmd->failed_calls++;
    }
    return replied;
}

/* Serves the waiters of one ready key while its value lasts. At most the waiters present on
 * entry are visited, so rotated ones are not met twice. */
static void serve_key(struct ready *r)
{
    struct waitq *q = waitq_lookup(r->db_id, r->key, r->klen);
    if (q == NULL)
        return;
    q->queued = false;
    struct db *db = &server.ks.dbs[r->db_id];
    struct slice key = {.p = r->key, .len = r->klen};
    size_t visits = q->n;
    while (visits-- > 0) {
        struct obj *val = db_lookup(db, r->key, r->klen, DB_LOOKUP_WRITE | DB_LOOKUP_NOTOUCH);
        if (val == NULL)
            return;
        struct blocked *b = q->head->b;
        if (val->type != b->spec.type || (b->c->flags & CONN_CLOSE_ASAP) ||
            !serve_one(b, &key, val)) {
            waitq_rotate(q);
            continue;
        }
        unblock(b);
        q = waitq_lookup(r->db_id, r->key, r->klen);
        if (q == NULL)
            return;
    }
}

void blocking_serve_ready(void)
{
    if (serving || ready_head == NULL)
        return;
    serving = true;
    /* Serving may ready more keys (BLMOVE's push): they join the tail of this same queue. */
    while (ready_head != NULL) {
        struct ready *r = ready_head;
        ready_head = r->next;
        if (ready_head == NULL)
            ready_tail = NULL;
        serve_key(r);
        mem_free(r);
    }
    serving = false;
}

void blocking_before_sleep(void)
{
    blocking_serve_ready();
    while (resume_head != NULL) {
        struct blocked *b = resume_head;
        resume_unlink(b);
        struct conn *c = b->c;
        c->ext[CONN_EXT_BLOCKING] = NULL;
        blocked_free(b);
        conn_resume(c);
        blocking_serve_ready();
    }
}

void blocking_on_swapdb(int a, int b)
{
    int ids[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        int id = ids[i];
        if (tables == NULL || id >= ntables || dict_size(tables[id]) == 0)
            continue;
        struct db *db = &server.ks.dbs[id];
        struct dict_iter it;
        dict_iter_init(&it, tables[id], false);
        struct dict_entry *e;
        while ((e = dict_iter_next(&it)) != NULL) {
            struct waitq *q = e->v.ptr;
            /* A plain find: serve_key() does the expiring lookup and the per-waiter type
             * check when it runs. */
            struct dict_entry *ke = q->queued ? NULL : dict_find(db->keys, e->key, e->klen);
            if (ke == NULL)
                continue;
            const struct obj *val = ke->v.ptr;
            if (val->type != OBJ_LIST && val->type != OBJ_ZSET)
                continue;
            q->queued = true;
            ready_push(id, e->key, e->klen);
        }
        dict_iter_done(&it);
    }
}

/* ---- setup --------------------------------------------------------------------------------- */

void blocking_init(int ndb)
{
    ntables = ndb;
    tables = mem_calloc((size_t)ndb, sizeof(*tables));
    for (int i = 0; i < ndb; i++)
        tables[i] = dict_new(&waitq_type);
}

void blocking_deinit(void)
{
    while (resume_head != NULL) {
        struct blocked *b = resume_head;
        resume_unlink(b);
        b->c->ext[CONN_EXT_BLOCKING] = NULL;
        blocked_free(b);
    }
    while (ready_head != NULL) {
        struct ready *r = ready_head;
        ready_head = r->next;
        mem_free(r);
    }
    ready_tail = NULL;
    for (int i = 0; i < ntables; i++) {
        struct dict_iter it;
        dict_iter_init(&it, tables[i], false);
        struct dict_entry *e;
        while ((e = dict_iter_next(&it)) != NULL)
            mem_free(e->v.ptr);
        dict_iter_done(&it);
        dict_free(tables[i]);
    }
    mem_free(tables);
    tables = NULL;
    ntables = 0;
}
