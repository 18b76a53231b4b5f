/* storage/db.c: the keyspace: numbered databases, their expire index, and the expiry cycle.
 *
 * Owns every path by which keys appear, change and disappear (set, add, delete, rename,
 * move, copy, swap, flush, lazy and active expiry) so that the hooks fire for each of them
 * and hit/miss/expired statistics stay exact. Values are opaque struct obj references.
 * Knows nothing of connections, commands or replies: the server learns of changes only
 * through ks->hooks and the time only through ks->now_ms.
 * Start at db_lookup() and expire_if_needed(); keyspace_active_expire() is the cron side.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/db.h"

#include <assert.h>
#include <string.h>

#include "utils/mem.h"
#include "utils/mtime.h"
#include "utils/rand.h"

#define EXPIRE_KEYS_PER_ROUND 20   /* keys sampled per round, as Redis's cycle */
#define EXPIRE_ACCEPTABLE_STALE 10 /* percent: keep going in a db while more expired */
#define EXPIRE_BUCKETS_PER_ROUND (EXPIRE_KEYS_PER_ROUND * 20)
#define RANDOM_KEY_VOLATILE_TRIES 100
#define FAIR_RANDOM_SAMPLES 15

static void free_obj_val(union dict_val *v)
{
    if (v->ptr != NULL)
        obj_release(v->ptr);
}

static const struct dict_type keys_type = {.free_val = free_obj_val};
static const struct dict_type expires_type = {.free_val = NULL};

/* ---- hooks ---------------------------------------------------------------------------- */

static inline void fire_modified(struct db *db, const char *key, size_t klen)
{
    struct keyspace_hooks *h = &db->ks->hooks;
    if (h->key_modified != NULL)
        h->key_modified(db, key, klen, h->ud);
}

static inline void fire_new(struct db *db, const char *key, size_t klen)
{
    struct keyspace_hooks *h = &db->ks->hooks;
    if (h->key_new != NULL)
        h->key_new(db, key, klen, h->ud);
}

static inline void fire_ready_if_blocking_type(struct db *db, const char *key, size_t klen,
                                               const struct obj *val)
{
    struct keyspace_hooks *h = &db->ks->hooks;
    if (h->key_ready != NULL && (val->type == OBJ_LIST || val->type == OBJ_ZSET))
        h->key_ready(db, key, klen, h->ud);
}

/* ---- setup ---------------------------------------------------------------------------- */

void keyspace_init(struct keyspace *ks, int ndb)
{
    obj_init_shared();
    memset(ks, 0, sizeof(*ks));
    ks->ndb = ndb;
    ks->dbs = mem_calloc((size_t)ndb, sizeof(struct db));
    for (int i = 0; i < ndb; i++) {
        struct db *db = &ks->dbs[i];
        db->id = i;
        db->keys = dict_new(&keys_type);
        db->expires = dict_new(&expires_type);
        db->ks = ks;
    }
    ks->now_ms = time_ms();
    ks->expire_enabled = true;
}

void keyspace_deinit(struct keyspace *ks)
{
    for (int i = 0; i < ks->ndb; i++) {
        dict_free(ks->dbs[i].keys);
        dict_free(ks->dbs[i].expires);
    }
    mem_free(ks->dbs);
    ks->dbs = NULL;
    ks->ndb = 0;
}

/* ---- expiry --------------------------------------------------------------------------- */

/* Removes key (known to be expired) from both dicts, then tells the server. The hooks run
 * with the entry still allocated so they may read the key bytes from it. */
static void delete_expired(struct db *db, const char *key, size_t klen)
{
    struct dict_entry *ke = dict_unlink(db->keys, key, klen);
    struct dict_entry *ee = dict_unlink(db->expires, key, klen);
    if (ke != NULL) {
        db->ks->stat_expired_keys++;
        fire_modified(db, key, klen);
        struct keyspace_hooks *h = &db->ks->hooks;
        if (h->key_expired != NULL)
            h->key_expired(db, key, klen, h->ud);
    }
    /* Freed after the hooks: key may point into either entry. */
    if (ke != NULL)
        dict_entry_free(db->keys, ke, false);
    if (ee != NULL)
        dict_entry_free(db->expires, ee, false);
}

static inline bool is_expired_entry(const struct db *db, const struct dict_entry *ee)
{
    /* Redis keeps a key alive through its expire millisecond itself. */
    return db->ks->now_ms > ee->v.i;
}

bool db_is_expired(struct db *db, const char *key, size_t klen)
{
    if (dict_size(db->expires) == 0)
        return false;
    struct dict_entry *ee = dict_find(db->expires, key, klen);
    return ee != NULL && is_expired_entry(db, ee);
}

