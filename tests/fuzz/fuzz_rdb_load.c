/* tests/fuzz/fuzz_rdb_load.c: libFuzzer target for the RDB loader and DUMP payload decoder.
 *
 * Feeds the bytes as a whole RDB file (checksum off, so the decoders see every mutation) into
 * an empty 16-db keyspace, and as a DUMP payload body to rdb_decode_value(). Beyond "no crash"
 * (ASan/UBSan), it checks that a load reporting success consumed no more than the input and
 * that every failure carries a message; leaks are caught by libFuzzer's leak checker.
 * A decoded stream is also walked and changed (exercise_stream): validation must leave nothing
 * that trips the stream code's own assertions.
 * Corpus: tests/fuzz/corpus_rdb (files written by redis-server 7.0 and by kvd, DUMP payloads,
 * streams of types 15 and 19, one with a consumer group).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/rdb.h"
#include "storage/stream.h"

/* A decoded stream must hold kvd's stream invariants: walk it both ways, then delete, add
 * and trim as commands would (the stream code asserts on a malformed node). */
static void exercise_stream(struct obj *o)
{
    struct stream_iter it;
    struct stream_id lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX}, id, first = {0, 0};
    uint64_t nf, fwd = 0, rev = 0;
    const char *f, *v;
    size_t fl, vl;
    stream_iter_init(&it, o, &lo, &hi, false);
    while (stream_iter_next(&it, &id, &nf)) {
        if (fwd++ == 0)
            first = id;
        while (stream_iter_field(&it, &f, &fl, &v, &vl))
            ;
    }
    stream_iter_init(&it, o, &lo, &hi, true);
    while (stream_iter_next(&it, &id, &nf))
        rev++;
    if (fwd != rev || fwd != stream_len(o))
        abort();
    if (fwd > 0 && !stream_delete(o, &first))
        abort();
    struct slice fv[2] = {{"f", 1}, {"v", 1}};
    struct stream_id added;
    stream_add(o, fv, 1, NULL, true, 1, &added);
    struct stream_trim t = {.strategy = STREAM_TRIM_MAXLEN, .maxlen = 1};
    stream_trim(o, &t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool inited;
    if (!inited) {
        obj_init_shared();
        inited = true;
    }
    struct keyspace ks;
    keyspace_init(&ks, 16);
    struct rdb_load_opts o;
    rdb_load_opts_init(&o);
    o.verify_checksum = false;
    struct rdb_error err;
    size_t used = 0;
    enum rdb_status st = rdb_load_mem(&ks, data, size, &o, NULL, &used, &err);
    if (st == RDB_OK && used > size)
        abort();
    if (st != RDB_OK && err.msg[0] == '\0')
        abort();
    keyspace_deinit(&ks);

    struct obj *v = NULL;
    st = rdb_decode_value(data, size, 10, &v, &used, &err);
    if ((st == RDB_OK) != (v != NULL) || (st == RDB_OK && used > size))
        abort();
    if (v != NULL) {
        /* a decoded value re-encodes and decodes to a value again */
        struct buf b;
        buf_init(&b);
        rdb_dump(v, true, &b);
        struct obj *w = NULL;
        if (rdb_restore(buf_head(&b), buf_used(&b), &w, &err) != RDB_OK)
            abort();
        obj_release(w);
        buf_deinit(&b);
        if (v->type == OBJ_STREAM)
            exercise_stream(v);
        obj_release(v);
    }
    return 0;
}
