/* utils/glob.c: Redis-compatible glob matching (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET).
 *
 * Owns the pattern syntax only; knows nothing of keys, channels or replies.
 * Redis 7.0 matches recursively; here the same language is matched by a loop that only ever
 * backtracks to the most recent '*', so work is O(plen * slen) whatever the pattern.
 * Start at glob_match(); match_token() holds the per-byte rules and their Redis quirks.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "utils/glob.h"

/* Redis compares pattern and string bytes as (signed) chars after C-locale tolower(), which
 * only folds A-Z. The signedness is visible in class ranges: [a-\xff] is the range -1..'a'. */
static int fold(int c, bool nocase)
{
    if (nocase && c >= 'A' && c <= 'Z')
        return c - 'A' + 'a';
    return c;
}

static int sbyte(char c)
{
    return (int)(signed char)c;
}

/* A bracket class starting just after '[' at p[0..plen). Sets *used to the pattern bytes the
 * class spans (including the closing ']' when there is one) and returns whether c is in it.
 * Quirks kept from Redis: "[]" is empty and "[^]" matches any byte; an unterminated class
 * runs to the end of the pattern; "\x" inside a class compares exactly even with nocase;
 * "x-y" needs three bytes left, so "[a-]" is the range 'a'..']'; reversed ranges swap. */
static bool match_class(const char *p, size_t plen, char c, bool nocase, size_t *used)
{
    size_t i = 0;
    bool negate = plen > 0 && p[0] == '^';
    bool hit = false;
    if (negate)
        i++;
    for (;;) {
        size_t left = plen - i;
        if (left >= 2 && p[i] == '\\') {
            i++;
            if (p[i] == c)
                hit = true;
        } else if (left > 0 && p[i] == ']') {
            i++;
            break;
        } else if (left == 0) {
            break;
        } else if (left >= 3 && p[i + 1] == '-') {
            int lo = sbyte(p[i]), hi = sbyte(p[i + 2]);
            if (lo > hi) {
                int t = lo;
                lo = hi;
                hi = t;
            }
            lo = fold(lo, nocase);
            hi = fold(hi, nocase);
            int x = fold(sbyte(c), nocase);
            if (x >= lo && x <= hi)
                hit = true;
            i += 2;
        } else if (fold(sbyte(p[i]), nocase) == fold(sbyte(c), nocase)) {
            hit = true;
        }
        if (i < plen)
            i++;
    }
    *used = i;
    return negate ? !hit : hit;
}

/* One non-'*' token at p[0..plen) (plen > 0) against the byte c. Sets *used to its length. */
static bool match_token(const char *p, size_t plen, char c, bool nocase, size_t *used)
{
    switch (p[0]) {
    case '?':
        *used = 1;
        return true;
    case '[': {
        size_t n;
        bool hit = match_class(p + 1, plen - 1, c, nocase, &n);
        *used = 1 + n;
        return hit;
    }
    case '\\':
        /* A trailing lone backslash is an ordinary byte. */
        if (plen >= 2) {
            *used = 2;
            return fold(sbyte(p[1]), nocase) == fold(sbyte(c), nocase);
        }
        *used = 1;
        return c == '\\';
    default:
        *used = 1;
        return fold(sbyte(p[0]), nocase) == fold(sbyte(c), nocase);
    }
}

bool glob_match(const char *pattern, size_t plen, const char *str, size_t slen, bool nocase)
{
    /* Redis never enters its matching loop for an empty string, so "" matches only the empty
     * pattern: not even "*" (KEYS * is special-cased by the caller there, "**" is not). */
    if (slen == 0)
        return plen == 0;

    size_t pi = 0, si = 0;
    bool have_star = false;
    size_t star_pi = 0, star_si = 0; /* pattern after the last '*', and where it resumes */

    /* Every token but '*' consumes exactly one byte, so when the tail after a later '*' fails
     * everywhere, giving an earlier '*' more bytes cannot help: backtracking to the last '*'
     * alone finds every match the recursive form would. */
    while (si < slen) {
        if (pi < plen && pattern[pi] == '*') {
            while (pi < plen && pattern[pi] == '*')
                pi++;
            if (pi == plen)
                return true;
            have_star = true;
            star_pi = pi;
            star_si = si;
            continue;
        }
        size_t used;
        if (pi < plen && match_token(pattern + pi, plen - pi, str[si], nocase, &used)) {
            pi += used;
            si++;
            continue;
        }
        if (!have_star)
            return false;
        star_si++;
        si = star_si;
        pi = star_pi;
    }
    while (pi < plen && pattern[pi] == '*')
        pi++;
    return pi == plen;
}
