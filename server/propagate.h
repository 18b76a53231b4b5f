/* server/propagate.h: the command stream a change to the dataset leaves behind.
 *
 * After a write command changes the dataset (server.dirty moved), the commands that replay
 * the change are handed to the AOF exactly as Redis 7.0 writes them: the argv as sent for most
 * commands, SELECT when the db differs from the last one written, MULTI/EXEC around a unit
 * (EXEC, a script) that produced several commands, and the rewrites a handler registers with
 * propagate_replace() (relative TTLs made absolute, SPOP as SREM, blocking pops as plain pops).
 * Keys deleted by expiry are written as DEL on their own. Nothing happens while propagation is
 * off (appendonly no): dispatch only tests propagate_on.
 */
#ifndef KVD_SERVER_PROPAGATE_H
#define KVD_SERVER_PROPAGATE_H

#include <stdbool.h>
#include <stddef.h>

#include "utils/slice.h"

struct db;
struct conn;

/* True while something consumes the stream (the AOF is on or being turned on). Read by
 * dispatch on every command, so it is a plain variable; set only by propagate_set_on(). */
extern bool propagate_on;

/* Turns the stream on or off. Turning it on forgets the last written db, so the next command
 * is preceded by SELECT (as at the start of every AOF file Redis writes). */
void propagate_set_on(bool on);

/* The next command written is preceded by SELECT (a new incr file starts). */
void propagate_reset_db(void);

/* Installs the expiry hook (chained in front of the one already set). Call once at startup,
 * after the keyspace hooks are set. */
void propagate_init(void);
void propagate_deinit(void);

/* dispatch_call()'s bracket around a handler when propagate_on: begin before, end after with
 * changed = server.dirty moved. end writes c->argv unless the handler registered a rewrite or
 * nested commands (EXEC, EVAL) produced the stream themselves. When the outermost call ends,
 * its commands go to the AOF (wrapped in MULTI/EXEC when there are several). */
void propagate_call_begin(struct conn *c);
void propagate_call_end(struct conn *c, bool changed);

/* Called by a handler that changed the dataset: propagate argv[0..argc) in db instead of the
 * command as sent. Each call adds one command (SPOP with a count adds one SREM per member);
 * the arguments are copied. Outside any command (a blocked client served after another
 * command), the command is written on its own. No-op when propagation is off. */
void propagate_replace(struct db *db, int argc, const struct slice *argv);

/* Shorthands for the rewrites several handlers share, each one propagate_replace() call:
 * DEL key; PEXPIREAT key ms; SET key val PXAT ms. */
void propagate_del(struct db *db, const struct slice *key);
void propagate_pexpireat(struct db *db, const struct slice *key, long long when_ms);
void propagate_set_pxat(struct db *db, const struct slice *key, const struct slice *val,
                        long long when_ms);

/* Called by a handler whose change must not be written at all (nothing to replay). */
void propagate_suppress(void);

/* Formats ms as decimal into buf (at least 24 bytes) and returns it as a slice: the absolute
 * times of PEXPIREAT / PXAT rewrites. */
struct slice propagate_ms(char *buf, long long ms);

#endif
