/* utils/num.c: integers and floats to text and back, byte-compatible with Redis 7.0.
 *
 * Every rule here is a Redis behaviour clients can observe (which arguments are "not an
 * integer", how a score or an INCRBYFLOAT result is spelled), so the comments name the
 * behaviour being matched. Knows nothing of objects or replies.
 * Start at num_str2ll() and num_d2str(); num.h documents the contracts.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "utils/num.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utils/mem.h"

/* ---- integers to text ---------------------------------------------------------------- */

size_t num_ull2str(char *dst, unsigned long long v)
{
    char tmp[NUM_LL_MAXLEN];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++)
        dst[i] = tmp[n - 1 - i];
    dst[n] = '\0';
    return n;
}

size_t num_ll2str(char *dst, long long v)
{
    if (v >= 0)
        return num_ull2str(dst, (unsigned long long)v);
    /* Negate in unsigned arithmetic so LLONG_MIN does not overflow. */
    dst[0] = '-';
    return 1 + num_ull2str(dst + 1, 0ULL - (unsigned long long)v);
}

int num_ll_digits(long long v)
{
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    int n = v < 0 ? 2 : 1;
    while (u >= 10) {
        u /= 10;
        n++;
    }
    return n;
}

/* ---- text to integers ---------------------------------------------------------------- */

/* The digits of a strict unsigned decimal: first digit 1-9 (or the lone "0"), nothing but
 * digits after, no overflow of unsigned long long. Shared by both integer parsers. */
static bool parse_digits(const char *p, size_t len, unsigned long long *out)
{
    if (len == 0)
        return false;
    if (len == 1 && p[0] == '0') {
        *out = 0;
        return true;
    }
    if (p[0] < '1' || p[0] > '9')
        return false;
    unsigned long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (ULLONG_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool num_str2ll(const char *p, size_t len, long long *out)
{
    /* Redis's string2ll: at most 20 bytes ("-9223372036854775808"); "-0", "+1", "01",
     * " 1" and "-" are all rejected. */
    if (len == 0 || len > 20)
        return false;
    bool neg = p[0] == '-';
    unsigned long long u;
    if (neg) {
        if (len == 1 || p[1] == '0')
            return false;
        if (!parse_digits(p + 1, len - 1, &u))
            return false;
        if (u > (unsigned long long)LLONG_MAX + 1)
            return false;
        /* Two's complement: u == 2^63 maps to LLONG_MIN without signed overflow. */
        *out = u == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)u;
        return true;
    }
    if (!parse_digits(p, len, &u) || u > (unsigned long long)LLONG_MAX)
        return false;
    *out = (long long)u;
    return true;
}

bool num_str2ull(const char *p, size_t len, unsigned long long *out)
{
    if (len == 0 || len > 20)
        return false;
    return parse_digits(p, len, out);
}

bool num_str2ull_lenient(const char *p, size_t len, unsigned long long *out)
{
    /* Redis's string2ull: string2ll first (negatives refused), then plain strtoull over the
     * whole C string, which also takes leading spaces, '+', leading zeros and, oddly, a
     * '-' whose value then wraps ("-01" is 2^64-1). ERANGE is refused. */
    long long ll;
    if (num_str2ll(p, len, &ll)) {
        if (ll < 0)
            return false;
        *out = (unsigned long long)ll;
        return true;
    }
    if (len == 0 || memchr(p, '\0', len) != NULL)
        return false;
    char stackbuf[128];
    char *s = len < sizeof(stackbuf) ? stackbuf : mem_alloc(len + 1);
    memcpy(s, p, len);
    s[len] = '\0';
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    bool ok = errno != EINVAL && errno != ERANGE && end == s + len;
    if (s != stackbuf)
        mem_free(s);
    if (ok)
        *out = v;
    return ok;
}

/* ---- text to floats ------------------------------------------------------------------ */

bool num_str2d(const char *p, size_t len, double *out)
{
    /* Redis's getDoubleFromObject / string2d: strtod must consume every byte (so an
     * embedded NUL fails), the first byte may not be a space, overflow to +-HUGE_VAL and
     * underflow to zero are errors (a denormal result is fine), and NaN is refused. The
     * literal "inf" parses without ERANGE, so it is accepted. */
    if (len == 0 || isspace((unsigned char)p[0]))
        return false;
    char stackbuf[128];
    char *s = len < sizeof(stackbuf) ? stackbuf : mem_alloc(len + 1);
    memcpy(s, p, len);
    s[len] = '\0';
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    bool ok = (size_t)(end - s) == len && !isnan(v) &&
              !(errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0));
    if (s != stackbuf)
        mem_free(s);
    if (ok)
        *out = v;
    return ok;
}

