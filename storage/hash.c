/* storage/hash.c: the hash value type.
 *
 * Owns both hash encodings (listpack of alternating field/value entries; dict of field ->
 * length-prefixed value block) and the one-way switch between them at Redis 7.0's limits.
 * Knows nothing of keys, connections or replies: server/cmd_hash.c drives it.
 * Start at hash_set(), which shows both encodings and the conversion rule.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/hash.h"

#include <limits.h>
#include <string.h>

#include "utils/mem.h"
#include "utils/rand.h"

long long hash_max_listpack_entries = 512;
long long hash_max_listpack_value = 64;

/* A table value: its own block, so a field's entry stays one allocation with the key. */
struct hval {
    size_t len;
    char data[]; /* len bytes then a NUL, so values can be handed to C parsers */
};

static struct hval *hval_new(const char *p, size_t len)
{
    struct hval *v = mem_alloc(sizeof(*v) + len + 1);
    v->len = len;
    if (len > 0)
        memcpy(v->data, p, len);
    v->data[len] = '\0';
    return v;
}

static void hval_free(union dict_val *v)
{
    mem_free(v->ptr);
}

static const struct dict_type hash_dict_type = {.free_val = hval_free};

const char *hash_table_value(const struct dict_entry *e, size_t *len)
{
    const struct hval *hv = e->v.ptr;
    *len = hv->len;
    return hv->data;
}

static bool too_long(size_t len)
{
    return (long long)len > hash_max_listpack_value;
}

/* ---- encodings -------------------------------------------------------------------------- */

static void convert_to_table(struct obj *h)
{
    unsigned char *lp = h->u.ptr;
    struct dict *d = dict_new(&hash_dict_type);
    dict_expand(d, listpack_count(lp) / 2);
    char fb[LISTPACK_INTBUF], vb[LISTPACK_INTBUF];
    for (unsigned char *p = listpack_first(lp); p != NULL;) {
        unsigned char *vp = listpack_next(lp, p);
        size_t flen, vlen;
        const char *f = listpack_get_str(p, fb, &flen);
        const char *v = listpack_get_str(vp, vb, &vlen);
        struct dict_entry *e = dict_add(d, f, flen, NULL);
        e->v.ptr = hval_new(v, vlen);
        p = listpack_next(lp, vp);
    }
    listpack_free(lp);
    h->u.ptr = d;
    h->enc = OBJ_ENC_HT;
}

struct obj *hash_new(void)
{
    return obj_new(OBJ_HASH, OBJ_ENC_LISTPACK, listpack_new());
}

void hash_free(void *ptr, unsigned enc)
{
    if (enc == OBJ_ENC_LISTPACK)
        listpack_free(ptr);
    else
        dict_free(ptr);
}

struct obj *hash_dup(const struct obj *h)
{
    if (h->enc == OBJ_ENC_LISTPACK)
        return obj_new(OBJ_HASH, OBJ_ENC_LISTPACK, listpack_dup(h->u.ptr));
    struct dict *src = h->u.ptr;
    struct dict *d = dict_new(&hash_dict_type);
    dict_expand(d, dict_size(src));
    struct dict_iter it;
    dict_iter_init(&it, src, false);
    for (struct dict_entry *e; (e = dict_iter_next(&it)) != NULL;) {
        const struct hval *v = e->v.ptr;
        struct dict_entry *ne = dict_add(d, e->key, e->klen, NULL);
        ne->v.ptr = hval_new(v->data, v->len);
    }
    dict_iter_done(&it);
    return obj_new(OBJ_HASH, OBJ_ENC_HT, d);
}

size_t hash_memory_usage(const struct obj *h, size_t samples)
{
    size_t total = mem_usable(h);
    if (h->enc == OBJ_ENC_LISTPACK)
        return total + mem_usable(h->u.ptr);
    struct dict *d = h->u.ptr;
    total += dict_mem_usage(d);
    size_t seen = 0, bytes = 0;
    struct dict_iter it;
    dict_iter_init(&it, d, false);
    for (struct dict_entry *e; (e = dict_iter_next(&it)) != NULL;) {
        if (samples != 0 && seen >= samples)
            break;
        bytes += mem_usable(e->v.ptr);
        seen++;
    }
    dict_iter_done(&it);
    if (seen > 0)
        total += (size_t)((double)bytes / (double)seen * (double)dict_size(d));
    return total;
}

