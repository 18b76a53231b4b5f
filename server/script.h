/* server/script.h: the Lua scripting engine behind EVAL and SCRIPT.
 *
 * script.c owns the one Lua 5.1 VM, its sandbox, the script cache (sha1 -> compiled function),
 * the redis.* API, the conversions between Lua values and RESP, and the busy-script state
 * (SCRIPT KILL, BUSY replies). cmd_script.c parses the commands and calls in here.
 */
#ifndef KVD_SERVER_SCRIPT_H
#define KVD_SERVER_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "utils/slice.h"

struct conn;
struct cmd;

/* Shebang flags (#!lua flags=...). */
enum script_flag {
    SCRIPT_NO_WRITES = 1u << 0,
    SCRIPT_ALLOW_OOM = 1u << 1,
    SCRIPT_ALLOW_STALE = 1u << 2,
    SCRIPT_NO_CLUSTER = 1u << 3,
    SCRIPT_ALLOW_CROSS_SLOT = 1u << 4,
    SCRIPT_HAS_SHEBANG = 1u << 5, /* not a legacy script: flags above are the whole truth */
};

/* Creates the Lua VM and its sandbox. Call once at startup, after commands_init(). */
void script_init(void);
/* Frees the VM, the cache and the script client (shutdown). */
void script_deinit(void);

/* Compiles body (unless cached) and caches it. On success writes the 40-hex sha into sha
 * and returns true; on failure writes Redis's error text (no leading '-') into err. */
bool script_load(const char *body, size_t len, char sha[41], char *err, size_t err_size);
/* True if sha (40 hex characters, any case) names a cached script. */
bool script_exists(const char *sha, size_t len);
/* Drops every cached script and starts a fresh VM (SCRIPT FLUSH). */
void script_flush(void);

/* Runs the cached script sha with keys and args, replying to c once. read_only is EVAL_RO /
 * EVALSHA_RO. Replies NOSCRIPT when sha is not cached. keys and args are borrowed for the
 * call. */
void script_run(struct conn *c, const char *sha, size_t sha_len, int nkeys,
                const struct slice *keys, int nargs, const struct slice *args, bool read_only);

/* SCRIPT KILL: replies NOTBUSY, UNKILLABLE or OK (and stops the script at its next hook). */
void script_kill(struct conn *c);

/* True while a script has run past busy-reply-threshold and other clients are served. */
bool script_is_busy(void);
/* Called by dispatch for each command while a script is busy: replies BUSY and returns true
 * unless cmd may run now (CMD_ALLOW_BUSY, SHUTDOWN NOSAVE). */
bool script_reject_if_busy(struct conn *c, const struct cmd *cmd);

/* INFO memory: bytes used by the Lua VM, by the cache's bookkeeping, and scripts cached. */
long long script_vm_bytes(void);
long long script_cache_bytes(void);
long long script_cached_count(void);

#endif
