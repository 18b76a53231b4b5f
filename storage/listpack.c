/* storage/listpack.c: the packed sequence behind small hashes and sorted sets.
 *
 * Owns the byte layout; knows nothing of keys, objects or replies.
 * Start at the layout comment below, then insert_raw() and listpack_prev().
 *
 * Layout: [total bytes u32][count u32] entry* [0xFF]. An entry is a tag byte (with the value
 * or a length folded into it when small), the payload, then "backlen": the size of tag+payload
 * in 1..5 bytes of 7 bits each, written so that reading leftwards from the entry's last byte
 * finds the low bits first. That makes a backward step cost one small decode.
 * Tags:
 *   0xxxxxxx  integer 0..127, no payload
 *   10llllll  string of 0..63 bytes
 *   110vvvvv  + 1 byte: 13-bit signed integer
 *   1110llll  + 1 byte: string of 64..4095 bytes
 *   0xF0      + 4-byte length: longer string
 *   0xF1..F4  + 2, 3, 4, 8 bytes: signed integer (little endian)
 *   0xFF      end of the sequence
 * The entry codec (tags, integer and string heads, back lengths) is storage/lpentry.h's, shared
 * with list nodes and RDB listpacks.
 * Strings that read as strict decimal integers are stored as integers, so equal texts always
 * have equal encodings and find() can compare either by integer or by bytes.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/listpack.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "storage/lpentry.h"
#include "utils/mem.h"

#define HDR 8u
#define END 0xFFu


/* ---- low level ------------------------------------------------------------------------ */

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void set_header(unsigned char *lp, size_t bytes, size_t count)
{
    put_u32(lp, (uint32_t)bytes);
    put_u32(lp + 4, (uint32_t)count);
}

/* Size of tag + payload of the entry at p. */
static size_t elem_size(const unsigned char *p)
{
    unsigned b = p[0];
    if (b < 0x80)
        return 1;
    if (b < 0xC0)
        return 1 + (b & 0x3F);
    if (b < 0xE0)
        return 2;
    if (b < 0xF0)
        return 2 + (((size_t)(b & 0x0F) << 8) | p[1]);
    switch (b) {
    case LPENTRY_STR32: return 5 + get_u32(p + 1);
    case LPENTRY_INT16: return 3;
    case LPENTRY_INT24: return 4;
    case LPENTRY_INT32: return 5;
    case LPENTRY_INT64: return 9;
    }
    assert(!"listpack: bad entry tag");
    return 0;
}

static size_t backlen_size(size_t l)
{
    return lpentry_backlen_size(l);
}

static void backlen_write(unsigned char *dst, size_t l)
{
    lpentry_backlen_write(dst, l, lpentry_backlen_size(l));
}

/* Reads a backlen whose last byte is at q; *n receives how many bytes it took. */
static size_t backlen_read(const unsigned char *q, size_t *n)
{
    size_t v = 0;
    unsigned shift = 0;
    size_t used = 0;
    for (;;) {
        unsigned b = *q;
        v |= (size_t)(b & 0x7F) << shift;
        used++;
        if (!(b & 0x80))
            break;
        q--;
        shift += 7;
    }
    *n = used;
    return v;
}

static size_t entry_size(const unsigned char *p)
{
    size_t e = elem_size(p);
    return e + backlen_size(e);
}

static long long sign_extend(uint64_t u, unsigned bits)
{
    uint64_t m = 1ULL << (bits - 1);
    u &= (bits == 64) ? ~0ULL : ((1ULL << bits) - 1);
    return (long long)((u ^ m) - m);
}

/* Inserts one entry at byte offset off (an entry boundary or the terminator). The entry is
 * the integer v when is_int, else the string s[0..len). Returns the moved listpack. */
static unsigned char *insert_raw(unsigned char *lp, size_t off, bool is_int, long long v,
                                 const char *s, size_t len)
{
    unsigned char head[9];
    size_t hlen = is_int ? lpentry_int_head(head, v) : lpentry_str_head(head, len);
    size_t elen = hlen + (is_int ? 0 : len);
    size_t esize = elen + backlen_size(elen);
    size_t total = listpack_bytes(lp);
    size_t count = listpack_count(lp);

    assert(total + esize <= UINT32_MAX);
    lp = mem_realloc(lp, total + esize);
    memmove(lp + off + esize, lp + off, total - off);
    unsigned char *p = lp + off;
    memcpy(p, head, hlen);
    if (!is_int && len > 0)
        memcpy(p + hlen, s, len);
    backlen_write(p + elen, elen);
    set_header(lp, total + esize, count + 1);
    return lp;
}

