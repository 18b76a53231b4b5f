/* tests/c/test_utils.c: unit tests for utils/ (buf, num, glob, sha1, rand, mtime).
 *
 * Linked against utils/ alone, so an upward call fails to link. Expected values for num and
 * glob were checked against redis-server 7.0.15 (replies, KEYS) where Redis exposes them.
 * Start at main(); each test_* function covers one module.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/c/check.h"
#include "utils/buf.h"
#include "utils/crc64.h"
#include "utils/glob.h"
#include "utils/lzf.h"
#include "utils/mem.h"
#include "utils/mtime.h"
#include "utils/num.h"
#include "utils/rand.h"
#include "utils/sha1.h"

/* ---- buf ----------------------------------------------------------------------------- */

static void test_buf(void)
{
    struct buf b;
    buf_init(&b);
    CHECK_EQ_INT(buf_used(&b), 0);
    buf_append(&b, "hello", 5);
    buf_append_str(&b, " world");
    CHECK_EQ_MEM(buf_head(&b), buf_used(&b), "hello world", 11);

    buf_consume(&b, 6);
    CHECK_EQ_MEM(buf_head(&b), buf_used(&b), "world", 5);
    CHECK_EQ_STR(buf_cstr(&b), "world");
    CHECK_EQ_INT(buf_used(&b), 5); /* the NUL is not counted */

    buf_compact(&b);
    CHECK_EQ_INT(b.start, 0);
    CHECK_EQ_MEM(buf_head(&b), buf_used(&b), "world", 5);

    buf_consume(&b, 5); /* consuming everything resets to empty */
    CHECK_EQ_INT(b.start, 0);
    CHECK_EQ_INT(b.len, 0);

    buf_printf(&b, "%d-%s", 42, "x");
    CHECK_EQ_MEM(buf_head(&b), buf_used(&b), "42-x", 4);
    buf_clear(&b);

    /* printf longer than the stack scratch takes the second path. */
    char big[1000];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    buf_printf(&b, "<%s>", big);
    CHECK_EQ_INT(buf_used(&b), 1001);
    CHECK(buf_head(&b)[0] == '<' && buf_head(&b)[1000] == '>');

    /* reserve + commit, across growth */
    buf_clear(&b);
    for (int i = 0; i < 10000; i++) {
        char *dst = buf_reserve(&b, 3);
        memcpy(dst, "abc", 3);
        buf_commit(&b, 3);
    }
    CHECK_EQ_INT(buf_used(&b), 30000);
    CHECK(b.cap >= b.len);
    CHECK_EQ_MEM(buf_head(&b) + 29997, 3, "abc", 3);

    /* shrink gives memory back only when mostly unused */
    buf_consume(&b, 29990);
    buf_shrink(&b, 1024);
    CHECK_EQ_MEM(buf_head(&b), buf_used(&b), "cabcabcabc", 10);
    CHECK(b.cap < 30000);
    buf_deinit(&b);
    CHECK(b.data == NULL);
    buf_append(&b, "x", 1); /* reusable after deinit */
    CHECK_EQ_MEM(buf_head(&b), buf_used(&b), "x", 1);
    buf_deinit(&b);
}

/* ---- num ----------------------------------------------------------------------------- */

static bool ll_ok(const char *s, long long want)
{
    long long v = 0;
    return num_str2ll(s, strlen(s), &v) && v == want;
}

static bool ll_bad(const char *s)
{
    long long v;
    return !num_str2ll(s, strlen(s), &v);
}

