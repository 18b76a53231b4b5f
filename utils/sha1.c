/* utils/sha1.c: SHA-1 as specified in FIPS 180-4, streaming.
 *
 * Owns only the digest arithmetic; callers choose what to hash (DEBUG DIGEST, script ids).
 * Not for security: SHA-1 is kept because Redis exposes SHA-1 values to clients.
 * Start at sha1_update(); sha1_hex() is the one-shot form most callers want.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "utils/sha1.h"

#include <string.h>

static uint32_t rol32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

/* Big-endian word loads from bytes, so the digest is the same on any host. */
static uint32_t load_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* One 64-byte block: the 80-round compression with its message schedule kept in a rolling
 * 16-word window instead of the full 80 words. */
static void compress(uint32_t h[5], const unsigned char *block)
{
    uint32_t w[16];
    for (int i = 0; i < 16; i++)
        w[i] = load_be32(block + 4 * i);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; t++) {
        if (t >= 16) {
            uint32_t x = w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15];
            w[t & 15] = rol32(x, 1);
        }
        uint32_t f, k;
        if (t < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999u;
        } else if (t < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1u;
        } else if (t < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdcu;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6u;
        }
        uint32_t tmp = rol32(a, 5) + f + e + k + w[t & 15];
        e = d;
        d = c;
        c = rol32(b, 30);
        b = a;
        a = tmp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void sha1_init(struct sha1 *s)
{
    s->h[0] = 0x67452301u;
    s->h[1] = 0xefcdab89u;
    s->h[2] = 0x98badcfeu;
    s->h[3] = 0x10325476u;
    s->h[4] = 0xc3d2e1f0u;
    s->total = 0;
    s->fill = 0;
}

void sha1_update(struct sha1 *s, const void *p, size_t len)
{
    const unsigned char *in = p;
    s->total += len;
    if (s->fill > 0) {
        size_t take = 64 - s->fill;
        if (take > len)
            take = len;
        memcpy(s->block + s->fill, in, take);
        s->fill += take;
        in += take;
        len -= take;
        if (s->fill < 64)
            return;
        compress(s->h, s->block);
        s->fill = 0;
    }
    /* Whole blocks straight from the input: no copy on the bulk path. */
    while (len >= 64) {
        compress(s->h, in);
        in += 64;
        len -= 64;
    }
    if (len > 0) {
        memcpy(s->block, in, len);
        s->fill = len;
    }
}

void sha1_final(struct sha1 *s, unsigned char out[20])
{
    uint64_t bits = s->total * 8;
    unsigned char pad[72];
    /* 0x80, zeros up to 56 mod 64, then the 64-bit big-endian bit count. */
    size_t padlen = (s->fill < 56 ? 56 : 120) - s->fill;
    memset(pad, 0, sizeof(pad));
    pad[0] = 0x80;
    for (int i = 0; i < 8; i++)
        pad[padlen + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    sha1_update(s, pad, padlen + 8);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (unsigned char)(s->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)s->h[i];
    }
}

void sha1_hex(const void *p, size_t len, char hex[41])
{
    static const char digits[] = "0123456789abcdef";
    struct sha1 s;
    unsigned char d[20];
    sha1_init(&s);
    sha1_update(&s, p, len);
    sha1_final(&s, d);
    for (int i = 0; i < 20; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[40] = '\0';
}
