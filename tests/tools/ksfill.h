/* tests/tools/ksfill.h: builds a keyspace holding every type, encoding and edge value the RDB
 * code must carry (strings in every int/LZF form, lists across nodes, each set/zset/hash
 * encoding, TTLs, several dbs). Deterministic. Test helper: static functions.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef KVD_TESTS_KSFILL_H
#define KVD_TESTS_KSFILL_H

#include <stdio.h>
#include <string.h>

#include "storage/db.h"
#include "storage/hash.h"
#include "storage/list.h"
#include "storage/set.h"
#include "storage/str.h"
#include "storage/stream.h"
#include "storage/zset.h"

static unsigned long long ksfill_seed = 42;
static unsigned ksfill_rand(void)
{
    ksfill_seed = ksfill_seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(ksfill_seed >> 33);
}

static void ksfill_put(struct db *db, const char *key, struct obj *o)
{
    db_set(db, key, strlen(key), o, 0);
    obj_release(o);
}

static void ksfill_str(struct db *db, const char *key, const char *p, size_t len)
{
    ksfill_put(db, key, str_new_encoded(p, len, false));
}

/* XADD key ms-seq with nf field/value pairs from fv (C strings, or NULL then big[0..bl)). */
static void ksfill_xadd(struct obj *st, uint64_t ms, uint64_t seq, const char *const *fv,
                        size_t nf)
{
    struct slice sl[8];
    for (size_t i = 0; i < 2 * nf; i++)
        sl[i] = (struct slice){fv[i], strlen(fv[i])};
    struct stream_id id = {ms, seq}, added;
    stream_add(st, sl, nf, &id, true, 0, &added);
}

/* Streams: several nodes (default node limits), same-field and own-field entries, integer
 * values of every listpack width, an element at Redis's back-length boundary (16378 bytes: a
 * 16383-byte element), deleted entries, exact and approximate trims, an ID delta that wraps,
 * and streams emptied by XDEL and by XTRIM (Redis keeps both). */
static void ksfill_streams(struct db *db, const char *const *ints, size_t nints, char *big,
                           size_t bigcap)
{
    char v[32], w[96];
    struct obj *st = stream_new();
    for (int i = 0; i < 350; i++) {
        snprintf(v, sizeof(v), "%d", i * 1000 - 7);
        memset(w, 'x', sizeof(w));
        w[i % 70] = '\0';
        if (i % 5 == 4) {
            const char *fv[] = {"a", ints[(size_t)i % nints], "b", w, "c", ""};
            ksfill_xadd(st, 1000 + (uint64_t)i / 3, (uint64_t)i, fv, 3);
        } else {
            const char *fv[] = {"field", v, "other", w};
            ksfill_xadd(st, 1000 + (uint64_t)i / 3, (uint64_t)i, fv, 2);
        }
    }
    for (int i = 0; i < 350; i += 7) {
        struct stream_id id = {1000 + (uint64_t)i / 3, (uint64_t)i};
        stream_delete(st, &id);
    }
    memset(big, 'h', bigcap);
    big[16378] = '\0';
    const char *fv1[] = {"big", big};
    ksfill_xadd(st, 5000, 0, fv1, 1);
    big[16378] = 'h';
    big[bigcap - 1] = '\0';
    const char *fv2[] = {"bigger", big, "n", "-9223372036854775808"};
    ksfill_xadd(st, 5000, 1, fv2, 2);
    const char *fv3[] = {"field", "1", "other", "2"};
    ksfill_xadd(st, 5001, 0, fv3, 2);
    ksfill_put(db, "stream:nodes", st);

    st = stream_new();
    for (int i = 0; i < 300; i++) {
        snprintf(v, sizeof(v), "%d", i);
        const char *fv[] = {"k", v};
        ksfill_xadd(st, 7, (uint64_t)i, fv, 1);
    }
    /* ~ drops the first node whole; the exact trim then marks entries inside the next */
    struct stream_trim t = {.strategy = STREAM_TRIM_MINID, .approx = true, .minid = {7, 150}};
    stream_trim(st, &t);
    t = (struct stream_trim){.strategy = STREAM_TRIM_MAXLEN, .maxlen = 130};
    stream_trim(st, &t);
    ksfill_put(db, "stream:trimmed", st);

    st = stream_new();
    const char *fv4[] = {"f", "v"};
    ksfill_xadd(st, 1, 1, fv4, 1);
    ksfill_xadd(st, 18446744073709551615ULL, 3, fv4, 1); /* ms delta wraps below zero */
    ksfill_put(db, "stream:wrap", st);

    st = stream_new();
    ksfill_xadd(st, 5, 5, fv4, 1);
    ksfill_xadd(st, 5, 6, fv4, 1);
    struct stream_id d1 = {5, 5}, d2 = {5, 6};
    stream_delete(st, &d2);
    stream_delete(st, &d1);
    ksfill_put(db, "stream:empty-xdel", st);

    st = stream_new();
    ksfill_xadd(st, 9, 0, fv4, 1);
    t = (struct stream_trim){.strategy = STREAM_TRIM_MAXLEN, .maxlen = 0};
    stream_trim(st, &t);
    ksfill_put(db, "stream:empty-xtrim", st);
}

