/* tests/tools/rdbtool.c: drives storage/rdb from the command line for the interop script and
 * the size/time figures, with no server.
 *
 *   rdbtool fill OUT.rdb        build the every-type keyspace (ksfill.h), save it, print its dump
 *   rdbtool dump IN.rdb         load a file (any Redis <= 7.0) and print its canonical dump
 *   rdbtool bench-strings N OUT N string keys: save and load times, file size
 *   rdbtool bench-list N OUT    one list of N elements: the same
 *   rdbtool bench-stream N OUT  one stream of N entries (2 fields each): the same
 *   rdbtool load IN.rdb         load time only
 *   rdbtool resave IN OUT       load a file and save it again with kvd's writer
 * Knows storage/, utils/ and the test helpers; exits non-zero with the loader's message on
 * any error. Start at main().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "storage/rdb.h"
#include "tests/tools/ksdump.h"
#include "tests/tools/ksfill.h"
#include "utils/mtime.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int save_file(struct keyspace *ks, const char *path, double *secs, uint64_t *bytes)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(path);
        return 1;
    }
    struct rdb_save_opts o;
    rdb_save_opts_init(&o);
    char ctime[32], bits[8];
    snprintf(ctime, sizeof(ctime), "%lld", time_ms() / 1000);
    snprintf(bits, sizeof(bits), "%d", (int)(8 * sizeof(void *)));
    struct rdb_aux aux[] = {
        {"redis-ver", "7.0.15", 6},
        {"redis-bits", bits, strlen(bits)},
        {"ctime", ctime, strlen(ctime)},
        {"used-mem", "1000000", 7},
        {"aof-base", "0", 1},
    };
    o.aux = aux;
    o.naux = sizeof(aux) / sizeof(aux[0]);
    struct rdb_error err;
    double t0 = now_s();
    enum rdb_status st = rdb_save_fd(ks, &o, fd, bytes, &err);
    if (secs != NULL)
        *secs = now_s() - t0;
    close(fd);
    if (st != RDB_OK) {
        fprintf(stderr, "rdbtool: save failed: %s\n", err.msg);
        return 1;
    }
    return 0;
}

static int load_file(struct keyspace *ks, const char *path, double *secs)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        perror(path);
        return 1;
    }
    struct rdb_load_opts o;
    rdb_load_opts_init(&o);
    struct rdb_load_info info;
    struct rdb_error err;
    double t0 = now_s();
    enum rdb_status st = rdb_load_fd(ks, fd, &o, &info, &err);
    if (secs != NULL)
        *secs = now_s() - t0;
    close(fd);
    if (st != RDB_OK) {
        fprintf(stderr, "rdbtool: load failed (%s): %s\n", rdb_status_name(st), err.msg);
        return 1;
    }
    return 0;
}

static void print_dump(struct keyspace *ks)
{
    struct buf b;
    buf_init(&b);
    ksdump(ks, &b);
    fwrite(buf_head(&b), 1, buf_used(&b), stdout);
    buf_deinit(&b);
}

static int bench(const char *what, long n, const char *path)
{
    struct keyspace ks;
    keyspace_init(&ks, 16);
    char k[64], v[64];
    if (strcmp(what, "strings") == 0) {
        /* As redis-benchmark's SET payloads: key:N -> a short value */
        for (long i = 0; i < n; i++) {
            int kl = snprintf(k, sizeof(k), "key:%010ld", i);
            int vl = snprintf(v, sizeof(v), "value-%ld", i);
            struct obj *o = str_new_encoded(v, (size_t)vl, false);
            db_set(&ks.dbs[0], k, (size_t)kl, o, 0);
            obj_release(o);
        }
    } else if (strcmp(what, "stream") == 0) {
        /* As XADD key * field N value text: Redis's default node limits apply */
        struct obj *st = stream_new();
        for (long i = 0; i < n; i++) {
            int vl = snprintf(v, sizeof(v), "%ld", i);
            struct slice fv[4] = {{"field", 5}, {v, (size_t)vl}, {"value", 5}, {"text", 4}};
            struct stream_id id = {1700000000000ULL + (uint64_t)i / 10, (uint64_t)i % 10}, added;
            stream_add(st, fv, 2, &id, true, 0, &added);
        }
        db_set(&ks.dbs[0], "bigstream", 9, st, 0);
        obj_release(st);
    } else {
        struct obj *l = list_new();
        for (long i = 0; i < n; i++) {
            int vl = snprintf(v, sizeof(v), "element-%ld", i);
            list_push(l, LIST_TAIL, v, (size_t)vl);
        }
        db_set(&ks.dbs[0], "biglist", 7, l, 0);
        obj_release(l);
    }
    double ts, tl;
    uint64_t bytes;
    if (save_file(&ks, path, &ts, &bytes) != 0)
        return 1;
    keyspace_deinit(&ks);
    keyspace_init(&ks, 16);
    if (load_file(&ks, path, &tl) != 0)
        return 1;
    printf("%s n=%ld bytes=%llu save_s=%.3f load_s=%.3f\n", what, n, (unsigned long long)bytes,
           ts, tl);
    keyspace_deinit(&ks);
    return 0;
}

int main(int argc, char **argv)
{
    obj_init_shared();
    if (argc == 3 && strcmp(argv[1], "fill") == 0) {
        struct keyspace ks;
        keyspace_init(&ks, 16);
        ksfill(&ks);
        if (save_file(&ks, argv[2], NULL, NULL) != 0)
            return 1;
        print_dump(&ks);
        keyspace_deinit(&ks);
        return 0;
    }
    if (argc == 3 && (strcmp(argv[1], "dump") == 0 || strcmp(argv[1], "load") == 0)) {
        struct keyspace ks;
        double t;
        keyspace_init(&ks, 16);
        if (load_file(&ks, argv[2], &t) != 0)
            return 1;
        if (argv[1][0] == 'd')
            print_dump(&ks);
        else
            printf("load_s=%.3f\n", t);
        keyspace_deinit(&ks);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "resave") == 0) {
        struct keyspace ks;
        keyspace_init(&ks, 16);
        int rc = load_file(&ks, argv[2], NULL) || save_file(&ks, argv[3], NULL, NULL);
        keyspace_deinit(&ks);
        return rc;
    }
    if (argc == 4 && strncmp(argv[1], "bench-", 6) == 0)
        return bench(argv[1] + 6, atol(argv[2]), argv[3]);
    fprintf(stderr, "usage: rdbtool fill|dump|load FILE | bench-strings|bench-list|bench-stream N FILE\n");
    return 2;
}
