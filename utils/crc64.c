/* utils/crc64.c: CRC-64/Jones, bit-reflected, for RDB and DUMP checksums.
 *
 * Knows nothing of RDB; storage/ calls it over the bytes it writes or reads.
 * Slice-by-8: table[0] is the classic byte-at-a-time table of the reflected polynomial, and
 * table[k][b] is the CRC of byte b followed by k zero bytes, so eight input bytes fold into
 * the register with eight lookups and no per-bit work. Start at crc64().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "utils/crc64.h"

#include <stdbool.h>
#include <string.h>

/* 0xad93d23594c935a9 with its 64 bits reversed (the register shifts right). */
#define CRC64_POLY_REFLECTED 0x95ac9329ac4bc9b5ULL

static uint64_t table[8][256];
static bool table_ready;

void crc64_init(void)
{
    if (table_ready)
        return;
    for (int b = 0; b < 256; b++) {
        uint64_t r = (uint64_t)b;
        for (int i = 0; i < 8; i++)
            r = (r & 1) ? (r >> 1) ^ CRC64_POLY_REFLECTED : r >> 1;
        table[0][b] = r;
    }
    for (int b = 0; b < 256; b++)
        for (int k = 1; k < 8; k++)
            table[k][b] = (table[k - 1][b] >> 8) ^ table[0][table[k - 1][b] & 0xff];
    table_ready = true;
}

uint64_t crc64(uint64_t crc, const void *p, size_t len)
{
    const unsigned char *s = p;
    crc64_init();
    /* the 8-byte step reads the input as little-endian words */
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = __builtin_bswap64(w);
#endif
        crc ^= w;
        crc = table[7][crc & 0xff] ^ table[6][(crc >> 8) & 0xff] ^ table[5][(crc >> 16) & 0xff] ^
              table[4][(crc >> 24) & 0xff] ^ table[3][(crc >> 32) & 0xff] ^
              table[2][(crc >> 40) & 0xff] ^ table[1][(crc >> 48) & 0xff] ^ table[0][crc >> 56];
        s += 8;
        len -= 8;
    }
    while (len--)
        crc = table[0][(crc ^ *s++) & 0xff] ^ (crc >> 8);
    return crc;
}