/* Far-future TTL (absolute ms) so a real Redis loading the file keeps the key. */
#define KSFILL_TTL 4102444800123LL

static void ksfill(struct keyspace *ks)
{
    struct db *db = &ks->dbs[0];
    char b[20000], k[64];
    static const char *ints[] = {
        "0", "1", "-1", "127", "128", "-128", "-129", "255", "256", "32767", "32768",
        "-32768", "-32769", "8388607", "8388608", "-8388608", "-8388609", "2147483647",
        "2147483648", "-2147483648", "-2147483649", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "007", "+1", "-0", " 1", "1 ",
        "12345678901", "123456789012", "-1234567890", "4095", "4096", "-4096", "-4097", "1e3",
    };
    size_t nints = sizeof(ints) / sizeof(ints[0]);
    for (size_t i = 0; i < nints; i++) {
        snprintf(k, sizeof(k), "int:%zu", i);
        ksfill_str(db, k, ints[i], strlen(ints[i]));
    }
    ksfill_str(db, "empty", "", 0);
    ksfill_str(db, "bin", "a\0b\xff\r\n\"\\ z", 11);
    memset(b, 'a', sizeof(b));
    ksfill_str(db, "s20", b, 20);
    ksfill_str(db, "s21", b, 21);
    ksfill_str(db, "s44", b, 44);
    ksfill_str(db, "s45", b, 45);
    ksfill_str(db, "big-compressible", b, sizeof(b));
    for (size_t i = 0; i < sizeof(b); i++)
        b[i] = (char)ksfill_rand();
    ksfill_str(db, "r21", b, 21);
    ksfill_str(db, "big-random", b, sizeof(b));
    ksfill_put(db, "intobj", str_new_int(123456789012345LL, false));

    /* lists: small, every listpack integer width, many nodes, a big element */
    struct obj *l = list_new();
    for (size_t i = 0; i < nints; i++)
        list_push(l, LIST_TAIL, ints[i], strlen(ints[i]));
    list_push(l, LIST_TAIL, "", 0);
    memset(b, 'x', sizeof(b));
    static const size_t lens[] = {63, 64, 127, 128, 4095, 4096, 16383, 16384};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
        list_push(l, LIST_TAIL, b, lens[i]);
    ksfill_put(db, "list:mixed", l);
    l = list_new();
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(k, sizeof(k), i % 3 ? "e%d" : "%d", i * 7 - 5000);
        list_push(l, LIST_TAIL, k, (size_t)n);
    }
    ksfill_put(db, "list:big", l);
    l = list_new();
    list_push(l, LIST_HEAD, "only", 4);
    ksfill_put(db, "list:one", l);

    /* sets */
    struct obj *s = set_new();
    for (int i = -5; i < 50; i++) {
        int n = snprintf(k, sizeof(k), "%d", i * 1000);
        set_add(s, k, (size_t)n);
    }
    ksfill_put(db, "set:intset16", s);
    s = set_new();
    set_add(s, "9223372036854775807", 19);
    set_add(s, "-9223372036854775808", 20);
    set_add(s, "5", 1);
    ksfill_put(db, "set:intset64", s);
    s = set_new_for("a", 1);
    for (int i = 0; i < 100; i++) {
        int n = snprintf(k, sizeof(k), "m%d", i);
        set_add(s, k, (size_t)n);
    }
    set_add(s, "", 0);
    ksfill_put(db, "set:table", s);
    s = set_new();
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(k, sizeof(k), "%d", i * 3);
        set_add(s, k, (size_t)n);
    }
    ksfill_put(db, "set:bigints", s);

    /* zsets */
    struct obj *z = zset_new();
    double ns;
    static const double scores[] = {0.0, -0.0, 1.5, -2.25, 1e300, -1e-300, 3.0, 1e17,
                                    123456789.125, 1.0 / 0.0, -1.0 / 0.0, 0.1};
    for (size_t i = 0; i < sizeof(scores) / sizeof(scores[0]); i++) {
        int n = snprintf(k, sizeof(k), "z%zu", i);
        zset_add(z, scores[i], k, (size_t)n, 0, &ns);
    }
    zset_add(z, 7, "42", 2, 0, &ns);
    ksfill_put(db, "zset:listpack", z);
    z = zset_new();
    for (int i = 0; i < 300; i++) {
        int n = snprintf(k, sizeof(k), "member-%d", i);
        zset_add(z, i * 0.5 - 20, k, (size_t)n, 0, &ns);
    }
    ksfill_put(db, "zset:skiplist", z);
    z = zset_new();
    memset(b, 'q', 100);
    zset_add(z, 1, b, 65, 0, &ns);
    zset_add(z, 2, "short", 5, 0, &ns);
    ksfill_put(db, "zset:longmember", z);

    /* hashes */
    struct obj *h = hash_new();
    hash_set(h, "f1", 2, "v1", 2);
    hash_set(h, "n", 1, "-12345", 6);
    hash_set(h, "", 0, "empty-field", 11);
    hash_set(h, "e", 1, "", 0);
    ksfill_put(db, "hash:listpack", h);
    h = hash_new();
    for (int i = 0; i < 600; i++) {
        char v[32];
        int n = snprintf(k, sizeof(k), "field:%d", i);
        int vn = snprintf(v, sizeof(v), "%d", i * i);
        hash_set(h, k, (size_t)n, v, (size_t)vn);
    }
    ksfill_put(db, "hash:table", h);
    h = hash_new();
    memset(b, 'v', 200);
    hash_set(h, "long", 4, b, 65);
    ksfill_put(db, "hash:longvalue", h);

    ksfill_streams(db, ints, nints, b, sizeof(b));

    /* TTLs and other dbs */
    ksfill_str(db, "ttl:str", "x", 1);
    db_set_expire(db, "ttl:str", 7, KSFILL_TTL);
    db_set_expire(db, "list:one", 8, KSFILL_TTL + 1);
    db_set_expire(db, "hash:table", 10, KSFILL_TTL + 2);
    db_set_expire(db, "stream:wrap", 11, KSFILL_TTL + 3);
    for (int i = 1; i < ks->ndb; i += 2) {
        snprintf(k, sizeof(k), "db%d-key", i);
        ksfill_str(&ks->dbs[i], k, k, strlen(k));
    }
    if (ks->ndb > 15) {
        ksfill_str(&ks->dbs[15], "last", "db", 2);
        db_set_expire(&ks->dbs[15], "last", 4, KSFILL_TTL + 15);
    }
}

#endif
