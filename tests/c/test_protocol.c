/* tests/c/test_protocol.c: unit tests for protocol/ (the request parser and reply encoders).
 *
 * Linked against protocol/ and utils/ alone. Every parser expectation here was checked
 * against redis-server 7.0.15 over a raw socket. Each case is run three ways (all bytes at
 * once, one byte at a time, and split at every offset) and must give the same transcript.
 * Start at main(); transcript() is the helper nearly every check goes through.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "protocol/resp.h"
#include "protocol/resp_enc.h"
#include "tests/c/check.h"
#include "utils/buf.h"
#include "utils/mem.h"

/* ---- transcript helpers -------------------------------------------------------------- */

struct limits {
    long long max_bulk_len; /* 0: parser default */
    bool unauthenticated;
};

static void put_escaped(struct buf *out, const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\r')
            buf_append_str(out, "\\r");
        else if (c == '\n')
            buf_append_str(out, "\\n");
        else if (c == '\\' || c == '|' || c == ']')
            buf_printf(out, "\\%c", c);
        else if (c < 32 || c >= 127)
            buf_printf(out, "\\x%02x", c);
        else
            buf_append(out, &c, 1);
    }
}

/* Feeds in[0..len) to a fresh parser, revealing `first` bytes, then `step` more bytes per
 * call (step 0: everything at once after the first part), and consuming requests as the
 * server would. Returns "I[a|b] M[c] INC" style text: one entry per request (I inline,
 * M multibulk), then INC if bytes are left waiting, or ERR:<text> on a protocol error.
 * Caller frees. */
static char *feed(const char *in, size_t len, struct limits lim, size_t first, size_t step)
{
    struct resp_parser p;
    resp_parser_init(&p);
    if (lim.max_bulk_len)
        p.max_bulk_len = lim.max_bulk_len;
    p.unauthenticated = lim.unauthenticated;
    char *buf = mem_alloc(len + 1); /* the parser may unescape inline args in place */
    memcpy(buf, in, len);
    struct buf out;
    buf_init(&out);
    size_t start = 0, avail = first < len ? first : len;
    for (;;) {
        struct resp_req req;
        size_t used = 12345;
        enum resp_status st = resp_parse(&p, buf + start, avail - start, &req, &used);
        if (st == RESP_OK) {
            buf_append_str(&out, req.is_inline ? "I[" : "M[");
            for (int i = 0; i < req.argc; i++) {
                if (i)
                    buf_append_str(&out, "|");
                put_escaped(&out, buf + start + req.argv[i].off, req.argv[i].len);
            }
            buf_append_str(&out, "] ");
            start += used;
            continue;
        }
        if (used != 0)
            buf_append_str(&out, "BADUSED ");
        if (st == RESP_EPROTO) {
            char text[128];
            resp_err_text(&p, text, sizeof(text));
            buf_append_str(&out, "ERR:");
            put_escaped(&out, text, strlen(text));
            break;
        }
        if (avail == len) {
            if (start < len)
                buf_append_str(&out, "INC");
            break;
        }
        avail = step == 0 || len - avail < step ? len : avail + step;
    }
    resp_parser_deinit(&p);
    mem_free(buf);
    /* trim a trailing space */
    if (buf_used(&out) > 0 && buf_head(&out)[buf_used(&out) - 1] == ' ')
        out.len--;
    char *s = mem_strndup(buf_head(&out), buf_used(&out));
    buf_deinit(&out);
    return s;
}

/* The transcript of parsing in[0..len), after checking that byte-by-byte feeding and a split
 * at every offset (for inputs up to 300 bytes) give exactly the same transcript. */
static char *transcript_lim(const char *in, size_t len, struct limits lim, int line)
{
    char *whole = feed(in, len, lim, len, 0);
    char *bytewise = feed(in, len, lim, 0, 1);
    check_total++;
    if (strcmp(whole, bytewise) != 0) {
        check_fail_at(__FILE__, line, "transcript", "byte-by-byte feeding gives the same result");
        fprintf(stderr, "    whole    %.300s\n    bytewise %.300s\n", whole, bytewise);
    }
    mem_free(bytewise);
    if (len <= 300) {
        bool same = true;
        for (size_t k = 0; k <= len && same; k++) {
            char *split = feed(in, len, lim, k, 0);
            if (strcmp(split, whole) != 0) {
                same = false;
                fprintf(stderr, "    split at %zu: %.300s\n", k, split);
            }
            mem_free(split);
        }
        check_total++;
        if (!same)
            check_fail_at(__FILE__, line, "transcript", "every split point gives the same result");
    }
    return whole;
}

