/* tests/fuzz/fuzz_rdb_load.c: libFuzzer target for the RDB loader and DUMP payload decoder.
 *
 * Feeds the bytes as a whole RDB file (checksum off, so the decoders see every mutation) into
 * an empty 16-db keyspace, and as a DUMP payload body to rdb_decode_value(). Beyond "no crash"
 * (ASan/UBSan), it checks that a load reporting success consumed no more than the input and
 * that every failure carries a message; leaks are caught by libFuzzer's leak checker.
 * A decoded stream is also walked and changed (tests/tools/streamcheck.h), and a decoded list
 * (whose nodes hold the loaded listpack bytes as they were) walked both ways and popped from
 * both ends: validation must leave nothing that trips those types' own assertions.
 * Corpus: tests/fuzz/corpus_rdb (files written by redis-server 7.0 and by kvd, DUMP payloads,
 * streams of types 15 and 19, one with a consumer group).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/list.h"
#include "storage/rdb.h"
#include "storage/stream.h"
#include "tests/tools/streamcheck.h"

/* False when a walk or the pops disagree with list_len(). */
static bool list_exercise(struct obj *l)
{
    size_t n = list_len(l), fwd = 0, rev = 0;
    struct list_iter it;
    struct list_entry e;
    if (n > 0) {
        list_iter_init(&it, l, 0, LIST_TAIL);
        while (list_iter_next(&it, &e))
            fwd++;
        list_iter_init(&it, l, n - 1, LIST_HEAD);
        while (list_iter_next(&it, &e))
            rev++;
    }
    if (fwd != n || rev != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        struct obj *o = list_pop(l, i % 2 ? LIST_HEAD : LIST_TAIL);
        if (o == NULL)
            return false;
        obj_release(o);
    }
    return list_len(l) == 0;
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
        if (v->type == OBJ_STREAM && !streamcheck_exercise(v))
            abort();
        if (v->type == OBJ_LIST && !list_exercise(v))
            abort();
        obj_release(v);
    }
    return 0;
}
