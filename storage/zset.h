/* storage/zset.h: the sorted set value type.
 *
 * Members are byte strings ordered by (score, member bytes). Two encodings, switched exactly
 * when Redis 7.0 switches (OBJECT ENCODING must agree):
 *   - "listpack" while a set holds at most zset_max_listpack_entries members, each at most
 *     zset_max_listpack_value bytes: a storage/listpack of member, score pairs in order,
 *     walked linearly;
 *   - "skiplist" beyond: a skiplist with span counts (rank queries in O(log n)) plus a
 *     dict member -> node (O(1) score lookups).
 * A set never goes back to the small encoding by itself; only zset_shrink_if_small() (used
 * for the destination of ZUNIONSTORE and friends, as Redis does) converts it back.
 * Everything positional is expressed as forward ranks (0 = lowest score): score and lex
 * ranges are turned into a rank interval [lower, upper) first, then walked or deleted.
 * Start at zset_add() and zset_iter_next().
 */
#ifndef KVD_STORAGE_ZSET_H
#define KVD_STORAGE_ZSET_H

#include <stdbool.h>
#include <stddef.h>

#include "storage/obj.h"
#include "utils/num.h"

/* CONFIG zset-max-listpack-entries / zset-max-listpack-value (server/config.c writes them). */
extern long long zset_max_listpack_entries;
extern long long zset_max_listpack_value;

/* A score interval; min/max may be +-inf. */
struct zset_range {
    double min, max;
    bool minex, maxex; /* exclusive bounds ("(1.5") */
};

/* One end of a lexicographic interval: "-" (below everything), "+" (above everything), or
 * a member with "[" (inclusive) / "(" (exclusive). */
enum zset_lex_kind { ZSET_LEX_NEG_INF, ZSET_LEX_POS_INF, ZSET_LEX_VALUE };
struct zset_lex_bound {
    enum zset_lex_kind kind;
    bool ex;
    const char *p; /* borrowed from the caller's argument */
    size_t len;
};
struct zset_lex_range {
    struct zset_lex_bound min, max;
};

/* ZADD flags (in) and outcome bits (out). */
enum {
    ZSET_ADD_INCR = 1 << 0,
    ZSET_ADD_NX = 1 << 1,
    ZSET_ADD_XX = 1 << 2,
    ZSET_ADD_GT = 1 << 3,
    ZSET_ADD_LT = 1 << 4,
};
enum {
    ZSET_OUT_ADDED = 1 << 0,
    ZSET_OUT_UPDATED = 1 << 1,
    ZSET_OUT_NOP = 1 << 2,
    ZSET_OUT_NAN = 1 << 3, /* INCR produced NaN: nothing changed */
};

/* One element as read from a set. p is borrowed: valid until the set next changes, and when
 * it came from zset_iter_next() only until that iterator's next call (a listpack member
 * stored as an integer is formatted into the iterator). */
struct zset_elem {
    const char *p;
    size_t len;
    double score;
};

/* Walks elements by rank in one direction. Fields are private to zset.c. */
struct zset_iter {
    const struct obj *z;
    void *node;   /* skiplist: the next node; listpack: the next member entry */
    bool rev;     /* walking toward rank 0 */
    size_t left;  /* elements not yet returned */
    char intbuf[NUM_LL_MAXLEN]; /* the text of the last integer member returned */
};

/* New empty set in the small encoding. New reference. */
struct obj *zset_new(void);
/* New empty set in the skiplist encoding (ZUNIONSTORE builds its result this way). */
struct obj *zset_new_skiplist(void);
/* Converts a small set to the skiplist encoding in place (no-op if it already is one): Redis's
 * SORT does this to every set it reads, and OBJECT ENCODING shows it. */
void zset_convert_skiplist(struct obj *z);

/* Number of members. */
size_t zset_len(const struct obj *z);
/* Member's score; false if absent. O(n) small (n <= zset-max-listpack-entries), O(1)
 * skiplist. */
bool zset_score(const struct obj *z, const char *m, size_t len, double *score);

/* ZADD/ZINCRBY on one member with Redis's zsetAdd rules (flags ZSET_ADD_*). Returns the
 * ZSET_OUT_* bits; *newscore receives the resulting score when the member was added or
 * updated (or would have been, for an unchanged score). Converts to skiplist when the set
 * or member outgrows the small encoding. */
int zset_add(struct obj *z, double score, const char *m, size_t len, int flags,
             double *newscore);
/* Removes a member. True if it was there. The caller deletes an emptied key. */
bool zset_remove(struct obj *z, const char *m, size_t len);

/* Forward rank (0-based) of a member; false if absent. O(log n). */
bool zset_rank(const struct obj *z, const char *m, size_t len, size_t *rank);

/* Ranks covering a score range are [zset_range_lower, zset_range_upper); upper may be below
 * lower for an empty range (callers clamp). O(log n). */
size_t zset_range_lower(const struct obj *z, const struct zset_range *r);
size_t zset_range_upper(const struct obj *z, const struct zset_range *r);
/* The same for a lexicographic range (meaningful when all scores are equal). */
size_t zset_lex_lower(const struct obj *z, const struct zset_lex_range *r);
size_t zset_lex_upper(const struct obj *z, const struct zset_lex_range *r);

/* Starts an iterator at forward rank start (< len) returning at most n elements, toward
 * higher ranks, or toward rank 0 when rev. The set must not change while it is in use. */
void zset_iter_init(struct zset_iter *it, const struct obj *z, size_t start, size_t n,
                    bool rev);
/* The next element, or false at the end. */
bool zset_iter_next(struct zset_iter *it, struct zset_elem *out);

/* Deletes n elements from forward rank start (start + n <= len). */
void zset_delete_range(struct obj *z, size_t start, size_t n);

/* Converts a skiplist set back to the small encoding when it fits (at most
 * zset_max_listpack_entries members, longest member maxelelen <= zset_max_listpack_value);
 * Redis does this for ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE results. */
void zset_shrink_if_small(struct obj *z, size_t maxelelen);

/* ZSCAN: visits (member, score) for the part of the set at cursor and returns the next
 * cursor (0 when done). The small encoding is visited whole in one call, as Redis does.
 * m is borrowed for the duration of one fn call only: keep a copy. */
typedef void zset_scan_fn(void *ud, const char *m, size_t len, double score);
unsigned long long zset_scan(const struct obj *z, unsigned long long cursor, zset_scan_fn *fn,
                             void *ud);

/* Deep copy (COPY). New reference. */
struct obj *zset_dup(const struct obj *z);
/* Frees the structure behind an OBJ_ZSET object of encoding enc (obj_release's case). */
void zset_free(void *ptr, int enc);
/* Bytes used by the set; samples > 0 estimates the members from that many. */
size_t zset_memory_usage(const struct obj *z, size_t samples);

#endif
