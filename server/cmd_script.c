/* server/cmd_script.c: the scripting commands (EVAL family, SCRIPT LOAD/EXISTS/FLUSH/KILL).
 *
 * Parses and validates arguments in Redis 7.0's order (numkeys first, then the script), then
 * hands over to script.c, which owns the VM, the cache and every reply a script produces.
 * Knows nothing of Lua. Start at eval_generic().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/cmd_script.h"

#include "server/args.h"
#include "server/conn.h"
#include "server/reply.h"
#include "server/script.h"
#include "server/server.h"

/* Reads numkeys (argv[2]) and checks it against the arguments; replies the error if not. */
static bool read_numkeys(struct cmd_ctx *ctx, long long *nkeys)
{
    if (!arg_to_ll(&ctx->argv[2], nkeys)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return false;
    }
    if (*nkeys < 0) {
        reply_error(ctx->c, ERR_NUMKEYS_NEGATIVE);
        return false;
    }
    if (*nkeys > ctx->argc - 3) {
        reply_error(ctx->c, ERR_NUMKEYS_TOO_MANY);
        return false;
    }
    return true;
}

/* EVAL*|EVALSHA* script-or-sha numkeys [key ...] [arg ...] */
static void eval_generic(struct cmd_ctx *ctx, bool by_sha, bool read_only)
{
    long long nkeys;
    if (!read_numkeys(ctx, &nkeys))
        return;
    const struct slice *body = &ctx->argv[1];
    char sha[41];
    const char *id = body->p;
    size_t id_len = body->len;
    if (!by_sha) {
        char err[1024];
        if (!script_load(body->p, body->len, sha, err, sizeof(err))) {
            reply_error_text(ctx->c, err, strlen(err));
            return;
        }
        id = sha;
        id_len = 40;
    }
    int n = (int)nkeys;
    script_run(ctx->c, id, id_len, n, ctx->argv + 3, ctx->argc - 3 - n, ctx->argv + 3 + n,
               read_only);
}

void cmd_eval(struct cmd_ctx *ctx)
{
    eval_generic(ctx, false, false);
}

void cmd_evalsha(struct cmd_ctx *ctx)
{
    eval_generic(ctx, true, false);
}

void cmd_eval_ro(struct cmd_ctx *ctx)
{
    eval_generic(ctx, false, true);
}

void cmd_evalsha_ro(struct cmd_ctx *ctx)
{
    eval_generic(ctx, true, true);
}

/* SCRIPT LOAD script */
void cmd_script_load(struct cmd_ctx *ctx)
{
    char sha[41], err[1024];
    if (!script_load(ctx->argv[2].p, ctx->argv[2].len, sha, err, sizeof(err))) {
        reply_error_text(ctx->c, err, strlen(err));
        return;
    }
    reply_bulk(ctx->c, sha, 40);
}

/* SCRIPT EXISTS sha [sha ...] */
void cmd_script_exists(struct cmd_ctx *ctx)
{
    reply_array(ctx->c, ctx->argc - 2);
    for (int i = 2; i < ctx->argc; i++)
        reply_int(ctx->c, script_exists(ctx->argv[i].p, ctx->argv[i].len) ? 1 : 0);
}

/* SCRIPT FLUSH [ASYNC|SYNC]: the cache is small next to the keyspace, so both modes free it
 * at once (the reply is the same). */
void cmd_script_flush(struct cmd_ctx *ctx)
{
    if (ctx->argc > 3 ||
        (ctx->argc == 3 && !arg_is(&ctx->argv[2], "sync") && !arg_is(&ctx->argv[2], "async"))) {
        reply_error(ctx->c, ERR_SCRIPT_FLUSH_OPTION);
        return;
    }
    script_flush();
    reply_ok(ctx->c);
}

/* SCRIPT KILL */
void cmd_script_kill(struct cmd_ctx *ctx)
{
    script_kill(ctx->c);
}

/* SCRIPT DEBUG YES|SYNC|NO: there is no Lua debugger; NO is what a client gets anyway. */
void cmd_script_debug(struct cmd_ctx *ctx)
{
    const struct slice *mode = &ctx->argv[2];
    if (arg_is(mode, "no")) {
        reply_ok(ctx->c);
    } else if (arg_is(mode, "yes") || arg_is(mode, "sync")) {
        reply_error(ctx->c, ERR_NOT_SUPPORTED_YET, "SCRIPT DEBUG", "no Lua debugger");
    } else {
        reply_error(ctx->c, ERR_SCRIPT_DEBUG_MODE);
    }
}

void cmd_script_help(struct cmd_ctx *ctx)
{
    static const char *const lines[] = {
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(ctx->c, lines, sizeof(lines) / sizeof(lines[0]));
}
