/* server/cmd_conn.h: handlers for connection commands (PING, HELLO, AUTH, SELECT, CLIENT ...). See commands.c for arity and flags. */
#ifndef KVD_SERVER_CMD_CONN_H
#define KVD_SERVER_CMD_CONN_H

#include "server/commands.h"

void cmd_auth(struct cmd_ctx *ctx);
void cmd_client_getname(struct cmd_ctx *ctx);
void cmd_client_help(struct cmd_ctx *ctx);
void cmd_client_id(struct cmd_ctx *ctx);
void cmd_client_info(struct cmd_ctx *ctx);
void cmd_client_kill(struct cmd_ctx *ctx);
void cmd_client_list(struct cmd_ctx *ctx);
void cmd_client_no_evict(struct cmd_ctx *ctx);
void cmd_client_pause(struct cmd_ctx *ctx);
void cmd_client_unblock(struct cmd_ctx *ctx);
void cmd_client_reply(struct cmd_ctx *ctx);
void cmd_client_setname(struct cmd_ctx *ctx);
void cmd_client_unpause(struct cmd_ctx *ctx);
void cmd_echo(struct cmd_ctx *ctx);
void cmd_hello(struct cmd_ctx *ctx);
void cmd_ping(struct cmd_ctx *ctx);
void cmd_quit(struct cmd_ctx *ctx);
void cmd_reset(struct cmd_ctx *ctx);
void cmd_select(struct cmd_ctx *ctx);

#endif
