/* tests/c/test_storage.c: unit tests for storage/ (obj, str, dict, db).
 *
 * States string encodings exactly as Redis 7.0 chooses them, refcount and ownership rules
 * (ASan's leak checker is the judge), the hash table across growth, shrink and incremental
 * rehash, the SCAN guarantee under resizes between calls, sampling, and the keyspace's
 * expiry, hooks and key moves against a fake clock (ks.now_ms).
 * Links storage/, protocol/ and utils/ only. Start at main() at the bottom.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/c/check.h"

#include "storage/aof_rewrite.h"
#include "storage/db.h"
#include "storage/dict.h"
#include "storage/hash.h"
#include "storage/listpack.h"
#include "storage/obj.h"
#include "storage/set.h"
#include "storage/str.h"
#include "storage/stream.h"
#include "utils/mem.h"
#include "utils/mtime.h"
#include "utils/rand.h"

/* Names the test and whether it passed, so a run reads as a list of behaviours. */
#define RUN(fn)                                                                             \
    do {                                                                                    \
        int before_ = check_failed;                                                         \
        fn();                                                                               \
        printf("%s %s\n", check_failed == before_ ? "ok  " : "FAIL", #fn);                  \
    } while (0)

/* ---- helpers ---------------------------------------------------------------------------- */

static struct obj *enc(const char *s)
{
    return str_new_encoded(s, strlen(s), true);
}

static bool bytes_are(const struct obj *o, const char *want, size_t wlen)
{
    char tmp[NUM_LL_MAXLEN];
    size_t len;
    const char *p = str_bytes(o, tmp, &len);
    return len == wlen && memcmp(p, want, len) == 0 && str_len(o) == wlen;
}

static const char *enc_of(const char *s)
{
    struct obj *o = enc(s);
    const char *name = obj_enc_name(o);
    obj_release(o);
    return name;
}

static size_t key_of(char *buf, size_t i)
{
    return (size_t)snprintf(buf, 32, "key:%zu", i);
}

/* ---- strings ---------------------------------------------------------------------------- */

static void test_string_encoding_rules(void)
{
    char s44[45], s45[46];
    memset(s44, 'a', 44);
    s44[44] = '\0';
    memset(s45, 'a', 45);
    s45[45] = '\0';

    CHECK_EQ_STR(enc_of("123"), "int");
    CHECK_EQ_STR(enc_of("0"), "int");
    CHECK_EQ_STR(enc_of("-1"), "int");
    CHECK_EQ_STR(enc_of("0123"), "embstr");
    CHECK_EQ_STR(enc_of(" 1"), "embstr");
    CHECK_EQ_STR(enc_of("1 "), "embstr");
    CHECK_EQ_STR(enc_of("+1"), "embstr");
    CHECK_EQ_STR(enc_of("-0"), "embstr");
    CHECK_EQ_STR(enc_of("-"), "embstr");
    CHECK_EQ_STR(enc_of("1.5"), "embstr");
    CHECK_EQ_STR(enc_of(""), "embstr");
    CHECK_EQ_STR(enc_of(s44), "embstr");
    CHECK_EQ_STR(enc_of(s45), "raw");
    CHECK_EQ_STR(enc_of("9223372036854775807"), "int");
    CHECK_EQ_STR(enc_of("-9223372036854775808"), "int"); /* 20 bytes, still a long long */
    CHECK_EQ_STR(enc_of("9223372036854775808"), "embstr");
    CHECK_EQ_STR(enc_of("-9223372036854775809"), "embstr");
    CHECK_EQ_STR(enc_of("12345678901234567890"), "embstr");

    /* createStringObject never picks int; raw stays raw whatever the length. */
    struct obj *o = str_new("123", 3);
    CHECK_EQ_STR(obj_enc_name(o), "embstr");
    obj_release(o);
    o = str_new(s45, 45);
    CHECK_EQ_STR(obj_enc_name(o), "raw");
    obj_release(o);
    o = str_new_raw("abc", 3);
    CHECK_EQ_STR(obj_enc_name(o), "raw");
    CHECK_EQ_STR(obj_type_name(o), "string");
    obj_release(o);
}

static void test_string_bytes_and_numbers(void)
{
    struct obj *o = enc("-9223372036854775808");
    CHECK(bytes_are(o, "-9223372036854775808", 20));
    long long v = 0;
    CHECK(str_to_ll(o, &v) && v == INT64_MIN);
    obj_release(o);

    o = str_new("a\0b", 3); /* binary safe */
    CHECK(bytes_are(o, "a\0b", 3));
    CHECK(!str_to_ll(o, &v));
    obj_release(o);

    o = str_new_raw("42", 2);
    CHECK(str_to_ll(o, &v) && v == 42);
    obj_release(o);
    o = str_new(" 42", 3);
    CHECK(!str_to_ll(o, &v));
    obj_release(o);

    char big[1000];
    memset(big, 'z', sizeof(big));
    o = str_new_encoded(big, sizeof(big), true);
    CHECK(bytes_are(o, big, sizeof(big)));
    obj_release(o);

    o = str_new_int(123456789012LL, true);
    CHECK_EQ_STR(obj_enc_name(o), "int");
    CHECK(bytes_are(o, "123456789012", 12));
    obj_release(o);
}

static void test_shared_integers(void)
{
    struct obj *a = enc("5"), *b = enc("5");
    CHECK(a == b);
    CHECK(a == obj_shared_int(5));
    CHECK_EQ_INT(a->refcount, OBJ_IMMORTAL);
    obj_retain(a);
    obj_release(a);
    obj_release(a);
    CHECK_EQ_INT(a->refcount, OBJ_IMMORTAL); /* retain/release leave it alone */

    struct obj *c = str_new_encoded("5", 1, false);
    CHECK(c != a && c->refcount == 1 && c->u.ival == 5);
    obj_release(c);

    struct obj *d = enc("9999"), *e = enc("10000");
    CHECK(d == obj_shared_int(9999));
    CHECK(e->refcount == 1);
    CHECK(obj_shared_int(10000) == NULL && obj_shared_int(-1) == NULL);
    obj_release(e);
    obj_release(b);

    CHECK(str_new_int(7, true) == obj_shared_int(7));
    struct obj *f = str_new_int(7, false);
    CHECK(f != obj_shared_int(7));
    obj_release(f);
}

static void test_string_unshare_append_setrange(void)
{
    /* embstr -> raw copy */
    struct obj *o = str_new("hello", 5);
    o = str_unshare_take(o);
    CHECK_EQ_STR(obj_enc_name(o), "raw");
    str_append(o, " world", 6);
    CHECK(bytes_are(o, "hello world", 11));

    /* an unshared raw string is edited in place */
    struct obj *same = str_unshare_take(o);
    CHECK(same == o);

    /* a shared raw string is copied, and the caller's reference moves to the copy */
    obj_retain(o);
    struct obj *copy = str_unshare_take(o);
    CHECK(copy != o && o->refcount == 1 && copy->refcount == 1);
    str_append(copy, "!", 1);
    CHECK(bytes_are(o, "hello world", 11));
    CHECK(bytes_are(copy, "hello world!", 12));
    obj_release(copy);

    /* a shared integer becomes a private raw string with its digits */
    struct obj *n = str_unshare_take(obj_shared_int(12));
    CHECK_EQ_STR(obj_enc_name(n), "raw");
    CHECK(bytes_are(n, "12", 2));
    obj_release(n);

    /* appending its own bytes survives the block moving */
    for (int i = 0; i < 12; i++) {
        struct rawstr *r = o->u.ptr;
        str_append(o, r->data, r->len);
    }
    CHECK_EQ_INT(str_len(o), 11 << 12);
    struct rawstr *r = o->u.ptr;
    CHECK(memcmp(r->data + (11 << 11), "hello world", 11) == 0);
    CHECK(r->data[r->len] == '\0');
    obj_release(o);

    /* geometric growth: a million one-byte appends reallocate only a few dozen times */
    o = str_new_raw("", 0);
    int moves = 0;
    size_t last_cap = 0;
    for (int i = 0; i < 1000000; i++) {
        str_append(o, "x", 1);
        r = o->u.ptr;
        if (r->cap != last_cap) {
            moves++;
            last_cap = r->cap;
        }
    }
    CHECK(str_len(o) == 1000000);
    CHECK(moves < 40);
    obj_release(o);

    /* SETRANGE pads with zero bytes, overwrites in the middle, ignores an empty patch */
    o = str_new_raw("abc", 3);
    str_setrange(o, 5, "XY", 2);
    CHECK(bytes_are(o, "abc\0\0XY", 7));
    str_setrange(o, 1, "Q", 1);
    CHECK(bytes_are(o, "aQc\0\0XY", 7));
    str_setrange(o, 100, "", 0);
    CHECK(str_len(o) == 7);
    obj_release(o);
}

static void test_obj_names_lru_memory_dup(void)
{
    struct obj *o = str_new("v", 1);
    CHECK_EQ_STR(obj_type_name(o), "string");
    obj_lru_clock = 100;
    struct obj *p = str_new("w", 1);
    obj_lru_clock = 130;
    CHECK_EQ_INT(obj_idle_seconds(p), 30);
    p->lru = OBJ_LRU_MAX - 5; /* clock wrapped since */
    obj_lru_clock = 4;
    CHECK_EQ_INT(obj_idle_seconds(p), 9);
    obj_lru_clock = 0;
    obj_release(p);

    size_t m_int = obj_memory_usage(obj_shared_int(3), 0);
    struct obj *e44 = str_new("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 44);
    char big[1000] = {0};
    struct obj *r1000 = str_new_raw(big, sizeof(big));
    size_t m_emb = obj_memory_usage(e44, 0), m_raw = obj_memory_usage(r1000, 0);
    CHECK(m_int == 16);
    CHECK(m_emb >= 54 && m_emb <= 80);
    CHECK(m_raw >= 1000 + 16 + 16 && m_raw <= 1100);
    printf("     memory usage (value only): int %zu, embstr(44) %zu, raw(1000) %zu\n", m_int,
           m_emb, m_raw);

    struct obj *d1 = obj_dup(e44), *d2 = obj_dup(r1000), *d3 = obj_dup(obj_shared_int(3));
    struct obj *big_int = str_new_int(1LL << 40, true);
    struct obj *d4 = obj_dup(big_int);
    CHECK(d1 != e44 && bytes_are(d1, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 44));
    CHECK_EQ_STR(obj_enc_name(d1), "embstr");
    CHECK(d2 != r1000 && d2->u.ptr != r1000->u.ptr && bytes_are(d2, big, sizeof(big)));
    CHECK_EQ_STR(obj_enc_name(d2), "raw");
    CHECK(d3 == obj_shared_int(3));
    CHECK(d4 != big_int && d4->u.ival == 1LL << 40);
    obj_release(d1);
    obj_release(d2);
    obj_release(d3);
    obj_release(d4);
    obj_release(big_int);
    obj_release(e44);
    obj_release(r1000);
    obj_release(o);
}

/* ---- dict ------------------------------------------------------------------------------- */

static int freed_vals;
static void count_free(union dict_val *v)
{
    freed_vals++;
    mem_free(v->ptr);
}
static const struct dict_type counting_type = {.free_val = count_free};
static const struct dict_type plain_type = {.free_val = NULL};

static bool has_key(struct dict *d, size_t i)
{
    char k[32];
    size_t n = key_of(k, i);
    struct dict_entry *e = dict_find(d, k, n);
    return e != NULL && e->v.i == (int64_t)i && e->klen == n && e->key[n] == '\0';
}

static void test_dict_add_find_delete_across_resizes(void)
{
    struct dict *d = dict_new(&plain_type);
    char k[32];
    const size_t n = 200000;
    bool saw_rehash = false, all_found = true;
    for (size_t i = 0; i < n; i++) {
        size_t kl = key_of(k, i);
        bool existed = true;
        struct dict_entry *e = dict_add(d, k, kl, &existed);
        CHECK(!existed);
        e->v.i = (int64_t)i;
        if (dict_is_rehashing(d)) {
            saw_rehash = true;
            /* mid-rehash: earlier keys are found whichever table holds them */
            if (i % 997 == 0)
                for (size_t j = 0; j <= i; j += 101)
                    all_found &= has_key(d, j);
        }
    }
    CHECK(saw_rehash);
    CHECK(all_found);
    CHECK_EQ_INT(dict_size(d), n);
    bool existed = false;
    struct dict_entry *e = dict_add(d, "key:77", 6, &existed);
    CHECK(existed && e->v.i == 77);
    CHECK_EQ_INT(dict_size(d), n);
    while (dict_rehash_us(d, 1000))
        ;
    CHECK(dict_buckets(d) == 262144);

    /* delete 97%: then shrink and keep working while the shrink is in progress */
    for (size_t i = 0; i < n; i++)
        if (i % 33 != 0)
            CHECK(dict_delete(d, k, key_of(k, i)));
    CHECK(!dict_delete(d, "key:1", 5));
    size_t left = dict_size(d);
    CHECK_EQ_INT(left, (n + 32) / 33);
    while (dict_is_rehashing(d))
        dict_rehash_us(d, 1000);
    dict_shrink_if_sparse(d);
    CHECK(dict_is_rehashing(d));
    all_found = true;
    size_t steps = 0;
    for (size_t i = 0; i < n && dict_is_rehashing(d); i += 33, steps++) {
        all_found &= has_key(d, i);
        all_found &= !has_key(d, i + 1);
    }
    CHECK(all_found && steps > 0);
    /* adds and deletes during the shrink */
    CHECK(dict_add(d, "extra", 5, NULL) != NULL);
    CHECK(dict_delete(d, "key:0", 5));
    while (dict_rehash_us(d, 1000))
        ;
    CHECK(dict_buckets(d) < 16384);
    for (size_t i = 33; i < n; i += 33)
        all_found &= has_key(d, i);
    CHECK(all_found);
    CHECK_EQ_INT(dict_size(d), left);
    CHECK(dict_find(d, "extra", 5) != NULL);

    /* unlink keeps the entry for the caller */
    struct dict_entry *u = dict_unlink(d, "extra", 5);
    CHECK(u != NULL && u->klen == 5 && memcmp(u->key, "extra", 6) == 0);
    CHECK(dict_find(d, "extra", 5) == NULL);
    dict_entry_free(d, u, false);
    CHECK(dict_mem_usage(d) > dict_size(d) * sizeof(struct dict_entry));

    /* empty keys, binary keys */
    CHECK(dict_add(d, "", 0, NULL) != NULL && dict_find(d, "", 0) != NULL);
    CHECK(dict_add(d, "a\0b", 3, NULL) != NULL && dict_find(d, "a\0c", 3) == NULL);
    CHECK(dict_find(d, "a\0b", 3) != NULL);
    dict_free(d);
}

static void test_dict_free_val_and_empty(void)
{
    struct dict *d = dict_new(&counting_type);
    char k[32];
    freed_vals = 0;
    for (size_t i = 0; i < 1000; i++)
        dict_add(d, k, key_of(k, i), NULL)->v.ptr = mem_alloc(8);
    CHECK(dict_delete(d, "key:5", 5));
    CHECK_EQ_INT(freed_vals, 1);
    struct dict_entry *e = dict_unlink(d, "key:6", 5);
    void *kept = e->v.ptr;
    dict_entry_free(d, e, true);
    CHECK_EQ_INT(freed_vals, 1); /* kept: the caller owns it now */
    mem_free(kept);
    CHECK_EQ_INT(dict_empty(d), 998);
    CHECK_EQ_INT(freed_vals, 999);
    CHECK_EQ_INT(dict_size(d), 0);
    CHECK(dict_find(d, "key:7", 5) == NULL);
    dict_add(d, "again", 5, NULL)->v.ptr = mem_alloc(8);
    dict_free(d);
    CHECK_EQ_INT(freed_vals, 1000);
}

static void test_dict_iterators(void)
{
    struct dict *d = dict_new(&plain_type);
    char k[32];
    const size_t n = 5000;
    size_t i = 0;
    /* stop right after a grow starts so iteration meets both tables */
    for (; i < n || !dict_is_rehashing(d); i++)
        dict_add(d, k, key_of(k, i), NULL)->v.i = (int64_t)i;
    size_t total = i;
    CHECK(dict_is_rehashing(d));
    long long idx_before = d->rehash_idx;

    unsigned char *seen = calloc(total, 1);
    struct dict_iter it;
    dict_iter_init(&it, d, true);
    size_t visited = 0, dups = 0;
    struct dict_entry *e;
    while ((e = dict_iter_next(&it)) != NULL) {
        if (seen[e->v.i]++)
            dups++;
        visited++;
        /* lookups of other keys must not move buckets under the iterator */
        dict_find(d, "key:1", 5);
        if (e->v.i % 2 == 0)
            dict_delete(d, e->key, e->klen);
    }
    dict_iter_done(&it);
    CHECK_EQ_INT(visited, total);
    CHECK_EQ_INT(dups, 0);
    CHECK(d->rehash_idx == idx_before);
    CHECK_EQ_INT(d->pause_rehash, 0);
    CHECK_EQ_INT(dict_size(d), total / 2);

    dict_iter_init(&it, d, false);
    visited = 0;
    while ((e = dict_iter_next(&it)) != NULL)
        visited += e->v.i % 2 == 1;
    dict_iter_done(&it);
    CHECK_EQ_INT(visited, total / 2);
    free(seen);

    struct dict *empty = dict_new(&plain_type);
    dict_iter_init(&it, empty, true);
    CHECK(dict_iter_next(&it) == NULL);
    dict_iter_done(&it);
    CHECK_EQ_INT(empty->pause_rehash, 0);
    dict_free(empty);
    dict_free(d);
}

struct scan_state {
    unsigned char *seen;
    size_t limit;
    size_t calls;
};

static void scan_mark(void *ud, const struct dict_entry *e)
{
    struct scan_state *s = ud;
    s->calls++;
    if ((size_t)e->v.i < s->limit)
        s->seen[e->v.i] = 1;
}

/* Scans d fully while the table is resized between calls; every key in [0, stable) must
 * be seen. Transient keys are numbered from TRANSIENT0 up. mode 0 grows the table, mode 1
 * shrinks it, mode 2 swings it up and down repeatedly. */
#define TRANSIENT0 10000000u
static bool scan_all_seen(struct dict *d, size_t stable, int mode, size_t *resizes)
{
    struct scan_state s = {.seen = calloc(stable, 1), .limit = stable};
    char k[32];
    unsigned long long cur = 0;
    size_t next_new = TRANSIENT0 + (mode == 1 ? 10000 : 0), round = 0;
    size_t last_buckets = dict_buckets(d);
    bool growing = true;
    *resizes = 0;
    do {
        cur = dict_scan(d, cur, scan_mark, &s);
        round++;
        if (mode == 0 && round % 10 == 0) {
            for (int j = 0; j < 20; j++, next_new++)
                dict_add(d, k, key_of(k, next_new), NULL)->v.i = (int64_t)next_new;
        } else if (mode == 1 && round % 2 == 0) {
            for (int j = 0; j < 200 && next_new > TRANSIENT0; j++)
                dict_delete(d, k, key_of(k, --next_new));
            dict_shrink_if_sparse(d);
            dict_rehash_us(d, 5);
        } else if (mode == 2) {
            if (growing && next_new >= TRANSIENT0 + 4000)
                growing = false;
            else if (!growing && next_new == TRANSIENT0)
                growing = true;
            for (int j = 0; j < 100; j++) {
                if (growing) {
                    dict_add(d, k, key_of(k, next_new), NULL)->v.i = (int64_t)next_new;
                    next_new++;
                } else if (next_new > TRANSIENT0)
                    dict_delete(d, k, key_of(k, --next_new));
            }
            dict_shrink_if_sparse(d);
        }
        if (dict_buckets(d) != last_buckets) {
            (*resizes)++;
            last_buckets = dict_buckets(d);
        }
    } while (cur != 0);
    bool ok = true;
    for (size_t i = 0; i < stable; i++)
        ok &= s.seen[i] == 1;
    free(s.seen);
    return ok;
}

static void test_dict_scan_guarantee(void)
{
    char k[32];
    for (int mode = 0; mode < 3; mode++) {
        struct dict *d = dict_new(&plain_type);
        const size_t stable = 300;
        for (size_t i = 0; i < stable; i++)
            dict_add(d, k, key_of(k, i), NULL)->v.i = (int64_t)i;
        if (mode == 1)
            for (size_t i = TRANSIENT0; i < TRANSIENT0 + 10000; i++)
                dict_add(d, k, key_of(k, i), NULL)->v.i = (int64_t)i;
        size_t resizes;
        bool ok = scan_all_seen(d, stable, mode, &resizes);
        if (!ok)
            fprintf(stderr, "scan mode %d missed keys\n", mode);
        CHECK(ok);
        CHECK(resizes >= 2);
        dict_free(d);
    }
    /* and a quiet table: each key exactly once */
    struct dict *d = dict_new(&plain_type);
    for (size_t i = 0; i < 1000; i++)
        dict_add(d, k, key_of(k, i), NULL)->v.i = (int64_t)i;
    while (dict_rehash_us(d, 1000))
        ;
    struct scan_state s = {.seen = calloc(1000, 1), .limit = 1000};
    unsigned long long cur = 0;
    do
        cur = dict_scan(d, cur, scan_mark, &s);
    while (cur != 0);
    CHECK_EQ_INT(s.calls, 1000);
    free(s.seen);
    struct dict *empty = dict_new(&plain_type);
    CHECK(dict_scan(empty, 0, scan_mark, &s) == 0);
    dict_free(empty);
    dict_free(d);
}

static void test_dict_random_and_sample(void)
{
    struct dict *d = dict_new(&plain_type);
    struct dict_entry *out[64];
    CHECK(dict_random(d) == NULL);
    CHECK(dict_sample(d, out, 10) == 0);
    char k[32];
    for (size_t i = 0; i < 10; i++)
        dict_add(d, k, key_of(k, i), NULL)->v.i = (int64_t)i;
    int hits[10] = {0};
    for (int i = 0; i < 10000; i++)
        hits[dict_random(d)->v.i]++;
    bool all = true;
    for (int i = 0; i < 10; i++)
        all &= hits[i] > 300;
    CHECK(all);

    /* asking for more than exist returns each once */
    size_t got = dict_sample(d, out, 64);
    CHECK_EQ_INT(got, 10);
    int seen[10] = {0};
    bool dup = false;
    for (size_t i = 0; i < got; i++)
        dup |= seen[out[i]->v.i]++ > 0;
    CHECK(!dup);

    /* a large table mid-rehash: no duplicates within one call */
    for (size_t i = 10; i < 100000; i++)
        dict_add(d, k, key_of(k, i), NULL)->v.i = (int64_t)i;
    for (size_t i = 100000; !dict_is_rehashing(d); i++)
        dict_add(d, k, key_of(k, i), NULL)->v.i = (int64_t)i;
    bool nodup = true;
    for (int round = 0; round < 200; round++) {
        got = dict_sample(d, out, 20);
        nodup &= got > 0 && got <= 20;
        for (size_t a = 0; a < got; a++)
            for (size_t b = a + 1; b < got; b++)
                nodup &= out[a] != out[b];
    }
    CHECK(nodup);
    dict_free(d);
}

static void test_dict_forced_growth_while_resize_disallowed(void)
{
    struct dict *d = dict_new(&plain_type);
    char k[32];
    dict_resize_allowed = false;
    /* a fork child shares the pages: 4 buckets hold up to 24 keys (load 6 forces a grow) */
    for (size_t i = 0; i < 24; i++)
        dict_add(d, k, key_of(k, i), NULL);
    CHECK_EQ_INT(dict_buckets(d), 4);
    dict_add(d, k, key_of(k, 24), NULL);
    CHECK_EQ_INT(dict_buckets(d), 4 + 32);
    dict_resize_allowed = true;
    dict_free(d);

    d = dict_new(&plain_type);
    for (size_t i = 0; i < 4; i++)
        dict_add(d, k, key_of(k, i), NULL);
    CHECK_EQ_INT(dict_buckets(d), 4);
    dict_add(d, k, key_of(k, 4), NULL); /* load 1 reached: grow */
    CHECK_EQ_INT(dict_buckets(d), 4 + 8);
    dict_free(d);
}

/* ---- keyspace --------------------------------------------------------------------------- */

struct hook_log {
    char events[64][40];
    int n;
    int modified, expired, ready;
};

static void log_event(struct hook_log *l, const char *what, const char *key, size_t klen)
{
    if (l->n < 64)
        snprintf(l->events[l->n++], 40, "%s:%.*s", what, (int)klen, key);
}
static void on_modified(struct db *db, const char *key, size_t klen, void *ud)
{
    struct hook_log *l = ud;
    l->modified++;
    log_event(l, "mod", key, klen);
}
static void on_expired(struct db *db, const char *key, size_t klen, void *ud)
{
    struct hook_log *l = ud;
    l->expired++;
    log_event(l, "exp", key, klen);
}
static void on_ready(struct db *db, const char *key, size_t klen, void *ud)
{
    struct hook_log *l = ud;
    l->ready++;
    log_event(l, "ready", key, klen);
}

static void ks_setup(struct keyspace *ks, struct hook_log *log)
{
    keyspace_init(ks, 16);
    memset(log, 0, sizeof(*log));
    ks->hooks.key_modified = on_modified;
    ks->hooks.key_expired = on_expired;
    ks->hooks.key_ready = on_ready;
    ks->hooks.ud = log;
    ks->now_ms = 1000000;
}

static void set_str(struct db *db, const char *key, const char *val)
{
    struct obj *o = str_new_encoded(val, strlen(val), true);
    db_set(db, key, strlen(key), o, 0);
    obj_release(o);
}

static bool val_is(struct db *db, const char *key, const char *want)
{
    struct obj *o = db_lookup(db, key, strlen(key), DB_LOOKUP_NOSTATS);
    return o != NULL && bytes_are(o, want, strlen(want));
}

static void test_db_set_lookup_stats_hooks(void)
{
    struct keyspace ks;
    struct hook_log log;
    ks_setup(&ks, &log);
    struct db *db = &ks.dbs[0];

    set_str(db, "a", "1");
    CHECK_EQ_INT(log.modified, 1);
    CHECK_EQ_STR(log.events[0], "mod:a");
    CHECK(db_lookup(db, "a", 1, DB_LOOKUP_READ) != NULL);
    CHECK(db_lookup(db, "nope", 4, DB_LOOKUP_READ) == NULL);
    CHECK(db_lookup(db, "a", 1, DB_LOOKUP_WRITE) != NULL);
    CHECK(db_lookup(db, "nope", 4, DB_LOOKUP_WRITE) == NULL);
    CHECK(db_lookup(db, "nope", 4, DB_LOOKUP_NOSTATS) == NULL);
    CHECK_EQ_INT(ks.stat_hits, 1);
    CHECK_EQ_INT(ks.stat_misses, 1);

    struct obj *out = (struct obj *)1;
    CHECK(db_lookup_typed(db, "a", 1, OBJ_LIST, 0, &out) == ST_WRONGTYPE && out == NULL);
    CHECK(db_lookup_typed(db, "a", 1, OBJ_STRING, 0, &out) == ST_OK && out != NULL);
    CHECK(db_lookup_typed(db, "x", 1, OBJ_STRING, 0, &out) == ST_OK && out == NULL);

    /* LRU touched unless NOTOUCH */
    obj_lru_clock = 10;
    struct obj *v = str_new("hello", 5);
    db_set(db, "s", 1, v, 0);
    obj_lru_clock = 50;
    db_lookup(db, "s", 1, DB_LOOKUP_NOTOUCH);
    CHECK_EQ_INT(obj_idle_seconds(v), 40);
    db_lookup(db, "s", 1, DB_LOOKUP_READ);
    CHECK_EQ_INT(obj_idle_seconds(v), 0);
    obj_lru_clock = 0;

    /* db_set retains; replacing releases the old value */
    CHECK_EQ_INT(v->refcount, 2);
    struct obj *w = str_new("world", 5);
    obj_retain(v);
    db_set(db, "s", 1, w, 0);
    CHECK_EQ_INT(v->refcount, 2);
    obj_release(v);
    obj_release(v);
    CHECK_EQ_INT(w->refcount, 2);
    obj_release(w);
    db_set(db, "s", 1, db_lookup(db, "s", 1, DB_LOOKUP_WRITE), 0); /* same value again */
    CHECK(val_is(db, "s", "world"));

    /* add only when absent */
    struct obj *x = str_new("x", 1);
    CHECK(!db_add(db, "s", 1, x));
    CHECK_EQ_INT(x->refcount, 1);
    CHECK(db_add(db, "t", 1, x));
    CHECK_EQ_INT(x->refcount, 2);
    obj_release(x);

    /* a list value fires key_ready (a fake list header: only its type is looked at) */
    struct obj *fake_list = str_new("l", 1);
    fake_list->type = OBJ_LIST;
    int ready_before = log.ready;
    db_set(db, "l", 1, fake_list, 0);
    CHECK_EQ_INT(log.ready, ready_before + 1);
    CHECK_EQ_STR(obj_type_name(fake_list), "list");
    fake_list->type = OBJ_STRING; /* so its release goes through the string path */
    obj_release(fake_list);

    int mod_before = log.modified;
    CHECK(db_delete(db, "t", 1));
    CHECK(!db_delete(db, "t", 1));
    CHECK_EQ_INT(log.modified, mod_before + 1);
    CHECK_EQ_INT(db_size(db), 3);
    keyspace_deinit(&ks);
}

static void test_db_lazy_expiry(void)
{
    struct keyspace ks;
    struct hook_log log;
    ks_setup(&ks, &log);
    struct db *db = &ks.dbs[0];
    long long t0 = ks.now_ms;

    set_str(db, "k", "v");
    db_set_expire(db, "k", 1, t0 + 100);
    CHECK_EQ_INT(db_get_expire(db, "k", 1), t0 + 100);
    CHECK_EQ_INT(db_get_expire(db, "zz", 2), -1);
    ks.now_ms = t0 + 100; /* the expire millisecond itself is still alive */
    CHECK(!db_is_expired(db, "k", 1));
    CHECK(db_lookup(db, "k", 1, 0) != NULL);
    ks.now_ms = t0 + 101;
    CHECK(db_is_expired(db, "k", 1));
    CHECK_EQ_INT(db_size(db), 1); /* db_is_expired does not delete */

    /* NOEXPIRE: reads as absent, stays stored */
    CHECK(db_lookup(db, "k", 1, DB_LOOKUP_NOEXPIRE | DB_LOOKUP_NOSTATS) == NULL);
    CHECK_EQ_INT(db_size(db), 1);
    CHECK_EQ_INT(ks.stat_expired_keys, 0);

    log.n = 0;
    log.modified = 0;
    long long misses = ks.stat_misses;
    CHECK(db_lookup(db, "k", 1, DB_LOOKUP_READ) == NULL);
    CHECK_EQ_INT(ks.stat_misses, misses + 1);
    CHECK_EQ_INT(ks.stat_expired_keys, 1);
    CHECK_EQ_INT(db_size(db), 0);
    CHECK_EQ_INT(db_expires_size(db), 0);
    CHECK_EQ_INT(log.n, 2);
    CHECK_EQ_STR(log.events[0], "mod:k");
    CHECK_EQ_STR(log.events[1], "exp:k");

    /* db_set clears the TTL; KEEPTTL keeps it; an expired key lends no TTL to KEEPTTL */
    set_str(db, "k", "v");
    db_set_expire(db, "k", 1, ks.now_ms + 50);
    set_str(db, "k", "v2");
    CHECK_EQ_INT(db_get_expire(db, "k", 1), -1);
    db_set_expire(db, "k", 1, ks.now_ms + 50);
    struct obj *o = str_new("v3", 2);
    db_set(db, "k", 1, o, DB_SET_KEEPTTL);
    CHECK_EQ_INT(db_get_expire(db, "k", 1), ks.now_ms + 50);
    ks.now_ms += 51;
    db_set(db, "k", 1, o, DB_SET_KEEPTTL);
    CHECK_EQ_INT(db_get_expire(db, "k", 1), -1);
    CHECK(val_is(db, "k", "v3"));
    CHECK_EQ_INT(ks.stat_expired_keys, 2);
    obj_release(o);

    /* persist, and deleting an expired key reports false */
    db_set_expire(db, "k", 1, ks.now_ms + 10);
    CHECK(db_persist(db, "k", 1));
    CHECK(!db_persist(db, "k", 1));
    db_set_expire(db, "k", 1, ks.now_ms - 1);
    CHECK(!db_delete(db, "k", 1));
    CHECK_EQ_INT(db_size(db), 0);

    /* db_add over an expired key succeeds */
    set_str(db, "k", "old");
    db_set_expire(db, "k", 1, ks.now_ms - 1);
    struct obj *n = str_new("new", 3);
    CHECK(db_add(db, "k", 1, n));
    CHECK(val_is(db, "k", "new"));
    CHECK_EQ_INT(db_get_expire(db, "k", 1), -1);
    obj_release(n);
    keyspace_deinit(&ks);
}

static void test_db_rename_move_copy_swap_flush(void)
{
    struct keyspace ks;
    struct hook_log log;
    ks_setup(&ks, &log);
    struct db *db0 = &ks.dbs[0], *db1 = &ks.dbs[1];
    long long t = ks.now_ms;

    set_str(db0, "a", "A");
    db_set_expire(db0, "a", 1, t + 500);
    set_str(db0, "b", "B");
    CHECK(db_rename(db0, "zz", 2, "q", 1, false) == ST_NOKEY);
    CHECK(db_rename(db0, "a", 1, "b", 1, true) == ST_EXISTS);
    CHECK(db_rename(db0, "a", 1, "a", 1, false) == ST_OK);
    CHECK(db_rename(db0, "a", 1, "a", 1, true) == ST_EXISTS);
    CHECK_EQ_INT(db_get_expire(db0, "a", 1), t + 500);
    log.n = 0;
    CHECK(db_rename(db0, "a", 1, "b", 1, false) == ST_OK); /* overwrites b, moves the TTL */
    CHECK(db_lookup(db0, "a", 1, DB_LOOKUP_NOSTATS) == NULL);
    CHECK(val_is(db0, "b", "A"));
    CHECK_EQ_INT(db_get_expire(db0, "b", 1), t + 500);
    CHECK_EQ_INT(db_expires_size(db0), 1);
    CHECK_EQ_INT(log.n, 2);
    CHECK_EQ_STR(log.events[0], "mod:a");
    CHECK_EQ_STR(log.events[1], "mod:b");
    set_str(db0, "c", "C");
    CHECK(db_rename(db0, "c", 1, "b", 1, false) == ST_OK); /* a TTL-less src clears dst's */
    CHECK_EQ_INT(db_get_expire(db0, "b", 1), -1);
    CHECK(db_rename(db0, "b", 1, "n", 1, true) == ST_OK);
    CHECK(val_is(db0, "n", "C"));
    CHECK_EQ_INT(ks.stat_hits + ks.stat_misses, 0); /* write lookups count nothing */

    /* MOVE */
    CHECK(db_move(db0, db0, "n", 1) == ST_SAME_OBJECT);
    CHECK(db_move(db0, db1, "none", 4) == ST_NOKEY);
    set_str(db1, "dup", "1");
    set_str(db0, "dup", "0");
    CHECK(db_move(db0, db1, "dup", 3) == ST_EXISTS);
    db_set_expire(db0, "n", 1, t + 900);
    CHECK(db_move(db0, db1, "n", 1) == ST_OK);
    CHECK(db_lookup(db0, "n", 1, DB_LOOKUP_NOSTATS) == NULL);
    CHECK(val_is(db1, "n", "C"));
    CHECK_EQ_INT(db_get_expire(db1, "n", 1), t + 900);
    CHECK_EQ_INT(db_expires_size(db0), 0);

    /* COPY: a deep copy, TTL included */
    CHECK(db_copy(db1, "n", 1, db1, "n", 1, false) == ST_SAME_OBJECT);
    CHECK(db_copy(db1, "missing", 7, db0, "x", 1, false) == ST_NOKEY);
    CHECK(db_copy(db1, "n", 1, db0, "dup", 3, false) == ST_EXISTS);
    CHECK(db_copy(db1, "n", 1, db0, "dup", 3, true) == ST_OK);
    struct obj *src = db_lookup(db1, "n", 1, DB_LOOKUP_NOSTATS);
    struct obj *dst = db_lookup(db0, "dup", 3, DB_LOOKUP_NOSTATS);
    CHECK(src != dst && val_is(db0, "dup", "C"));
    CHECK_EQ_INT(db_get_expire(db0, "dup", 3), t + 900);
    CHECK(db_copy(db1, "n", 1, db1, "n2", 2, false) == ST_OK);
    CHECK(val_is(db1, "n2", "C"));

    /* SWAPDB */
    size_t s0 = db_size(db0), s1 = db_size(db1);
    keyspace_swap(&ks, 0, 1);
    CHECK_EQ_INT(db_size(db0), s1);
    CHECK_EQ_INT(db_size(db1), s0);
    CHECK(val_is(db0, "n2", "C") && db0->id == 0 && db0->ks == &ks);

    /* FLUSHDB */
    int mod_before = log.modified;
    CHECK_EQ_INT(db_flush(db0), s1);
    CHECK_EQ_INT(db_size(db0), 0);
    CHECK_EQ_INT(db_expires_size(db0), 0);
    CHECK_EQ_INT(log.modified, mod_before);
    set_str(db0, "after", "flush");
    CHECK(val_is(db0, "after", "flush"));
    keyspace_deinit(&ks);
}

static void test_db_random_key(void)
{
    struct keyspace ks;
    struct hook_log log;
    ks_setup(&ks, &log);
    struct db *db = &ks.dbs[0];
    CHECK(db_random_key(db) == NULL);
    char k[32];
    for (size_t i = 0; i < 50; i++) {
        key_of(k, i);
        set_str(db, k, "v");
        db_set_expire(db, k, strlen(k), ks.now_ms - 1);
    }
    CHECK(db_random_key(db) == NULL); /* all expired: bounded, returns nothing */
    set_str(db, "live", "v");
    struct dict_entry *e = db_random_key(db);
    CHECK(e != NULL && e->klen == 4 && memcmp(e->key, "live", 4) == 0);
    CHECK_EQ_INT(db_size(db), 1);
    keyspace_deinit(&ks);
}

static void test_db_active_expire(void)
{
    struct keyspace ks;
    struct hook_log log;
    ks_setup(&ks, &log);
    struct db *db = &ks.dbs[3];
    char k[32];
    const size_t n = 1000000;
    long long t0 = ks.now_ms;
    for (size_t i = 0; i < n; i++) {
        size_t kl = key_of(k, i);
        struct obj *v = str_new_int((long long)i, true);
        db_set(db, k, kl, v, 0);
        obj_release(v);
        db_set_expire(db, k, kl, t0 + 1000);
    }
    /* a few long-lived keys that must survive, and some persistent ones */
    for (size_t i = n; i < n + 1000; i++) {
        size_t kl = key_of(k, i);
        set_str(db, k, "keep");
        if (i % 2)
            db_set_expire(db, k, kl, t0 + 3600000);
    }
    /* nothing has expired yet: one call samples, expires nothing, estimates the TTL */
    CHECK_EQ_INT(keyspace_active_expire(&ks, 25000), 0);
    CHECK(db->avg_ttl > 0);
    log.modified = log.expired = 0;

    ks.now_ms = t0 + 2000;
    uint64_t start = mono_us();
    int calls = 0;
    size_t expired = 0;
    /* a 10 Hz cron with a 25 ms budget: the clock moves 100 ms per call */
    while (db_expires_size(db) > 500 && calls < 600) {
        expired += keyspace_active_expire(&ks, 25000);
        ks.now_ms += 100;
        calls++;
    }
    double secs = (double)(mono_us() - start) / 1e6;
    printf("     active expiry: 1M keys reclaimed in %d cron calls (%.1f s of cron time at "
           "10 Hz, %.2f s CPU)\n", calls, calls / 10.0, secs);
    CHECK_EQ_INT(expired, n);
    CHECK(calls <= 300); /* seconds of cron time, even under ASan */
    CHECK_EQ_INT(db_size(db), 1000);
    CHECK_EQ_INT(db_expires_size(db), 500);
    CHECK_EQ_INT(ks.stat_expired_keys, (long long)n);
    CHECK_EQ_INT(log.expired, (int)n);
    CHECK_EQ_INT(log.modified, (int)n);
    CHECK(ks.stat_expired_stale_perc > 0.0);
    CHECK(ks.stat_expire_cycle_time_used_us > 0);

    /* the cron shrinks the now sparse tables */
    keyspace_resize(&ks);
    keyspace_rehash(&ks, 1000000);
    CHECK(dict_buckets(db->keys) <= 2048);
    CHECK(dict_buckets(db->expires) <= 1024);

    /* survivors stay; disabled expiry does nothing */
    ks.expire_enabled = false;
    ks.now_ms = t0 + 3600000 + 1;
    CHECK_EQ_INT(keyspace_active_expire(&ks, 25000), 0);
    ks.expire_enabled = true;
    CHECK_EQ_INT(keyspace_active_expire(&ks, 25000), 500);
    CHECK_EQ_INT(db_size(db), 500);
    CHECK_EQ_INT(db->avg_ttl, 0);
    keyspace_deinit(&ks);
}

/* ---- timing ----------------------------------------------------------------------------- */

/* Not an assertion: prints the worst single-insert latency so a stall (a resize done in
 * one go, say) shows up. Wall-clock, so scheduler preemption and first-touch page faults
 * on a busy or virtualised machine show up too; the growth points are printed apart. */
static void test_timing_5m_inserts(void)
{
    struct dict *d = dict_new(&plain_type);
    char k[32];
    const size_t n = 5000000;
    uint64_t worst = 0, worst_grow = 0, start = mono_us();
    size_t worst_at = 0, over_1ms = 0;
    for (size_t i = 0; i < n; i++) {
        size_t kl = key_of(k, i);
        bool grows = !dict_is_rehashing(d) && dict_size(d) == d->size[0];
        uint64_t t = mono_us();
        dict_add(d, k, kl, NULL)->v.i = (int64_t)i;
        uint64_t dt = mono_us() - t;
        over_1ms += dt > 1000;
        if (grows && dt > worst_grow)
            worst_grow = dt;
        if (dt > worst) {
            worst = dt;
            worst_at = i;
        }
    }
    double total = (double)(mono_us() - start) / 1e6;
    printf("     5M inserts: %.2f s total, worst single insert %" PRIu64 " us (at #%zu), "
           "%zu over 1 ms, worst insert that starts a grow %" PRIu64 " us\n",
           total, worst, worst_at, over_1ms, worst_grow);
    CHECK_EQ_INT(dict_size(d), n);
    dict_free(d);
}

/* ---- lists --------------------------------------------------------------------------- */

#include "storage/list.h"

/* A plain array of strings that the packed list must always agree with. */
struct list_model {
    char **v;
    size_t n, cap;
};

static void model_insert(struct list_model *m, size_t at, const char *p, size_t len)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->v = mem_realloc(m->v, m->cap * sizeof(*m->v));
    }
    memmove(m->v + at + 1, m->v + at, (m->n - at) * sizeof(*m->v));
    m->v[at] = mem_strndup(p, len);
    m->n++;
}

