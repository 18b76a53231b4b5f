/* storage/rdb_save.c: writing RDB data: snapshots, DUMP payloads and single values.
 *
 * Owns the buffered writer (length and string encodings, LZF, CRC64), the per-type value
 * encoders and the keyspace walk that saves. Knows the data types only through their public
 * headers plus read-only dict walks, so a fork child writes nothing; knows nothing of file
 * names, fork, config or replies, nor of how bytes are read back (rdb_load.c).
 * Start at rdb_save(); write_value_body() holds the type rules.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/rdb.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "storage/hash.h"
#include "storage/intset.h"
#include "storage/list.h"
#include "storage/rdb_int.h"
#include "storage/rdb_pack.h"
#include "storage/str.h"
#include "storage/stream.h"
#include "storage/zset.h"
#include "utils/crc64.h"
#include "utils/lzf.h"
#include "utils/mem.h"
#include "utils/num.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "rdb_save.c writes kvd's intset bytes as Redis's little-endian intset blob"
#endif

static void put_le(unsigned char *o, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        o[i] = (unsigned char)(v >> (8 * i));
}

/* Stream IDs in node keys are big-endian, so the keys sort like the IDs. */
static void put_be(unsigned char *o, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        o[i] = (unsigned char)(v >> (56 - 8 * i));
}

#define WBUF_CAP (256 * 1024)

struct writer {
    rdb_write_fn *write;
    void *ud;
    unsigned char *buf;
    size_t len;
    uint64_t crc;
    uint64_t total;   /* bytes handed to the sink */
    bool failed;
    int sys_errno;
    bool compress;
    unsigned char *lzf; /* scratch for LZF output */
    size_t lzf_cap;
    struct rdb_lpw lpw;
};

static void w_init(struct writer *w, rdb_write_fn *fn, void *ud, bool compress)
{
    memset(w, 0, sizeof(*w));
    w->write = fn;
    w->ud = ud;
    w->compress = compress;
    w->buf = mem_alloc(WBUF_CAP);
    rdb_lpw_init(&w->lpw);
}

static void w_deinit(struct writer *w)
{
    mem_free(w->buf);
    mem_free(w->lzf);
    rdb_lpw_deinit(&w->lpw);
}

static void w_flush(struct writer *w)
{
    if (w->len == 0 || w->failed)
        return;
    w->crc = crc64(w->crc, w->buf, w->len);
    if (!w->write(w->ud, w->buf, w->len)) {
        w->failed = true;
        w->sys_errno = errno;
    }
    w->total += w->len;
    w->len = 0;
}

