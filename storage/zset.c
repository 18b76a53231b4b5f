/* storage/zset.c: the sorted set value type.
 *
 * Owns both encodings (a listpack of member, score pairs, and skiplist + dict) and the
 * conversions between them, at the thresholds Redis 7.0 uses. Every positional question
 * is answered as a forward rank: a range becomes the count of elements before it (lower)
 * and the count up to its end (upper), found by one skiplist descent or one listpack walk.
 * Knows nothing of keys, connections or replies, nor of the listpack's byte layout (only
 * its public API, plus how scores are packed into its entries: see score_encode()).
 * Start at zset_add(), then prefix_count() which every range query funnels into.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/zset.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "storage/dict.h"
#include "storage/listpack.h"
#include "utils/mem.h"
#include "utils/num.h"
#include "utils/rand.h"

long long zset_max_listpack_entries = 128;
long long zset_max_listpack_value = 64;

/* ---- ordering --------------------------------------------------------------------------- */

/* Redis's sdscmp: bytes first, then the shorter string sorts first. */
static int mcmp(const char *a, size_t al, const char *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int r = n != 0 ? memcmp(a, b, n) : 0;
    if (r != 0)
        return r;
    return al < bl ? -1 : al > bl;
}

static int elem_cmp(double s1, const char *m1, size_t l1, double s2, const char *m2, size_t l2)
{
    if (s1 < s2)
        return -1;
    if (s1 > s2)
        return 1;
    return mcmp(m1, l1, m2, l2);
}

/* A predicate true on a prefix of the set (in rank order); range bounds are expressed so. */
typedef bool prefix_pred(const void *ctx, double score, const char *m, size_t len);

static bool below_min(const void *ctx, double s, const char *m, size_t len)
{
    const struct zset_range *r = ctx;
    return r->minex ? s <= r->min : s < r->min;
}

static bool within_max(const void *ctx, double s, const char *m, size_t len)
{
    const struct zset_range *r = ctx;
    return r->maxex ? s < r->max : s <= r->max;
}

static bool lex_below_min(const void *ctx, double s, const char *m, size_t len)
{
    const struct zset_lex_bound *b = &((const struct zset_lex_range *)ctx)->min;
    if (b->kind != ZSET_LEX_VALUE)
        return b->kind == ZSET_LEX_POS_INF;
    int c = mcmp(m, len, b->p, b->len);
    return b->ex ? c <= 0 : c < 0;
}

static bool lex_within_max(const void *ctx, double s, const char *m, size_t len)
{
    const struct zset_lex_bound *b = &((const struct zset_lex_range *)ctx)->max;
    if (b->kind != ZSET_LEX_VALUE)
        return b->kind == ZSET_LEX_POS_INF;
    int c = mcmp(m, len, b->p, b->len);
    return b->ex ? c < 0 : c <= 0;
}

/* ---- small encoding: a listpack of member, score pairs ----------------------------------- */

/* Scores are stored so that reading one back is exact and cheap: an integral score within
 * long long range becomes an integer entry (1..9 bytes, and -0 folds into 0, as Redis's
 * text form reads back); any other is a 9-byte string, a marker then the double's own
 * bytes. The marker is neither a digit nor '-', so the listpack never takes it for an
 * integer and one memcpy recovers the value without strtod. */
#define SCORE_MARK 'd'
#define SCORE_BUF NUM_LL_MAXLEN /* holds either form */

static size_t score_encode(char *buf, double s)
{
    if (s >= -9223372036854775808.0 && s < 9223372036854775808.0) {
        long long v = (long long)s;
        if ((double)v == s)
            return num_ll2str(buf, v);
    }
    buf[0] = SCORE_MARK;
    memcpy(buf + 1, &s, sizeof(s));
    return 1 + sizeof(s);
}

