/* utils/rand.c: the process PRNG (xoshiro256**) and the seeded byte-string hash.
 *
 * Owns two pieces of global state: the generator's 256-bit state and the hash seed. Both
 * start from fixed values so unit tests are reproducible; the server calls rand_seed_auto()
 * once at startup. Knows nothing of keys or tables: dict.c decides how to use the bits.
 * Start at hash_bytes() (the hot path) and rand_u64().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "utils/rand.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------------------ */

static inline uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/* splitmix64 step: spreads a (possibly poor) seed over the xoshiro state, and doubles as
 * the hash's final avalanche (every input bit affects every output bit). */
static inline uint64_t splitmix_next(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t avalanche(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ---- PRNG: xoshiro256** ------------------------------------------------------------- */

static uint64_t rng[4] = {
    0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL, 0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL,
};

void rand_seed(uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        rng[i] = splitmix_next(&x);
    /* splitmix output is a bijection of distinct counters, so all four words can't be 0,
     * but keep the invariant explicit: an all-zero xoshiro state only ever yields zeros. */
    if ((rng[0] | rng[1] | rng[2] | rng[3]) == 0)
        rng[0] = 1;
}

uint64_t rand_u64(void)
{
    uint64_t result = rotl64(rng[1] * 5, 7) * 9;
    uint64_t t = rng[1] << 17;
    rng[2] ^= rng[0];
    rng[3] ^= rng[1];
    rng[1] ^= rng[2];
    rng[0] ^= rng[3];
    rng[2] ^= t;
    rng[3] = rotl64(rng[3], 45);
    return result;
}

uint64_t rand_below(uint64_t n)
{
    if (n <= 1)
        return 0;
    /* Multiply-high mapping with rejection of the short end: exactly uniform, and usually
     * no division at all. */
    unsigned __int128 m = (unsigned __int128)rand_u64() * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = (0 - n) % n; /* 2^64 mod n */
        while (low < threshold) {
            m = (unsigned __int128)rand_u64() * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

void rand_hex(char *dst, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    uint64_t bits = 0;
    int left = 0;
    for (size_t i = 0; i < n; i++) {
        if (left == 0) {
            bits = rand_u64();
            left = 16;
        }
        dst[i] = digits[bits & 15];
        bits >>= 4;
        left--;
    }
}

/* ---- hashing ------------------------------------------------------------------------ */

static uint64_t hash_seed = 0x8f3a6c1d52e9b047ULL;

void hash_set_seed(uint64_t seed)
{
    hash_seed = seed;
}

static bool read_urandom(void *dst, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)dst + got, n - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    return got == n;
}

void rand_seed_auto(void)
{
    uint64_t seeds[2];
    if (!read_urandom(seeds, sizeof(seeds))) {
        /* No /dev/urandom (odd chroot): clocks and pid are weak but differ per run. */
        struct timespec a, b;
        clock_gettime(CLOCK_REALTIME, &a);
        clock_gettime(CLOCK_MONOTONIC, &b);
        uint64_t x = (uint64_t)a.tv_sec * 1000000000ULL + (uint64_t)a.tv_nsec;
        x ^= rotl64((uint64_t)b.tv_nsec, 32) ^ ((uint64_t)getpid() << 16);
        seeds[0] = splitmix_next(&x);
        seeds[1] = splitmix_next(&x);
    }
    rand_seed(seeds[0]);
    hash_set_seed(seeds[1]);
}

/* Little-endian loads assembled from bytes: alignment-free and the same hash on any host.
 * Compilers turn these into single loads on x86-64 and arm64. */
static inline uint64_t load64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

/* The 0..7 trailing bytes as a little-endian word (zero-extended). */
static inline uint64_t load_tail(const unsigned char *p, size_t n)
{
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)p[i] << (8 * i);
    return w;
}

/* Lowercases the ASCII letters A-Z in all eight bytes of w at once; other bytes (including
 * 0x80..0xff) are untouched. Per byte: bit 7 set in (b&0x7f)+0x3f iff b&0x7f >= 'A', in
 * (b&0x7f)+0x25 iff b&0x7f > 'Z'; neither addition can carry into the next byte. */
static inline uint64_t fold_word(uint64_t w)
{
    const uint64_t ones7 = 0x7f7f7f7f7f7f7f7fULL;
    const uint64_t high = 0x8080808080808080ULL;
    uint64_t low7 = w & ones7;
    uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3fULL;
    uint64_t gt_z = low7 + 0x2525252525252525ULL;
    uint64_t upper = (ge_a ^ gt_z) & ~w & high;
    return w | (upper >> 2);
}

/* Multiplies two 64-bit words to 128 bits and folds the halves: every input bit reaches
 * the middle output bits, and the seed-dependent keys stop a zero word from wiping state. */
static inline uint64_t fold_mul(uint64_t a, uint64_t b)
{
    unsigned __int128 m = (unsigned __int128)a * b;
    return (uint64_t)m ^ (uint64_t)(m >> 64);
}

#define HASH_K0 0xa0761d6478bd642fULL
#define HASH_K1 0xe7037ed1a0b428dbULL
#define HASH_K2 0x8ebc6af09c88c6e3ULL

/* 16 bytes per step as two lanes combined by a 128-bit multiply, then a splitmix
 * avalanche at the end so the low bits (the bucket index) depend on every input byte.
 * The length is mixed in first, so "a" and "a\0" differ. */
static inline uint64_t hash_impl(const unsigned char *p, size_t len, bool nocase)
{
    uint64_t h = hash_seed ^ fold_mul(hash_seed ^ HASH_K0, (uint64_t)len ^ HASH_K1);
    size_t n = len;
    while (n >= 16) {
        uint64_t a = load64(p), b = load64(p + 8);
        if (nocase) {
            a = fold_word(a);
            b = fold_word(b);
        }
        h = fold_mul(a ^ h ^ HASH_K1, b ^ HASH_K2 ^ rotl64(h, 29));
        p += 16;
        n -= 16;
    }
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        a = load64(p);
        b = load_tail(p + 8, n - 8);
    } else {
        a = load_tail(p, n);
    }
    if (nocase) {
        a = fold_word(a);
        b = fold_word(b);
    }
    h = fold_mul(a ^ h ^ HASH_K1, b ^ HASH_K2 ^ rotl64(h, 29));
    return avalanche(h ^ HASH_K0 ^ (uint64_t)len);
}

uint64_t hash_bytes(const void *p, size_t len)
{
    return hash_impl(p, len, false);
}

uint64_t hash_bytes_nocase(const void *p, size_t len)
{
    return hash_impl(p, len, true);
}
