/* storage/rdb.c: what saving and loading RDB data share: status names and error reports.
 *
 * The format itself lives in two halves: rdb_save.c writes (files, DUMP payloads, single
 * values), rdb_load.c reads and rebuilds values; rdb_int.h holds the opcode numbers and
 * encodings both agree on, and rdb_pack.c Redis's packed blob layouts.
 * Knows nothing of the keyspace, files or the server.
 * Start at storage/rdb.h for the API, then rdb_save() and rdb_load_fd().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/rdb.h"

#include <stdarg.h>
#include <stdio.h>

#include "storage/rdb_int.h"

const char *rdb_status_name(enum rdb_status st)
{
    switch (st) {
    case RDB_OK: return "ok";
    case RDB_ERR_IO: return "I/O error";
    case RDB_ERR_FORMAT: return "corrupt or truncated data";
    case RDB_ERR_VERSION: return "unsupported version";
    case RDB_ERR_CHECKSUM: return "checksum mismatch";
    case RDB_ERR_UNSUPPORTED: return "unsupported content";
    case RDB_ERR_DUPLICATE: return "duplicate key";
    case RDB_ERR_ABORTED: return "aborted";
    }
    return "?";
}

void rdb_set_error(struct rdb_error *err, enum rdb_status st, uint64_t off, const char *fmt, ...)
{
    if (err == NULL || err->st != RDB_OK)
        return; /* the first failure is the cause; later ones are consequences */
    err->st = st;
    err->offset = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}

void rdb_error_reset(struct rdb_error *err)
{
    if (err != NULL) {
        err->st = RDB_OK;
        err->offset = 0;
        err->sys_errno = 0;
        err->msg[0] = '\0';
    }
}