static void model_delete(struct list_model *m, size_t at, size_t k)
{
    for (size_t i = at; i < at + k; i++)
        mem_free(m->v[i]);
    memmove(m->v + at, m->v + at + k, (m->n - at - k) * sizeof(*m->v));
    m->n -= k;
}

/* Elements chosen to hit every packed form: small and large integers, non-canonical
 * numbers that must stay strings, short, 12-bit and 32-bit-length strings. */
static size_t list_sample_value(char *buf, size_t cap)
{
    static const char *const fixed[] = {"0", "127", "128", "-1", "-2048", "2047", "2048",
                                        "-32768", "32767", "8388607", "-8388609",
                                        "2147483648", "-9223372036854775808",
                                        "9223372036854775807", "9223372036854775808", "007",
                                        "-0", "+1", " 1", "", "a", "1.5"};
    size_t nf = sizeof(fixed) / sizeof(fixed[0]);
    uint64_t r = rand_below(nf + 3);
    if (r < nf) {
        size_t len = strlen(fixed[r]);
        memcpy(buf, fixed[r], len);
        return len;
    }
    size_t len = r == nf ? rand_below(64) : r == nf + 1 ? 64 + rand_below(200) : 4096 + rand_below(400);
    if (len > cap)
        len = cap;
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)('a' + rand_below(26));
    return len;
}

