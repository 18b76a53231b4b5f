/* server/cmd_hash.h: handlers for the hash commands (HSET, HGET, HINCRBY, HRANDFIELD, HSCAN,
 * ...). See commands.c for arity and flags. */
#ifndef KVD_SERVER_CMD_HASH_H
#define KVD_SERVER_CMD_HASH_H

#include "server/commands.h"

void cmd_hdel(struct cmd_ctx *ctx);
void cmd_hexists(struct cmd_ctx *ctx);
void cmd_hget(struct cmd_ctx *ctx);
void cmd_hgetall(struct cmd_ctx *ctx);
void cmd_hincrby(struct cmd_ctx *ctx);
void cmd_hincrbyfloat(struct cmd_ctx *ctx);
void cmd_hkeys(struct cmd_ctx *ctx);
void cmd_hlen(struct cmd_ctx *ctx);
void cmd_hmget(struct cmd_ctx *ctx);
void cmd_hmset(struct cmd_ctx *ctx);
void cmd_hrandfield(struct cmd_ctx *ctx);
void cmd_hscan(struct cmd_ctx *ctx);
void cmd_hset(struct cmd_ctx *ctx);
void cmd_hsetnx(struct cmd_ctx *ctx);
void cmd_hstrlen(struct cmd_ctx *ctx);
void cmd_hvals(struct cmd_ctx *ctx);

#endif
