/* server/cmd_sort.h: SORT and SORT_RO (lists, sets and sorted sets; BY, LIMIT, GET, ASC/DESC,
 * ALPHA, STORE). See commands.c for arity and flags. */
#ifndef KVD_SERVER_CMD_SORT_H
#define KVD_SERVER_CMD_SORT_H

#include "server/commands.h"

void cmd_sort(struct cmd_ctx *ctx);
void cmd_sort_ro(struct cmd_ctx *ctx);

/* SORT's key finder for COMMAND GETKEYS (struct cmd.getkeys): the sorted key and the last
 * STORE destination, skipping the arguments of LIMIT, BY and GET as Redis does. */
int cmd_sort_getkeys(const struct slice *argv, int argc, int *out, int max);

#endif
