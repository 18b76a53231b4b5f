/* server/cmd_persist.c: SAVE, BGSAVE, DUMP, RESTORE and DEBUG RELOAD.
 *
 * Argument checks and replies with Redis 7.0's texts and order; the work is persist.c's
 * (files, the child) and storage/rdb_save.c's and rdb_load.c's (the payload format).
 * LASTSAVE and SHUTDOWN live in cmd_server.c next to the other server commands and call
 * into persist.c.
 * Start at cmd_restore(): its option order decides which error a client sees first.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/cmd_persist.h"

#include <string.h>

#include "server/aof.h"
#include "server/args.h"
#include "server/conn.h"
#include "server/log.h"
#include "server/multi.h"
#include "server/notify.h"
#include "server/persist.h"
#include "server/propagate.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/rdb.h"
#include "utils/buf.h"
#include "utils/mem.h"

/* ---- SAVE, BGSAVE ------------------------------------------------------------------------ */

void cmd_save(struct cmd_ctx *ctx)
{
    if (persist_bgsave_in_progress()) {
        reply_error(ctx->c, ERR_BGSAVE_IN_PROGRESS);
        return;
    }
    if (persist_save_sync(true))
        reply_ok(ctx->c);
    else
        reply_error(ctx->c, ERR_BARE);
}

/* BGSAVE [SCHEDULE]. SCHEDULE only matters while an AOF rewrite child runs; inside EXEC the
 * save is always deferred to the cron, as Redis does. */
void cmd_bgsave(struct cmd_ctx *ctx)
{
    if (ctx->argc > 2 || (ctx->argc == 2 && !arg_is(&ctx->argv[1], "schedule"))) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    if (persist_bgsave_in_progress()) {
        reply_error(ctx->c, ERR_BGSAVE_IN_PROGRESS);
        return;
    }
    bool schedule = ctx->argc == 2;
    if (aof_rewrite_in_progress() || (ctx->c->flags & CONN_MULTI)) {
        if (schedule || (ctx->c->flags & CONN_MULTI)) {
            persist_bgsave_schedule();
            reply_simple(ctx->c, "Background saving scheduled");
        } else {
            reply_error(ctx->c, ERR_BGSAVE_OTHER_CHILD);
        }
        return;
    }
    if (persist_bgsave_start() == PERSIST_BG_STARTED)
        reply_simple(ctx->c, "Background saving started");
    else
        reply_error(ctx->c, ERR_BARE);
}

/* ---- DUMP, RESTORE ----------------------------------------------------------------------- */

void cmd_dump(struct cmd_ctx *ctx)
{
    const struct slice *key = &ctx->argv[1];
    struct obj *o = db_lookup(ctx->db, key->p, key->len, DB_LOOKUP_READ);
    if (o == NULL) {
        reply_null(ctx->c);
        return;
    }
    struct buf out;
    buf_init(&out);
    rdb_dump(o, server.rdbcompression, &out);
    reply_bulk(ctx->c, buf_head(&out), buf_used(&out));
    buf_deinit(&out);
}

/* RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
void cmd_restore(struct cmd_ctx *ctx)
{
    bool replace = false, absttl = false;
    long long idle = -1, freq = -1;
    for (int j = 4; j < ctx->argc; j++) {
        const struct slice *a = &ctx->argv[j];
        bool more = j + 1 < ctx->argc;
        if (arg_is(a, "replace")) {
            replace = true;
        } else if (arg_is(a, "absttl")) {
            absttl = true;
        } else if (arg_is(a, "idletime") && more && freq == -1) {
            if (!arg_to_ll(&ctx->argv[j + 1], &idle)) {
                reply_error(ctx->c, ERR_NOT_INTEGER);
                return;
            }
            if (idle < 0) {
                reply_error(ctx->c, ERR_INVALID_IDLETIME);
                return;
            }
            j++;
        } else if (arg_is(a, "freq") && more && idle == -1) {
            if (!arg_to_ll(&ctx->argv[j + 1], &freq)) {
                reply_error(ctx->c, ERR_NOT_INTEGER);
                return;
            }
            if (freq < 0 || freq > 255) {
                reply_error(ctx->c, ERR_INVALID_FREQ);
                return;
            }
            j++;
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    const struct slice *key = &ctx->argv[1];
    /* Redis checks the key before the TTL: an existing key wins over a bad TTL. */
    if (!replace && db_lookup(ctx->db, key->p, key->len, DB_LOOKUP_WRITE) != NULL) {
        reply_error(ctx->c, ERR_BUSYKEY);
        return;
    }
    long long ttl;
    if (!arg_to_ll(&ctx->argv[2], &ttl)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return;
    }
    if (ttl < 0) {
        reply_error(ctx->c, ERR_INVALID_TTL);
        return;
    }
    struct obj *val;
    struct rdb_error err;
    enum rdb_status st = rdb_restore(ctx->argv[3].p, ctx->argv[3].len, &val, &err);
    if (st == RDB_ERR_VERSION || st == RDB_ERR_CHECKSUM) {
        reply_error(ctx->c, ERR_DUMP_PAYLOAD);
        return;
    }
    if (st != RDB_OK) {
        reply_error(ctx->c, ERR_BAD_DATA_FORMAT);
        return;
    }
    bool deleted = replace && db_delete(ctx->db, key->p, key->len);
    if (ttl != 0 && !absttl)
        ttl += server.mstime;
    /* Already expired (ABSTTL in the past): the key is simply gone, but the reply is OK. */
    if (ttl != 0 && ttl <= server.mstime) {
        if (deleted) {
            notify_keyspace_event(NOTIFY_GENERIC, "del", key->p, key->len, ctx->db->id);
            server.dirty++;
            propagate_del(ctx->db, key); /* AOF: Redis 7.0 writes DEL for this case */
        }
        obj_release(val);
        reply_ok(ctx->c);
        return;
    }
    db_add(ctx->db, key->p, key->len, val);
    if (ttl != 0)
        db_set_expire(ctx->db, key->p, key->len, ttl);
    /* FREQ counts only under an LFU policy, IDLETIME only otherwise. */
    persist_set_lru_or_lfu(val, freq, idle);
    obj_release(val);
    notify_keyspace_event(NOTIFY_GENERIC, "restore", key->p, key->len, ctx->db->id);
    server.dirty++;
    /* AOF: a relative TTL is written as the absolute time plus ABSTTL (Redis 7.0). */
    if (ttl != 0 && !absttl && propagate_on) {
        char ms[24];
        struct slice *av = mem_alloc((size_t)(ctx->argc + 1) * sizeof(*av));
        memcpy(av, ctx->argv, (size_t)ctx->argc * sizeof(*av));
        av[2] = propagate_ms(ms, ttl);
        av[ctx->argc] = (struct slice){"ABSTTL", 6};
        propagate_replace(ctx->db, ctx->argc + 1, av);
        mem_free(av);
    }
    reply_ok(ctx->c);
}

/* ---- DEBUG RELOAD ------------------------------------------------------------------------ */

/* DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the keyspace, load the file back.
 * NOFLUSH keeps what is in memory; then a key also in the file fails the load unless MERGE
 * lets the file's value win. */
void cmd_persist_debug_reload(struct cmd_ctx *ctx)
{
    bool save = true, flush = true, merge = false;
    for (int j = 2; j < ctx->argc; j++) {
        const struct slice *a = &ctx->argv[j];
        if (arg_is(a, "merge")) {
            merge = true;
        } else if (arg_is(a, "noflush")) {
            flush = false;
        } else if (arg_is(a, "nosave")) {
            save = false;
        } else {
            reply_error(ctx->c, ERR_DEBUG_RELOAD_OPTS);
            return;
        }
    }
    if (save && !persist_save_sync(false)) {
        reply_error(ctx->c, ERR_BARE);
        return;
    }
    if (flush) {
        for (int i = 0; i < server.ks.ndb; i++) {
            multi_touch_flushed_db(&server.ks.dbs[i]);
            db_flush(&server.ks.dbs[i]);
        }
    }
    char msg[256];
    if (!persist_load_now(merge, msg, sizeof(msg))) {
        reply_error(ctx->c, ERR_DEBUG_RELOAD_LOAD);
        return;
    }
    log_warning("DB reloaded by DEBUG RELOAD");
    reply_ok(ctx->c);
}
