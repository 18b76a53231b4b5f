/* server/cmd_string.h: handlers for string commands (GET, SET, INCR, ...). See commands.c for arity and flags. */
#ifndef KVD_SERVER_CMD_STRING_H
#define KVD_SERVER_CMD_STRING_H

#include "server/commands.h"

void cmd_append(struct cmd_ctx *ctx);
void cmd_decr(struct cmd_ctx *ctx);
void cmd_decrby(struct cmd_ctx *ctx);
void cmd_get(struct cmd_ctx *ctx);
void cmd_getdel(struct cmd_ctx *ctx);
void cmd_getex(struct cmd_ctx *ctx);
void cmd_getrange(struct cmd_ctx *ctx);
void cmd_getset(struct cmd_ctx *ctx);
void cmd_incr(struct cmd_ctx *ctx);
void cmd_incrby(struct cmd_ctx *ctx);
void cmd_incrbyfloat(struct cmd_ctx *ctx);
void cmd_lcs(struct cmd_ctx *ctx);
void cmd_mget(struct cmd_ctx *ctx);
void cmd_mset(struct cmd_ctx *ctx);
void cmd_msetnx(struct cmd_ctx *ctx);
void cmd_psetex(struct cmd_ctx *ctx);
void cmd_set(struct cmd_ctx *ctx);
void cmd_setex(struct cmd_ctx *ctx);
void cmd_setnx(struct cmd_ctx *ctx);
void cmd_setrange(struct cmd_ctx *ctx);
void cmd_strlen(struct cmd_ctx *ctx);
void cmd_substr(struct cmd_ctx *ctx);

#endif
