/* storage/rdb_load.c: reading RDB data: whole files, DUMP payloads and single values.
 *
 * Owns the bounded reader (fd or memory, CRC64 as it goes), the decoder for every opcode and
 * value type an RDB up to version 10 may hold, stream node validation, and the rebuilding of
 * values in kvd's own encodings. Corrupt input gets a status and a message, never a crash or
 * a leak. Knows the data types only through their public headers; knows nothing of file
 * names, config or replies, nor of how kvd writes (rdb_save.c).
 * Start at rdb_load_fd() and load(); read_value() holds the type rules.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/rdb.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/hash.h"
#include "storage/list.h"
#include "storage/rdb_int.h"
#include "storage/rdb_pack.h"
#include "storage/set.h"
#include "storage/str.h"
#include "storage/stream.h"
#include "storage/zset.h"
#include "utils/crc64.h"
#include "utils/lzf.h"
#include "utils/mem.h"
#include "utils/num.h"

static uint64_t get_be(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* ---- the reader --------------------------------------------------------------------------- */

/* Reused for the whole load: small enough to stay in cache and to fault in few pages. */
#define RBUF_CAP (128 * 1024)
#define NSLOTS 3 /* 0: the key; 1, 2: elements (a field and its value) */

struct scratch {
    char *p;
    size_t cap;
};

struct reader {
    const unsigned char *mem; /* memory mode: the whole input; fd mode: NULL */
    int fd;
    unsigned char *buf;       /* fd mode buffer (mem mode: points at mem) */
    size_t cap;
    size_t pos, lim;          /* unread bytes are buf[pos..lim) */
    uint64_t base;            /* absolute offset of buf[0] */
    uint64_t total;           /* input size when known, else 0 */
    bool eof;
    bool crc_on;
    uint64_t crc;
    size_t crc_pos;           /* buf[crc_pos..pos) not yet in crc */
    int rdbver;
    struct rdb_error *err;
    struct scratch s[NSLOTS];
    char ibuf[NSLOTS][NUM_LL_MAXLEN];
    const char *key;          /* the key whose value is being read (messages); NULL: DUMP */
    size_t klen;
};

static inline uint64_t r_off(const struct reader *r) { return r->base + r->pos; }

static bool r_fail(struct reader *r, const char *what)
{
    rdb_set_error(r->err, RDB_ERR_FORMAT, r_off(r),
                  "Short read or corrupt RDB data at offset %llu: %s", (unsigned long long)r_off(r),
                  what);
    return false;
}

static void r_init_mem(struct reader *r, const void *p, size_t len, struct rdb_error *err)
{
    memset(r, 0, sizeof(*r));
    r->mem = p;
    r->buf = (unsigned char *)p;
    r->lim = len;
    r->total = len;
    r->fd = -1;
    r->eof = true;
    r->err = err;
    r->rdbver = RDB_VERSION;
}

static void r_deinit(struct reader *r)
{
    if (r->mem == NULL)
        mem_free(r->buf);
    for (int i = 0; i < NSLOTS; i++)
        mem_free(r->s[i].p);
}

/* Makes n contiguous bytes available at buf + pos. */
static bool r_need(struct reader *r, size_t n)
{
    if (r->lim - r->pos >= n)
        return true;
    if (r->mem != NULL || r->eof)
        return r_fail(r, "unexpected end of data");
    if (r->total > 0 && n > r->total - r_off(r))
        return r_fail(r, "length beyond the end of the file");
    if (r->crc_on)
        r->crc = crc64(r->crc, r->buf + r->crc_pos, r->pos - r->crc_pos);
    memmove(r->buf, r->buf + r->pos, r->lim - r->pos);
    r->base += r->pos;
    r->lim -= r->pos;
    r->pos = r->crc_pos = 0;
    if (r->cap < n) {
        r->cap = n;
        r->buf = mem_realloc(r->buf, r->cap);
    }
    while (r->lim < n) {
        ssize_t k = read(r->fd, r->buf + r->lim, r->cap - r->lim);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            rdb_set_error(r->err, RDB_ERR_IO, r_off(r),
                          "Read error loading the RDB at offset %llu: %s",
                          (unsigned long long)(r->base + r->lim), strerror(errno));
            if (r->err != NULL)
                r->err->sys_errno = errno;
            return false;
        }
        if (k == 0) {
            r->eof = true;
            return r_fail(r, "unexpected end of file");
        }
        r->lim += (size_t)k;
    }
    return true;
}

static const unsigned char *r_take(struct reader *r, size_t n)
{
    if (!r_need(r, n))
        return NULL;
    const unsigned char *p = r->buf + r->pos;
    r->pos += n;
    return p;
}

static bool r_u8(struct reader *r, unsigned *v)
{
    const unsigned char *p = r_take(r, 1);
    if (p == NULL)
        return false;
    *v = p[0];
    return true;
}

/* A length, or (when enc is not NULL and the top bits are 11) a string encoding number. */
static bool r_len(struct reader *r, uint64_t *len, int *enc)
{
    const unsigned char *p = r_take(r, 1);
    if (p == NULL)
        return false;
    unsigned b = p[0];
    if (enc != NULL)
        *enc = -1;
    switch (b >> 6) {
    case 0:
        *len = b & 0x3F;
        return true;
    case 1:
        if ((p = r_take(r, 1)) == NULL)
            return false;
        *len = ((uint64_t)(b & 0x3F) << 8) | p[0];
        return true;
    case 2: {
        int n = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
        if (n == 0)
            return r_fail(r, "unknown length encoding");
        if ((p = r_take(r, (size_t)n)) == NULL)
            return false;
        uint64_t v = 0;
        for (int i = 0; i < n; i++)
            v = (v << 8) | p[i];
        *len = v;
        return true;
    }
    default:
        if (enc == NULL)
            return r_fail(r, "string encoding where a length was expected");
        *enc = b & 0x3F;
        *len = 0;
        return true;
    }
}

