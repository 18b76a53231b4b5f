/* storage/intset.h: a sorted array of distinct integers, the compact encoding of small sets.
 *
 * Every element is stored in one width (2, 4 or 8 bytes), the smallest that holds them all;
 * adding a value that does not fit widens every element in place (never narrowed again, as
 * Redis 7.0). One allocation: a header and the packed array. Lookups are binary searches;
 * inserts and removals move the tail, so the set is meant to stay small (set-max-intset-entries).
 * Functions that may reallocate return the (possibly moved) intset: always store the result.
 */
#ifndef KVD_STORAGE_INTSET_H
#define KVD_STORAGE_INTSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct intset {
    uint32_t width;       /* bytes per element: 2, 4 or 8 */
    uint32_t len;         /* elements */
    unsigned char data[]; /* len elements of width bytes, ascending, native byte order */
};

/* An empty intset (width 2). Freed with intset_free(). */
struct intset *intset_new(void);
void intset_free(struct intset *is);
/* An independent copy. */
struct intset *intset_dup(const struct intset *is);

static inline uint32_t intset_len(const struct intset *is) { return is->len; }

/* Adds v, widening the array when v needs more bytes. *added (may be NULL) tells whether v was
 * new. Returns the intset, possibly moved. O(n). */
struct intset *intset_add(struct intset *is, int64_t v, bool *added);
/* Removes v. *removed (may be NULL) tells whether it was there. Returns the intset, possibly
 * moved. O(n). */
struct intset *intset_remove(struct intset *is, int64_t v, bool *removed);
/* Removes the element at pos (< len). Returns the intset, possibly moved. */
struct intset *intset_remove_at(struct intset *is, uint32_t pos);
/* True if v is an element. O(log n). */
bool intset_find(const struct intset *is, int64_t v);
/* The element at pos (< len); elements are in ascending order. */
int64_t intset_get(const struct intset *is, uint32_t pos);
/* Bytes of the header plus the array (what Redis's intsetBlobLen reports). */
size_t intset_blob_len(const struct intset *is);

#endif
