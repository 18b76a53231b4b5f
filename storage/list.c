/* storage/list.c: the list value type.
 *
 * Owns the packed node format, the chain of nodes and every list operation. A node is one
 * allocation: a small header, then entries back to back. An entry is a header byte (which
 * may carry a small integer or a short length itself), optional length bytes, the payload,
 * and a "back length" (the size of header + payload, 7 bits per byte, readable from its last
 * byte backwards) so that a node can be walked from either end. Integer-looking elements
 * (Redis's strict integer syntax, so the text round-trips exactly) are stored as 1..9-byte
 * integers. Node allocations stay within the size class the limit names (8 KB by default),
 * which is what keeps a long list as small as Redis's.
 * With list-compress-depth N > 0 (fixed per list when it is created, as in Redis), every
 * node more than N nodes from both ends is kept LZF-compressed when that saves enough. Readers
 * decompress a node into a private scratch buffer (node_view), so LRANGE, LINDEX and a forked
 * child never touch the list; writers decompress in place (node_plain) and call settle()
 * afterwards, and ends_fix() keeps the N end nodes plain so push and pop stay O(1).
 * Knows nothing of keys, connections or replies.
 * Start at list_push() and entry_pack(); locate() is the shared positional lookup.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/list.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/lpentry.h"
#include "storage/str.h"
#include "utils/buf.h"
#include "utils/lzf.h"
#include "utils/mem.h"

int list_max_listpack_size = -2;
int list_compress_depth = 0;

struct list_node {
    struct list_node *prev, *next;
    uint32_t bytes; /* used bytes of data */
    uint32_t cap;   /* allocated bytes of data */
    uint32_t count; /* entries */
    uint32_t zbytes; /* 0: data is plain; else data holds this many LZF bytes of `bytes` */
    unsigned char data[];
};

struct list {
    struct list_node *head, *tail;
    size_t count;  /* elements */
    size_t nnodes;
    int depth;     /* list-compress-depth when the list was made; 0 = never compress */
};

/* Positive fills are still capped in bytes, as Redis caps them, so one node never grows
 * past a size the allocator serves from a small class. */
#define NODE_SAFETY_LIMIT 8192
#define NODE_MIN_CAP 48
/* Redis leaves nodes smaller than this plain, and keeps a compressed form only when it saves
 * more than NODE_MIN_SAVING bytes. */
#define NODE_MIN_COMPRESS 48
#define NODE_MIN_SAVING 8

/* ---- entry encoding ------------------------------------------------------------------- */

/* A node's data is byte for byte the body of a Redis listpack (without its 6-byte header and
 * 0xFF terminator), entries in storage/lpentry.h's form: RDB save and load copy it. */

/* An element ready to be written: header, payload and back length. */
struct packed {
    unsigned char hdr[9];
    unsigned char back[5];
    uint8_t hlen, blen;
    const char *payload;
    size_t plen;
    size_t size; /* hlen + plen + blen */
};

/* Reads the back length that ends just before end; *n receives its size in bytes. */
static inline size_t backlen_read(const unsigned char *end, uint8_t *n)
{
    size_t v = 0;
    uint8_t i = 0;
    unsigned char b;
    do {
        b = end[-1 - i];
        v |= (size_t)(b & 0x7F) << (7 * i);
        i++;
    } while (b & 0x80);
    *n = i;
    return v;
}

static void pack_int(struct packed *pk, long long v)
{
    pk->payload = NULL;
    pk->plen = 0;
    pk->hlen = lpentry_int_head(pk->hdr, v);
}

/* Completes pk once its header and payload are set: the backlen and the total size. */
static void pack_finish(struct packed *pk)
{
    size_t l = pk->hlen + pk->plen;
    pk->blen = lpentry_backlen_size(l);
    lpentry_backlen_write(pk->back, l, pk->blen);
    pk->size = l + pk->blen;
}

/* Chooses the encoding for an element: integer when the bytes are a canonical integer. */
static void entry_pack(struct packed *pk, const char *p, size_t len)
{
    long long v;
    if (len > 0 && len < NUM_LL_MAXLEN && num_str2ll(p, len, &v)) {
        pack_int(pk, v);
    } else {
        pk->payload = p;
        pk->plen = len;
        pk->hlen = lpentry_str_head(pk->hdr, len);
    }
    pack_finish(pk);
}

static inline void entry_write(unsigned char *out, const struct packed *pk)
{
    memcpy(out, pk->hdr, pk->hlen);
    if (pk->plen > 0)
        memcpy(out + pk->hlen, pk->payload, pk->plen);
    memcpy(out + pk->hlen + pk->plen, pk->back, pk->blen);
}