/* A count of items that each take at least one byte: refuse counts the input cannot hold. */
static bool r_count(struct reader *r, uint64_t *n)
{
    if (!r_len(r, n, NULL))
        return false;
    if (r->total > 0 && *n > r->total - r_off(r))
        return r_fail(r, "element count beyond the end of the data");
    return true;
}

static char *slot_reserve(struct reader *r, int slot, size_t n)
{
    struct scratch *s = &r->s[slot];
    if (s->cap < n + 1) {
        size_t c = s->cap ? s->cap : 64;
        while (c < n + 1)
            c *= 2;
        s->p = mem_realloc(s->p, c);
        s->cap = c;
    }
    return s->p;
}

/* A string in any RDB form. *p is borrowed: valid until slot is reused (memory mode: until
 * the reader is done). */
static bool r_string(struct reader *r, int slot, const char **p, size_t *len)
{
    uint64_t n;
    int enc;
    if (!r_len(r, &n, &enc))
        return false;
    if (enc < 0) {
        if (r->total > 0 && n > r->total - r_off(r))
            return r_fail(r, "string length beyond the end of the data");
        const unsigned char *b = r_take(r, (size_t)n);
        if (b == NULL)
            return false;
        if (r->mem != NULL) {
            *p = (const char *)b;
        } else {
            char *d = slot_reserve(r, slot, (size_t)n);
            if (n > 0)
                memcpy(d, b, (size_t)n);
            *p = d;
        }
        *len = (size_t)n;
        return true;
    }
    if (enc <= ENC_INT32) {
        int nb = enc == ENC_INT8 ? 1 : enc == ENC_INT16 ? 2 : 4;
        const unsigned char *b = r_take(r, (size_t)nb);
        if (b == NULL)
            return false;
        uint64_t u = get_le(b, nb);
        if ((u >> (8 * nb - 1)) & 1)
            u |= ~(uint64_t)0 << (8 * nb);
        *len = num_ll2str(r->ibuf[slot], (long long)u);
        *p = r->ibuf[slot];
        return true;
    }
    if (enc != ENC_LZF)
        return r_fail(r, "unknown string encoding");
    uint64_t clen, ulen;
    if (!r_len(r, &clen, NULL) || !r_len(r, &ulen, NULL))
        return false;
    /* An LZF item expands at most 264 bytes from 3: a larger claim is corruption, refused
     * before allocating for it. */
    if (ulen == 0 || clen == 0 || ulen > clen * 88 + 16)
        return r_fail(r, "invalid LZF lengths");
    if (r->total > 0 && clen > r->total - r_off(r))
        return r_fail(r, "compressed string beyond the end of the data");
    const unsigned char *b = r_take(r, (size_t)clen);
    if (b == NULL)
        return false;
    char *d = slot_reserve(r, slot, (size_t)ulen);
    if (lzf_decompress(b, (size_t)clen, d, (size_t)ulen) != ulen)
        return r_fail(r, "invalid LZF compressed string");
    *p = d;
    *len = (size_t)ulen;
    return true;
}

/* ---- building values ---------------------------------------------------------------------- */

enum build_kind { B_LIST, B_SET, B_HASH, B_ZSET };

struct build {
    struct reader *r;
    struct obj *o;
    enum build_kind kind;
    char *first;        /* hash field / zset member awaiting its partner (owned) */
    size_t first_len, first_cap;
    bool have_first;
    const char *why;    /* the element-level failure, if any */
};

static void b_init(struct build *b, struct reader *r, struct obj *o, enum build_kind kind)
{
    memset(b, 0, sizeof(*b));
    b->r = r;
    b->o = o;
    b->kind = kind;
}

static void b_deinit(struct build *b)
{
    mem_free(b->first);
}

static bool parse_score_text(const char *p, size_t len, double *out)
{
    char tmp[NUM_D_MAXLEN];
    if (len == 0 || len >= sizeof(tmp))
        return false;
    memcpy(tmp, p, len);
    tmp[len] = '\0';
    char *end;
    errno = 0;
    *out = strtod(tmp, &end);
    return end == tmp + len && !isnan(*out);
}

/* One element of a collection being loaded, in file order. */
static bool b_elem(void *ud, const char *p, size_t len)
{
    struct build *b = ud;
    switch (b->kind) {
    case B_LIST:
        list_push(b->o, LIST_TAIL, p, len);
        return true;
    case B_SET:
        if (!set_add(b->o, p, len)) {
            b->why = "duplicate set members";
            return false;
        }
        return true;
    default:
        break;
    }
    if (!b->have_first) {
        if (b->first_cap < len + 1) {
            b->first_cap = len + 1;
            b->first = mem_realloc(b->first, b->first_cap);
        }
        if (len > 0)
            memcpy(b->first, p, len);
        b->first_len = len;
        b->have_first = true;
        return true;
    }
    b->have_first = false;
    if (b->kind == B_HASH) {
        if (!hash_set(b->o, b->first, b->first_len, p, len)) {
            b->why = "duplicate hash fields";
            return false;
        }
        return true;
    }
    double score;
    if (!parse_score_text(p, len, &score)) {
        b->why = "invalid zset score";
        return false;
    }
    double ns;
    if (!(zset_add(b->o, score, b->first, b->first_len, 0, &ns) & ZSET_OUT_ADDED)) {
        b->why = "duplicate zset members";
        return false;
    }
    return true;
}

