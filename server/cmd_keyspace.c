/* server/cmd_keyspace.c: handlers for commands that act on keys and whole databases
 * (DEL, EXISTS, TYPE, KEYS, SCAN, RENAME, MOVE, COPY, SWAPDB, FLUSHDB, OBJECT, MEMORY USAGE...).
 *
 * Owns argument parsing and the exact Redis 7.0 replies and errors of these commands; the
 * work itself is storage/db.c's (db_rename, db_move, db_copy, keyspace_swap, db_flush) and
 * dict.c's (dict_scan, iterators). Knows nothing of sockets or blocking; of persistence only
 * that FLUSHALL tells server/persist.c (which saves at once when save points exist).
 * Start at cmd_scan(), the only handler with real logic of its own; the rest are short.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/args.h"
#include "server/blocking.h"
#include "server/multi.h"
#include "server/notify.h"
#include "server/persist.h"
#include "server/cmd_keyspace.h"
#include "server/commands.h"
#include "server/config.h"
#include "server/conn.h"
#include "server/errors.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/dict.h"
#include "storage/obj.h"
#include "utils/buf.h"
#include "utils/glob.h"
#include "utils/mem.h"
#include "utils/num.h"

/* ---- shared argument helpers --------------------------------------------------------- */

/* MOVE and COPY read the target db as a C int, like Redis's getIntFromObjectOrReply: a
 * non-number and a number outside int get different errors, then the db range is checked.
 * Replies the error and returns false on failure. */
static bool parse_target_db(struct conn *c, const struct slice *a, int *out)
{
    long long v;

    if (!arg_to_ll(a, &v)) {
        reply_error(c, ERR_NOT_INTEGER);
        return false;
    }
    if (v < INT_MIN || v > INT_MAX) {
        reply_error(c, ERR_INT_RANGE, (long long)INT_MIN, (long long)INT_MAX);
        return false;
    }
    if (v < 0 || v >= server.ks.ndb) {
        reply_error(c, ERR_DB_INDEX);
        return false;
    }
    *out = (int)v;
    return true;
}

/* Whether the configured maxmemory-policy is one of the LFU ones: OBJECT FREQ and IDLETIME
 * read the same lru field in two incompatible ways and refuse the wrong one. */
static bool policy_is_lfu(void)
{
    char name[64];

    name[0] = '\0';
    if (!config_get_value("maxmemory-policy", name, sizeof(name)))
        return false;
    return strstr(name, "lfu") != NULL;
}

/* ---- DEL, UNLINK, EXISTS, TOUCH, TYPE ------------------------------------------------ */

/* UNLINK frees synchronously too: values are freed in the command either way, and the
 * reply (keys removed) is the same. */
static void delete_keys(struct cmd_ctx *ctx)
{
    long long removed = 0;

    for (int i = 1; i < ctx->argc; i++) {
        const struct slice *key = &ctx->argv[i];
        if (db_delete(ctx->db, key->p, key->len)) {
            notify_keyspace_event(NOTIFY_GENERIC, "del", key->p, key->len, ctx->db->id);
            removed++;
        }
    }
    server.dirty += removed;
    reply_int(ctx->c, removed);
}

void cmd_del(struct cmd_ctx *ctx) { delete_keys(ctx); }

void cmd_unlink(struct cmd_ctx *ctx) { delete_keys(ctx); }

/* A key named twice counts twice, as in Redis. EXISTS leaves the LRU clock alone but still
 * counts keyspace hits and misses. */
void cmd_exists(struct cmd_ctx *ctx)
{
    long long found = 0;

    for (int i = 1; i < ctx->argc; i++)
        if (db_lookup(ctx->db, ctx->argv[i].p, ctx->argv[i].len, DB_LOOKUP_NOTOUCH) != NULL)
            found++;
    reply_int(ctx->c, found);
}

