/* storage/stream.c: the stream value type.
 *
 * Owns the node array, the Redis-compatible listpack layout of each node (see stream.h),
 * ID generation, deletion marks, trimming and the range iterator.
 * Knows nothing of keys, replies, connections or the clock (the caller passes now_ms).
 * Start at stream_add(), then stream_trim() and stream_iter_next().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/stream.h"

#include <assert.h>
#include <string.h>

#include "utils/mem.h"
#include "utils/num.h"

long long stream_node_max_bytes = 4096;
long long stream_node_max_entries = 100;

/* Redis caps a stream listpack at 1 GiB (and treats max-bytes 0 as that cap). */
#define STREAM_LP_MAX_SIZE (1ull << 30)
/* kvd's listpack header holds a 32-bit count where Redis's holds 16 bits: node-size limits
 * are compared against Redis's byte count so nodes split where Redis splits them. */
#define LP_HEADER_EXTRA 2
/* Redis copies an ID argument into a 128-byte buffer and refuses longer ones. */
#define STREAM_ID_ARG_MAX 127

static const struct stream_id id_max = {UINT64_MAX, UINT64_MAX};

/* ---- IDs ------------------------------------------------------------------------------- */

int stream_id_cmp(const struct stream_id *a, const struct stream_id *b)
{
    if (a->ms != b->ms)
        return a->ms < b->ms ? -1 : 1;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return 0;
}

bool stream_id_incr(struct stream_id *id)
{
    if (id->seq != UINT64_MAX) {
        id->seq++;
        return true;
    }
    if (id->ms == UINT64_MAX)
        return false;
    id->ms++;
    id->seq = 0;
    return true;
}

bool stream_id_decr(struct stream_id *id)
{
    if (id->seq != 0) {
        id->seq--;
        return true;
    }
    if (id->ms == 0)
        return false;
    id->ms--;
    id->seq = UINT64_MAX;
    return true;
}

size_t stream_id_format(const struct stream_id *id, char *buf)
{
    size_t n = num_ull2str(buf, id->ms);
    buf[n++] = '-';
    n += num_ull2str(buf + n, id->seq);
    return n;
}

bool stream_id_parse(const char *p, size_t len, bool strict, uint64_t missing_seq,
                     struct stream_id *out, bool *seq_given)
{
    if (len > STREAM_ID_ARG_MAX)
        return false;
    if (!strict && len == 1 && (p[0] == '-' || p[0] == '+')) {
        *out = p[0] == '-' ? (struct stream_id){0, 0} : id_max;
        if (seq_given != NULL)
            *seq_given = true;
        return true;
    }
    unsigned long long ms, seq;
    const char *dash = memchr(p, '-', len);
    if (dash == NULL) {
        if (!num_str2ull_lenient(p, len, &ms))
            return false;
        seq = missing_seq;
    } else {
        const char *s = dash + 1;
        size_t slen = len - (size_t)(s - p);
        if (!num_str2ull_lenient(p, (size_t)(dash - p), &ms))
            return false;
        if (seq_given != NULL && slen == 1 && s[0] == '*') {
            out->ms = ms;
            out->seq = 0;
            *seq_given = false;
            return true;
        }
        if (!num_str2ull_lenient(s, slen, &seq))
            return false;
    }
    out->ms = ms;
    out->seq = seq;
    if (seq_given != NULL)
        *seq_given = true;
    return true;
}

/* ---- listpack helpers ---------------------------------------------------------------- */

/* The integer at p: count, flags and delta slots always hold integers. */
static long long lp_int(const unsigned char *p)
{
    long long v = 0;
    bool ok = listpack_get_int(p, &v);
    assert(ok);
    (void)ok;
    return v;
}

static unsigned char *lp_set_int(unsigned char *lp, unsigned char **p, long long v)
{
    char buf[NUM_LL_MAXLEN];
    size_t n = num_ll2str(buf, v);
    return listpack_replace(lp, p, buf, n);
}

/* The node's size as Redis would count it (see LP_HEADER_EXTRA). */
static size_t redis_lp_bytes(const unsigned char *lp)
{
    return listpack_bytes(lp) - LP_HEADER_EXTRA;
}

