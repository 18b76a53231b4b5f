/* protocol/resp.c: the incremental RESP request parser (multibulk and inline).
 *
 * Owns the byte-level rules Redis 7.0.15 applies to requests (processMultibulkBuffer,
 * processInlineBuffer, sdssplitargs) and the parser's argv array. Knows nothing of sockets,
 * commands or replies: it returns a status and slices, server/ turns them into behaviour.
 * Start at resp_parse(); scan_line() carries the "bytes are scanned once" bookkeeping.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "protocol/resp.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>

#include "utils/mem.h"
#include "utils/num.h"

#define RESP_DEFAULT_MAX_BULK (512LL * 1024 * 1024)
#define RESP_DEFAULT_MAX_INLINE (64LL * 1024)
/* Redis's limits for clients that still have to AUTH. */
#define RESP_UNAUTH_MAX_MBULK 10
#define RESP_UNAUTH_MAX_BULK 16384
/* Never allocate more argv slots up front than this, whatever count a client announces. */
#define RESP_ARGV_FIRST_MAX 1024
#define RESP_ARGV_INLINE_FIRST 8

void resp_parser_init(struct resp_parser *p)
{
    p->max_bulk_len = RESP_DEFAULT_MAX_BULK;
    p->max_inline_len = RESP_DEFAULT_MAX_INLINE;
    p->unauthenticated = false;
    p->argv = NULL;
    p->argv_cap = 0;
    resp_parser_reset(p);
}

void resp_parser_deinit(struct resp_parser *p)
{
    mem_free(p->argv);
    p->argv = NULL;
    p->argv_cap = 0;
    resp_parser_reset(p);
}

void resp_parser_reset(struct resp_parser *p)
{
    p->pos = 0;
    p->mbulk = 0;
    p->bulk_len = -1;
    p->argc = 0;
    p->err = RESP_ERR_NONE;
    p->err_char = 0;
}

static enum resp_status fail(struct resp_parser *p, enum resp_err err)
{
    p->err = err;
    return RESP_EPROTO;
}

/* Appends one argument slice, growing argv only as arguments really arrive: a client that
 * announces two billion arguments and sends one costs a small array. want_total bounds the
 * growth for multibulk requests (0 when unknown, i.e. inline). */
static void push_arg(struct resp_parser *p, size_t off, size_t len, long long want_total)
{
    if (p->argc == p->argv_cap) {
        long long cap;
        if (p->argv_cap == 0)
            cap = want_total > 0 ? want_total : RESP_ARGV_INLINE_FIRST;
        else
            cap = (long long)p->argv_cap * 2;
        if (p->argv_cap == 0 && cap > RESP_ARGV_FIRST_MAX)
            cap = RESP_ARGV_FIRST_MAX;
        if (want_total > 0 && cap > want_total)
            cap = want_total;
        if (cap <= p->argc)
            cap = (long long)p->argc + 1;
        p->argv = mem_realloc(p->argv, (size_t)cap * sizeof(*p->argv));
        p->argv_cap = (int)cap;
    }
    p->argv[p->argc].off = off;
    p->argv[p->argc].len = len;
    p->argc++;
}

/* ---- line scanning ------------------------------------------------------------------- */

enum scan { SCAN_FOUND, SCAN_MORE, SCAN_TOO_BIG };

/* Looks for byte ch in the line starting at start, resuming at p->pos so every byte is
 * examined once across calls. Redis searches with strchr() on its NUL-terminated query
 * buffer, so a NUL before the terminator hides it for good: the scan parks on the NUL and
 * the request can only end by growing past the limit. Redis's limit is "more than 64 KB
 * buffered and no terminator"; it is applied here as "no terminator within the first
 * max_inline_len + 1 bytes", which is what Redis does when bytes trickle in and, unlike the
 * literal rule, gives the same answer however the bytes were split across reads. */
static enum scan scan_line(struct resp_parser *p, const char *buf, size_t len, size_t start,
                           char ch, size_t *at)
{
    size_t max = (size_t)p->max_inline_len;
    size_t end = len - start > max ? start + max + 1 : len;
    size_t i = p->pos;
    while (i < end) {
        char c = buf[i];
        if (c == ch) {
            p->pos = i;
            *at = i;
            return SCAN_FOUND;
        }
        if (c == '\0')
            break;
        i++;
    }
    p->pos = i;
    return len - start > max ? SCAN_TOO_BIG : SCAN_MORE;
}

/* ---- multibulk ----------------------------------------------------------------------- */

/* Where the header of the next bulk starts. Derived rather than stored: the count line is
 * always the canonical decimal (string2ll rejects anything else), and later headers follow
 * the previous argument and its two trailing bytes. */
static size_t bulk_header_start(const struct resp_parser *p)
{
    if (p->argc == 0)
        return 1 + (size_t)num_ll_digits(p->mbulk) + 2;
    const struct resp_arg *last = &p->argv[p->argc - 1];
    return last->off + last->len + 2;
}

