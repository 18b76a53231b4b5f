/* server/cmd_zset.h: handlers for the sorted set commands (ZADD, ZRANGE, ZUNION, ZPOPMIN,
 * ZMPOP, ZSCAN, ..., and the blocking BZPOPMIN, BZPOPMAX, BZMPOP). See commands.c for
 * arity and flags. */
#ifndef KVD_SERVER_CMD_ZSET_H
#define KVD_SERVER_CMD_ZSET_H

#include <stdbool.h>

#include "server/commands.h"

struct conn;
struct db;
struct obj;

/* Pops up to count members (count >= 1) from the lowest (or highest, when max) end of the
 * non-empty sorted set z at key, replying them in Redis's shapes: with emitkey the reply is
 * [key, [[member, score], ...]] (ZMPOP, BZMPOP) when nested, else [key, member, score, ...]
 * (BZPOPMIN); without emitkey [[member, score], ...] when nested (ZPOPMIN count in RESP3)
 * or a flat [member, score, ...]. Deletes the emptied key, signals the change, counts
 * server.dirty. For ZPOPMIN/ZPOPMAX, ZMPOP and the blocking pops. */
void cmd_zset_pop_reply(struct conn *c, struct db *db, const struct slice *key, struct obj *z,
                        bool max, long long count, bool emitkey, bool nested);

void cmd_bzmpop(struct cmd_ctx *ctx);
void cmd_bzpopmax(struct cmd_ctx *ctx);
void cmd_bzpopmin(struct cmd_ctx *ctx);
void cmd_zadd(struct cmd_ctx *ctx);
void cmd_zcard(struct cmd_ctx *ctx);
void cmd_zcount(struct cmd_ctx *ctx);
void cmd_zdiff(struct cmd_ctx *ctx);
void cmd_zdiffstore(struct cmd_ctx *ctx);
void cmd_zincrby(struct cmd_ctx *ctx);
void cmd_zinter(struct cmd_ctx *ctx);
void cmd_zintercard(struct cmd_ctx *ctx);
void cmd_zinterstore(struct cmd_ctx *ctx);
void cmd_zlexcount(struct cmd_ctx *ctx);
void cmd_zmpop(struct cmd_ctx *ctx);
void cmd_zmscore(struct cmd_ctx *ctx);
void cmd_zpopmax(struct cmd_ctx *ctx);
void cmd_zpopmin(struct cmd_ctx *ctx);
void cmd_zrandmember(struct cmd_ctx *ctx);
void cmd_zrange(struct cmd_ctx *ctx);
void cmd_zrangebylex(struct cmd_ctx *ctx);
void cmd_zrangebyscore(struct cmd_ctx *ctx);
void cmd_zrangestore(struct cmd_ctx *ctx);
void cmd_zrank(struct cmd_ctx *ctx);
void cmd_zrem(struct cmd_ctx *ctx);
void cmd_zremrangebylex(struct cmd_ctx *ctx);
void cmd_zremrangebyrank(struct cmd_ctx *ctx);
void cmd_zremrangebyscore(struct cmd_ctx *ctx);
void cmd_zrevrange(struct cmd_ctx *ctx);
void cmd_zrevrangebylex(struct cmd_ctx *ctx);
void cmd_zrevrangebyscore(struct cmd_ctx *ctx);
void cmd_zrevrank(struct cmd_ctx *ctx);
void cmd_zscan(struct cmd_ctx *ctx);
void cmd_zscore(struct cmd_ctx *ctx);
void cmd_zunion(struct cmd_ctx *ctx);
void cmd_zunionstore(struct cmd_ctx *ctx);

#endif
