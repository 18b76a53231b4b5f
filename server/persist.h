/* server/persist.h: RDB snapshots from the server's side.
 *
 * The synchronous save (SAVE, SHUTDOWN, SIGTERM, DEBUG RELOAD), the background save in a
 * forked child (BGSAVE, save points) with its progress pipe, loading dump.rdb at startup
 * while answering -LOADING, and the state INFO persistence reports. The RDB format itself is
 * storage/rdb.h; this file decides when, where and what the rest of the server sees.
 */
#ifndef KVD_SERVER_PERSIST_H
#define KVD_SERVER_PERSIST_H

#include <stdbool.h>
#include <stddef.h>

#include "server/errors.h"
#include "storage/rdb.h"
#include "utils/buf.h"

/* AUX fields of a file kvd writes, with the text they point into: keep it alive while the
 * rdb_save_opts filled from it are in use. */
struct persist_aux {
    char ctime_s[32];
    char used[32];
    struct rdb_aux aux[5];
};

/* Fills o with the server's rdbcompression/rdbchecksum and the AUX fields Redis 7.0 writes
 * (redis-ver, redis-bits, ctime, used-mem, aof-base: 1 for an AOF base file). */
void persist_rdb_opts(struct rdb_save_opts *o, struct persist_aux *a, bool aof_base);

/* The eviction field the configured maxmemory-policy puts in RDB files: FREQ for the LFU
 * policies, IDLE for the LRU ones, none otherwise. */
enum rdb_evict_field persist_evict_field(void);

/* Redis's objectSetLRUOrLFU, for RESTORE and loads: under an LFU policy a freq >= 0 becomes
 * o's counter, stamped now; under any other policy an idle >= 0 (seconds) back-dates o's LRU
 * stamp. -1 leaves that part alone. Immortal shared integers are never changed. */
void persist_set_lru_or_lfu(struct obj *o, long long freq, long long idle);

/* Load options as every RDB load in the server wants them (startup, DEBUG RELOAD, the AOF's
 * RDB preamble): rdbchecksum, and IDLE/FREQ records applied as persist_set_lru_or_lfu() does,
 * with the policy read once now. */
void persist_rdb_load_opts(struct rdb_load_opts *o);

/* Startup: loads server.dbfilename from the current dir (config's `dir`) into server.ks if
 * it exists. Serves clients between chunks (they get -LOADING) when serve_clients is true.
 * A corrupt or truncated file is logged with its offset and the process exits with status 1;
 * a missing file is an empty dataset. Returns false only if a shutdown was requested
 * while loading (the caller exits). */
bool persist_load_at_startup(bool serve_clients);

/* DEBUG RELOAD: loads server.dbfilename into server.ks now, without serving other clients.
 * merge: keys of the file replace same-named keys in memory (otherwise a clash fails the
 * load). On failure writes the reason into errmsg and returns false. */
bool persist_load_now(bool merge, char *errmsg, size_t len);

/* True while a dataset is being loaded (dispatch answers -LOADING to most commands). */
bool persist_is_loading(void);

/* Writes the whole keyspace to server.dbfilename now (temp file, fsync, rename), in this
 * process. On success resets the change counter and LASTSAVE, clears a failed-bgsave state
 * and returns true; on failure logs the reason and returns false. count: the SAVE command
 * (INFO rdb_saves counts it). O(dataset). */
bool persist_save_sync(bool count);

/* FLUSHALL's persistence step, as Redis: stops a running child and, when save points
 * exist, saves the now empty dataset at once. */
void persist_after_flushall(void);

/* Result of persist_bgsave_start(). */
enum persist_bg {
    PERSIST_BG_STARTED,
    PERSIST_BG_IN_PROGRESS, /* a background save already runs */
    PERSIST_BG_OTHER_CHILD, /* an AOF rewrite child runs */
    PERSIST_BG_FAILED,      /* fork or pipe failed (logged) */
};

/* Forks a child that writes the snapshot; the parent returns at once. */
enum persist_bg persist_bgsave_start(void);
/* True while a background save child runs. */
bool persist_bgsave_in_progress(void);
/* Asks for a BGSAVE at the next cron tick that can start one (BGSAVE inside EXEC). */
void persist_bgsave_schedule(void);

/* The cron's share: reaps a finished child, starts saves due by the save points or a
 * schedule. Call from server_cron(). */
void persist_cron(void);

/* True when writes (and PING) must be refused because the disk failed, in Redis 7.0's order:
 * the last background save failed while stop-writes-on-bgsave-error is on and save points
 * exist (*e = ERR_MISCONF), else an AOF write or fsync failed (*e = ERR_MISCONF_AOF, whose
 * text takes strerror(*aof_errno)). Cheap: it runs before every command. */
bool persist_disk_error(enum err *e, int *aof_errno);

/* The shutdown sequence's persistence step (SHUTDOWN, SIGTERM/SIGINT): stops a running
 * child, then saves if save points exist or SHUTDOWN SAVE asked, unless NOSAVE or a load is
 * in progress. flags: SHUTDOWN_* of cmd_server.h. False if the save failed without FORCE:
 * the server must keep running. */
bool persist_shutdown(int flags);

/* Stops a running background save child (kill, reap, remove its temp file) without marking
 * the save as failed. */
void persist_kill_child(void);

/* The INFO persistence section's lines, Redis 7.0's fields in its order. */
void persist_info(struct buf *out);
/* The loading_* lines Redis appends to the section while a load runs (nothing otherwise). */
void persist_info_loading(struct buf *out);
/* INFO stats: latest_fork_usec and total_forks. */
long long persist_latest_fork_usec(void);
long long persist_total_forks(void);

/* Shared with the AOF (server/aof.c), so its fork and load show in the same fields:
 * note_fork records a fork's duration (latest_fork_usec, total_forks, the "fork" latency
 * event); child_cow_bytes is the calling process's copy-on-write size (Private_Dirty);
 * loading_begin/progress/end bracket a load of total bytes: INFO loading fields move and
 * clients get -LOADING while progress serves them; progress returns false when a shutdown
 * was requested meanwhile. */
void persist_note_fork(long long usec);
uint64_t persist_child_cow_bytes(void);
void persist_loading_begin(uint64_t total_bytes);
bool persist_loading_progress(uint64_t done_bytes);
void persist_loading_end(void);

/* Frees what persist owns (at exit). Leaves a running child alone: call
 * persist_kill_child() first when it must stop. */
void persist_deinit(void);

#endif
