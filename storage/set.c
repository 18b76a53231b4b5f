/* storage/set.c: the set value type.
 *
 * Owns both set encodings (intset of integers; dict whose entries are the members) and the
 * one-way switch between them at Redis 7.0's rules, plus the random picks behind SPOP and
 * SRANDMEMBER and the SSCAN step. Knows nothing of keys, connections or replies:
 * server/cmd_set.c drives it and does the set algebra (SINTER & co.) through this API.
 * Start at set_add(), which shows both encodings and the conversion rule.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/set.h"

#include <limits.h>
#include <string.h>

#include "utils/mem.h"
#include "utils/rand.h"

long long set_max_intset_entries = 512;

/* Members are the entries' keys; nothing hangs off them. */
static const struct dict_type set_dict_type = {.free_val = NULL};

/* Redis keeps a member in an intset only if it reads back byte for byte the same, which is
 * exactly its strict string2ll (num_str2ll). */
static bool as_int(const char *p, size_t len, long long *v)
{
    return len > 0 && len < SET_ELEMBUF && num_str2ll(p, len, v);
}

static struct dict *table_of(const struct obj *s) { return s->u.ptr; }
static struct intset *ints_of(const struct obj *s) { return s->u.ptr; }

/* ---- encodings -------------------------------------------------------------------------- */

static void convert_to_table(struct obj *s, size_t extra)
{
    struct intset *is = ints_of(s);
    struct dict *d = dict_new(&set_dict_type);
    dict_expand(d, intset_len(is) + extra);
    char buf[SET_ELEMBUF];
    for (uint32_t i = 0; i < intset_len(is); i++) {
        size_t n = num_ll2str(buf, intset_get(is, i));
        dict_add(d, buf, n, NULL);
    }
    intset_free(is);
    s->u.ptr = d;
    s->enc = OBJ_ENC_HT;
}

struct obj *set_new(void)
{
    return obj_new(OBJ_SET, OBJ_ENC_INTSET, intset_new());
}

struct obj *set_new_for(const char *p, size_t len)
{
    long long v;
    if (as_int(p, len, &v))
        return set_new();
    return obj_new(OBJ_SET, OBJ_ENC_HT, dict_new(&set_dict_type));
}

void set_free(void *ptr, unsigned enc)
{
    if (enc == OBJ_ENC_INTSET)
        intset_free(ptr);
    else
        dict_free(ptr);
}

struct obj *set_dup(const struct obj *s)
{
    if (s->enc == OBJ_ENC_INTSET)
        return obj_new(OBJ_SET, OBJ_ENC_INTSET, intset_dup(ints_of(s)));
    struct dict *src = table_of(s);
    struct dict *d = dict_new(&set_dict_type);
    dict_expand(d, dict_size(src));
    struct dict_iter it;
    dict_iter_init(&it, src, false);
    for (struct dict_entry *e; (e = dict_iter_next(&it)) != NULL;)
        dict_add(d, e->key, e->klen, NULL);
    dict_iter_done(&it);
    return obj_new(OBJ_SET, OBJ_ENC_HT, d);
}

size_t set_memory_usage(const struct obj *s, size_t samples)
{
    size_t total = mem_usable(s);
    if (s->enc == OBJ_ENC_INTSET)
        return total + mem_usable(s->u.ptr);
    /* The entries are the members, so the dict's own count covers them all. */
    return total + dict_mem_usage(table_of(s));
}

size_t set_len(const struct obj *s)
{
    if (s->enc == OBJ_ENC_INTSET)
        return intset_len(ints_of(s));
    return dict_size(table_of(s));
}

/* ---- membership ------------------------------------------------------------------------- */

bool set_add(struct obj *s, const char *p, size_t len)
{
    if (s->enc == OBJ_ENC_INTSET) {
        long long v;
        if (as_int(p, len, &v)) {
            bool added;
            s->u.ptr = intset_add(ints_of(s), v, &added);
            /* Redis converts once the count passes the limit, so a set holds up to exactly
             * set-max-intset-entries integers as an intset. */
            if (added && (long long)intset_len(ints_of(s)) > set_max_intset_entries)
                convert_to_table(s, 0);
            return added;
        }
        convert_to_table(s, 1);
    }
    bool existed;
    dict_add(table_of(s), p, len, &existed);
    return !existed;
}

bool set_remove(struct obj *s, const char *p, size_t len)
{
    if (s->enc == OBJ_ENC_INTSET) {
        long long v;
        if (!as_int(p, len, &v))
            return false;
        bool removed;
        s->u.ptr = intset_remove(ints_of(s), v, &removed);
        return removed;
    }
    if (!dict_delete(table_of(s), p, len))
        return false;
    dict_shrink_if_sparse(table_of(s));
    return true;
}

bool set_contains(struct obj *s, const char *p, size_t len)
{
    if (s->enc == OBJ_ENC_INTSET) {
        long long v;
        return as_int(p, len, &v) && intset_find(ints_of(s), v);
    }
    return dict_find(table_of(s), p, len) != NULL;
}

/* ---- iteration -------------------------------------------------------------------------- */

