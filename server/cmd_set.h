/* server/cmd_set.h: handlers for the set commands (SADD, SREM, SPOP, SRANDMEMBER, SMOVE, the
 * SINTER/SUNION/SDIFF families, SSCAN, ...). See commands.c for arity and flags. */
#ifndef KVD_SERVER_CMD_SET_H
#define KVD_SERVER_CMD_SET_H

#include "server/commands.h"

void cmd_sadd(struct cmd_ctx *ctx);
void cmd_scard(struct cmd_ctx *ctx);
void cmd_sdiff(struct cmd_ctx *ctx);
void cmd_sdiffstore(struct cmd_ctx *ctx);
void cmd_sinter(struct cmd_ctx *ctx);
void cmd_sintercard(struct cmd_ctx *ctx);
void cmd_sinterstore(struct cmd_ctx *ctx);
void cmd_sismember(struct cmd_ctx *ctx);
void cmd_smembers(struct cmd_ctx *ctx);
void cmd_smismember(struct cmd_ctx *ctx);
void cmd_smove(struct cmd_ctx *ctx);
void cmd_spop(struct cmd_ctx *ctx);
void cmd_srandmember(struct cmd_ctx *ctx);
void cmd_srem(struct cmd_ctx *ctx);
void cmd_sscan(struct cmd_ctx *ctx);
void cmd_sunion(struct cmd_ctx *ctx);
void cmd_sunionstore(struct cmd_ctx *ctx);

#endif