static void expect_lim(const char *in, size_t len, struct limits lim, const char *want, int line)
{
    char *got = transcript_lim(in, len, lim, line);
    check_total++;
    if (strcmp(got, want) != 0) {
        check_fail_at(__FILE__, line, "expect", want);
        fprintf(stderr, "    got  %.300s\n    want %.300s\n", got, want);
    }
    mem_free(got);
}

static const struct limits DEFAULTS = {0, false};
static const struct limits UNAUTH = {0, true};

/* Literal input (no NULs); use EXPECT_N for inputs with NUL bytes. */
#define EXPECT(in, want) expect_lim((in), strlen(in), DEFAULTS, (want), __LINE__)
#define EXPECT_N(in, n, want) expect_lim((in), (n), DEFAULTS, (want), __LINE__)
#define EXPECT_UNAUTH(in, want) expect_lim((in), strlen(in), UNAUTH, (want), __LINE__)

/* A buffer of prefix[0..a) + n copies of fill + suffix. Caller frees; *len gets the size. */
static char *make_run_n(const char *prefix, size_t a, char fill, size_t n, const char *suffix,
                        size_t *len)
{
    size_t c = strlen(suffix);
    char *s = mem_alloc(a + n + c + 1);
    memcpy(s, prefix, a);
    memset(s + a, fill, n);
    memcpy(s + a + n, suffix, c);
    s[a + n + c] = '\0';
    *len = a + n + c;
    return s;
}

static char *make_run(const char *prefix, char fill, size_t n, const char *suffix, size_t *len)
{
    return make_run_n(prefix, strlen(prefix), fill, n, suffix, len);
}

/* ---- multibulk ----------------------------------------------------------------------- */

static void test_multibulk(void)
{
    EXPECT("*1\r\n$4\r\nPING\r\n", "M[PING]");
    EXPECT("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n", "M[SET|k|hello]");
    EXPECT("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", "M[ECHO|]");
    EXPECT("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPI", "M[PING] INC");
    EXPECT("", "");
    EXPECT("*", "INC");
    EXPECT("*1\r", "INC"); /* the byte after '\r' must have arrived */
    EXPECT("*1\r\n$4\r", "INC");
    EXPECT("*1\r\n$4\r\nPING\r", "INC");
    /* binary-safe payloads */
    EXPECT_N("*2\r\n$3\r\nGET\r\n$7\r\na\0b\r\nc\xff\r\n", 26, "M[GET|a\\x00b\\r\\nc\\xff]");
    /* the byte after '\r' and the two bytes after a payload are skipped unchecked */
    EXPECT("*1\rX$4\r\nPING\r\n", "M[PING]");
    EXPECT("*1\r\n$4\rXPING\r\n", "M[PING]");
    EXPECT("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n", "M[PING] M[PING]");
    /* empty requests */
    EXPECT("*0\r\n", "M[]");
    EXPECT("*-1\r\n", "M[]");
    EXPECT("*-5\r\n*1\r\n$4\r\nPING\r\n", "M[] M[PING]");
    /* counts: string2ll rules, bound INT_MAX */
    EXPECT("*2147483647\r\n", "INC");
    EXPECT("*1073741825\r\n$1\r\na\r\n", "INC");
    EXPECT("*2147483648\r\n", "ERR:invalid multibulk length");
    EXPECT("*9223372036854775808\r\n", "ERR:invalid multibulk length");
    EXPECT("*abc\r\n", "ERR:invalid multibulk length");
    EXPECT("*\r\n", "ERR:invalid multibulk length");
    EXPECT("*+1\r\n", "ERR:invalid multibulk length");
    EXPECT("*-0\r\n", "ERR:invalid multibulk length");
    EXPECT("*01\r\n", "ERR:invalid multibulk length");
    EXPECT("*1 \r\n", "ERR:invalid multibulk length");
    EXPECT("*1\n\r\n", "ERR:invalid multibulk length");
    /* "$" headers */
    EXPECT("*1\r\nx\r\n", "ERR:expected '$', got 'x'");
    EXPECT("*1\r\nx", "INC"); /* judged only once the header line is whole */
    EXPECT("*1\r\n\r\n", "ERR:expected '$', got ' '"); /* CR and LF shown as spaces */
    EXPECT("*1\r\n\n\r\n", "ERR:expected '$', got ' '");
    EXPECT("*1\r\n\xff\r\n", "ERR:expected '$', got '\\xff'");
    EXPECT("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n*1\r\n", "ERR:expected '$', got '*'");
    EXPECT("*1\r\n$-1\r\n", "ERR:invalid bulk length");
    EXPECT("*1\r\n$-2\r\n", "ERR:invalid bulk length");
    EXPECT("*1\r\n$-0\r\n", "ERR:invalid bulk length");
    EXPECT("*1\r\n$\r\n", "ERR:invalid bulk length");
    EXPECT("*1\r\n$01\r\na\r\n", "ERR:invalid bulk length");
    EXPECT("*1\r\n$+4\r\nPING\r\n", "ERR:invalid bulk length");
    EXPECT("*1\r\n$abc\r\n", "ERR:invalid bulk length");
    EXPECT("*1\r\n$536870912\r\n", "INC");
    EXPECT("*1\r\n$536870913\r\n", "ERR:invalid bulk length");
    struct limits small = {100, false};
    expect_lim("*1\r\n$100\r\n", 10, small, "INC", __LINE__);
    expect_lim("*1\r\n$101\r\n", 10, small, "ERR:invalid bulk length", __LINE__);
    /* a NUL hides the terminator from Redis's strchr(): the line never ends */
    EXPECT_N("*1\0\r\n$4\r\nPING\r\n", 15, "INC");
    EXPECT_N("*1\r\n$4\0\r\nPING\r\n", 15, "INC");
    EXPECT_N("*1\r\n\0\r\n", 7, "INC");
}

