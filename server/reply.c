/* server/reply.c: appending replies to a connection's output queue.
 *
 * Owns the chunk queue behind c->out_head: small replies are encoded straight into the tail
 * block (no allocation per reply while it has room), large string values are queued as
 * references to their object. Knows nothing of sockets: conn.c writes the queue out.
 * Start at out_reserve(); every reply_* function is a thin encoder over it.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "protocol/resp_enc.h"
#include "server/server.h"
#include "storage/obj.h"
#include "storage/str.h"
#include "utils/mem.h"

#define CHUNK_SIZE REPLY_CHUNK_SIZE
/* String values at least this long are queued by reference instead of copied. */
#define REF_MIN_BYTES (16 * 1024)

/* True when the current reply must be dropped: CLIENT REPLY OFF/SKIP or a conn being closed. */
static inline bool muted(const struct conn *c)
{
    return (c->flags & (CONN_REPLY_OFF | CONN_REPLY_SKIP | CONN_CLOSE_ASAP)) != 0;
}

static struct out_chunk *chunk_new(size_t size)
{
    struct out_chunk *ch = mem_alloc(sizeof(*ch) + size);
    ch->next = NULL;
    ch->ref = NULL;
    ch->size = size;
    ch->used = 0;
    ch->sent = 0;
    return ch;
}

static void chunk_link(struct conn *c, struct out_chunk *ch)
{
    if (c->out_tail != NULL)
        c->out_tail->next = ch;
    else
        c->out_head = ch;
    c->out_tail = ch;
    c->out_chunks++;
}

/* Room for n contiguous bytes at the end of the queue. */
static char *out_reserve(struct conn *c, size_t n)
{
    struct out_chunk *t = c->out_tail;
    if (t == NULL || t->ref != NULL || t->size - t->used < n) {
        t = chunk_new(n > CHUNK_SIZE ? n : CHUNK_SIZE);
        chunk_link(c, t);
        /* A new block is the moment the queue grows: the cheap place to enforce limits. */
        if (c->out_chunks > 1)
            conn_check_obuf_limits(c);
    }
    return t->data + t->used;
}

static inline void out_commit(struct conn *c, size_t n)
{
    c->out_tail->used += n;
    c->out_bytes += n;
    if (!(c->flags & CONN_PENDING_WRITE))
        conn_want_write(c);
}

/* Appends n bytes, splitting across blocks when larger than the free room. */
static void out_append(struct conn *c, const char *p, size_t n)
{
    struct out_chunk *t = c->out_tail;
    if (t != NULL && t->ref == NULL && t->size > t->used) {
        size_t room = t->size - t->used;
        size_t k = n < room ? n : room;
        memcpy(t->data + t->used, p, k);
        out_commit(c, k);
        p += k;
        n -= k;
    }
    if (n > 0) {
        memcpy(out_reserve(c, n), p, n);
        out_commit(c, n);
    }
}

void reply_raw(struct conn *c, const char *p, size_t len)
{
    if (muted(c) || len == 0)
        return;
    out_append(c, p, len);
}

void reply_ok(struct conn *c)
{
    reply_raw(c, "+OK\r\n", 5);
}

void reply_simple_len(struct conn *c, const char *s, size_t len)
{
    if (muted(c))
        return;
    char *dst = out_reserve(c, len + 3);
    dst[0] = '+';
    memcpy(dst + 1, s, len);
    dst[len + 1] = '\r';
    dst[len + 2] = '\n';
    out_commit(c, len + 3);
}

void reply_simple(struct conn *c, const char *s)
{
    reply_simple_len(c, s, strlen(s));
}

void reply_int(struct conn *c, long long v)
{
    if (muted(c))
        return;
    /* The replies that dominate real traffic (":0", ":1") skip the formatter. */
    if (v == 0 || v == 1) {
        reply_raw(c, v ? ":1\r\n" : ":0\r\n", 4);
        return;
    }
    char *dst = out_reserve(c, RESP_HDR_MAX);
    out_commit(c, resp_enc_hdr(dst, ':', v));
}

static void bulk_hdr(struct conn *c, size_t len)
{
    char *dst = out_reserve(c, RESP_HDR_MAX);
    out_commit(c, resp_enc_hdr(dst, '$', (long long)len));
}

