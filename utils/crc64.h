/* utils/crc64.h: the CRC-64 that RDB files and DUMP payloads end with.
 *
 * The "Jones" polynomial 0xad93d23594c935a9, bit-reflected input and output, initial value 0
 * and no final xor: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca. Table-driven, eight bytes
 * per step; the tables are built on first use (or by crc64_init()).
 */
#ifndef KVD_UTILS_CRC64_H
#define KVD_UTILS_CRC64_H

#include <stddef.h>
#include <stdint.h>

/* Builds the lookup tables. Optional (crc64() calls it when needed); call it before forking
 * or starting threads to keep the first crc64() call cheap. */
void crc64_init(void);

/* Continues crc over p[0..len): crc64(crc64(0, a, n), b, m) == crc64(0, a||b, n + m). */
uint64_t crc64(uint64_t crc, const void *p, size_t len);

#endif
