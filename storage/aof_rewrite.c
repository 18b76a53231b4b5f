/* storage/aof_rewrite.c: encodes the keyspace as the commands of an AOF base file.
 *
 * Owns the command forms Redis 7.0's rewrite emits for each type (see aof_rewrite.h) and the
 * buffered walk over the 16 dbs. Knows nothing of files, forks or the manifest (server/aof.c
 * decides where the bytes go). Start at aof_rewrite_save(); aof_rewrite_value() holds the
 * per-type forms.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/aof_rewrite.h"

#include <stdio.h>
#include <string.h>

#include "protocol/resp_enc.h"
#include "storage/dict.h"
#include "storage/hash.h"
#include "storage/intset.h"
#include "storage/list.h"
#include "storage/listpack.h"
#include "storage/set.h"
#include "storage/str.h"
#include "storage/stream.h"
#include "storage/zset.h"
#include "utils/num.h"

#define FLUSH_AT (64u * 1024)

static void put_hdr(struct buf *out, long long n)
{
    char *p = buf_reserve(out, RESP_HDR_MAX);
    buf_commit(out, resp_enc_array_len(p, n));
}

static void put_bulk(struct buf *out, const char *s, size_t n)
{
    char *p = buf_reserve(out, RESP_HDR_MAX + n + 2);
    size_t h = resp_enc_hdr(p, '$', (long long)n);
    memcpy(p + h, s, n);
    memcpy(p + h + n, "\r\n", 2);
    buf_commit(out, h + n + 2);
}

static void put_cstr(struct buf *out, const char *s)
{
    put_bulk(out, s, strlen(s));
}

static void put_ll(struct buf *out, long long v)
{
    char b[NUM_LL_MAXLEN];
    put_bulk(out, b, num_ll2str(b, v));
}

/* Redis's rioWriteBulkDouble is "%.17g" (not the shortest form replies use): 0.1 is written
 * as 0.10000000000000001, inf as "inf". */
static void put_double(struct buf *out, double d)
{
    char b[64];
    int n = snprintf(b, sizeof(b), "%.17g", d);
    put_bulk(out, b, (size_t)n);
}

static void put_id(struct buf *out, const struct stream_id *id)
{
    char b[STREAM_ID_MAXLEN];
    put_bulk(out, b, stream_id_format(id, b));
}

/* Opens the next batch of a multi-item command when the previous one is full. left: items
 * still to write, counting the current one; per: arguments per item. */
static void batch_open(struct buf *out, size_t *in_batch, size_t left, int per, const char *cmd,
                       const char *key, size_t klen)
{
    if (*in_batch > 0)
        return;
    size_t n = left > AOF_REWRITE_ITEMS_PER_CMD ? AOF_REWRITE_ITEMS_PER_CMD : left;
    put_hdr(out, 2 + (long long)n * per);
    put_cstr(out, cmd);
    put_bulk(out, key, klen);
    *in_batch = n;
}

static void rewrite_list(const char *key, size_t klen, const struct obj *o, struct buf *out)
{
    struct obj *l = (struct obj *)o; /* the iterator only reads */
    size_t left = list_len(l), in_batch = 0;
    struct list_iter it;
    struct list_entry e;
    list_iter_init(&it, l, 0, LIST_TAIL);
    while (list_iter_next(&it, &e)) {
        batch_open(out, &in_batch, left, 1, "RPUSH", key, klen);
        put_bulk(out, e.p, e.len);
        in_batch--;
        left--;
    }
}

static void rewrite_set(const char *key, size_t klen, const struct obj *o, struct buf *out)
{
    size_t left = set_len(o), in_batch = 0;
    if (o->enc == OBJ_ENC_INTSET) {
        const struct intset *is = o->u.ptr;
        for (uint32_t i = 0; i < intset_len(is); i++) {
            batch_open(out, &in_batch, left, 1, "SADD", key, klen);
            put_ll(out, (long long)intset_get(is, i));
            in_batch--;
            left--;
        }
        return;
    }
    const struct dict *d = o->u.ptr;
    for (int t = 0; t < 2; t++)
        for (size_t i = 0; i < d->size[t]; i++)
            for (const struct dict_entry *e = d->table[t][i]; e != NULL; e = e->next) {
                batch_open(out, &in_batch, left, 1, "SADD", key, klen);
                put_bulk(out, e->key, e->klen);
                in_batch--;
                left--;
            }
}

static void rewrite_zset(const char *key, size_t klen, const struct obj *o, struct buf *out)
{
    size_t n = zset_len(o), left = n, in_batch = 0;
    struct zset_iter it;
    struct zset_elem el;
    zset_iter_init(&it, o, 0, n, false);
    while (zset_iter_next(&it, &el)) {
        batch_open(out, &in_batch, left, 2, "ZADD", key, klen);
        put_double(out, el.score);
        put_bulk(out, el.p, el.len);
        in_batch--;
        left--;
    }
}