static unsigned char *insert_text(unsigned char *lp, size_t off, const char *s, size_t len)
{
    long long v;
    bool is_int = len <= 20 && num_str2ll(s, len, &v);
    return insert_raw(lp, off, is_int, is_int ? v : 0, s, len);
}

/* ---- API ------------------------------------------------------------------------------ */

unsigned char *listpack_new(void)
{
    unsigned char *lp = mem_alloc(HDR + 1);
    set_header(lp, HDR + 1, 0);
    lp[HDR] = END;
    return lp;
}

void listpack_free(unsigned char *lp)
{
    mem_free(lp);
}

unsigned char *listpack_dup(const unsigned char *lp)
{
    size_t n = listpack_bytes(lp);
    unsigned char *c = mem_alloc(n);
    memcpy(c, lp, n);
    return c;
}

size_t listpack_count(const unsigned char *lp)
{
    return get_u32(lp + 4);
}

size_t listpack_bytes(const unsigned char *lp)
{
    return get_u32(lp);
}

unsigned char *listpack_first(unsigned char *lp)
{
    return lp[HDR] == END ? NULL : lp + HDR;
}

unsigned char *listpack_last(unsigned char *lp)
{
    unsigned char *end = lp + listpack_bytes(lp) - 1;
    return end == lp + HDR ? NULL : listpack_prev(lp, end);
}

unsigned char *listpack_next(unsigned char *lp, unsigned char *p)
{
    (void)lp;
    p += entry_size(p);
    return *p == END ? NULL : p;
}

/* Also accepts p at the terminator, which is how listpack_last() starts. */
unsigned char *listpack_prev(unsigned char *lp, unsigned char *p)
{
    if (p == lp + HDR)
        return NULL;
    size_t n;
    size_t elen = backlen_read(p - 1, &n);
    return p - n - elen;
}

unsigned char *listpack_seek(unsigned char *lp, long long index)
{
    long long count = (long long)listpack_count(lp);
    if (index < 0)
        index += count;
    if (index < 0 || index >= count)
        return NULL;
    unsigned char *p;
    if (index <= count / 2) {
        p = listpack_first(lp);
        while (index-- > 0)
            p = listpack_next(lp, p);
    } else {
        p = listpack_last(lp);
        for (long long i = count - 1; i > index; i--)
            p = listpack_prev(lp, p);
    }
    return p;
}

const unsigned char *listpack_get(const unsigned char *p, size_t *len, long long *ival)
{
    unsigned b = p[0];
    if (b < 0x80) {
        *ival = b;
        return NULL;
    }
    if (b < 0xC0) {
        *len = b & 0x3F;
        return p + 1;
    }
    if (b < 0xE0) {
        *ival = sign_extend(((uint64_t)(b & 0x1F) << 8) | p[1], 13);
        return NULL;
    }
    if (b < 0xF0) {
        *len = ((size_t)(b & 0x0F) << 8) | p[1];
        return p + 2;
    }
    if (b == LPENTRY_STR32) {
        *len = get_u32(p + 1);
        return p + 5;
    }
    unsigned n = b == LPENTRY_INT16 ? 2 : b == LPENTRY_INT24 ? 3 : b == LPENTRY_INT32 ? 4 : 8;
    uint64_t u = 0;
    for (unsigned i = 0; i < n; i++)
        u |= (uint64_t)p[1 + i] << (8 * i);
    *ival = sign_extend(u, 8 * n);
    return NULL;
}

const char *listpack_get_str(const unsigned char *p, char *buf, size_t *len)
{
    long long v;
    const unsigned char *s = listpack_get(p, len, &v);
    if (s != NULL)
        return (const char *)s;
    *len = num_ll2str(buf, v);
    return buf;
}

bool listpack_get_int(const unsigned char *p, long long *ival)
{
    long long v;
    size_t len;
    if (listpack_get(p, &len, &v) != NULL)
        return false;
    if (ival != NULL)
        *ival = v;
    return true;
}