/* What the master entry says. Positions are borrowed until the listpack changes. */
struct master {
    long long count, deleted;
    uint64_t nfields;
    unsigned char *countp; /* the count slot (deleted follows it) */
    unsigned char *field0; /* first master field */
    unsigned char *first;  /* first entry's flags */
};

static void master_read(unsigned char *lp, struct master *m)
{
    unsigned char *p = listpack_first(lp);
    m->countp = p;
    m->count = lp_int(p);
    p = listpack_next(lp, p);
    m->deleted = lp_int(p);
    p = listpack_next(lp, p);
    m->nfields = (uint64_t)lp_int(p);
    p = listpack_next(lp, p);
    m->field0 = p;
    for (uint64_t i = 0; i < m->nfields; i++)
        p = listpack_next(lp, p);
    m->first = listpack_next(lp, p); /* past the master's 0 terminator */
}

/* Rewrites the master's live and deleted counts. */
static unsigned char *master_set_counts(unsigned char *lp, long long count, long long deleted)
{
    unsigned char *p = listpack_first(lp);
    lp = lp_set_int(lp, &p, count);
    p = listpack_next(lp, p);
    return lp_set_int(lp, &p, deleted);
}

/* One entry as read from a node. Positions are borrowed until the listpack changes. */
struct entry {
    unsigned char *flagsp;
    long long flags;
    struct stream_id id;
    uint64_t nfields;
    unsigned char *data;  /* first value (same fields) or first field */
    unsigned char *after; /* next entry's flags, or NULL at the node's end */
};

static void entry_read(unsigned char *lp, unsigned char *p, const struct stream_id *master,
                       uint64_t mnfields, struct entry *e)
{
    e->flagsp = p;
    e->flags = lp_int(p);
    p = listpack_next(lp, p);
    /* Deltas wrap like unsigned 64-bit arithmetic, as Redis stores them. */
    e->id.ms = master->ms + (uint64_t)lp_int(p);
    p = listpack_next(lp, p);
    e->id.seq = master->seq + (uint64_t)lp_int(p);
    p = listpack_next(lp, p);
    uint64_t skip;
    if (e->flags & STREAM_FLAG_SAMEFIELDS) {
        e->nfields = mnfields;
        skip = mnfields;
    } else {
        e->nfields = (uint64_t)lp_int(p);
        p = listpack_next(lp, p);
        skip = e->nfields * 2;
    }
    e->data = p;
    for (uint64_t i = 0; i < skip; i++)
        p = listpack_next(lp, p);
    e->after = listpack_next(lp, p); /* past lp-count */
}

/* The entry whose lp-count is at q, or false at the master's terminator (a 0 there). */
static bool entry_read_back(unsigned char *lp, unsigned char *q, const struct stream_id *master,
                            uint64_t mnfields, struct entry *e)
{
    long long n = lp_int(q);
    if (n == 0)
        return false;
    for (long long i = 0; i < n; i++)
        q = listpack_prev(lp, q);
    entry_read(lp, q, master, mnfields, e);
    return true;
}

/* ---- nodes ----------------------------------------------------------------------------- */

