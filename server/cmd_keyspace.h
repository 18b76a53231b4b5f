/* server/cmd_keyspace.h: handlers for commands on keys and databases (DEL, SCAN, RENAME, OBJECT, FLUSHDB, ...). See commands.c for arity and flags. */
#ifndef KVD_SERVER_CMD_KEYSPACE_H
#define KVD_SERVER_CMD_KEYSPACE_H

#include "server/commands.h"

void cmd_copy(struct cmd_ctx *ctx);
void cmd_dbsize(struct cmd_ctx *ctx);
void cmd_del(struct cmd_ctx *ctx);
void cmd_exists(struct cmd_ctx *ctx);
void cmd_flushall(struct cmd_ctx *ctx);
void cmd_flushdb(struct cmd_ctx *ctx);
void cmd_keys(struct cmd_ctx *ctx);
void cmd_memory_help(struct cmd_ctx *ctx);
void cmd_memory_usage(struct cmd_ctx *ctx);
void cmd_move(struct cmd_ctx *ctx);
void cmd_object_encoding(struct cmd_ctx *ctx);
void cmd_object_freq(struct cmd_ctx *ctx);
void cmd_object_help(struct cmd_ctx *ctx);
void cmd_object_idletime(struct cmd_ctx *ctx);
void cmd_object_refcount(struct cmd_ctx *ctx);
void cmd_randomkey(struct cmd_ctx *ctx);
void cmd_rename(struct cmd_ctx *ctx);
void cmd_renamenx(struct cmd_ctx *ctx);
void cmd_scan(struct cmd_ctx *ctx);
void cmd_swapdb(struct cmd_ctx *ctx);
void cmd_touch(struct cmd_ctx *ctx);
void cmd_type(struct cmd_ctx *ctx);
void cmd_unlink(struct cmd_ctx *ctx);

#endif
