/* server/cmd_expire.h: handlers for TTL commands (EXPIRE, TTL, PERSIST, ...). See commands.c for arity and flags. */
#ifndef KVD_SERVER_CMD_EXPIRE_H
#define KVD_SERVER_CMD_EXPIRE_H

#include "server/commands.h"

void cmd_expire(struct cmd_ctx *ctx);
void cmd_expireat(struct cmd_ctx *ctx);
void cmd_expiretime(struct cmd_ctx *ctx);
void cmd_persist(struct cmd_ctx *ctx);
void cmd_pexpire(struct cmd_ctx *ctx);
void cmd_pexpireat(struct cmd_ctx *ctx);
void cmd_pexpiretime(struct cmd_ctx *ctx);
void cmd_pttl(struct cmd_ctx *ctx);
void cmd_ttl(struct cmd_ctx *ctx);

#endif
