/* server/aof.h: the append-only file in Redis 7.0's multi-part layout.
 *
 * appenddirname/ holds <appendfilename>.<seq>.base.rdb (or .base.aof), one or more
 * <appendfilename>.<seq>.incr.aof and <appendfilename>.manifest listing them
 * ("file <name> seq <n> type <b|i>"). propagate.c feeds the command stream in; it is written
 * once per event-loop pass before replies go out (appendfsync always: fsynced in that pass
 * too, so a reply never precedes the disk), fsynced from a helper thread once a second with
 * everysec. BGREWRITEAOF forks a child that writes a new base while the parent appends to a
 * new incr file opened at the fork; the manifest is swapped by rename when the child succeeds.
 * With aof-use-rdb-preamble no the base is <appendfilename>.<seq>.base.aof, the dataset as
 * commands. At startup an old single <appendfilename> in dir (Redis < 7.0) becomes the base of
 * a new manifest, and history ('h') files a Redis manifest lists are deleted. Loading shows
 * in INFO's loading fields (clients get -LOADING) and stays out of commandstats, as in Redis.
 */
#ifndef KVD_SERVER_AOF_H
#define KVD_SERVER_AOF_H

#include <stdbool.h>
#include <stddef.h>

#include "utils/buf.h"

/* Startup with appendonly yes: loads the files the manifest lists (base as RDB or commands,
 * then each incr file, commands run through the normal handlers), or creates an empty base,
 * an incr file and the manifest when none exist; then opens the last incr file for appending.
 * A truncated last file is cut per aof-load-truncated; anything else unreadable is logged and
 * the process exits 1. With appendonly no it does nothing and returns false; true means the
 * AOF was the data source (the caller must not load dump.rdb). */
bool aof_load_at_startup(void);

/* Queues bytes of the command stream (propagate.c). Written at the next aof_before_sleep(). */
void aof_feed(const char *p, size_t n);

/* Writes what was fed during this loop pass, fsyncs it with appendfsync always. Call before
 * replies are flushed. */
void aof_before_sleep(void);

/* Once per cron tick: everysec fsync of an idle file, reaping the rewrite child, scheduled and
 * automatic rewrites (auto-aof-rewrite-percentage / min-size). */
void aof_cron(void);

/* config `appendonly` changed (also called while the config file is read: ignored then).
 * yes: starts a rewrite, the AOF is on once it succeeds; no: closes the files. False (with
 * *err, static text) when the rewrite cannot start: appendonly is set back to no. */
bool aof_apply_appendonly(const char **err);

/* Result of aof_rewrite_start(). */
enum aof_rw {
    AOF_RW_STARTED,
    AOF_RW_IN_PROGRESS, /* a rewrite already runs */
    AOF_RW_SCHEDULED,   /* another child (BGSAVE) runs: started when it ends */
    AOF_RW_FAILED,      /* fork, pipe or file failure (logged) */
};
/* BGREWRITEAOF: forks the rewrite child. */
enum aof_rw aof_rewrite_start(void);
/* Starts a rewrite from the cron as soon as possible (BGREWRITEAOF inside MULTI). */
void aof_rewrite_schedule(void);
/* True while a rewrite child runs. */
bool aof_rewrite_in_progress(void);

/* The errno of the failed AOF write while the AOF is on and the error lasts, else 0. Writes
 * (and PING) are refused with "MISCONF Errors writing to the AOF file" meanwhile, as Redis.
 * A failed background fsync (everysec) counts too, with its errno, until a retry succeeds. */
int aof_write_error(void);

/* DEBUG AOF-FSYNC-FAIL (kvd only, a test hook): every background fsync of everysec runs but
 * then reports err (an errno) as its failure; 0 turns the hook off. */
void aof_debug_fsync_fail(int err);

/* INFO persistence: the aof_* lines (and module_fork_*), Redis 7.0's fields in its order,
 * including the extra ones it prints while the AOF is on. */
void aof_info(struct buf *out);
/* INFO memory mem_aof_buffer: bytes held by the buffer of not yet written stream bytes. */
size_t aof_buffer_mem(void);

/* Shutdown: writes and fsyncs what is pending, stops a rewrite child. Safe to call when off. */
void aof_shutdown(void);

#endif