/* True if key is logically expired; deletes it unless DB_LOOKUP_NOEXPIRE. */
static bool expire_if_needed(struct db *db, const char *key, size_t klen, int flags)
{
    if (!db_is_expired(db, key, klen))
        return false;
    if (!(flags & DB_LOOKUP_NOEXPIRE))
        delete_expired(db, key, klen);
    return true;
}

/* ---- lookup --------------------------------------------------------------------------- */

struct obj *db_lookup(struct db *db, const char *key, size_t klen, int flags)
{
    bool stats = !(flags & (DB_LOOKUP_WRITE | DB_LOOKUP_NOSTATS));
    struct dict_entry *e = dict_find(db->keys, key, klen);
    if (e != NULL && expire_if_needed(db, key, klen, flags))
        e = NULL;
    if (e == NULL) {
        if (stats)
            db->ks->stat_misses++;
        struct keyspace_hooks *h = &db->ks->hooks;
        if (stats && !(flags & DB_LOOKUP_NONOTIFY) && h->key_miss != NULL)
            h->key_miss(db, key, klen, h->ud);
        return NULL;
    }
    struct obj *o = e->v.ptr;
    if (!(flags & DB_LOOKUP_NOTOUCH) && o->refcount != OBJ_IMMORTAL && !db->ks->lru_frozen)
        o->lru = obj_lru_clock & OBJ_LRU_MAX;
    if (stats)
        db->ks->stat_hits++;
    return o;
}

enum st_status db_lookup_typed(struct db *db, const char *key, size_t klen, enum obj_type type,
                               int flags, struct obj **out)
{
    struct obj *o = db_lookup(db, key, klen, flags);
    *out = NULL;
    if (o == NULL)
        return ST_OK;
    if (o->type != type)
        return ST_WRONGTYPE;
    *out = o;
    return ST_OK;
}

/* ---- writes --------------------------------------------------------------------------- */

void db_set(struct db *db, const char *key, size_t klen, struct obj *val, int flags)
{
    /* An expired key must not lend its TTL to KEEPTTL, and it counts as expired. */
    expire_if_needed(db, key, klen, 0);
    bool existed;
    struct dict_entry *e = dict_add(db->keys, key, klen, &existed);
    struct obj *old = existed ? e->v.ptr : NULL;
    e->v.ptr = obj_retain(val);
    if (old != NULL)
        obj_release(old);
    if (existed && !(flags & DB_SET_KEEPTTL) && dict_size(db->expires) > 0)
        dict_delete(db->expires, key, klen);
    if (!existed)
        fire_new(db, key, klen);
    fire_modified(db, key, klen);
    fire_ready_if_blocking_type(db, key, klen, val);
}

bool db_add(struct db *db, const char *key, size_t klen, struct obj *val)
{
    expire_if_needed(db, key, klen, 0);
    bool existed;
    struct dict_entry *e = dict_add(db->keys, key, klen, &existed);
    if (existed)
        return false;
    e->v.ptr = obj_retain(val);
    fire_new(db, key, klen);
    fire_modified(db, key, klen);
    fire_ready_if_blocking_type(db, key, klen, val);
    return true;
}

/* Deletes key without hooks. True if it was there. */
static bool delete_quiet(struct db *db, const char *key, size_t klen)
{
    if (dict_size(db->expires) > 0)
        dict_delete(db->expires, key, klen);
    return dict_delete(db->keys, key, klen);
}

bool db_delete(struct db *db, const char *key, size_t klen)
{
    if (expire_if_needed(db, key, klen, 0))
        return false;
    if (!delete_quiet(db, key, klen))
        return false;
    fire_modified(db, key, klen);
    return true;
}

long long db_get_expire(struct db *db, const char *key, size_t klen)
{
    if (dict_size(db->expires) == 0)
        return -1;
    struct dict_entry *ee = dict_find(db->expires, key, klen);
    return ee != NULL ? ee->v.i : -1;
}

void db_set_expire(struct db *db, const char *key, size_t klen, long long when_ms)
{
    assert(dict_find(db->keys, key, klen) != NULL);
    struct dict_entry *ee = dict_add(db->expires, key, klen, NULL);
    ee->v.i = when_ms;
}

bool db_persist(struct db *db, const char *key, size_t klen)
{
    if (dict_size(db->expires) == 0)
        return false;
    return dict_delete(db->expires, key, klen);
}

size_t db_flush(struct db *db)
{
    size_t n = dict_empty(db->keys);
    dict_empty(db->expires);
    db->avg_ttl = 0;
    db->expire_cursor = 0;
    return n;
}

