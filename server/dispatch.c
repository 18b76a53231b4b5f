/* server/dispatch.c: one request from lookup to statistics.
 *
 * Applies Redis 7.0's checks in its order (unknown command or subcommand, arity,
 * authentication, CLIENT PAUSE), runs the handler once, then keeps commandstats, slowlog,
 * latency samples and MONITOR up to date. Knows nothing of sockets: conn.c feeds it argv.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/dispatch.h"

#include <ctype.h>
#include <string.h>

#include "server/blocking.h"
#include "server/cmd_server.h"
#include "server/commands.h"
#include "server/conn.h"
#include "server/cmd_conn.h"
#include "server/cmd_script.h"
#include "server/multi.h"
#include "server/persist.h"
#include "server/propagate.h"
#include "server/pubsub.h"
#include "server/reply.h"
#include "server/script.h"
#include "server/server.h"
#include "utils/mtime.h"

/* Copies at most max bytes of s into dst, stopping at a NUL as Redis's "%.*s" does. */
static size_t copy_cstr(char *dst, const struct slice *s, size_t max)
{
    size_t n = 0;
    while (n < s->len && n < max && s->p[n] != '\0') {
        dst[n] = s->p[n];
        n++;
    }
    dst[n] = '\0';
    return n;
}

static void reply_unknown_command(struct conn *c)
{
    char name[129];
    copy_cstr(name, &c->argv[0], 128);
    /* Redis quotes the arguments until their text reaches 128 bytes. */
    char args[128 + 3 + 1];
    size_t n = 0;
    for (int i = 1; i < c->argc && n < 128; i++) {
        args[n++] = '\'';
        n += copy_cstr(args + n, &c->argv[i], 128 - (n - 1));
        args[n++] = '\'';
        args[n++] = ' ';
    }
    args[n] = '\0';
    reply_error(c, ERR_UNKNOWN_COMMAND, name, args);
}

static void reply_unknown_subcommand(struct conn *c)
{
    char sub[129], container[129];
    copy_cstr(sub, &c->argv[1], 128);
    size_t n = copy_cstr(container, &c->argv[0], 128);
    for (size_t i = 0; i < n; i++)
        container[i] = (char)toupper((unsigned char)container[i]);
    reply_error(c, ERR_UNKNOWN_SUBCMD, sub, container);
}

static bool arity_ok(const struct cmd *cmd, int argc)
{
    return cmd->arity > 0 ? argc == cmd->arity : argc >= -cmd->arity;
}

bool dispatch_is_paused_for(struct conn *c)
{
    (void)c;
    return server.pause != PAUSE_OFF;
}

static bool held_by_pause(const struct conn *c, const struct cmd *cmd)
{
    if (server.pause == PAUSE_OFF)
        return false;
    if (server.pause_end_ms <= server.mstime) {
        conn_unpause_all();
        return false;
    }
    if (server.pause == PAUSE_ALL)
        return true;
    uint32_t flags = cmd->flags;
    /* MULTI: an EXEC counts as a write when it would run one (Redis 7.0). */
    if (cmd->fn == cmd_exec)
        flags |= multi_queued_flags(c);
    return (flags & (CMD_WRITE | CMD_MAY_REPLICATE)) != 0;
}

static bool is_script_call(const struct cmd *cmd)
{
    return cmd->fn == cmd_eval || cmd->fn == cmd_evalsha || cmd->fn == cmd_eval_ro ||
           cmd->fn == cmd_evalsha_ro;
}

static void record_stats(struct conn *c, struct cmd *cmd, long long dur_us, bool failed)
{
    cmd->calls++;
    cmd->usec += dur_us;
    if (failed)
        cmd->failed_calls++;
    server.stat_commands++;
    if (!(cmd->flags & CMD_SKIP_SLOWLOG))
        slowlog_record(c, c->argv, c->argc, dur_us);
    if (server.monitors != NULL && !(cmd->flags & (CMD_SKIP_MONITOR | CMD_ADMIN)))
        monitor_feed(c, c->argv, c->argc);
    if (server.latency_monitor_threshold_ms > 0 &&
        dur_us / 1000 >= server.latency_monitor_threshold_ms)
        server_latency_add((cmd->flags & CMD_FAST) ? "fast-command" : "command", dur_us / 1000);
}

/* Clock reads cost real time in a VM, so a command's start is the previous command's end:
 * one monotonic read per command, and the wall clock only per batch or after a slow command. */
static uint64_t batch_mono_us;
/* Error-reply count when the last command started or ended: a command failed if errors were
 * replied since. EXEC's inner commands move it, so only EXEC's own errors fail EXEC. */
static long long err_mark;

void dispatch_forget_errors(void)
{
    err_mark = server.stat_total_error_replies;
}

void dispatch_begin_batch(void)
{
    batch_mono_us = mono_us();
    server_update_time_mono(batch_mono_us);
}

void dispatch_call(struct conn *c, struct cmd *cmd)
{
    struct cmd_ctx ctx = {.c = c, .db = c->db, .argc = c->argc, .argv = c->argv, .cmd = cmd};
    struct conn *outer_current = server.current;
    const struct cmd *outer_cmd = c->cur_cmd;
    server.current = c;
    c->cur_cmd = cmd;
    c->last_cmd = cmd;
    c->last_interaction_ms = server.mstime;
    err_mark = server.stat_total_error_replies;
    uint64_t start = batch_mono_us;
    /* AOF: what changed the dataset is written as Redis 7.0 would (server/propagate.c). */
    bool prop = propagate_on;
    long long dirty_before = server.dirty;
    if (prop)
        propagate_call_begin(c);
    /* Redis 7.0 shows a script call in MONITOR before the commands the script runs, failed
     * calls included, while skip_monitor keeps it out of the after-the-fact feed below. */
    if (server.monitors != NULL && is_script_call(cmd))
        monitor_feed(c, c->argv, c->argc);
    cmd->fn(&ctx);
    if (prop)
        propagate_call_end(c, server.dirty != dirty_before);
    batch_mono_us = mono_us();
    long long dur = (long long)(batch_mono_us - start);
    if (dur >= 1000)
        server_update_time_mono(batch_mono_us);
    record_stats(c, cmd, dur, server.stat_total_error_replies != err_mark);
    err_mark = server.stat_total_error_replies;
    c->cur_cmd = outer_cmd;
    server.current = outer_current;
}