static void test_num_int(void)
{
    char dst[NUM_LL_MAXLEN];
    CHECK_EQ_INT(num_ll2str(dst, 0), 1);
    CHECK_EQ_STR(dst, "0");
    CHECK_EQ_INT(num_ll2str(dst, -42), 3);
    CHECK_EQ_STR(dst, "-42");
    CHECK_EQ_INT(num_ll2str(dst, LLONG_MIN), 20);
    CHECK_EQ_STR(dst, "-9223372036854775808");
    CHECK_EQ_INT(num_ll2str(dst, LLONG_MAX), 19);
    CHECK_EQ_STR(dst, "9223372036854775807");
    CHECK_EQ_INT(num_ull2str(dst, ULLONG_MAX), 20);
    CHECK_EQ_STR(dst, "18446744073709551615");

    CHECK_EQ_INT(num_ll_digits(0), 1);
    CHECK_EQ_INT(num_ll_digits(9), 1);
    CHECK_EQ_INT(num_ll_digits(10), 2);
    CHECK_EQ_INT(num_ll_digits(-1), 2);
    CHECK_EQ_INT(num_ll_digits(LLONG_MIN), 20);
    CHECK_EQ_INT(num_ll_digits(LLONG_MAX), 19);

    CHECK(ll_ok("0", 0));
    CHECK(ll_ok("123", 123));
    CHECK(ll_ok("-123", -123));
    CHECK(ll_ok("9223372036854775807", LLONG_MAX));
    CHECK(ll_ok("-9223372036854775808", LLONG_MIN));
    CHECK(ll_bad(""));
    CHECK(ll_bad("-"));
    CHECK(ll_bad("-0"));
    CHECK(ll_bad("+1"));
    CHECK(ll_bad("01"));
    CHECK(ll_bad("00"));
    CHECK(ll_bad(" 1"));
    CHECK(ll_bad("1 "));
    CHECK(ll_bad("1a"));
    CHECK(ll_bad("1.0"));
    CHECK(ll_bad("9223372036854775808"));
    CHECK(ll_bad("-9223372036854775809"));
    CHECK(ll_bad("18446744073709551616"));
    CHECK(ll_bad("99999999999999999999"));
    CHECK(ll_bad("123456789012345678901")); /* 21 bytes */
    long long v;
    CHECK(!num_str2ll("1\0", 2, &v)); /* embedded NUL */
    CHECK(num_str2ll("12345", 2, &v) && v == 12); /* length, not NUL, bounds the input */

    unsigned long long u;
    CHECK(num_str2ull("18446744073709551615", 20, &u) && u == ULLONG_MAX);
    CHECK(num_str2ull("0", 1, &u) && u == 0);
    CHECK(!num_str2ull("18446744073709551616", 20, &u));
    CHECK(!num_str2ull("-1", 2, &u));
    CHECK(!num_str2ull("01", 2, &u));
    CHECK(!num_str2ull("+1", 2, &u));

    CHECK(num_str2ull_lenient("5", 1, &u) && u == 5);
    CHECK(num_str2ull_lenient(" 5", 2, &u) && u == 5);
    CHECK(num_str2ull_lenient("+5", 2, &u) && u == 5);
    CHECK(num_str2ull_lenient("007", 3, &u) && u == 7);
    CHECK(num_str2ull_lenient("-05", 3, &u) && u == ULLONG_MAX - 4);
    CHECK(num_str2ull_lenient("-01", 3, &u) && u == ULLONG_MAX);
    CHECK(num_str2ull_lenient("18446744073709551615", 20, &u) && u == ULLONG_MAX);
    CHECK(!num_str2ull_lenient("-5", 2, &u)); /* string2ll takes it: negatives refused */
    CHECK(!num_str2ull_lenient("18446744073709551616", 20, &u));
    CHECK(!num_str2ull_lenient("", 0, &u));
    CHECK(!num_str2ull_lenient("5x", 2, &u));
    CHECK(!num_str2ull_lenient("5\0", 2, &u));
}

static bool d_ok(const char *s, double want)
{
    double v = 0;
    return num_str2d(s, strlen(s), &v) && (v == want || (isnan(want) && isnan(v)));
}

static bool d_bad(const char *s)
{
    double v;
    return !num_str2d(s, strlen(s), &v);
}

static void check_d2str(double v, const char *want, int line)
{
    char dst[NUM_D_MAXLEN];
    size_t n = num_d2str(dst, v);
    check_total++;
    if (n != strlen(want) || strcmp(dst, want) != 0) {
        check_fail_at(__FILE__, line, "check_d2str", want);
        fprintf(stderr, "    got \"%s\"\n", dst);
    }
}

static void check_ld2str(long double v, const char *want, int line)
{
    char dst[NUM_D_MAXLEN];
    size_t n = num_ld2str(dst, v);
    check_total++;
    if (n != strlen(want) || strcmp(dst, want) != 0) {
        check_fail_at(__FILE__, line, "check_ld2str", want);
        fprintf(stderr, "    got \"%s\"\n", dst);
    }
}

