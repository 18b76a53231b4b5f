/* storage/dict.c: chained hash table with incremental rehashing.
 *
 * Owns bucket arrays, entries (one allocation each, key bytes inline), growth and shrink
 * policy, the incremental move from table[0] to table[1], iteration, SCAN cursors and
 * random sampling. Values are opaque; the dict_type's free_val says how to drop them.
 * Knows nothing of objects, expiry or databases.
 * Start at dict_add() and rehash_buckets(); dict_scan() carries the SCAN guarantee.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/dict.h"

#include <assert.h>
#include <string.h>

#include "utils/mem.h"
#include "utils/mtime.h"
#include "utils/rand.h"

#define INITIAL_SIZE 4
#define FORCE_RESIZE_RATIO 5 /* grow past this load even while a fork child shares pages */
#define MIN_FILL_PERCENT 10  /* shrink below this */
#define EMPTY_VISITS_PER_STEP 10

bool dict_resize_allowed = true;

/* ---- low level ------------------------------------------------------------------------ */

static inline uint64_t key_hash(const char *key, size_t klen)
{
    return hash_bytes(key, klen);
}

static inline bool key_eq(const struct dict_entry *e, const char *key, size_t klen)
{
    return e->klen == klen && memcmp(e->key, key, klen) == 0;
}

static struct dict_entry *entry_new(const char *key, size_t klen)
{
    assert(klen <= UINT32_MAX);
    struct dict_entry *e = mem_alloc(offsetof(struct dict_entry, key) + klen + 1);
    e->v.i = 0;
    e->klen = (uint32_t)klen;
    memcpy(e->key, key, klen);
    e->key[klen] = '\0';
    return e;
}

static inline void free_value(struct dict *d, struct dict_entry *e)
{
    if (d->type != NULL && d->type->free_val != NULL)
        d->type->free_val(&e->v);
}

static size_t next_power(size_t n)
{
    size_t s = INITIAL_SIZE;
    while (s < n)
        s <<= 1;
    return s;
}

static void reset_table(struct dict *d, int t)
{
    d->table[t] = NULL;
    d->size[t] = 0;
    d->used[t] = 0;
}

/* Moves up to n non-empty buckets from table[0] to table[1]; gives up after visiting
 * n * EMPTY_VISITS_PER_STEP empty ones so a sparse table cannot stall a caller.
 * Returns true while more remains. */
static bool rehash_buckets(struct dict *d, size_t n)
{
    if (!dict_is_rehashing(d))
        return false;
    size_t empty_visits = n * EMPTY_VISITS_PER_STEP;
    size_t mask1 = d->size[1] - 1;
    while (n-- > 0 && d->used[0] != 0) {
        assert((size_t)d->rehash_idx < d->size[0]);
        while (d->table[0][d->rehash_idx] == NULL) {
            d->rehash_idx++;
            if (--empty_visits == 0)
                return true;
        }
        struct dict_entry *e = d->table[0][d->rehash_idx];
        while (e != NULL) {
            struct dict_entry *next = e->next;
            size_t idx = key_hash(e->key, e->klen) & mask1;
            e->next = d->table[1][idx];
            d->table[1][idx] = e;
            d->used[0]--;
            d->used[1]++;
            e = next;
        }
        d->table[0][d->rehash_idx] = NULL;
        d->rehash_idx++;
    }
    if (d->used[0] == 0) {
        mem_free(d->table[0]);
        d->table[0] = d->table[1];
        d->size[0] = d->size[1];
        d->used[0] = d->used[1];
        reset_table(d, 1);
        d->rehash_idx = -1;
        return false;
    }
    return true;
}

/* One bucket per operation, as Redis does, unless an iterator needs the tables still. */
static inline void rehash_step(struct dict *d)
{
    if (d->pause_rehash == 0)
        rehash_buckets(d, 1);
}