/* A decoded entry: either bytes inside the node or an integer. */
struct raw_entry {
    const unsigned char *p; /* string payload, NULL for integers */
    size_t len;
    long long v;
    size_t size; /* whole entry, back length included */
};

static size_t entry_decode(const unsigned char *e, struct raw_entry *r)
{
    unsigned char b = e[0];
    size_t l;
    r->p = NULL;
    r->len = 0;
    if (b < 0x80) {
        r->v = b;
        l = 1;
    } else if ((b & 0xC0) == LPENTRY_STR6) {
        r->p = e + 1;
        r->len = b & 0x3F;
        l = 1 + r->len;
    } else if ((b & 0xE0) == LPENTRY_INT13) {
        int u = ((b & 0x1F) << 8) | e[1];
        r->v = u >= 4096 ? u - 8192 : u;
        l = 2;
    } else if ((b & 0xF0) == LPENTRY_STR12) {
        r->p = e + 2;
        r->len = ((size_t)(b & 0x0F) << 8) | e[1];
        l = 2 + r->len;
    } else {
        int n;
        switch (b) {
        case LPENTRY_INT16: n = 2; break;
        case LPENTRY_INT24: n = 3; break;
        case LPENTRY_INT32: n = 4; break;
        case LPENTRY_INT64: n = 8; break;
        default: n = 0; break;
        }
        if (n > 0) {
            uint64_t u = lpentry_get_le(e + 1, n);
            if (n < 8 && (u >> (8 * n - 1)) & 1)
                u |= ~(uint64_t)0 << (8 * n); /* sign-extend */
            r->v = (long long)u;
            l = 1 + (size_t)n;
        } else {
            assert(b == LPENTRY_STR32);
            r->p = e + 5;
            r->len = (size_t)lpentry_get_le(e + 1, 4);
            l = 5 + r->len;
        }
    }
    r->size = l + lpentry_backlen_size(l);
    return r->size;
}

/* Size of the entry that ends at end. */
static inline size_t entry_size_before(const unsigned char *end)
{
    uint8_t n;
    size_t l = backlen_read(end, &n);
    return l + n;
}

static void raw_to_entry(const struct raw_entry *r, struct list_entry *out)
{
    if (r->p != NULL) {
        out->p = (const char *)r->p;
        out->len = r->len;
    } else {
        out->len = num_ll2str(out->buf, r->v);
        out->p = out->buf;
    }
}

/* What LREM, LINSERT and LPOS compare with. Canonical integers are always packed as integers
 * and everything else as bytes, so an integer needle only matches integer entries. */
struct needle {
    const char *p;
    size_t len;
    bool is_int;
    long long v;
};

static void needle_init(struct needle *n, const char *p, size_t len)
{
    n->p = p;
    n->len = len;
    n->is_int = len > 0 && len < NUM_LL_MAXLEN && num_str2ll(p, len, &n->v);
}

static inline bool needle_match(const struct needle *n, const struct raw_entry *r)
{
    if (r->p == NULL)
        return n->is_int && n->v == r->v;
    return !n->is_int && r->len == n->len && memcmp(r->p, n->p, n->len) == 0;
}

/* ---- nodes ---------------------------------------------------------------------------- */

static inline struct list *list_of(const struct obj *o)
{
    return o->u.ptr;
}

static size_t node_limit_bytes(void)
{
    int f = list_max_listpack_size;
    if (f >= 0)
        return NODE_SAFETY_LIMIT;
    int k = -f > 5 ? 5 : -f;
    return (size_t)4096 << (k - 1);
}

/* Whether node n may take bytes more bytes in k more entries (not checked when empty). */
static bool node_allows_more(const struct list_node *n, size_t bytes, uint32_t k)
{
    size_t total = sizeof(*n) + n->bytes + bytes;
    int f = list_max_listpack_size;
    if (f < 0)
        return total <= node_limit_bytes();
    return total <= NODE_SAFETY_LIMIT && n->count + k <= (uint32_t)f;
}

/* Whether node n may take another esize bytes (an empty node takes anything). */
static bool node_allows(const struct list_node *n, size_t esize)
{
    return n->count == 0 || node_allows_more(n, esize, 1);
}

static struct list_node *node_alloc(size_t cap)
{
    struct list_node *n = mem_alloc(sizeof(*n) + cap);
    n->cap = (uint32_t)(mem_usable(n) - sizeof(*n));
    n->prev = n->next = NULL;
    n->bytes = 0;
    n->count = 0;
    n->zbytes = 0;
    return n;
}