static double score_decode(const unsigned char *p)
{
    size_t len;
    long long v;
    const unsigned char *s = listpack_get(p, &len, &v);
    if (s == NULL)
        return (double)v;
    assert(len == 1 + sizeof(double) && s[0] == SCORE_MARK);
    double d;
    memcpy(&d, s + 1, sizeof(d));
    return d;
}

/* The pair after / before the one whose member entry is mp (NULL past either end). */
static unsigned char *zlp_next(unsigned char *lp, unsigned char *mp)
{
    return listpack_next(lp, listpack_next(lp, mp));
}

static unsigned char *zlp_prev(unsigned char *lp, unsigned char *mp)
{
    unsigned char *sp = listpack_prev(lp, mp);
    return sp == NULL ? NULL : listpack_prev(lp, sp);
}

/* Orders the pair at mp against (score, m): <0, 0, >0 as elem_cmp. */
static int zlp_cmp(unsigned char *lp, unsigned char *mp, double score, const char *m,
                   size_t len)
{
    double s = score_decode(listpack_next(lp, mp));
    if (s != score) /* most walks end here, without formatting the member */
        return s < score ? -1 : 1;
    char buf[LISTPACK_INTBUF];
    size_t ml;
    const char *mm = listpack_get_str(mp, buf, &ml);
    return mcmp(mm, ml, m, len);
}

/* Member entry equal to m, or NULL. Members are short here, so a scan is the index. */
static unsigned char *zlp_find(unsigned char *lp, const char *m, size_t len)
{
    return listpack_find(lp, listpack_first(lp), m, len, 1);
}

/* Inserts the pair at its place in (score, member) order; the member must be absent. */
static unsigned char *zlp_insert(unsigned char *lp, double score, const char *m, size_t len)
{
    char sb[SCORE_BUF];
    size_t sl = score_encode(sb, score);
    unsigned char *at = NULL; /* member entry of the first pair above the new one */
    unsigned char *last = listpack_last(lp);
    /* Sets are often filled in score order: when the new pair is the highest, skip the walk. */
    if (last != NULL && zlp_cmp(lp, listpack_prev(lp, last), score, m, len) > 0) {
        for (unsigned char *mp = listpack_first(lp); mp != NULL; mp = zlp_next(lp, mp)) {
            if (zlp_cmp(lp, mp, score, m, len) > 0) {
                at = mp;
                break;
            }
        }
    }
    unsigned char *np;
    lp = listpack_insert(lp, at, LISTPACK_BEFORE, m, len, &np);
    return listpack_insert(lp, np, LISTPACK_AFTER, sb, sl, NULL);
}

/* Gives the pair at mp (member m) a new score, in place when its neighbours still bracket
 * it (ZINCRBY counters mostly do), else by moving it. */
static unsigned char *zlp_update(unsigned char *lp, unsigned char *mp, double score,
                                 const char *m, size_t len)
{
    unsigned char *pm = zlp_prev(lp, mp), *nm = zlp_next(lp, mp);
    if ((pm == NULL || zlp_cmp(lp, pm, score, m, len) < 0) &&
        (nm == NULL || zlp_cmp(lp, nm, score, m, len) > 0)) {
        char sb[SCORE_BUF];
        size_t sl = score_encode(sb, score);
        unsigned char *sp = listpack_next(lp, mp);
        return listpack_replace(lp, &sp, sb, sl);
    }
    lp = listpack_delete(lp, mp, 2, NULL);
    return zlp_insert(lp, score, m, len);
}

/* Forward rank of the pair whose member entry is target. */
static size_t zlp_rank_of(unsigned char *lp, const unsigned char *target)
{
    size_t r = 0;
    for (unsigned char *mp = listpack_first(lp); mp != target; mp = zlp_next(lp, mp))
        r++;
    return r;
}

/* ---- skiplist + dict ------------------------------------------------------------------------ */

#define ZSL_MAXLEVEL 32

struct zsl_node;
struct zsl_level {
    struct zsl_node *forward;
    size_t span; /* elements skipped by following forward */
};