void cmd_touch(struct cmd_ctx *ctx)
{
    long long found = 0;

    for (int i = 1; i < ctx->argc; i++)
        if (db_lookup(ctx->db, ctx->argv[i].p, ctx->argv[i].len, DB_LOOKUP_READ) != NULL)
            found++;
    reply_int(ctx->c, found);
}

void cmd_type(struct cmd_ctx *ctx)
{
    struct obj *o = db_lookup(ctx->db, ctx->argv[1].p, ctx->argv[1].len, DB_LOOKUP_NOTOUCH);

    reply_simple(ctx->c, o != NULL ? obj_type_name(o) : "none");
}

/* ---- KEYS, RANDOMKEY, DBSIZE --------------------------------------------------------- */

/* Expired keys are skipped but left in place: deleting under the iterator would disturb the
 * walk, and the active cycle or the next lookup removes them anyway (as Redis's KEYS). */
void cmd_keys(struct cmd_ctx *ctx)
{
    const struct slice *pat = &ctx->argv[1];
    bool all = pat->len == 1 && pat->p[0] == '*';
    struct dict_iter it;
    struct dict_entry *e;
    long long n = 0;
    void *hdr = reply_defer(ctx->c);

    dict_iter_init(&it, ctx->db->keys, true);
    while ((e = dict_iter_next(&it)) != NULL) {
        if (!all && !glob_match(pat->p, pat->len, e->key, e->klen, false))
            continue;
        if (db_is_expired(ctx->db, e->key, e->klen))
            continue;
        reply_bulk(ctx->c, e->key, e->klen);
        n++;
    }
    dict_iter_done(&it);
    reply_defer_set_array(ctx->c, hdr, n);
}

void cmd_randomkey(struct cmd_ctx *ctx)
{
    struct dict_entry *e = db_random_key(ctx->db);

    if (e == NULL)
        reply_null(ctx->c);
    else
        reply_bulk(ctx->c, e->key, e->klen);
}

void cmd_dbsize(struct cmd_ctx *ctx) { reply_int(ctx->c, (long long)db_size(ctx->db)); }

/* ---- SCAN ---------------------------------------------------------------------------- */

/* Keys gathered by one SCAN call, copied out of the table so that expired ones can be
 * deleted afterwards without invalidating the rest. Each record is a size_t length then
 * the bytes, packed into one buffer. */
struct scan_batch {
    struct buf bytes;
    size_t count;
};

static void scan_collect(void *ud, const struct dict_entry *e)
{
    struct scan_batch *b = ud;
    size_t len = e->klen;

    buf_append(&b->bytes, &len, sizeof(len));
    buf_append(&b->bytes, e->key, len);
    b->count++;
}

struct scan_opts {
    const struct slice *pattern; /* NULL: every key */
    const struct slice *type;    /* NULL: every type */
    unsigned long long count;
};

/* Parses [MATCH pattern] [COUNT n] [TYPE name] in any order, later ones winning. Replies
 * the error and returns false on failure. */
static bool parse_scan_opts(struct cmd_ctx *ctx, int first, struct scan_opts *o)
{
    o->pattern = NULL;
    o->type = NULL;
    o->count = 10;
    for (int i = first; i < ctx->argc; i += 2) {
        const struct slice *opt = &ctx->argv[i];
        if (i + 1 >= ctx->argc) {
            reply_error(ctx->c, ERR_SYNTAX);
            return false;
        }
        const struct slice *val = &ctx->argv[i + 1];
        if (arg_is(opt, "count")) {
            long long n;
            if (!arg_to_ll(val, &n)) {
                reply_error(ctx->c, ERR_NOT_INTEGER);
                return false;
            }
            if (n < 1) {
                reply_error(ctx->c, ERR_SYNTAX);
                return false;
            }
            o->count = (unsigned long long)n;
        } else if (arg_is(opt, "match")) {
            /* "*" alone matches everything: skip the glob work, as Redis does. */
            o->pattern = val->len == 1 && val->p[0] == '*' ? NULL : val;
        } else if (arg_is(opt, "type")) {
            o->type = val;
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return false;
        }
    }
    return true;
}

