/* server/cmd_script.h: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT's subcommands. */
#ifndef KVD_SERVER_CMD_SCRIPT_H
#define KVD_SERVER_CMD_SCRIPT_H

#include "server/commands.h"

void cmd_eval(struct cmd_ctx *ctx);
void cmd_evalsha(struct cmd_ctx *ctx);
void cmd_eval_ro(struct cmd_ctx *ctx);
void cmd_evalsha_ro(struct cmd_ctx *ctx);
void cmd_script_load(struct cmd_ctx *ctx);
void cmd_script_exists(struct cmd_ctx *ctx);
void cmd_script_flush(struct cmd_ctx *ctx);
void cmd_script_kill(struct cmd_ctx *ctx);
void cmd_script_debug(struct cmd_ctx *ctx);
void cmd_script_help(struct cmd_ctx *ctx);

#endif
