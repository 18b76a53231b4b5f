/* storage/intset.c: the packed sorted integer array behind small all-integer sets.
 *
 * Owns the element width (2/4/8 bytes), the in-place widening when a value does not fit and
 * the binary search. Knows nothing of objects, sets' other encoding, keys or replies: set.c
 * decides when an intset is used and when it becomes a hash table.
 * Start at intset_add(); intset.h documents the layout.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/intset.h"

#include <string.h>

#include "utils/mem.h"

/* Smallest width that holds v. */
static uint32_t width_for(int64_t v)
{
    if (v >= INT16_MIN && v <= INT16_MAX)
        return 2;
    if (v >= INT32_MIN && v <= INT32_MAX)
        return 4;
    return 8;
}

/* memcpy keeps the reads legal whatever the alignment of data + pos * width. */
static int64_t get_w(const unsigned char *data, uint32_t pos, uint32_t width)
{
    switch (width) {
    case 2: {
        int16_t v;
        memcpy(&v, data + (size_t)pos * 2, 2);
        return v;
    }
    case 4: {
        int32_t v;
        memcpy(&v, data + (size_t)pos * 4, 4);
        return v;
    }
    default: {
        int64_t v;
        memcpy(&v, data + (size_t)pos * 8, 8);
        return v;
    }
    }
}

static void set_w(unsigned char *data, uint32_t pos, uint32_t width, int64_t v)
{
    switch (width) {
    case 2: {
        int16_t x = (int16_t)v;
        memcpy(data + (size_t)pos * 2, &x, 2);
        return;
    }
    case 4: {
        int32_t x = (int32_t)v;
        memcpy(data + (size_t)pos * 4, &x, 4);
        return;
    }
    default:
        memcpy(data + (size_t)pos * 8, &v, 8);
        return;
    }
}

static struct intset *resize(struct intset *is, uint32_t len, uint32_t width)
{
    return mem_realloc(is, sizeof(*is) + (size_t)len * width);
}

struct intset *intset_new(void)
{
    struct intset *is = mem_alloc(sizeof(*is));
    is->width = 2;
    is->len = 0;
    return is;
}

void intset_free(struct intset *is)
{
    mem_free(is);
}

struct intset *intset_dup(const struct intset *is)
{
    size_t n = intset_blob_len(is);
    struct intset *copy = mem_alloc(n);
    memcpy(copy, is, n);
    return copy;
}

size_t intset_blob_len(const struct intset *is)
{
    return sizeof(*is) + (size_t)is->len * is->width;
}

int64_t intset_get(const struct intset *is, uint32_t pos)
{
    return get_w(is->data, pos, is->width);
}

/* Binary search: true and *pos = index of v, or false and *pos = where v would go. */
static bool search(const struct intset *is, int64_t v, uint32_t *pos)
{
    uint32_t lo = 0, hi = is->len;
    /* Values outside the current range are common (ascending inserts): answer them at once. */
    if (is->len > 0) {
        if (v > intset_get(is, is->len - 1)) {
            *pos = is->len;
            return false;
        }
        if (v < intset_get(is, 0)) {
            *pos = 0;
            return false;
        }
    }
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int64_t cur = intset_get(is, mid);
        if (cur == v) {
            *pos = mid;
            return true;
        }
        if (cur < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return false;
}

bool intset_find(const struct intset *is, int64_t v)
{
    uint32_t pos;
    return width_for(v) <= is->width && search(is, v, &pos);
}

/* v needs a wider width than every current element, so it is either below all of them
 * (negative) or above all of them: it goes at one end while the rest widen in place,
 * walking from the back so no element is overwritten before it is read. */
static struct intset *upgrade_and_add(struct intset *is, int64_t v)
{
    uint32_t old_w = is->width, new_w = width_for(v);
    uint32_t len = is->len;
    bool at_front = v < 0;
    is = resize(is, len + 1, new_w);
    for (uint32_t i = len; i-- > 0;)
        set_w(is->data, i + (at_front ? 1 : 0), new_w, get_w(is->data, i, old_w));
    is->width = new_w;
    set_w(is->data, at_front ? 0 : len, new_w, v);
    is->len = len + 1;
    return is;
}

struct intset *intset_add(struct intset *is, int64_t v, bool *added)
{
    if (added != NULL)
        *added = true;
    if (width_for(v) > is->width)
        return upgrade_and_add(is, v);
    uint32_t pos;
    if (search(is, v, &pos)) {
        if (added != NULL)
            *added = false;
        return is;
    }
    is = resize(is, is->len + 1, is->width);
    if (pos < is->len)
        memmove(is->data + (size_t)(pos + 1) * is->width, is->data + (size_t)pos * is->width,
                (size_t)(is->len - pos) * is->width);
    set_w(is->data, pos, is->width, v);
    is->len++;
    return is;
}

struct intset *intset_remove_at(struct intset *is, uint32_t pos)
{
    size_t w = is->width;
    if (pos + 1 < is->len)
        memmove(is->data + pos * w, is->data + (pos + 1) * w, (is->len - pos - 1) * w);
    is->len--;
    return resize(is, is->len, is->width);
}

struct intset *intset_remove(struct intset *is, int64_t v, bool *removed)
{
    uint32_t pos;
    bool found = width_for(v) <= is->width && search(is, v, &pos);
    if (removed != NULL)
        *removed = found;
    return found ? intset_remove_at(is, pos) : is;
}