static void test_multibulk_limits(void)
{
    size_t n;
    char *s;
    /* count line: more than 64 KB buffered without its '\r' */
    s = make_run("*", '1', 65535, "", &n);
    EXPECT_N(s, n, "INC");
    mem_free(s);
    s = make_run("*", '1', 65536, "", &n);
    EXPECT_N(s, n, "ERR:too big mbulk count string");
    mem_free(s);
    s = make_run_n("*1\0", 3, 'x', 65533, "", &n); /* NUL: stuck until the limit */
    EXPECT_N(s, n, "INC");
    mem_free(s);
    s = make_run_n("*1\0", 3, 'x', 65534, "", &n);
    EXPECT_N(s, n, "ERR:too big mbulk count string");
    mem_free(s);
    /* bulk header: measured from the header's start */
    s = make_run("*1\r\n$", '1', 65535, "", &n);
    EXPECT_N(s, n, "INC");
    mem_free(s);
    s = make_run("*1\r\n$", '1', 65536, "", &n);
    EXPECT_N(s, n, "ERR:too big bulk count string");
    mem_free(s);
    s = make_run("*2\r\n$1\r\na\r\n$", '1', 65536, "", &n);
    EXPECT_N(s, n, "ERR:too big bulk count string");
    mem_free(s);
    s = make_run("*1\r\nx", 'y', 65536, "", &n); /* size is checked before the '$' */
    EXPECT_N(s, n, "ERR:too big bulk count string");
    mem_free(s);

    /* clients that must AUTH: at most 10 args and 16 KB per bulk */
    EXPECT_UNAUTH("*10\r\n", "INC");
    EXPECT_UNAUTH("*11\r\n", "ERR:unauthenticated multibulk length");
    EXPECT_UNAUTH("*2147483648\r\n", "ERR:invalid multibulk length");
    EXPECT_UNAUTH("*-1\r\n*1\r\n$4\r\nPING\r\n", "M[] M[PING]");
    EXPECT_UNAUTH("*1\r\n$16384\r\n", "INC");
    EXPECT_UNAUTH("*1\r\n$16385\r\n", "ERR:unauthenticated bulk length");
    EXPECT_UNAUTH("*1\r\n$536870913\r\n", "ERR:invalid bulk length");
    EXPECT_UNAUTH("*1\r\n$-1\r\n", "ERR:invalid bulk length");
    EXPECT_UNAUTH("PING a b c d e f g h i j k l\r\n", "I[PING|a|b|c|d|e|f|g|h|i|j|k|l]");
}

