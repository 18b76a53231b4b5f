/* server/cmd_sort.c: SORT and SORT_RO, and SORT's key finder for COMMAND GETKEYS.
 *
 * Owns option parsing, the BY/GET pattern lookups ('*' substitution, "->field" hash access,
 * "#"), the sort order (numeric with a byte tie-break, ALPHA by the C library's collation or
 * by bytes when storing) and the quirks of Redis 7.0's "BY nosort" ranges. Elements are
 * copied out of the sorted value before any pattern lookup, so lookups that expire keys
 * cannot pull the value from under us. It must not know how lists, sets or sorted sets are
 * stored: it reads them through their storage/ iterators and writes only through db_*.
 * Start at sort_generic().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/cmd_sort.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/args.h"
#include "server/conn.h"
#include "server/notify.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/hash.h"
#include "storage/list.h"
#include "storage/set.h"
#include "storage/str.h"
#include "storage/zset.h"
#include "utils/buf.h"
#include "utils/mem.h"

/* One element to sort, 16 bytes so the sort moves little. Strings live in the arena as a
 * 4-byte length, the bytes and a NUL (strtod and strcoll need it); p points at the bytes. */
struct sort_item {
    const char *p;       /* the element */
    union {
        double score;    /* numeric weight; 0 when missing */
        const char *by;  /* ALPHA with BY: the weight, NULL when missing (sorts first) */
    } u;
};

/* Blocks that never move, so item pointers stay valid while more strings are added. */
struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
};

#define ARENA_BLOCK (256 * 1024)

/* Copies p[0..len) into the arena; returns the copy (NUL-terminated, length before it). */
static const char *arena_put(struct arena_block **head, const char *p, size_t len)
{
    size_t need = sizeof(uint32_t) + len + 1;
    struct arena_block *b = *head;
    if (b == NULL || b->cap - b->used < need) {
        size_t cap = need > ARENA_BLOCK ? need : ARENA_BLOCK;
        b = mem_alloc(sizeof(*b) + cap);
        b->next = *head;
        b->used = 0;
        b->cap = cap;
        *head = b;
    }
    char *dst = b->data + b->used;
    uint32_t l = (uint32_t)len; /* values are at most 512 MB */
    memcpy(dst, &l, sizeof(l));
    if (len > 0)
        memcpy(dst + sizeof(l), p, len);
    dst[sizeof(l) + len] = '\0';
    b->used += need;
    return dst + sizeof(l);
}

static size_t arena_len(const char *s)
{
    uint32_t l;
    memcpy(&l, s - sizeof(l), sizeof(l));
    return l;
}

static void arena_free(struct arena_block *b)
{
    while (b != NULL) {
        struct arena_block *next = b->next;
        mem_free(b);
        b = next;
    }
}

struct sort_opts {
    const struct slice *by;     /* BY pattern, NULL for none */
    const struct slice *store;  /* STORE destination, NULL for none */
    const struct slice **gets;  /* GET patterns in order */
    int ngets;
    long long limit_start, limit_count; /* 0 and -1 without LIMIT */
    bool desc, alpha, dontsort;
};

/* ---- parsing ------------------------------------------------------------------------------ */

/* Redis checks every option before it looks at the key, so a syntax error or a bad LIMIT
 * wins over WRONGTYPE. Replies the error and returns false on failure. */