enum dispatch_result dispatch_command(struct conn *c)
{
    struct cmd *cmd = cmd_lookup(c->argv[0].p, c->argv[0].len);
    if (cmd == NULL) {
        multi_flag_error(c); /* every rejection dooms a transaction being queued */
        reply_unknown_command(c);
        return DISPATCH_DONE;
    }
    if (cmd->subcmds != NULL && c->argc >= 2) {
        struct cmd *sub = cmd_lookup_sub(cmd, c->argv[1].p, c->argv[1].len);
        if (sub == NULL) {
            multi_flag_error(c);
            reply_unknown_subcommand(c);
            return DISPATCH_DONE;
        }
        cmd = sub;
    }
    if (!arity_ok(cmd, c->argc) || cmd->fn == NULL) {
        cmd->rejected_calls++;
        multi_flag_error(c);
        if (cmd->fn == cmd_exec)
            multi_exec_abort(c, ERR_WRONG_ARITY, cmd->fullname);
        else
            reply_error(c, ERR_WRONG_ARITY, cmd->fullname);
        return DISPATCH_DONE;
    }
    if (!c->authenticated && !(cmd->flags & CMD_NO_AUTH)) {
        cmd->rejected_calls++;
        multi_flag_error(c);
        if (cmd->fn == cmd_exec)
            multi_exec_abort(c, ERR_NOAUTH);
        else
            reply_error(c, ERR_NOAUTH);
        return DISPATCH_DONE;
    }
    if ((c->flags & CONN_MULTI) && (cmd->flags & CMD_NO_MULTI)) {
        cmd->rejected_calls++;
        multi_flag_error(c);
        reply_error(c, ERR_NOT_IN_MULTI);
        return DISPATCH_DONE;
    }
    /* A failed background save stops writes (stop-writes-on-bgsave-error), and PING too:
     * Redis lets a monitoring PING see the problem. A failed AOF write does the same with
     * its own text until a retry succeeds; the RDB error wins when both hold (Redis 7.0). */
    enum err disk_err;
    int disk_errno;
    if (persist_disk_error(&disk_err, &disk_errno) &&
        (((cmd->fn == cmd_exec ? cmd->flags | multi_queued_flags(c) : cmd->flags) & CMD_WRITE) ||
         cmd->fn == cmd_ping)) {
        cmd->rejected_calls++;
        multi_flag_error(c);
        /* ERR_MISCONF's text takes no argument; the extra one is ignored */
        if (cmd->fn == cmd_exec)
            multi_exec_abort(c, disk_err, strerror(disk_errno));
        else
            reply_error(c, disk_err, strerror(disk_errno));
        return DISPATCH_DONE;
    }
    /* pub/sub: a RESP2 subscriber's connection carries pushes, so only commands whose
     * replies fit that stream may run (RESP3 tells pushes apart and has no such mode). */
    if ((c->flags & CONN_PUBSUB) && c->proto == RESP2 && !pubsub_allowed_in_context(cmd)) {
        cmd->rejected_calls++;
        multi_flag_error(c);
        if (cmd->fn == cmd_exec)
            multi_exec_abort(c, ERR_PUBSUB_CONTEXT, cmd->fullname);
        else
            reply_error(c, ERR_PUBSUB_CONTEXT, cmd->fullname);
        return DISPATCH_DONE;
    }
    /* While the dataset loads only commands flagged "loading" (INFO, CONFIG...) run. */
    if (persist_is_loading() && !(cmd->flags & CMD_LOADING)) {
        cmd->rejected_calls++;
        multi_flag_error(c);
        reply_error(c, ERR_LOADING);
        return DISPATCH_DONE;
    }
    /* A script past busy-reply-threshold: only SCRIPT KILL, SHUTDOWN NOSAVE and the like. */
    if (script_reject_if_busy(c, cmd)) {
        cmd->rejected_calls++;
        multi_flag_error(c);
        return DISPATCH_DONE;
    }
    if (held_by_pause(c, cmd))
        return DISPATCH_HELD;

    /* CLIENT REPLY SKIP silences the command after the one that asked. */
    if (c->flags & CONN_REPLY_SKIP_NEXT) {
        c->flags &= ~CONN_REPLY_SKIP_NEXT;
        c->flags |= CONN_REPLY_SKIP;
    }
    /* Inside MULTI most commands are queued, not run (multi.c replies +QUEUED). */
    if (multi_queue_if_needed(c, cmd)) {
        c->last_cmd = cmd;
        c->last_interaction_ms = server.mstime;
        c->flags &= ~CONN_REPLY_SKIP;
        return DISPATCH_DONE;
    }
    dispatch_call(c, cmd);
    c->flags &= ~CONN_REPLY_SKIP;
    c->cur_cmd = NULL;
    server.current = NULL;
    /* Keys readied by this command are served now that it has finished as a whole (EXEC
     * and scripts run inside one dispatch, so they get the same rule). */
    blocking_serve_ready();
    return DISPATCH_DONE;
}
