/* storage/rdb_pack.h: Redis's packed blob formats as they appear inside RDB files (internal to
 * storage/rdb*.c and the tests).
 *
 * kvd's in-memory listpack and list nodes use their own byte layouts, so RDB values are
 * re-encoded into Redis's listpack on save, and Redis's listpack, ziplist, zipmap and intset
 * blobs are validated and walked element by element on load. Walkers check every length
 * against the blob before reading and never allocate.
 */
#ifndef KVD_STORAGE_RDB_PACK_H
#define KVD_STORAGE_RDB_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "utils/buf.h"

/* A Redis-format listpack being built: header (u32 total bytes, u16 count), entries, 0xFF. */
struct rdb_lpw {
    struct buf b;   /* header placeholder + entries; finished in place */
    size_t count;
};

void rdb_lpw_init(struct rdb_lpw *w);
void rdb_lpw_deinit(struct rdb_lpw *w);
/* Empties w for the next blob (keeps the storage). */
void rdb_lpw_reset(struct rdb_lpw *w);
/* Appends an element; strict decimal integers are stored as integers, as Redis does. */
void rdb_lpw_append(struct rdb_lpw *w, const char *p, size_t len);
/* Bytes the entry for p would take (encoding + data + back length). */
size_t rdb_lpw_entry_size(const char *p, size_t len);
/* Bytes of the blob if finished now (entries + 7). */
static inline size_t rdb_lpw_bytes(const struct rdb_lpw *w) { return w->b.len + 1; }
/* Writes the header and terminator; returns the blob (borrowed until the next change). */
const unsigned char *rdb_lpw_finish(struct rdb_lpw *w, size_t *len);

/* One element of a walked blob. Strings are borrowed from the blob; integer entries are
 * formatted to text in a walker-owned buffer (valid for the call). Return false to stop: the
 * walker then returns false with *why set to NULL (the callback reports its own error). */
typedef bool rdb_elem_fn(void *ud, const char *p, size_t len);

/* Validates a Redis listpack blob p[0..len) (header bytes, entry bounds, back lengths,
 * count, terminator) while handing each element to fn. *n_out (may be NULL) receives the
 * element count. False on corruption with *why set to a static reason. */
bool rdb_lp_walk(const unsigned char *p, size_t len, rdb_elem_fn *fn, void *ud, size_t *n_out,
                 const char **why);
/* The same for a ziplist blob (RDB types 10, 12, 13, 14's nodes): zlbytes, zltail, count,
 * prevlen chain, encodings, terminator. */
bool rdb_zl_walk(const unsigned char *p, size_t len, rdb_elem_fn *fn, void *ud, size_t *n_out,
                 const char **why);
/* A zipmap blob (RDB type 9, hashes before 2.6): fields and values alternate. */
bool rdb_zipmap_walk(const unsigned char *p, size_t len, rdb_elem_fn *fn, void *ud,
                     size_t *n_out, const char **why);
/* An intset blob (u32 LE width 2/4/8, u32 LE count, LE values strictly ascending). */
bool rdb_intset_walk(const unsigned char *p, size_t len, rdb_elem_fn *fn, void *ud,
                     size_t *n_out, const char **why);

#endif