static bool parse_opts(struct cmd_ctx *ctx, bool readonly, struct sort_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->limit_count = -1;
    o->gets = mem_alloc((size_t)ctx->argc * sizeof(*o->gets));
    for (int j = 2; j < ctx->argc; j++) {
        const struct slice *a = &ctx->argv[j];
        int left = ctx->argc - j - 1;
        if (arg_is(a, "asc")) {
            o->desc = false;
        } else if (arg_is(a, "desc")) {
            o->desc = true;
        } else if (arg_is(a, "alpha")) {
            o->alpha = true;
        } else if (arg_is(a, "limit") && left >= 2) {
            if (!arg_to_ll(&ctx->argv[j + 1], &o->limit_start) ||
                !arg_to_ll(&ctx->argv[j + 2], &o->limit_count)) {
                reply_error(ctx->c, ERR_NOT_INTEGER);
                return false;
            }
            j += 2;
        } else if (arg_is(a, "store") && left >= 1 && !readonly) {
            o->store = &ctx->argv[++j];
        } else if (arg_is(a, "by") && left >= 1) {
            o->by = &ctx->argv[++j];
            /* A pattern without '*' names no per-element key: nothing to sort by. Like
             * Redis, a later BY with a '*' does not undo it. */
            if (memchr(o->by->p, '*', strnlen(o->by->p, o->by->len)) == NULL)
                o->dontsort = true;
        } else if (arg_is(a, "get") && left >= 1) {
            o->gets[o->ngets++] = &ctx->argv[++j];
        } else {
            reply_error(ctx->c, ERR_SYNTAX);
            return false;
        }
    }
    return true;
}

/* ---- pattern lookups ---------------------------------------------------------------------- */

/* What a BY or GET pattern resolves to for one element: bytes borrowed from the keyspace (or
 * from buf for packed integers), valid until the keyspace next changes. */
struct sort_val {
    const char *p;
    size_t len;
    char buf[HASH_VALBUF > NUM_LL_MAXLEN ? HASH_VALBUF : NUM_LL_MAXLEN];
};

/* Resolves pattern for element elem: "#" is the element itself; otherwise the first '*' is
 * replaced by the element and the key read as a string, or, with "->field" after the '*', as
 * a hash field. False when the pattern has no '*', the key is missing or of another type, or
 * the field is absent. Redis scans the pattern as a C string, so a NUL ends the search for
 * '*' and "->" (but not the bytes copied). keybuf is scratch space reused across calls. */
static bool pattern_lookup(struct db *db, const struct slice *pat, const char *elem,
                           size_t elen, int flags, struct buf *keybuf, struct sort_val *out)
{
    if (pat->len >= 1 && pat->p[0] == '#' && (pat->len == 1 || pat->p[1] == '\0')) {
        out->p = elem;
        out->len = elen;
        return true;
    }
    size_t clen = strnlen(pat->p, pat->len);
    const char *star = memchr(pat->p, '*', clen);
    if (star == NULL)
        return false;
    const char *field = NULL;
    size_t flen = 0;
    const char *end = pat->p + clen;
    for (const char *f = star + 1; f + 1 < end; f++) {
        if (f[0] == '-' && f[1] == '>') {
            /* "->" at the very end is part of the key name, as in Redis. */
            if (f + 2 < end) {
                field = f + 2;
                flen = (size_t)(pat->p + pat->len - field);
            }
            break;
        }
    }
    size_t prefix = (size_t)(star - pat->p);
    size_t postfix = pat->len - prefix - 1 - (field != NULL ? flen + 2 : 0);
    buf_clear(keybuf);
    buf_append(keybuf, pat->p, prefix);
    buf_append(keybuf, elem, elen);
    buf_append(keybuf, star + 1, postfix);
    struct obj *o = db_lookup(db, buf_head(keybuf), buf_used(keybuf), flags);
    if (o == NULL)
        return false;
    if (field != NULL) {
        if (o->type != OBJ_HASH)
            return false;
        return hash_get(o, field, flen, out->buf, &out->p, &out->len);
    }
    if (o->type != OBJ_STRING)
        return false;
    out->p = str_bytes(o, out->buf, &out->len);
    return true;
}

/* ---- loading and comparing ---------------------------------------------------------------- */

struct sort_vec {
    struct sort_item *v;
    size_t n, cap;
    struct arena_block *arena;
};

static void vec_push(struct sort_vec *vec, const char *p, size_t len)
{
    if (vec->n == vec->cap) {
        vec->cap = vec->cap ? vec->cap * 2 : 16;
        vec->v = mem_realloc(vec->v, vec->cap * sizeof(*vec->v));
    }
    struct sort_item *it = &vec->v[vec->n++];
    it->p = arena_put(&vec->arena, p, len);
    memset(&it->u, 0, sizeof(it->u)); /* score 0, no ALPHA weight */
}