static void w_bytes(struct writer *w, const void *p, size_t n)
{
    if (w->failed)
        return;
    if (n >= WBUF_CAP) {
        w_flush(w);
        if (w->failed)
            return;
        w->crc = crc64(w->crc, p, n);
        if (!w->write(w->ud, p, n)) {
            w->failed = true;
            w->sys_errno = errno;
        }
        w->total += n;
        return;
    }
    if (w->len + n > WBUF_CAP)
        w_flush(w);
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void w_u8(struct writer *w, unsigned v)
{
    unsigned char b = (unsigned char)v;
    w_bytes(w, &b, 1);
}

static void w_len(struct writer *w, uint64_t len)
{
    unsigned char b[9];
    if (len < 64) {
        b[0] = (unsigned char)len;
        w_bytes(w, b, 1);
    } else if (len < 16384) {
        b[0] = (unsigned char)(0x40 | (len >> 8));
        b[1] = (unsigned char)len;
        w_bytes(w, b, 2);
    } else if (len <= UINT32_MAX) {
        b[0] = 0x80;
        for (int i = 0; i < 4; i++)
            b[1 + i] = (unsigned char)(len >> (24 - 8 * i));
        w_bytes(w, b, 5);
    } else {
        b[0] = 0x81;
        for (int i = 0; i < 8; i++)
            b[1 + i] = (unsigned char)(len >> (56 - 8 * i));
        w_bytes(w, b, 9);
    }
}

/* A string as Redis's rdbSaveRawString: short strict integers that fit 32 bits as int8/16/32,
 * then LZF when enabled, longer than 20 bytes and at least 4 bytes smaller, else plain. */
static void w_string(struct writer *w, const char *p, size_t len)
{
    long long v;
    if (len <= 11 && num_str2ll(p, len, &v) && v >= INT32_MIN && v <= INT32_MAX) {
        unsigned char b[5];
        if (v >= -128 && v <= 127) {
            b[0] = 0xC0 | ENC_INT8;
            b[1] = (unsigned char)v;
            w_bytes(w, b, 2);
        } else if (v >= INT16_MIN && v <= INT16_MAX) {
            b[0] = 0xC0 | ENC_INT16;
            put_le(b + 1, (uint64_t)v, 2);
            w_bytes(w, b, 3);
        } else {
            b[0] = 0xC0 | ENC_INT32;
            put_le(b + 1, (uint64_t)v, 4);
            w_bytes(w, b, 5);
        }
        return;
    }
    if (w->compress && len > 20) {
        size_t cap = len - 4;
        if (w->lzf_cap < cap) {
            w->lzf = mem_realloc(w->lzf, cap);
            w->lzf_cap = cap;
        }
        size_t clen = lzf_compress(p, len, w->lzf, cap);
        if (clen > 0) {
            w_u8(w, 0xC0 | ENC_LZF);
            w_len(w, clen);
            w_len(w, len);
            w_bytes(w, w->lzf, clen);
            return;
        }
    }
    w_len(w, len);
    w_bytes(w, p, len);
}

static void w_blob_lpw(struct writer *w)
{
    size_t n;
    const unsigned char *p = rdb_lpw_finish(&w->lpw, &n);
    w_string(w, (const char *)p, n);
}

/* A kvd listpack (hash, stream node) written as a Redis listpack blob, entry by entry. */
static void w_listpack(struct writer *w, unsigned char *lp)
{
    char b[LISTPACK_INTBUF];
    rdb_lpw_reset(&w->lpw);
    for (unsigned char *p = listpack_first(lp); p != NULL; p = listpack_next(lp, p)) {
        size_t n;
        const char *s = listpack_get_str(p, b, &n);
        rdb_lpw_append(&w->lpw, s, n);
    }
    w_blob_lpw(w);
}

/* Lists are written as Redis 7.0 writes them (RDB_TYPE_LIST_QUICKLIST_2): node count, then
 * per node a container byte and a Redis listpack. Like Redis, each in-memory node becomes one
 * RDB node as it is (kvd's node limits are Redis's, so the blobs stay within them): one pass,
 * entry bytes copied rather than decoded, and only one node buffered at a time. */
static void write_list(struct writer *w, const struct obj *o)
{
    w_len(w, list_node_count(o));
    const void *cur = NULL;
    struct buf *b = &w->lpw.b;
    for (;;) {
        buf_clear(b);
        if (!list_export_node(o, &cur, b))
            break;
        w_len(w, QL_NODE_PACKED);
        w_string(w, buf_head(b), buf_used(b));
    }
}

/* Visits every entry of a dict without iterators or rehash steps: nothing is written, so a
 * fork child copies no page. */
#define DICT_FOR_EACH_RO(d, e)                                                          \
    for (int t_ = 0; t_ < 2; t_++)                                                      \
        for (size_t i_ = 0; i_ < (d)->size[t_]; i_++)                                   \
            for (const struct dict_entry *e = (d)->table[t_][i_]; e != NULL; e = e->next)

static void write_set(struct writer *w, const struct obj *o)
{
    if (o->enc == OBJ_ENC_INTSET) {
        const struct intset *is = o->u.ptr;
        /* kvd's intset header (u32 width, u32 count) and little-endian values are Redis's. */
        w_string(w, (const char *)is, intset_blob_len(is));
        return;
    }
    const struct dict *d = o->u.ptr;
    w_len(w, dict_size(d));
    DICT_FOR_EACH_RO(d, e)
    w_string(w, e->key, e->klen);
}

static void write_hash(struct writer *w, const struct obj *o)
{
    if (o->enc == OBJ_ENC_LISTPACK) {
        w_listpack(w, o->u.ptr);
        return;
    }
    const struct dict *d = o->u.ptr;
    w_len(w, dict_size(d));
    DICT_FOR_EACH_RO(d, e) {
        size_t vl;
        const char *v = hash_table_value(e, &vl);
        w_string(w, e->key, e->klen);
        w_string(w, v, vl);
    }
}

static void write_zset(struct writer *w, const struct obj *o)
{
    size_t n = zset_len(o);
    struct zset_iter it;
    struct zset_elem el;
    if (o->enc == OBJ_ENC_LISTPACK) {
        rdb_lpw_reset(&w->lpw);
        zset_iter_init(&it, o, 0, n, false);
        while (zset_iter_next(&it, &el)) {
            char sb[NUM_D_MAXLEN];
            rdb_lpw_append(&w->lpw, el.p, el.len);
            /* Redis stores the score text (its d2string; "%.17g" gives the same digits) and
             * the listpack turns integral ones into integers. */
            rdb_lpw_append(&w->lpw, sb, num_d2str(sb, el.score));
        }
        w_blob_lpw(w);
        return;
    }
    /* Redis writes skiplists from the tail so its loader inserts each at the head. */
    w_len(w, n);
    if (n == 0)
        return;
    zset_iter_init(&it, o, n - 1, n, true);
    while (zset_iter_next(&it, &el)) {
        unsigned char b[8];
        uint64_t u;
        memcpy(&u, &el.score, 8);
        w_string(w, el.p, el.len);
        put_le(b, u, 8);
        w_bytes(w, b, 8);
    }
}

/* Streams as Redis 7.0 writes them (RDB_TYPE_STREAM_LISTPACKS_2): node count; per node its
 * master ID as a 16-byte big-endian key and the node as a Redis listpack; then the length,
 * last ID, first ID, max-deleted ID, entries-added and 0 consumer groups. kvd's node entries
 * use Redis's entry encodings except the back length at element sizes 16383, 2097151 and
 * 268435455 (Redis takes one byte more), and its header is 2 bytes longer, so each node is
 * re-encoded element by element as hashes are: the blob is what Redis itself would hold. */
static void write_stream(struct writer *w, const struct obj *o)
{
    const struct stream *s = stream_of(o);
    w_len(w, s->nnodes);
    for (size_t i = 0; i < s->nnodes; i++) {
        unsigned char key[16];
        put_be(key, s->nodes[i].master.ms);
        put_be(key + 8, s->nodes[i].master.seq);
        w_string(w, (const char *)key, sizeof(key));
        w_listpack(w, s->nodes[i].lp);
    }
    w_len(w, s->length);
    w_len(w, s->last_id.ms);
    w_len(w, s->last_id.seq);
    w_len(w, s->first_id.ms);
    w_len(w, s->first_id.seq);
    w_len(w, s->max_deleted_id.ms);
    w_len(w, s->max_deleted_id.seq);
    w_len(w, s->entries_added);
    w_len(w, 0); /* consumer groups: kvd has none */
}

static unsigned value_type(const struct obj *o)
{
    switch (o->type) {
    case OBJ_STRING: return T_STRING;
    case OBJ_LIST: return T_LIST_QUICKLIST_2;
    case OBJ_SET: return o->enc == OBJ_ENC_INTSET ? T_SET_INTSET : T_SET;
    case OBJ_ZSET: return o->enc == OBJ_ENC_LISTPACK ? T_ZSET_LISTPACK : T_ZSET_2;
    case OBJ_HASH: return o->enc == OBJ_ENC_LISTPACK ? T_HASH_LISTPACK : T_HASH;
    case OBJ_STREAM: return T_STREAM_LISTPACKS_2;
    }
    return T_STRING;
}

/* The value's bytes after its type byte (and, in a file, after its key). */
static void write_value_body(struct writer *w, const struct obj *o)
{
    switch (o->type) {
    case OBJ_STRING: {
        char tmp[NUM_LL_MAXLEN];
        size_t n;
        const char *p = str_bytes(o, tmp, &n);
        w_string(w, p, n);
        return;
    }
    case OBJ_LIST: write_list(w, o); return;
    case OBJ_SET: write_set(w, o); return;
    case OBJ_ZSET: write_zset(w, o); return;
    case OBJ_HASH: write_hash(w, o); return;
    case OBJ_STREAM: write_stream(w, o); return;
    }
}

void rdb_save_opts_init(struct rdb_save_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->compress = true;
    o->checksum = true;
}

/* Idle seconds of o against clock, the stamp taken as older than clock when it is above it
 * (the 24-bit clock wrapped since), as OBJECT IDLETIME reads it. */
static uint64_t idle_seconds(const struct obj *o, uint32_t clock)
{
    uint32_t now = clock & OBJ_LRU_MAX;
    if (now >= o->lru)
        return now - o->lru;
    return (uint64_t)now + (OBJ_LRU_MAX - o->lru);
}

/* The LFU counter (low 8 bits of lru) less one per decay_time minutes since its 16-bit
 * minutes stamp (high bits): Redis saves the decayed value, without storing it back. */
static unsigned lfu_decayed(const struct obj *o, uint32_t minutes, unsigned decay_time)
{
    unsigned stamp = o->lru >> 8, counter = o->lru & 255;
    unsigned now = minutes & 65535;
    unsigned elapsed = now >= stamp ? now - stamp : 65535 - stamp + now;
    if (decay_time == 0)
        return counter;
    unsigned periods = elapsed / decay_time;
    return periods >= counter ? 0 : counter - periods;
}

static void save_db(struct writer *w, const struct db *db, int id, const struct rdb_save_opts *o,
                    uint64_t *keys, bool *aborted)
{
    uint64_t every = o->progress_keys ? o->progress_keys : 1024;
    w_u8(w, OP_SELECTDB);
    w_len(w, (uint64_t)id);
    w_u8(w, OP_RESIZEDB);
    w_len(w, db_size(db));
    w_len(w, db_expires_size(db));
    const struct dict *kd = db->keys;
    bool has_expires = db_expires_size(db) > 0;
    DICT_FOR_EACH_RO(kd, e) {
        if (w->failed || *aborted)
            return;
        if (has_expires) {
            const struct dict_entry *x = dict_find_ro(db->expires, e->key, e->klen);
            if (x != NULL) {
                unsigned char b[9];
                b[0] = OP_EXPIRETIME_MS;
                put_le(b + 1, (uint64_t)x->v.i, 8);
                w_bytes(w, b, 9);
            }
        }
        const struct obj *val = e->v.ptr;
        if (o->evict == RDB_EVICT_IDLE) {
            w_u8(w, OP_IDLE);
            w_len(w, idle_seconds(val, o->lru_clock));
        } else if (o->evict == RDB_EVICT_FREQ) {
            unsigned char b[2] = {OP_FREQ,
                                  (unsigned char)lfu_decayed(val, o->lfu_minutes,
                                                             o->lfu_decay_time)};
            w_bytes(w, b, 2);
        }
        w_u8(w, value_type(val));
        w_string(w, e->key, e->klen);
        write_value_body(w, val);
        if (++*keys % every == 0 && o->progress != NULL &&
            !o->progress(o->progress_ud, *keys, w->total + w->len))
            *aborted = true;
    }
}

enum rdb_status rdb_save(const struct keyspace *ks, const struct rdb_save_opts *o,
                         rdb_write_fn *write, void *write_ud, uint64_t *bytes_out,
                         struct rdb_error *err)
{
    rdb_error_reset(err);
    struct writer w;
    w_init(&w, write, write_ud, o->compress);
    char magic[16];
    snprintf(magic, sizeof(magic), "REDIS%04d", RDB_VERSION);
    w_bytes(&w, magic, 9);
    for (size_t i = 0; i < o->naux; i++) {
        w_u8(&w, OP_AUX);
        w_string(&w, o->aux[i].key, strlen(o->aux[i].key));
        w_string(&w, o->aux[i].val, o->aux[i].vlen);
    }
    uint64_t keys = 0;
    bool aborted = false;
    for (int i = 0; i < ks->ndb && !w.failed && !aborted; i++)
        if (db_size(&ks->dbs[i]) > 0)
            save_db(&w, &ks->dbs[i], i, o, &keys, &aborted);
    enum rdb_status st = RDB_OK;
    if (!aborted) {
        w_u8(&w, OP_EOF);
        w_flush(&w);
        /* The trailer covers everything before it; zero means "not computed" to Redis. */
        unsigned char b[8];
        put_le(b, o->checksum ? w.crc : 0, 8);
        w_bytes(&w, b, 8);
        w_flush(&w);
        if (o->progress != NULL && !w.failed)
            o->progress(o->progress_ud, keys, w.total);
    }
    if (w.failed) {
        st = RDB_ERR_IO;
        rdb_set_error(err, st, w.total, "Write error saving the RDB: %s", strerror(w.sys_errno));
        if (err != NULL)
            err->sys_errno = w.sys_errno;
    } else if (aborted) {
        st = RDB_ERR_ABORTED;
        rdb_set_error(err, st, w.total, "RDB save aborted after %llu keys",
                      (unsigned long long)keys);
    }
    if (bytes_out != NULL)
        *bytes_out = w.total;
    w_deinit(&w);
    return st;
}

static bool fd_write(void *ud, const void *p, size_t n)
{
    int fd = *(int *)ud;
    const char *c = p;
    while (n > 0) {
        ssize_t k = write(fd, c, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (k == 0) {
            errno = EIO;
            return false;
        }
        c += k;
        n -= (size_t)k;
    }
    return true;
}

enum rdb_status rdb_save_fd(const struct keyspace *ks, const struct rdb_save_opts *o, int fd,
                            uint64_t *bytes_out, struct rdb_error *err)
{
    return rdb_save(ks, o, fd_write, &fd, bytes_out, err);
}

static bool buf_write(void *ud, const void *p, size_t n)
{
    buf_append(ud, p, n);
    return true;
}

void rdb_encode_value(const struct obj *o, bool compress, struct buf *out)
{
    struct writer w;
    w_init(&w, buf_write, out, compress);
    w_u8(&w, value_type(o));
    write_value_body(&w, o);
    w_flush(&w);
    w_deinit(&w);
}

void rdb_dump(const struct obj *o, bool compress, struct buf *out)
{
    size_t start = buf_used(out);
    rdb_encode_value(o, compress, out);
    unsigned char v[2] = {RDB_VERSION & 0xFF, RDB_VERSION >> 8};
    buf_append(out, v, 2);
    uint64_t crc = crc64(0, buf_head(out) + start, buf_used(out) - start);
    unsigned char b[8];
    put_le(b, crc, 8);
    buf_append(out, b, 8);
}