/* Points the neighbours (or the list ends) at n after it moved. */
static void node_relink(struct list *L, struct list_node *n)
{
    if (n->prev != NULL)
        n->prev->next = n;
    else
        L->head = n;
    if (n->next != NULL)
        n->next->prev = n;
    else
        L->tail = n;
}

/* Grows n so it holds extra more bytes; returns the node's (possibly new) address.
 * Doubling up to the node limit keeps reallocations logarithmic per node while a full
 * node still lands exactly in the limit's size class. */
static struct list_node *node_reserve(struct list *L, struct list_node *n, size_t extra)
{
    size_t want = (size_t)n->bytes + extra;
    if (want <= n->cap)
        return n;
    size_t lim = node_limit_bytes() - sizeof(*n);
    size_t cap = (size_t)n->cap * 2;
    if (cap < NODE_MIN_CAP)
        cap = NODE_MIN_CAP;
    if (cap > lim)
        cap = lim;
    if (cap < want)
        cap = want;
    n = mem_realloc(n, sizeof(*n) + cap);
    n->cap = (uint32_t)(mem_usable(n) - sizeof(*n));
    node_relink(L, n);
    return n;
}

/* Gives back memory a node no longer needs after a large deletion. */
static struct list_node *node_shrink(struct list *L, struct list_node *n)
{
    if (n->cap <= NODE_MIN_CAP * 2 || n->cap / 2 < n->bytes)
        return n;
    size_t cap = n->bytes < NODE_MIN_CAP ? NODE_MIN_CAP : n->bytes;
    n = mem_realloc(n, sizeof(*n) + cap);
    n->cap = (uint32_t)(mem_usable(n) - sizeof(*n));
    node_relink(L, n);
    return n;
}

static const struct list_node *view_node; /* see node_view() */

/* A freed node's address may come back as another node: drop a view that names it. */
static void forget_view(const struct list_node *n)
{
    if (view_node == n)
        view_node = NULL;
}

/* Links a new empty node after prev (NULL: at the head). */
static struct list_node *node_insert_after(struct list *L, struct list_node *prev, size_t cap)
{
    struct list_node *n = node_alloc(cap);
    n->prev = prev;
    n->next = prev != NULL ? prev->next : L->head;
    node_relink(L, n);
    L->nnodes++;
    return n;
}

static void node_unlink_free(struct list *L, struct list_node *n)
{
    if (n->prev != NULL)
        n->prev->next = n->next;
    else
        L->head = n->next;
    if (n->next != NULL)
        n->next->prev = n->prev;
    else
        L->tail = n->prev;
    L->nnodes--;
    forget_view(n);
    mem_free(n);
}

/* ---- compression ---------------------------------------------------------------------- */

/* Scratch shared by every list: view_buf holds the plain bytes of the last compressed node a
 * reader looked at (view_node), zip_buf a compression attempt. kvd's data path is one
 * thread and readers use an entry before their next list call, so one of each suffices;
 * a forked child gets its own copies. */
static unsigned char *view_buf;
static size_t view_cap;
static unsigned char *zip_buf;
static size_t zip_cap;

static unsigned char *scratch_reserve(unsigned char **buf, size_t *cap, size_t want)
{
    if (*cap < want) {
        mem_free(*buf);
        *buf = mem_alloc(want);
        *cap = want;
    }
    return *buf;
}

static void decompress_or_die(const struct list_node *n, unsigned char *out)
{
    if (lzf_decompress(n->data, n->zbytes, out, n->bytes) != n->bytes) {
        /* Only our own compressor writes these bytes: a mismatch is memory corruption. */
        assert(!"list node failed to decompress");
        abort();
    }
}

/* The plain bytes of n without changing the list: n's own data, or a decompressed copy in
 * view_buf, valid until the next view of another node. reuse trusts that view_buf still
 * holds n when view_node says so (only while the list cannot have changed). */
static const unsigned char *node_view(const struct list_node *n, bool reuse)
{
    if (n->zbytes == 0)
        return n->data;
    if (!reuse || view_node != n) {
        decompress_or_die(n, scratch_reserve(&view_buf, &view_cap, n->bytes));
        view_node = n;
    }
    return view_buf;
}