typedef bool blob_walk_fn(const unsigned char *p, size_t len, rdb_elem_fn *fn, void *ud,
                          size_t *n_out, const char **why);

/* Reads a string holding a packed blob and walks it into b. */
static bool read_blob(struct reader *r, struct build *b, blob_walk_fn *walk, size_t *n_out)
{
    const char *p;
    size_t len;
    if (!r_string(r, 1, &p, &len))
        return false;
    uint64_t at = r_off(r);
    const char *why = NULL;
    if (!walk((const unsigned char *)p, len, b_elem, b, n_out, &why)) {
        rdb_set_error(r->err, RDB_ERR_FORMAT, at,
                      "Corrupt RDB data in the value ending at offset %llu: %s",
                      (unsigned long long)at, why != NULL ? why : b->why);
        return false;
    }
    return true;
}

static bool b_pairs_done(struct reader *r, struct build *b)
{
    if (b->have_first)
        return r_fail(r, "odd number of elements in a field/value blob");
    return true;
}

enum rv { RV_OK, RV_ERR, RV_EMPTY };

static bool read_zset_plain(struct reader *r, struct build *b, bool binary_scores)
{
    uint64_t n;
    if (!r_count(r, &n))
        return false;
    if ((long long)n > zset_max_listpack_entries) {
        obj_release(b->o);
        b->o = zset_new_skiplist();
    }
    for (uint64_t i = 0; i < n; i++) {
        const char *m;
        size_t ml;
        double score;
        if (!r_string(r, 1, &m, &ml))
            return false;
        if (binary_scores) {
            const unsigned char *d = r_take(r, 8);
            if (d == NULL)
                return false;
            uint64_t u = get_le(d, 8);
            memcpy(&score, &u, 8);
        } else {
            unsigned l;
            if (!r_u8(r, &l))
                return false;
            if (l == 253) {
                score = NAN;
            } else if (l == 254) {
                score = INFINITY;
            } else if (l == 255) {
                score = -INFINITY;
            } else {
                const unsigned char *d = r_take(r, l);
                if (d == NULL)
                    return false;
                char tmp[256];
                memcpy(tmp, d, l);
                tmp[l] = '\0';
                char *end;
                score = strtod(tmp, &end);
                if (end == tmp)
                    return r_fail(r, "invalid zset score");
            }
        }
        if (isnan(score))
            return r_fail(r, "zset with a NaN score");
        double ns;
        if (!(zset_add(b->o, score, m, ml, 0, &ns) & ZSET_OUT_ADDED))
            return r_fail(r, "duplicate zset members");
    }
    return true;
}

/* A list's listpack node: checked and copied in runs (kvd's nodes hold listpack bodies). */
static bool read_list_lp(struct reader *r, struct build *b, bool more)
{
    const char *p;
    size_t len;
    if (!r_string(r, 1, &p, &len))
        return false;
    uint64_t at = r_off(r);
    const char *why = NULL;
    if (!list_append_listpack(b->o, (const unsigned char *)p, len, more, &why)) {
        rdb_set_error(r->err, RDB_ERR_FORMAT, at,
                      "Corrupt RDB data in the value ending at offset %llu: %s",
                      (unsigned long long)at, why);
        return false;
    }
    return true;
}

static bool read_list_nodes(struct reader *r, struct build *b, int type)
{
    uint64_t n;
    if (!r_count(r, &n))
        return false;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t container = QL_NODE_PACKED;
        if (type == T_LIST_QUICKLIST_2 && !r_len(r, &container, NULL))
            return false;
        if (container == QL_NODE_PLAIN) {
            const char *p;
            size_t len;
            if (!r_string(r, 1, &p, &len))
                return false;
            list_push(b->o, LIST_TAIL, p, len);
        } else if (container == QL_NODE_PACKED && type == T_LIST_QUICKLIST_2) {
            if (!read_list_lp(r, b, i + 1 < n))
                return false;
        } else if (container == QL_NODE_PACKED) {
            if (!read_blob(r, b, rdb_zl_walk, NULL))
                return false;
        } else {
            return r_fail(r, "unknown quicklist node container");
        }
    }
    return true;
}

/* A key for log messages: bytes outside printable ASCII as \xHH. */
static void printable_key(const char *k, size_t kl, char *out, size_t cap)
{
    size_t j = 0;
    for (size_t i = 0; i < kl && j + 5 < cap; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c >= 32 && c < 127 && c != '\\')
            out[j++] = (char)c;
        else
            j += (size_t)snprintf(out + j, cap - j, "\\x%02x", c);
    }
    out[j] = '\0';
}

/* ---- streams ------------------------------------------------------------------------------ */

/* Where the walk of one stream node stands: the master entry's slots, then per entry its
 * flags, ID deltas, [field count, fields,] values and lp-count (see storage/stream.h). */
enum sn_state {
    SN_COUNT, SN_DELETED, SN_MNFIELDS, SN_MFIELDS, SN_MTERM,
    SN_FLAGS, SN_MS, SN_SEQ, SN_NFIELDS, SN_ELEMS, SN_LPCOUNT,
};

