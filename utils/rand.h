/* utils/rand.h: a small fast PRNG (xoshiro-style) and hashing of byte strings.
 *
 * Not cryptographic. The process seeds both from /dev/urandom at startup so hash-flooding
 * needs the seed; tests can fix the seed.
 */
#ifndef KVD_UTILS_RAND_H
#define KVD_UTILS_RAND_H

#include <stddef.h>
#include <stdint.h>

/* Seeds the generator and the hash from /dev/urandom (or the clock if unavailable). */
void rand_seed_auto(void);
void rand_seed(uint64_t seed);
uint64_t rand_u64(void);
/* Uniform in [0, n) for n > 0. */
uint64_t rand_below(uint64_t n);
/* Fills dst with n random lowercase hex characters (no NUL added). */
void rand_hex(char *dst, size_t n);

/* Seeded 64-bit hash of p[0..len); nocase folds ASCII letters. */
uint64_t hash_bytes(const void *p, size_t len);
uint64_t hash_bytes_nocase(const void *p, size_t len);
void hash_set_seed(uint64_t seed);

#endif