/* Announcing a huge request costs nothing; argv grows with the args actually received. */
static void test_argv_growth(void)
{
    struct resp_parser p;
    resp_parser_init(&p);
    struct resp_req req;
    size_t used;
    char huge[] = "*2147483647\r\n$1\r\na\r\n$1\r\nb\r\n";
    CHECK_EQ_INT(resp_parse(&p, huge, strlen(huge), &req, &used), RESP_INCOMPLETE);
    CHECK(p.argv_cap <= 1024);
    CHECK_EQ_INT(p.argc, 2);
    resp_parser_reset(&p);

    /* 5000 arguments: all arrive, argv grew past the first allocation */
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "*5000\r\n");
    for (int i = 0; i < 5000; i++)
        buf_printf(&b, "$%d\r\n%d\r\n", i < 10 ? 1 : i < 100 ? 2 : i < 1000 ? 3 : 4, i);
    CHECK_EQ_INT(resp_parse(&p, buf_head(&b), buf_used(&b), &req, &used), RESP_OK);
    CHECK_EQ_INT(used, buf_used(&b));
    CHECK_EQ_INT(req.argc, 5000);
    CHECK_EQ_MEM(buf_head(&b) + req.argv[4999].off, req.argv[4999].len, "4999", 4);
    CHECK_EQ_MEM(buf_head(&b) + req.argv[7].off, req.argv[7].len, "7", 1);
    CHECK(p.argv_cap >= 5000 && p.argv_cap <= 10000);
    /* the next small request does not keep the big array */
    CHECK_EQ_INT(resp_parse(&p, "*1\r\n$1\r\nx\r\n", 11, &req, &used), RESP_OK);
    CHECK(p.argv_cap <= 1024);
    buf_deinit(&b);

    /* a protocol error is sticky until reset */
    CHECK_EQ_INT(resp_parse(&p, "*x\r\n", 4, &req, &used), RESP_EPROTO);
    CHECK_EQ_INT(p.err, RESP_ERR_MBULK_LEN);
    CHECK_EQ_INT(resp_parse(&p, "PING\r\n", 6, &req, &used), RESP_EPROTO);
    CHECK_EQ_INT(used, 0);
    resp_parser_reset(&p);
    CHECK_EQ_INT(resp_parse(&p, "PING\r\n", 6, &req, &used), RESP_OK);
    CHECK_EQ_INT(used, 6);
    CHECK(req.is_inline);
    resp_parser_deinit(&p);
}

/* Bytes are scanned once: an incomplete line leaves p->pos at the end of what was seen. */
static void test_scan_once(void)
{
    struct resp_parser p;
    resp_parser_init(&p);
    struct resp_req req;
    size_t used;
    char line[3000];
    memset(line, 'a', sizeof(line));
    CHECK_EQ_INT(resp_parse(&p, line, 1000, &req, &used), RESP_INCOMPLETE);
    CHECK_EQ_INT(p.pos, 1000);
    CHECK_EQ_INT(resp_parse(&p, line, 2999, &req, &used), RESP_INCOMPLETE);
    CHECK_EQ_INT(p.pos, 2999);
    line[2999] = '\n';
    CHECK_EQ_INT(resp_parse(&p, line, 3000, &req, &used), RESP_OK);
    CHECK_EQ_INT(req.argc, 1);
    CHECK_EQ_INT(req.argv[0].len, 2999);
    CHECK_EQ_INT(used, 3000);
    CHECK_EQ_INT(p.pos, 0);

    char hdr[] = "*1\r\n$12345";
    CHECK_EQ_INT(resp_parse(&p, hdr, strlen(hdr), &req, &used), RESP_INCOMPLETE);
    CHECK_EQ_INT(p.pos, strlen(hdr));
    resp_parser_deinit(&p);
}

/* ---- inline -------------------------------------------------------------------------- */