/* One stream node being validated and rebuilt as a kvd listpack. */
struct snode {
    unsigned char *lp;        /* kvd listpack being built (owned until handed to the stream) */
    enum sn_state st;
    long long count, deleted; /* the master entry's live and deleted counts */
    uint64_t mnfields;        /* master field count */
    uint64_t left;            /* elements left in the current run (master fields / entry) */
    uint64_t entries, live;   /* entries seen, and those without the deleted flag */
    long long flags, ms_delta;
    uint64_t nfields;         /* field pairs of the current entry */
    struct stream_id master;  /* the node key */
    struct stream_id prev;    /* last ID seen in the stream (valid when has_prev) */
    bool has_prev;
    const char *why;
};

static bool sn_int(struct snode *n, const char *p, size_t len, long long *v)
{
    if (!num_str2ll(p, len, v)) {
        n->why = "stream listpack holds a string where an integer belongs";
        return false;
    }
    return true;
}

/* One element of a stream node, in listpack order. Checks everything kvd's stream code takes
 * for granted (integer slots, counts, lp-count, IDs ascending within and across nodes) and
 * appends the element to the kvd listpack. */
static bool sn_elem(void *ud, const char *p, size_t len)
{
    struct snode *n = ud;
    long long v = 0;
    bool slot_int = n->st != SN_MFIELDS && n->st != SN_ELEMS; /* v holds the element */
    switch (n->st) {
    case SN_COUNT:
    case SN_DELETED:
    case SN_MNFIELDS:
        if (!sn_int(n, p, len, &v))
            return false;
        if (v < 0) {
            n->why = "negative count in a stream master entry";
            return false;
        }
        if (n->st == SN_COUNT) {
            n->count = v;
            n->st = SN_DELETED;
        } else if (n->st == SN_DELETED) {
            n->deleted = v;
            n->st = SN_MNFIELDS;
        } else {
            n->mnfields = n->left = (uint64_t)v;
            n->st = v > 0 ? SN_MFIELDS : SN_MTERM;
        }
        break;
    case SN_MFIELDS:
        if (--n->left == 0)
            n->st = SN_MTERM;
        break;
    case SN_MTERM:
        if (!sn_int(n, p, len, &v))
            return false;
        if (v != 0) {
            n->why = "stream master entry not terminated by 0";
            return false;
        }
        n->st = SN_FLAGS;
        break;
    case SN_FLAGS:
        if (!sn_int(n, p, len, &v))
            return false;
        if (v < 0 || v > (STREAM_FLAG_DELETED | STREAM_FLAG_SAMEFIELDS)) {
            n->why = "unknown stream entry flags";
            return false;
        }
        if ((uint64_t)n->count + (uint64_t)n->deleted <= n->entries) {
            n->why = "more stream entries than the master entry counts";
            return false;
        }
        n->flags = v;
        n->st = SN_MS;
        break;
    case SN_MS:
        if (!sn_int(n, p, len, &n->ms_delta))
            return false;
        v = n->ms_delta;
        n->st = SN_SEQ;
        break;
    case SN_SEQ: {
        if (!sn_int(n, p, len, &v))
            return false;
        /* Deltas wrap like unsigned 64-bit numbers, as Redis computes them. */
        struct stream_id id = {n->master.ms + (uint64_t)n->ms_delta,
                               n->master.seq + (uint64_t)v};
        if (stream_id_cmp(&id, &n->master) < 0 ||
            (n->has_prev && stream_id_cmp(&id, &n->prev) <= 0)) {
            n->why = "stream entry IDs out of order";
            return false;
        }
        n->prev = id;
        n->has_prev = true;
        if (n->flags & STREAM_FLAG_SAMEFIELDS) {
            n->nfields = n->mnfields;
            n->left = n->nfields;
            n->st = n->left > 0 ? SN_ELEMS : SN_LPCOUNT;
        } else {
            n->st = SN_NFIELDS;
        }
        break;
    }
    case SN_NFIELDS:
        if (!sn_int(n, p, len, &v))
            return false;
        if (v < 0) {
            n->why = "negative field count in a stream entry";
            return false;
        }
        n->nfields = (uint64_t)v;
        n->left = 2 * n->nfields;
        if (n->left / 2 != n->nfields) {
            n->why = "stream entry field count too large";
            return false;
        }
        n->st = n->left > 0 ? SN_ELEMS : SN_LPCOUNT;
        break;
    case SN_ELEMS:
        if (--n->left == 0)
            n->st = SN_LPCOUNT;
        break;
    case SN_LPCOUNT: {
        if (!sn_int(n, p, len, &v))
            return false;
        uint64_t want = n->nfields + 3;
        if (!(n->flags & STREAM_FLAG_SAMEFIELDS))
            want += n->nfields + 1;
        if ((uint64_t)v != want) {
            n->why = "stream entry lp-count mismatch";
            return false;
        }
        n->entries++;
        if (!(n->flags & STREAM_FLAG_DELETED))
            n->live++;
        n->st = SN_FLAGS;
        break;
    }
    }
    n->lp = slot_int ? listpack_append_int(n->lp, v) : listpack_append(n->lp, p, len);
    return true;
}