static void test_num_float(void)
{
    CHECK(d_ok("1.5", 1.5));
    CHECK(d_ok("-1.5", -1.5));
    CHECK(d_ok("10", 10));
    CHECK(d_ok("1e3", 1000));
    CHECK(d_ok("inf", INFINITY));
    CHECK(d_ok("+inf", INFINITY));
    CHECK(d_ok("-inf", -INFINITY));
    CHECK(d_ok("-INF", -INFINITY));
    CHECK(d_ok("Infinity", INFINITY));
    CHECK(d_ok("4e-320", 4e-320)); /* denormal: fine */
    CHECK(d_bad(""));
    CHECK(d_bad(" 1"));
    CHECK(d_bad("1 "));
    CHECK(d_bad("nan"));
    CHECK(d_bad("NaN"));
    CHECK(d_bad("1e400"));  /* overflow */
    CHECK(d_bad("-1e400"));
    CHECK(d_bad("1e-400")); /* underflow to zero */
    CHECK(d_bad("abc"));
    CHECK(d_bad("1.5x"));
    double d;
    CHECK(!num_str2d("1\0", 2, &d));

    long double ld;
    CHECK(num_str2ld("10.5", 4, &ld) && ld == 10.5L);
    CHECK(!num_str2ld(" 1", 2, &ld));
    CHECK(!num_str2ld("nan", 3, &ld));
    CHECK(!num_str2ld("", 0, &ld));
    CHECK(!num_str2ld("1e99999", 7, &ld));
    char *longnum = mem_alloc(NUM_LD_MAXLEN + 1);
    memset(longnum, '0', NUM_LD_MAXLEN);
    longnum[0] = '1';
    longnum[1] = '.';
    CHECK(num_str2ld(longnum, NUM_LD_MAXLEN - 1, &ld) && ld == 1.0L); /* 5119 bytes */
    CHECK(!num_str2ld(longnum, NUM_LD_MAXLEN, &ld));                 /* 5120 bytes */
    mem_free(longnum);

    /* the examples documented in num.h */
    check_d2str(1.5, "1.5", __LINE__);
    check_d2str(0.1, "0.10000000000000001", __LINE__);
    check_d2str(3.0, "3", __LINE__);
    check_d2str(1e20, "1e+20", __LINE__);
    check_d2str(1e-5, "1.0000000000000001e-05", __LINE__);
    check_d2str(-0.0, "-0", __LINE__);
    check_d2str(12345678901234567890.0, "1.2345678901234567e+19", __LINE__);
    check_d2str(INFINITY, "inf", __LINE__);
    check_d2str(-INFINITY, "-inf", __LINE__);
    check_d2str(NAN, "nan", __LINE__);
    check_d2str(0, "0", __LINE__);
    check_d2str(-2.5, "-2.5", __LINE__);

    check_ld2str(10.5L + 0.1L, "10.6", __LINE__);
    check_ld2str(3.0e3L, "3000", __LINE__);
    check_ld2str(1e-20L, "0", __LINE__);
    check_ld2str(-1e-20L, "0", __LINE__); /* "-0" becomes "0" */
    check_ld2str(0.0L, "0", __LINE__);
    check_ld2str(-2.5L, "-2.5", __LINE__);
    check_ld2str(INFINITY, "inf", __LINE__);
    check_ld2str(-INFINITY, "-inf", __LINE__);
    char dst[NUM_D_MAXLEN];
    CHECK_EQ_INT(num_ld2str(dst, NAN), 0);
    CHECK_EQ_INT(num_ld2str(dst, 1e300L), 0); /* does not fit NUM_D_MAXLEN */
    CHECK_EQ_STR(dst, "");

    char *ldbuf = mem_alloc(NUM_LD_MAXLEN);
    size_t n = num_ld2str_cap(ldbuf, NUM_LD_MAXLEN, 1e300L);
    CHECK_EQ_INT(n, 301);
    CHECK_EQ_INT(strlen(ldbuf), 301);
    CHECK(ldbuf[0] == '1' && strchr(ldbuf, '.') == NULL);
    CHECK_EQ_INT(num_ld2str_cap(ldbuf, 5, 123456.0L), 0);
    CHECK_EQ_STR(ldbuf, "");
    CHECK_EQ_INT(num_ld2str_cap(ldbuf, 7, 123456.0L), 0); /* "%.17Lf" needs room first */
    mem_free(ldbuf);
}

