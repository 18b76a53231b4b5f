/* storage/rdb_pack.c: Redis's listpack, ziplist, zipmap and intset byte layouts.
 *
 * Owns the exact bytes Redis 7.0 expects inside RDB values (the listpack writer) and the
 * validating walkers for every packed blob an RDB up to version 10 may carry. Pure byte work:
 * knows nothing of objects, keys or files; rdb_load.c decides what to build from the elements.
 * Start at rdb_lpw_append() (writing) and rdb_lp_walk() (reading).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/rdb_pack.h"

#include <string.h>

#include "storage/lpentry.h"
#include "utils/num.h"

#define LP_HDR 6
#define LP_EOF 0xFF
#define LP_COUNT_UNKNOWN 65535
#define ZL_HDR 10
#define ZL_COUNT_UNKNOWN 65535

/* ---- listpack writer --------------------------------------------------------------------- */

/* Tag (and, for an integer, its payload) of one element into hdr (9 bytes); returns the
 * tag's size and sets *is_int: strict decimal integers are stored as integers, as Redis does. */
static uint8_t lp_encode_head(const char *p, size_t len, unsigned char *hdr, bool *is_int)
{
    long long v;
    *is_int = len <= 20 && num_str2ll(p, len, &v);
    return *is_int ? lpentry_int_head(hdr, v) : lpentry_str_head(hdr, len);
}

size_t rdb_lpw_entry_size(const char *p, size_t len)
{
    unsigned char hdr[9];
    bool is_int;
    size_t l = (size_t)lp_encode_head(p, len, hdr, &is_int) + (is_int ? 0 : len);
    return l + (size_t)lpentry_backlen_size(l);
}

void rdb_lpw_init(struct rdb_lpw *w)
{
    buf_init(&w->b);
    rdb_lpw_reset(w);
}

void rdb_lpw_deinit(struct rdb_lpw *w)
{
    buf_deinit(&w->b);
}

void rdb_lpw_reset(struct rdb_lpw *w)
{
    buf_clear(&w->b);
    unsigned char hdr[LP_HDR] = {0};
    buf_append(&w->b, hdr, LP_HDR);
    w->count = 0;
}

void rdb_lpw_append(struct rdb_lpw *w, const char *p, size_t len)
{
    unsigned char hdr[9], back[5];
    bool is_int;
    int hl = lp_encode_head(p, len, hdr, &is_int);
    uint64_t l = (uint64_t)hl + (is_int ? 0 : len);
    int bl = lpentry_backlen_size(l);
    lpentry_backlen_write(back, l, bl);
    buf_append(&w->b, hdr, (size_t)hl);
    if (!is_int && len > 0)
        buf_append(&w->b, p, len);
    buf_append(&w->b, back, (size_t)bl);
    w->count++;
}

const unsigned char *rdb_lpw_finish(struct rdb_lpw *w, size_t *len)
{
    unsigned char eof = LP_EOF;
    buf_append(&w->b, &eof, 1);
    unsigned char *p = (unsigned char *)buf_head(&w->b);
    lpentry_put_le(p, w->b.len, 4);
    lpentry_put_le(p + 4, w->count < LP_COUNT_UNKNOWN ? w->count : LP_COUNT_UNKNOWN, 2);
    *len = w->b.len;
    return p;
}

/* ---- listpack reader --------------------------------------------------------------------- */

#define FAIL(msg)        \
    do {                 \
        *why = (msg);    \
        return false;    \
    } while (0)

/* Hands an integer element to fn as text. */
static bool emit_int(rdb_elem_fn *fn, void *ud, long long v, const char **why)
{
    char b[NUM_LL_MAXLEN];
    size_t n = num_ll2str(b, v);
    if (!fn(ud, b, n))
        FAIL(NULL);
    return true;
}

static bool emit_str(rdb_elem_fn *fn, void *ud, const unsigned char *p, size_t len,
                     const char **why)
{
    if (!fn(ud, (const char *)p, len))
        FAIL(NULL);
    return true;
}

bool rdb_lp_walk(const unsigned char *p, size_t len, rdb_elem_fn *fn, void *ud, size_t *n_out,
                 const char **why)
{
    size_t want, n = 0, off = LP_HDR, end = len - 1;
    if (!lpentry_blob_open(p, len, &want, why))
        return false;
    while (off < end) {
        struct lpentry e;
        if (!lpentry_check(p + off, end - off, &e, why))
            return false;
        if (e.p == NULL ? !emit_int(fn, ud, e.v, why) : !emit_str(fn, ud, e.p, e.len, why))
            return false;
        n++;
        off += e.size;
    }
    if (want != LP_COUNT_UNKNOWN && want != n)
        FAIL("listpack element count mismatch");
    if (n_out != NULL)
        *n_out = n;
    return true;
}

/* ---- ziplist reader ---------------------------------------------------------------------- */