static void test_inline(void)
{
    EXPECT("PING\r\n", "I[PING]");
    EXPECT("ping\n", "I[ping]");
    EXPECT("PING", "INC");
    EXPECT("PING\r", "INC");
    EXPECT("   ping   \r\n", "I[ping]");
    EXPECT("SET k v\r\nGET k\r\n", "I[SET|k|v] I[GET|k]");
    EXPECT("\r\n", "I[]");
    EXPECT("\n", "I[]");
    EXPECT(" \n", "I[]");
    EXPECT("\r\r\n", "I[]");
    EXPECT("PING\r\r\n", "I[PING]"); /* one '\r' is dropped, the other is a blank */
    EXPECT("\t a \t b\r\n", "I[a|b]");
    /* only space, \t, \r, \n end a bare argument; \v and \f are blanks only between them */
    EXPECT("ECHO a\vb\r\n", "I[ECHO|a\\x0bb]");
    EXPECT("ECHO a\fb\r\n", "I[ECHO|a\\x0cb]");
    EXPECT("ECHO \v a\r\n", "I[ECHO|a]");
    EXPECT("ECHO a\rb\r\n", "I[ECHO|a|b]");
    /* double quotes and their escapes */
    EXPECT("set \"a b\" \"c\\x41\\n\"\r\n", "I[set|a b|cA\\n]");
    EXPECT("ECHO \"\\q\\b\\a\\x4G\"\r\n", "I[ECHO|q\\x08\\x07x4G]");
    EXPECT("ECHO \"\\r\\t\\\\\\\"\"\r\n", "I[ECHO|\\r\\x09\\\\\"]");
    EXPECT("ECHO \"\\xff\\xFf\\x00\"\r\n", "I[ECHO|\\xff\\xff\\x00]");
    EXPECT("ECHO \"x\\\"y\"\r\n", "I[ECHO|x\"y]");
    EXPECT("ECHO \"a\rb\"\r\n", "I[ECHO|a\\rb]");
    EXPECT("ECHO \"\"\r\n", "I[ECHO|]");
    EXPECT("ECHO \"\" \"\"\r\n", "I[ECHO||]");
    EXPECT("ECHO a\"b c\"\r\n", "I[ECHO|ab c]"); /* a quote opens mid-argument */
    EXPECT("ECHO \"a\"\v b\r\n", "I[ECHO|a|b]"); /* any blank may follow a closing quote */
    /* single quotes: only \' is an escape */
    EXPECT("ECHO 'a\\nb\\'c'\r\n", "I[ECHO|a\\\\nb'c]");
    EXPECT("ECHO ''\r\n", "I[ECHO|]");
    EXPECT("ECHO 'a \"b\"'\r\n", "I[ECHO|a \"b\"]");
    /* unbalanced quotes */
    EXPECT("set \"foo\r\n", "ERR:unbalanced quotes in request");
    EXPECT("set 'foo\r\n", "ERR:unbalanced quotes in request");
    EXPECT("set \"a\"b c\r\n", "ERR:unbalanced quotes in request");
    EXPECT("set 'k q' 'it''s'\r\n", "ERR:unbalanced quotes in request");
    EXPECT("ECHO 'x'y\r\n", "ERR:unbalanced quotes in request");
    EXPECT("ECHO \"a\\\r\n", "ERR:unbalanced quotes in request");
    EXPECT("ECHO 'x\\\\'\r\n", "ERR:unbalanced quotes in request");
    EXPECT("ECHO \"abc\\\"\r\n", "ERR:unbalanced quotes in request");
    EXPECT("PING\r\nset \"x\r\nPING\r\n", "I[PING] ERR:unbalanced quotes in request");
    /* a NUL hides the newline from Redis */
    EXPECT_N("PI\0NG\r\n", 7, "INC");
    /* mixed with multibulk, pipelined */
    EXPECT("PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nECHO inline\r\n",
           "I[PING] M[ECHO|hi] I[ECHO|inline]");
    EXPECT("\r\n\r\n*0\r\n   \r\n*-1\r\nPING\r\n", "I[] I[] M[] I[] M[] I[PING]");
    /* a line starting with '$' or ':' is inline too */
    EXPECT("$4\r\n", "I[$4]");
}

