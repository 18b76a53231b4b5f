/* server/cmd_aof.h: the handler of BGREWRITEAOF (the AOF itself is server/aof.h). */
#ifndef KVD_SERVER_CMD_AOF_H
#define KVD_SERVER_CMD_AOF_H

#include "server/commands.h"

void cmd_bgrewriteaof(struct cmd_ctx *ctx);

#endif
