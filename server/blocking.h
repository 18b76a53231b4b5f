/* server/blocking.h: clients blocked on keys (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, and
 * the sorted set pops BZPOPMIN, BZPOPMAX, BZMPOP).
 *
 * A command that finds nothing to serve calls blocking_block(): the conn is parked with
 * CONN_BLOCKED (conn.c stops reading its pipeline), queued FIFO on each of its keys, and
 * given a libevent timer for its deadline. Storage's key_ready hook (blocking_key_ready)
 * queues a key once; blocking_serve_ready() runs after every command and before the loop
 * sleeps, serves waiters first-blocked-first-served through the command's serve callback,
 * and resumes the served conns' pipelines from server_before_sleep().
 */
#ifndef KVD_SERVER_BLOCKING_H
#define KVD_SERVER_BLOCKING_H

#include <stdbool.h>
#include <stddef.h>

#include "storage/obj.h"
#include "utils/slice.h"

struct conn;
struct db;
struct cmd_ctx;
struct blocking_spec;

/* The slot of conn->ext holding a blocked conn's state (struct blocked *, owned here). */
#define CONN_EXT_BLOCKING 0

/* Serves blocked conn c from val, the non-empty value of the spec's type at key in db,
 * replying exactly as the non-blocking form would (an error reply, e.g. WRONGTYPE for
 * BLMOVE's destination, also counts). Returns false to leave c blocked with nothing
 * changed and nothing replied. */
typedef bool blocking_serve_fn(struct conn *c, struct db *db, const struct slice *key,
                               struct obj *val, const struct blocking_spec *spec);

/* What a blocked client waits for and how to serve it. */
struct blocking_spec {
    enum obj_type type;       /* value type that can serve it (OBJ_LIST, OBJ_ZSET) */
    blocking_serve_fn *serve;
    int from, to;             /* the command's ends (enum list_where; zsets: from 1 = max) */
    long long count;          /* BLMPOP's/BZMPOP's COUNT; 0 for the single-element forms */
    const char *dst;          /* BLMOVE destination; blocking_block() copies it */
    size_t dstlen;
};

/* How blocking_unblock() ends the wait. */
enum blocking_end { BLOCKING_END_TIMEOUT, BLOCKING_END_ERROR };

/* Parses a blocking timeout in seconds (fractions allowed) as Redis 7.0 does, into an
 * absolute unix time in ms (0 = forever). Replies the error and returns false on a
 * non-number, negative or out-of-range value. */
bool blocking_parse_timeout(struct conn *c, const struct slice *arg, long long *deadline_ms);

/* False when the running command may not block (inside MULTI/EXEC or a script: the conn
 * carries CONN_DENY_BLOCKING or CONN_MULTI); the command then replies as if timed out. */
bool blocking_may_block(const struct conn *c);

/* Blocks ctx->c on keys[0..nkeys) (duplicates ignored) of ctx->db until served, timed out
 * (deadline_ms, 0 = never) or unblocked. The spec and keys are copied. Counts as the
 * command's reply; the conn's input stops until it is unblocked. */
void blocking_block(struct cmd_ctx *ctx, const struct slice *keys, int nkeys,
                    long long deadline_ms, const struct blocking_spec *spec);

/* Storage's key_ready hook: queues (db, key) once for serving if a client waits on it. */
void blocking_key_ready(struct db *db, const char *key, size_t klen, void *ud);

/* Serves the clients blocked on every queued ready key, chains included (a BLMOVE push that
 * readies another key is served in the same call, iteratively). Served conns are queued to
 * resume their pipelines in blocking_before_sleep(). Call after each command (and, later,
 * after EXEC or a script as a whole). No-op while already serving. */
void blocking_serve_ready(void);

/* From server_before_sleep(): serves ready keys and resumes the pipelines of unblocked
 * conns (which may ready more keys) until both are drained. */
void blocking_before_sleep(void);

/* SWAPDB: the keys clients wait on in dbs a and b now name other values; queue those that
 * now hold a value of a waited type. Call after keyspace_swap(). */
void blocking_on_swapdb(int a, int b);

/* CLIENT UNBLOCK: ends c's wait with the timeout reply or the UNBLOCKED error. False if c
 * is not blocked. */
bool blocking_unblock(struct conn *c, enum blocking_end how);

/* Removes a closing conn from every wait queue and frees its state (conn_close calls it). */
void blocking_conn_closed(struct conn *c);

/* Blocked conns, and those of them with a deadline (INFO clients). */
long long blocking_count(void);
long long blocking_count_with_timeout(void);

/* Startup (after keyspace_init) and shutdown (after every conn is closed). */
void blocking_init(int ndb);
void blocking_deinit(void);

/* The worst lateness (µs after the deadline) of a blocking timeout since the last reset;
 * reset clears it. For DEBUG BLOCKING-LATENESS, a kvd-only diagnostic. */
long long blocking_worst_lateness_us(bool reset);

#endif
