/* server/cmd_server.h: handlers for server commands (TIME, SHUTDOWN, MONITOR, SLOWLOG, LATENCY, DEBUG). See commands.c for arity and flags. */
#ifndef KVD_SERVER_CMD_SERVER_H
#define KVD_SERVER_CMD_SERVER_H

#include "server/commands.h"

struct conn;
struct slice;

/* server.shutdown_flags as SHUTDOWN sets them (bits). */
enum shutdown_flag {
    SHUTDOWN_NOSAVE = 1 << 0,
    SHUTDOWN_SAVE = 1 << 1,
    SHUTDOWN_NOW = 1 << 2,
    SHUTDOWN_FORCE = 1 << 3,
};

/* Called by dispatch after each command: adds an entry when duration_us is at least
 * slowlog-log-slower-than (argv as the client sent it; copied). */
void slowlog_record(struct conn *c, const struct slice *argv, int argc, long long duration_us);
/* Called by dispatch before a command runs: sends the MONITOR line to every monitor. */
void monitor_feed(struct conn *c, const struct slice *argv, int argc);
/* Frees the slowlog (shutdown, SLOWLOG RESET). */
void slowlog_free_all(void);

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
