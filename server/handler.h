/* server/handler.h: small pieces every command handler group shares.
 *
 * Telling the keyspace's watchers about in-place edits, looking a key up with its type checked,
 * and the option parsing and empty reply of the *SCAN family. Handlers stay in cmd_<group>.c;
 * only what several groups would otherwise write twice lives here.
 */
#ifndef KVD_SERVER_HANDLER_H
#define KVD_SERVER_HANDLER_H

#include <stdbool.h>

#include "server/commands.h"
#include "storage/obj.h"

struct db;
struct conn;

/* An in-place edit keeps the same value object in the keyspace, so db_* fires nothing: this
 * fires the key_modified hook (WATCH, later keyspace events) for key. */
void handler_signal_modified(struct db *db, const struct slice *key);

/* The value of type at key in ctx->db: true with *out NULL when absent; false (WRONGTYPE
 * replied) when the key holds another type. Borrowed until the keyspace next changes. */
bool handler_lookup_typed(struct cmd_ctx *ctx, const struct slice *key, enum obj_type type,
                          int flags, struct obj **out);

/* [MATCH pattern] [COUNT count] pairs of HSCAN/SSCAN/ZSCAN from argv[first] on, later ones
 * winning. *pattern is NULL for no pattern or "*"; *count defaults to 10. Replies the error
 * (syntax, not an integer, COUNT < 1) and returns false on failure. */
bool handler_scan_opts(struct cmd_ctx *ctx, int first, const struct slice **pattern,
                       long long *count);

/* Redis's index clamping for LRANGE, LTRIM, ZRANGE, ZREMRANGEBYRANK: negative indexes count
 * from the end, the range is cut to [0, len). False when it is empty; else the inclusive
 * *first..*last. */
bool handler_clamp_range(long long start, long long end, size_t len, size_t *first,
                         size_t *last);

/* The reply of a scan over a missing key: cursor "0" and no elements. */
void handler_reply_empty_scan(struct conn *c);

#endif