static void visit_push(void *ud, const char *p, size_t len) { vec_push(ud, p, len); }

/* Loads count elements of a list or sorted set from forward rank start, walking toward the
 * tail, or, when rev, from rank len-1-start toward the head (Redis's BY nosort ranges). */
static void load_range(struct sort_vec *vec, struct obj *val, size_t start, size_t count,
                       bool rev)
{
    if (count == 0)
        return;
    if (val->type == OBJ_LIST) {
        size_t len = list_len(val);
        struct list_iter it;
        struct list_entry e;
        list_iter_init(&it, val, rev ? len - 1 - start : start, rev ? LIST_HEAD : LIST_TAIL);
        for (size_t i = 0; i < count && list_iter_next(&it, &e); i++)
            vec_push(vec, e.p, e.len);
    } else {
        size_t len = zset_len(val);
        struct zset_iter it;
        struct zset_elem e;
        zset_iter_init(&it, val, rev ? len - 1 - start : start, count, rev);
        while (zset_iter_next(&it, &e))
            vec_push(vec, e.p, e.len);
    }
}

static void load_all(struct sort_vec *vec, struct obj *val)
{
    if (val->type == OBJ_SET) {
        struct set_iter it;
        const char *p;
        size_t len;
        set_iter_init(&it, val);
        while (set_iter_next(&it, &p, &len))
            visit_push(vec, p, len);
        set_iter_done(&it);
    } else if (val->type == OBJ_LIST) {
        load_range(vec, val, 0, list_len(val), false);
    } else {
        load_range(vec, val, 0, zset_len(val), false);
    }
}

static size_t value_len(struct obj *val)
{
    switch (val->type) {
    case OBJ_LIST:
        return list_len(val);
    case OBJ_SET:
        return set_len(val);
    default:
        return zset_len(val);
    }
}

static bool collate_ready; /* LC_COLLATE taken from the environment */

/* qsort has no context argument in C11; SORT runs on the one server thread. */
static struct {
    bool alpha, by, binary, desc;
} cmp_state;

/* Redis's compareStringObjects: bytes, then length. */
static int cmp_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    int r = memcmp(a, b, alen < blen ? alen : blen);
    if (r != 0)
        return r;
    return alen < blen ? -1 : alen > blen;
}

/* ALPHA: Redis collates with strcoll in the locale taken from the environment (its main()
 * sets LC_COLLATE from it), except when storing, where bytes decide so that replicas agree. */
static int cmp_text(const char *a, const char *b)
{
    if (cmp_state.binary)
        return cmp_bytes(a, arena_len(a), b, arena_len(b));
    return strcoll(a, b);
}

static int sort_cmp(const void *x, const void *y)
{
    const struct sort_item *a = x, *b = y;
    int r;
    if (!cmp_state.alpha) {
        if (a->u.score > b->u.score)
            r = 1;
        else if (a->u.score < b->u.score)
            r = -1;
        else /* equal weights: the elements' bytes keep the order total */
            r = cmp_bytes(a->p, arena_len(a->p), b->p, arena_len(b->p));
    } else if (cmp_state.by) {
        if (a->u.by == NULL || b->u.by == NULL)
            r = a->u.by == b->u.by ? 0 : (a->u.by == NULL ? -1 : 1);
        else
            r = cmp_text(a->u.by, b->u.by);
    } else {
        r = cmp_text(a->p, b->p);
    }
    if (r < 0)
        r = -1;
    else if (r > 0)
        r = 1;
    return cmp_state.desc ? -r : r;
}

/* Redis parses numeric weights with strtod over the NUL-terminated text: leading spaces,
 * hex and "inf" pass; trailing bytes, NaN and out-of-range values do not. */
static bool parse_score(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return !(end[0] != '\0' || errno == ERANGE || isnan(*out));
}