/* Makes n plain in place before a write; returns its (possibly new) address. */
static struct list_node *node_plain(struct list *L, struct list_node *n)
{
    if (n->zbytes == 0)
        return n;
    struct list_node *m = mem_alloc(sizeof(*m) + n->bytes);
    decompress_or_die(n, m->data);
    m->prev = n->prev;
    m->next = n->next;
    m->bytes = n->bytes;
    m->count = n->count;
    m->zbytes = 0;
    m->cap = (uint32_t)(mem_usable(m) - sizeof(*m));
    forget_view(n);
    mem_free(n);
    node_relink(L, m);
    return m;
}

/* Compresses a plain node when that is worth it (as Redis judges: at least
 * NODE_MIN_COMPRESS bytes, saving more than NODE_MIN_SAVING); otherwise leaves it plain. */
static void node_compress(struct list *L, struct list_node *n)
{
    if (n->zbytes != 0 || n->bytes < NODE_MIN_COMPRESS)
        return;
    size_t cap = n->bytes - NODE_MIN_SAVING - 1;
    size_t z = lzf_compress(n->data, n->bytes, scratch_reserve(&zip_buf, &zip_cap, cap), cap);
    if (z == 0)
        return;
    struct list_node *m = mem_alloc(sizeof(*m) + z);
    memcpy(m, n, sizeof(*m));
    memcpy(m->data, zip_buf, z);
    m->zbytes = (uint32_t)z;
    m->cap = (uint32_t)(mem_usable(m) - sizeof(*m));
    forget_view(n);
    mem_free(n);
    node_relink(L, m);
}

/* Whether n lies more than depth nodes from both ends, where it should be compressed. */
static bool node_is_inner(const struct list *L, const struct list_node *n)
{
    if (L->depth <= 0)
        return false;
    const struct list_node *a = n, *b = n;
    for (int i = 0; i < L->depth; i++) {
        a = a->prev;
        b = b->next;
        if (a == NULL || b == NULL)
            return false;
    }
    return true;
}

/* After a write made n plain: compress it again if it is an inner node. n is invalid after. */
static void settle(struct list *L, struct list_node *n)
{
    if (node_is_inner(L, n))
        node_compress(L, n);
}

/* After nodes were added or removed: the depth nodes at each end must be plain, and the ones
 * just inside them (which an end insertion pushed inward, at most two per operation)
 * compressed. Only the ends are walked, so push and pop stay O(depth). */
static void ends_fix(struct list *L)
{
    if (L->depth <= 0)
        return;
    struct list_node *n = L->head;
    for (int i = 0; i < L->depth && n != NULL; i++)
        n = node_plain(L, n)->next;
    for (int i = 0; i < 2 && n != NULL; i++) {
        struct list_node *next = n->next;
        settle(L, n);
        n = next;
    }
    n = L->tail;
    for (int i = 0; i < L->depth && n != NULL; i++)
        n = node_plain(L, n)->prev;
    for (int i = 0; i < 2 && n != NULL; i++) {
        struct list_node *prev = n->prev;
        settle(L, n);
        n = prev;
    }
}

/* Writes pk at byte offset off of n (which must have room). */
static void node_put(struct list_node *n, uint32_t off, const struct packed *pk)
{
    memmove(n->data + off + pk->size, n->data + off, n->bytes - off);
    entry_write(n->data + off, pk);
    n->bytes += (uint32_t)pk->size;
    n->count++;
}

/* Removes size bytes holding k entries at off. */
static void node_cut(struct list_node *n, uint32_t off, size_t size, uint32_t k)
{
    memmove(n->data + off, n->data + off + size, n->bytes - off - size);
    n->bytes -= (uint32_t)size;
    n->count -= k;
}

/* Offset of the in-node entry number idx, scanning data (n's plain bytes) from the nearer
 * end of the node. */
static uint32_t node_offset_of(const struct list_node *n, const unsigned char *data, uint32_t idx)
{
    uint32_t off;
    if (idx <= n->count / 2) {
        off = 0;
        for (uint32_t i = 0; i < idx; i++) {
            struct raw_entry r;
            off += (uint32_t)entry_decode(data + off, &r);
        }
    } else {
        off = n->bytes;
        for (uint32_t i = n->count; i > idx; i--)
            off -= (uint32_t)entry_size_before(data + off);
    }
    return off;
}

/* The node holding element index (0 <= index < count), walking from the nearer end;
 * *in_node receives its position inside that node. */