/* The member bytes live once, in the dict entry (whose value points back at the node). */
struct zsl_node {
    double score;
    struct zsl_node *backward;
    struct dict_entry *de;
    struct zsl_level level[];
};

struct zskip {
    struct dict *dict; /* member -> node (v.ptr); entries are freed with their nodes */
    struct zsl_node *header, *tail;
    size_t length;
    int level;
};

static const struct dict_type zskip_dict_type = {.free_val = NULL};

static inline const char *node_m(const struct zsl_node *x) { return x->de->key; }
static inline size_t node_len(const struct zsl_node *x) { return x->de->klen; }

static struct zsl_node *node_new(int level, double score, struct dict_entry *de)
{
    struct zsl_node *x =
        mem_alloc(sizeof(struct zsl_node) + (size_t)level * sizeof(struct zsl_level));
    x->score = score;
    x->backward = NULL;
    x->de = de;
    return x;
}

/* Level k with probability 1/4^(k-1), from one random word: each pair of zero low bits
 * climbs one level. */
static int random_level(void)
{
    uint64_t r = rand_u64();
    int level = 1;
    while ((r & 3) == 0 && level < ZSL_MAXLEVEL) {
        level++;
        r >>= 2;
        if (r == 0)
            break;
    }
    return level;
}

static struct zskip *zsl_new(void)
{
    struct zskip *zs = mem_alloc(sizeof(*zs));
    zs->dict = dict_new(&zskip_dict_type);
    zs->header = node_new(ZSL_MAXLEVEL, 0, NULL);
    for (int i = 0; i < ZSL_MAXLEVEL; i++) {
        zs->header->level[i].forward = NULL;
        zs->header->level[i].span = 0;
    }
    zs->tail = NULL;
    zs->length = 0;
    zs->level = 1;
    return zs;
}

static void zsl_free(struct zskip *zs)
{
    struct zsl_node *x = zs->header->level[0].forward;
    while (x != NULL) {
        struct zsl_node *next = x->level[0].forward;
        mem_free(x);
        x = next;
    }
    mem_free(zs->header);
    dict_free(zs->dict); /* entries own nothing beyond themselves */
    mem_free(zs);
}

static void zsl_insert_node(struct zskip *zs, double score, struct dict_entry *de)
{
    struct zsl_node *update[ZSL_MAXLEVEL], *x = zs->header;
    size_t rank[ZSL_MAXLEVEL];
    for (int i = zs->level - 1; i >= 0; i--) {
        rank[i] = i == zs->level - 1 ? 0 : rank[i + 1];
        while (x->level[i].forward != NULL &&
               elem_cmp(x->level[i].forward->score, node_m(x->level[i].forward),
                        node_len(x->level[i].forward), score, de->key, de->klen) < 0) {
            rank[i] += x->level[i].span;
            x = x->level[i].forward;
        }
        update[i] = x;
    }
    int level = random_level();
    if (level > zs->level) {
        for (int i = zs->level; i < level; i++) {
            rank[i] = 0;
            update[i] = zs->header;
            update[i]->level[i].span = zs->length;
        }
        zs->level = level;
    }
    x = node_new(level, score, de);
    de->v.ptr = x;
    for (int i = 0; i < level; i++) {
        x->level[i].forward = update[i]->level[i].forward;
        update[i]->level[i].forward = x;
        x->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
        update[i]->level[i].span = rank[0] - rank[i] + 1;
    }
    for (int i = level; i < zs->level; i++)
        update[i]->level[i].span++;
    x->backward = update[0] == zs->header ? NULL : update[0];
    if (x->level[0].forward != NULL)
        x->level[0].forward->backward = x;
    else
        zs->tail = x;
    zs->length++;
}

