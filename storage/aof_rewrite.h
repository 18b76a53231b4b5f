/* storage/aof_rewrite.h: the dataset as commands, for an AOF base file without RDB preamble.
 *
 * What Redis 7.0 writes when aof-use-rdb-preamble is no: per non-empty db a SELECT, then per
 * live key the commands that rebuild it (SET; RPUSH / SADD / ZADD / HMSET with at most
 * AOF_REWRITE_ITEMS_PER_CMD items each; streams as one XADD per entry with its ID, or
 * XADD key MAXLEN 0 0-1 x y for an empty one, then XSETID key last-id ENTRIESADDED n
 * MAXDELETEDID id) followed by PEXPIREAT key ms when it has a TTL. A key already expired but
 * not yet deleted is written too, with its past PEXPIREAT (Redis 7.0 does not skip it).
 *
 * Read-only like rdb_save(): no refcount, LRU, iterator or rehash writes, so a fork child
 * copies no page it does not have to.
 */
#ifndef KVD_STORAGE_AOF_REWRITE_H
#define KVD_STORAGE_AOF_REWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/obj.h"
#include "utils/buf.h"

/* Redis's batch size for one RPUSH/SADD/ZADD/HMSET of a big value. */
#define AOF_REWRITE_ITEMS_PER_CMD 64

/* Sink for encoded bytes: false stops the rewrite (errno says why, if the sink set it). */
typedef bool aof_rewrite_write_fn(void *ud, const char *p, size_t n);
/* Called after each key with the keys written so far (keep it cheap): false aborts. */
typedef bool aof_rewrite_progress_fn(void *ud, uint64_t keys);

/* Writes the whole keyspace as commands through write, buffering up to ~64 KiB between calls.
 * progress may be NULL. Returns true when every byte was accepted; *keys_out (may be NULL)
 * gets the number of keys written. O(dataset). */
bool aof_rewrite_save(const struct keyspace *ks, aof_rewrite_write_fn *write, void *write_ud,
                      aof_rewrite_progress_fn *progress, void *progress_ud,
                      uint64_t *keys_out);

/* Appends the commands that rebuild one value under key (no SELECT, no PEXPIREAT) to out. */
void aof_rewrite_value(const char *key, size_t klen, const struct obj *o, struct buf *out);

#endif
