/* server/cmd_list.h: handlers for the non-blocking list commands (LPUSH, LPOP, LRANGE, LMOVE,
 * LMPOP, ...). See commands.c for arity and flags. */
#ifndef KVD_SERVER_CMD_LIST_H
#define KVD_SERVER_CMD_LIST_H

#include <stdbool.h>

#include "server/commands.h"
#include "storage/list.h"

struct conn;
struct db;
struct obj;

/* Pops up to count elements (count < 0: all) from the non-empty list l at key and replies
 * them in pop order: as an array when as_array, else the single element as a bulk. Deletes
 * the key when the list empties, signals the change, counts server.dirty. For LPOP/RPOP,
 * LMPOP and the blocking pops. */
void cmd_list_pop_reply(struct conn *c, struct db *db, const struct slice *key, struct obj *l,
                        enum list_where where, long long count, bool as_array);
/* Moves one element from the non-empty list sl at src to the list at dst (created when
 * absent; db_add fires key_ready), replying the element as a bulk. Returns false, after a
 * WRONGTYPE reply and with nothing changed, when dst holds another type. For LMOVE,
 * RPOPLPUSH, BLMOVE and BRPOPLPUSH. */
bool cmd_list_move_one(struct conn *c, struct db *db, const struct slice *src, struct obj *sl,
                       const struct slice *dst, enum list_where from, enum list_where to);

void cmd_blmove(struct cmd_ctx *ctx);
void cmd_blmpop(struct cmd_ctx *ctx);
void cmd_blpop(struct cmd_ctx *ctx);
void cmd_brpop(struct cmd_ctx *ctx);
void cmd_brpoplpush(struct cmd_ctx *ctx);
void cmd_lindex(struct cmd_ctx *ctx);
void cmd_linsert(struct cmd_ctx *ctx);
void cmd_llen(struct cmd_ctx *ctx);
void cmd_lmove(struct cmd_ctx *ctx);
void cmd_lmpop(struct cmd_ctx *ctx);
void cmd_lpop(struct cmd_ctx *ctx);
void cmd_lpos(struct cmd_ctx *ctx);
void cmd_lpush(struct cmd_ctx *ctx);
void cmd_lpushx(struct cmd_ctx *ctx);
void cmd_lrange(struct cmd_ctx *ctx);
void cmd_lrem(struct cmd_ctx *ctx);
void cmd_lset(struct cmd_ctx *ctx);
void cmd_ltrim(struct cmd_ctx *ctx);
void cmd_rpop(struct cmd_ctx *ctx);
void cmd_rpoplpush(struct cmd_ctx *ctx);
void cmd_rpush(struct cmd_ctx *ctx);
void cmd_rpushx(struct cmd_ctx *ctx);

#endif
