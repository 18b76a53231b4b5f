/* server/cmd_command.h: handlers for COMMAND and its subcommands. See commands.c for arity and flags. */
#ifndef KVD_SERVER_CMD_COMMAND_H
#define KVD_SERVER_CMD_COMMAND_H

#include "server/commands.h"

/* COMMAND with no subcommand (every command's COMMAND INFO record). */
void cmd_command(struct cmd_ctx *ctx);
void cmd_command_count(struct cmd_ctx *ctx);
void cmd_command_docs(struct cmd_ctx *ctx);
void cmd_command_getkeys(struct cmd_ctx *ctx);
void cmd_command_help(struct cmd_ctx *ctx);
void cmd_command_info(struct cmd_ctx *ctx);
void cmd_command_list(struct cmd_ctx *ctx);

#endif