/* Whether a collected key belongs in the reply. Expired keys are deleted here (after the
 * table walk, so the cursor stays valid) and left out, as Redis's expireIfNeeded does. */
static bool scan_keep(struct cmd_ctx *ctx, const struct scan_opts *o, const char *key,
                      size_t klen)
{
    if (o->pattern != NULL && !glob_match(o->pattern->p, o->pattern->len, key, klen, false))
        return false;
    if (o->type != NULL) {
        /* Redis looks the key up for its type, so an expired key is removed and reads as
         * absent here; unknown type names simply match nothing (7.0 has no error). */
        struct obj *v = db_lookup(ctx->db, key, klen, DB_LOOKUP_NOTOUCH);
        return v != NULL && arg_is(o->type, obj_type_name(v));
    }
    if (db_is_expired(ctx->db, key, klen)) {
        db_lookup(ctx->db, key, klen, DB_LOOKUP_WRITE | DB_LOOKUP_NOTOUCH | DB_LOOKUP_NOSTATS);
        return false;
    }
    return true;
}

/* SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
 * Visits buckets until COUNT keys are gathered or COUNT*10 buckets were seen (so a sparse
 * table still returns promptly), then filters. Filtering after the walk is why a call may
 * return fewer keys than COUNT, or none, with a non-zero cursor. */
void cmd_scan(struct cmd_ctx *ctx)
{
    unsigned long long cursor;
    struct scan_opts o;

    if (!arg_to_cursor(&ctx->argv[1], &cursor)) {
        reply_error(ctx->c, ERR_INVALID_CURSOR);
        return;
    }
    if (!parse_scan_opts(ctx, 2, &o))
        return;

    struct scan_batch b;
    buf_init(&b.bytes);
    b.count = 0;
    unsigned long long budget = o.count > ULLONG_MAX / 10 ? ULLONG_MAX : o.count * 10;
    do {
        cursor = dict_scan(ctx->db->keys, cursor, scan_collect, &b);
    } while (cursor != 0 && budget-- > 0 && b.count < o.count);

    /* Offsets of the kept records, rewritten in place over the scanned ones (a kept record
     * never lands after its own position). */
    size_t kept = 0, rd = 0, wr = 0;
    char *base = b.bytes.data;
    for (size_t i = 0; i < b.count; i++) {
        size_t len;
        memcpy(&len, base + rd, sizeof(len));
        const char *key = base + rd + sizeof(len);
        size_t rec = sizeof(len) + len;
        if (scan_keep(ctx, &o, key, len)) {
            memmove(base + wr, base + rd, rec);
            wr += rec;
            kept++;
        }
        rd += rec;
    }

    char num[NUM_LL_MAXLEN];
    size_t nlen = num_ull2str(num, cursor);
    reply_array(ctx->c, 2);
    reply_bulk(ctx->c, num, nlen);
    reply_array(ctx->c, (long long)kept);
    rd = 0;
    for (size_t i = 0; i < kept; i++) {
        size_t len;
        memcpy(&len, base + rd, sizeof(len));
        reply_bulk(ctx->c, base + rd + sizeof(len), len);
        rd += sizeof(len) + len;
    }
    buf_deinit(&b.bytes);
}

/* ---- RENAME, RENAMENX, MOVE, COPY, SWAPDB -------------------------------------------- */