/* Unlinks x given the rightmost node before it on every level. */
static void zsl_unlink(struct zskip *zs, struct zsl_node *x, struct zsl_node **update)
{
    for (int i = 0; i < zs->level; i++) {
        if (update[i]->level[i].forward == x) {
            update[i]->level[i].span += x->level[i].span - 1;
            update[i]->level[i].forward = x->level[i].forward;
        } else {
            update[i]->level[i].span--;
        }
    }
    if (x->level[0].forward != NULL)
        x->level[0].forward->backward = x->backward;
    else
        zs->tail = x->backward;
    while (zs->level > 1 && zs->header->level[zs->level - 1].forward == NULL)
        zs->level--;
    zs->length--;
}

/* Removes node x (found through the dict) from the skiplist and frees it; the dict entry
 * stays for the caller. */
static void zsl_delete_node(struct zskip *zs, struct zsl_node *target)
{
    struct zsl_node *update[ZSL_MAXLEVEL], *x = zs->header;
    for (int i = zs->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL &&
               elem_cmp(x->level[i].forward->score, node_m(x->level[i].forward),
                        node_len(x->level[i].forward), target->score, node_m(target),
                        node_len(target)) < 0)
            x = x->level[i].forward;
        update[i] = x;
    }
    assert(update[0]->level[0].forward == target);
    zsl_unlink(zs, target, update);
    mem_free(target);
}

/* Node at forward rank r (0-based), r < length. O(log n). */
static struct zsl_node *zsl_at(const struct zskip *zs, size_t r)
{
    struct zsl_node *x = zs->header;
    size_t traversed = 0, want = r + 1;
    for (int i = zs->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL && traversed + x->level[i].span <= want) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        if (traversed == want)
            return x;
    }
    return NULL;
}

/* Converts the listpack to skiplist + dict. */
static void convert_to_skiplist(struct obj *z)
{
    unsigned char *lp = z->u.ptr;
    struct zskip *zs = zsl_new();
    dict_expand(zs->dict, listpack_count(lp) / 2);
    for (unsigned char *mp = listpack_first(lp); mp != NULL; mp = zlp_next(lp, mp)) {
        char buf[LISTPACK_INTBUF];
        size_t ml;
        const char *m = listpack_get_str(mp, buf, &ml);
        struct dict_entry *de = dict_add(zs->dict, m, ml, NULL);
        zsl_insert_node(zs, score_decode(listpack_next(lp, mp)), de);
    }
    listpack_free(lp);
    z->u.ptr = zs;
    z->enc = OBJ_ENC_SKIPLIST;
}

/* ---- API -------------------------------------------------------------------------------------- */

struct obj *zset_new(void)
{
    return obj_new(OBJ_ZSET, OBJ_ENC_LISTPACK, listpack_new());
}

struct obj *zset_new_skiplist(void)
{
    return obj_new(OBJ_ZSET, OBJ_ENC_SKIPLIST, zsl_new());
}

void zset_convert_skiplist(struct obj *z)
{
    if (z->enc == OBJ_ENC_LISTPACK)
        convert_to_skiplist(z);
}

size_t zset_len(const struct obj *z)
{
    if (z->enc == OBJ_ENC_LISTPACK)
        return listpack_count(z->u.ptr) / 2;
    return ((const struct zskip *)z->u.ptr)->length;
}

bool zset_score(const struct obj *z, const char *m, size_t len, double *score)
{
    if (z->enc == OBJ_ENC_LISTPACK) {
        unsigned char *lp = z->u.ptr, *mp = zlp_find(lp, m, len);
        if (mp == NULL)
            return false;
        *score = score_decode(listpack_next(lp, mp));
        return true;
    }
    const struct zskip *zs = z->u.ptr;
    struct dict_entry *de = dict_find(zs->dict, m, len);
    if (de == NULL)
        return false;
    *score = ((struct zsl_node *)de->v.ptr)->score;
    return true;
}