static void check_list_matches(struct obj *l, const struct list_model *m)
{
    CHECK_EQ_INT(list_len(l), m->n);
    struct list_iter it;
    struct list_entry e;
    size_t i = 0;
    bool same = true;
    if (m->n > 0) {
        list_iter_init(&it, l, 0, LIST_TAIL);
        while (list_iter_next(&it, &e)) {
            if (i >= m->n || e.len != strlen(m->v[i]) || memcmp(e.p, m->v[i], e.len) != 0)
                same = false;
            i++;
        }
        CHECK_EQ_INT(i, m->n);
        list_iter_init(&it, l, m->n - 1, LIST_HEAD);
        while (list_iter_next(&it, &e)) {
            i--;
            if (e.len != strlen(m->v[i]) || memcmp(e.p, m->v[i], e.len) != 0)
                same = false;
        }
        CHECK_EQ_INT(i, 0);
    }
    CHECK(same);
}

static void test_list_random_ops_against_model(void)
{
    static const int fills[] = {-2, -1, 1, 3, 16, -5};
    char buf[5000];
    for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
        list_max_listpack_size = fills[f];
        struct obj *l = list_new();
        struct list_model m = {0};
        for (int step = 0; step < 4000; step++) {
            uint64_t op = rand_below(10);
            size_t len = list_sample_value(buf, sizeof(buf));
            if (op <= 2 || m.n == 0) {
                enum list_where w = rand_below(2) ? LIST_HEAD : LIST_TAIL;
                list_push(l, w, buf, len);
                model_insert(&m, w == LIST_HEAD ? 0 : m.n, buf, len);
            } else if (op == 3) {
                enum list_where w = rand_below(2) ? LIST_HEAD : LIST_TAIL;
                struct obj *v = list_pop(l, w);
                size_t at = w == LIST_HEAD ? 0 : m.n - 1;
                char tmp[NUM_LL_MAXLEN];
                size_t vlen;
                const char *vp = str_bytes(v, tmp, &vlen);
                CHECK_EQ_MEM(vp, vlen, m.v[at], strlen(m.v[at]));
                obj_release(v);
                model_delete(&m, at, 1);
            } else if (op == 4) {
                size_t at = rand_below(m.n);
                CHECK(list_set(l, rand_below(2) ? (long long)at : (long long)at - (long long)m.n, buf, len));
                mem_free(m.v[at]);
                m.v[at] = mem_strndup(buf, len);
            } else if (op == 5) {
                size_t at = rand_below(m.n);
                const char *pivot = m.v[at];
                size_t first = 0;
                while (strcmp(m.v[first], pivot) != 0)
                    first++;
                bool after = rand_below(2);
                CHECK(list_insert(l, pivot, strlen(pivot), after ? LIST_TAIL : LIST_HEAD, buf, len));
                model_insert(&m, first + (after ? 1 : 0), buf, len);
            } else if (op == 6) {
                const char *needle = m.v[rand_below(m.n)];
                char nb[5000];
                size_t nlen = strlen(needle);
                memcpy(nb, needle, nlen);
                long long count = (long long)rand_below(5) - 2;
                size_t want = 0;
                if (count >= 0) {
                    for (size_t i = 0; i < m.n && (count == 0 || want < (size_t)count);) {
                        if (strlen(m.v[i]) == nlen && memcmp(m.v[i], nb, nlen) == 0) {
                            model_delete(&m, i, 1);
                            want++;
                        } else {
                            i++;
                        }
                    }
                } else {
                    for (size_t i = m.n; i > 0 && want < (size_t)-count; i--) {
                        if (strlen(m.v[i - 1]) == nlen && memcmp(m.v[i - 1], nb, nlen) == 0) {
                            model_delete(&m, i - 1, 1);
                            want++;
                        }
                    }
                }
                CHECK_EQ_INT(list_remove(l, nb, nlen, count), want);
            } else if (op == 7 && rand_below(8) == 0) {
                size_t start = rand_below(m.n);
                size_t k = rand_below(m.n - start + 1);
                list_delete_range(l, start, k);
                model_delete(&m, start, k);
            } else {
                size_t at = rand_below(m.n);
                struct list_entry e;
                CHECK(list_index(l, (long long)at, &e));
                CHECK_EQ_MEM(e.p, e.len, m.v[at], strlen(m.v[at]));
                CHECK(list_index(l, (long long)at - (long long)m.n, &e));
                CHECK_EQ_MEM(e.p, e.len, m.v[at], strlen(m.v[at]));
                CHECK(!list_index(l, (long long)m.n, &e));
                CHECK(!list_index(l, -(long long)m.n - 1, &e));
            }
            if (step % 500 == 0)
                check_list_matches(l, &m);
        }
        check_list_matches(l, &m);
        struct obj *copy = obj_dup(l);
        check_list_matches(copy, &m);
        CHECK(obj_memory_usage(copy, 0) > 0);
        obj_release(copy);
        obj_release(l);
        model_delete(&m, 0, m.n);
        mem_free(m.v);
    }
    list_max_listpack_size = -2;
}