static void rename_generic(struct cmd_ctx *ctx, bool nx)
{
    const struct slice *src = &ctx->argv[1], *dst = &ctx->argv[2];

    /* Renaming a key onto itself changes nothing but still insists that the key exists;
     * RENAMENX then answers 0 because the target "exists". */
    if (slice_eq(*src, *dst)) {
        if (db_lookup(ctx->db, src->p, src->len, DB_LOOKUP_WRITE) == NULL) {
            reply_error(ctx->c, ERR_NO_SUCH_KEY);
        } else if (nx) {
            reply_int(ctx->c, 0);
        } else {
            reply_ok(ctx->c);
        }
        return;
    }
    enum st_status st = db_rename(ctx->db, src->p, src->len, dst->p, dst->len, nx);
    if (st == ST_OK) {
        notify_keyspace_event(NOTIFY_GENERIC, "rename_from", src->p, src->len, ctx->db->id);
        notify_keyspace_event(NOTIFY_GENERIC, "rename_to", dst->p, dst->len, ctx->db->id);
        server.dirty++;
        if (nx)
            reply_int(ctx->c, 1);
        else
            reply_ok(ctx->c);
    } else if (st == ST_EXISTS) {
        reply_int(ctx->c, 0);
    } else {
        reply_status(ctx->c, st);
    }
}

void cmd_rename(struct cmd_ctx *ctx) { rename_generic(ctx, false); }

void cmd_renamenx(struct cmd_ctx *ctx) { rename_generic(ctx, true); }

/* MOVE key db: the same db is an error even when the key is missing; a missing key or a
 * taken target name is a plain 0. */
void cmd_move(struct cmd_ctx *ctx)
{
    int id;

    if (!parse_target_db(ctx->c, &ctx->argv[2], &id))
        return;
    struct db *dst = &server.ks.dbs[id];
    if (dst == ctx->db) {
        reply_error(ctx->c, ERR_SAME_OBJECT);
        return;
    }
    const struct slice *key = &ctx->argv[1];
    enum st_status st = db_move(ctx->db, dst, key->p, key->len);
    if (st == ST_OK) {
        notify_keyspace_event(NOTIFY_GENERIC, "move_from", key->p, key->len, ctx->db->id);
        notify_keyspace_event(NOTIFY_GENERIC, "move_to", key->p, key->len, dst->id);
        server.dirty++;
        reply_int(ctx->c, 1);
    } else if (st == ST_NOKEY || st == ST_EXISTS) {
        reply_int(ctx->c, 0);
    } else {
        reply_status(ctx->c, st);
    }
}

