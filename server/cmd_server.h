/* server/cmd_server.h: handlers for server commands (TIME, SHUTDOWN, MONITOR, SLOWLOG, LATENCY, DEBUG). See commands.c for arity and flags. */
#ifndef KVD_SERVER_CMD_SERVER_H
#define KVD_SERVER_CMD_SERVER_H

#include "server/commands.h"

void cmd_debug(struct cmd_ctx *ctx);
void cmd_lastsave(struct cmd_ctx *ctx);
void cmd_latency_help(struct cmd_ctx *ctx);
void cmd_latency_history(struct cmd_ctx *ctx);
void cmd_latency_latest(struct cmd_ctx *ctx);
void cmd_latency_reset(struct cmd_ctx *ctx);
void cmd_monitor(struct cmd_ctx *ctx);
void cmd_shutdown(struct cmd_ctx *ctx);
void cmd_slowlog_get(struct cmd_ctx *ctx);
void cmd_slowlog_help(struct cmd_ctx *ctx);
void cmd_slowlog_len(struct cmd_ctx *ctx);
void cmd_slowlog_reset(struct cmd_ctx *ctx);
void cmd_time(struct cmd_ctx *ctx);

#endif