static struct list_node *locate(const struct list *L, size_t index, uint32_t *in_node)
{
    struct list_node *n;
    if (index < L->count / 2) {
        n = L->head;
        while (index >= n->count) {
            index -= n->count;
            n = n->next;
        }
        *in_node = (uint32_t)index;
    } else {
        size_t from_tail = L->count - 1 - index;
        n = L->tail;
        while (from_tail >= n->count) {
            from_tail -= n->count;
            n = n->prev;
        }
        *in_node = (uint32_t)(n->count - 1 - from_tail);
    }
    return n;
}

/* Inserts pk at byte offset off of n (plain), which is in-node position idx. A full node is
 * split at the insertion point (or the neighbour takes the element when it is at an edge).
 * Recompresses what it touched. */
static void insert_at(struct list *L, struct list_node *n, uint32_t off, uint32_t idx,
                      const struct packed *pk)
{
    size_t nodes_before = L->nnodes;
    struct list_node *other = NULL, *extra = NULL; /* touched besides n */
    L->count++;
    if (node_allows(n, pk->size)) {
        n = node_reserve(L, n, pk->size);
        node_put(n, off, pk);
    } else if (off == 0 && n->prev != NULL && node_allows(n->prev, pk->size)) {
        struct list_node *p = node_reserve(L, node_plain(L, n->prev), pk->size);
        node_put(p, p->bytes, pk);
        other = p;
    } else if (off == n->bytes && n->next != NULL && node_allows(n->next, pk->size)) {
        struct list_node *x = node_reserve(L, node_plain(L, n->next), pk->size);
        node_put(x, 0, pk);
        other = x;
    } else if (off == 0 || off == n->bytes) {
        struct list_node *m = node_insert_after(L, off == 0 ? n->prev : n, pk->size);
        node_put(m, 0, pk);
        other = m;
    } else {
        /* Split: the tail part of n moves to a new node, then the element joins one side. */
        size_t tail_bytes = n->bytes - off;
        struct list_node *m = node_insert_after(L, n, tail_bytes);
        memcpy(m->data, n->data + off, tail_bytes);
        m->bytes = (uint32_t)tail_bytes;
        m->count = n->count - idx;
        n->bytes = off;
        n->count = idx;
        if (node_allows(n, pk->size)) {
            n = node_reserve(L, n, pk->size);
            node_put(n, n->bytes, pk);
        } else if (node_allows(m, pk->size)) {
            m = node_reserve(L, m, pk->size);
            node_put(m, 0, pk);
        } else {
            extra = node_insert_after(L, n, pk->size);
            node_put(extra, 0, pk);
        }
        n = node_shrink(L, n);
        other = m;
    }
    settle(L, n);
    if (other != NULL)
        settle(L, other);
    if (extra != NULL)
        settle(L, extra);
    if (L->nnodes != nodes_before)
        ends_fix(L);
}

/* Deletes the entry of size bytes at off in n; frees n when it empties. */
static void delete_at(struct list *L, struct list_node *n, uint32_t off, size_t size)
{
    L->count--;
    if (n->count == 1) {
        node_unlink_free(L, n);
        return;
    }
    node_cut(n, off, size, 1);
}

/* ---- API ------------------------------------------------------------------------------ */

struct obj *list_new(void)
{
    struct list *L = mem_calloc(1, sizeof(*L));
    L->depth = list_compress_depth;
    return obj_new(OBJ_LIST, OBJ_ENC_QUICKLIST, L);
}

size_t list_len(const struct obj *l)
{
    return list_of(l)->count;
}

/* Puts the packed entry at the head or tail, opening a new node when the end one is full. */
static void push_packed(struct list *L, enum list_where where, const struct packed *pk)
{
    struct list_node *n = where == LIST_HEAD ? L->head : L->tail;
    bool fresh = n == NULL || !node_allows(n, pk->size);
    if (fresh)
        n = node_insert_after(L, where == LIST_HEAD ? NULL : L->tail, pk->size);
    else
        n = node_reserve(L, node_plain(L, n), pk->size);
    node_put(n, where == LIST_HEAD ? 0 : n->bytes, pk);
    L->count++;
    if (fresh)
        ends_fix(L);
}

void list_push(struct obj *l, enum list_where where, const char *p, size_t len)
{
    struct packed pk;
    entry_pack(&pk, p, len);
    push_packed(list_of(l), where, &pk);
}

struct obj *list_pop(struct obj *l, enum list_where where)
{
    struct list *L = list_of(l);
    if (L->count == 0)
        return NULL;
    struct list_node *n = node_plain(L, where == LIST_HEAD ? L->head : L->tail);
    uint32_t off = where == LIST_HEAD ? 0 : n->bytes - (uint32_t)entry_size_before(n->data + n->bytes);
    struct raw_entry r;
    entry_decode(n->data + off, &r);
    struct obj *o = r.p != NULL ? str_new((const char *)r.p, r.len) : str_new_int(r.v, true);
    bool last = n->count == 1;
    delete_at(L, n, off, r.size);
    if (last)
        ends_fix(L);
    return o;
}