void keyspace_swap(struct keyspace *ks, int a, int b)
{
    if (a == b)
        return;
    struct db *x = &ks->dbs[a], *y = &ks->dbs[b];
    struct dict *keys = x->keys, *expires = x->expires;
    long long avg_ttl = x->avg_ttl;
    unsigned long long cursor = x->expire_cursor;
    x->keys = y->keys;
    x->expires = y->expires;
    x->avg_ttl = y->avg_ttl;
    x->expire_cursor = y->expire_cursor;
    y->keys = keys;
    y->expires = expires;
    y->avg_ttl = avg_ttl;
    y->expire_cursor = cursor;
}

/* ---- moving keys ---------------------------------------------------------------------- */

/* Puts val (retained) and an optional TTL at key in db, which must not hold key. */
static void place(struct db *db, const char *key, size_t klen, struct obj *val, long long when)
{
    struct dict_entry *e = dict_add(db->keys, key, klen, NULL);
    e->v.ptr = obj_retain(val);
    if (when != -1)
        dict_add(db->expires, key, klen, NULL)->v.i = when;
    fire_new(db, key, klen);
}

enum st_status db_rename(struct db *db, const char *src, size_t slen, const char *dst,
                         size_t dlen, bool nx)
{
    struct obj *val = db_lookup(db, src, slen, DB_LOOKUP_WRITE);
    if (val == NULL)
        return ST_NOKEY;
    bool same = slen == dlen && memcmp(src, dst, slen) == 0;
    /* Same key: RENAME replies OK and RENAMENX 0, with nothing touched. */
    if (same)
        return nx ? ST_EXISTS : ST_OK;
    bool dst_exists = db_lookup(db, dst, dlen, DB_LOOKUP_WRITE) != NULL;
    if (dst_exists && nx)
        return ST_EXISTS;
    long long when = db_get_expire(db, src, slen);
    obj_retain(val);
    if (dst_exists)
        delete_quiet(db, dst, dlen);
    place(db, dst, dlen, val, when);
    delete_quiet(db, src, slen);
    fire_modified(db, src, slen);
    fire_modified(db, dst, dlen);
    fire_ready_if_blocking_type(db, dst, dlen, val);
    obj_release(val);
    return ST_OK;
}

enum st_status db_move(struct db *src, struct db *dst, const char *key, size_t klen)
{
    if (src == dst)
        return ST_SAME_OBJECT;
    struct obj *val = db_lookup(src, key, klen, DB_LOOKUP_WRITE);
    if (val == NULL)
        return ST_NOKEY;
    if (db_lookup(dst, key, klen, DB_LOOKUP_WRITE) != NULL)
        return ST_EXISTS;
    long long when = db_get_expire(src, key, klen);
    obj_retain(val);
    place(dst, key, klen, val, when);
    delete_quiet(src, key, klen);
    fire_modified(src, key, klen);
    fire_modified(dst, key, klen);
    fire_ready_if_blocking_type(dst, key, klen, val);
    obj_release(val);
    return ST_OK;
}

enum st_status db_copy(struct db *db, const char *src, size_t slen, struct db *dst_db,
                       const char *dst, size_t dlen, bool replace)
{
    if (db == dst_db && slen == dlen && memcmp(src, dst, slen) == 0)
        return ST_SAME_OBJECT;
    /* Redis 7.0's COPY reads its source with lookupKeyRead: it counts a hit or miss. */
    struct obj *val = db_lookup(db, src, slen, DB_LOOKUP_READ);
    if (val == NULL)
        return ST_NOKEY;
    long long when = db_get_expire(db, src, slen);
    bool dst_exists = db_lookup(dst_db, dst, dlen, DB_LOOKUP_WRITE) != NULL;
    if (dst_exists && !replace)
        return ST_EXISTS;
    struct obj *copy = obj_dup(val);
    if (dst_exists)
        delete_quiet(dst_db, dst, dlen);
    place(dst_db, dst, dlen, copy, when);
    fire_modified(dst_db, dst, dlen);
    fire_ready_if_blocking_type(dst_db, dst, dlen, copy);
    obj_release(copy);
    return ST_OK;
}

/* ---- random keys ---------------------------------------------------------------------- */

/* Sampling a few entries and picking one evens out the bias toward short chains. */
static struct dict_entry *fair_random(struct dict *d)
{
    struct dict_entry *pick[FAIR_RANDOM_SAMPLES];
    size_t n = dict_sample(d, pick, FAIR_RANDOM_SAMPLES);
    if (n == 0)
        return dict_random(d);
    return pick[rand_below(n)];
}

struct dict_entry *db_random_key(struct db *db)
{
    int tries = 0;
    for (;;) {
        bool all_volatile = dict_size(db->keys) == dict_size(db->expires);
        struct dict_entry *e = fair_random(db->keys);
        if (e == NULL)
            return NULL;
        if (dict_size(db->expires) == 0)
            return e;
        struct dict_entry *ee = dict_find(db->expires, e->key, e->klen);
        if (ee == NULL || !is_expired_entry(db, ee))
            return e;
        /* Each try deletes one expired key, so the loop always progresses; the bound
         * only keeps one call short when nothing but expired keys remains. */
        delete_expired(db, ee->key, ee->klen);
        if (all_volatile && ++tries >= RANDOM_KEY_VOLATILE_TRIES)
            return NULL;
    }
}

