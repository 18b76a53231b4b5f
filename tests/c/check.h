/* tests/c/check.h: the whole C unit-test "framework": a few CHECK macros and a summary.
 *
 * One test binary per module (test_<module>.c) includes this once. Each test is a plain
 * function called from main(); a failing CHECK prints file:line and the values and the run
 * goes on, so one pass shows every failure. check_done() prints
 * "test_<x>: N checks passed" and returns the exit status (1 on any failure).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef KVD_TESTS_CHECK_H
#define KVD_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_total;
static int check_failed;

/* Prints bytes with non-printables escaped, so a failing binary comparison is readable. */
static inline void check_dump(const char *p, size_t len)
{
    fputc('"', stderr);
    for (size_t i = 0; i < len && i < 200; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\r')
            fputs("\\r", stderr);
        else if (c == '\n')
            fputs("\\n", stderr);
        else if (c == '"' || c == '\\')
            fprintf(stderr, "\\%c", c);
        else if (c < 32 || c >= 127)
            fprintf(stderr, "\\x%02x", c);
        else
            fputc(c, stderr);
    }
    fputs(len > 200 ? "\"..." : "\"", stderr);
}

static inline void check_fail_at(const char *file, int line, const char *func, const char *what)
{
    check_failed++;
    fprintf(stderr, "%s:%d: in %s: CHECK failed: %s\n", file, line, func, what);
}

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        check_total++;                                                                     \
        if (!(cond))                                                                       \
            check_fail_at(__FILE__, __LINE__, __func__, #cond);                            \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                 \
    do {                                                                                   \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                    \
        check_total++;                                                                     \
        if (check_a_ != check_b_) {                                                        \
            check_fail_at(__FILE__, __LINE__, __func__, #a " == " #b);                     \
            fprintf(stderr, "    got %lld, want %lld\n", check_a_, check_b_);              \
        }                                                                                  \
    } while (0)

#define CHECK_EQ_MEM(p, plen, q, qlen)                                                     \
    do {                                                                                   \
        const char *check_p_ = (const char *)(p), *check_q_ = (const char *)(q);           \
        size_t check_pl_ = (size_t)(plen), check_ql_ = (size_t)(qlen);                     \
        check_total++;                                                                     \
        if (check_pl_ != check_ql_ || (check_pl_ && memcmp(check_p_, check_q_, check_pl_))) { \
            check_fail_at(__FILE__, __LINE__, __func__, #p " == " #q);                     \
            fputs("    got  ", stderr);                                                    \
            check_dump(check_p_, check_pl_);                                               \
            fputs("\n    want ", stderr);                                                  \
            check_dump(check_q_, check_ql_);                                               \
            fputc('\n', stderr);                                                           \
        }                                                                                  \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                 \
    do {                                                                                   \
        const char *check_sa_ = (a), *check_sb_ = (b);                                     \
        CHECK_EQ_MEM(check_sa_, strlen(check_sa_), check_sb_, strlen(check_sb_));          \
    } while (0)

/* Prints the summary line; use as `return check_done("test_x");` at the end of main(). */
static inline int check_done(const char *name)
{
    if (check_failed) {
        printf("%s: %d of %d checks FAILED\n", name, check_failed, check_total);
        return 1;
    }
    printf("%s: %d checks passed\n", name, check_total);
    return 0;
}

#endif