/* Starts a resize to the smallest power of two holding n (not below the current count). */
static bool resize_to(struct dict *d, size_t n)
{
    if (dict_is_rehashing(d) || dict_size(d) > n)
        return false;
    size_t size = next_power(n);
    if (size == d->size[0])
        return false;
    struct dict_entry **t = mem_calloc(size, sizeof(*t));
    if (d->table[0] == NULL) {
        d->table[0] = t;
        d->size[0] = size;
        d->used[0] = 0;
        return true;
    }
    d->table[1] = t;
    d->size[1] = size;
    d->used[1] = 0;
    d->rehash_idx = 0;
    return true;
}

static void expand_if_needed(struct dict *d)
{
    if (dict_is_rehashing(d))
        return;
    if (d->size[0] == 0) {
        resize_to(d, INITIAL_SIZE);
        return;
    }
    if (d->used[0] >= d->size[0] &&
        (dict_resize_allowed || d->used[0] / d->size[0] > FORCE_RESIZE_RATIO))
        resize_to(d, d->used[0] + 1);
}

/* Finds key's entry; *link_out (optional) gets the pointer that points at it. */
static struct dict_entry *find_linked(struct dict *d, const char *key, size_t klen,
                                      struct dict_entry ***link_out, int *table_out)
{
    if (dict_size(d) == 0)
        return NULL;
    uint64_t h = key_hash(key, klen);
    for (int t = 0; t <= 1; t++) {
        if (d->size[t] == 0)
            break;
        size_t idx = h & (d->size[t] - 1);
        /* Buckets of table[0] below rehash_idx are already empty; skipping them is free. */
        struct dict_entry **link = &d->table[t][idx];
        while (*link != NULL) {
            if (key_eq(*link, key, klen)) {
                if (link_out != NULL)
                    *link_out = link;
                if (table_out != NULL)
                    *table_out = t;
                return *link;
            }
            link = &(*link)->next;
        }
        if (!dict_is_rehashing(d))
            break;
    }
    return NULL;
}

/* ---- API ------------------------------------------------------------------------------ */

struct dict *dict_new(const struct dict_type *type)
{
    struct dict *d = mem_alloc(sizeof(*d));
    d->type = type;
    reset_table(d, 0);
    reset_table(d, 1);
    d->rehash_idx = -1;
    d->pause_rehash = 0;
    return d;
}

static void clear_table(struct dict *d, int t)
{
    for (size_t i = 0; i < d->size[t] && d->used[t] > 0; i++) {
        struct dict_entry *e = d->table[t][i];
        while (e != NULL) {
            struct dict_entry *next = e->next;
            free_value(d, e);
            mem_free(e);
            d->used[t]--;
            e = next;
        }
    }
    mem_free(d->table[t]);
    reset_table(d, t);
}

size_t dict_empty(struct dict *d)
{
    size_t n = dict_size(d);
    clear_table(d, 0);
    clear_table(d, 1);
    d->rehash_idx = -1;
    return n;
}

void dict_free(struct dict *d)
{
    if (d == NULL)
        return;
    dict_empty(d);
    mem_free(d);
}

struct dict_entry *dict_find(struct dict *d, const char *key, size_t klen)
{
    if (dict_size(d) == 0)
        return NULL;
    if (dict_is_rehashing(d))
        rehash_step(d);
    return find_linked(d, key, klen, NULL, NULL);
}

struct dict_entry *dict_find_ro(const struct dict *d, const char *key, size_t klen)
{
    return find_linked((struct dict *)d, key, klen, NULL, NULL);
}

struct dict_entry *dict_add(struct dict *d, const char *key, size_t klen, bool *existed)
{
    if (dict_is_rehashing(d))
        rehash_step(d);
    struct dict_entry *e = find_linked(d, key, klen, NULL, NULL);
    if (e != NULL) {
        if (existed != NULL)
            *existed = true;
        return e;
    }
    if (existed != NULL)
        *existed = false;
    expand_if_needed(d);
    int t = dict_is_rehashing(d) ? 1 : 0;
    size_t idx = key_hash(key, klen) & (d->size[t] - 1);
    e = entry_new(key, klen);
    e->next = d->table[t][idx];
    d->table[t][idx] = e;
    d->used[t]++;
    return e;
}

