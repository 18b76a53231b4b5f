/* server/multi.h: transactions (MULTI, EXEC, DISCARD) and optimistic locking (WATCH, UNWATCH).
 *
 * A conn in MULTI has its commands queued (copied) by dispatch instead of run; EXEC runs them
 * back to back through dispatch_call(). WATCHed keys are invalidated through storage's
 * key_modified hook (multi_key_modified) and by the flush/swap calls below.
 */
#ifndef KVD_SERVER_MULTI_H
#define KVD_SERVER_MULTI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/errors.h"

struct conn;
struct cmd;
struct db;
struct cmd_ctx;

/* The slot of conn->ext holding the queue and watched keys (struct multi_state *). */
#define CONN_EXT_MULTI 1

void cmd_multi(struct cmd_ctx *ctx);
void cmd_exec(struct cmd_ctx *ctx);
void cmd_discard(struct cmd_ctx *ctx);
void cmd_watch(struct cmd_ctx *ctx);
void cmd_unwatch(struct cmd_ctx *ctx);

/* Dispatch, for a conn in MULTI: queues c->argv for cmd and replies +QUEUED, unless cmd is one
 * that runs at once inside MULTI (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET). True if queued. */
bool multi_queue_if_needed(struct conn *c, struct cmd *cmd);
/* Dispatch rejected a command of c (unknown, arity, auth, not allowed): a transaction being
 * built can no longer run. */
void multi_flag_error(struct conn *c);
/* Dispatch rejected EXEC itself: Redis discards the transaction and wraps the rejection, e from
 * errors.def with its arguments, in an EXECABORT error. */
void multi_exec_abort(struct conn *c, enum err e, ...);
/* Union of the flags of c's queued commands (CLIENT PAUSE WRITE holds such an EXEC). */
uint32_t multi_queued_flags(const struct conn *c);
/* Queued commands of c, -1 when not in MULTI (CLIENT LIST multi=). */
int multi_queued_count(const struct conn *c);

/* RESET and closing: drops the queue, the MULTI state and every watched key. */
void multi_reset(struct conn *c);

/* Storage's key_modified hook: marks the clients watching key in db as dirty. */
void multi_key_modified(struct db *db, const char *key, size_t klen, void *ud);
/* FLUSHDB / FLUSHALL: call before db is emptied (touches watched keys that exist in it). */
void multi_touch_flushed_db(struct db *db);
/* SWAPDB: call before the swap with both dbs (a != b). */
void multi_touch_swapdb(struct db *a, struct db *b);

/* Startup (after keyspace_init) and shutdown. */
void multi_init(int ndb);
void multi_deinit(void);

#endif