/* index made absolute, or false when out of range. */
static bool normalize_index(const struct list *L, long long index, size_t *out)
{
    if (index < 0)
        index += (long long)L->count;
    if (index < 0 || (unsigned long long)index >= L->count)
        return false;
    *out = (size_t)index;
    return true;
}

bool list_index(struct obj *l, long long index, struct list_entry *out)
{
    struct list *L = list_of(l);
    size_t i;
    if (!normalize_index(L, index, &i))
        return false;
    uint32_t in;
    struct list_node *n = locate(L, i, &in);
    const unsigned char *data = node_view(n, false);
    struct raw_entry r;
    entry_decode(data + node_offset_of(n, data, in), &r);
    raw_to_entry(&r, out);
    return true;
}

bool list_set(struct obj *l, long long index, const char *p, size_t len)
{
    struct list *L = list_of(l);
    size_t i;
    if (!normalize_index(L, index, &i))
        return false;
    uint32_t in;
    struct list_node *n = node_plain(L, locate(L, i, &in));
    uint32_t off = node_offset_of(n, n->data, in);
    struct raw_entry r;
    entry_decode(n->data + off, &r);
    struct packed pk;
    entry_pack(&pk, p, len);
    size_t after = sizeof(*n) + n->bytes - r.size + pk.size;
    bool fits = n->count == 1 ||
                (pk.size <= r.size || after <= (list_max_listpack_size < 0 ? node_limit_bytes()
                                                                          : NODE_SAFETY_LIMIT));
    if (fits) {
        if (pk.size > r.size)
            n = node_reserve(L, n, pk.size - r.size);
        memmove(n->data + off + pk.size, n->data + off + r.size, n->bytes - off - r.size);
        entry_write(n->data + off, &pk);
        n->bytes = (uint32_t)(n->bytes - r.size + pk.size);
        settle(L, n);
        return true;
    }
    /* The node would overflow: take the old entry out and insert as LINSERT does. */
    node_cut(n, off, r.size, 1);
    L->count--;
    insert_at(L, n, off, in, &pk);
    return true;
}

bool list_insert(struct obj *l, const char *pivot, size_t plen, enum list_where where,
                 const char *val, size_t vlen)
{
    struct list *L = list_of(l);
    struct needle nd;
    needle_init(&nd, pivot, plen);
    for (struct list_node *n = L->head; n != NULL; n = n->next) {
        const unsigned char *data = node_view(n, false);
        uint32_t off = 0;
        for (uint32_t i = 0; i < n->count; i++) {
            struct raw_entry r;
            entry_decode(data + off, &r);
            if (needle_match(&nd, &r)) {
                struct packed pk;
                entry_pack(&pk, val, vlen);
                n = node_plain(L, n);
                if (where == LIST_TAIL)
                    insert_at(L, n, off + (uint32_t)r.size, i + 1, &pk);
                else
                    insert_at(L, n, off, i, &pk);
                return true;
            }
            off += (uint32_t)r.size;
        }
    }
    return false;
}

/* Whether any entry of the (compressed) node n matches nd. */
static bool node_has_match(const struct list_node *n, const struct needle *nd)
{
    const unsigned char *data = node_view(n, false);
    for (uint32_t off = 0; off < n->bytes;) {
        struct raw_entry r;
        off += (uint32_t)entry_decode(data + off, &r);
        if (needle_match(nd, &r))
            return true;
    }
    return false;
}

