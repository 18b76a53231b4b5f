/* storage/list.h: the list value type.
 *
 * A list is a chain of packed nodes (Redis's quicklist of listpacks, in our own layout):
 * each node is one allocation holding its entries back to back, each entry length-prefixed
 * and ending with its own length so the node can be walked both ways; integer-looking
 * elements are stored as compact integers. Nodes are bounded by list_max_listpack_size.
 * Pushing and popping at either end is O(1); positional access walks whole nodes by their
 * counts, from whichever end is nearer.
 * Elements are byte strings; readers get them as a struct list_entry whose bytes are
 * borrowed from the list (or from the entry itself for packed integers).
 * Start at list_push() and list_iter_next().
 */
#ifndef KVD_STORAGE_LIST_H
#define KVD_STORAGE_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/obj.h"
#include "utils/num.h"

/* CONFIG list-max-listpack-size: negative -1..-5 = node size limit of 4, 8, 16, 32, 64 KB;
 * positive = entries per node (still at most 8 KB). The server writes it at startup and on
 * CONFIG SET; it applies to nodes filled from then on. */
extern int list_max_listpack_size;
/* CONFIG list-compress-depth: 0 = plain; N > 0 keeps N nodes at each end plain and
 * LZF-compresses the inner ones. Like Redis, a list keeps the depth it was created with. */
extern int list_compress_depth;

enum list_where { LIST_HEAD = 0, LIST_TAIL = 1 };

/* One element as read from a list. p/len are borrowed: valid until the next call into any
 * list (an element of a compressed node lives in a shared scratch buffer) or until the list
 * changes; p may point into buf, so do not copy the struct and keep using the copy's p. */
struct list_entry {
    const char *p;
    size_t len;
    char buf[NUM_LL_MAXLEN]; /* formatted packed integers live here */
};

struct list_node;

/* Walks a list in one direction. Fields are private to list.c. */
struct list_iter {
    struct list_node *node;
    uint32_t off;        /* toward the tail: start of the next entry; toward the head: its end */
    enum list_where dir; /* the end the walk moves toward (Redis's convention) */
    size_t left;         /* entries not yet returned */
};

/* New empty list object (OBJECT ENCODING "quicklist", as Redis 7.0 reports every list).
 * New reference. */
struct obj *list_new(void);
/* Number of elements. */
size_t list_len(const struct obj *l);

/* Adds one element at the head or tail (copies the bytes). */
void list_push(struct obj *l, enum list_where where, const char *p, size_t len);
/* Removes and returns the element at where as a new string object (new reference), or NULL
 * when the list is empty. The caller deletes the key once the list is empty. */
struct obj *list_pop(struct obj *l, enum list_where where);

/* The element at index (negative counts from the tail: -1 is the last). False when out of
 * range. Cost: O(n/node) node hops from the nearer end plus one node scan. */
bool list_index(struct obj *l, long long index, struct list_entry *out);
/* Replaces the element at index. False when out of range. Same cost as list_index. */
bool list_set(struct obj *l, long long index, const char *p, size_t len);
/* Inserts val before (where == LIST_HEAD) or after (LIST_TAIL) the first element equal to
 * pivot, scanning from the head. False if no element equals pivot. O(n). */
bool list_insert(struct obj *l, const char *pivot, size_t plen, enum list_where where,
                 const char *val, size_t vlen);
/* Removes up to count elements equal to p (count > 0 from the head, < 0 from the tail,
 * 0 all of them). Returns how many were removed. O(n). */
size_t list_remove(struct obj *l, const char *p, size_t len, long long count);
/* Deletes n elements starting at index start (0 <= start, start + n <= len). Whole nodes
 * inside the range are freed without being scanned. */
void list_delete_range(struct obj *l, size_t start, size_t n);

/* Starts an iterator at index start (0 <= start < len, counted from the head whatever the
 * direction) moving toward dir: LIST_TAIL walks start, start+1, ...; LIST_HEAD walks start,
 * start-1, .... Setup costs as list_index. The list must not change while it is in use. */
void list_iter_init(struct list_iter *it, struct obj *l, size_t start, enum list_where dir);
/* The next element, or false at the end. */
bool list_iter_next(struct list_iter *it, struct list_entry *out);

/* list_push of an integer element, without a round trip through text. */
void list_push_int(struct obj *l, enum list_where where, long long v);

/* Number of packed nodes (an RDB list is written node for node, as Redis writes its own). */
size_t list_node_count(const struct obj *l);
/* Appends the next node to out as one Redis 7.0 listpack blob (header, entries, terminator):
 * a node's data is a listpack body, so this is a copy. *cursor starts NULL; false (and out
 * untouched) after the last node. The list must not change between calls. */
struct buf;
bool list_export_node(const struct obj *l, const void **cursor, struct buf *out);
/* Appends the elements of the Redis listpack lp (len bytes, as read from an RDB file) at the
 * tail, checking every entry as it goes: entries are copied in runs, filling the tail node
 * up to the node limit. more: further listpacks follow (new nodes are then allocated at full
 * size). False with *why (a static string) for a malformed listpack, with some of its
 * elements possibly appended: the caller discards the list. */
bool list_append_listpack(struct obj *l, const unsigned char *lp, size_t len, bool more,
                          const char **why);

/* True if e's bytes equal p[0..len). */
bool list_entry_eq(const struct list_entry *e, const char *p, size_t len);

/* Deep copy (COPY). New reference. */
struct obj *list_dup(const struct obj *l);
/* Frees the list structure behind an OBJ_LIST object (obj_release's case). */
void list_free(void *ptr);
/* Bytes used by the list and its nodes; samples > 0 estimates from that many nodes. */
size_t list_memory_usage(const struct obj *l, size_t samples);

#endif