/* ---- active expiry -------------------------------------------------------------------- */

struct expire_batch {
    struct dict_entry **e;
    size_t n, cap;
};

static void collect_entry(void *ud, const struct dict_entry *e)
{
    struct expire_batch *b = ud;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->e = mem_realloc(b->e, b->cap * sizeof(*b->e));
    }
    b->e[b->n++] = (struct dict_entry *)e;
}

/* One round in db: up to EXPIRE_KEYS_PER_ROUND keys from the cursor on. */
static void expire_round(struct db *db, struct expire_batch *b, size_t *sampled,
                         size_t *expired)
{
    long long now = db->ks->now_ms;
    long long ttl_sum = 0;
    size_t ttl_samples = 0;
    size_t buckets = 0;
    *sampled = *expired = 0;
    while (*sampled < EXPIRE_KEYS_PER_ROUND && buckets < EXPIRE_BUCKETS_PER_ROUND &&
           dict_size(db->expires) > 0) {
        b->n = 0;
        db->expire_cursor = dict_scan(db->expires, db->expire_cursor, collect_entry, b);
        buckets++;
        /* Collected entries stay valid: deleting other keys never frees them. */
        for (size_t i = 0; i < b->n; i++) {
            struct dict_entry *ee = b->e[i];
            (*sampled)++;
            if (now > ee->v.i) {
                delete_expired(db, ee->key, ee->klen);
                (*expired)++;
            } else {
                ttl_sum += ee->v.i - now;
                ttl_samples++;
            }
        }
        if (db->expire_cursor == 0)
            break; /* a full pass: do not count the same keys twice in one round */
    }
    if (ttl_samples > 0) {
        long long avg = ttl_sum / (long long)ttl_samples;
        /* Redis's smoothing: each round moves the estimate 2% toward the sample. */
        db->avg_ttl = db->avg_ttl == 0 ? avg : (db->avg_ttl / 50) * 49 + avg / 50;
    }
}

size_t keyspace_active_expire(struct keyspace *ks, long long time_budget_us)
{
    /* Where the previous call ran out of time; only a starting hint, so one static serves
     * any number of keyspaces. */
    static int next_db;
    if (!ks->expire_enabled || ks->ndb == 0)
        return 0;
    uint64_t start = mono_us();
    struct expire_batch batch = {0};
    size_t total_sampled = 0, total_expired = 0;
    bool out_of_time = false;
    int first = next_db % ks->ndb;
    for (int k = 0; k < ks->ndb && !out_of_time; k++) {
        int idx = (first + k) % ks->ndb;
        struct db *db = &ks->dbs[idx];
        for (;;) {
            if (dict_size(db->expires) == 0) {
                db->avg_ttl = 0;
                break;
            }
            size_t sampled, expired;
            expire_round(db, &batch, &sampled, &expired);
            total_sampled += sampled;
            total_expired += expired;
            if ((long long)(mono_us() - start) >= time_budget_us) {
                out_of_time = true;
                next_db = idx;
                break;
            }
            /* An empty sample means sparse buckets: keep walking unless a full pass ended. */
            if (sampled == 0 ? db->expire_cursor == 0
                             : expired * 100 / sampled <= EXPIRE_ACCEPTABLE_STALE)
                break;
        }
    }
    if (!out_of_time)
        next_db = 0;
    mem_free(batch.e);
    long long elapsed = (long long)(mono_us() - start);
    ks->stat_expire_cycle_time_used_us += elapsed;
    double perc = total_sampled ? (double)total_expired / (double)total_sampled : 0.0;
    ks->stat_expired_stale_perc = perc * 0.05 + ks->stat_expired_stale_perc * 0.95;
    return total_expired;
}

/* ---- table maintenance ---------------------------------------------------------------- */

void keyspace_rehash(struct keyspace *ks, long long us)
{
    uint64_t start = mono_us();
    for (int i = 0; i < ks->ndb; i++) {
        struct dict *ds[2] = {ks->dbs[i].keys, ks->dbs[i].expires};
        for (int j = 0; j < 2; j++) {
            if (!dict_is_rehashing(ds[j]))
                continue;
            long long left = us - (long long)(mono_us() - start);
            if (left <= 0)
                return;
            dict_rehash_us(ds[j], left);
        }
    }
}

void keyspace_resize(struct keyspace *ks)
{
    for (int i = 0; i < ks->ndb; i++) {
        dict_shrink_if_sparse(ks->dbs[i].keys);
        dict_shrink_if_sparse(ks->dbs[i].expires);
    }
}
