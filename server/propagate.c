/* server/propagate.c: turning executed commands into the stream the AOF records.
 *
 * Owns the unit being built (the commands of one outermost call: a plain command, an EXEC,
 * a script), the stack of nested calls, and the db the stream last SELECTed. Knows nothing of
 * files or fsync: finished units go to aof_feed(). Matched to what redis-server 7.0.15 writes
 * to its incr file (checked by tests/unit/aof.tcl against a real one):
 *   - a unit of one command is written bare; of several, between MULTI and EXEC, with the
 *     SELECT for the first command before MULTI (a MULTI holding one write is written bare);
 *   - a key a command finds expired becomes a DEL in that command's unit, ahead of it; one
 *     the active cycle deletes is a DEL on its own;
 *   - EXEC and EVAL are never written themselves: their inner commands are.
 * Start at propagate_call_end().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/propagate.h"

#include <stdio.h>
#include <string.h>

#include "server/aof.h"
#include "server/conn.h"
#include "server/server.h"
#include "storage/db.h"
#include "utils/buf.h"
#include "utils/mem.h"
#include "utils/num.h"

bool propagate_on;

/* Nested calls: EXEC and scripts call handlers inside a handler. A script cannot run EXEC or
 * another script, so three levels is the real maximum; deeper ones share the last frame. */
#define MAX_DEPTH 8

struct frame {
    int db;              /* db id when the call began */
    size_t ops_at_start; /* unit ops before the call: more after it means nested commands wrote */
    bool replaced;       /* the handler registered its own commands (or none) */
    bool child_wrote;    /* a nested call (EXEC's, a script's) added commands */
};

struct op {
    int db;
    size_t off, len; /* bytes in unit_bytes */
};

static struct {
    int depth;
    struct frame frames[MAX_DEPTH];
    struct buf unit_bytes; /* encoded commands of the unit in progress */
    struct op *ops;
    size_t nops, cap;
    int last_db;           /* db of the last SELECT written; -1: none yet in this file */
    struct buf out;        /* scratch for a finished unit */
    void (*next_expired)(struct db *db, const char *key, size_t klen, void *ud);
} P = {.last_db = -1};

static void encode_cmd(struct buf *b, int argc, const struct slice *argv)
{
    char hdr[32];
    hdr[0] = '*';
    size_t n = 1 + num_ll2str(hdr + 1, argc);
    hdr[n++] = '\r';
    hdr[n++] = '\n';
    buf_append(b, hdr, n);
    for (int i = 0; i < argc; i++) {
        hdr[0] = '$';
        n = 1 + num_ll2str(hdr + 1, (long long)argv[i].len);
        hdr[n++] = '\r';
        hdr[n++] = '\n';
        buf_append(b, hdr, n);
        buf_append(b, argv[i].p, argv[i].len);
        buf_append(b, "\r\n", 2);
    }
}

/* SELECT into out when the stream's db is not db. */
static void emit_select(struct buf *out, int db)
{
    if (db < 0 || db == P.last_db)
        return;
    char num[24];
    struct slice av[2] = {{"SELECT", 6}, {num, num_ll2str(num, db)}};
    encode_cmd(out, 2, av);
    P.last_db = db;
}

static void add_op(int db, int argc, const struct slice *argv)
{
    if (P.nops == P.cap) {
        P.cap = P.cap ? P.cap * 2 : 16;
        P.ops = mem_realloc(P.ops, P.cap * sizeof(*P.ops));
    }
    size_t off = buf_used(&P.unit_bytes);
    encode_cmd(&P.unit_bytes, argc, argv);
    P.ops[P.nops++] = (struct op){.db = db, .off = off, .len = buf_used(&P.unit_bytes) - off};
}

static void flush_unit(void)
{
    if (P.nops == 0)
        return;
    buf_clear(&P.out);
    bool wrap = P.nops > 1;
    if (wrap) {
        emit_select(&P.out, P.ops[0].db);
        struct slice m = {"MULTI", 5};
        encode_cmd(&P.out, 1, &m);
    }
    const char *base = buf_head(&P.unit_bytes);
    for (size_t i = 0; i < P.nops; i++) {
        emit_select(&P.out, P.ops[i].db);
        buf_append(&P.out, base + P.ops[i].off, P.ops[i].len);
    }
    if (wrap) {
        struct slice e = {"EXEC", 4};
        encode_cmd(&P.out, 1, &e);
    }
    aof_feed(buf_head(&P.out), buf_used(&P.out));
    P.nops = 0;
    buf_clear(&P.unit_bytes);
    /* One huge unit (a script writing millions of keys) should not pin its memory. */
    if (P.out.cap > (1u << 20)) {
        buf_deinit(&P.out);
        buf_init(&P.out);
        buf_deinit(&P.unit_bytes);
        buf_init(&P.unit_bytes);
    }
}