size_t list_remove(struct obj *l, const char *p, size_t len, long long count)
{
    struct list *L = list_of(l);
    struct needle nd;
    needle_init(&nd, p, len);
    unsigned long long limit = count == 0 ? 0 : count > 0 ? (unsigned long long)count
                                                          : 0ULL - (unsigned long long)count;
    size_t removed = 0;
    bool from_tail = count < 0;
    struct list_node *n = from_tail ? L->tail : L->head;
    size_t nodes_before = L->nnodes;
    while (n != NULL && (limit == 0 || removed < limit)) {
        struct list_node *after = from_tail ? n->prev : n->next;
        uint32_t hits = 0;
        if (n->zbytes != 0) {
            /* Look before decompressing in place: most nodes of a long list hold no match. */
            if (!node_has_match(n, &nd)) {
                n = after;
                continue;
            }
            n = node_plain(L, n);
        }
        if (!from_tail) {
            uint32_t off = 0;
            while (off < n->bytes && (limit == 0 || removed + hits < limit)) {
                struct raw_entry r;
                entry_decode(n->data + off, &r);
                if (needle_match(&nd, &r)) {
                    node_cut(n, off, r.size, 1);
                    hits++;
                } else {
                    off += (uint32_t)r.size;
                }
            }
        } else {
            uint32_t end = n->bytes;
            while (end > 0 && (limit == 0 || removed + hits < limit)) {
                uint32_t start = end - (uint32_t)entry_size_before(n->data + end);
                struct raw_entry r;
                entry_decode(n->data + start, &r);
                if (needle_match(&nd, &r)) {
                    node_cut(n, start, r.size, 1);
                    hits++;
                }
                end = start;
            }
        }
        removed += hits;
        L->count -= hits;
        if (n->count == 0)
            node_unlink_free(L, n);
        else if (hits > 0)
            settle(L, node_shrink(L, n));
        n = after;
    }
    if (L->nnodes != nodes_before)
        ends_fix(L);
    return removed;
}

void list_delete_range(struct obj *l, size_t start, size_t n)
{
    struct list *L = list_of(l);
    if (n == 0)
        return;
    assert(start + n <= L->count);
    uint32_t in;
    struct list_node *node = locate(L, start, &in);
    L->count -= n;
    while (n > 0) {
        struct list_node *next = node->next;
        if (in == 0 && n >= node->count) {
            n -= node->count;
            node_unlink_free(L, node);
        } else {
            uint32_t k = node->count - in;
            if (k > n)
                k = (uint32_t)n;
            node = node_plain(L, node);
            uint32_t off = node_offset_of(node, node->data, in);
            uint32_t end = off;
            for (uint32_t i = 0; i < k; i++) {
                struct raw_entry r;
                end += (uint32_t)entry_decode(node->data + end, &r);
            }
            node_cut(node, off, end - off, k);
            n -= k;
            settle(L, node_shrink(L, node));
        }
        node = next;
        in = 0;
    }
    ends_fix(L);
}

void list_iter_init(struct list_iter *it, struct obj *l, size_t start, enum list_where dir)
{
    struct list *L = list_of(l);
    it->dir = dir;
    if (start >= L->count) {
        it->node = NULL;
        it->left = 0;
        it->off = 0;
        return;
    }
    uint32_t in;
    it->node = locate(L, start, &in);
    const unsigned char *data = node_view(it->node, false);
    it->off = node_offset_of(it->node, data, in);
    if (dir == LIST_TAIL) {
        it->left = L->count - start;
    } else {
        struct raw_entry r;
        it->off += (uint32_t)entry_decode(data + it->off, &r);
        it->left = start + 1;
    }
}

bool list_iter_next(struct list_iter *it, struct list_entry *out)
{
    if (it->left == 0)
        return false;
    struct raw_entry r;
    if (it->dir == LIST_TAIL) {
        bool same = it->off < it->node->bytes;
        if (!same) {
            it->node = it->node->next;
            it->off = 0;
        }
        const unsigned char *data = node_view(it->node, same);
        it->off += (uint32_t)entry_decode(data + it->off, &r);
    } else {
        bool same = it->off > 0;
        if (!same) {
            it->node = it->node->prev;
            it->off = it->node->bytes;
        }
        const unsigned char *data = node_view(it->node, same);
        it->off -= (uint32_t)entry_size_before(data + it->off);
        entry_decode(data + it->off, &r);
    }
    it->left--;
    raw_to_entry(&r, out);
    return true;
}

/* ---- Redis listpack form (RDB) --------------------------------------------------------
 * A node's data is a listpack body, so a node is saved as a header, a copy and a terminator,
 * and a loaded listpack is checked entry by entry and copied in runs. */

size_t list_node_count(const struct obj *l)
{
    return list_of(l)->nnodes;
}

bool list_export_node(const struct obj *l, const void **cursor, struct buf *out)
{
    const struct list_node *n = *cursor == NULL ? list_of(l)->head
                                                : ((const struct list_node *)*cursor)->next;
    *cursor = n;
    if (n == NULL)
        return false;
    const unsigned char *data = node_view(n, false);
    size_t total = 6 + (size_t)n->bytes + 1;
    unsigned char *o = (unsigned char *)buf_reserve(out, total);
    lpentry_put_le(o, total, 4);
    /* Redis writes 65535 ("unknown") once the count no longer fits in the header. */
    lpentry_put_le(o + 4, n->count < 65535 ? n->count : 65535, 2);
    memcpy(o + 6, data, n->bytes);
    o[6 + n->bytes] = 0xFF;
    buf_commit(out, total);
    return true;
}