bool num_str2ld(const char *p, size_t len, long double *out)
{
    /* Redis's string2ld: the input is copied into a MAX_LONG_DOUBLE_CHARS (5120) buffer,
     * so at most 5119 bytes; otherwise the same rules as num_str2d, with strtold. */
    if (len == 0 || len >= NUM_LD_MAXLEN)
        return false;
    if (isspace((unsigned char)p[0]))
        return false;
    char *s = mem_alloc(len + 1);
    memcpy(s, p, len);
    s[len] = '\0';
    char *end = NULL;
    errno = 0;
    long double v = strtold(s, &end);
    bool ok = (size_t)(end - s) == len && !isnan(v) &&
              !(errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || v == 0));
    mem_free(s);
    if (ok)
        *out = v;
    return ok;
}

/* ---- floats to text ------------------------------------------------------------------ */

size_t num_d2str(char *dst, double v)
{
    /* Redis 7.0 addReplyDouble: inf is spelled explicitly, everything else is "%.17g"
     * (so 0.1 is "0.10000000000000001", 3.0 is "3", 1e20 is "1e+20", -0.0 is "-0").
     * NaN never reaches a reply in Redis (commands refuse to produce it); "nan" keeps the
     * spelling stable should one slip through. */
    if (isinf(v)) {
        const char *s = v > 0 ? "inf" : "-inf";
        size_t n = strlen(s);
        memcpy(dst, s, n + 1);
        return n;
    }
    if (isnan(v)) {
        memcpy(dst, "nan", 4);
        return 3;
    }
    int n = snprintf(dst, NUM_D_MAXLEN, "%.17g", v);
    return n > 0 ? (size_t)n : 0;
}

size_t num_ld2str_cap(char *dst, size_t cap, long double v)
{
    /* Redis ld2string(LD_STR_HUMAN): "%.17Lf", then drop trailing zeros and a bare '.',
     * and "-0" becomes "0". With 17 fractional digits, 1e-20 prints as "0" and 1e300
     * prints all ~300 integer digits of the long double, hence NUM_LD_MAXLEN. */
    if (isnan(v) || cap == 0) {
        if (cap)
            dst[0] = '\0';
        return 0;
    }
    if (isinf(v)) {
        const char *s = v > 0 ? "inf" : "-inf";
        size_t n = strlen(s);
        if (n + 1 > cap) {
            dst[0] = '\0';
            return 0;
        }
        memcpy(dst, s, n + 1);
        return n;
    }
    int r = snprintf(dst, cap, "%.17Lf", v);
    if (r < 0 || (size_t)r + 1 > cap) {
        dst[0] = '\0';
        return 0;
    }
    size_t n = (size_t)r;
    if (memchr(dst, '.', n) != NULL) {
        while (dst[n - 1] == '0')
            n--;
        if (dst[n - 1] == '.')
            n--;
    }
    if (n == 2 && dst[0] == '-' && dst[1] == '0') {
        dst[0] = '0';
        n = 1;
    }
    dst[n] = '\0';
    return n;
}

size_t num_ld2str(char *dst, long double v)
{
    return num_ld2str_cap(dst, NUM_D_MAXLEN, v);
}
