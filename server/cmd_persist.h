/* server/cmd_persist.h: handlers of the snapshot commands (SAVE, BGSAVE, DUMP, RESTORE) and
 * DEBUG RELOAD, which cmd_debug() hands over to. */
#ifndef KVD_SERVER_CMD_PERSIST_H
#define KVD_SERVER_CMD_PERSIST_H

#include "server/commands.h"

void cmd_save(struct cmd_ctx *ctx);
void cmd_bgsave(struct cmd_ctx *ctx);
void cmd_dump(struct cmd_ctx *ctx);
void cmd_restore(struct cmd_ctx *ctx);
/* DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] (argv[1] is "reload"). */
void cmd_persist_debug_reload(struct cmd_ctx *ctx);

#endif
