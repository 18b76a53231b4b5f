/* storage/db.h: the keyspace: numbered databases of keys -> values, with expiry.
 *
 * Each db has a dict of keys (entries own one reference to their value) and a dict of
 * expire times. Expiry is judged against ks->now_ms, the time the current command started,
 * so one command sees a consistent keyspace. Lookups expire keys lazily; the active cycle
 * (keyspace_active_expire) samples keys with a TTL.
 * Storage tells the server about changes only through ks->hooks.
 */
#ifndef KVD_STORAGE_DB_H
#define KVD_STORAGE_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "storage/dict.h"
#include "storage/obj.h"
#include "storage/status.h"

struct keyspace;

struct db {
    int id;
    struct dict *keys;    /* key -> struct obj * (v.ptr; one reference owned) */
    struct dict *expires; /* key -> absolute expire time in unix ms (v.i) */
    struct keyspace *ks;
    long long avg_ttl;    /* running estimate (ms) for INFO keyspace */
    unsigned long long expire_cursor; /* where the active cycle continues */
};

struct keyspace_hooks {
    /* key's value changed, was deleted or expired (WATCH, keyspace notifications). */
    void (*key_modified)(struct db *db, const char *key, size_t klen, void *ud);
    /* key was deleted because its TTL passed (lazily or actively). Fires after key_modified. */
    void (*key_expired)(struct db *db, const char *key, size_t klen, void *ud);
    /* key now holds a value clients may be blocked on (list, zset). */
    void (*key_ready)(struct db *db, const char *key, size_t klen, void *ud);
    /* key was absent and now exists (set, add, rename/move/copy target): "new" events. */
    void (*key_new)(struct db *db, const char *key, size_t klen, void *ud);
    /* a read lookup found no key: "keymiss". Not for DB_LOOKUP_WRITE, _NOSTATS (the
     * server's own inspections, DEBUG) or _NONOTIFY. */
    void (*key_miss)(struct db *db, const char *key, size_t klen, void *ud);
    void *ud;
};

struct keyspace {
    int ndb;
    struct db *dbs;
    long long now_ms; /* the server sets it before each command */
    bool expire_enabled; /* active expiry on (DEBUG SET-ACTIVE-EXPIRE) */
    bool lru_frozen;     /* reads leave the LRU clock alone (a snapshot child shares the pages) */
    struct keyspace_hooks hooks;
    /* statistics for INFO stats */
    long long stat_expired_keys;
    long long stat_hits;
    long long stat_misses;
    double stat_expired_stale_perc;
    long long stat_expire_cycle_time_used_us;
};

void keyspace_init(struct keyspace *ks, int ndb);
void keyspace_deinit(struct keyspace *ks);

/* Lookup flags (Redis's lookupKey flags). */
enum {
    DB_LOOKUP_READ = 0,       /* count a hit or miss, touch the LRU clock */
    DB_LOOKUP_WRITE = 1 << 0, /* no stats */
    DB_LOOKUP_NOTOUCH = 1 << 1, /* do not update the LRU clock */
    DB_LOOKUP_NOSTATS = 1 << 2,
    DB_LOOKUP_NOEXPIRE = 1 << 3, /* do not delete an expired key (it still reads as absent) */
    DB_LOOKUP_NONOTIFY = 1 << 4, /* a miss fires no key_miss hook (OBJECT) */
};

/* Value at key or NULL (expired keys are deleted and read as absent).
 * Borrowed: valid until the keyspace next changes. */
struct obj *db_lookup(struct db *db, const char *key, size_t klen, int flags);
/* As db_lookup, checking the type: ST_OK with *out NULL when absent, ST_WRONGTYPE when the
 * key holds another type. */
enum st_status db_lookup_typed(struct db *db, const char *key, size_t klen, enum obj_type type,
                               int flags, struct obj **out);
/* True if key exists and is expired at ks->now_ms (does not delete it). */
bool db_is_expired(struct db *db, const char *key, size_t klen);

enum {
    DB_SET_KEEPTTL = 1 << 0, /* keep an existing TTL (SET KEEPTTL, in-place edits) */
};
/* Sets key to val, replacing any previous value (released) and, unless DB_SET_KEEPTTL, its
 * TTL. Retains val. Fires key_modified (and key_ready for lists/zsets). */
void db_set(struct db *db, const char *key, size_t klen, struct obj *val, int flags);
/* Adds key only if absent (after lazy expiry). Retains val on success. */
bool db_add(struct db *db, const char *key, size_t klen, struct obj *val);
/* Deletes key and its TTL. Fires key_modified. True if it existed (and was not expired). */
bool db_delete(struct db *db, const char *key, size_t klen);

/* Absolute expire time in unix ms, or -1 if key has none (or does not exist). */
long long db_get_expire(struct db *db, const char *key, size_t klen);
/* Sets key's TTL (key must exist). Does not fire hooks; callers do (with their event). */
void db_set_expire(struct db *db, const char *key, size_t klen, long long when_ms);
/* Removes key's TTL. True if it had one. */
bool db_persist(struct db *db, const char *key, size_t klen);

static inline size_t db_size(const struct db *db) { return dict_size(db->keys); }
static inline size_t db_expires_size(const struct db *db) { return dict_size(db->expires); }

/* Empties db; returns the number of keys removed. Fires no per-key hooks. */
size_t db_flush(struct db *db);
/* Swaps the contents of dbs a and b (SWAPDB). */
void keyspace_swap(struct keyspace *ks, int a, int b);

/* RENAME / RENAMENX: moves src's value and TTL to dst. ST_NOKEY if src is absent,
 * ST_EXISTS if nx and dst exists. src == dst is ST_OK (RENAME) with no change. */
enum st_status db_rename(struct db *db, const char *src, size_t slen, const char *dst,
                         size_t dlen, bool nx);
/* MOVE key to another db: ST_NOKEY, ST_EXISTS (dst has the key), ST_SAME_OBJECT (same db). */
enum st_status db_move(struct db *src, struct db *dst, const char *key, size_t klen);
/* COPY src (in db) to dst (in dst_db): deep copy of the value, TTL copied. ST_NOKEY,
 * ST_EXISTS (dst exists and !replace), ST_SAME_OBJECT (same key in same db). */
enum st_status db_copy(struct db *db, const char *src, size_t slen, struct db *dst_db,
                       const char *dst, size_t dlen, bool replace);

/* A random live key (expired ones are deleted along the way, with a bounded number of tries
 * when every key is volatile). Borrowed entry, or NULL when the db is empty. */
struct dict_entry *db_random_key(struct db *db);

/* One active-expiry pass over every db within time_budget_us; returns keys expired.
 * Adaptive like Redis's: keeps sampling a db while more than 10% of sampled keys expired. */
size_t keyspace_active_expire(struct keyspace *ks, long long time_budget_us);
/* Incremental rehash work for about us microseconds across dbs; call from the cron. */
void keyspace_rehash(struct keyspace *ks, long long us);
/* Shrinks sparse tables (cron). */
void keyspace_resize(struct keyspace *ks);

/* Deep copy of a value (COPY). New reference. */
struct obj *obj_dup(const struct obj *o);

#endif