static enum resp_status parse_multibulk(struct resp_parser *p, const char *buf, size_t len)
{
    size_t at;
    long long ll;

    if (p->mbulk == 0) {
        switch (scan_line(p, buf, len, 0, '\r', &at)) {
        case SCAN_TOO_BIG:
            return fail(p, RESP_ERR_MBULK_TOO_BIG);
        case SCAN_MORE:
            return RESP_INCOMPLETE;
        case SCAN_FOUND:
            break;
        }
        /* Redis wants one byte after '\r' and skips it unchecked: "*1\rX" ends the line. */
        if (at + 1 >= len)
            return RESP_INCOMPLETE;
        if (!num_str2ll(buf + 1, at - 1, &ll) || ll > INT_MAX)
            return fail(p, RESP_ERR_MBULK_LEN);
        if (ll > RESP_UNAUTH_MAX_MBULK && p->unauthenticated)
            return fail(p, RESP_ERR_MBULK_UNAUTH);
        p->pos = at + 2;
        if (ll <= 0)
            return RESP_OK; /* "*0" and any negative count are empty requests */
        p->mbulk = ll;
        p->bulk_len = -1;
    }

    while (p->argc < p->mbulk) {
        if (p->bulk_len < 0) {
            size_t start = bulk_header_start(p);
            switch (scan_line(p, buf, len, start, '\r', &at)) {
            case SCAN_TOO_BIG:
                return fail(p, RESP_ERR_BULK_TOO_BIG);
            case SCAN_MORE:
                return RESP_INCOMPLETE;
            case SCAN_FOUND:
                break;
            }
            if (at + 1 >= len)
                return RESP_INCOMPLETE;
            /* Only a whole header line is judged, so "*1\r\nx" waits for its '\r'. */
            if (buf[start] != '$') {
                p->err_char = buf[start];
                return fail(p, RESP_ERR_EXPECTED_DOLLAR);
            }
            if (!num_str2ll(buf + start + 1, at - start - 1, &ll) || ll < 0 ||
                ll > p->max_bulk_len)
                return fail(p, RESP_ERR_BULK_LEN);
            if (ll > RESP_UNAUTH_MAX_BULK && p->unauthenticated)
                return fail(p, RESP_ERR_BULK_UNAUTH);
            p->bulk_len = ll;
            p->pos = at + 2;
        }
        /* The payload is never scanned; its two trailing bytes are skipped unchecked, as
         * Redis does ("$4\r\nPINGxx" is PING). */
        if ((unsigned long long)(len - p->pos) < (unsigned long long)p->bulk_len + 2)
            return RESP_INCOMPLETE;
        push_arg(p, p->pos, (size_t)p->bulk_len, p->mbulk);
        p->pos += (size_t)p->bulk_len + 2;
        p->bulk_len = -1;
    }
    return RESP_OK;
}

/* ---- inline -------------------------------------------------------------------------- */

/* C-locale isspace(): sdssplitargs skips these between arguments. */
static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Splits line[0..end) into arguments the way sdssplitargs does, unescaping in place: an
 * argument's decoded bytes start where its raw text starts and are never longer, so each
 * argument is still a slice of the caller's buffer. Bytes are only written when decoding
 * moved them, so a request without quotes leaves the buffer untouched.
 * Returns false for unbalanced quotes (the buffer may then be partly rewritten; the
 * connection is closing anyway). */
static bool split_inline(struct resp_parser *p, char *line, size_t end)
{
    /* line[end] may be '\r', '\n' or beyond the buffer: read through at(), which returns
     * the NUL that terminates the line in Redis's copy of it. */
#define at(k) ((k) < end ? line[(k)] : '\0')
    size_t i = 0;
    for (;;) {
        while (i < end && is_blank(line[i]))
            i++;
        if (i == end)
            return true;
        size_t tok = i, w = i;
        enum { BARE, DQUOTE, SQUOTE } mode = BARE;
        bool done = false;
        while (!done) {
            char c = at(i), out;
            size_t step = 1;
            bool emit = true;
            if (mode == DQUOTE) {
                int hi, lo;
                if (c == '\\' && at(i + 1) == 'x' && (hi = hex_value(at(i + 2))) >= 0 &&
                    (lo = hex_value(at(i + 3))) >= 0) {
                    out = (char)(hi * 16 + lo);
                    step = 4;
                } else if (c == '\\' && at(i + 1) != '\0') {
                    switch (at(i + 1)) {
                    case 'n': out = '\n'; break;
                    case 'r': out = '\r'; break;
                    case 't': out = '\t'; break;
                    case 'b': out = '\b'; break;
                    case 'a': out = '\a'; break;
                    default: out = at(i + 1); break;
                    }
                    step = 2;
                } else if (c == '"') {
                    /* The closing quote must end the argument. */
                    if (at(i + 1) != '\0' && !is_blank(at(i + 1)))
                        return false;
                    emit = false;
                    done = true;
                } else if (c == '\0') {
                    return false;
                } else {
                    out = c;
                }
            } else if (mode == SQUOTE) {
                if (c == '\\' && at(i + 1) == '\'') {
                    out = '\'';
                    step = 2;
                } else if (c == '\'') {
                    if (at(i + 1) != '\0' && !is_blank(at(i + 1)))
                        return false;
                    emit = false;
                    done = true;
                } else if (c == '\0') {
                    return false;
                } else {
                    out = c;
                }
            } else {
                /* Only these end a bare argument: "a\vb" is one argument. A quote opens
                 * quoted mode even mid-argument: a"b c" is "ab c". */
                emit = false;
                if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0') {
                    done = true;
                    step = c == '\0' ? 0 : 1;
                } else if (c == '"') {
                    mode = DQUOTE;
                } else if (c == '\'') {
                    mode = SQUOTE;
                } else {
                    out = c;
                    emit = true;
                }
            }
            if (emit) {
                if (w != i)
                    line[w] = out;
                w++;
            }
            i += step;
        }
        push_arg(p, tok, w - tok, 0);
    }