static void test_inline_limits(void)
{
    size_t n;
    char *s = make_run("", 'a', 65536, "", &n);
    EXPECT_N(s, n, "INC");
    mem_free(s);
    s = make_run("", 'a', 65537, "", &n);
    EXPECT_N(s, n, "ERR:too big inline request");
    mem_free(s);
    s = make_run("", 'a', 65536, "\n", &n); /* the newline is byte 65537: still fine */
    char *got = transcript_lim(s, n, DEFAULTS, __LINE__);
    CHECK(strncmp(got, "I[aaaa", 6) == 0 && strlen(got) == 65536 + 3);
    mem_free(got);
    mem_free(s);
    s = make_run("", 'a', 65537, "\n", &n);
    EXPECT_N(s, n, "ERR:too big inline request");
    mem_free(s);
    s = make_run_n("PING\0", 5, 'a', 65531, "", &n);
    EXPECT_N(s, n, "INC");
    mem_free(s);
    s = make_run_n("PING\0", 5, 'a', 65532, "\n", &n);
    EXPECT_N(s, n, "ERR:too big inline request");
    mem_free(s);
}

/* Unquoted inline requests leave the caller's bytes alone; quoted ones are decoded in place
 * inside the request's own line and nothing after it. */
static void test_inline_in_place(void)
{
    struct resp_parser p;
    resp_parser_init(&p);
    struct resp_req req;
    size_t used;
    char plain[] = "SET key value\r\nGET key\r\n";
    char copy[sizeof(plain)];
    memcpy(copy, plain, sizeof(plain));
    CHECK_EQ_INT(resp_parse(&p, plain, sizeof(plain) - 1, &req, &used), RESP_OK);
    CHECK_EQ_MEM(plain, sizeof(plain), copy, sizeof(copy));
    CHECK_EQ_INT(used, 15);

    char quoted[] = "SET \"a\\x41\" 'b c'\r\nGET x\r\n";
    CHECK_EQ_INT(resp_parse(&p, quoted, sizeof(quoted) - 1, &req, &used), RESP_OK);
    CHECK_EQ_INT(req.argc, 3);
    CHECK_EQ_MEM(quoted + req.argv[1].off, req.argv[1].len, "aA", 2);
    CHECK_EQ_MEM(quoted + req.argv[2].off, req.argv[2].len, "b c", 3);
    CHECK_EQ_STR(quoted + used, "GET x\r\n");
    resp_parser_deinit(&p);
}