/* A standalone command outside any unit (expiry, a blocked client served afterwards). */
static void write_alone(int db, int argc, const struct slice *argv)
{
    buf_clear(&P.out);
    emit_select(&P.out, db);
    encode_cmd(&P.out, argc, argv);
    aof_feed(buf_head(&P.out), buf_used(&P.out));
}

void propagate_set_on(bool on)
{
    propagate_on = on;
    P.last_db = -1;
}

void propagate_reset_db(void)
{
    P.last_db = -1;
}

void propagate_call_begin(struct conn *c)
{
    int d = P.depth < MAX_DEPTH ? P.depth : MAX_DEPTH - 1;
    P.frames[d] = (struct frame){.db = c->db_id, .ops_at_start = P.nops};
    P.depth++;
}

void propagate_call_end(struct conn *c, bool changed)
{
    if (P.depth == 0)
        return; /* propagation was turned on inside this call (CONFIG SET in EXEC) */
    P.depth--;
    int d = P.depth < MAX_DEPTH ? P.depth : MAX_DEPTH - 1;
    struct frame *f = &P.frames[d];
    if (changed && !f->replaced && !f->child_wrote)
        add_op(f->db, c->argc, c->argv);
    if (P.depth == 0)
        flush_unit();
    else if (P.nops > f->ops_at_start)
        P.frames[d > 0 ? d - 1 : 0].child_wrote = true;
}

void propagate_replace(struct db *db, int argc, const struct slice *argv)
{
    if (!propagate_on)
        return;
    if (P.depth == 0) {
        write_alone(db->id, argc, argv);
        return;
    }
    int d = P.depth <= MAX_DEPTH ? P.depth - 1 : MAX_DEPTH - 1;
    P.frames[d].replaced = true;
    add_op(db->id, argc, argv);
}

void propagate_suppress(void)
{
    if (!propagate_on || P.depth == 0)
        return;
    int d = P.depth <= MAX_DEPTH ? P.depth - 1 : MAX_DEPTH - 1;
    P.frames[d].replaced = true;
}

void propagate_del(struct db *db, const struct slice *key)
{
    struct slice av[2] = {{"DEL", 3}, *key};
    propagate_replace(db, 2, av);
}

void propagate_pexpireat(struct db *db, const struct slice *key, long long when_ms)
{
    char ms[24];
    struct slice av[3] = {{"PEXPIREAT", 9}, *key, propagate_ms(ms, when_ms)};
    propagate_replace(db, 3, av);
}

void propagate_set_pxat(struct db *db, const struct slice *key, const struct slice *val,
                        long long when_ms)
{
    char ms[24];
    struct slice av[5] = {{"SET", 3}, *key, *val, {"PXAT", 4}, propagate_ms(ms, when_ms)};
    propagate_replace(db, 5, av);
}

struct slice propagate_ms(char *buf, long long ms)
{
    return (struct slice){buf, num_ll2str(buf, ms)};
}

/* Expired keys are deleted on the replay side by an explicit DEL. Found by a command, the DEL
 * joins that command's unit ahead of it (so SET on an expired key is MULTI, DEL, SET, EXEC in
 * Redis 7.0); found by the active cycle, it is written alone. */
static void on_key_expired(struct db *db, const char *key, size_t klen, void *ud)
{
    if (propagate_on) {
        struct slice av[2] = {{"DEL", 3}, {key, klen}};
        if (P.depth > 0)
            add_op(db->id, 2, av);
        else
            write_alone(db->id, 2, av);
    }
    if (P.next_expired != NULL)
        P.next_expired(db, key, klen, ud);
}

void propagate_init(void)
{
    buf_init(&P.unit_bytes);
    buf_init(&P.out);
    P.next_expired = server.ks.hooks.key_expired;
    server.ks.hooks.key_expired = on_key_expired;
}

void propagate_deinit(void)
{
    buf_deinit(&P.unit_bytes);
    buf_deinit(&P.out);
    mem_free(P.ops);
    P.ops = NULL;
    P.nops = P.cap = 0;
}
