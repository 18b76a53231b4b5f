/* utils/lzf.c: LZF compressor and decompressor, written from the format description.
 *
 * Owns only the byte format documented in lzf.h; knows nothing of lists, RDB or allocation.
 * The compressor is a greedy single pass: a small hash table remembers where each 3-byte
 * sequence was last seen, and a match found within the 8 KB window becomes a back
 * reference. Start at lzf_compress(); lzf_decompress() checks every bound before it copies.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "utils/lzf.h"

#include <stdint.h>
#include <string.h>

#define LZF_HASH_BITS 13
#define LZF_MAX_LIT 32              /* longest literal run one control byte can carry */
#define LZF_MAX_OFF (1u << 13)      /* back references reach at most this far */
#define LZF_MAX_REF (7 + 255 + 2)   /* longest back reference */

static inline uint32_t lzf_hash(const unsigned char *p)
{
    uint32_t v = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
    return (v * 2654435761u) >> (32 - LZF_HASH_BITS);
}

size_t lzf_compress(const void *in_, size_t in_len, void *out_, size_t out_cap)
{
    const unsigned char *in = in_;
    unsigned char *out = out_;
    /* Positions are stored plus one so that a zeroed table means "never seen". */
    uint32_t table[1u << LZF_HASH_BITS];
    if (in_len == 0 || out_cap == 0 || in_len > UINT32_MAX - 1)
        return 0;
    memset(table, 0, sizeof(table));

    size_t ip = 0, op = 0;
    size_t ctrl = op++; /* control byte of the literal run being built */
    size_t lit = 0;

    while (ip < in_len) {
        if (ip + 2 < in_len) {
            uint32_t h = lzf_hash(in + ip);
            size_t ref = table[h];
            table[h] = (uint32_t)(ip + 1);
            if (ref != 0) {
                ref--;
                size_t off = ip - ref - 1;
                if (off < LZF_MAX_OFF && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] &&
                    in[ref + 2] == in[ip + 2]) {
                    size_t max = in_len - ip;
                    if (max > LZF_MAX_REF)
                        max = LZF_MAX_REF;
                    size_t len = 3;
                    while (len < max && in[ref + len] == in[ip + len])
                        len++;
                    /* Close the pending literal run, or drop its unused control byte. */
                    if (lit > 0)
                        out[ctrl] = (unsigned char)(lit - 1);
                    else
                        op--;
                    size_t l = len - 2;
                    /* Reference (2 or 3 bytes) plus the next run's control byte. */
                    if (op + (l >= 7 ? 3 : 2) + 1 > out_cap)
                        return 0;
                    if (l < 7) {
                        out[op++] = (unsigned char)((l << 5) | (off >> 8));
                    } else {
                        out[op++] = (unsigned char)((7u << 5) | (off >> 8));
                        out[op++] = (unsigned char)(l - 7);
                    }
                    out[op++] = (unsigned char)(off & 0xFF);
                    ctrl = op++;
                    lit = 0;
                    /* Remember the positions inside the match so later repeats find them. */
                    size_t end = ip + len;
                    for (size_t p = ip + 1; p < end && p + 2 < in_len; p++)
                        table[lzf_hash(in + p)] = (uint32_t)(p + 1);
                    ip = end;
                    continue;
                }
            }
        }
        if (op >= out_cap)
            return 0;
        out[op++] = in[ip++];
        if (++lit == LZF_MAX_LIT) {
            out[ctrl] = (unsigned char)(lit - 1);
            if (ip < in_len) {
                if (op >= out_cap)
                    return 0;
                ctrl = op++;
            } else {
                ctrl = SIZE_MAX;
            }
            lit = 0;
        }
    }
    if (lit > 0)
        out[ctrl] = (unsigned char)(lit - 1);
    else if (ctrl != SIZE_MAX)
        op--; /* a reserved control byte with no literals after it */
    return op;
}

size_t lzf_decompress(const void *in_, size_t in_len, void *out_, size_t out_cap)
{
    const unsigned char *in = in_;
    unsigned char *out = out_;
    size_t ip = 0, op = 0;
    while (ip < in_len) {
        unsigned c = in[ip++];
        if (c < 32) {
            size_t n = (size_t)c + 1;
            if (n > in_len - ip || n > out_cap - op)
                return 0;
            memcpy(out + op, in + ip, n);
            ip += n;
            op += n;
        } else {
            size_t len = c >> 5;
            if (len == 7) {
                if (ip >= in_len)
                    return 0;
                len += in[ip++];
            }
            if (ip >= in_len)
                return 0;
            size_t back = (((size_t)(c & 31) << 8) | in[ip++]) + 1;
            len += 2;
            if (back > op || len > out_cap - op)
                return 0;
            /* Byte by byte: the source may overlap what is being written (runs). */
            unsigned char *d = out + op;
            const unsigned char *s = d - back;
            for (size_t i = 0; i < len; i++)
                d[i] = s[i];
            op += len;
        }
    }
    return op;
}