int zset_add(struct obj *z, double score, const char *m, size_t len, int flags,
             double *newscore)
{
    bool incr = flags & ZSET_ADD_INCR, nx = flags & ZSET_ADD_NX, xx = flags & ZSET_ADD_XX;
    bool gt = flags & ZSET_ADD_GT, lt = flags & ZSET_ADD_LT;
    double cur = 0;
    unsigned char *mp = NULL; /* listpack: the member's entry, found once */
    bool found;

    if (isnan(score))
        return ZSET_OUT_NAN;
    if (z->enc == OBJ_ENC_LISTPACK) {
        mp = zlp_find(z->u.ptr, m, len);
        found = mp != NULL;
        if (found)
            cur = score_decode(listpack_next(z->u.ptr, mp));
    } else {
        found = zset_score(z, m, len, &cur);
    }
    if (found) {
        if (nx)
            return ZSET_OUT_NOP;
        if (incr) {
            score += cur;
            if (isnan(score))
                return ZSET_OUT_NAN;
        }
        /* GT/LT compare the resulting score (after INCR) with the current one. */
        if ((lt && score >= cur) || (gt && score <= cur))
            return ZSET_OUT_NOP;
        *newscore = score;
        if (score == cur)
            return 0;
        if (z->enc == OBJ_ENC_LISTPACK) {
            z->u.ptr = zlp_update(z->u.ptr, mp, score, m, len);
        } else {
            struct zskip *zs = z->u.ptr;
            struct dict_entry *de = dict_find(zs->dict, m, len);
            struct zsl_node *x = de->v.ptr;
            /* Stays in place when its neighbours still bracket the new score. */
            if ((x->backward == NULL || x->backward->score < score) &&
                (x->level[0].forward == NULL || x->level[0].forward->score > score)) {
                x->score = score;
            } else {
                zsl_delete_node(zs, x);
                zsl_insert_node(zs, score, de);
            }
        }
        return ZSET_OUT_UPDATED;
    }
    if (xx)
        return ZSET_OUT_NOP;
    if (z->enc == OBJ_ENC_LISTPACK) {
        if (zset_len(z) + 1 > (unsigned long long)zset_max_listpack_entries ||
            len > (unsigned long long)zset_max_listpack_value)
            convert_to_skiplist(z);
        else
            z->u.ptr = zlp_insert(z->u.ptr, score, m, len);
    }
    if (z->enc == OBJ_ENC_SKIPLIST) {
        struct zskip *zs = z->u.ptr;
        struct dict_entry *de = dict_add(zs->dict, m, len, NULL);
        zsl_insert_node(zs, score, de);
    }
    *newscore = score;
    return ZSET_OUT_ADDED;
}

bool zset_remove(struct obj *z, const char *m, size_t len)
{
    if (z->enc == OBJ_ENC_LISTPACK) {
        unsigned char *mp = zlp_find(z->u.ptr, m, len);
        if (mp == NULL)
            return false;
        z->u.ptr = listpack_delete(z->u.ptr, mp, 2, NULL);
        return true;
    }
    struct zskip *zs = z->u.ptr;
    struct dict_entry *de = dict_unlink(zs->dict, m, len);
    if (de == NULL)
        return false;
    zsl_delete_node(zs, de->v.ptr);
    dict_entry_free(zs->dict, de, true);
    return true;
}

bool zset_rank(const struct obj *z, const char *m, size_t len, size_t *rank)
{
    if (z->enc == OBJ_ENC_LISTPACK) {
        unsigned char *mp = zlp_find(z->u.ptr, m, len);
        if (mp == NULL)
            return false;
        *rank = zlp_rank_of(z->u.ptr, mp);
        return true;
    }
    const struct zskip *zs = z->u.ptr;
    struct dict_entry *de = dict_find(zs->dict, m, len);
    if (de == NULL)
        return false;
    const struct zsl_node *target = de->v.ptr, *x = zs->header;
    size_t r = 0;
    for (int i = zs->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL &&
               elem_cmp(x->level[i].forward->score, node_m(x->level[i].forward),
                        node_len(x->level[i].forward), target->score, m, len) <= 0) {
            r += x->level[i].span;
            x = x->level[i].forward;
        }
        if (x == target)
            break;
    }
    *rank = r - 1;
    return true;
}

