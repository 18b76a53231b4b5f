/* server/cmd_aof.c: BGREWRITEAOF.
 *
 * Only the command's replies live here; forking, files and the manifest are server/aof.c's.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/cmd_aof.h"

#include "server/aof.h"
#include "server/conn.h"
#include "server/reply.h"

/* BGREWRITEAOF: works with appendonly no too (Redis writes the files then, unused). Inside
 * MULTI, or while a BGSAVE child runs, the rewrite is scheduled for the cron. */
void cmd_bgrewriteaof(struct cmd_ctx *ctx)
{
    if (aof_rewrite_in_progress()) {
        reply_error(ctx->c, ERR_AOF_REWRITE_IN_PROGRESS);
        return;
    }
    if (ctx->c->flags & CONN_MULTI) {
        aof_rewrite_schedule();
        reply_simple(ctx->c, "Background append only file rewriting scheduled");
        return;
    }
    switch (aof_rewrite_start()) {
    case AOF_RW_STARTED:
        reply_simple(ctx->c, "Background append only file rewriting started");
        break;
    case AOF_RW_SCHEDULED:
        reply_simple(ctx->c, "Background append only file rewriting scheduled");
        break;
    case AOF_RW_IN_PROGRESS:
        reply_error(ctx->c, ERR_AOF_REWRITE_IN_PROGRESS);
        break;
    case AOF_RW_FAILED:
        reply_error(ctx->c, ERR_AOF_REWRITE_FAILED);
        break;
    }
}