/* Reads one node (key and listpack) of a stream into s. */
static bool read_stream_node(struct reader *r, struct stream *s, struct snode *n)
{
    const char *k, *p;
    size_t kl, len;
    if (!r_string(r, 1, &k, &kl))
        return false;
    if (kl != 16)
        return r_fail(r, "stream node key is not the size of a stream ID");
    struct stream_id master = {get_be((const unsigned char *)k),
                               get_be((const unsigned char *)k + 8)};
    if (n->has_prev && stream_id_cmp(&master, &n->prev) <= 0)
        return r_fail(r, "stream node keys out of order");
    if (!r_string(r, 2, &p, &len))
        return false;
    uint64_t at = r_off(r);
    /* kvd's header is 2 bytes longer; Redis blobs are below 4 GiB by their u32 size field. */
    if (len > UINT32_MAX - 16)
        return r_fail(r, "stream node listpack too large");
    n->lp = listpack_new();
    n->st = SN_COUNT;
    n->master = master;
    n->entries = n->live = 0;
    n->count = n->deleted = 0;
    n->why = NULL;
    const char *why = NULL;
    bool ok = rdb_lp_walk((const unsigned char *)p, len, sn_elem, n, NULL, &why);
    if (ok && n->st != SN_FLAGS)
        why = "stream listpack ends inside an entry";
    else if (ok && n->entries != (uint64_t)n->count + (uint64_t)n->deleted)
        why = "stream node entry count does not match its master entry";
    else if (ok && n->live != (uint64_t)n->count)
        why = "stream node live count does not match its entries' flags";
    else if (ok && n->count == 0)
        why = "stream node without live entries";
    if (!ok || why != NULL) {
        listpack_free(n->lp);
        n->lp = NULL;
        rdb_set_error(r->err, RDB_ERR_FORMAT, at,
                      "Corrupt RDB data in the stream node ending at offset %llu: %s",
                      (unsigned long long)at, why != NULL ? why : n->why);
        return false;
    }
    if (s->nnodes == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 4;
        s->nodes = mem_realloc(s->nodes, s->cap * sizeof(*s->nodes));
    }
    s->nodes[s->nnodes].master = master;
    s->nodes[s->nnodes].lp = n->lp;
    s->nnodes++;
    s->length += (uint64_t)n->count;
    n->lp = NULL;
    return true;
}

static bool r_stream_id(struct reader *r, struct stream_id *id)
{
    return r_len(r, &id->ms, NULL) && r_len(r, &id->seq, NULL);
}

/* A stream (types 15 and 19). Type 15 (Redis 5 to 6.2) has no first ID, max-deleted ID or
 * entries-added: they are derived as Redis 7.0 does (first live entry, or the maximum ID
 * when there is none; 0-0; the length). Consumer groups cannot be held by kvd: a stream that
 * has any is refused (RDB_ERR_UNSUPPORTED) rather than loaded without them. */
static bool read_stream(struct reader *r, unsigned type, struct obj **out)
{
    uint64_t nnodes;
    if (!r_count(r, &nnodes))
        return false;
    struct obj *o = stream_new();
    struct stream *s = stream_of(o);
    struct snode n;
    memset(&n, 0, sizeof(n));
    for (uint64_t i = 0; i < nnodes; i++) {
        if (!read_stream_node(r, s, &n)) {
            obj_release(o);
            return false;
        }
    }
    uint64_t length, groups;
    struct stream_id last;
    if (!r_len(r, &length, NULL) || !r_stream_id(r, &last))
        goto fail;
    if (length != s->length) {
        r_fail(r, "stream length does not match its nodes");
        goto fail;
    }
    if (n.has_prev && stream_id_cmp(&last, &n.prev) < 0) {
        r_fail(r, "stream last ID below its last entry");
        goto fail;
    }
    s->last_id = last;
    if (type == T_STREAM_LISTPACKS_2) {
        if (!r_stream_id(r, &s->first_id) || !r_stream_id(r, &s->max_deleted_id) ||
            !r_len(r, &s->entries_added, NULL))
            goto fail;
    } else {
        s->first_id = (struct stream_id){UINT64_MAX, UINT64_MAX};
        struct stream_iter it;
        struct stream_id lo = {0, 0}, id;
        uint64_t nf;
        stream_iter_init(&it, o, &lo, &s->first_id, false);
        if (stream_iter_next(&it, &id, &nf))
            s->first_id = id;
        s->max_deleted_id = (struct stream_id){0, 0};
        s->entries_added = s->length;
    }
    uint64_t at = r_off(r);
    if (!r_len(r, &groups, NULL))
        goto fail;
    if (groups > 0) {
        char pk[128];
        if (r->key != NULL)
            printable_key(r->key, r->klen, pk, sizeof(pk));
        else
            snprintf(pk, sizeof(pk), "(DUMP payload)");
        rdb_set_error(r->err, RDB_ERR_UNSUPPORTED, at,
                      "Stream key '%s' has %llu consumer group(s) (offset %llu): kvd has no "
                      "consumer groups and will not drop them",
                      pk, (unsigned long long)groups, (unsigned long long)at);
        goto fail;
    }
    *out = o;
    return true;
fail:
    obj_release(o);
    return false;
}

/* Reads a value of the given type into *out (new reference). Every failure frees what was
 * built. RV_EMPTY: a valid but empty collection (Redis skips such keys). */