/* Computes every element's weight. False if a numeric weight is not a number. */
static bool compute_weights(struct db *db, struct sort_vec *vec, const struct sort_opts *o,
                            int flags, struct buf *keybuf)
{
    bool ok = true;
    struct buf tmp;
    buf_init(&tmp);
    for (size_t j = 0; j < vec->n; j++) {
        struct sort_item *it = &vec->v[j];
        const char *s = it->p;
        if (o->by != NULL) {
            struct sort_val v;
            if (!pattern_lookup(db, o->by, it->p, arena_len(it->p), flags, keybuf, &v))
                continue;
            if (o->alpha) {
                it->u.by = arena_put(&vec->arena, v.p, v.len);
                continue;
            }
            buf_clear(&tmp);
            buf_append(&tmp, v.p, v.len);
            s = buf_cstr(&tmp);
        } else if (o->alpha) {
            continue;
        }
        if (!parse_score(s, &it->u.score))
            ok = false;
    }
    buf_deinit(&tmp);
    return ok;
}

/* ---- the command -------------------------------------------------------------------------- */

/* Redis 7.0's LIMIT arithmetic, inputs first clamped to the value's size so no sum
 * overflows. *start..*end inclusive; empty when *end < *start. */
static void clamp_limit(const struct sort_opts *o, long long len, long long *start,
                        long long *end)
{
    long long s = o->limit_start < 0 ? 0 : o->limit_start;
    if (s > len)
        s = len;
    long long count = o->limit_count < -1 ? -1 : o->limit_count;
    if (count > len)
        count = len;
    long long e = count < 0 ? len - 1 : s + count - 1;
    if (s >= len) {
        s = len - 1;
        e = len - 2;
    }
    if (e >= len)
        e = len - 1;
    *start = s;
    *end = e;
}

static void reply_results(struct cmd_ctx *ctx, struct sort_vec *vec, const struct sort_opts *o,
                          long long start, long long end, struct buf *keybuf)
{
    long long n = end - start + 1;
    reply_array(ctx->c, o->ngets > 0 ? n * o->ngets : n);
    for (long long j = start; j <= end; j++) {
        const char *elem = vec->v[j].p;
        size_t elen = arena_len(elem);
        if (o->ngets == 0) {
            reply_bulk(ctx->c, elem, elen);
            continue;
        }
        for (int g = 0; g < o->ngets; g++) {
            struct sort_val v;
            if (pattern_lookup(ctx->db, o->gets[g], elem, elen, DB_LOOKUP_READ, keybuf, &v))
                reply_bulk(ctx->c, v.p, v.len);
            else
                reply_null(ctx->c);
        }
    }
}

/* STORE: the result becomes a list at dst (a missing GET value as ""), replacing whatever was
 * there; an empty result deletes dst. Reply: the number of elements stored. */
static void store_results(struct cmd_ctx *ctx, struct sort_vec *vec, const struct sort_opts *o,
                          long long start, long long end, struct buf *keybuf)
{
    const struct slice *dst = o->store;
    long long n = (end - start + 1) * (o->ngets > 0 ? o->ngets : 1);
    struct obj *l = list_new();
    for (long long j = start; j <= end; j++) {
        const char *elem = vec->v[j].p;
        size_t elen = arena_len(elem);
        if (o->ngets == 0) {
            list_push(l, LIST_TAIL, elem, elen);
            continue;
        }
        for (int g = 0; g < o->ngets; g++) {
            struct sort_val v;
            if (pattern_lookup(ctx->db, o->gets[g], elem, elen, DB_LOOKUP_READ, keybuf, &v))
                list_push(l, LIST_TAIL, v.p, v.len);
            else
                list_push(l, LIST_TAIL, "", 0);
        }
    }
    if (n > 0) {
        /* db_set fires key_ready, so clients blocked on dst are served. */
        db_set(ctx->db, dst->p, dst->len, l, 0);
        notify_keyspace_event(NOTIFY_LIST, "sortstore", dst->p, dst->len, ctx->db->id);
        server.dirty += n;
    } else if (db_delete(ctx->db, dst->p, dst->len)) {
        notify_keyspace_event(NOTIFY_GENERIC, "del", dst->p, dst->len, ctx->db->id);
        server.dirty++;
    }
    obj_release(l);
    reply_int(ctx->c, n);
}