static void test_list_big_and_encoding(void)
{
    struct obj *l = list_new();
    CHECK_EQ_STR(obj_enc_name(l), "quicklist");
    CHECK_EQ_STR(obj_type_name(l), "list");
    char buf[32];
    for (int i = 0; i < 200000; i++) {
        int n = snprintf(buf, sizeof(buf), "elem:%06d", i);
        list_push(l, LIST_TAIL, buf, (size_t)n);
    }
    CHECK_EQ_INT(list_len(l), 200000);
    struct list_entry e;
    CHECK(list_index(l, 123456, &e));
    CHECK_EQ_MEM(e.p, e.len, "elem:123456", 11);
    /* 13 bytes per packed 11-byte element plus node headers and slack: under 14 each. */
    size_t usage = obj_memory_usage(l, 0);
    CHECK(usage < 200000 * 14);
    list_delete_range(l, 10, 199980);
    CHECK_EQ_INT(list_len(l), 20);
    CHECK(list_index(l, 10, &e));
    CHECK_EQ_MEM(e.p, e.len, "elem:199990", 11);
    obj_release(l);
}

/* ---- listpack ----------------------------------------------------------------------------- */

/* Texts chosen to hit every entry form: small and 13-bit ints, 16/24/32/64-bit ints, strings
 * of 0, 63, 64, 4095, 4096 bytes, and integer-looking strings that must stay strings. */