static void test_err_text(void)
{
    struct resp_parser p;
    resp_parser_init(&p);
    char text[64];
    static const struct {
        enum resp_err err;
        const char *text;
    } cases[] = {
        {RESP_ERR_INLINE_TOO_BIG, "too big inline request"},
        {RESP_ERR_UNBALANCED_QUOTES, "unbalanced quotes in request"},
        {RESP_ERR_MBULK_TOO_BIG, "too big mbulk count string"},
        {RESP_ERR_MBULK_LEN, "invalid multibulk length"},
        {RESP_ERR_MBULK_UNAUTH, "unauthenticated multibulk length"},
        {RESP_ERR_BULK_TOO_BIG, "too big bulk count string"},
        {RESP_ERR_BULK_LEN, "invalid bulk length"},
        {RESP_ERR_BULK_UNAUTH, "unauthenticated bulk length"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        p.err = cases[i].err;
        resp_err_text(&p, text, sizeof(text));
        CHECK_EQ_STR(text, cases[i].text);
    }
    p.err = RESP_ERR_EXPECTED_DOLLAR;
    p.err_char = ':';
    resp_err_text(&p, text, sizeof(text));
    CHECK_EQ_STR(text, "expected '$', got ':'");
    resp_parser_deinit(&p);
}

/* ---- encoders ------------------------------------------------------------------------ */

#define CHECK_ENC(expr, want)                                                              \
    do {                                                                                   \
        char enc_[RESP_DOUBLE_MAX + 1];                                                    \
        size_t enc_n_ = (expr);                                                            \
        CHECK_EQ_MEM(enc_, enc_n_, want, strlen(want));                                    \
    } while (0)

static void test_encoders(void)
{
    CHECK_ENC(resp_enc_hdr(enc_, '*', 3), "*3\r\n");
    CHECK_ENC(resp_enc_hdr(enc_, '$', -1), "$-1\r\n");
    CHECK_ENC(resp_enc_hdr(enc_, ':', 0), ":0\r\n");
    CHECK_ENC(resp_enc_hdr(enc_, ':', LLONG_MIN), ":-9223372036854775808\r\n");
    CHECK_ENC(resp_enc_hdr(enc_, '$', LLONG_MAX), "$9223372036854775807\r\n");
    char big[RESP_HDR_MAX];
    CHECK(resp_enc_hdr(big, ':', LLONG_MIN) <= RESP_HDR_MAX);

    CHECK_ENC(resp_enc_array_len(enc_, 0), "*0\r\n");
    CHECK_ENC(resp_enc_array_len(enc_, 12), "*12\r\n");
    CHECK_ENC(resp_enc_map_len(enc_, 2, RESP2), "*4\r\n");
    CHECK_ENC(resp_enc_map_len(enc_, 2, RESP3), "%2\r\n");
    CHECK_ENC(resp_enc_map_len(enc_, 0, RESP2), "*0\r\n");
    CHECK_ENC(resp_enc_set_len(enc_, 3, RESP2), "*3\r\n");
    CHECK_ENC(resp_enc_set_len(enc_, 3, RESP3), "~3\r\n");
    CHECK_ENC(resp_enc_push_len(enc_, 3, RESP2), "*3\r\n");
    CHECK_ENC(resp_enc_push_len(enc_, 3, RESP3), ">3\r\n");

    size_t n;
    const char *s = resp_null_bulk(RESP2, &n);
    CHECK_EQ_MEM(s, n, "$-1\r\n", 5);
    s = resp_null_bulk(RESP3, &n);
    CHECK_EQ_MEM(s, n, "_\r\n", 3);
    s = resp_null_array(RESP2, &n);
    CHECK_EQ_MEM(s, n, "*-1\r\n", 5);
    s = resp_null_array(RESP3, &n);
    CHECK_EQ_MEM(s, n, "_\r\n", 3);

    CHECK_ENC(resp_enc_double(enc_, 1.5, RESP2), "$3\r\n1.5\r\n");
    CHECK_ENC(resp_enc_double(enc_, 1.5, RESP3), ",1.5\r\n");
    CHECK_ENC(resp_enc_double(enc_, 0.1, RESP2), "$19\r\n0.10000000000000001\r\n");
    CHECK_ENC(resp_enc_double(enc_, 0.1, RESP3), ",0.10000000000000001\r\n");
    CHECK_ENC(resp_enc_double(enc_, 3.0, RESP3), ",3\r\n");
    CHECK_ENC(resp_enc_double(enc_, 1e20, RESP2), "$5\r\n1e+20\r\n");
    CHECK_ENC(resp_enc_double(enc_, -0.0, RESP3), ",-0\r\n");
    CHECK_ENC(resp_enc_double(enc_, INFINITY, RESP2), "$3\r\ninf\r\n");
    CHECK_ENC(resp_enc_double(enc_, -INFINITY, RESP2), "$4\r\n-inf\r\n");
    CHECK_ENC(resp_enc_double(enc_, INFINITY, RESP3), ",inf\r\n");
    CHECK_ENC(resp_enc_double(enc_, -INFINITY, RESP3), ",-inf\r\n");
    CHECK_ENC(resp_enc_double(enc_, NAN, RESP3), ",nan\r\n");
    CHECK_ENC(resp_enc_double(enc_, -1.7976931348623157e308, RESP2),
              "$24\r\n-1.7976931348623157e+308\r\n");
    CHECK_ENC(resp_enc_double(enc_, 4.9406564584124654e-324, RESP3),
              ",4.9406564584124654e-324\r\n");

    CHECK_ENC(resp_enc_bool(enc_, true, RESP3), "#t\r\n");
    CHECK_ENC(resp_enc_bool(enc_, false, RESP3), "#f\r\n");
    CHECK_ENC(resp_enc_bool(enc_, true, RESP2), ":1\r\n");
    CHECK_ENC(resp_enc_bool(enc_, false, RESP2), ":0\r\n");

    CHECK_ENC(resp_enc_verbatim_hdr(enc_, 11, "txt", RESP3), "=15\r\ntxt:");
    CHECK_ENC(resp_enc_verbatim_hdr(enc_, 0, "mkd", RESP3), "=4\r\nmkd:");
    CHECK_ENC(resp_enc_verbatim_hdr(enc_, 11, "txt", RESP2), "$11\r\n");
}

int main(void)
{
    test_multibulk();
    test_multibulk_limits();
    test_argv_growth();
    test_scan_once();
    test_inline();
    test_inline_limits();
    test_inline_in_place();
    test_err_text();
    test_encoders();
    return check_done("test_protocol");
}