static enum rv read_value(struct reader *r, unsigned type, struct obj **out)
{
    struct build b;
    bool ok = false;
    *out = NULL;
    switch (type) {
    case T_STRING: {
        const char *p;
        size_t len;
        if (!r_string(r, 1, &p, &len))
            return RV_ERR;
        *out = str_new_encoded(p, len, true);
        return RV_OK;
    }
    case T_LIST:
    case T_LIST_ZIPLIST:
    case T_LIST_QUICKLIST:
    case T_LIST_QUICKLIST_2:
        b_init(&b, r, list_new(), B_LIST);
        if (type == T_LIST) {
            uint64_t n;
            ok = r_count(r, &n);
            for (uint64_t i = 0; ok && i < n; i++) {
                const char *p;
                size_t len;
                ok = r_string(r, 1, &p, &len);
                if (ok)
                    list_push(b.o, LIST_TAIL, p, len);
            }
        } else if (type == T_LIST_ZIPLIST) {
            ok = read_blob(r, &b, rdb_zl_walk, NULL);
        } else {
            ok = read_list_nodes(r, &b, (int)type);
        }
        break;
    case T_SET:
    case T_SET_INTSET:
        b_init(&b, r, set_new(), B_SET);
        if (type == T_SET_INTSET) {
            ok = read_blob(r, &b, rdb_intset_walk, NULL);
        } else {
            uint64_t n;
            ok = r_count(r, &n);
            if (ok && (long long)n > set_max_intset_entries) {
                obj_release(b.o);
                b.o = set_new_for("", 0); /* a table from the start: it cannot stay intset */
                dict_expand(b.o->u.ptr, (size_t)n);
            }
            for (uint64_t i = 0; ok && i < n; i++) {
                const char *p;
                size_t len;
                ok = r_string(r, 1, &p, &len);
                if (ok && !set_add(b.o, p, len))
                    ok = r_fail(r, "duplicate set members");
            }
        }
        break;
    case T_ZSET:
    case T_ZSET_2:
    case T_ZSET_ZIPLIST:
    case T_ZSET_LISTPACK:
        b_init(&b, r, zset_new(), B_ZSET);
        if (type == T_ZSET || type == T_ZSET_2)
            ok = read_zset_plain(r, &b, type == T_ZSET_2);
        else
            ok = read_blob(r, &b, type == T_ZSET_ZIPLIST ? rdb_zl_walk : rdb_lp_walk, NULL) &&
                 b_pairs_done(r, &b);
        break;
    case T_HASH:
    case T_HASH_ZIPMAP:
    case T_HASH_ZIPLIST:
    case T_HASH_LISTPACK:
        b_init(&b, r, hash_new(), B_HASH);
        if (type == T_HASH) {
            uint64_t n;
            ok = r_count(r, &n);
            for (uint64_t i = 0; ok && i < n; i++) {
                const char *f, *v;
                size_t fl, vl;
                ok = r_string(r, 1, &f, &fl) && r_string(r, 2, &v, &vl);
                if (ok && !hash_set(b.o, f, fl, v, vl))
                    ok = r_fail(r, "duplicate hash fields");
            }
        } else {
            blob_walk_fn *walk = type == T_HASH_ZIPMAP    ? rdb_zipmap_walk
                                 : type == T_HASH_ZIPLIST ? rdb_zl_walk
                                                          : rdb_lp_walk;
            ok = read_blob(r, &b, walk, NULL) && b_pairs_done(r, &b);
        }
        break;
    case T_STREAM_LISTPACKS:
    case T_STREAM_LISTPACKS_2:
        /* Empty streams are values (XADD then XDEL all keeps the key), never RV_EMPTY. */
        return read_stream(r, type, out) ? RV_OK : RV_ERR;
    case T_MODULE_PRE_GA:
    case T_MODULE_2:
        rdb_set_error(r->err, RDB_ERR_UNSUPPORTED, r_off(r),
                      "RDB value at offset %llu is module data (type %u): kvd has no modules",
                      (unsigned long long)r_off(r), type);
        return RV_ERR;
    default:
        rdb_set_error(r->err, RDB_ERR_FORMAT, r_off(r), "Unknown RDB value type %u at offset %llu",
                      type, (unsigned long long)r_off(r) - 1);
        return RV_ERR;
    }
    b_deinit(&b);
    if (!ok) {
        obj_release(b.o);
        return RV_ERR;
    }
    size_t n = 0;
    switch (b.o->type) {
    case OBJ_LIST: n = list_len(b.o); break;
    case OBJ_SET: n = set_len(b.o); break;
    case OBJ_ZSET: n = zset_len(b.o); break;
    case OBJ_HASH: n = hash_len(b.o); break;
    default: n = 1; break;
    }
    if (n == 0) {
        obj_release(b.o);
        return RV_EMPTY;
    }
    *out = b.o;
    return RV_OK;
}

enum rdb_status rdb_decode_value(const void *p, size_t len, int rdbver, struct obj **out,
                                 size_t *used, struct rdb_error *err)
{
    rdb_error_reset(err);
    struct reader r;
    r_init_mem(&r, p, len, err);
    r.rdbver = rdbver;
    unsigned type;
    enum rdb_status st = RDB_OK;
    enum rv v = RV_ERR;
    if (r_u8(&r, &type))
        v = read_value(&r, type, out);
    if (v == RV_EMPTY) {
        rdb_set_error(err, RDB_ERR_FORMAT, r_off(&r), "Empty collection in a value payload");
        v = RV_ERR;
    }
    if (v != RV_OK) {
        st = err != NULL && err->st != RDB_OK ? err->st : RDB_ERR_FORMAT;
        *out = NULL;
    }
    if (used != NULL)
        *used = r.pos;
    r_deinit(&r);
    return st;
}