/* Copies `count` whole entries (`bytes` bytes at p) to the end of the tail node. */
static void append_run(struct list *L, const unsigned char *p, size_t bytes, uint32_t count)
{
    if (count == 0)
        return;
    struct list_node *n = node_reserve(L, node_plain(L, L->tail), bytes);
    memcpy(n->data + n->bytes, p, bytes);
    n->bytes += (uint32_t)bytes;
    n->count += count;
    L->count += count;
}

bool list_append_listpack(struct obj *l, const unsigned char *lp, size_t len, bool more,
                          const char **why)
{
    struct list *L = list_of(l);
    size_t declared, seen = 0;
    if (!lpentry_blob_open(lp, len, &declared, why))
        return false;
    size_t end = len - 1, off = 6, run = 6;
    uint32_t run_count = 0;
    size_t lim = node_limit_bytes() - sizeof(struct list_node);
    while (off < end) {
        struct lpentry e;
        if (!lpentry_check(lp + off, end - off, &e, why))
            return false;
        seen++;
        /* kvd packs every canonical integer as an integer (LREM and LPOS compare by kind), so
         * such a string, which Redis never writes but a hand-made file may hold, is repacked. */
        long long v;
        bool repack = e.p != NULL && e.len > 0 && e.len < NUM_LL_MAXLEN &&
                      (e.p[0] == '-' || (e.p[0] >= '0' && e.p[0] <= '9')) &&
                      num_str2ll((const char *)e.p, e.len, &v);
        struct list_node *t = L->tail;
        size_t pending = off - run;
        bool fits = t != NULL &&
                    (t->count + run_count == 0 || node_allows_more(t, pending + e.size, run_count + 1));
        if (repack || !fits) {
            if (t != NULL)
                append_run(L, lp + run, pending, run_count);
            run = off;
            run_count = 0;
        }
        if (repack) {
            list_push_int(l, LIST_TAIL, v);
            run = off + e.size;
        } else {
            if (!fits) {
                /* Sized for what is left of this listpack, or in full when more nodes follow
                 * to fill it, so a node is allocated once. */
                size_t want = more ? lim : end - off;
                node_insert_after(L, L->tail, want < lim ? want : lim);
                ends_fix(L);
            }
            run_count++;
        }
        off += e.size;
    }
    if (declared != 65535 && declared != seen) {
        *why = "listpack element count mismatch";
        return false;
    }
    append_run(L, lp + run, off - run, run_count);
    return true;
}

void list_push_int(struct obj *l, enum list_where where, long long v)
{
    struct packed pk;
    pack_int(&pk, v);
    pack_finish(&pk);
    push_packed(list_of(l), where, &pk);
}

bool list_entry_eq(const struct list_entry *e, const char *p, size_t len)
{
    return e->len == len && memcmp(e->p, p, len) == 0;
}

struct obj *list_dup(const struct obj *l)
{
    const struct list *L = list_of(l);
    struct obj *o = list_new();
    struct list *D = list_of(o);
    D->depth = L->depth;
    for (const struct list_node *n = L->head; n != NULL; n = n->next) {
        /* Compressed nodes are copied as they are: same position, same form. */
        size_t size = n->zbytes != 0 ? n->zbytes : n->bytes;
        struct list_node *m = node_insert_after(D, D->tail, size);
        memcpy(m->data, n->data, size);
        m->bytes = n->bytes;
        m->count = n->count;
        m->zbytes = n->zbytes;
    }
    D->count = L->count;
    return o;
}

void list_free(void *ptr)
{
    struct list *L = ptr;
    struct list_node *n = L->head;
    while (n != NULL) {
        struct list_node *next = n->next;
        forget_view(n);
        mem_free(n);
        n = next;
    }
    mem_free(L);
}

size_t list_memory_usage(const struct obj *l, size_t samples)
{
    const struct list *L = list_of(l);
    size_t total = mem_usable(l) + mem_usable(L);
    size_t seen = 0, bytes = 0;
    for (const struct list_node *n = L->head; n != NULL && (samples == 0 || seen < samples);
         n = n->next) {
        bytes += mem_usable(n);
        seen++;
    }
    if (seen > 0)
        total += (size_t)((double)bytes / (double)seen * (double)L->nnodes);
    return total;
}
