/* server/cmd_stream.h: handlers for the stream commands (XADD, XLEN, XRANGE, XREVRANGE, XDEL,
 * XTRIM, XSETID). See commands.c for arity and flags. Consumer groups and XREAD are not implemented. */
#ifndef KVD_SERVER_CMD_STREAM_H
#define KVD_SERVER_CMD_STREAM_H

#include "server/commands.h"

void cmd_xadd(struct cmd_ctx *ctx);
void cmd_xdel(struct cmd_ctx *ctx);
void cmd_xlen(struct cmd_ctx *ctx);
void cmd_xrange(struct cmd_ctx *ctx);
void cmd_xrevrange(struct cmd_ctx *ctx);
void cmd_xtrim(struct cmd_ctx *ctx);
void cmd_xsetid(struct cmd_ctx *ctx);

#endif