static size_t lp_sample_value(char *buf, size_t cap, unsigned r)
{
    static const long long ints[] = {0, 1, 127, 128, -1, 4095, -4096, 4096, 32767, -32768,
                                     8388607, -8388608, 2147483647, -2147483648LL,
                                     9223372036854775807LL, (-9223372036854775807LL - 1)};
    static const size_t lens[] = {0, 1, 63, 64, 200, 4095, 4096, 5000};
    switch (r % 4) {
    case 0:
        return (size_t)snprintf(buf, cap, "%lld", ints[(r / 4) % 16]);
    case 1: {
        static const char *odd[] = {"007", "-0", "+1", " 1", "1 ", "99999999999999999999",
                                    "-", "1.5"};
        const char *s = odd[(r / 4) % 8];
        return (size_t)snprintf(buf, cap, "%s", s);
    }
    default: {
        size_t n = lens[(r / 4) % 8];
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)('a' + (i + r) % 26);
        return n;
    }
    }
}

struct lp_model {
    size_t n;
    char *v[600];
    size_t len[600];
};

static void lp_check_model(unsigned char *lp, const struct lp_model *m)
{
    CHECK_EQ_INT(listpack_count(lp), m->n);
    unsigned char *p = listpack_first(lp);
    char ib[LISTPACK_INTBUF];
    size_t len;
    for (size_t i = 0; i < m->n; i++) {
        CHECK(p != NULL);
        if (p == NULL)
            return;
        const char *s = listpack_get_str(p, ib, &len);
        CHECK_EQ_MEM(s, len, m->v[i], m->len[i]);
        CHECK(listpack_eq(p, m->v[i], m->len[i]));
        p = listpack_next(lp, p);
    }
    CHECK(p == NULL);
    /* backwards, and seek from both ends */
    p = listpack_last(lp);
    for (size_t i = m->n; i-- > 0;) {
        CHECK(p != NULL);
        if (p == NULL)
            return;
        CHECK(listpack_eq(p, m->v[i], m->len[i]));
        CHECK(listpack_seek(lp, (long long)i) == p);
        CHECK(listpack_seek(lp, (long long)i - (long long)m->n) == p);
        p = listpack_prev(lp, p);
    }
    CHECK(p == NULL);
    CHECK(listpack_seek(lp, (long long)m->n) == NULL);
    CHECK(listpack_seek(lp, -(long long)m->n - 1) == NULL);
}

static void test_listpack_random_ops_against_model(void)
{
    static char buf[6000];
    struct lp_model m = {0};
    unsigned char *lp = listpack_new();
    CHECK(listpack_first(lp) == NULL && listpack_last(lp) == NULL);
    CHECK_EQ_INT(listpack_bytes(lp), 9);
    for (unsigned step = 0; step < 3000; step++) {
        unsigned r = (unsigned)rand_u64();
        size_t len = lp_sample_value(buf, sizeof(buf), r >> 4);
        unsigned op = r % 8;
        if (m.n >= 590 || (op >= 6 && m.n > 0)) {
            /* delete 1..3 at a random index */
            size_t at = (r >> 8) % m.n, k = 1 + (r >> 20) % 3;
            unsigned char *next;
            lp = listpack_delete(lp, listpack_seek(lp, (long long)at), k, &next);
            if (k > m.n - at)
                k = m.n - at;
            for (size_t i = at; i < at + k; i++)
                mem_free(m.v[i]);
            memmove(&m.v[at], &m.v[at + k], (m.n - at - k) * sizeof(m.v[0]));
            memmove(&m.len[at], &m.len[at + k], (m.n - at - k) * sizeof(m.len[0]));
            m.n -= k;
            CHECK(at == m.n ? next == NULL : next == listpack_seek(lp, (long long)at));
        } else if (op == 5 && m.n > 0) {
            size_t at = (r >> 8) % m.n;
            unsigned char *p = listpack_seek(lp, (long long)at);
            lp = listpack_replace(lp, &p, buf, len);
            CHECK(p == listpack_seek(lp, (long long)at));
            mem_free(m.v[at]);
            m.v[at] = mem_strndup(buf, len);
            m.len[at] = len;
        } else {
            size_t at = op < 2 ? m.n : (r >> 8) % (m.n + 1);
            if (op == 0)
                lp = listpack_append(lp, buf, len);
            else
                lp = listpack_insert_at(lp, at, buf, len);
            memmove(&m.v[at + 1], &m.v[at], (m.n - at) * sizeof(m.v[0]));
            memmove(&m.len[at + 1], &m.len[at], (m.n - at) * sizeof(m.len[0]));
            m.v[at] = mem_strndup(buf, len);
            m.len[at] = len;
            m.n++;
        }
        if (step % 97 == 0)
            lp_check_model(lp, &m);
    }
    lp_check_model(lp, &m);
    unsigned char *copy = listpack_dup(lp);
    lp_check_model(copy, &m);
    listpack_free(copy);
    for (size_t i = 0; i < m.n; i++)
        mem_free(m.v[i]);
    listpack_free(lp);
}

static void test_listpack_encodings_find_insert(void)
{
    unsigned char *lp = listpack_new();
    long long v;
    /* integer-looking text is stored compactly: 1 byte + 1 backlen for 0..127 */
    lp = listpack_append(lp, "5", 1);
    CHECK_EQ_INT(listpack_bytes(lp), 11);
    CHECK(listpack_get_int(listpack_first(lp), &v) && v == 5);
    lp = listpack_append(lp, "007", 3); /* not strict: a string */
    CHECK(!listpack_get_int(listpack_last(lp), NULL));
    CHECK(!listpack_eq(listpack_last(lp), "7", 1));
    CHECK(listpack_eq(listpack_last(lp), "007", 3));
    lp = listpack_append_int(lp, -123456789012LL);
    CHECK(listpack_eq(listpack_last(lp), "-123456789012", 13));
    lp = listpack_append(lp, "", 0);
    CHECK(listpack_eq(listpack_last(lp), "", 0));
    CHECK(!listpack_eq(listpack_first(lp), "", 0));

    /* field/value pairs: find with skip 1 only looks at fields */
    unsigned char *h = listpack_new();
    const char *kv[] = {"a", "b", "b", "1", "1", "c", "c", "a"};
    for (int i = 0; i < 8; i++)
        h = listpack_append(h, kv[i], strlen(kv[i]));
    unsigned char *f = listpack_find(h, listpack_first(h), "b", 1, 1);
    CHECK(f == listpack_seek(h, 2));
    f = listpack_find(h, listpack_first(h), "1", 1, 1);
    CHECK(f == listpack_seek(h, 4));
    CHECK(listpack_find(h, listpack_first(h), "a", 1, 1) == listpack_first(h));
    CHECK(listpack_find(h, listpack_seek(h, 2), "a", 1, 1) == NULL);
    CHECK(listpack_find(h, listpack_first(h), "x", 1, 0) == NULL);
    CHECK(listpack_find(h, NULL, "a", 1, 0) == NULL);

    /* insert before/after report the new position */
    unsigned char *np;
    h = listpack_insert(h, listpack_seek(h, 1), LISTPACK_AFTER, "zz", 2, &np);
    CHECK(np == listpack_seek(h, 2) && listpack_eq(np, "zz", 2));
    h = listpack_insert(h, listpack_seek(h, 0), LISTPACK_BEFORE, "100000", 6, &np);
    CHECK(np == listpack_first(h) && listpack_eq(np, "100000", 6));
    CHECK_EQ_INT(listpack_count(h), 10);
    unsigned char *next;
    h = listpack_delete(h, listpack_first(h), 100, &next);
    CHECK(next == NULL && listpack_count(h) == 0 && listpack_bytes(h) == 9);
    listpack_free(h);
    listpack_free(lp);
}

/* ---- zset ---------------------------------------------------------------------------------- */

#include "storage/zset.h"

struct zmodel_ent {
    double score;
    char m[16];
};

/* Sorted model: (score, member) ascending; members are short NUL-free strings. */
struct zmodel {
    struct zmodel_ent e[400];
    size_t n;
};

static int zmodel_cmp(const void *a, const void *b)
{
    const struct zmodel_ent *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    return strcmp(x->m, y->m);
}

static long zmodel_find(const struct zmodel *md, const char *m)
{
    for (size_t i = 0; i < md->n; i++)
        if (strcmp(md->e[i].m, m) == 0)
            return (long)i;
    return -1;
}

static void zcheck_matches(struct obj *z, const struct zmodel *md)
{
    CHECK_EQ_INT(zset_len(z), md->n);
    struct zset_iter it;
    struct zset_elem e;
    size_t i = 0;
    zset_iter_init(&it, z, 0, md->n, false);
    while (zset_iter_next(&it, &e) && i < md->n) {
        CHECK_EQ_MEM(e.p, e.len, md->e[i].m, strlen(md->e[i].m));
        CHECK(e.score == md->e[i].score);
        size_t rank;
        CHECK(zset_rank(z, md->e[i].m, strlen(md->e[i].m), &rank) && rank == i);
        i++;
    }
    CHECK_EQ_INT(i, md->n);
    if (md->n > 0) {
        zset_iter_init(&it, z, md->n - 1, md->n, true);
        i = md->n;
        while (zset_iter_next(&it, &e))
            CHECK(e.score == md->e[--i].score);
        CHECK_EQ_INT(i, 0);
    }
}

