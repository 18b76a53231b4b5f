/* server/reply.h: building replies into a connection's output queue.
 *
 * Every reply goes through these functions: they encode via protocol/ into c's output
 * blocks (no allocation per reply while a block has room), honour CLIENT REPLY OFF/SKIP,
 * and put c on the pending-write list. A handler replies exactly once per command (an
 * aggregate counts as one reply: its header then its elements).
 */
#ifndef KVD_SERVER_REPLY_H
#define KVD_SERVER_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "server/conn.h"
#include "server/errors.h"
#include "storage/status.h"

struct obj;

/* An output block holds at least this much; replies bigger than it get a block of their own. */
#define REPLY_CHUNK_SIZE (16 * 1024)

/* Raw protocol bytes. */
void reply_raw(struct conn *c, const char *p, size_t len);
/* "+OK". */
void reply_ok(struct conn *c);
/* "+<s>" (s must not contain CR/LF). */
void reply_simple(struct conn *c, const char *s);
void reply_simple_len(struct conn *c, const char *s, size_t len);
/* ":<v>". */
void reply_int(struct conn *c, long long v);
/* "$<len>\r\n<bytes>\r\n". */
void reply_bulk(struct conn *c, const char *p, size_t len);
void reply_bulk_cstr(struct conn *c, const char *s);
/* A string object's value as a bulk (any encoding); large values are queued by reference
 * (retained until written) instead of copied. */
void reply_bulk_obj(struct conn *c, struct obj *o);
/* A long long as a bulk string ("$2\r\n10\r\n"). */
void reply_bulk_ll(struct conn *c, long long v);
/* Null bulk: "$-1" (RESP2) / "_" (RESP3). */
void reply_null(struct conn *c);
/* Null array: "*-1" (RESP2) / "_" (RESP3). */
void reply_null_array(struct conn *c);
/* Aggregate headers; the caller then adds exactly n elements (2n for maps). */
void reply_array(struct conn *c, long long n);
/* A HELP reply: the n lines as an array of status replies. */
void reply_help(struct conn *c, const char *const *lines, size_t n);
/* A HELP reply: title, the NULL-terminated lines, then HELP's own two lines. */
void reply_help_titled(struct conn *c, const char *title, const char *const *lines);
void reply_map(struct conn *c, long long n);
void reply_set(struct conn *c, long long n);
void reply_push(struct conn *c, long long n);
/* Doubles and booleans in the client's protocol. */
void reply_double(struct conn *c, double d);
void reply_bool(struct conn *c, bool v);
/* Verbatim text ("=…txt:" in RESP3, bulk in RESP2), e.g. INFO, CLIENT LIST. */
void reply_verbatim(struct conn *c, const char *p, size_t len);
/* Empty array "*0". */
void reply_empty_array(struct conn *c);

/* The error for e (server/errors.c holds every text), formatted with the arguments that
 * entry expects. Counts error statistics. */
void reply_error(struct conn *c, enum err e, ...);
/* Error text built by the caller (must start with an error code such as "ERR "); for the few
 * texts made of many parts. Counts error statistics. */
void reply_error_text(struct conn *c, const char *text, size_t len);
/* The error for a storage status (WRONGTYPE, not an integer, ...). st must not be ST_OK. */
void reply_status(struct conn *c, enum st_status st);

/* Deferred aggregate length, for replies whose count is known only at the end (KEYS, SCAN
 * output...). reply_defer() reserves the header; reply_defer_set() writes it. Only one
 * deferred header may be open per conn at a time. */
void *reply_defer(struct conn *c);
void reply_defer_set_array(struct conn *c, void *handle, long long n);
void reply_defer_set_map(struct conn *c, void *handle, long long n);
void reply_defer_set_set(struct conn *c, void *handle, long long n);

/* Frees c's queued output (close). */
void reply_free_output(struct conn *c);

#endif