/* Number of nodes whose master ID is <= id (the node holding id is that minus one). */
static size_t nodes_upto(const struct stream *s, const struct stream_id *id)
{
    size_t lo = 0, hi = s->nnodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (stream_id_cmp(&s->nodes[mid].master, id) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static struct stream_node *node_push(struct stream *s, const struct stream_id *master,
                                     unsigned char *lp)
{
    if (s->nnodes == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->nodes = mem_realloc(s->nodes, s->cap * sizeof(*s->nodes));
    }
    struct stream_node *n = &s->nodes[s->nnodes++];
    n->master = *master;
    n->lp = lp;
    return n;
}

/* Frees nodes [from, from+n) and closes the gap. */
static void nodes_remove(struct stream *s, size_t from, size_t n)
{
    if (n == 0)
        return;
    for (size_t i = from; i < from + n; i++)
        listpack_free(s->nodes[i].lp);
    memmove(&s->nodes[from], &s->nodes[from + n], (s->nnodes - from - n) * sizeof(*s->nodes));
    s->nnodes -= n;
    if (s->nnodes == 0) {
        mem_free(s->nodes);
        s->nodes = NULL;
        s->cap = 0;
    }
}

/* ID of the last entry of a node, deleted or not (Redis's edge of a listpack). */
static void node_last_id(const struct stream_node *n, struct stream_id *id)
{
    struct master m;
    struct entry e;
    master_read(n->lp, &m);
    bool ok = entry_read_back(n->lp, listpack_last(n->lp), &n->master, m.nfields, &e);
    assert(ok);
    (void)ok;
    *id = e.id;
}

/* First live ID, or `none` when the stream has no live entry. */
static struct stream_id first_live(struct stream *s, struct stream_id none)
{
    for (size_t i = 0; i < s->nnodes; i++) {
        struct master m;
        struct entry e;
        unsigned char *lp = s->nodes[i].lp;
        master_read(lp, &m);
        for (unsigned char *p = m.first; p != NULL; p = e.after) {
            entry_read(lp, p, &s->nodes[i].master, m.nfields, &e);
            if (!(e.flags & STREAM_FLAG_DELETED))
                return e.id;
        }
    }
    return none;
}

/* ---- the value --------------------------------------------------------------------------- */

struct obj *stream_new(void)
{
    struct stream *s = mem_calloc(1, sizeof(*s));
    return obj_new(OBJ_STREAM, OBJ_ENC_STREAM, s);
}

void stream_free(void *ptr)
{
    struct stream *s = ptr;
    for (size_t i = 0; i < s->nnodes; i++)
        listpack_free(s->nodes[i].lp);
    mem_free(s->nodes);
    mem_free(s);
}

struct obj *stream_dup(const struct obj *o)
{
    const struct stream *s = o->u.ptr;
    struct stream *d = mem_alloc(sizeof(*d));
    *d = *s;
    d->cap = s->nnodes;
    d->nodes = NULL;
    if (s->nnodes > 0) {
        d->nodes = mem_alloc(s->nnodes * sizeof(*d->nodes));
        for (size_t i = 0; i < s->nnodes; i++) {
            d->nodes[i].master = s->nodes[i].master;
            d->nodes[i].lp = listpack_dup(s->nodes[i].lp);
        }
    }
    return obj_new(OBJ_STREAM, OBJ_ENC_STREAM, d);
}

size_t stream_memory_usage(const struct obj *o, size_t samples)
{
    const struct stream *s = o->u.ptr;
    size_t total = mem_usable(o) + mem_usable(s);
    if (s->nodes == NULL)
        return total;
    total += mem_usable(s->nodes);
    size_t n = samples == 0 || samples > s->nnodes ? s->nnodes : samples;
    size_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += mem_usable(s->nodes[i].lp);
    return total + (n == s->nnodes ? sum : sum / n * s->nnodes);
}

uint64_t stream_len(const struct obj *o)
{
    return ((const struct stream *)o->u.ptr)->length;
}

struct stream *stream_of(const struct obj *o)
{
    return o->u.ptr;
}

/* ---- XADD ----------------------------------------------------------------------------- */

/* The ID XADD would give the entry, or the error. */
static enum stream_add_status next_id(const struct stream *s, const struct stream_id *use_id,
                                      bool seq_given, uint64_t now_ms, struct stream_id *id)
{
    if (use_id == NULL) {
        if (now_ms > s->last_id.ms) {
            *id = (struct stream_id){now_ms, 0};
        } else {
            /* The clock is behind the last ID (or in its millisecond): keep counting there. */
            *id = s->last_id;
            if (!stream_id_incr(id))
                return STREAM_ADD_EXHAUSTED;
        }
    } else if (seq_given) {
        *id = *use_id;
    } else if (use_id->ms == s->last_id.ms) {
        if (s->last_id.seq == UINT64_MAX)
            return STREAM_ADD_TOO_LARGE;
        *id = s->last_id;
        id->seq++;
    } else {
        *id = (struct stream_id){use_id->ms, 0};
    }
    return stream_id_cmp(id, &s->last_id) <= 0 ? STREAM_ADD_NOT_GREATER : STREAM_ADD_OK;
}

/* Whether the entry must open a new node: Redis's byte and entry-count limits. */
static bool tail_is_full(const struct stream_node *tail, size_t payload_bytes)
{
    size_t max_bytes = (size_t)stream_node_max_bytes;
    if (stream_node_max_bytes <= 0 || (unsigned long long)stream_node_max_bytes > STREAM_LP_MAX_SIZE)
        max_bytes = STREAM_LP_MAX_SIZE;
    if (redis_lp_bytes(tail->lp) + payload_bytes >= max_bytes)
        return true;
    if (stream_node_max_entries <= 0)
        return false;
    struct master m;
    master_read(tail->lp, &m);
    return m.count + m.deleted >= stream_node_max_entries;
}

/* True if the entry's fields are the master's, in order. */
static bool same_fields(unsigned char *lp, const struct master *m, const struct slice *fv,
                        size_t nfields)
{
    if (m->nfields != nfields)
        return false;
    unsigned char *p = m->field0;
    for (size_t i = 0; i < nfields; i++, p = listpack_next(lp, p))
        if (!listpack_eq(p, fv[2 * i].p, fv[2 * i].len))
            return false;
    return true;
}

enum stream_add_status stream_add(struct obj *o, const struct slice *fv, size_t nfields,
                                  const struct stream_id *use_id, bool seq_given,
                                  uint64_t now_ms, struct stream_id *added)
{
    struct stream *s = o->u.ptr;
    if (stream_id_cmp(&s->last_id, &id_max) == 0)
        return STREAM_ADD_EXHAUSTED;
    struct stream_id id;
    enum stream_add_status st = next_id(s, use_id, seq_given, now_ms, &id);
    if (st != STREAM_ADD_OK)
        return st;
    size_t payload = 0;
    for (size_t i = 0; i < 2 * nfields; i++)
        payload += fv[i].len;
    if (payload > STREAM_LP_MAX_SIZE)
        return STREAM_ADD_TOO_LARGE;

    struct stream_node *node = s->nnodes > 0 ? &s->nodes[s->nnodes - 1] : NULL;
    if (node != NULL && tail_is_full(node, payload))
        node = NULL;
    long long flags = 0;
    unsigned char *lp;
    if (node == NULL) {
        lp = listpack_new();
        lp = listpack_append_int(lp, 1);
        lp = listpack_append_int(lp, 0);
        lp = listpack_append_int(lp, (long long)nfields);
        for (size_t i = 0; i < nfields; i++)
            lp = listpack_append(lp, fv[2 * i].p, fv[2 * i].len);
        lp = listpack_append_int(lp, 0);
        node = node_push(s, &id, lp);
        flags = STREAM_FLAG_SAMEFIELDS;
    } else {
        struct master m;
        lp = node->lp;
        master_read(lp, &m);
        if (same_fields(lp, &m, fv, nfields))
            flags = STREAM_FLAG_SAMEFIELDS;
        lp = master_set_counts(lp, m.count + 1, m.deleted);
    }
    lp = listpack_append_int(lp, flags);
    lp = listpack_append_int(lp, (long long)(id.ms - node->master.ms));
    lp = listpack_append_int(lp, (long long)(id.seq - node->master.seq));
    if (flags & STREAM_FLAG_SAMEFIELDS) {
        for (size_t i = 0; i < nfields; i++)
            lp = listpack_append(lp, fv[2 * i + 1].p, fv[2 * i + 1].len);
    } else {
        lp = listpack_append_int(lp, (long long)nfields);
        for (size_t i = 0; i < 2 * nfields; i++)
            lp = listpack_append(lp, fv[i].p, fv[i].len);
    }
    /* lp-count: the elements before it in this entry, to walk back over the entry. */
    long long lp_count = (long long)nfields + 3;
    if (!(flags & STREAM_FLAG_SAMEFIELDS))
        lp_count += (long long)nfields + 1;
    lp = listpack_append_int(lp, lp_count);
    node->lp = lp;

    s->length++;
    s->entries_added++;
    s->last_id = id;
    if (s->length == 1)
        s->first_id = id;
    *added = id;
    return STREAM_ADD_OK;
}

/* ---- XDEL ------------------------------------------------------------------------------ */

bool stream_delete(struct obj *o, const struct stream_id *id)
{
    struct stream *s = o->u.ptr;
    size_t upto = nodes_upto(s, id);
    if (upto == 0)
        return false;
    struct stream_node *node = &s->nodes[upto - 1];
    unsigned char *lp = node->lp;
    struct master m;
    struct entry e;
    master_read(lp, &m);
    unsigned char *p = m.first;
    for (;;) {
        if (p == NULL)
            return false;
        entry_read(lp, p, &node->master, m.nfields, &e);
        int c = stream_id_cmp(&e.id, id);
        if (c > 0)
            return false;
        if (c == 0)
            break;
        p = e.after;
    }
    if (e.flags & STREAM_FLAG_DELETED)
        return false;
    if (m.count == 1) {
        nodes_remove(s, upto - 1, 1);
    } else {
        lp = lp_set_int(lp, &e.flagsp, e.flags | STREAM_FLAG_DELETED);
        node->lp = master_set_counts(lp, m.count - 1, m.deleted + 1);
    }
    s->length--;
    if (s->length == 0)
        s->first_id = (struct stream_id){0, 0};
    else if (stream_id_cmp(id, &s->first_id) == 0)
        s->first_id = first_live(s, id_max);
    if (stream_id_cmp(id, &s->max_deleted_id) > 0)
        s->max_deleted_id = *id;
    return true;
}

/* ---- XTRIM ----------------------------------------------------------------------------- */

/* Exact trimming inside one node: marks entries deleted until the strategy is satisfied.
 * Returns how many were marked. */
static uint64_t trim_within(struct stream *s, struct stream_node *node,
                            const struct stream_trim *t)
{
    unsigned char *lp = node->lp;
    struct master m;
    struct entry e;
    master_read(lp, &m);
    uint64_t marked = 0;
    unsigned char *p = m.first;
    while (p != NULL) {
        entry_read(lp, p, &node->master, m.nfields, &e);
        bool stop = t->strategy == STREAM_TRIM_MAXLEN ? s->length <= t->maxlen
                                                      : stream_id_cmp(&e.id, &t->minid) >= 0;
        if (stop)
            break;
        if (!(e.flags & STREAM_FLAG_DELETED)) {
            /* A flag's new value has the same one-byte encoding: positions stay valid. */
            size_t after_off = e.after != NULL ? (size_t)(e.after - lp) : 0;
            lp = lp_set_int(lp, &e.flagsp, e.flags | STREAM_FLAG_DELETED);
            e.after = e.after != NULL ? lp + after_off : NULL;
            marked++;
            s->length--;
        }
        p = e.after;
    }
    node->lp = master_set_counts(lp, m.count - (long long)marked, m.deleted + (long long)marked);
    return marked;
}

uint64_t stream_trim(struct obj *o, const struct stream_trim *t)
{
    struct stream *s = o->u.ptr;
    if (t->strategy == STREAM_TRIM_NONE)
        return 0;
    uint64_t removed = 0;
    size_t whole = 0; /* leading nodes to free */
    for (size_t i = 0; i < s->nnodes; i++) {
        if (t->strategy == STREAM_TRIM_MAXLEN && s->length <= t->maxlen)
            break;
        struct stream_node *node = &s->nodes[i];
        struct master m;
        master_read(node->lp, &m);
        uint64_t entries = (uint64_t)m.count;
        if (t->limit > 0 && removed + entries > (uint64_t)t->limit)
            break;
        bool remove_node;
        if (t->strategy == STREAM_TRIM_MAXLEN) {
            remove_node = s->length - entries >= t->maxlen;
        } else {
            struct stream_id last;
            node_last_id(node, &last);
            remove_node = stream_id_cmp(&last, &t->minid) < 0;
        }
        if (remove_node) {
            whole++;
            s->length -= entries;
            removed += entries;
            continue;
        }
        /* Approximate trimming stops at the first node it cannot drop whole. */
        if (!t->approx)
            removed += trim_within(s, node, t);
        break;
    }
    nodes_remove(s, 0, whole);
    /* Redis 7.0 records 0-0 (not the maximum ID) when trimming empties the stream. */
    if (removed > 0)
        s->first_id = s->length == 0 ? (struct stream_id){0, 0} : first_live(s, id_max);
    return removed;
}

/* ---- iteration ---------------------------------------------------------------------------- */

/* Points the iterator at node i: its master fields and its first (or last) entry. */
static void iter_enter(struct stream_iter *it, size_t i)
{
    struct master m;
    unsigned char *lp = it->s->nodes[i].lp;
    master_read(lp, &m);
    it->node = i;
    it->mfield = m.field0;
    it->mnfields = m.nfields;
    it->next = it->rev ? listpack_last(lp) : m.first;
}

void stream_iter_init(struct stream_iter *it, struct obj *o, const struct stream_id *start,
                      const struct stream_id *end, bool rev)
{
    memset(it, 0, sizeof(*it));
    it->s = o->u.ptr;
    it->start = *start;
    it->end = *end;
    it->rev = rev;
    if (it->s->nnodes == 0 || stream_id_cmp(start, end) > 0) {
        it->done = true;
        return;
    }
    size_t upto = nodes_upto(it->s, rev ? end : start);
    if (rev && upto == 0) {
        it->done = true;
        return;
    }
    iter_enter(it, upto > 0 ? upto - 1 : 0);
}

/* Loads the entry e as the current one. */
static void iter_set(struct stream_iter *it, const struct entry *e, uint64_t *nfields)
{
    it->same = (e->flags & STREAM_FLAG_SAMEFIELDS) != 0;
    it->left = e->nfields;
    it->fp = it->same ? it->mfield : NULL;
    it->vp = e->data;
    *nfields = e->nfields;
}

bool stream_iter_next(struct stream_iter *it, struct stream_id *id, uint64_t *nfields)
{
    while (!it->done) {
        struct stream_node *node = &it->s->nodes[it->node];
        struct entry e;
        if (!it->rev) {
            if (it->next == NULL) {
                if (it->node + 1 >= it->s->nnodes)
                    break;
                iter_enter(it, it->node + 1);
                continue;
            }
            entry_read(node->lp, it->next, &node->master, it->mnfields, &e);
            it->next = e.after;
            if (stream_id_cmp(&e.id, &it->end) > 0)
                break;
            if ((e.flags & STREAM_FLAG_DELETED) || stream_id_cmp(&e.id, &it->start) < 0)
                continue;
        } else {
            if (it->next == NULL ||
                !entry_read_back(node->lp, it->next, &node->master, it->mnfields, &e)) {
                if (it->node == 0)
                    break;
                iter_enter(it, it->node - 1);
                continue;
            }
            it->next = listpack_prev(node->lp, e.flagsp);
            if (stream_id_cmp(&e.id, &it->start) < 0)
                break;
            if ((e.flags & STREAM_FLAG_DELETED) || stream_id_cmp(&e.id, &it->end) > 0)
                continue;
        }
        *id = e.id;
        iter_set(it, &e, nfields);
        return true;
    }
    it->done = true;
    return false;
}

bool stream_iter_field(struct stream_iter *it, const char **f, size_t *flen, const char **v,
                       size_t *vlen)
{
    if (it->left == 0)
        return false;
    unsigned char *lp = it->s->nodes[it->node].lp;
    if (it->same) {
        *f = listpack_get_str(it->fp, it->fbuf, flen);
        it->fp = listpack_next(lp, it->fp);
    } else {
        *f = listpack_get_str(it->vp, it->fbuf, flen);
        it->vp = listpack_next(lp, it->vp);
    }
    *v = listpack_get_str(it->vp, it->vbuf, vlen);
    it->vp = listpack_next(lp, it->vp);
    it->left--;
    return true;
}