/* How many elements, from rank 0, satisfy pred (true on a prefix). O(log n). */
static size_t prefix_count(const struct obj *z, prefix_pred *pred, const void *ctx)
{
    if (z->enc == OBJ_ENC_LISTPACK) {
        /* No random access in a listpack; at this size a forward walk is as quick. */
        unsigned char *lp = z->u.ptr;
        size_t r = 0;
        for (unsigned char *mp = listpack_first(lp); mp != NULL; mp = zlp_next(lp, mp)) {
            char buf[LISTPACK_INTBUF];
            size_t ml;
            const char *m = listpack_get_str(mp, buf, &ml);
            if (!pred(ctx, score_decode(listpack_next(lp, mp)), m, ml))
                break;
            r++;
        }
        return r;
    }
    const struct zskip *zs = z->u.ptr;
    const struct zsl_node *x = zs->header;
    size_t r = 0;
    for (int i = zs->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL &&
               pred(ctx, x->level[i].forward->score, node_m(x->level[i].forward),
                    node_len(x->level[i].forward))) {
            r += x->level[i].span;
            x = x->level[i].forward;
        }
    }
    return r;
}

size_t zset_range_lower(const struct obj *z, const struct zset_range *r)
{
    return prefix_count(z, below_min, r);
}

size_t zset_range_upper(const struct obj *z, const struct zset_range *r)
{
    return prefix_count(z, within_max, r);
}

size_t zset_lex_lower(const struct obj *z, const struct zset_lex_range *r)
{
    return prefix_count(z, lex_below_min, r);
}

size_t zset_lex_upper(const struct obj *z, const struct zset_lex_range *r)
{
    return prefix_count(z, lex_within_max, r);
}

void zset_iter_init(struct zset_iter *it, const struct obj *z, size_t start, size_t n, bool rev)
{
    it->z = z;
    it->rev = rev;
    it->left = n;
    it->node = NULL;
    if (n == 0)
        return;
    if (z->enc == OBJ_ENC_SKIPLIST)
        it->node = zsl_at(z->u.ptr, start);
    else
        it->node = listpack_seek(z->u.ptr, 2 * (long long)start);
}

bool zset_iter_next(struct zset_iter *it, struct zset_elem *out)
{
    if (it->left == 0)
        return false;
    it->left--;
    if (it->z->enc == OBJ_ENC_LISTPACK) {
        unsigned char *lp = it->z->u.ptr, *mp = it->node;
        out->p = listpack_get_str(mp, it->intbuf, &out->len);
        out->score = score_decode(listpack_next(lp, mp));
        it->node = it->rev ? zlp_prev(lp, mp) : zlp_next(lp, mp);
        return true;
    }
    struct zsl_node *x = it->node;
    out->p = node_m(x);
    out->len = node_len(x);
    out->score = x->score;
    it->node = it->rev ? x->backward : x->level[0].forward;
    return true;
}

void zset_delete_range(struct obj *z, size_t start, size_t n)
{
    if (n == 0)
        return;
    if (z->enc == OBJ_ENC_LISTPACK) {
        unsigned char *lp = z->u.ptr;
        z->u.ptr = listpack_delete(lp, listpack_seek(lp, 2 * (long long)start), 2 * n, NULL);
        return;
    }
    struct zskip *zs = z->u.ptr;
    struct zsl_node *update[ZSL_MAXLEVEL], *x = zs->header;
    size_t traversed = 0;
    for (int i = zs->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL && traversed + x->level[i].span <= start) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        update[i] = x;
    }
    /* Every removed node follows update[] on each level, so update[] stays valid. */
    x = x->level[0].forward;
    for (size_t k = 0; k < n && x != NULL; k++) {
        struct zsl_node *next = x->level[0].forward;
        zsl_unlink(zs, x, update);
        struct dict_entry *de = dict_unlink(zs->dict, node_m(x), node_len(x));
        dict_entry_free(zs->dict, de, true);
        mem_free(x);
        x = next;
    }
}