void reply_bulk(struct conn *c, const char *p, size_t len)
{
    if (muted(c))
        return;
    if (len <= CHUNK_SIZE) {
        char *dst = out_reserve(c, len + RESP_HDR_MAX + 2);
        size_t h = resp_enc_hdr(dst, '$', (long long)len);
        memcpy(dst + h, p, len);
        dst[h + len] = '\r';
        dst[h + len + 1] = '\n';
        out_commit(c, h + len + 2);
        return;
    }
    bulk_hdr(c, len);
    out_append(c, p, len);
    out_append(c, "\r\n", 2);
}

void reply_bulk_cstr(struct conn *c, const char *s)
{
    reply_bulk(c, s, strlen(s));
}

void reply_bulk_obj(struct conn *c, struct obj *o)
{
    if (muted(c))
        return;
    char tmp[NUM_LL_MAXLEN];
    size_t len;
    const char *p = str_bytes(o, tmp, &len);
    if (len < REF_MIN_BYTES || o->enc != OBJ_ENC_RAW) {
        reply_bulk(c, p, len);
        return;
    }
    /* Large raw value: queue a reference; the object lives until the bytes are written. */
    bulk_hdr(c, len);
    struct out_chunk *ch = chunk_new(0);
    ch->ref = obj_retain(o);
    ch->used = len;
    chunk_link(c, ch);
    c->out_bytes += len;
    out_append(c, "\r\n", 2);
    conn_check_obuf_limits(c);
}

void reply_bulk_ll(struct conn *c, long long v)
{
    char tmp[NUM_LL_MAXLEN];
    size_t n = num_ll2str(tmp, v);
    reply_bulk(c, tmp, n);
}

void reply_null(struct conn *c)
{
    size_t n;
    const char *p = resp_null_bulk(c->proto, &n);
    reply_raw(c, p, n);
}

void reply_null_array(struct conn *c)
{
    size_t n;
    const char *p = resp_null_array(c->proto, &n);
    reply_raw(c, p, n);
}

void reply_array(struct conn *c, long long n)
{
    if (muted(c))
        return;
    char *dst = out_reserve(c, RESP_HDR_MAX);
    out_commit(c, resp_enc_array_len(dst, n));
}

void reply_help(struct conn *c, const char *const *lines, size_t n)
{
    reply_array(c, (long long)n);
    for (size_t i = 0; i < n; i++)
        reply_simple(c, lines[i]);
}

void reply_help_titled(struct conn *c, const char *title, const char *const *lines)
{
    long long n = 0;
    while (lines[n] != NULL)
        n++;
    reply_array(c, n + 3);
    reply_simple(c, title);
    for (long long i = 0; i < n; i++)
        reply_simple(c, lines[i]);
    reply_simple(c, "HELP");
    reply_simple(c, "    Print this help.");
}

void reply_map(struct conn *c, long long n)
{
    if (muted(c))
        return;
    char *dst = out_reserve(c, RESP_HDR_MAX);
    out_commit(c, resp_enc_map_len(dst, n, c->proto));
}

void reply_set(struct conn *c, long long n)
{
    if (muted(c))
        return;
    char *dst = out_reserve(c, RESP_HDR_MAX);
    out_commit(c, resp_enc_set_len(dst, n, c->proto));
}

void reply_push(struct conn *c, long long n)
{
    if (muted(c))
        return;
    char *dst = out_reserve(c, RESP_HDR_MAX);
    out_commit(c, resp_enc_push_len(dst, n, c->proto));
}

void reply_double(struct conn *c, double d)
{
    if (muted(c))
        return;
    char *dst = out_reserve(c, RESP_DOUBLE_MAX);
    out_commit(c, resp_enc_double(dst, d, c->proto));
}

void reply_bool(struct conn *c, bool v)
{
    if (muted(c))
        return;
    char *dst = out_reserve(c, 8);
    out_commit(c, resp_enc_bool(dst, v, c->proto));
}

void reply_verbatim(struct conn *c, const char *p, size_t len)
{
    if (muted(c))
        return;
    char *dst = out_reserve(c, RESP_HDR_MAX);
    out_commit(c, resp_enc_verbatim_hdr(dst, len, "txt", c->proto));
    out_append(c, p, len);
    out_append(c, "\r\n", 2);
}

void reply_empty_array(struct conn *c)
{
    reply_raw(c, "*0\r\n", 4);
}