/* The search text pre-digested once, so a find over n entries parses it once. */
struct probe {
    const char *s;
    size_t len;
    bool is_int;
    long long v;
};

static void probe_init(struct probe *pr, const char *s, size_t len)
{
    pr->s = s;
    pr->len = len;
    pr->is_int = len <= 20 && num_str2ll(s, len, &pr->v);
}

static bool probe_match(const struct probe *pr, const unsigned char *p)
{
    size_t len;
    long long v;
    const unsigned char *s = listpack_get(p, &len, &v);
    if (s == NULL)
        return pr->is_int && v == pr->v;
    return !pr->is_int && len == pr->len && (len == 0 || memcmp(s, pr->s, len) == 0);
}

bool listpack_eq(const unsigned char *p, const char *s, size_t len)
{
    struct probe pr;
    probe_init(&pr, s, len);
    return probe_match(&pr, p);
}

unsigned char *listpack_find(unsigned char *lp, unsigned char *p, const char *s, size_t len,
                             unsigned skip)
{
    struct probe pr;
    probe_init(&pr, s, len);
    while (p != NULL) {
        if (probe_match(&pr, p))
            return p;
        for (unsigned i = 0; i <= skip && p != NULL; i++)
            p = listpack_next(lp, p);
    }
    return NULL;
}

unsigned char *listpack_append(unsigned char *lp, const char *s, size_t len)
{
    return insert_text(lp, listpack_bytes(lp) - 1, s, len);
}

unsigned char *listpack_append_int(unsigned char *lp, long long v)
{
    return insert_raw(lp, listpack_bytes(lp) - 1, true, v, NULL, 0);
}

unsigned char *listpack_insert(unsigned char *lp, unsigned char *p, enum listpack_where where,
                               const char *s, size_t len, unsigned char **newp)
{
    size_t off;
    if (p == NULL)
        off = listpack_bytes(lp) - 1;
    else if (where == LISTPACK_AFTER)
        off = (size_t)(p - lp) + entry_size(p);
    else
        off = (size_t)(p - lp);
    lp = insert_text(lp, off, s, len);
    if (newp != NULL)
        *newp = lp + off;
    return lp;
}

unsigned char *listpack_insert_at(unsigned char *lp, size_t idx, const char *s, size_t len)
{
    unsigned char *p = idx >= listpack_count(lp) ? NULL : listpack_seek(lp, (long long)idx);
    return listpack_insert(lp, p, LISTPACK_BEFORE, s, len, NULL);
}

unsigned char *listpack_delete(unsigned char *lp, unsigned char *p, size_t count,
                               unsigned char **next)
{
    size_t off = (size_t)(p - lp);
    size_t total = listpack_bytes(lp);
    size_t n = listpack_count(lp);
    unsigned char *q = p;
    size_t removed = 0;
    while (removed < count && *q != END) {
        q += entry_size(q);
        removed++;
    }
    size_t gap = (size_t)(q - p);
    memmove(p, q, total - (off + gap));
    lp = mem_realloc(lp, total - gap);
    set_header(lp, total - gap, n - removed);
    if (next != NULL)
        *next = lp[off] == END ? NULL : lp + off;
    return lp;
}

unsigned char *listpack_replace(unsigned char *lp, unsigned char **p, const char *s,
                                size_t len)
{
    size_t off = (size_t)(*p - lp);
    unsigned char *at = *p;
    size_t old = entry_size(at);
    size_t total = listpack_bytes(lp);
    size_t count = listpack_count(lp);

    /* Counters (HINCRBY, ZINCRBY) mostly keep their entry's size: overwrite in place. */
    unsigned char head[9];
    long long v;
    bool is_int = len <= 20 && num_str2ll(s, len, &v);
    size_t hlen = is_int ? lpentry_int_head(head, v) : lpentry_str_head(head, len);
    size_t elen = hlen + (is_int ? 0 : len);
    if (elen + backlen_size(elen) == old) {
        memcpy(at, head, hlen);
        if (!is_int && len > 0)
            memcpy(at + hlen, s, len);
        backlen_write(at + elen, elen);
        return lp;
    }
    /* Drop the old entry's bytes without shrinking the block: insert_raw regrows it anyway. */
    memmove(at, at + old, total - off - old);
    set_header(lp, total - old, count - 1);
    lp = insert_text(lp, off, s, len);
    *p = lp + off;
    return lp;
}
