/* storage/listpack.h: a packed sequence of small strings and integers in one allocation.
 *
 * The small encoding of hashes and sorted sets (OBJECT ENCODING "listpack"). Entries sit back
 * to back; each is a string or an integer (a string that reads as a strict decimal long long
 * is stored as the integer, in 1..9 bytes), followed by its own length written so that it can
 * be read from the right: the sequence is walkable in both directions.
 *
 * Ownership: a listpack is a plain `unsigned char *` owned by whoever holds it (a value's
 * obj->u.ptr). Every call that changes it may move it: it returns the (possibly new) block,
 * which replaces the old pointer. Entry positions (`unsigned char *p`) are borrowed pointers
 * into the block, valid until the next change; calls that change it and need a position
 * afterwards give it back through an out parameter.
 * Limits: fewer than 4 GiB of bytes and 2^32 entries (callers convert far earlier).
 * Costs: count and total bytes are O(1); seek by index and find are O(n); insert and delete
 * move the tail (memmove) and may realloc.
 */
#ifndef KVD_STORAGE_LISTPACK_H
#define KVD_STORAGE_LISTPACK_H

#include <stdbool.h>
#include <stddef.h>

#include "utils/num.h"

/* Room for an integer entry formatted by listpack_get_str(). */
#define LISTPACK_INTBUF NUM_LL_MAXLEN

/* Where listpack_insert() puts the new entry relative to p. */
enum listpack_where { LISTPACK_BEFORE = 0, LISTPACK_AFTER = 1 };

/* A new empty listpack. The caller owns it (listpack_free). */
unsigned char *listpack_new(void);
/* Frees lp (NULL is fine). */
void listpack_free(unsigned char *lp);
/* Independent copy of lp. The caller owns it. */
unsigned char *listpack_dup(const unsigned char *lp);

/* Number of entries. O(1). */
size_t listpack_count(const unsigned char *lp);
/* Bytes of the whole block (header, entries, terminator). O(1). */
size_t listpack_bytes(const unsigned char *lp);

/* ---- walking: positions are borrowed until lp next changes --------------------------- */

/* First / last entry, or NULL when empty. */
unsigned char *listpack_first(unsigned char *lp);
unsigned char *listpack_last(unsigned char *lp);
/* Entry after / before p, or NULL at the end / start. */
unsigned char *listpack_next(unsigned char *lp, unsigned char *p);
unsigned char *listpack_prev(unsigned char *lp, unsigned char *p);
/* Entry at index (0 first, -1 last, as LINDEX), or NULL when out of range. Walks from the
 * nearer end. */
unsigned char *listpack_seek(unsigned char *lp, long long index);

/* ---- reading an entry ---------------------------------------------------------------- */

/* The entry at p. For a string returns its bytes (borrowed) and sets *len; for an integer
 * returns NULL and sets *ival. */
const unsigned char *listpack_get(const unsigned char *p, size_t *len, long long *ival);
/* The entry at p as bytes: strings are returned in place, integers formatted into buf
 * (LISTPACK_INTBUF bytes). Borrowed: valid while lp is unchanged and buf is in scope. */
const char *listpack_get_str(const unsigned char *p, char *buf, size_t *len);
/* True if the entry at p holds an integer (then *ival is set; ival may be NULL). */
bool listpack_get_int(const unsigned char *p, long long *ival);
/* True if the entry at p equals s[0..len) byte for byte (integers compare by text). */
bool listpack_eq(const unsigned char *p, const char *s, size_t len);

/* First entry equal to s[0..len) among p, then every (skip+1)-th entry after it (skip 1 walks
 * the fields of field/value pairs). Returns NULL if none; p NULL also returns NULL. */
unsigned char *listpack_find(unsigned char *lp, unsigned char *p, const char *s, size_t len,
                             unsigned skip);

/* ---- changing: each returns the (possibly moved) listpack ----------------------------- */

/* Appends s[0..len) (stored as an integer when it reads as one). */
unsigned char *listpack_append(unsigned char *lp, const char *s, size_t len);
/* Appends the integer v. */
unsigned char *listpack_append_int(unsigned char *lp, long long v);
/* Inserts s[0..len) before or after the entry at p (p NULL appends). If newp is not NULL it
 * receives the new entry's position. */
unsigned char *listpack_insert(unsigned char *lp, unsigned char *p, enum listpack_where where,
                               const char *s, size_t len, unsigned char **newp);
/* Inserts at entry index idx (0..count; count appends). */
unsigned char *listpack_insert_at(unsigned char *lp, size_t idx, const char *s, size_t len);
/* Deletes count entries starting at p (fewer if the end comes first). If next is not NULL it
 * receives the position of the entry that followed the deleted ones (NULL at the end). */
unsigned char *listpack_delete(unsigned char *lp, unsigned char *p, size_t count,
                               unsigned char **next);
/* Replaces the entry at *p with s[0..len); *p is updated to the new entry's position. */
unsigned char *listpack_replace(unsigned char *lp, unsigned char **p, const char *s,
                                size_t len);

#endif
