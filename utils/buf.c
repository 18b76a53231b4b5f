/* utils/buf.c: growable byte buffer.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "utils/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "utils/mem.h"

void buf_deinit(struct buf *b)
{
    mem_free(b->data);
    buf_init(b);
}

void buf_compact(struct buf *b)
{
    if (b->start == 0)
        return;
    size_t used = b->len - b->start;
    if (used)
        memmove(b->data, b->data + b->start, used);
    b->start = 0;
    b->len = used;
}

char *buf_reserve(struct buf *b, size_t n)
{
    if (b->cap - b->len >= n)
        return b->data + b->len;
    /* Reclaim the consumed prefix before growing when it makes enough room. */
    if (b->start > 0 && b->cap - (b->len - b->start) >= n) {
        buf_compact(b);
        return b->data + b->len;
    }
    buf_compact(b);
    size_t need = b->len + n;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap < ((size_t)1 << 20) ? cap * 2 : cap + ((size_t)1 << 20);
    b->data = mem_realloc(b->data, cap);
    b->cap = mem_usable(b->data);
    if (b->cap < cap)
        b->cap = cap;
    return b->data + b->len;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
    if (n == 0)
        return;
    memcpy(buf_reserve(b, n), p, n);
    b->len += n;
}

void buf_append_str(struct buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(tmp)) {
        buf_append(b, tmp, (size_t)n);
        return;
    }
    char *dst = buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(dst, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_consume(struct buf *b, size_t n)
{
    b->start += n;
    if (b->start >= b->len)
        b->start = b->len = 0;
}

char *buf_cstr(struct buf *b)
{
    buf_reserve(b, 1);
    b->data[b->len] = '\0';
    return b->data + b->start;
}

void buf_shrink(struct buf *b, size_t keep)
{
    if (b->cap <= keep || buf_used(b) > keep / 2)
        return;
    buf_compact(b);
    if (b->len == 0) {
        buf_deinit(b);
        return;
    }
    b->data = mem_realloc(b->data, keep);
    b->cap = mem_usable(b->data);
}