static void test_zset_random_ops_against_model(void)
{
    long long saved = zset_max_listpack_entries;
    for (int round = 0; round < 3; round++) {
        zset_max_listpack_entries = round == 0 ? 128 : round == 1 ? 16 : 0;
        struct zmodel md = {.n = 0};
        struct obj *z = zset_new();
        for (int op = 0; op < 3000; op++) {
            char m[16];
            snprintf(m, sizeof(m), "m%u", (unsigned)rand_below(300));
            double score = (double)rand_below(50);
            double newscore;
            long at = zmodel_find(&md, m);
            switch (rand_below(6)) {
            case 0:
            case 1: {
                int out = zset_add(z, score, m, strlen(m), 0, &newscore);
                if (at < 0) {
                    CHECK(out == ZSET_OUT_ADDED);
                    md.e[md.n].score = score;
                    snprintf(md.e[md.n].m, sizeof(md.e[md.n].m), "%s", m);
                    md.n++;
                } else {
                    CHECK(out == (md.e[at].score == score ? 0 : ZSET_OUT_UPDATED));
                    md.e[at].score = score;
                }
                qsort(md.e, md.n, sizeof(md.e[0]), zmodel_cmp);
                break;
            }
            case 2: {
                int out = zset_add(z, 1, m, strlen(m), ZSET_ADD_INCR | ZSET_ADD_XX, &newscore);
                if (at < 0) {
                    CHECK(out == ZSET_OUT_NOP);
                } else {
                    CHECK(out == ZSET_OUT_UPDATED);
                    md.e[at].score += 1;
                    CHECK(newscore == md.e[at].score);
                    qsort(md.e, md.n, sizeof(md.e[0]), zmodel_cmp);
                }
                break;
            }
            case 3:
                CHECK(zset_remove(z, m, strlen(m)) == (at >= 0));
                if (at >= 0) {
                    memmove(&md.e[at], &md.e[at + 1], (md.n - (size_t)at - 1) * sizeof(md.e[0]));
                    md.n--;
                }
                break;
            case 4: {
                struct zset_range r = {.min = score, .max = score + 5, .minex = rand_below(2),
                                       .maxex = rand_below(2)};
                size_t lo = 0, hi = 0;
                for (size_t i = 0; i < md.n; i++) {
                    double s = md.e[i].score;
                    if (r.minex ? s <= r.min : s < r.min)
                        lo++;
                    if (r.maxex ? s < r.max : s <= r.max)
                        hi++;
                }
                CHECK_EQ_INT(zset_range_lower(z, &r), lo);
                CHECK_EQ_INT(zset_range_upper(z, &r), hi);
                break;
            }
            case 5:
                if (md.n > 10 && rand_below(10) == 0) {
                    size_t start = (size_t)rand_below(md.n), n = (size_t)rand_below(md.n - start);
                    zset_delete_range(z, start, n);
                    memmove(&md.e[start], &md.e[start + n], (md.n - start - n) * sizeof(md.e[0]));
                    md.n -= n;
                }
                break;
            }
        }
        zcheck_matches(z, &md);
        CHECK(z->enc == (round == 0 && md.n <= 128 ? OBJ_ENC_LISTPACK : OBJ_ENC_SKIPLIST) ||
              round == 0);
        struct obj *d = zset_dup(z);
        zcheck_matches(d, &md);
        obj_release(d);
        zset_shrink_if_small(z, 8);
        if (md.n <= (size_t)zset_max_listpack_entries)
            CHECK(z->enc == OBJ_ENC_LISTPACK);
        zcheck_matches(z, &md);
        obj_release(z);
    }
    zset_max_listpack_entries = saved;
}

static void test_zset_lex_ranges_and_encodings(void)
{
    struct obj *z = zset_new();
    double ns;
    const char *names[] = {"a", "b", "bb", "c", "d"};
    for (int i = 0; i < 5; i++)
        zset_add(z, 0, names[i], strlen(names[i]), 0, &ns);
    CHECK(z->enc == OBJ_ENC_LISTPACK);
    struct zset_lex_range r = {
        .min = {.kind = ZSET_LEX_VALUE, .ex = true, .p = "b", .len = 1},
        .max = {.kind = ZSET_LEX_VALUE, .ex = false, .p = "c", .len = 1},
    };
    CHECK_EQ_INT(zset_lex_lower(z, &r), 2);
    CHECK_EQ_INT(zset_lex_upper(z, &r), 4);
    r.min.kind = ZSET_LEX_NEG_INF;
    r.max.kind = ZSET_LEX_POS_INF;
    CHECK_EQ_INT(zset_lex_lower(z, &r), 0);
    CHECK_EQ_INT(zset_lex_upper(z, &r), 5);
    /* A member longer than zset-max-listpack-value converts the set. */
    char big[70];
    memset(big, 'x', sizeof(big));
    zset_add(z, 0, big, sizeof(big), 0, &ns);
    CHECK(z->enc == OBJ_ENC_SKIPLIST);
    CHECK_EQ_INT(zset_lex_upper(z, &r), 6);
    CHECK(strcmp(obj_enc_name(z), "skiplist") == 0);
    CHECK(obj_memory_usage(z, 0) > 6 * 32);
    obj_release(z);
}

/* Both sets hold the same (member, score) sequence, forward and backward. */
static void zcheck_same(const struct obj *a, const struct obj *b)
{
    CHECK_EQ_INT(zset_len(a), zset_len(b));
    for (int rev = 0; rev < 2; rev++) {
        struct zset_iter ia, ib;
        struct zset_elem ea, eb;
        size_t n = zset_len(a), seen = 0;
        if (n == 0)
            return;
        zset_iter_init(&ia, a, rev ? n - 1 : 0, n, rev);
        zset_iter_init(&ib, b, rev ? n - 1 : 0, n, rev);
        while (zset_iter_next(&ia, &ea)) {
            CHECK(zset_iter_next(&ib, &eb));
            CHECK_EQ_MEM(ea.p, ea.len, eb.p, eb.len);
            CHECK(ea.score == eb.score);
            size_t ra, rb;
            CHECK(zset_rank(a, ea.p, ea.len, &ra) && zset_rank(b, eb.p, eb.len, &rb) && ra == rb);
            seen++;
        }
        CHECK_EQ_INT(seen, n);
    }
}

static void zscan_count(void *ud, const char *m, size_t len, double score)
{
    size_t *n = ud;
    (*n) += 1 + len;
}

/* The listpack packs integral scores as integers and others as raw doubles, and members that
 * read as integers as integers: every such value must come back exactly as given. */
static void test_zset_listpack_scores_and_int_members(void)
{
    const char *ms[] = {"123", "-5", "007", "0", "", "9223372036854775807",
                        "-9223372036854775808", "9223372036854775808", "abc", "12a", "1.5",
                        " 1"};
    const double sc[] = {1.5, -0.0, 0, 1e300, -1.0 / 0.0, 1.0 / 0.0, 9223372036854775808.0,
                         -9223372036854775808.0, 3, 0.1, -2.25, 4503599627370497.0};
    struct obj *a = zset_new(), *b = zset_new_skiplist();
    double ns, s;
    size_t want = 0;
    for (size_t i = 0; i < 12; i++) {
        CHECK(zset_add(a, sc[i], ms[i], strlen(ms[i]), 0, &ns) == ZSET_OUT_ADDED);
        CHECK(zset_add(b, sc[i], ms[i], strlen(ms[i]), 0, &ns) == ZSET_OUT_ADDED);
        want += 1 + strlen(ms[i]);
    }
    CHECK(a->enc == OBJ_ENC_LISTPACK);
    zcheck_same(a, b);
    for (size_t i = 0; i < 12; i++)
        CHECK(zset_score(a, ms[i], strlen(ms[i]), &s) && s == sc[i]);
    CHECK(!zset_score(a, "12", 2, &s) && !zset_score(a, "-0", 2, &s));
    size_t got = 0;
    CHECK(zset_scan(a, 0, zscan_count, &got) == 0);
    CHECK_EQ_INT(got, want);
    /* Score changes that keep the element in place and ones that move it. */
    CHECK(zset_add(a, 0.25, "abc", 3, ZSET_ADD_INCR, &ns) == ZSET_OUT_UPDATED && ns == 3.25);
    CHECK(zset_add(b, 0.25, "abc", 3, ZSET_ADD_INCR, &ns) == ZSET_OUT_UPDATED);
    CHECK(zset_add(a, 1e301, "-5", 2, 0, &ns) == ZSET_OUT_UPDATED);
    CHECK(zset_add(b, 1e301, "-5", 2, 0, &ns) == ZSET_OUT_UPDATED);
    CHECK(zset_add(a, -7, "123", 3, 0, &ns) == ZSET_OUT_UPDATED);
    CHECK(zset_add(b, -7, "123", 3, 0, &ns) == ZSET_OUT_UPDATED);
    zcheck_same(a, b);
    CHECK(zset_remove(a, "0", 1) && zset_remove(b, "0", 1) && !zset_remove(a, "0", 1));
    zset_delete_range(a, 2, 3);
    zset_delete_range(b, 2, 3);
    zcheck_same(a, b);
    struct zset_range r = {.min = 0, .max = 1.0 / 0.0, .minex = true, .maxex = false};
    CHECK_EQ_INT(zset_range_lower(a, &r), zset_range_lower(b, &r));
    CHECK_EQ_INT(zset_range_upper(a, &r), zset_range_upper(b, &r));
    zset_shrink_if_small(b, 20);
    CHECK(b->enc == OBJ_ENC_LISTPACK);
    zcheck_same(a, b);
    struct obj *d = zset_dup(a);
    zcheck_same(a, d);
    zset_delete_range(d, 0, zset_len(d));
    CHECK_EQ_INT(zset_len(d), 0);
    obj_release(d);
    obj_release(a);
    obj_release(b);
}

/* ---- hash --------------------------------------------------------------------------------- */

static bool hash_value_is(struct obj *h, const char *f, const char *want)
{
    char buf[HASH_VALBUF];
    const char *v;
    size_t vlen;
    if (!hash_get(h, f, strlen(f), buf, &v, &vlen))
        return want == NULL;
    return want != NULL && vlen == strlen(want) && memcmp(v, want, vlen) == 0;
}

static void hash_count_visit(void *ud, const char *f, size_t flen, const char *v, size_t vlen)
{
    size_t *n = ud;
    (*n)++;
}

static void test_hash_encodings_and_conversion(void)
{
    struct obj *h = hash_new();
    CHECK_EQ_STR(obj_enc_name(h), "listpack");
    char f[32], v[32];
    for (int i = 0; i < 512; i++) {
        int fl = snprintf(f, sizeof(f), "f%d", i), vl = snprintf(v, sizeof(v), "%d", i * 7);
        CHECK(hash_set(h, f, (size_t)fl, v, (size_t)vl));
    }
    CHECK_EQ_STR(obj_enc_name(h), "listpack");
    CHECK(!hash_set(h, "f3", 2, "x", 1)); /* overwrite: not new, no conversion */
    CHECK(hash_value_is(h, "f3", "x"));
    CHECK(hash_value_is(h, "f4", "28"));
    CHECK(hash_set(h, "extra", 5, "", 0));
    CHECK_EQ_STR(obj_enc_name(h), "hashtable");
    CHECK_EQ_INT(hash_len(h), 513);
    CHECK(hash_value_is(h, "f4", "28") && hash_value_is(h, "extra", ""));
    CHECK(hash_value_is(h, "nope", NULL));

    /* iteration sees every pair once, in both encodings; a dup is independent */
    struct obj *copy = hash_dup(h);
    CHECK(hash_delete(h, "f0", 2) && !hash_delete(h, "f0", 2));
    CHECK_EQ_INT(hash_len(copy), 513);
    size_t n = 0;
    struct hash_iter it;
    const char *kf, *kv;
    size_t kfl, kvl;
    hash_iter_init(&it, copy);
    while (hash_iter_next(&it, &kf, &kfl, &kv, &kvl))
        n++;
    hash_iter_done(&it);
    CHECK_EQ_INT(n, 513);

    /* a full HSCAN of a table reaches every pair; a listpack answers in one call */
    n = 0;
    unsigned long long cur = 0;
    do {
        cur = hash_scan(h, cur, 10, hash_count_visit, &n);
    } while (cur != 0);
    CHECK_EQ_INT(n, 512);
    struct obj *small = hash_new();
    hash_set(small, "a", 1, "1", 1);
    hash_set(small, "b", 1, "2", 1);
    n = 0;
    CHECK_EQ_INT(hash_scan(small, 99, 1, hash_count_visit, &n), 0);
    CHECK_EQ_INT(n, 2);

    /* random picks: distinct caps at the size; repeats give exactly count */
    n = 0;
    hash_random(small, 5, true, hash_count_visit, &n);
    CHECK_EQ_INT(n, 2);
    n = 0;
    hash_random(small, 7, false, hash_count_visit, &n);
    CHECK_EQ_INT(n, 7);
    n = 0;
    hash_random(h, 100, true, hash_count_visit, &n);
    CHECK_EQ_INT(n, 100);
    n = 0;
    hash_random(h, 400, true, hash_count_visit, &n);
    CHECK_EQ_INT(n, 400);
    CHECK(obj_memory_usage(h, 0) > 512 * 16);

    /* long field or value converts at once; exactly the limit does not */
    char s64[65], s65[66];
    memset(s64, 'x', 64);
    s64[64] = '\0';
    memset(s65, 'x', 65);
    s65[65] = '\0';
    hash_set(small, s64, 64, s64, 64);
    CHECK_EQ_STR(obj_enc_name(small), "listpack");
    hash_set(small, "c", 1, s65, 65);
    CHECK_EQ_STR(obj_enc_name(small), "hashtable");
    CHECK(hash_value_is(small, "c", s65) && hash_value_is(small, "a", "1"));
    struct slice args[2] = {{.p = "k", .len = 1}, {.p = s65, .len = 65}};
    struct obj *p = hash_new();
    hash_prepare_write(p, args, 1);
    CHECK_EQ_STR(obj_enc_name(p), "listpack");
    hash_prepare_write(p, args, 2);
    CHECK_EQ_STR(obj_enc_name(p), "hashtable");
    obj_release(p);
    obj_release(small);
    obj_release(copy);
    obj_release(h);
}