static void sort_generic(struct cmd_ctx *ctx, bool readonly)
{
    struct sort_opts o;
    if (!parse_opts(ctx, readonly, &o)) {
        mem_free(o.gets);
        return;
    }
    struct obj *val = db_lookup(ctx->db, ctx->argv[1].p, ctx->argv[1].len, DB_LOOKUP_READ);
    if (val != NULL && val->type != OBJ_LIST && val->type != OBJ_SET && val->type != OBJ_ZSET) {
        reply_status(ctx->c, ST_WRONGTYPE);
        mem_free(o.gets);
        return;
    }
    /* An unordered set read without sorting would store (or replicate) in hash-table order:
     * Redis sorts it by bytes instead. */
    if (val != NULL && o.dontsort && val->type == OBJ_SET && o.store != NULL) {
        o.dontsort = false;
        o.alpha = true;
        o.by = NULL;
    }
    if (val != NULL && val->type == OBJ_ZSET)
        zset_convert_skiplist(val);

    long long len = val != NULL ? (long long)value_len(val) : 0;
    long long start, end;
    clamp_limit(&o, len, &start, &end);

    struct sort_vec vec = {0};
    if (val != NULL && !(o.dontsort && val->type != OBJ_SET) && len > 0) {
        vec.cap = (size_t)len;
        vec.v = mem_alloc(vec.cap * sizeof(*vec.v));
    }
    if (val != NULL && o.dontsort && (val->type == OBJ_LIST || val->type == OBJ_ZSET)) {
        /* Redis reads just the range asked for, from the tail when DESC, and sorts nothing. */
        if (end >= start)
            load_range(&vec, val, (size_t)start, (size_t)(end - start + 1), o.desc);
        start = 0;
        end = (long long)vec.n - 1;
    } else if (val != NULL) {
        load_all(&vec, val);
    }
    val = NULL; /* pattern lookups below may change the keyspace */

    struct buf keybuf;
    buf_init(&keybuf);
    /* pattern lookups are plain reads in Redis 7.0, STORE or not: misses fire keymiss */
    int flags = DB_LOOKUP_READ;
    bool ok = true;
    if (!o.dontsort) {
        ok = compute_weights(ctx->db, &vec, &o, flags, &keybuf);
        if (ok && vec.n > 1) {
            if (o.alpha && o.store == NULL && !collate_ready) {
                setlocale(LC_COLLATE, "");
                collate_ready = true;
            }
            cmp_state.alpha = o.alpha;
            cmp_state.by = o.by != NULL;
            cmp_state.binary = o.store != NULL;
            cmp_state.desc = o.desc;
            qsort(vec.v, vec.n, sizeof(*vec.v), sort_cmp);
        }
    }
    if (!ok)
        reply_error(ctx->c, ERR_SORT_SCORE_NOT_DOUBLE);
    else if (o.store != NULL)
        store_results(ctx, &vec, &o, start, end, &keybuf);
    else
        reply_results(ctx, &vec, &o, start, end, &keybuf);
    buf_deinit(&keybuf);
    arena_free(vec.arena);
    mem_free(vec.v);
    mem_free(o.gets);
}

void cmd_sort(struct cmd_ctx *ctx) { sort_generic(ctx, false); }
void cmd_sort_ro(struct cmd_ctx *ctx) { sort_generic(ctx, true); }

/* ---- COMMAND GETKEYS ---------------------------------------------------------------------- */

int cmd_sort_getkeys(const struct slice *argv, int argc, int *out, int max)
{
    int store = -1;
    /* Redis skips the arguments of LIMIT, BY and GET so a pattern spelled "store" is not
     * taken for the option, and the last STORE with an argument after it wins. */
    for (int i = 2; i < argc; i++) {
        if (arg_is(&argv[i], "limit"))
            i += 2;
        else if (arg_is(&argv[i], "get") || arg_is(&argv[i], "by"))
            i += 1;
        else if (arg_is(&argv[i], "store") && i + 1 < argc)
            store = i + 1;
    }
    int n = 0;
    if (n < max)
        out[n++] = 1;
    if (store > 0 && n < max)
        out[n++] = store;
    return n;
}