static void rewrite_hash(const char *key, size_t klen, const struct obj *o, struct buf *out)
{
    size_t left = hash_len(o), in_batch = 0;
    if (o->enc == OBJ_ENC_LISTPACK) {
        unsigned char *lp = o->u.ptr;
        char fb[LISTPACK_INTBUF], vb[LISTPACK_INTBUF];
        unsigned char *p = listpack_first(lp);
        while (p != NULL) {
            unsigned char *v = listpack_next(lp, p);
            if (v == NULL)
                break;
            size_t fl, vl;
            const char *f = listpack_get_str(p, fb, &fl);
            const char *s = listpack_get_str(v, vb, &vl);
            batch_open(out, &in_batch, left, 2, "HMSET", key, klen);
            put_bulk(out, f, fl);
            put_bulk(out, s, vl);
            in_batch--;
            left--;
            p = listpack_next(lp, v);
        }
        return;
    }
    const struct dict *d = o->u.ptr;
    for (int t = 0; t < 2; t++)
        for (size_t i = 0; i < d->size[t]; i++)
            for (const struct dict_entry *e = d->table[t][i]; e != NULL; e = e->next) {
                size_t vl;
                const char *v = hash_table_value(e, &vl);
                batch_open(out, &in_batch, left, 2, "HMSET", key, klen);
                put_bulk(out, e->key, e->klen);
                put_bulk(out, v, vl);
                in_batch--;
                left--;
            }
}

/* One XADD per entry (Redis does not batch streams); XSETID then restores what XADD cannot:
 * the last ID after deletions, entries-added and the max deleted ID. */
static void rewrite_stream(const char *key, size_t klen, const struct obj *o, struct buf *out)
{
    const struct stream *s = stream_of(o);
    if (s->length > 0) {
        struct stream_iter it;
        struct stream_id id;
        uint64_t nf;
        struct stream_id lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
        stream_iter_init(&it, (struct obj *)o, &lo, &hi, false);
        while (stream_iter_next(&it, &id, &nf)) {
            put_hdr(out, 3 + (long long)nf * 2);
            put_cstr(out, "XADD");
            put_bulk(out, key, klen);
            put_id(out, &id);
            const char *f, *v;
            size_t fl, vl;
            while (stream_iter_field(&it, &f, &fl, &v, &vl)) {
                put_bulk(out, f, fl);
                put_bulk(out, v, vl);
            }
        }
    } else {
        /* An empty stream is a value: XADD with MAXLEN 0 creates it and trims the entry. */
        put_hdr(out, 7);
        put_cstr(out, "XADD");
        put_bulk(out, key, klen);
        put_cstr(out, "MAXLEN");
        put_cstr(out, "0");
        put_cstr(out, "0-1");
        put_cstr(out, "x");
        put_cstr(out, "y");
    }
    put_hdr(out, 7);
    put_cstr(out, "XSETID");
    put_bulk(out, key, klen);
    put_id(out, &s->last_id);
    put_cstr(out, "ENTRIESADDED");
    put_ll(out, (long long)s->entries_added);
    put_cstr(out, "MAXDELETEDID");
    put_id(out, &s->max_deleted_id);
}

void aof_rewrite_value(const char *key, size_t klen, const struct obj *o, struct buf *out)
{
    switch (o->type) {
    case OBJ_STRING: {
        char tmp[NUM_LL_MAXLEN];
        size_t n;
        const char *p = str_bytes(o, tmp, &n);
        put_hdr(out, 3);
        put_cstr(out, "SET");
        put_bulk(out, key, klen);
        put_bulk(out, p, n);
        return;
    }
    case OBJ_LIST: rewrite_list(key, klen, o, out); return;
    case OBJ_SET: rewrite_set(key, klen, o, out); return;
    case OBJ_ZSET: rewrite_zset(key, klen, o, out); return;
    case OBJ_HASH: rewrite_hash(key, klen, o, out); return;
    case OBJ_STREAM: rewrite_stream(key, klen, o, out); return;
    }
}

static bool flush(struct buf *b, aof_rewrite_write_fn *write, void *ud)
{
    bool ok = buf_used(b) == 0 || write(ud, buf_head(b), buf_used(b));
    buf_clear(b);
    return ok;
}

bool aof_rewrite_save(const struct keyspace *ks, aof_rewrite_write_fn *write, void *write_ud,
                      aof_rewrite_progress_fn *progress, void *progress_ud,
                      uint64_t *keys_out)
{
    struct buf b;
    buf_init(&b);
    uint64_t keys = 0;
    bool ok = true;
    for (int dbi = 0; dbi < ks->ndb && ok; dbi++) {
        const struct db *db = &ks->dbs[dbi];
        if (db_size(db) == 0)
            continue;
        put_hdr(&b, 2);
        put_cstr(&b, "SELECT");
        put_ll(&b, dbi);
        bool has_expires = db_expires_size(db) > 0;
        const struct dict *kd = db->keys;
        for (int t = 0; t < 2 && ok; t++)
            for (size_t i = 0; i < kd->size[t] && ok; i++)
                for (const struct dict_entry *e = kd->table[t][i]; e != NULL && ok;
                     e = e->next) {
                    long long when = -1;
                    if (has_expires) {
                        const struct dict_entry *x = dict_find_ro(db->expires, e->key, e->klen);
                        if (x != NULL)
                            when = x->v.i;
                    }
                    aof_rewrite_value(e->key, e->klen, e->v.ptr, &b);
                    if (when != -1) {
                        put_hdr(&b, 3);
                        put_cstr(&b, "PEXPIREAT");
                        put_bulk(&b, e->key, e->klen);
                        put_ll(&b, when);
                    }
                    keys++;
                    if (buf_used(&b) >= FLUSH_AT)
                        ok = flush(&b, write, write_ud);
                    if (ok && progress != NULL)
                        ok = progress(progress_ud, keys);
                }
    }
    if (ok)
        ok = flush(&b, write, write_ud);
    buf_deinit(&b);
    if (keys_out != NULL)
        *keys_out = keys;
    return ok;
}