void zset_shrink_if_small(struct obj *z, size_t maxelelen)
{
    if (z->enc != OBJ_ENC_SKIPLIST)
        return;
    struct zskip *zs = z->u.ptr;
    if (zs->length > (unsigned long long)zset_max_listpack_entries ||
        maxelelen > (unsigned long long)zset_max_listpack_value)
        return;
    unsigned char *lp = listpack_new();
    for (struct zsl_node *x = zs->header->level[0].forward; x != NULL; x = x->level[0].forward) {
        char sb[SCORE_BUF];
        size_t sl = score_encode(sb, x->score);
        lp = listpack_append(lp, node_m(x), node_len(x));
        lp = listpack_append(lp, sb, sl);
    }
    zsl_free(zs);
    z->u.ptr = lp;
    z->enc = OBJ_ENC_LISTPACK;
}

struct scan_ctx {
    zset_scan_fn *fn;
    void *ud;
};

static void scan_entry(void *ud, const struct dict_entry *de)
{
    struct scan_ctx *sc = ud;
    sc->fn(sc->ud, de->key, de->klen, ((const struct zsl_node *)de->v.ptr)->score);
}

unsigned long long zset_scan(const struct obj *z, unsigned long long cursor, zset_scan_fn *fn,
                             void *ud)
{
    if (z->enc == OBJ_ENC_LISTPACK) {
        unsigned char *lp = z->u.ptr;
        for (unsigned char *mp = listpack_first(lp); mp != NULL; mp = zlp_next(lp, mp)) {
            char buf[LISTPACK_INTBUF];
            size_t ml;
            const char *m = listpack_get_str(mp, buf, &ml);
            fn(ud, m, ml, score_decode(listpack_next(lp, mp)));
        }
        return 0;
    }
    struct scan_ctx sc = {.fn = fn, .ud = ud};
    return dict_scan(((struct zskip *)z->u.ptr)->dict, cursor, scan_entry, &sc);
}

struct obj *zset_dup(const struct obj *z)
{
    if (z->enc == OBJ_ENC_LISTPACK) {
        return obj_new(OBJ_ZSET, OBJ_ENC_LISTPACK, listpack_dup(z->u.ptr));
    }
    const struct zskip *zs = z->u.ptr;
    struct obj *o = zset_new_skiplist();
    struct zskip *d = o->u.ptr;
    dict_expand(d->dict, zs->length);
    for (struct zsl_node *x = zs->header->level[0].forward; x != NULL; x = x->level[0].forward) {
        struct dict_entry *de = dict_add(d->dict, node_m(x), node_len(x), NULL);
        zsl_insert_node(d, x->score, de);
    }
    return o;
}

void zset_free(void *ptr, int enc)
{
    if (enc == OBJ_ENC_LISTPACK)
        listpack_free(ptr);
    else
        zsl_free(ptr);
}

size_t zset_memory_usage(const struct obj *z, size_t samples)
{
    size_t total = mem_usable(z);
    if (z->enc == OBJ_ENC_LISTPACK) {
        return total + mem_usable(z->u.ptr);
    }
    const struct zskip *zs = z->u.ptr;
    total += mem_usable(zs) + mem_usable(zs->header) + dict_mem_usage(zs->dict);
    size_t seen = 0, bytes = 0;
    for (struct zsl_node *x = zs->header->level[0].forward; x != NULL; x = x->level[0].forward) {
        if (samples != 0 && seen == samples)
            break;
        bytes += mem_usable(x);
        seen++;
    }
    if (seen != 0 && seen < zs->length)
        bytes = (size_t)((double)bytes / (double)seen * (double)zs->length);
    return total + bytes;
}