/* ---- sets: intset and the set type ------------------------------------------------------ */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Random adds and removes across all three widths, checked against a sorted model array. */
static void test_intset_random_ops_against_model(void)
{
    static const int64_t ranges[] = {100, 40000, 3000000000LL, INT64_MAX};
    int64_t model[4000];
    size_t n = 0;
    struct intset *is = intset_new();
    CHECK_EQ_INT(is->width, 2);
    for (int step = 0; step < 4000; step++) {
        int64_t span = ranges[(step / 1000) % 4];
        int64_t v = (int64_t)(rand_u64() % (uint64_t)span);
        if (rand_u64() % 2)
            v = -v - (span == INT64_MAX ? 1 : 0);
        bool in_model = false;
        size_t at = 0;
        for (; at < n; at++)
            if (model[at] == v) {
                in_model = true;
                break;
            }
        if (rand_u64() % 3 != 0) {
            bool added;
            is = intset_add(is, v, &added);
            CHECK(added == !in_model);
            if (!in_model)
                model[n++] = v;
        } else {
            bool removed;
            is = intset_remove(is, v, &removed);
            CHECK(removed == in_model);
            if (in_model)
                model[at] = model[--n];
        }
    }
    qsort(model, n, sizeof(model[0]), cmp_i64);
    CHECK_EQ_INT(intset_len(is), n);
    bool same = true;
    for (size_t i = 0; i < n; i++)
        same = same && intset_get(is, (uint32_t)i) == model[i] && intset_find(is, model[i]);
    CHECK(same);
    CHECK_EQ_INT(is->width, 8); /* widened once, never narrowed */
    struct intset *copy = intset_dup(is);
    CHECK_EQ_INT(intset_blob_len(copy), intset_blob_len(is));
    intset_free(copy);
    intset_free(is);
}

static void test_intset_widening_keeps_order(void)
{
    struct intset *is = intset_new();
    is = intset_add(is, 5, NULL);
    is = intset_add(is, -3, NULL);
    is = intset_add(is, 70000, NULL); /* to 32 bits, appended */
    CHECK_EQ_INT(is->width, 4);
    is = intset_add(is, -5000000000LL, NULL); /* to 64 bits, prepended */
    CHECK_EQ_INT(is->width, 8);
    is = intset_add(is, INT64_MIN, NULL);
    is = intset_add(is, INT64_MAX, NULL);
    static const int64_t want[] = {INT64_MIN, -5000000000LL, -3, 5, 70000, INT64_MAX};
    CHECK_EQ_INT(intset_len(is), 6);
    for (uint32_t i = 0; i < 6; i++)
        CHECK(intset_get(is, i) == want[i]);
    CHECK(!intset_find(is, 4) && intset_find(is, -3));
    is = intset_remove_at(is, 0);
    CHECK(intset_get(is, 0) == -5000000000LL);
    intset_free(is);
}

static void set_count_visit(void *ud, const char *p, size_t len)
{
    (void)p;
    (void)len;
    (*(size_t *)ud)++;
}

static bool set_has(struct obj *s, const char *m) { return set_contains(s, m, strlen(m)); }

static void test_set_encodings_and_conversion(void)
{
    long long saved = set_max_intset_entries;
    struct obj *s = set_new_for("1", 1);
    CHECK_EQ_STR(obj_enc_name(s), "intset");
    char m[32];
    for (int i = 0; i < 512; i++) {
        int ml = snprintf(m, sizeof(m), "%d", i * 3 - 700);
        CHECK(set_add(s, m, (size_t)ml));
    }
    CHECK(!set_add(s, "-700", 4));
    CHECK_EQ_STR(obj_enc_name(s), "intset");
    CHECK(set_add(s, "100000", 6)); /* the 513th member */
    CHECK_EQ_STR(obj_enc_name(s), "hashtable");
    CHECK_EQ_INT(set_len(s), 513);
    CHECK(set_has(s, "-700") && set_has(s, "100000") && !set_has(s, "-701"));
    CHECK(set_remove(s, "100000", 6) && !set_remove(s, "100000", 6));
    CHECK_EQ_STR(obj_enc_name(s), "hashtable"); /* never back */
    obj_release(s);

    /* Only Redis's canonical integers go into an intset. */
    static const char *not_ints[] = {"01", "-0", "+1", " 1", "1.0", "9223372036854775808", ""};
    for (size_t i = 0; i < sizeof(not_ints) / sizeof(not_ints[0]); i++) {
        s = set_new_for(not_ints[i], strlen(not_ints[i]));
        set_add(s, not_ints[i], strlen(not_ints[i]));
        CHECK_EQ_STR(obj_enc_name(s), "hashtable");
        CHECK(set_has(s, not_ints[i]));
        obj_release(s);
    }
    s = set_new();
    CHECK(set_add(s, "-9223372036854775808", 20));
    CHECK(!set_has(s, "x") && !set_remove(s, "-0", 2));
    CHECK(set_add(s, "x", 1));
    CHECK_EQ_STR(obj_enc_name(s), "hashtable");
    CHECK(set_has(s, "-9223372036854775808"));
    obj_release(s);

    set_max_intset_entries = 0;
    s = set_new_for("7", 1);
    set_add(s, "7", 1);
    CHECK_EQ_STR(obj_enc_name(s), "hashtable");
    obj_release(s);
    set_max_intset_entries = saved;
}

/* Pops, splits and random picks in both encodings; SSCAN reaches every member. */
static void test_set_random_pop_split_scan(void)
{
    for (int table = 0; table < 2; table++) {
        struct obj *s = set_new();
        char m[32];
        for (int i = 0; i < 300; i++) {
            int ml = snprintf(m, sizeof(m), table ? "m%d" : "%d", i);
            set_add(s, m, (size_t)ml);
        }
        CHECK_EQ_STR(obj_enc_name(s), table ? "hashtable" : "intset");
        struct obj *copy = set_dup(s);
        size_t n = 0;
        set_pop(s, set_count_visit, &n);
        CHECK_EQ_INT(n, 1);
        CHECK_EQ_INT(set_len(s), 299);
        CHECK_EQ_INT(set_len(copy), 300);

        n = 0;
        set_random_many(s, 50, true, set_count_visit, &n);
        set_random_many(s, 200, true, set_count_visit, &n);
        set_random_many(s, 1000, false, set_count_visit, &n);
        CHECK_EQ_INT(n, 1250);

        struct obj *kept = set_split_random(s, 20);
        CHECK_EQ_INT(set_len(kept), 20);
        CHECK_EQ_INT(set_len(s), 279);
        CHECK_EQ_STR(obj_enc_name(kept), table ? "hashtable" : "intset");
        struct set_iter it;
        const char *p;
        size_t len;
        bool disjoint = true, from_copy = true;
        set_iter_init(&it, kept);
        while (set_iter_next(&it, &p, &len)) {
            disjoint = disjoint && !set_contains(s, p, len);
            from_copy = from_copy && set_contains(copy, p, len);
        }
        set_iter_done(&it);
        CHECK(disjoint && from_copy);

        n = 0;
        unsigned long long cur = 0;
        do {
            cur = set_scan(copy, cur, 10, set_count_visit, &n);
        } while (cur != 0);
        CHECK_EQ_INT(n, 300);
        CHECK(set_memory_usage(copy, 0) > 300);
        obj_release(kept);
        obj_release(copy);
        obj_release(s);
    }
}

/* ---- list compression (list-compress-depth) ------------------------------------------- */

/* Values that LZF can shrink (a repeated pattern), mixed with the packed-form samples so
 * compressed nodes hold every entry encoding. */
static size_t list_zip_value(char *buf, size_t cap)
{
    if (rand_below(3) == 0)
        return list_sample_value(buf, cap);
    size_t len = 1 + rand_below(rand_below(4) == 0 ? 600 : 40);
    if (len > cap)
        len = cap;
    char tag = (char)('a' + rand_below(4));
    for (size_t i = 0; i < len; i++)
        buf[i] = i % 7 == 6 ? tag : "pattern"[i % 7];
    return len;
}

static void test_list_compression_random_ops_against_model(void)
{
    static const int fills[] = {-1, 4, -2};
    char buf[5000];
    for (int depth = 0; depth <= 3; depth++) {
        for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
            list_compress_depth = depth;
            list_max_listpack_size = fills[f];
            struct obj *l = list_new();
            struct list_model m = {0};
            for (int step = 0; step < 3000; step++) {
                uint64_t op = rand_below(12);
                size_t len = list_zip_value(buf, sizeof(buf));
                if (op <= 3 || m.n == 0) {
                    enum list_where w = rand_below(2) ? LIST_HEAD : LIST_TAIL;
                    list_push(l, w, buf, len);
                    model_insert(&m, w == LIST_HEAD ? 0 : m.n, buf, len);
                } else if (op == 4) {
                    enum list_where w = rand_below(2) ? LIST_HEAD : LIST_TAIL;
                    struct obj *v = list_pop(l, w);
                    size_t at = w == LIST_HEAD ? 0 : m.n - 1;
                    char tmp[NUM_LL_MAXLEN];
                    size_t vlen;
                    const char *vp = str_bytes(v, tmp, &vlen);
                    CHECK_EQ_MEM(vp, vlen, m.v[at], strlen(m.v[at]));
                    obj_release(v);
                    model_delete(&m, at, 1);
                } else if (op == 5) {
                    size_t at = rand_below(m.n);
                    CHECK(list_set(l, (long long)at, buf, len));
                    mem_free(m.v[at]);
                    m.v[at] = mem_strndup(buf, len);
                } else if (op == 6) {
                    const char *pivot = m.v[rand_below(m.n)];
                    size_t first = 0;
                    while (strcmp(m.v[first], pivot) != 0)
                        first++;
                    bool after = rand_below(2);
                    char pb[5000];
                    size_t plen = strlen(pivot);
                    memcpy(pb, pivot, plen);
                    CHECK(list_insert(l, pb, plen, after ? LIST_TAIL : LIST_HEAD, buf, len));
                    model_insert(&m, first + (after ? 1 : 0), buf, len);
                } else if (op == 7) {
                    char nb[5000];
                    const char *needle = m.v[rand_below(m.n)];
                    size_t nlen = strlen(needle);
                    memcpy(nb, needle, nlen);
                    long long count = (long long)rand_below(5) - 2;
                    size_t want = 0;
                    if (count >= 0) {
                        for (size_t i = 0; i < m.n && (count == 0 || want < (size_t)count);) {
                            if (strlen(m.v[i]) == nlen && memcmp(m.v[i], nb, nlen) == 0) {
                                model_delete(&m, i, 1);
                                want++;
                            } else {
                                i++;
                            }
                        }
                    } else {
                        for (size_t i = m.n; i > 0 && want < (size_t)-count; i--) {
                            if (strlen(m.v[i - 1]) == nlen && memcmp(m.v[i - 1], nb, nlen) == 0) {
                                model_delete(&m, i - 1, 1);
                                want++;
                            }
                        }
                    }
                    CHECK_EQ_INT(list_remove(l, nb, nlen, count), want);
                } else if (op == 8 && rand_below(6) == 0) {
                    size_t start = rand_below(m.n);
                    size_t k = rand_below(m.n - start + 1);
                    list_delete_range(l, start, k);
                    model_delete(&m, start, k);
                } else {
                    size_t at = rand_below(m.n);
                    struct list_entry e;
                    CHECK(list_index(l, (long long)at, &e));
                    CHECK_EQ_MEM(e.p, e.len, m.v[at], strlen(m.v[at]));
                }
                if (step % 300 == 0)
                    check_list_matches(l, &m);
            }
            check_list_matches(l, &m);
            struct obj *copy = obj_dup(l);
            check_list_matches(copy, &m);
            obj_release(copy);
            obj_release(l);
            model_delete(&m, 0, m.n);
            mem_free(m.v);
        }
    }
    list_compress_depth = 0;
    list_max_listpack_size = -2;
}

