/* storage/hash.h: the hash value type (field -> value maps).
 *
 * Two encodings, switched exactly when Redis 7.0 switches (OBJECT ENCODING must agree):
 *   - "listpack": fields and values alternate in one storage/listpack block, in insertion
 *     order, while the hash has at most hash_max_listpack_entries fields and no field or
 *     value longer than hash_max_listpack_value bytes;
 *   - "hashtable": a storage/dict keyed by field (the entry embeds the field bytes) whose
 *     value is a private length-prefixed block.
 * A hash converts to a table when a write would break either limit and never converts back.
 * Values come back as borrowed bytes: valid until the hash next changes (integers kept in a
 * listpack are formatted into a caller buffer of HASH_VALBUF bytes).
 */
#ifndef KVD_STORAGE_HASH_H
#define KVD_STORAGE_HASH_H

#include <stdbool.h>
#include <stddef.h>

#include "storage/dict.h"
#include "storage/listpack.h"
#include "storage/obj.h"
#include "utils/slice.h"

/* CONFIG hash-max-listpack-entries / hash-max-listpack-value (server/config.c writes them). */
extern long long hash_max_listpack_entries;
extern long long hash_max_listpack_value;

#define HASH_VALBUF LISTPACK_INTBUF

/* An empty listpack-encoded hash. New reference. */
struct obj *hash_new(void);
/* Frees an encoding's payload (obj_release's OBJ_HASH case). */
void hash_free(void *ptr, unsigned enc);
/* Deep copy (COPY). New reference. */
struct obj *hash_dup(const struct obj *h);
/* MEMORY USAGE estimate: the header plus the payload; samples > 0 estimates a table's
 * values from that many entries. */
size_t hash_memory_usage(const struct obj *h, size_t samples);

/* Number of fields. O(1). */
size_t hash_len(const struct obj *h);

/* Converts h to a table before a write whose arguments args[0..n) include one longer than
 * hash_max_listpack_value (Redis checks all of HSET's arguments up front, before the first
 * pair is stored). */
void hash_prepare_write(struct obj *h, const struct slice *args, int n);

/* Value of field f: true and *v / *vlen set (borrowed; buf holds HASH_VALBUF bytes for
 * integers), or false when absent. O(n) for a listpack. */
bool hash_get(struct obj *h, const char *f, size_t flen, char *buf, const char **v,
              size_t *vlen);
/* True if f is a field of h. */
bool hash_exists(struct obj *h, const char *f, size_t flen);
/* Sets f to v (copying both). Returns true if f is new. Converts to a table when f or v is
 * longer than hash_max_listpack_value or the count passes hash_max_listpack_entries. */
bool hash_set(struct obj *h, const char *f, size_t flen, const char *v, size_t vlen);
/* Removes f. True if it was there. The caller deletes an emptied hash's key. */
bool hash_delete(struct obj *h, const char *f, size_t flen);

/* The value bytes of an entry of a table-encoded hash's dict (h->u.ptr). Borrowed; reads only
 * (the RDB writer walks tables without iterators so a fork child writes nothing). */
const char *hash_table_value(const struct dict_entry *e, size_t *len);

/* Walks every field/value pair in storage order. h must not change during the walk. */
struct hash_iter {
    struct obj *h;
    unsigned char *p;   /* listpack: next field */
    struct dict_iter di; /* table */
    char fbuf[HASH_VALBUF], vbuf[HASH_VALBUF];
};
void hash_iter_init(struct hash_iter *it, struct obj *h);
/* Next pair (borrowed until the next call), or false at the end. */
bool hash_iter_next(struct hash_iter *it, const char **f, size_t *flen, const char **v,
                    size_t *vlen);
void hash_iter_done(struct hash_iter *it);

/* Visit callback for hash_scan and hash_random: one field/value pair, borrowed for the call. */
typedef void hash_visit_fn(void *ud, const char *f, size_t flen, const char *v, size_t vlen);

/* HSCAN step: a listpack visits every pair and returns 0 (Redis answers small hashes in one
 * call); a table visits buckets from cursor until at least count pairs or 10*count buckets
 * were seen and returns the next cursor (0 when done), with SCAN's guarantee. */
unsigned long long hash_scan(struct obj *h, unsigned long long cursor, size_t count,
                             hash_visit_fn *fn, void *ud);

/* HRANDFIELD: count random pairs. distinct: no field twice (count < hash_len); otherwise
 * independent picks that may repeat. Uniform over fields. */
void hash_random(struct obj *h, size_t count, bool distinct, hash_visit_fn *fn, void *ud);

#endif