#undef at
}

static enum resp_status parse_inline(struct resp_parser *p, const char *buf, size_t len,
                                     size_t *line_end)
{
    size_t at;
    switch (scan_line(p, buf, len, 0, '\n', &at)) {
    case SCAN_TOO_BIG:
        return fail(p, RESP_ERR_INLINE_TOO_BIG);
    case SCAN_MORE:
        return RESP_INCOMPLETE;
    case SCAN_FOUND:
        break;
    }
    size_t end = at;
    if (end > 0 && buf[end - 1] == '\r')
        end--;
    /* An unescaped argument has to live where a slice of buf can name it, so it is written
     * in place (resp_parse takes a writable buf for this); only bytes of this already-complete
     * request are touched, and the decoded text is never longer than the raw one. */
    if (!split_inline(p, (char *)buf, end))
        return fail(p, RESP_ERR_UNBALANCED_QUOTES);
    *line_end = at + 1;
    return RESP_OK;
}

/* ---- API ----------------------------------------------------------------------------- */

enum resp_status resp_parse(struct resp_parser *p, char *buf, size_t len,
                            struct resp_req *req, size_t *used)
{
    *used = 0;
    if (p->err != RESP_ERR_NONE)
        return RESP_EPROTO;
    assert(len >= p->pos);
    if (len == 0)
        return RESP_INCOMPLETE;

    bool fresh = p->pos == 0 && p->mbulk == 0 && p->argc == 0;
    if (fresh && p->argv_cap > RESP_ARGV_FIRST_MAX) {
        /* A huge request is over; don't keep its argv for every small one after it. */
        mem_free(p->argv);
        p->argv = NULL;
        p->argv_cap = 0;
    }

    bool is_inline = buf[0] != '*';
    size_t consumed = 0;
    enum resp_status st;
    if (is_inline) {
        st = parse_inline(p, buf, len, &consumed);
    } else {
        st = parse_multibulk(p, buf, len);
        consumed = p->pos;
    }
    if (st != RESP_OK)
        return st;

    req->argc = p->argc;
    req->argv = p->argv;
    req->is_inline = is_inline;
    *used = consumed;
    p->pos = 0;
    p->mbulk = 0;
    p->bulk_len = -1;
    p->argc = 0;
    return RESP_OK;
}

void resp_err_text(const struct resp_parser *p, char *dst, size_t size)
{
    const char *text = "";
    switch (p->err) {
    case RESP_ERR_NONE: text = ""; break;
    case RESP_ERR_INLINE_TOO_BIG: text = "too big inline request"; break;
    case RESP_ERR_UNBALANCED_QUOTES: text = "unbalanced quotes in request"; break;
    case RESP_ERR_MBULK_TOO_BIG: text = "too big mbulk count string"; break;
    case RESP_ERR_MBULK_LEN: text = "invalid multibulk length"; break;
    case RESP_ERR_MBULK_UNAUTH: text = "unauthenticated multibulk length"; break;
    case RESP_ERR_BULK_TOO_BIG: text = "too big bulk count string"; break;
    case RESP_ERR_BULK_LEN: text = "invalid bulk length"; break;
    case RESP_ERR_BULK_UNAUTH: text = "unauthenticated bulk length"; break;
    case RESP_ERR_EXPECTED_DOLLAR: {
        /* Redis's error replies turn CR and LF into spaces so the reply stays one line:
         * "*1\r\n\r\n" answers "expected '$', got ' '". */
        char c = p->err_char == '\r' || p->err_char == '\n' ? ' ' : p->err_char;
        snprintf(dst, size, "expected '$', got '%c'", c);
        return;
    }
    }
    snprintf(dst, size, "%s", text);
}
