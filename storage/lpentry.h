/* storage/lpentry.h: one listpack entry in Redis 7.0's byte form.
 *
 * An entry is a tag byte (a small integer or a short length may be folded into it), the
 * payload, then its "back length": the size of tag + payload in 1..5 groups of 7 bits, the
 * lowest group in the last byte, every byte but the leftmost flagged 0x80, so a reader
 * starting at the entry's last byte finds where it begins. The back length's size follows
 * Redis's thresholds (one below each power of 128 already takes the next size): a list node
 * (storage/list.c) is byte for byte a listpack body, and RDB listpacks (storage/rdb_pack.c)
 * must read back in Redis. Knows nothing of lists, RDB files or allocation; header only so
 * the list hot path inlines it.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef KVD_STORAGE_LPENTRY_H
#define KVD_STORAGE_LPENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LPENTRY_STR6 0x80  /* 10llllll: string of 0..63 bytes */
#define LPENTRY_INT13 0xC0 /* 110vvvvv + 1 byte: 13-bit signed integer */
#define LPENTRY_STR12 0xE0 /* 1110llll + 1 byte: string of up to 4095 bytes */
#define LPENTRY_STR32 0xF0 /* + 4-byte length */
#define LPENTRY_INT16 0xF1
#define LPENTRY_INT24 0xF2
#define LPENTRY_INT32 0xF3
#define LPENTRY_INT64 0xF4

static inline void lpentry_put_le(unsigned char *o, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        o[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t lpentry_get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Bytes of the back length of an entry whose tag + payload take l bytes. */
static inline uint8_t lpentry_backlen_size(uint64_t l)
{
    if (l < 128)
        return 1;
    if (l < 16383)
        return 2;
    if (l < 2097151)
        return 3;
    if (l < 268435455)
        return 4;
    return 5;
}

/* Writes the back length of l into out[0..n), n = lpentry_backlen_size(l). */
static inline void lpentry_backlen_write(unsigned char *out, uint64_t l, uint8_t n)
{
    for (uint8_t i = 0; i < n; i++)
        out[n - 1 - i] = (unsigned char)(((l >> (7 * i)) & 0x7F) | (i + 1 < n ? 0x80 : 0));
}

/* Tag and payload of the integer v into out (9 bytes at most); returns their size. */
static inline uint8_t lpentry_int_head(unsigned char *out, long long v)
{
    if (v >= 0 && v <= 127) {
        out[0] = (unsigned char)v;
        return 1;
    }
    if (v >= -4096 && v <= 4095) {
        unsigned u = (unsigned)v & 0x1FFF;
        out[0] = (unsigned char)(LPENTRY_INT13 | (u >> 8));
        out[1] = (unsigned char)(u & 0xFF);
        return 2;
    }
    int n;
    if (v >= INT16_MIN && v <= INT16_MAX) {
        out[0] = LPENTRY_INT16;
        n = 2;
    } else if (v >= -8388608 && v <= 8388607) {
        out[0] = LPENTRY_INT24;
        n = 3;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        out[0] = LPENTRY_INT32;
        n = 4;
    } else {
        out[0] = LPENTRY_INT64;
        n = 8;
    }
    lpentry_put_le(out + 1, (uint64_t)v, n);
    return (uint8_t)(1 + n);
}

/* Tag (and length) of a string of len bytes into out (5 bytes at most); returns its size. */
static inline uint8_t lpentry_str_head(unsigned char *out, size_t len)
{
    if (len < 64) {
        out[0] = (unsigned char)(LPENTRY_STR6 | len);
        return 1;
    }
    if (len < 4096) {
        out[0] = (unsigned char)(LPENTRY_STR12 | (len >> 8));
        out[1] = (unsigned char)(len & 0xFF);
        return 2;
    }
    out[0] = LPENTRY_STR32;
    lpentry_put_le(out + 1, len, 4);
    return 5;
}

/* Checks a whole listpack's frame: at least its 6-byte header and terminator, the header's
 * total equal to len, the 0xFF terminator. *count gets the header's count (65535: unknown).
 * False with *why (a static string). */
static inline bool lpentry_blob_open(const unsigned char *lp, size_t len, size_t *count,
                                     const char **why)
{
    if (len < 7) {
        *why = "listpack shorter than its header";
        return false;
    }
    if (lpentry_get_le(lp, 4) != len) {
        *why = "listpack total bytes do not match the blob length";
        return false;
    }
    if (lp[len - 1] != 0xFF) {
        *why = "listpack terminator missing";
        return false;
    }
    *count = (size_t)lpentry_get_le(lp + 4, 2);
    return true;
}

/* One checked entry: a string (p, len) or an integer (p NULL, v). */
struct lpentry {
    const unsigned char *p;
    size_t len;
    long long v;
    size_t size; /* tag + payload + back length */
};

/* Checks the entry at e, of which avail bytes may be read: a known tag, tag and payload and
 * back length within avail, the back length exactly the one its size gives. Fills *out and
 * returns true, or returns false with *why (a static string). */
static inline bool lpentry_check(const unsigned char *e, size_t avail, struct lpentry *out,
                                 const char **why)
{
    unsigned char b = e[0];
    size_t hl, dl = 0;
    int nb = 0;
    bool is_str = false;
    out->p = NULL;
    out->v = 0;
    if (b < 0x80) {
        hl = 1;
        out->v = b;
    } else if ((b & 0xC0) == LPENTRY_STR6) {
        hl = 1;
        dl = b & 0x3F;
        is_str = true;
    } else if ((b & 0xE0) == LPENTRY_INT13) {
        hl = 2;
    } else if ((b & 0xF0) == LPENTRY_STR12) {
        hl = 2;
        is_str = true;
    } else if (b == LPENTRY_STR32) {
        hl = 5;
        is_str = true;
    } else if (b >= LPENTRY_INT16 && b <= LPENTRY_INT64) {
        static const int widths[] = {2, 3, 4, 8};
        nb = widths[b - LPENTRY_INT16];
        hl = 1 + (size_t)nb;
    } else {
        *why = "listpack entry with an invalid encoding";
        return false;
    }
    if (avail < hl) {
        *why = "listpack entry past the end";
        return false;
    }
    if ((b & 0xE0) == LPENTRY_INT13) {
        unsigned u = ((unsigned)(b & 0x1F) << 8) | e[1];
        out->v = u >= 4096 ? (long long)u - 8192 : (long long)u;
    } else if ((b & 0xF0) == LPENTRY_STR12) {
        dl = ((size_t)(b & 0x0F) << 8) | e[1];
    } else if (b == LPENTRY_STR32) {
        dl = (size_t)lpentry_get_le(e + 1, 4);
    } else if (nb > 0) {
        uint64_t u = lpentry_get_le(e + 1, nb);
        if (nb < 8 && (u >> (8 * nb - 1)) & 1)
            u |= ~(uint64_t)0 << (8 * nb); /* sign-extend */
        out->v = (long long)u;
    }
    if (dl > avail || hl + dl > avail) {
        *why = "listpack entry past the end";
        return false;
    }
    size_t l = hl + dl;
    uint8_t bl = lpentry_backlen_size(l);
    if (bl > avail - l) {
        *why = "listpack entry past the end";
        return false;
    }
    unsigned char want[5];
    lpentry_backlen_write(want, l, bl);
    for (uint8_t i = 0; i < bl; i++) {
        if (e[l + i] != want[i]) {
            *why = "listpack entry back length mismatch";
            return false;
        }
    }
    if (is_str) {
        out->p = e + hl;
        out->len = dl;
    }
    out->size = l + bl;
    return true;
}

#endif
