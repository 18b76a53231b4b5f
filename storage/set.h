/* storage/set.h: the set value type (unordered collections of distinct byte strings).
 *
 * Two encodings, switched exactly when Redis 7.0 switches (OBJECT ENCODING must agree):
 *   - "intset": a storage/intset while every member is an integer in Redis's strict form
 *     (no '+', no leading zeros, no "-0", fits a long long) and the set has at most
 *     set_max_intset_entries members;
 *   - "hashtable": a storage/dict whose entries embed the member bytes and carry no value.
 * A set becomes a table when an add breaks either rule and never converts back (but the sets
 * that SINTERSTORE & co. build start as intsets again, as Redis's do).
 * Members come back as borrowed bytes; intset members are formatted into a caller buffer of
 * SET_ELEMBUF bytes.
 */
#ifndef KVD_STORAGE_SET_H
#define KVD_STORAGE_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "storage/dict.h"
#include "storage/intset.h"
#include "storage/obj.h"
#include "utils/num.h"

/* CONFIG set-max-intset-entries (server/config.c writes it). */
extern long long set_max_intset_entries;

#define SET_ELEMBUF NUM_LL_MAXLEN

/* An empty intset-encoded set (what the store commands fill). New reference. */
struct obj *set_new(void);
/* An empty set in the encoding Redis picks for a set whose first member is p: intset when
 * p is an integer, else a table. New reference. */
struct obj *set_new_for(const char *p, size_t len);
/* Frees an encoding's payload (obj_release's OBJ_SET case). */
void set_free(void *ptr, unsigned enc);
/* Deep copy (COPY). New reference. */
struct obj *set_dup(const struct obj *s);
/* MEMORY USAGE estimate: header plus payload; samples > 0 estimates a table's entries from
 * that many (0 = all). */
size_t set_memory_usage(const struct obj *s, size_t samples);

/* Number of members. O(1). */
size_t set_len(const struct obj *s);

/* Adds p (copied). True if it was new. Converts to a table when p is not an integer or the
 * count passes set_max_intset_entries. */
bool set_add(struct obj *s, const char *p, size_t len);
/* Removes p. True if it was there. The caller deletes an emptied set's key. */
bool set_remove(struct obj *s, const char *p, size_t len);
/* True if p is a member. */
bool set_contains(struct obj *s, const char *p, size_t len);

/* Visit callback: one member, borrowed for the duration of the call. */
typedef void set_visit_fn(void *ud, const char *p, size_t len);

/* Walks every member in storage order (ascending for an intset). s must not change during the
 * walk. */
struct set_iter {
    struct obj *s;
    uint32_t pos;        /* intset: next index */
    struct dict_iter di; /* table */
    char buf[SET_ELEMBUF];
};
void set_iter_init(struct set_iter *it, struct obj *s);
/* Next member (borrowed until the next call), or false at the end. */
bool set_iter_next(struct set_iter *it, const char **p, size_t *len);
void set_iter_done(struct set_iter *it);

/* One random member of a non-empty set: *p and *len borrowed until s changes (buf holds
 * SET_ELEMBUF bytes for intset members). */
void set_random(struct obj *s, char *buf, const char **p, size_t *len);
/* Removes one random member of a non-empty set, first handing it to fn. */
void set_pop(struct obj *s, set_visit_fn *fn, void *ud);
/* SPOP with a count close to the size: moves keep (< set_len) random members of s into a new
 * set, built as SADD would build it from its first member, and returns it (new reference);
 * s is left with the members to hand out. */
struct obj *set_split_random(struct obj *s, size_t keep);
/* SRANDMEMBER: count random members. distinct: no member twice (count < set_len); otherwise
 * count independent picks that may repeat. */
void set_random_many(struct obj *s, size_t count, bool distinct, set_visit_fn *fn, void *ud);

/* SSCAN step: an intset visits every member and returns 0 (Redis answers small sets in one
 * call); a table visits buckets from cursor until at least count members or 10*count buckets
 * were seen and returns the next cursor (0 when done), with SCAN's guarantee. */
unsigned long long set_scan(struct obj *s, unsigned long long cursor, size_t count,
                            set_visit_fn *fn, void *ud);

#endif
