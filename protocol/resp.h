/* protocol/resp.h: the incremental RESP request parser (multibulk and inline).
 *
 * A pure function over bytes: no sockets, no globals, no allocation proportional to what a
 * client merely announces. Start at resp_parse().
 */
#ifndef KVD_PROTOCOL_RESP_H
#define KVD_PROTOCOL_RESP_H

#include <stdbool.h>
#include <stddef.h>

enum resp_status {
    RESP_OK,         /* one whole request parsed */
    RESP_INCOMPLETE, /* need more bytes; call again with the same buffer start plus more */
    RESP_EPROTO,     /* protocol error: p->err says which; the connection must be closed */
};

/* Which protocol error, so server/ can write Redis's exact text. */
enum resp_err {
    RESP_ERR_NONE,
    RESP_ERR_INLINE_TOO_BIG,      /* "too big inline request" */
    RESP_ERR_UNBALANCED_QUOTES,   /* "unbalanced quotes in request" */
    RESP_ERR_MBULK_TOO_BIG,       /* "too big mbulk count string" */
    RESP_ERR_MBULK_LEN,           /* "invalid multibulk length" */
    RESP_ERR_MBULK_UNAUTH,        /* "unauthenticated multibulk length" */
    RESP_ERR_BULK_TOO_BIG,        /* "too big bulk count string" */
    RESP_ERR_EXPECTED_DOLLAR,     /* "expected '$', got '%c'" with p->err_char */
    RESP_ERR_BULK_LEN,            /* "invalid bulk length" */
    RESP_ERR_BULK_UNAUTH,         /* "unauthenticated bulk length" */
};

/* One argument: a slice of the buffer given to resp_parse(), as an offset from that
 * buffer's start (offsets survive the buffer being reallocated between calls). */
struct resp_arg {
    size_t off;
    size_t len;
};

/* A parsed request. argv is owned by the parser and reused by the next request. */
struct resp_req {
    int argc;
    struct resp_arg *argv;
    bool is_inline;
};

/* Parser state carried between calls while a request is incomplete, plus limits. */
struct resp_parser {
    /* limits (set by the owner; resp_parser_init sets Redis's defaults) */
    long long max_bulk_len;   /* proto-max-bulk-len, default 512 MB */
    long long max_inline_len; /* 64 KB: longest inline request / count line without a newline */
    bool unauthenticated;     /* apply Redis's stricter limits for clients that must AUTH */

    /* progress of the current request (private) */
    size_t pos;         /* bytes of the current request already scanned */
    long long mbulk;    /* args announced, 0 while not yet known */
    long long bulk_len; /* length of the arg being read, -1 while its header is unread */
    int argc;
    int argv_cap;
    struct resp_arg *argv; /* owned */

    /* set on RESP_EPROTO */
    enum resp_err err;
    char err_char;
};

/* Initialises with default limits. */
void resp_parser_init(struct resp_parser *p);
/* Frees the argv array. */
void resp_parser_deinit(struct resp_parser *p);
/* Forgets any partial request (e.g. after the owner discarded its buffer). */
void resp_parser_reset(struct resp_parser *p);

/* Parses at most one request from buf[0..len), where buf starts at the first byte of the
 * current request (the caller consumes *used bytes after RESP_OK and before the next call;
 * on RESP_INCOMPLETE it must call again with the same start and more bytes).
 * On RESP_OK: *used bytes were consumed and req->argv are slices into buf. An empty request
 * (an empty inline line, "*0\r\n", "*-1\r\n") yields RESP_OK with argc 0: skip it.
 * Never reads past len. Amortised O(len): bytes are scanned once across calls.
 * buf must be writable: quoted inline arguments are unescaped in place, inside the bytes of
 * the request being returned (an unquoted request is never written to). */
enum resp_status resp_parse(struct resp_parser *p, char *buf, size_t len,
                            struct resp_req *req, size_t *used);

/* Text of a protocol error without the "ERR Protocol error: " prefix, NUL-terminated, in
 * dst (at least 64 bytes). */
void resp_err_text(const struct resp_parser *p, char *dst, size_t size);

#endif