/* ---- glob ---------------------------------------------------------------------------- */

static bool gm(const char *pat, const char *str)
{
    return glob_match(pat, strlen(pat), str, strlen(str), false);
}

static bool gmi(const char *pat, const char *str)
{
    return glob_match(pat, strlen(pat), str, strlen(str), true);
}

static void test_glob(void)
{
    /* Redis never matches the empty string against anything but the empty pattern. */
    CHECK(gm("", ""));
    CHECK(!gm("*", ""));
    CHECK(!gm("**", ""));
    CHECK(!gm("", "a"));

    CHECK(gm("*", "anything"));
    CHECK(gm("**", "a"));
    CHECK(gm("hello", "hello"));
    CHECK(!gm("hello", "hell"));
    CHECK(!gm("hell", "hello"));
    CHECK(gm("h*o", "hello"));
    CHECK(gm("h*o", "ho"));
    CHECK(!gm("h*o", "hellx"));
    CHECK(gm("a*", "a"));
    CHECK(gm("a**", "a"));
    CHECK(gm("*a*b*", "xxaybz"));
    CHECK(!gm("*a*b*", "xxbyaz"));
    CHECK(gm("user:*:name", "user:42:name"));
    CHECK(gm("*.txt", "a.b.txt"));
    CHECK(!gm("*.txt", "a.txt.gz"));

    CHECK(gm("?", "a"));
    CHECK(!gm("?", "ab"));
    CHECK(gm("h?llo", "hello"));
    CHECK(gm("h?llo", "hallo"));
    CHECK(!gm("h?llo", "hllo"));
    CHECK(gm("*?", "a"));

    /* classes */
    CHECK(gm("h[ae]llo", "hello"));
    CHECK(gm("h[ae]llo", "hallo"));
    CHECK(!gm("h[ae]llo", "hillo"));
    CHECK(gm("h[^e]llo", "hallo"));
    CHECK(!gm("h[^e]llo", "hello"));
    CHECK(gm("h[a-b]llo", "hbllo"));
    CHECK(!gm("h[a-b]llo", "hcllo"));
    CHECK(gm("[c-a]", "b")); /* reversed range */
    CHECK(!gm("[c-a]", "d"));
    CHECK(gm("[^a-c]", "d"));
    CHECK(!gm("[^a-c]", "b"));
    CHECK(gm("[a-ce-g]", "f"));
    CHECK(!gm("[a-ce-g]", "d"));
    CHECK(!gm("[]a]", "a"));   /* "[]" is an empty class, then "a]" */
    CHECK(!gm("[]a]", "]"));
    CHECK(gm("[]a]", "xa]") == false);
    CHECK(gm("[^]", "x"));     /* negated empty class: any byte */
    CHECK(gm("[^]a", "xa"));
    CHECK(gm("[a-]", "]"));    /* three bytes left: the range ']'..'a' */
    CHECK(gm("[a-]", "^"));
    CHECK(!gm("[a-]", "-"));
    CHECK(gm("[-a]", "-"));
    CHECK(gm("[abc", "c"));    /* unterminated class runs to the end */
    CHECK(!gm("[abc", "d"));
    CHECK(!gm("[abc", "ab"));
    CHECK(gm("[\\]]", "]"));
    CHECK(gm("[\\-]", "-"));
    CHECK(gm("[\\", "\\"));    /* a lone backslash in an unterminated class is literal */
    CHECK(gm("[a\\", "\\"));
    CHECK(!gm("[", "["));      /* "[" alone is an empty unterminated class */

    /* escapes */
    CHECK(gm("\\*", "*"));
    CHECK(!gm("\\*", "a"));
    CHECK(gm("\\?", "?"));
    CHECK(!gm("\\?", "x"));
    CHECK(gm("\\[a]", "[a]"));
    CHECK(gm("\\\\", "\\"));
    CHECK(gm("\\", "\\"));     /* trailing lone backslash is literal */
    CHECK(gm("a\\", "a\\"));
    CHECK(gm("\\a", "a"));
    CHECK(gm("*\\*", "abc*"));
    CHECK(!gm("*\\*", "abc"));

    /* nocase: ASCII letters only, escapes fold, escapes inside classes do not */
    CHECK(gmi("HELLO", "hello"));
    CHECK(gmi("h*O", "HeLlO"));
    CHECK(!gm("HELLO", "hello"));
    CHECK(gmi("[A-Z]", "q"));
    CHECK(gmi("[a-z]", "Q"));
    CHECK(!gm("[A-Z]", "q"));
    CHECK(gmi("[ABC]", "b"));
    CHECK(gmi("\\A", "a"));
    CHECK(!gmi("[\\A]", "a"));
    CHECK(gmi("[\\A]", "A"));
    CHECK(gm("[Z-a]", "^"));   /* 'Z'..'a' spans [ \ ] ^ _ ` */
    CHECK(!gmi("[Z-a]", "^")); /* folded bounds 'z'..'a' are empty, as in Redis */
    CHECK(!gmi("a", "\xc1"));

    /* bytes >= 0x80 compare as signed chars in ranges, as Redis's code does */
    CHECK(!gm("[a-\xff]", "b")); /* the range is -1..'a' */
    CHECK(gm("[a-\xff]", "A"));
    CHECK(gm("[a-\xff]", "\xff"));
    CHECK(!gm("[a-\xff]", "\x80"));
    CHECK(gm("[\x80-\xfe]", "\x90"));
    CHECK(gm("\xe9t\xe9", "\xe9t\xe9"));

    /* binary safe */
    CHECK(glob_match("a\0*", 3, "a\0bc", 4, false));
    CHECK(!glob_match("a\0*", 3, "a\1bc", 4, false));
    CHECK(glob_match("?", 1, "\0", 1, false));

    /* pathological patterns finish quickly (bounded work, no exponential backtracking) */
    size_t n = 20000;
    char *s = mem_alloc(n);
    memset(s, 'a', n);
    char pat[200];
    size_t pl = 0;
    for (int i = 0; i < 60; i++) {
        pat[pl++] = 'a';
        pat[pl++] = '*';
    }
    pat[pl++] = 'b';
    uint64_t t0 = mono_us();
    CHECK(!glob_match(pat, pl, s, n, false));
    CHECK(glob_match(pat, pl - 1, s, n, false));
    s[n - 1] = 'b';
    CHECK(glob_match(pat, pl, s, n, false));
    char stars[100];
    memset(stars, '*', sizeof(stars));
    stars[99] = 'x';
    s[n - 1] = 'a';
    CHECK(!glob_match(stars, sizeof(stars), s, n, false));
    CHECK(!gm("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    CHECK(mono_us() - t0 < 2000000);
    mem_free(s);
}

/* ---- sha1 ---------------------------------------------------------------------------- */

static void check_sha1(const void *p, size_t len, const char *want, int line)
{
    char hex[41];
    sha1_hex(p, len, hex);
    check_total++;
    if (strcmp(hex, want) != 0) {
        check_fail_at(__FILE__, line, "check_sha1", want);
        fprintf(stderr, "    got %s (len %zu)\n", hex, len);
    }
}

static void test_sha1(void)
{
    check_sha1("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709", __LINE__);
    check_sha1("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d", __LINE__);
    const char *fips2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_sha1(fips2, strlen(fips2), "84983e441c3bd26ebaae4aa1f95129e5e54670f1", __LINE__);
    const char *fox = "The quick brown fox jumps over the lazy dog";
    check_sha1(fox, strlen(fox), "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12", __LINE__);

    /* lengths around the padding boundaries (expected values from Python's hashlib) */
    static const struct {
        size_t len;
        const char *hex;
    } v[] = {
        {55, "ddf57317ef34bfee3b6df83d359098930eb278bc"},
        {56, "a0d492bb0fc889d0eca3bc137066ab6f4f74f369"},
        {63, "c55856749bef509bdfe6bfebfc7bf4e793e82132"},
        {64, "bede92be29c3874e1b54ddc77988d606fc857a8e"},
        {65, "b05a80522b053d6dc7e0a517d0e70212c7dad11f"},
        {119, "504e27376a6e0f0dba8295b85cb25dc4dfa17d23"},
        {120, "82134b02fb3f702491be9bed581eeab59334acb2"},
        {127, "34d5e582029e9b9b85b2febe31da3db7cdabaaea"},
        {128, "a09133e6730ffe899efb70204cb5646cd5dc24ee"},
        {1000, "4231a8a50a10fa9758db8ec71fdef855b751048a"},
    };
    unsigned char data[1000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)((i * 7 + 3) & 255);
    for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
        check_sha1(data, v[k].len, v[k].hex, __LINE__);

    /* streaming in uneven pieces gives the one-shot digest */
    unsigned char one[20], pieces[20];
    struct sha1 s;
    sha1_init(&s);
    sha1_update(&s, data, sizeof(data));
    sha1_final(&s, one);
    sha1_init(&s);
    size_t off = 0, step = 1;
    while (off < sizeof(data)) {
        size_t take = step < sizeof(data) - off ? step : sizeof(data) - off;
        sha1_update(&s, data + off, take);
        off += take;
        step = step * 3 % 97 + 1;
    }
    sha1_final(&s, pieces);
    CHECK_EQ_MEM(one, 20, pieces, 20);

    /* one million 'a' (FIPS 180 test vector), fed in 1000-byte pieces */
    char chunk[1000];
    memset(chunk, 'a', sizeof(chunk));
    sha1_init(&s);
    for (int i = 0; i < 1000; i++)
        sha1_update(&s, chunk, sizeof(chunk));
    unsigned char d[20];
    sha1_final(&s, d);
    static const unsigned char million_a[20] = {
        0x34, 0xaa, 0x97, 0x3c, 0xd4, 0xc4, 0xda, 0xa4, 0xf6, 0x1e,
        0xeb, 0x2b, 0xdb, 0xad, 0x27, 0x31, 0x65, 0x34, 0x01, 0x6f,
    };
    CHECK_EQ_MEM(d, 20, million_a, 20);
}

/* ---- rand and hash ------------------------------------------------------------------- */

static void test_rand(void)
{
    uint64_t a[8], b[8];
    rand_seed(12345);
    for (int i = 0; i < 8; i++)
        a[i] = rand_u64();
    rand_seed(12345);
    for (int i = 0; i < 8; i++)
        b[i] = rand_u64();
    CHECK_EQ_MEM(a, sizeof(a), b, sizeof(b));
    CHECK(a[0] != a[1]);
    rand_seed(12346);
    CHECK(rand_u64() != a[0]);

    CHECK_EQ_INT(rand_below(1), 0);
    int seen[10] = {0};
    bool in_range = true;
    for (int i = 0; i < 10000; i++) {
        uint64_t r = rand_below(10);
        if (r >= 10)
            in_range = false;
        else
            seen[r]++;
    }
    CHECK(in_range);
    for (int i = 0; i < 10; i++)
        CHECK(seen[i] > 800 && seen[i] < 1200);
    uint64_t big = (UINT64_C(1) << 63) + 12345;
    bool big_ok = true;
    for (int i = 0; i < 1000; i++)
        if (rand_below(big) >= big)
            big_ok = false;
    CHECK(big_ok);

    char hex[33];
    memset(hex, 'Z', sizeof(hex));
    rand_hex(hex, 32);
    bool hex_ok = true;
    for (int i = 0; i < 32; i++)
        if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
            hex_ok = false;
    CHECK(hex_ok);
    CHECK(hex[32] == 'Z'); /* no NUL written */

    rand_seed_auto();
    CHECK(rand_u64() != rand_u64());

    hash_set_seed(1);
    uint64_t h1 = hash_bytes("hello", 5);
    CHECK(h1 == hash_bytes("hello", 5));
    CHECK(h1 != hash_bytes("hellp", 5));
    CHECK(hash_bytes("a", 1) != hash_bytes("a\0", 2));
    CHECK(hash_bytes("", 0) != hash_bytes("\0", 1));
    const char *lo = "the quick brown fox jumps over the lazy dog, twice: the quick brown fox";
    const char *up = "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG, TWICE: The Quick Brown Fox";
    size_t len = strlen(lo);
    for (size_t n = 0; n <= len; n++)
        CHECK(hash_bytes_nocase(lo, n) == hash_bytes_nocase(up, n));
    CHECK(hash_bytes(lo, len) != hash_bytes(up, len));
    CHECK(hash_bytes_nocase("@[`{", 4) != hash_bytes_nocase("`{@[", 4));
    CHECK(hash_bytes_nocase("\xc1", 1) != hash_bytes_nocase("\xe1", 1)); /* ASCII only */
    hash_set_seed(2);
    CHECK(hash_bytes("hello", 5) != h1);
}

/* ---- mtime --------------------------------------------------------------------------- */

static void test_mtime(void)
{
    long long ms = time_ms(), us = time_us();
    CHECK(ms > 1577836800000LL); /* after 2020-01-01 */
    CHECK(us / 1000 >= ms && us / 1000 - ms < 1000);
    uint64_t m0 = mono_us();
    struct timespec ts = {0, 3 * 1000 * 1000};
    nanosleep(&ts, NULL);
    uint64_t m1 = mono_us();
    CHECK(m1 >= m0 + 3000);
    CHECK(m1 - m0 < 5 * 1000 * 1000);
}

/* ---- lzf ----------------------------------------------------------------------------- */

/* Compresses, checks the size bound, decompresses into an exact-size buffer (so ASan sees
 * any overrun) and compares. Returns the compressed size (0: did not fit). */
static size_t lzf_round_trip(const unsigned char *in, size_t len)
{
    size_t cap = len + len / 16 + 64;
    unsigned char *z = mem_alloc(cap);
    size_t zlen = lzf_compress(in, len, z, cap);
    CHECK(zlen > 0);
    unsigned char *out = mem_alloc(len);
    CHECK_EQ_INT(lzf_decompress(z, zlen, out, len), len);
    CHECK(memcmp(out, in, len) == 0);
    if (len > 1)
        CHECK_EQ_INT(lzf_decompress(z, zlen, out, len - 1), 0); /* output would not fit */
    mem_free(out);
    mem_free(z);
    return zlen;
}

static void test_lzf(void)
{
    /* A fixed seed: the compression-ratio check below depends on the data (greedy LZF takes
     * the nearest match, so a small alphabet can yield short matches), and a C test must give
     * the same verdict on every run. */
    rand_seed(20261123);
    unsigned char *in = mem_alloc(70000);
    /* Random bytes: little to gain, but every literal-run boundary is crossed. */
    for (int t = 0; t < 40; t++) {
        size_t len = 1 + rand_below(t < 20 ? 100 : 70000);
        for (size_t i = 0; i < len; i++)
            in[i] = (unsigned char)rand_below(256);
        lzf_round_trip(in, len);
    }
    /* Repetitive data: runs, short and long periods, a small alphabet, long matches. */
    for (int t = 0; t < 40; t++) {
        size_t len = 1 + rand_below(70000);
        size_t period = 1 + rand_below(t % 2 ? 5 : 3000);
        for (size_t i = 0; i < len; i++)
            in[i] = i < period ? (unsigned char)rand_below(t % 3 ? 4 : 256) : in[i - period];
        size_t zlen = lzf_round_trip(in, len);
        if (len > 10000 && period < 100)
            CHECK(zlen * 20 < len);
    }
    memset(in, 'x', 8192);
    CHECK(lzf_round_trip(in, 8192) < 120);

    /* Too small an output buffer is refused without writing past it. */
    unsigned char small[16];
    for (size_t i = 0; i < 1000; i++)
        in[i] = (unsigned char)rand_below(256);
    CHECK_EQ_INT(lzf_compress(in, 1000, small, sizeof(small)), 0);
    CHECK_EQ_INT(lzf_compress(in, 0, small, sizeof(small)), 0);

    /* Corrupt input: truncated runs, references before the start or cut short. */
    unsigned char out[64];
    const unsigned char lit_short[] = {5, 'a', 'b'};               /* run of 6, 2 present */
    const unsigned char ref_first[] = {0x20, 0x00};                /* reference, no output yet */
    const unsigned char ref_far[] = {1, 'a', 'b', 0x20, 0x05};     /* 6 back, only 2 written */
    const unsigned char ref_cut[] = {0, 'a', 0x20};                /* offset byte missing */
    const unsigned char long_cut[] = {0, 'a', 0xE0};               /* length byte missing */
    const unsigned char ok[] = {0, 'a', 0x40, 0x00};                /* "a" then 4 copies */
    CHECK_EQ_INT(lzf_decompress(lit_short, sizeof(lit_short), out, sizeof(out)), 0);
    CHECK_EQ_INT(lzf_decompress(ref_first, sizeof(ref_first), out, sizeof(out)), 0);
    CHECK_EQ_INT(lzf_decompress(ref_far, sizeof(ref_far), out, sizeof(out)), 0);
    CHECK_EQ_INT(lzf_decompress(ref_cut, sizeof(ref_cut), out, sizeof(out)), 0);
    CHECK_EQ_INT(lzf_decompress(long_cut, sizeof(long_cut), out, sizeof(out)), 0);
    CHECK_EQ_INT(lzf_decompress(ok, sizeof(ok), out, sizeof(out)), 5);
    CHECK_EQ_MEM((const char *)out, 5, "aaaaa", 5);
    CHECK_EQ_INT(lzf_decompress(ok, sizeof(ok), out, 4), 0);
    /* Random garbage and bit-flipped streams: any answer, but within bounds (ASan judges). */
    size_t zcap = 9000;
    unsigned char *z = mem_alloc(zcap);
    unsigned char *o = mem_alloc(8192);
    for (size_t i = 0; i < 8192; i++)
        in[i] = (unsigned char)("abcabd"[i % 6] + (i % 97 == 0));
    size_t zlen = lzf_compress(in, 8192, z, zcap);
    CHECK(zlen > 0);
    for (int t = 0; t < 2000; t++) {
        unsigned char *g = mem_alloc(zlen);
        memcpy(g, z, zlen);
        if (t % 2)
            for (size_t i = 0; i < zlen; i++)
                g[i] = (unsigned char)rand_below(256);
        else
            g[rand_below(zlen)] ^= (unsigned char)(1 + rand_below(255));
        size_t glen = t % 4 == 0 ? rand_below(zlen + 1) : zlen;
        CHECK(lzf_decompress(g, glen, o, 8192) <= 8192);
        mem_free(g);
    }
    mem_free(o);
    mem_free(z);
    mem_free(in);
}

/* ---- crc64 --------------------------------------------------------------------------- */

/* Bit-at-a-time reference of the same CRC, to check the sliced tables at every length and
 * alignment. */
static uint64_t crc64_slow(uint64_t crc, const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        crc ^= s[i];
        for (int b = 0; b < 8; b++)
            crc = (crc & 1) ? (crc >> 1) ^ 0x95ac9329ac4bc9b5ULL : crc >> 1;
    }
    return crc;
}

static void test_crc64(void)
{
    /* the published check value of CRC-64/Jones (reflected, init 0, no final xor), which is
     * what RDB files carry */
    CHECK(crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9caULL);
    CHECK(crc64(0, "", 0) == 0);
    unsigned char buf[300];
    rand_seed(77);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)rand_below(256);
    for (size_t off = 0; off < 8; off++)
        for (size_t len = 0; len + off <= sizeof buf; len += 1 + len / 8)
            CHECK(crc64(0, buf + off, len) == crc64_slow(0, buf + off, len));
    /* continuation: split anywhere gives the same result */
    uint64_t whole = crc64(0, buf, sizeof buf);
    for (size_t cut = 0; cut <= sizeof buf; cut += 13)
        CHECK(crc64(crc64(0, buf, cut), buf + cut, sizeof buf - cut) == whole);
}

int main(void)
{
    test_buf();
    test_num_int();
    test_num_float();
    test_glob();
    test_sha1();
    test_rand();
    test_mtime();
    test_lzf();
    test_crc64();
    return check_done("test_utils");
}