void set_iter_init(struct set_iter *it, struct obj *s)
{
    it->s = s;
    it->pos = 0;
    if (s->enc != OBJ_ENC_INTSET)
        dict_iter_init(&it->di, table_of(s), false);
}

bool set_iter_next(struct set_iter *it, const char **p, size_t *len)
{
    if (it->s->enc == OBJ_ENC_INTSET) {
        struct intset *is = ints_of(it->s);
        if (it->pos >= intset_len(is))
            return false;
        *len = num_ll2str(it->buf, intset_get(is, it->pos++));
        *p = it->buf;
        return true;
    }
    struct dict_entry *e = dict_iter_next(&it->di);
    if (e == NULL)
        return false;
    *p = e->key;
    *len = e->klen;
    return true;
}

void set_iter_done(struct set_iter *it)
{
    if (it->s->enc != OBJ_ENC_INTSET)
        dict_iter_done(&it->di);
}

/* ---- random picks ----------------------------------------------------------------------- */

void set_random(struct obj *s, char *buf, const char **p, size_t *len)
{
    if (s->enc == OBJ_ENC_INTSET) {
        struct intset *is = ints_of(s);
        *len = num_ll2str(buf, intset_get(is, (uint32_t)rand_below(intset_len(is))));
        *p = buf;
        return;
    }
    struct dict_entry *e = dict_random(table_of(s));
    *p = e->key;
    *len = e->klen;
}

void set_pop(struct obj *s, set_visit_fn *fn, void *ud)
{
    if (s->enc == OBJ_ENC_INTSET) {
        struct intset *is = ints_of(s);
        uint32_t pos = (uint32_t)rand_below(intset_len(is));
        char buf[SET_ELEMBUF];
        size_t n = num_ll2str(buf, intset_get(is, pos));
        fn(ud, buf, n);
        s->u.ptr = intset_remove_at(is, pos);
        return;
    }
    struct dict *d = table_of(s);
    struct dict_entry *e = dict_random(d);
    /* Unlinked first so the member's bytes stay valid while fn reads them. */
    e = dict_unlink(d, e->key, e->klen);
    fn(ud, e->key, e->klen);
    dict_entry_free(d, e, false);
    dict_shrink_if_sparse(d);
}

struct obj *set_split_random(struct obj *s, size_t keep)
{
    struct obj *out = NULL;
    char buf[SET_ELEMBUF];
    while (keep-- > 0) {
        const char *p;
        size_t len;
        set_random(s, buf, &p, &len);
        if (out == NULL)
            out = set_new_for(p, len);
        set_add(out, p, len);
        set_remove(s, p, len);
    }
    return out != NULL ? out : set_new();
}

/* Knuth's selection sampling: walks every member once and keeps each with probability
 * (still needed)/(still left), so exactly want distinct members come out. Used when the
 * wanted share is large enough that rejection sampling would spin. */
static void sample_walk(struct obj *s, size_t want, set_visit_fn *fn, void *ud)
{
    size_t left = set_len(s);
    struct set_iter it;
    const char *p;
    size_t len;
    set_iter_init(&it, s);
    while (want > 0 && set_iter_next(&it, &p, &len)) {
        if (rand_below(left) < want) {
            fn(ud, p, len);
            want--;
        }
        left--;
    }
    set_iter_done(&it);
}

void set_random_many(struct obj *s, size_t count, bool distinct, set_visit_fn *fn, void *ud)
{
    char buf[SET_ELEMBUF];
    const char *p;
    size_t len;
    if (!distinct) {
        for (size_t i = 0; i < count; i++) {
            set_random(s, buf, &p, &len);
            fn(ud, p, len);
        }
        return;
    }
    /* Redis's threshold between copying the set and drawing until enough are unique. */
    if (count * 3 > set_len(s)) {
        sample_walk(s, count, fn, ud);
        return;
    }
    struct dict *seen = dict_new(&set_dict_type);
    while (dict_size(seen) < count) {
        set_random(s, buf, &p, &len);
        bool existed;
        dict_add(seen, p, len, &existed);
        if (!existed)
            fn(ud, p, len);
    }
    dict_free(seen);
}

/* ---- SSCAN ------------------------------------------------------------------------------ */

struct scan_relay {
    set_visit_fn *fn;
    void *ud;
    size_t seen;
};

static void scan_relay_entry(void *ud, const struct dict_entry *e)
{
    struct scan_relay *r = ud;
    r->fn(r->ud, e->key, e->klen);
    r->seen++;
}

unsigned long long set_scan(struct obj *s, unsigned long long cursor, size_t count,
                            set_visit_fn *fn, void *ud)
{
    if (s->enc == OBJ_ENC_INTSET) {
        struct set_iter it;
        const char *p;
        size_t len;
        set_iter_init(&it, s);
        while (set_iter_next(&it, &p, &len))
            fn(ud, p, len);
        set_iter_done(&it);
        return 0;
    }
    struct scan_relay r = {fn, ud, 0};
    unsigned long long budget = count > ULLONG_MAX / 10 ? ULLONG_MAX : count * 10ULL;
    do {
        cursor = dict_scan(table_of(s), cursor, scan_relay_entry, &r);
    } while (cursor != 0 && budget-- > 0 && r.seen < count);
    return cursor;
}