struct dict_entry *dict_unlink(struct dict *d, const char *key, size_t klen)
{
    if (dict_size(d) == 0)
        return NULL;
    if (dict_is_rehashing(d))
        rehash_step(d);
    struct dict_entry **link;
    int t;
    struct dict_entry *e = find_linked(d, key, klen, &link, &t);
    if (e == NULL)
        return NULL;
    *link = e->next;
    e->next = NULL;
    d->used[t]--;
    return e;
}

void dict_entry_free(struct dict *d, struct dict_entry *e, bool keep_val)
{
    if (!keep_val)
        free_value(d, e);
    mem_free(e);
}

bool dict_delete(struct dict *d, const char *key, size_t klen)
{
    struct dict_entry *e = dict_unlink(d, key, klen);
    if (e == NULL)
        return false;
    dict_entry_free(d, e, false);
    return true;
}

/* ---- random access -------------------------------------------------------------------- */

struct dict_entry *dict_random(struct dict *d)
{
    if (dict_size(d) == 0)
        return NULL;
    if (dict_is_rehashing(d))
        rehash_step(d);
    struct dict_entry *head;
    do {
        if (dict_is_rehashing(d)) {
            /* Buckets of table[0] below rehash_idx are empty: draw only from the rest. */
            size_t lo = (size_t)d->rehash_idx;
            size_t h = lo + rand_below(d->size[0] + d->size[1] - lo);
            head = h >= d->size[0] ? d->table[1][h - d->size[0]] : d->table[0][h];
        } else {
            head = d->table[0][rand_below(d->size[0])];
        }
    } while (head == NULL);
    size_t len = 0;
    for (struct dict_entry *e = head; e != NULL; e = e->next)
        len++;
    size_t pick = rand_below(len);
    while (pick-- > 0)
        head = head->next;
    return head;
}

size_t dict_sample(struct dict *d, struct dict_entry **out, size_t count)
{
    size_t total = dict_size(d);
    if (count > total)
        count = total;
    if (count == 0)
        return 0;
    for (size_t i = 0; i < count && dict_is_rehashing(d); i++)
        rehash_step(d);
    int tables = dict_is_rehashing(d) ? 2 : 1;
    size_t maxsize = d->size[0];
    if (tables == 2 && d->size[1] > maxsize)
        maxsize = d->size[1];
    size_t mask = maxsize - 1;
    /* Walking consecutive indexes at most once round the largest table visits every
     * (table, bucket) pair at most once, which is what rules out duplicates. */
    size_t maxsteps = count * 10;
    if (maxsteps > maxsize)
        maxsteps = maxsize;
    size_t i = rand_below(maxsize);
    size_t stored = 0;
    for (size_t step = 0; step < maxsteps && stored < count; step++, i = (i + 1) & mask) {
        for (int t = 0; t < tables && stored < count; t++) {
            if (i >= d->size[t])
                continue;
            if (t == 0 && tables == 2 && (long long)i < d->rehash_idx)
                continue;
            for (struct dict_entry *e = d->table[t][i]; e != NULL && stored < count;
                 e = e->next)
                out[stored++] = e;
        }
    }
    return stored;
}

/* ---- SCAN ----------------------------------------------------------------------------- */

static inline unsigned long long rev_bits(unsigned long long v)
{
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
}

/* Adds one to the cursor's bits above `mask` counted from the high end: the reverse-binary
 * increment that keeps a cursor meaningful across table sizes. */
static inline unsigned long long next_cursor(unsigned long long v, unsigned long long mask)
{
    v |= ~mask;
    v = rev_bits(v);
    v++;
    return rev_bits(v);
}

static void scan_bucket(const struct dict_entry *e, dict_scan_fn *fn, void *ud)
{
    while (e != NULL) {
        const struct dict_entry *next = e->next;
        fn(ud, e);
        e = next;
    }
}