enum rdb_status rdb_restore(const void *p, size_t len, struct obj **out, struct rdb_error *err)
{
    rdb_error_reset(err);
    *out = NULL;
    const unsigned char *b = p;
    if (len < 10) {
        rdb_set_error(err, RDB_ERR_CHECKSUM, 0, "DUMP payload too short");
        return RDB_ERR_CHECKSUM;
    }
    unsigned ver = (unsigned)b[len - 10] | ((unsigned)b[len - 9] << 8);
    if (ver > RDB_VERSION) {
        rdb_set_error(err, RDB_ERR_VERSION, len - 10, "DUMP payload RDB version %u", ver);
        return RDB_ERR_VERSION;
    }
    if (crc64(0, b, len - 8) != get_le(b + len - 8, 8)) {
        rdb_set_error(err, RDB_ERR_CHECKSUM, len - 8, "DUMP payload checksum mismatch");
        return RDB_ERR_CHECKSUM;
    }
    return rdb_decode_value(p, len - 10, (int)ver, out, NULL, err);
}

/* ---- whole files -------------------------------------------------------------------------- */

void rdb_load_opts_init(struct rdb_load_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->verify_checksum = true;
}

/* Module ids carry the module's 9-character name in 6-bit groups above a 10-bit version. */
static void module_name(uint64_t id, char out[10])
{
    static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint64_t n = id >> 10;
    for (int i = 8; i >= 0; i--) {
        out[i] = set[n & 63];
        n >>= 6;
    }
    out[9] = '\0';
}

static enum rdb_status load(struct reader *r, struct keyspace *ks, const struct rdb_load_opts *o,
                            struct rdb_load_info *info)
{
    const unsigned char *m = r_take(r, 9);
    if (m == NULL)
        return RDB_ERR_FORMAT;
    if (memcmp(m, "REDIS", 5) != 0) {
        rdb_set_error(r->err, RDB_ERR_VERSION, 0, "Wrong signature trying to load DB from file");
        return RDB_ERR_VERSION;
    }
    int ver = 0;
    for (int i = 5; i < 9; i++) {
        if (m[i] < '0' || m[i] > '9') {
            rdb_set_error(r->err, RDB_ERR_VERSION, 5,
                          "Wrong signature trying to load DB from file");
            return RDB_ERR_VERSION;
        }
        ver = ver * 10 + (m[i] - '0');
    }
    if (ver < 1 || ver > RDB_VERSION) {
        rdb_set_error(r->err, RDB_ERR_VERSION, 5, "Can't handle RDB format version %d", ver);
        return RDB_ERR_VERSION;
    }
    r->rdbver = ver;
    info->version = ver;
    struct db *db = &ks->dbs[0];
    long long expire = -1, idle = -1;
    int freq = -1;
    uint64_t every = o->progress_bytes ? o->progress_bytes : 2 * 1024 * 1024, last = 0;
    for (;;) {
        if (o->progress != NULL && r_off(r) - last >= every) {
            last = r_off(r);
            if (!o->progress(o->progress_ud, last, r->total)) {
                rdb_set_error(r->err, RDB_ERR_ABORTED, last, "RDB load aborted at offset %llu",
                              (unsigned long long)last);
                return RDB_ERR_ABORTED;
            }
        }
        unsigned type;
        if (!r_u8(r, &type))
            return RDB_ERR_FORMAT;
        uint64_t at = r_off(r) - 1;
        const unsigned char *d;
        uint64_t a, b;
        switch (type) {
        case OP_EXPIRETIME_MS:
            if ((d = r_take(r, 8)) == NULL)
                return RDB_ERR_FORMAT;
            expire = (long long)get_le(d, 8);
            continue;
        case OP_EXPIRETIME:
            if ((d = r_take(r, 4)) == NULL)
                return RDB_ERR_FORMAT;
            expire = (long long)(int32_t)get_le(d, 4) * 1000;
            continue;
        case OP_FREQ:
            if ((d = r_take(r, 1)) == NULL)
                return RDB_ERR_FORMAT;
            freq = d[0];
            continue;
        case OP_IDLE:
            if (!r_len(r, &a, NULL))
                return RDB_ERR_FORMAT;
            /* Clamped rather than refused: Redis takes any length, and the server only
             * subtracts it from a 24-bit clock. */
            idle = a > (uint64_t)LLONG_MAX ? LLONG_MAX : (long long)a;
            continue;
        case OP_EOF:
            break;
        case OP_SELECTDB:
            if (!r_len(r, &a, NULL))
                return RDB_ERR_FORMAT;
            if (a >= (uint64_t)ks->ndb) {
                rdb_set_error(r->err, RDB_ERR_FORMAT, at,
                              "RDB selects db %llu at offset %llu but only %d databases are "
                              "configured",
                              (unsigned long long)a, (unsigned long long)at, ks->ndb);
                return RDB_ERR_FORMAT;
            }
            db = &ks->dbs[a];
            continue;
        case OP_RESIZEDB:
            if (!r_len(r, &a, NULL) || !r_len(r, &b, NULL))
                return RDB_ERR_FORMAT;
            /* A hint only: sized against what the file can hold so a corrupt one cannot
             * make us allocate a huge table. */
            if (r->total > 0 && a > (r->total - r_off(r)) / 3)
                a = (r->total - r_off(r)) / 3;
            if (a > 0 && a <= (1u << 30))
                dict_expand(db->keys, (size_t)(dict_size(db->keys) + a));
            continue;
        case OP_AUX: {
            const char *k, *v;
            size_t kl, vl;
            if (!r_string(r, 0, &k, &kl) || !r_string(r, 1, &v, &vl))
                return RDB_ERR_FORMAT;
            if (o->on_aux != NULL)
                o->on_aux(o->aux_ud, k, kl, v, vl);
            continue;
        }
        case OP_MODULE_AUX: {
            char name[10];
            if (!r_len(r, &a, NULL))
                return RDB_ERR_FORMAT;
            module_name(a, name);
            rdb_set_error(r->err, RDB_ERR_UNSUPPORTED, at,
                          "The RDB file contains AUX module data I can't load: no matching module "
                          "'%s' (offset %llu)",
                          name, (unsigned long long)at);
            return RDB_ERR_UNSUPPORTED;
        }
        case OP_FUNCTION2: {
            const char *c;
            size_t cl;
            if (!r_string(r, 1, &c, &cl))
                return RDB_ERR_FORMAT;
            if (o->on_function == NULL || !o->on_function(o->function_ud, c, cl)) {
                rdb_set_error(r->err, RDB_ERR_UNSUPPORTED, at,
                              "The RDB file contains a function library at offset %llu that kvd "
                              "cannot load",
                              (unsigned long long)at);
                return RDB_ERR_UNSUPPORTED;
            }
            continue;
        }
        case OP_FUNCTION_PRE_GA:
            rdb_set_error(r->err, RDB_ERR_UNSUPPORTED, at,
                          "Pre-release function format not supported (offset %llu)",
                          (unsigned long long)at);
            return RDB_ERR_UNSUPPORTED;
        default: {
            const char *k;
            size_t kl;
            struct obj *val;
            if (!r_string(r, 0, &k, &kl))
                return RDB_ERR_FORMAT;
            r->key = k;
            r->klen = kl;
            enum rv v = read_value(r, type, &val);
            r->key = NULL;
            if (v == RV_ERR)
                return r->err != NULL && r->err->st != RDB_OK ? r->err->st : RDB_ERR_FORMAT;
            long long when = expire, key_idle = idle;
            int key_freq = freq;
            /* Like the TTL, these belong to this key only, loaded or skipped. */
            expire = idle = -1;
            freq = -1;
            if (v == RV_EMPTY)
                continue; /* Redis skips empty collections too */
            if (o->drop_expired_ms > 0 && when != -1 && when < o->drop_expired_ms) {
                obj_release(val);
                info->keys_expired++;
                continue;
            }
            bool existed;
            struct dict_entry *e = dict_add(db->keys, k, kl, &existed);
            if (existed) {
                char pk[128];
                obj_release(val);
                printable_key(k, kl, pk, sizeof(pk));
                rdb_set_error(r->err, RDB_ERR_DUPLICATE, at,
                              "Duplicate key '%s' in DB %d at offset %llu", pk, db->id,
                              (unsigned long long)at);
                return RDB_ERR_DUPLICATE;
            }
            e->v.ptr = val;
            if (when != -1)
                dict_add(db->expires, k, kl, NULL)->v.i = when;
            if ((key_idle >= 0 || key_freq >= 0) && o->on_evict != NULL)
                o->on_evict(o->evict_ud, val, key_idle, key_freq);
            info->keys_loaded++;
            continue;
        }
        }
        break; /* EOF */
    }
    if (ver >= 5) {
        if (r->crc_on)
            r->crc = crc64(r->crc, r->buf + r->crc_pos, r->pos - r->crc_pos);
        r->crc_pos = r->pos;
        uint64_t at = r_off(r);
        const unsigned char *d = r_take(r, 8);
        if (d == NULL)
            return RDB_ERR_FORMAT;
        uint64_t want = get_le(d, 8);
        if (r->crc_on && want != 0) {
            if (want != r->crc) {
                rdb_set_error(r->err, RDB_ERR_CHECKSUM, at,
                              "Wrong RDB checksum at offset %llu: file says %016llx, data gives "
                              "%016llx",
                              (unsigned long long)at, (unsigned long long)want,
                              (unsigned long long)r->crc);
                return RDB_ERR_CHECKSUM;
            }
            info->checksum_checked = true;
        }
    }
    info->bytes = r_off(r);
    if (o->progress != NULL)
        o->progress(o->progress_ud, info->bytes, r->total);
    return RDB_OK;
}

