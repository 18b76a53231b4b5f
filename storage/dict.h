/* storage/dict.h: chained hash table with incremental rehashing, keyed by byte strings.
 *
 * Each entry is one allocation holding the key bytes, so a key costs no separate string.
 * Growing or shrinking allocates a second table and moves buckets a few at a time on each
 * operation (and in dict_rehash_us() from the cron), so no single call stalls.
 * dict_scan() gives Redis's SCAN guarantee: an element present for the whole scan is returned
 * at least once, also while the table is resized between calls.
 */
#ifndef KVD_STORAGE_DICT_H
#define KVD_STORAGE_DICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

union dict_val {
    void *ptr;
    int64_t i;
    double d;
};

struct dict_entry {
    struct dict_entry *next; /* chain (private) */
    union dict_val v;
    uint32_t klen;
    char key[]; /* klen bytes, then a NUL (not counted) */
};

struct dict_type {
    /* Called on an entry's value when the entry is deleted or the dict is emptied; NULL if
     * values own nothing. */
    void (*free_val)(union dict_val *v);
};

struct dict {
    const struct dict_type *type;
    struct dict_entry **table[2]; /* [1] exists only while rehashing */
    size_t size[2];               /* buckets, a power of two, or 0 */
    size_t used[2];
    long long rehash_idx;         /* next bucket of table[0] to move, -1 when not rehashing */
    int pause_rehash;             /* > 0 while a safe iterator is active */
};

/* Global switch: while false (a fork child exists), tables grow only past a load factor of 5
 * so that pages shared with the child are not copied. */
extern bool dict_resize_allowed;

struct dict *dict_new(const struct dict_type *type);
/* Frees every entry (calling free_val) and the dict. */
void dict_free(struct dict *d);
/* Removes every entry (calling free_val); the dict stays usable. Returns the count. */
size_t dict_empty(struct dict *d);

static inline size_t dict_size(const struct dict *d) { return d->used[0] + d->used[1]; }
static inline size_t dict_buckets(const struct dict *d) { return d->size[0] + d->size[1]; }
static inline bool dict_is_rehashing(const struct dict *d) { return d->rehash_idx != -1; }

/* The entry for key, or NULL. Borrowed: valid until the entry is deleted. */
struct dict_entry *dict_find(struct dict *d, const char *key, size_t klen);
/* As dict_find but never does a rehash step: writes nothing, so a forked child (RDB save)
 * can look keys up without copying pages. */
struct dict_entry *dict_find_ro(const struct dict *d, const char *key, size_t klen);
/* Inserts key with a zeroed value and returns the new entry, or returns the existing entry
 * with *existed set (existed may be NULL). */
struct dict_entry *dict_add(struct dict *d, const char *key, size_t klen, bool *existed);
/* Deletes key, calling free_val. True if it was there. */
bool dict_delete(struct dict *d, const char *key, size_t klen);
/* Removes key's entry without freeing it; the caller later calls dict_entry_free(). */
struct dict_entry *dict_unlink(struct dict *d, const char *key, size_t klen);
/* Frees an unlinked entry, calling free_val unless keep_val. */
void dict_entry_free(struct dict *d, struct dict_entry *e, bool keep_val);

/* A random entry, or NULL if empty. Not perfectly uniform (chains), as Redis's. */
struct dict_entry *dict_random(struct dict *d);
/* Up to count entries from random positions (may repeat across calls; no duplicates within
 * one call). Returns how many were stored. For expiry and eviction sampling. */
size_t dict_sample(struct dict *d, struct dict_entry **out, size_t count);

/* Visits the entries of the bucket(s) at cursor and returns the next cursor (0 when done).
 * fn may not modify the dict. Reverse-binary cursor as Redis's, so resizes between calls
 * never make an element present throughout be missed. */
typedef void dict_scan_fn(void *ud, const struct dict_entry *e);
unsigned long long dict_scan(struct dict *d, unsigned long long cursor, dict_scan_fn *fn,
                             void *ud);

/* Iteration. A safe iterator pauses rehashing and allows dict_delete of the current entry;
 * an unsafe one forbids any modification. Call dict_iter_done() in both cases. */
struct dict_iter {
    struct dict *d;
    int table;
    long long index;
    bool safe;
    struct dict_entry *entry, *next_entry;
};
void dict_iter_init(struct dict_iter *it, struct dict *d, bool safe);
struct dict_entry *dict_iter_next(struct dict_iter *it);
void dict_iter_done(struct dict_iter *it);

/* Moves buckets for about `us` microseconds. Returns true if rehashing is still going. */
bool dict_rehash_us(struct dict *d, long long us);
/* Shrinks the table when it is mostly empty (used < 10% of buckets), as Redis's cron does. */
void dict_shrink_if_sparse(struct dict *d);
/* Grows to hold n entries in one step (e.g. before loading). */
void dict_expand(struct dict *d, size_t n);
/* Bytes held by the table arrays and the entries (not by what values point to). */
size_t dict_mem_usage(const struct dict *d);

#endif