unsigned long long dict_scan(struct dict *d, unsigned long long v, dict_scan_fn *fn, void *ud)
{
    if (dict_size(d) == 0)
        return 0;
    d->pause_rehash++;
    if (!dict_is_rehashing(d)) {
        unsigned long long m0 = d->size[0] - 1;
        scan_bucket(d->table[0][v & m0], fn, ud);
        v = next_cursor(v, m0);
    } else {
        /* Visit the small table's bucket, then every bucket of the large table that it
         * expands to; the cursor then moves on in the small table's terms. */
        int small = d->size[0] <= d->size[1] ? 0 : 1;
        int large = 1 - small;
        unsigned long long m0 = d->size[small] - 1;
        unsigned long long m1 = d->size[large] - 1;
        scan_bucket(d->table[small][v & m0], fn, ud);
        do {
            scan_bucket(d->table[large][v & m1], fn, ud);
            v = next_cursor(v, m1);
        } while (v & (m0 ^ m1));
    }
    d->pause_rehash--;
    return v;
}

/* ---- iteration ------------------------------------------------------------------------ */

void dict_iter_init(struct dict_iter *it, struct dict *d, bool safe)
{
    it->d = d;
    it->table = 0;
    it->index = -1;
    it->safe = safe;
    it->entry = NULL;
    it->next_entry = NULL;
}

struct dict_entry *dict_iter_next(struct dict_iter *it)
{
    struct dict *d = it->d;
    for (;;) {
        if (it->entry == NULL) {
            if (it->index == -1 && it->table == 0) {
                /* Both kinds pause: an unsafe iterator's caller may still call dict_find,
                 * whose rehash step would otherwise move entries under the cursor. */
                d->pause_rehash++;
            }
            it->index++;
            if ((size_t)it->index >= d->size[it->table]) {
                if (dict_is_rehashing(d) && it->table == 0) {
                    it->table = 1;
                    it->index = 0;
                    if (d->size[1] == 0)
                        return NULL;
                } else {
                    return NULL;
                }
            }
            it->entry = d->table[it->table][it->index];
        } else {
            it->entry = it->next_entry;
        }
        if (it->entry != NULL) {
            it->next_entry = it->entry->next;
            return it->entry;
        }
    }
}

void dict_iter_done(struct dict_iter *it)
{
    if (it->index != -1 || it->table != 0) {
        assert(it->d->pause_rehash > 0);
        it->d->pause_rehash--;
    }
    it->index = -1;
    it->table = 0;
}

/* ---- maintenance ---------------------------------------------------------------------- */

bool dict_rehash_us(struct dict *d, long long us)
{
    if (!dict_is_rehashing(d))
        return false;
    if (d->pause_rehash > 0)
        return true;
    uint64_t start = mono_us();
    while (rehash_buckets(d, 100)) {
        if ((long long)(mono_us() - start) >= us)
            return true;
    }
    return false;
}

void dict_shrink_if_sparse(struct dict *d)
{
    if (!dict_resize_allowed || dict_is_rehashing(d) || d->size[0] <= INITIAL_SIZE)
        return;
    if (d->used[0] * 100 / d->size[0] >= MIN_FILL_PERCENT)
        return;
    resize_to(d, d->used[0] < INITIAL_SIZE ? INITIAL_SIZE : d->used[0]);
}

void dict_expand(struct dict *d, size_t n)
{
    if (n > d->size[0])
        resize_to(d, n);
}

size_t dict_mem_usage(const struct dict *d)
{
    size_t bytes = sizeof(*d) + (d->size[0] + d->size[1]) * sizeof(struct dict_entry *);
    size_t n = dict_size(d);
    if (n == 0)
        return bytes;
    /* Entries differ only by key length; a few from the start of the table stand for all,
     * which keeps INFO O(1) on a large keyspace. */
    size_t seen = 0, seen_bytes = 0;
    for (int t = 0; t <= 1 && seen < 64; t++) {
        for (size_t i = 0; i < d->size[t] && i < 4096 && seen < 64; i++) {
            for (const struct dict_entry *e = d->table[t][i]; e != NULL && seen < 64;
                 e = e->next) {
                seen++;
                seen_bytes += mem_usable(e);
            }
        }
    }
    if (seen == 0)
        return bytes + n * (offsetof(struct dict_entry, key) + 16);
    return bytes + (size_t)((double)seen_bytes / (double)seen * (double)n);
}