/* A long list of repetitive values is several times smaller at depth 1, and reads back. */
static void test_list_compression_saves_memory(void)
{
    size_t usage[2];
    for (int depth = 0; depth <= 1; depth++) {
        list_compress_depth = depth;
        struct obj *l = list_new();
        char v[16];
        for (int i = 0; i < 20000; i++) {
            snprintf(v, sizeof(v), "value-%04d", i % 10);
            list_push(l, LIST_TAIL, v, strlen(v));
        }
        usage[depth] = obj_memory_usage(l, 0);
        struct list_entry e;
        CHECK(list_index(l, 12345, &e));
        CHECK_EQ_MEM(e.p, e.len, "value-0005", 10);
        obj_release(l);
    }
    CHECK(usage[1] * 4 < usage[0]);
    list_compress_depth = 0;
}

/* ---- streams ----------------------------------------------------------------------------- */

/* One entry of the stream model: its ID, a value and field count, and whether it is live. */
struct stream_model_entry {
    struct stream_id id;
    int v, nf;
    bool live;
};

/* True if a range walk over s from lo to hi (rev: descending) returns exactly the model's
 * live entries in that range with the fields each was given. */
static bool stream_range_matches(struct obj *s, const struct stream_model_entry *m, size_t n,
                                 size_t lo, size_t hi, bool rev)
{
    struct stream_iter it;
    stream_iter_init(&it, s, &m[lo].id, &m[hi].id, rev);
    for (size_t k = 0; k <= hi - lo; k++) {
        size_t i = rev ? hi - k : lo + k;
        if (!m[i].live)
            continue;
        struct stream_id id;
        uint64_t nf;
        if (!stream_iter_next(&it, &id, &nf) || stream_id_cmp(&id, &m[i].id) != 0 ||
            nf != (uint64_t)m[i].nf)
            return false;
        const char *f, *v;
        size_t flen, vlen;
        char want[32];
        for (int j = 0; j < m[i].nf; j++) {
            if (!stream_iter_field(&it, &f, &flen, &v, &vlen))
                return false;
            int wl = snprintf(want, sizeof(want), "%d", m[i].v + j);
            if (flen != 1 || f[0] != (char)('a' + j) || vlen != (size_t)wl ||
                memcmp(v, want, vlen) != 0)
                return false;
        }
        if (stream_iter_field(&it, &f, &flen, &v, &vlen))
            return false;
    }
    struct stream_id id;
    uint64_t nf;
    (void)n;
    return !stream_iter_next(&it, &id, &nf);
}

/* Adds, deletes and exact trims against an array model; ranges read back in both
 * directions across node boundaries; IDs parse as Redis parses them. */
static void test_stream_random_ops_against_model(void)
{
    enum { N = 3000 };
    struct stream_model_entry *m = calloc(N, sizeof(*m));
    struct obj *s = stream_new();
    size_t n = 0, live = 0;
    uint64_t ms = 1;
    bool adds_ok = true, ranges_ok = true;
    char buf[4][32];
    for (int step = 0; step < 20000 && n < N; step++) {
        unsigned op = (unsigned)rand_below(100);
        if (op < 60) {
            ms += rand_below(3);
            int nf = 1 + (int)rand_below(3);
            int v = (int)rand_below(100000) - 50;
            struct slice fv[6];
            for (int j = 0; j < nf; j++) {
                buf[j][0] = (char)('a' + j);
                fv[2 * j] = (struct slice){buf[j], 1};
                int vl = snprintf(buf[j] + 1, sizeof(buf[j]) - 1, "%d", v + j);
                fv[2 * j + 1] = (struct slice){buf[j] + 1, (size_t)vl};
            }
            struct stream_id want = {ms, 0}, got;
            if (n > 0 && m[n - 1].id.ms == ms)
                want.seq = m[n - 1].id.seq + 1;
            struct stream_id use = {ms, 0};
            adds_ok &= stream_add(s, fv, (size_t)nf, &use, false, 0, &got) == STREAM_ADD_OK &&
                       stream_id_cmp(&got, &want) == 0;
            m[n++] = (struct stream_model_entry){want, v, nf, true};
            live++;
        } else if (op < 80 && n > 0) {
            size_t i = rand_below(n);
            bool was = m[i].live;
            adds_ok &= stream_delete(s, &m[i].id) == was;
            if (was)
                live--;
            m[i].live = false;
        } else if (op < 83 && live > 0) {
            struct stream_trim t = {.strategy = STREAM_TRIM_MAXLEN, .maxlen = rand_below(live)};
            uint64_t want = live - t.maxlen;
            for (size_t i = 0; i < n && live > t.maxlen; i++)
                if (m[i].live) {
                    m[i].live = false;
                    live--;
                }
            adds_ok &= stream_trim(s, &t) == want;
        } else if (n > 1) {
            /* Short ranges keep the test quick; the full walks after the loop cover the rest. */
            size_t a = rand_below(n), b = a + rand_below(300);
            size_t lo = a, hi = b < n ? b : n - 1;
            ranges_ok &= stream_range_matches(s, m, n, lo, hi, op % 2 == 0);
        }
        adds_ok &= stream_len(s) == live;
    }
    CHECK(adds_ok);
    CHECK(ranges_ok);
    CHECK(n > 1000);
    if (n > 0)
        CHECK(stream_range_matches(s, m, n, 0, n - 1, true));
    struct obj *copy = stream_dup(s);
    obj_release(s);
    if (n > 0)
        CHECK(stream_range_matches(copy, m, n, 0, n - 1, false));
    CHECK_EQ_STR(obj_type_name(copy), "stream");
    CHECK_EQ_STR(obj_enc_name(copy), "stream");
    obj_release(copy);
    free(m);

    struct stream_id id;
    bool given = true;
    CHECK(stream_id_parse("5-*", 3, true, 0, &id, &given) && !given && id.ms == 5);
    CHECK(stream_id_parse("007", 3, true, 9, &id, NULL) && id.ms == 7 && id.seq == 9);
    CHECK(stream_id_parse("1--01", 5, true, 0, &id, NULL) && id.seq == UINT64_MAX);
    CHECK(!stream_id_parse("1-*", 3, true, 0, &id, NULL));
    CHECK(!stream_id_parse("-", 1, true, 0, &id, NULL));
    CHECK(stream_id_parse("+", 1, false, 0, &id, NULL) && id.ms == UINT64_MAX);
    CHECK(!stream_id_parse("1-2-3", 5, false, 0, &id, NULL));
    char out[STREAM_ID_MAXLEN];
    struct stream_id big = {UINT64_MAX, UINT64_MAX};
    CHECK_EQ_INT(stream_id_format(&big, out), STREAM_ID_MAXLEN - 1);
    CHECK(!stream_id_incr(&big));
    struct stream_id zero = {0, 0};
    CHECK(!stream_id_decr(&zero));
}

/* ---- AOF rewrite encoding (storage/aof_rewrite.c) --------------------------------------- */

static bool collect(void *ud, const char *p, size_t n)
{
    buf_append(ud, p, n);
    return true;
}

/* Counts non-overlapping occurrences of needle in b. */
static int count_in(struct buf *b, const char *needle)
{
    int n = 0;
    size_t nl = strlen(needle);
    const char *p = buf_head(b), *end = p + buf_used(b);
    while (p + nl <= end) {
        const char *q = memmem(p, (size_t)(end - p), needle, nl);
        if (q == NULL)
            break;
        n++;
        p = q + nl;
    }
    return n;
}

static void test_aof_rewrite_forms(void)
{
    struct keyspace ks;
    struct hook_log log;
    ks_setup(&ks, &log);
    struct db *db = &ks.dbs[0];
    set_str(db, "s", "123");
    db_set_expire(db, "s", 1, 4000000000000LL);
    struct obj *l = list_new();
    char item[16];
    for (int i = 0; i < 130; i++) {
        int n = snprintf(item, sizeof(item), "%d", i);
        list_push(l, LIST_TAIL, item, (size_t)n);
    }
    db_set(db, "l", 1, l, 0);
    obj_release(l);
    struct obj *z = zset_new();
    double ns;
    zset_add(z, 0.1, "a", 1, 0, &ns);
    zset_add(z, 1.0 / 0.0, "b", 1, 0, &ns);
    db_set(db, "z", 1, z, 0);
    obj_release(z);
    set_str(&ks.dbs[5], "k", "v");

    struct buf b;
    buf_init(&b);
    uint64_t keys = 0;
    CHECK(aof_rewrite_save(&ks, collect, &b, NULL, NULL, &keys));
    CHECK_EQ_INT(keys, 4);
    buf_append(&b, "", 1);
    const char *t = buf_head(&b);
    /* Each db that has keys starts with its SELECT, db 0 first. */
    CHECK(strncmp(t, "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n", 23) == 0);
    CHECK(strstr(t, "*2\r\n$6\r\nSELECT\r\n$1\r\n5\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n") != NULL);
    CHECK(strstr(t, "*3\r\n$3\r\nSET\r\n$1\r\ns\r\n$3\r\n123\r\n"
                    "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\ns\r\n$13\r\n4000000000000\r\n") != NULL);
    /* 130 items: batches of 64, 64 and 2, in order. */
    CHECK_EQ_INT(count_in(&b, "*66\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n"), 2);
    CHECK(strstr(t, "*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$3\r\n128\r\n$3\r\n129\r\n") != NULL);
    CHECK(strstr(t, "$1\r\nl\r\n$1\r\n0\r\n$1\r\n1\r\n") != NULL);
    /* Scores as %.17g, as Redis's rewrite writes them. */
    CHECK(strstr(t, "*6\r\n$4\r\nZADD\r\n$1\r\nz\r\n$19\r\n0.10000000000000001\r\n$1\r\na\r\n"
                    "$3\r\ninf\r\n$1\r\nb\r\n") != NULL);
    buf_deinit(&b);

    /* An empty stream: XADD MAXLEN 0 then XSETID with its bookkeeping. */
    struct obj *st = stream_new();
    struct stream *s = stream_of(st);
    s->last_id = (struct stream_id){5, 5};
    s->max_deleted_id = (struct stream_id){5, 5};
    s->entries_added = 1;
    buf_init(&b);
    aof_rewrite_value("e", 1, st, &b);
    buf_append(&b, "", 1);
    CHECK_EQ_STR(buf_head(&b),
                 "*7\r\n$4\r\nXADD\r\n$1\r\ne\r\n$6\r\nMAXLEN\r\n$1\r\n0\r\n$3\r\n0-1\r\n$1\r\nx\r\n"
                 "$1\r\ny\r\n*7\r\n$6\r\nXSETID\r\n$1\r\ne\r\n$3\r\n5-5\r\n$12\r\nENTRIESADDED\r\n"
                 "$1\r\n1\r\n$12\r\nMAXDELETEDID\r\n$3\r\n5-5\r\n");
    buf_deinit(&b);
    obj_release(st);
    keyspace_deinit(&ks);
}

int main(int argc, char **argv)
{
    bool timing = !(argc > 1 && strcmp(argv[1], "--no-timing") == 0);
    setvbuf(stdout, NULL, _IOLBF, 0);
    obj_init_shared();
    rand_seed(12345);
    RUN(test_string_encoding_rules);
    RUN(test_string_bytes_and_numbers);
    RUN(test_shared_integers);
    RUN(test_string_unshare_append_setrange);
    RUN(test_obj_names_lru_memory_dup);
    RUN(test_dict_add_find_delete_across_resizes);
    RUN(test_dict_free_val_and_empty);
    RUN(test_dict_iterators);
    RUN(test_dict_scan_guarantee);
    RUN(test_dict_random_and_sample);
    RUN(test_dict_forced_growth_while_resize_disallowed);
    RUN(test_db_set_lookup_stats_hooks);
    RUN(test_db_lazy_expiry);
    RUN(test_db_rename_move_copy_swap_flush);
    RUN(test_db_random_key);
    RUN(test_db_active_expire);
    RUN(test_list_random_ops_against_model);
    RUN(test_list_big_and_encoding);
    RUN(test_list_compression_random_ops_against_model);
    RUN(test_list_compression_saves_memory);
    RUN(test_listpack_random_ops_against_model);
    RUN(test_listpack_encodings_find_insert);
    RUN(test_hash_encodings_and_conversion);
    RUN(test_zset_random_ops_against_model);
    RUN(test_zset_lex_ranges_and_encodings);
    RUN(test_zset_listpack_scores_and_int_members);
    RUN(test_intset_random_ops_against_model);
    RUN(test_intset_widening_keeps_order);
    RUN(test_set_encodings_and_conversion);
    RUN(test_set_random_pop_split_scan);
    RUN(test_stream_random_ops_against_model);
    RUN(test_aof_rewrite_forms);
    if (timing)
        RUN(test_timing_5m_inserts);
    return check_done("test_storage");
}