enum rdb_status rdb_load_mem(struct keyspace *ks, const void *p, size_t len,
                             const struct rdb_load_opts *o, struct rdb_load_info *info,
                             size_t *used, struct rdb_error *err)
{
    struct rdb_load_info dummy;
    if (info == NULL)
        info = &dummy;
    memset(info, 0, sizeof(*info));
    rdb_error_reset(err);
    struct reader r;
    r_init_mem(&r, p, len, err);
    r.crc_on = o->verify_checksum;
    enum rdb_status st = load(&r, ks, o, info);
    if (used != NULL)
        *used = r.pos;
    r_deinit(&r);
    return st;
}

enum rdb_status rdb_load_fd(struct keyspace *ks, int fd, const struct rdb_load_opts *o,
                            struct rdb_load_info *info, struct rdb_error *err)
{
    struct rdb_load_info dummy;
    if (info == NULL)
        info = &dummy;
    memset(info, 0, sizeof(*info));
    rdb_error_reset(err);
    struct reader r;
    memset(&r, 0, sizeof(r));
    r.fd = fd;
    r.err = err;
    r.cap = RBUF_CAP;
    r.buf = mem_alloc(r.cap);
    r.crc_on = o->verify_checksum;
    struct stat sb;
    off_t here = lseek(fd, 0, SEEK_CUR);
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && here >= 0 && sb.st_size > here)
        r.total = (uint64_t)(sb.st_size - here);
    enum rdb_status st = load(&r, ks, o, info);
    r_deinit(&r);
    return st;
}
