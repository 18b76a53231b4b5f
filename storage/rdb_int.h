/* storage/rdb_int.h: what rdb.c, rdb_save.c and rdb_load.c share, and nobody else may see.
 *
 * The opcode and type numbers, the string and quicklist encodings both directions agree on,
 * and the error helpers. Not part of the API: the rest of kvd includes storage/rdb.h only.
 */
#ifndef KVD_STORAGE_RDB_INT_H
#define KVD_STORAGE_RDB_INT_H

#include <stdint.h>

#include "storage/rdb.h"

/* Opcodes and value types, numbered as in Redis's rdb.h. */
enum {
    T_STRING = 0,
    T_LIST = 1,
    T_SET = 2,
    T_ZSET = 3,
    T_HASH = 4,
    T_ZSET_2 = 5,
    T_MODULE_PRE_GA = 6,
    T_MODULE_2 = 7,
    T_HASH_ZIPMAP = 9,
    T_LIST_ZIPLIST = 10,
    T_SET_INTSET = 11,
    T_ZSET_ZIPLIST = 12,
    T_HASH_ZIPLIST = 13,
    T_LIST_QUICKLIST = 14,
    T_STREAM_LISTPACKS = 15,
    T_HASH_LISTPACK = 16,
    T_ZSET_LISTPACK = 17,
    T_LIST_QUICKLIST_2 = 18,
    T_STREAM_LISTPACKS_2 = 19,
    OP_FUNCTION2 = 245,
    OP_FUNCTION_PRE_GA = 246,
    OP_MODULE_AUX = 247,
    OP_IDLE = 248,
    OP_FREQ = 249,
    OP_AUX = 250,
    OP_RESIZEDB = 251,
    OP_EXPIRETIME_MS = 252,
    OP_EXPIRETIME = 253,
    OP_SELECTDB = 254,
    OP_EOF = 255,
};

/* Special string encodings (low bits after a 0xC0 length byte) and quicklist-2 containers. */
#define ENC_INT8 0
#define ENC_INT16 1
#define ENC_INT32 2
#define ENC_LZF 3
#define QL_NODE_PLAIN 1
#define QL_NODE_PACKED 2

/* Records the first failure in err (NULL: ignored) with a printf-style message; later calls
 * leave it alone, since the first failure is the cause and the rest are consequences. */
void rdb_set_error(struct rdb_error *err, enum rdb_status st, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Clears err (NULL: nothing) before an operation that may fill it. */
void rdb_error_reset(struct rdb_error *err);

#endif
