/* utils/buf.h: a growable byte buffer with a consumed prefix.
 *
 * Used for query buffers (bytes arrive at the end, requests are consumed from the front)
 * and anywhere text is built up. Not NUL-terminated unless buf_cstr() is called.
 */
#ifndef KVD_UTILS_BUF_H
#define KVD_UTILS_BUF_H

#include <stddef.h>

struct buf {
    char *data;   /* owned; NULL until the first byte is added */
    size_t start; /* bytes before this offset were consumed */
    size_t len;   /* end of valid bytes (absolute offset into data) */
    size_t cap;   /* bytes allocated */
};

static inline void buf_init(struct buf *b)
{
    b->data = NULL;
    b->start = b->len = b->cap = 0;
}
/* Frees the storage; the buffer is empty and reusable afterwards. */
void buf_deinit(struct buf *b);
/* Bytes not yet consumed. */
static inline size_t buf_used(const struct buf *b) { return b->len - b->start; }
static inline char *buf_head(const struct buf *b) { return b->data + b->start; }
/* Makes room for at least n more bytes after len; may move data (compacting the consumed
 * prefix first). Returns a pointer to the free space. */
char *buf_reserve(struct buf *b, size_t n);
/* Marks n bytes of reserved space as written. */
static inline void buf_commit(struct buf *b, size_t n) { b->len += n; }
void buf_append(struct buf *b, const void *p, size_t n);
void buf_append_str(struct buf *b, const char *s);
/* printf-style append. */
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Consumes n bytes from the front; resets to empty when everything is consumed. */
void buf_consume(struct buf *b, size_t n);
/* Moves unconsumed bytes to the front of the storage. */
void buf_compact(struct buf *b);
/* Empties without freeing. */
static inline void buf_clear(struct buf *b) { b->start = b->len = 0; }
/* NUL-terminates (not counted in len) and returns the unconsumed bytes. */
char *buf_cstr(struct buf *b);
/* Gives the storage back when it is much larger than what is used (cap > keep and idle). */
void buf_shrink(struct buf *b, size_t keep);

#endif