size_t hash_len(const struct obj *h)
{
    if (h->enc == OBJ_ENC_LISTPACK)
        return listpack_count(h->u.ptr) / 2;
    return dict_size(h->u.ptr);
}

void hash_prepare_write(struct obj *h, const struct slice *args, int n)
{
    if (h->enc != OBJ_ENC_LISTPACK)
        return;
    for (int i = 0; i < n; i++) {
        if (too_long(args[i].len)) {
            convert_to_table(h);
            return;
        }
    }
}

/* The listpack entry holding field f, or NULL. */
static unsigned char *lp_field(struct obj *h, const char *f, size_t flen)
{
    unsigned char *lp = h->u.ptr;
    return listpack_find(lp, listpack_first(lp), f, flen, 1);
}

bool hash_get(struct obj *h, const char *f, size_t flen, char *buf, const char **v,
              size_t *vlen)
{
    if (h->enc == OBJ_ENC_LISTPACK) {
        unsigned char *p = lp_field(h, f, flen);
        if (p == NULL)
            return false;
        *v = listpack_get_str(listpack_next(h->u.ptr, p), buf, vlen);
        return true;
    }
    struct dict_entry *e = dict_find(h->u.ptr, f, flen);
    if (e == NULL)
        return false;
    const struct hval *hv = e->v.ptr;
    *v = hv->data;
    *vlen = hv->len;
    return true;
}

bool hash_exists(struct obj *h, const char *f, size_t flen)
{
    if (h->enc == OBJ_ENC_LISTPACK)
        return lp_field(h, f, flen) != NULL;
    return dict_find(h->u.ptr, f, flen) != NULL;
}

bool hash_set(struct obj *h, const char *f, size_t flen, const char *v, size_t vlen)
{
    /* Redis 7.0 checks the lengths on every set (so an HINCRBY result longer than the limit
     * converts too), and the count only after adding. */
    if (h->enc == OBJ_ENC_LISTPACK && (too_long(flen) || too_long(vlen)))
        convert_to_table(h);
    if (h->enc == OBJ_ENC_LISTPACK) {
        unsigned char *lp = h->u.ptr;
        unsigned char *p = lp_field(h, f, flen);
        if (p != NULL) {
            unsigned char *vp = listpack_next(lp, p);
            h->u.ptr = listpack_replace(lp, &vp, v, vlen);
            return false;
        }
        lp = listpack_append(lp, f, flen);
        h->u.ptr = listpack_append(lp, v, vlen);
        if ((long long)hash_len(h) > hash_max_listpack_entries)
            convert_to_table(h);
        return true;
    }
    bool existed;
    struct dict_entry *e = dict_add(h->u.ptr, f, flen, &existed);
    if (existed)
        mem_free(e->v.ptr);
    e->v.ptr = hval_new(v, vlen);
    return !existed;
}

bool hash_delete(struct obj *h, const char *f, size_t flen)
{
    if (h->enc == OBJ_ENC_LISTPACK) {
        unsigned char *p = lp_field(h, f, flen);
        if (p == NULL)
            return false;
        h->u.ptr = listpack_delete(h->u.ptr, p, 2, NULL);
        return true;
    }
    return dict_delete(h->u.ptr, f, flen);
}

/* ---- iteration ---------------------------------------------------------------------------- */

void hash_iter_init(struct hash_iter *it, struct obj *h)
{
    it->h = h;
    if (h->enc == OBJ_ENC_LISTPACK)
        it->p = listpack_first(h->u.ptr);
    else
        dict_iter_init(&it->di, h->u.ptr, false);
}

bool hash_iter_next(struct hash_iter *it, const char **f, size_t *flen, const char **v,
                    size_t *vlen)
{
    if (it->h->enc == OBJ_ENC_LISTPACK) {
        if (it->p == NULL)
            return false;
        unsigned char *lp = it->h->u.ptr;
        unsigned char *vp = listpack_next(lp, it->p);
        *f = listpack_get_str(it->p, it->fbuf, flen);
        *v = listpack_get_str(vp, it->vbuf, vlen);
        it->p = listpack_next(lp, vp);
        return true;
    }
    struct dict_entry *e = dict_iter_next(&it->di);
    if (e == NULL)
        return false;
    const struct hval *hv = e->v.ptr;
    *f = e->key;
    *flen = e->klen;
    *v = hv->data;
    *vlen = hv->len;
    return true;
}

void hash_iter_done(struct hash_iter *it)
{
    if (it->h->enc != OBJ_ENC_LISTPACK)
        dict_iter_done(&it->di);
}

