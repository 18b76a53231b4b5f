/* tests/tools/ksdump.h: a canonical text dump of a keyspace, for comparing data across
 * save/load and against a real Redis (tests/persist/redis_dump.py prints the same format).
 *
 * One line per key, lines sorted: "db type encoding expire_ms key elements...", every string
 * escaped (bytes outside '!'..'~' and '\' as \xHH); sets and hashes sorted by escaped member
 * or field; zsets by rank as "member score" with the score as "%.17g"; streams as their
 * bookkeeping then "id field value..." per live entry. Test helper only:
 * static functions, included by one .c file each.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef KVD_TESTS_KSDUMP_H
#define KVD_TESTS_KSDUMP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/db.h"
#include "storage/hash.h"
#include "storage/list.h"
#include "storage/set.h"
#include "storage/str.h"
#include "storage/stream.h"
#include "storage/zset.h"
#include "utils/buf.h"

static void ksdump_esc(struct buf *b, const char *p, size_t len)
{
    if (len == 0) {
        buf_append_str(b, "\"\"");
        return;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c > 32 && c < 127 && c != '\\' && c != '"')
            buf_append(b, &p[i], 1);
        else
            buf_printf(b, "\\x%02x", c);
    }
}

struct ksdump_strs {
    char **v;
    size_t n, cap;
};

static void ksdump_strs_add(struct ksdump_strs *s, struct buf *b)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n++] = strdup(buf_cstr(b));
    buf_clear(b);
}

static int ksdump_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts s, appends " item" for each to out, frees the items. */
static void ksdump_strs_flush(struct ksdump_strs *s, struct buf *out)
{
    qsort(s->v, s->n, sizeof(*s->v), ksdump_cmp);
    for (size_t i = 0; i < s->n; i++) {
        buf_append_str(out, " ");
        buf_append_str(out, s->v[i]);
        free(s->v[i]);
    }
    s->n = 0;
}

static void ksdump_value(struct buf *line, struct obj *o)
{
    struct buf tmp;
    struct ksdump_strs items = {0};
    buf_init(&tmp);
    switch (o->type) {
    case OBJ_STRING: {
        char t[NUM_LL_MAXLEN];
        size_t n;
        const char *p = str_bytes(o, t, &n);
        buf_append_str(line, " ");
        ksdump_esc(line, p, n);
        break;
    }
    case OBJ_LIST: {
        struct list_iter it;
        struct list_entry e;
        list_iter_init(&it, o, 0, LIST_TAIL);
        while (list_iter_next(&it, &e)) {
            buf_append_str(line, " ");
            ksdump_esc(line, e.p, e.len);
        }
        break;
    }
    case OBJ_SET: {
        struct set_iter it;
        const char *p;
        size_t n;
        set_iter_init(&it, o);
        while (set_iter_next(&it, &p, &n)) {
            ksdump_esc(&tmp, p, n);
            ksdump_strs_add(&items, &tmp);
        }
        set_iter_done(&it);
        ksdump_strs_flush(&items, line);
        break;
    }
    case OBJ_HASH: {
        struct hash_iter it;
        const char *f, *v;
        size_t fl, vl;
        hash_iter_init(&it, o);
        while (hash_iter_next(&it, &f, &fl, &v, &vl)) {
            ksdump_esc(&tmp, f, fl);
            buf_append_str(&tmp, " ");
            ksdump_esc(&tmp, v, vl);
            ksdump_strs_add(&items, &tmp);
        }
        hash_iter_done(&it);
        ksdump_strs_flush(&items, line);
        break;
    }
    case OBJ_STREAM: {
        /* Bookkeeping as XINFO STREAM shows it (nodes = radix-tree-keys), then the live
         * entries in ID order: " id field value ..." */
        struct stream *s = stream_of(o);
        char a[STREAM_ID_MAXLEN], b[STREAM_ID_MAXLEN], c[STREAM_ID_MAXLEN];
        stream_id_format(&s->last_id, a);
        stream_id_format(&s->first_id, b);
        stream_id_format(&s->max_deleted_id, c);
        buf_printf(line, " len=%llu nodes=%zu last=%s first=%s maxdel=%s added=%llu",
                   (unsigned long long)s->length, s->nnodes, a, b, c,
                   (unsigned long long)s->entries_added);
        struct stream_iter it;
        struct stream_id lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX}, id;
        uint64_t nf;
        stream_iter_init(&it, o, &lo, &hi, false);
        while (stream_iter_next(&it, &id, &nf)) {
            const char *f, *v;
            size_t fl, vl;
            stream_id_format(&id, a);
            buf_printf(line, " %s", a);
            while (stream_iter_field(&it, &f, &fl, &v, &vl)) {
                buf_append_str(line, " ");
                ksdump_esc(line, f, fl);
                buf_append_str(line, " ");
                ksdump_esc(line, v, vl);
            }
        }
        break;
    }
    case OBJ_ZSET: {
        struct zset_iter it;
        struct zset_elem el;
        zset_iter_init(&it, o, 0, zset_len(o), false);
        while (zset_iter_next(&it, &el)) {
            buf_append_str(line, " ");
            ksdump_esc(line, el.p, el.len);
            buf_printf(line, " %.17g", el.score);
        }
        break;
    }
    }
    free(items.v);
    buf_deinit(&tmp);
}

/* Writes the canonical dump of every db of ks to out (sorted lines, each ending in \n). */
static void ksdump(struct keyspace *ks, struct buf *out)
{
    struct ksdump_strs lines = {0};
    struct buf line;
    buf_init(&line);
    for (int i = 0; i < ks->ndb; i++) {
        struct db *db = &ks->dbs[i];
        struct dict_iter it;
        struct dict_entry *e;
        dict_iter_init(&it, db->keys, false);
        while ((e = dict_iter_next(&it)) != NULL) {
            struct obj *o = e->v.ptr;
            struct dict_entry *x = dict_find(db->expires, e->key, e->klen);
            buf_printf(&line, "%d %s %s %lld ", i, obj_type_name(o), obj_enc_name(o),
                       x != NULL ? (long long)x->v.i : -1LL);
            ksdump_esc(&line, e->key, e->klen);
            ksdump_value(&line, o);
            ksdump_strs_add(&lines, &line);
        }
        dict_iter_done(&it);
    }
    qsort(lines.v, lines.n, sizeof(*lines.v), ksdump_cmp);
    for (size_t i = 0; i < lines.n; i++) {
        buf_append_str(out, lines.v[i]);
        buf_append_str(out, "\n");
        free(lines.v[i]);
    }
    free(lines.v);
    buf_deinit(&line);
}

#endif
