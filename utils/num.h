/* utils/num.h: numbers to text and back, formatted and validated exactly as Redis 7.0 does.
 *
 * Every parser here is strict: the whole input must be the number, with no spaces, no '+',
 * no leading zeros (except "0" itself) for integers. Buffers are caller-provided.
 */
#ifndef KVD_UTILS_NUM_H
#define KVD_UTILS_NUM_H

#include <stdbool.h>
#include <stddef.h>

#define NUM_LL_MAXLEN 21   /* "-9223372036854775808" plus NUL */
#define NUM_D_MAXLEN 128   /* room for any num_d2str() result (and small num_ld2str ones) */
#define NUM_LD_MAXLEN 5120 /* Redis's MAX_LONG_DOUBLE_CHARS: room for any num_ld2str_cap() */

/* Writes v in decimal to dst (NUM_LL_MAXLEN bytes), NUL-terminated; returns the length. */
size_t num_ll2str(char *dst, long long v);
size_t num_ull2str(char *dst, unsigned long long v);
/* Digits in v's decimal form including a '-' sign. */
int num_ll_digits(long long v);

/* Strict decimal integer in the long long range: optional '-', no '+', no spaces, no leading
 * zeros, 1..20 digits. Returns false on anything else (including overflow). */
bool num_str2ll(const char *p, size_t len, long long *out);
/* As num_str2ll, for unsigned long long. */
bool num_str2ull(const char *p, size_t len, unsigned long long *out);
/* Redis's own string2ull (stream IDs): num_str2ll semantics (negatives refused), else
 * strtoull over the whole input, which also takes leading spaces, '+' and leading zeros
 * (and wraps "-05" to 2^64-5, as Redis does). Overflow and embedded NULs are refused. */
bool num_str2ull_lenient(const char *p, size_t len, unsigned long long *out);

/* A double as Redis parses command arguments (strtod over the whole string; no spaces,
 * rejects NaN; accepts "inf", "+inf", "-inf" case-insensitively). */
bool num_str2d(const char *p, size_t len, double *out);
/* A long double as INCRBYFLOAT and HINCRBYFLOAT parse it (strtold; no leading space; no
 * NaN; overflow and underflow-to-zero refused; length < NUM_LD_MAXLEN, i.e. <= 5119 bytes). */
bool num_str2ld(const char *p, size_t len, long double *out);

/* A double as Redis 7.0 replies with it (addReplyDouble: RESP2 bulk body and RESP3 ','
 * body, zset scores, ZINCRBY): "inf", "-inf", "nan", otherwise exactly printf "%.17g"
 * (verified against redis-server 7.0.15): 1.5 -> "1.5", 0.1 -> "0.10000000000000001",
 * 3.0 -> "3", 1e20 -> "1e+20", 1e-5 -> "1.0000000000000001e-05", -0.0 -> "-0",
 * 12345678901234567890.0 -> "1.2345678901234567e+19". Not the shortest round-trip form
 * (that is 7.2). Returns the length; dst needs NUM_D_MAXLEN bytes. */
size_t num_d2str(char *dst, double v);
/* A long double as INCRBYFLOAT / HINCRBYFLOAT store and reply it (Redis ld2string in
 * LD_STR_HUMAN mode): "%.17Lf" with trailing zeros (and a trailing '.') removed, "-0" turned
 * into "0"; so 10.5+0.1 -> "10.6", 3.0e3 -> "3000", 1e-20 -> "0", and 1e300 -> all ~300
 * integer digits of the long double. Large values need up to NUM_LD_MAXLEN bytes: command
 * code must use num_ld2str_cap(dst, NUM_LD_MAXLEN, v). num_ld2str writes at most
 * NUM_D_MAXLEN bytes and returns 0 (dst "") if the text does not fit (|v| >= ~1e110).
 * Returns 0 for NaN; inf gives "inf"/"-inf" (callers reject both before). */
size_t num_ld2str(char *dst, long double v);
/* As num_ld2str with a dst of cap bytes; returns 0 (dst "" if cap > 0) when it does not fit. */
size_t num_ld2str_cap(char *dst, size_t cap, long double v);

#endif