/* COPY source destination [DB index] [REPLACE] */
void cmd_copy(struct cmd_ctx *ctx)
{
    struct db *dst_db = ctx->db;
    bool replace = false;

    for (int i = 3; i < ctx->argc; i++) {
        if (arg_is(&ctx->argv[i], "replace")) {
            replace = true;
        } else if (arg_is(&ctx->argv[i], "db") && i + 1 < ctx->argc) {
            int id;
            if (!parse_target_db(ctx->c, &ctx->argv[i + 1], &id))
                return;
            dst_db = &server.ks.dbs[id];
            i++;
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    const struct slice *src = &ctx->argv[1], *dst = &ctx->argv[2];
    /* Checked before the source is looked up: COPY k k fails even if k is missing. */
    if (dst_db == ctx->db && slice_eq(*src, *dst)) {
        reply_error(ctx->c, ERR_SAME_OBJECT);
        return;
    }
    enum st_status st = db_copy(ctx->db, src->p, src->len, dst_db, dst->p, dst->len, replace);
    if (st == ST_OK) {
        notify_keyspace_event(NOTIFY_GENERIC, "copy_to", dst->p, dst->len, dst_db->id);
        server.dirty++;
        reply_int(ctx->c, 1);
    } else if (st == ST_NOKEY || st == ST_EXISTS) {
        reply_int(ctx->c, 0);
    } else {
        reply_status(ctx->c, st);
    }
}

/* SWAPDB reads each index as an int with its own error (a non-number and a number outside
 * int read the same), and only then checks the range. Swapping a db with itself is a
 * successful no-op that still counts as a change, as in Redis. */
static bool parse_swap_index(struct conn *c, const struct slice *a, enum err e, long long *out)
{
    if (!arg_to_ll(a, out) || *out < INT_MIN || *out > INT_MAX) {
        reply_error(c, e);
        return false;
    }
    return true;
}

void cmd_swapdb(struct cmd_ctx *ctx)
{
    long long a, b;

    if (!parse_swap_index(ctx->c, &ctx->argv[1], ERR_DB_INDEX_FIRST, &a) ||
        !parse_swap_index(ctx->c, &ctx->argv[2], ERR_DB_INDEX_SECOND, &b))
        return;
    if (a < 0 || a >= server.ks.ndb || b < 0 || b >= server.ks.ndb) {
        reply_error(ctx->c, ERR_DB_INDEX);
        return;
    }
    if (a != b) {
        /* WATCHed keys whose value (or existence) the swap changes fail their EXEC. */
        multi_touch_swapdb(&server.ks.dbs[a], &server.ks.dbs[b]);
        keyspace_swap(&server.ks, (int)a, (int)b);
        /* Clients stay in their db numbers: wake those whose keys now hold a list. */
        blocking_on_swapdb((int)a, (int)b);
    }
    server.dirty++;
    reply_ok(ctx->c);
}

/* ---- FLUSHDB, FLUSHALL --------------------------------------------------------------- */

/* [ASYNC|SYNC]: both free synchronously here; anything else, or more than one word, is a
 * syntax error. */
static bool flush_args_ok(struct cmd_ctx *ctx)
{
    if (ctx->argc == 1)
        return true;
    if (ctx->argc == 2 && (arg_is(&ctx->argv[1], "async") || arg_is(&ctx->argv[1], "sync")))
        return true;
    reply_error(ctx->c, ERR_SYNTAX);
    return false;
}

void cmd_flushdb(struct cmd_ctx *ctx)
{
    if (!flush_args_ok(ctx))
        return;
    multi_touch_flushed_db(ctx->db); /* WATCH: before the keys are gone */
    server.dirty += (long long)db_flush(ctx->db);
    reply_ok(ctx->c);
}

/* Counts one change per removed key and nothing more: Redis 7.0 with no save points adds no
 * extra change for FLUSHALL (an empty server's FLUSHALL leaves the counter alone). */
void cmd_flushall(struct cmd_ctx *ctx)
{
    if (!flush_args_ok(ctx))
        return;
    long long removed = 0;
    for (int i = 0; i < server.ks.ndb; i++) {
        multi_touch_flushed_db(&server.ks.dbs[i]); /* WATCH: before the keys are gone */
        removed += (long long)db_flush(&server.ks.dbs[i]);
    }
    server.dirty += removed;
    persist_after_flushall(); /* with save points: the empty dataset is saved at once */
    reply_ok(ctx->c);
}

/* ---- OBJECT -------------------------------------------------------------------------- */

/* OBJECT subcommands look the key up without touching its LRU/LFU clock (they would
 * otherwise disturb what they report); a missing key is a null, not an error. */
static struct obj *object_lookup(struct cmd_ctx *ctx)
{
    struct obj *o = db_lookup(ctx->db, ctx->argv[2].p, ctx->argv[2].len,
                              DB_LOOKUP_NOTOUCH | DB_LOOKUP_NONOTIFY);

    if (o == NULL)
        reply_null(ctx->c);
    return o;
}

void cmd_object_encoding(struct cmd_ctx *ctx)
{
    struct obj *o = object_lookup(ctx);

    if (o != NULL)
        reply_bulk_cstr(ctx->c, obj_enc_name(o));
}

void cmd_object_refcount(struct cmd_ctx *ctx)
{
    struct obj *o = object_lookup(ctx);

    if (o != NULL)
        reply_int(ctx->c, o->refcount);
}

void cmd_object_idletime(struct cmd_ctx *ctx)
{
    struct obj *o = object_lookup(ctx);

    if (o == NULL)
        return;
    if (policy_is_lfu()) {
        reply_error(ctx->c, ERR_LFU_SELECTED);
        return;
    }
    reply_int(ctx->c, (long long)obj_idle_seconds(o));
}

/* Under an LFU policy the lru field holds a 16-bit minutes stamp over an 8-bit logarithmic
 * counter. The counter loses one per minute since the stamp (lfu-decay-time's default),
 * and OBJECT FREQ reports the decayed value without storing it. */
static unsigned long lfu_decayed_counter(const struct obj *o)
{
    unsigned long stamp = o->lru >> 8;
    unsigned long counter = o->lru & 255;
    unsigned long now = (unsigned long)(server.mstime / 60000) & 65535;
    unsigned long elapsed = now >= stamp ? now - stamp : 65535 - stamp + now;

    return elapsed >= counter ? 0 : counter - elapsed;
}

void cmd_object_freq(struct cmd_ctx *ctx)
{
    struct obj *o = object_lookup(ctx);

    if (o == NULL)
        return;
    if (!policy_is_lfu()) {
        reply_error(ctx->c, ERR_LFU_NOT_SELECTED);
        return;
    }
    reply_int(ctx->c, (long long)lfu_decayed_counter(o));
}

/* Same number of lines as Redis 7.0's text (some clients page on it), in our own words. */
static const char *const object_help_lines[] = {
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Name of the internal representation kvd uses for the value stored at",
    "    <key> (int, embstr, raw, listpack, quicklist, hashtable, ...).",
    "FREQ <key>",
    "    Logarithmic access-frequency counter of <key>; only kept while an LFU",
    "    maxmemory-policy is configured.",
    "IDLETIME <key>",
    "    Approximate seconds since <key> was last read or written; not kept",
    "    while an LFU maxmemory-policy is configured.",
    "REFCOUNT <key>",
    "    How many references point at the value of <key> (shared values report",
    "    a very large number).",
    "HELP",
    "    Print this list.",
};

void cmd_object_help(struct cmd_ctx *ctx)
{
    reply_help(ctx->c, object_help_lines,
               sizeof(object_help_lines) / sizeof(object_help_lines[0]));
}

/* ---- MEMORY -------------------------------------------------------------------------- */

#define MEMORY_USAGE_DEFAULT_SAMPLES 5

/* MEMORY USAGE key [SAMPLES count]
 * Like Redis it reads the table directly, so a key whose TTL passed but which is not yet
 * deleted still reports its size. The key's own cost is its table entry (key bytes are
 * stored inside the entry). */
void cmd_memory_usage(struct cmd_ctx *ctx)
{
    long long samples = MEMORY_USAGE_DEFAULT_SAMPLES;

    for (int i = 3; i < ctx->argc; i++) {
        if (arg_is(&ctx->argv[i], "samples") && i + 1 < ctx->argc) {
            if (!arg_to_ll(&ctx->argv[i + 1], &samples)) {
                reply_error(ctx->c, ERR_NOT_INTEGER);
                return;
            }
            if (samples < 0) {
                reply_error(ctx->c, ERR_SYNTAX);
                return;
            }
            i++;
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    }
    struct dict_entry *e = dict_find(ctx->db->keys, ctx->argv[2].p, ctx->argv[2].len);
    if (e == NULL) {
        reply_null(ctx->c);
        return;
    }
    size_t usage = obj_memory_usage(e->v.ptr, (size_t)samples);
    usage += sizeof(struct dict_entry) + e->klen + 1;
    reply_int(ctx->c, (long long)usage);
}

static const char *const memory_help_lines[] = {
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Report on memory problems found in this server.",
    "MALLOC-STATS",
    "    Internal statistics of the memory allocator.",
    "PURGE",
    "    Ask the allocator to give dirty pages back to the system.",
    "STATS",
    "    Memory usage of the server, broken down by purpose.",
    "USAGE <key> [SAMPLES <count>]",
    "    Bytes taken by <key> and its value. For aggregate values <count> elements",
    "    are sampled and extrapolated (default 5; 0 samples every element).",
    "HELP",
    "    Print this list.",
};

void cmd_memory_help(struct cmd_ctx *ctx)
{
    reply_help(ctx->c, memory_help_lines,
               sizeof(memory_help_lines) / sizeof(memory_help_lines[0]));
}
