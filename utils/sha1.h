/* utils/sha1.h: SHA-1 (for DEBUG DIGEST and, later, script ids). */
#ifndef KVD_UTILS_SHA1_H
#define KVD_UTILS_SHA1_H

#include <stddef.h>
#include <stdint.h>

struct sha1 {
    uint32_t h[5];
    uint64_t total; /* bytes fed so far */
    unsigned char block[64];
    size_t fill;    /* bytes in block */
};

void sha1_init(struct sha1 *s);
void sha1_update(struct sha1 *s, const void *p, size_t len);
void sha1_final(struct sha1 *s, unsigned char out[20]);
/* 40 lowercase hex characters plus NUL into hex. */
void sha1_hex(const void *p, size_t len, char hex[41]);

#endif
