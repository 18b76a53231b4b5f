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

/* Key finders for struct cmd.getkeys (same contract), for the commands whose keys follow a
 * numkeys argument, as Redis reads numkeys (atoi: "2x" is 2, junk is 0; fewer than 1 or more
 * than the arguments left names no keys):
 * _numkeys1: "numkeys key..." at argv[1] (ZUNION, ZINTER, ZDIFF, ZINTERCARD, SINTERCARD,
 *            LMPOP, ZMPOP);
 * _numkeys2: "x numkeys key..." at argv[1] (BLMPOP, BZMPOP, EVAL, EVALSHA, FCALL and the _RO
 *            forms);
 * _store_numkeys: "destination numkeys key..." (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE). */
int cmd_command_keys_numkeys1(const struct slice *argv, int argc, int *out, int max);
int cmd_command_keys_numkeys2(const struct slice *argv, int argc, int *out, int max);
int cmd_command_keys_store_numkeys(const struct slice *argv, int argc, int *out, int max);

#endif