/* errorstats key: the code before the first space ("ERR", "WRONGTYPE"). */
static void count_error(const char *text, size_t len)
{
    server.stat_total_error_replies++;
    size_t n = 0;
    while (n < len && text[n] != ' ')
        n++;
    /* Redis looks for the space in the first 32 bytes of "-CODE ..." only; without one the
     * code is ERR (a script can reply any error text, e.g. {err='x'}). */
    if (n >= len || n >= 31) {
        text = "ERR";
        n = 3;
    }
    if (server.errorstats == NULL)
        return;
    /* Redis stops adding new codes past 128 distinct ones to bound the table. */
    struct dict_entry *e = dict_find(server.errorstats, text, n);
    if (e == NULL && dict_size(server.errorstats) >= 128)
        return;
    if (e == NULL)
        e = dict_add(server.errorstats, text, n, NULL);
    e->v.i++;
}

void reply_error_text(struct conn *c, const char *text, size_t len)
{
    count_error(text, len);
    if (muted(c))
        return;
    char *dst = out_reserve(c, len + 3);
    dst[0] = '-';
    /* A CR or LF inside would end the error early on the wire: Redis turns them into spaces. */
    for (size_t i = 0; i < len; i++)
        dst[i + 1] = (text[i] == '\r' || text[i] == '\n') ? ' ' : text[i];
    dst[len + 1] = '\r';
    dst[len + 2] = '\n';
    out_commit(c, len + 3);
}

void reply_error(struct conn *c, enum err e, ...)
{
    char text[4096];
    va_list ap;
    va_start(ap, e);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    int n = vsnprintf(text, sizeof(text), err_format(e), ap);
#pragma GCC diagnostic pop
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(text))
        n = sizeof(text) - 1;
    reply_error_text(c, text, (size_t)n);
}

void reply_status(struct conn *c, enum st_status st)
{
    switch (st) {
    case ST_WRONGTYPE: reply_error(c, ERR_WRONGTYPE); break;
    case ST_NOT_INTEGER: reply_error(c, ERR_NOT_INTEGER); break;
    case ST_NOT_FLOAT: reply_error(c, ERR_NOT_FLOAT); break;
    case ST_OVERFLOW: reply_error(c, ERR_OVERFLOW); break;
    case ST_NAN_INF: reply_error(c, ERR_NAN_INF); break;
    case ST_TOO_BIG: reply_error(c, ERR_STRING_TOO_LONG); break;
    case ST_NOKEY: reply_error(c, ERR_NO_SUCH_KEY); break;
    case ST_SAME_OBJECT: reply_error(c, ERR_SAME_OBJECT); break;
    case ST_EXISTS: /* callers reply 0 for "exists"; reaching here is a handler bug */
    case ST_OK:
    default: reply_error(c, ERR_SYNTAX); break;
    }
}

/* A deferred header is a block of its own, marked full so later replies go after it. */
void *reply_defer(struct conn *c)
{
    if (muted(c))
        return NULL;
    struct out_chunk *ch = chunk_new(RESP_HDR_MAX);
    ch->used = ch->size;
    chunk_link(c, ch);
    return ch;
}

static void defer_set(struct conn *c, void *handle, size_t (*enc)(char *, long long, enum resp_proto),
                      long long n)
{
    if (handle == NULL)
        return;
    struct out_chunk *ch = handle;
    ch->used = enc(ch->data, n, c->proto);
    c->out_bytes += ch->used;
    if (!(c->flags & CONN_PENDING_WRITE))
        conn_want_write(c);
}

static size_t enc_array(char *dst, long long n, enum resp_proto proto)
{
    (void)proto;
    return resp_enc_array_len(dst, n);
}

void reply_defer_set_array(struct conn *c, void *handle, long long n)
{
    defer_set(c, handle, enc_array, n);
}

void reply_defer_set_map(struct conn *c, void *handle, long long n)
{
    defer_set(c, handle, resp_enc_map_len, n);
}

void reply_defer_set_set(struct conn *c, void *handle, long long n)
{
    defer_set(c, handle, resp_enc_set_len, n);
}

void reply_free_output(struct conn *c)
{
    struct out_chunk *ch = c->out_head;
    while (ch != NULL) {
        struct out_chunk *next = ch->next;
        if (ch->ref != NULL)
            obj_release(ch->ref);
        mem_free(ch);
        ch = next;
    }
    c->out_head = c->out_tail = NULL;
    c->out_bytes = 0;
    c->out_chunks = 0;
}
