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
#define NUM_D_MAXLEN 128   /* room for any formatted double / long double */

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

/* A double as Redis parses command arguments (strtod over the whole string; no spaces,
 * rejects NaN; accepts "inf", "+inf", "-inf" case-insensitively). */
bool num_str2d(const char *p, size_t len, double *out);
/* A long double as INCRBYFLOAT and HINCRBYFLOAT parse it (strtold; no spaces; no NaN;
 * length <= 5120 bytes). */
bool num_str2ld(const char *p, size_t len, long double *out);

/* A double as Redis 7.0 replies with it (RESP2 bulk body and RESP3 ',' body, zset scores):
 * "inf", "-inf", "nan", integers in the exact range printed without a fraction, otherwise
 * "%.17g". Returns the length; dst needs NUM_D_MAXLEN bytes. */
size_t num_d2str(char *dst, double v);
/* A long double as INCRBYFLOAT stores it: "%.17Lf" with trailing zeros (and a trailing '.')
 * removed, as Redis's humanfriendly long double formatting. Returns 0 for NaN/inf (callers
 * reject those before). dst needs NUM_D_MAXLEN bytes. */
size_t num_ld2str(char *dst, long double v);

#endif