/* ---- HSCAN and HRANDFIELD ----------------------------------------------------------------- */

struct scan_relay {
    hash_visit_fn *fn;
    void *ud;
    size_t seen;
};

static void scan_relay_entry(void *ud, const struct dict_entry *e)
{
    struct scan_relay *r = ud;
    const struct hval *hv = e->v.ptr;
    r->fn(r->ud, e->key, e->klen, hv->data, hv->len);
    r->seen++;
}

static void visit_all(struct obj *h, hash_visit_fn *fn, void *ud)
{
    struct hash_iter it;
    const char *f, *v;
    size_t flen, vlen;
    hash_iter_init(&it, h);
    while (hash_iter_next(&it, &f, &flen, &v, &vlen))
        fn(ud, f, flen, v, vlen);
    hash_iter_done(&it);
}

unsigned long long hash_scan(struct obj *h, unsigned long long cursor, size_t count,
                             hash_visit_fn *fn, void *ud)
{
    if (h->enc == OBJ_ENC_LISTPACK) {
        visit_all(h, fn, ud);
        return 0;
    }
    struct scan_relay r = {fn, ud, 0};
    unsigned long long budget = count > ULLONG_MAX / 10 ? ULLONG_MAX : count * 10ULL;
    do {
        cursor = dict_scan(h->u.ptr, cursor, scan_relay_entry, &r);
    } while (cursor != 0 && budget-- > 0 && r.seen < count);
    return cursor;
}

/* Knuth's selection sampling: walks every pair once and keeps each with probability
 * (still needed)/(still left), so exactly want distinct pairs come out, each subset equally
 * likely. Used when the wanted share is large enough that rejection would spin. */
static void sample_walk(struct obj *h, size_t want, hash_visit_fn *fn, void *ud)
{
    size_t left = hash_len(h);
    struct hash_iter it;
    const char *f, *v;
    size_t flen, vlen;
    hash_iter_init(&it, h);
    while (want > 0 && hash_iter_next(&it, &f, &flen, &v, &vlen)) {
        if (rand_below(left) < want) {
            fn(ud, f, flen, v, vlen);
            want--;
        }
        left--;
    }
    hash_iter_done(&it);
}

static const struct dict_type seen_type = {.free_val = NULL};

void hash_random(struct obj *h, size_t count, bool distinct, hash_visit_fn *fn, void *ud)
{
    size_t n = hash_len(h);
    if (n == 0 || count == 0)
        return;
    if (distinct && count >= n) {
        visit_all(h, fn, ud);
        return;
    }
    if (h->enc == OBJ_ENC_LISTPACK) {
        if (distinct) {
            sample_walk(h, count, fn, ud);
            return;
        }
        /* Index the fields once so each pick is O(1) instead of a walk. */
        unsigned char *lp = h->u.ptr;
        unsigned char **fields = mem_alloc(n * sizeof(*fields));
        size_t i = 0;
        for (unsigned char *p = listpack_first(lp); p != NULL;
             p = listpack_next(lp, listpack_next(lp, p)))
            fields[i++] = p;
        char fb[LISTPACK_INTBUF], vb[LISTPACK_INTBUF];
        while (count-- > 0) {
            unsigned char *p = fields[rand_below(n)];
            size_t flen, vlen;
            const char *f = listpack_get_str(p, fb, &flen);
            const char *v = listpack_get_str(listpack_next(lp, p), vb, &vlen);
            fn(ud, f, flen, v, vlen);
        }
        mem_free(fields);
        return;
    }
    struct dict *d = h->u.ptr;
    if (!distinct) {
        while (count-- > 0) {
            struct dict_entry *e = dict_random(d);
            const struct hval *hv = e->v.ptr;
            fn(ud, e->key, e->klen, hv->data, hv->len);
        }
        return;
    }
    if (count * 3 > n) {
        sample_walk(h, count, fn, ud);
        return;
    }
    /* A small share of a big table: random picks, skipping repeats. */
    struct dict *seen = dict_new(&seen_type);
    while (dict_size(seen) < count) {
        struct dict_entry *e = dict_random(d);
        bool dup;
        dict_add(seen, e->key, e->klen, &dup);
        if (!dup) {
            const struct hval *hv = e->v.ptr;
            fn(ud, e->key, e->klen, hv->data, hv->len);
        }
    }
    dict_free(seen);
}