bool rdb_zl_walk(const unsigned char *p, size_t len, rdb_elem_fn *fn, void *ud, size_t *n_out,
                 const char **why)
{
    if (len < ZL_HDR + 1)
        FAIL("ziplist shorter than its header");
    if (lpentry_get_le(p, 4) != len)
        FAIL("ziplist total bytes do not match the blob length");
    if (p[len - 1] != 0xFF)
        FAIL("ziplist terminator missing");
    size_t tail = (size_t)lpentry_get_le(p + 4, 4), want = (size_t)lpentry_get_le(p + 8, 2);
    size_t off = ZL_HDR, end = len - 1, n = 0, prev_size = 0, last = ZL_HDR;
    while (off < end) {
        const unsigned char *e = p + off;
        size_t avail = end - off, pl, prevlen;
        if (e[0] < 254) {
            pl = 1;
            prevlen = e[0];
        } else if (e[0] == 254) {
            pl = 5;
            if (avail < 5)
                FAIL("ziplist entry past the end");
            prevlen = (size_t)lpentry_get_le(e + 1, 4);
        } else {
            FAIL("ziplist terminator inside the entries");
        }
        if (prevlen != prev_size)
            FAIL("ziplist prevlen does not match the previous entry");
        if (avail < pl + 1)
            FAIL("ziplist entry past the end");
        unsigned char enc = e[pl];
        size_t el, dl = 0;
        bool is_int = true;
        long long v = 0;
        if (enc < 0xC0) {
            is_int = false;
            switch (enc >> 6) {
            case 0:
                el = 1;
                dl = enc & 0x3F;
                break;
            case 1:
                el = 2;
                if (avail < pl + 2)
                    FAIL("ziplist entry past the end");
                dl = ((size_t)(enc & 0x3F) << 8) | e[pl + 1];
                break;
            default:
                el = 5;
                if (avail < pl + 5)
                    FAIL("ziplist entry past the end");
                dl = ((size_t)e[pl + 1] << 24) | ((size_t)e[pl + 2] << 16) |
                     ((size_t)e[pl + 3] << 8) | e[pl + 4];
                break;
            }
        } else {
            el = 1;
            int nb;
            switch (enc) {
            case 0xC0: nb = 2; break;
            case 0xD0: nb = 4; break;
            case 0xE0: nb = 8; break;
            case 0xF0: nb = 3; break;
            case 0xFE: nb = 1; break;
            default:
                if (enc >= 0xF1 && enc <= 0xFD) {
                    nb = 0;
                    v = (enc & 0x0F) - 1;
                    break;
                }
                FAIL("ziplist entry with an invalid encoding");
            }
            dl = (size_t)nb;
            if (nb > 0) {
                if (avail < pl + el + dl)
                    FAIL("ziplist entry past the end");
                uint64_t u = lpentry_get_le(e + pl + el, nb);
                if (nb < 8 && (u >> (8 * nb - 1)) & 1)
                    u |= ~(uint64_t)0 << (8 * nb);
                v = (long long)u;
            }
        }
        if (dl > avail || pl + el + dl > avail)
            FAIL("ziplist entry past the end");
        if (is_int ? !emit_int(fn, ud, v, why) : !emit_str(fn, ud, e + pl + el, dl, why))
            return false;
        last = off;
        prev_size = pl + el + dl;
        off += prev_size;
        n++;
    }
    if (tail != last)
        FAIL("ziplist tail offset is wrong");
    if (want != ZL_COUNT_UNKNOWN && want != n)
        FAIL("ziplist element count mismatch");
    if (n_out != NULL)
        *n_out = n;
    return true;
}

/* ---- zipmap reader ----------------------------------------------------------------------- */

/* A zipmap length: one byte below 254, or 254 then a 4-byte (little-endian) length. */
static bool zm_len(const unsigned char *p, size_t end, size_t *off, size_t *out)
{
    if (*off >= end)
        return false;
    unsigned char b = p[*off];
    if (b < 254) {
        *out = b;
        *off += 1;
        return true;
    }
    if (b == 255 || end - *off < 5)
        return false;
    *out = (size_t)lpentry_get_le(p + *off + 1, 4);
    *off += 5;
    return true;
}

bool rdb_zipmap_walk(const unsigned char *p, size_t len, rdb_elem_fn *fn, void *ud,
                     size_t *n_out, const char **why)
{
    if (len < 2)
        FAIL("zipmap shorter than its header");
    if (p[len - 1] != 0xFF)
        FAIL("zipmap terminator missing");
    size_t want = p[0], off = 1, end = len - 1, pairs = 0;
    while (off < end) {
        size_t kl, vl;
        if (!zm_len(p, end, &off, &kl) || kl > end - off)
            FAIL("zipmap key past the end");
        if (!emit_str(fn, ud, p + off, kl, why))
            return false;
        off += kl;
        if (!zm_len(p, end, &off, &vl) || off >= end)
            FAIL("zipmap value past the end");
        size_t free_bytes = p[off++];
        if (vl > end - off || free_bytes > end - off - vl)
            FAIL("zipmap value past the end");
        if (!emit_str(fn, ud, p + off, vl, why))
            return false;
        off += vl + free_bytes;
        pairs++;
    }
    if (want < 254 && want != pairs)
        FAIL("zipmap pair count mismatch");
    if (n_out != NULL)
        *n_out = pairs;
    return true;
}

/* ---- intset reader ----------------------------------------------------------------------- */

bool rdb_intset_walk(const unsigned char *p, size_t len, rdb_elem_fn *fn, void *ud,
                     size_t *n_out, const char **why)
{
    if (len < 8)
        FAIL("intset shorter than its header");
    uint64_t w = lpentry_get_le(p, 4), n = lpentry_get_le(p + 4, 4);
    if (w != 2 && w != 4 && w != 8)
        FAIL("intset with an invalid encoding");
    if (n * w + 8 != len)
        FAIL("intset length does not match the blob length");
    long long prev = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t u = lpentry_get_le(p + 8 + i * w, (int)w);
        if (w < 8 && (u >> (8 * w - 1)) & 1)
            u |= ~(uint64_t)0 << (8 * w);
        long long v = (long long)u;
        if (i > 0 && v <= prev)
            FAIL("intset elements not strictly ascending");
        prev = v;
        if (!emit_int(fn, ud, v, why))
            return false;
    }
    if (n_out != NULL)
        *n_out = (size_t)n;
    return true;
}
