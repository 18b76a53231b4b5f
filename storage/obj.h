/* storage/obj.h: refcounted values.
 *
 * Every value in the keyspace is a struct obj: type, encoding, an LRU/LFU clock and a
 * refcount. Strings come in three encodings chosen exactly as Redis 7.0 chooses them
 * (OBJECT ENCODING must agree): int (a long long in the header), embstr (<= 44 bytes stored
 * in the same allocation as the header), raw (a separate growable block).
 * Start here, then str.h for string operations.
 */
#ifndef KVD_STORAGE_OBJ_H
#define KVD_STORAGE_OBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Numbers as in Redis's RDB and TYPE reply order. */
enum obj_type {
    OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_ZSET = 3, OBJ_HASH = 4,
    OBJ_STREAM = 6, /* 5 is Redis's module type */
};

enum obj_enc {
    OBJ_ENC_RAW = 0,
    OBJ_ENC_INT = 1,
    OBJ_ENC_HT = 2,
    OBJ_ENC_EMBSTR = 8,
    OBJ_ENC_QUICKLIST = 9,
    OBJ_ENC_INTSET = 6,
    OBJ_ENC_SKIPLIST = 7,
    OBJ_ENC_LISTPACK = 11,
    OBJ_ENC_STREAM = 10,
};

#define OBJ_IMMORTAL INT32_MAX    /* refcount of shared objects; retain/release ignore them */
#define OBJ_EMBSTR_MAX 44         /* longest string stored embstr (Redis 7.0) */
#define OBJ_SHARED_INTEGERS 10000 /* shared immortal integers 0..9999 */
#define OBJ_LRU_BITS 24
#define OBJ_LRU_MAX ((1u << OBJ_LRU_BITS) - 1)

struct obj {
    uint32_t type : 4;
    uint32_t enc : 4;
    uint32_t lru : OBJ_LRU_BITS; /* seconds clock (LRU) or LFU time+counter */
    int32_t refcount;
    union {
        void *ptr;      /* raw: struct rawstr *; other types: their structure */
        long long ival; /* int encoding */
    } u;
    /* embstr: a uint8_t length then the bytes and a NUL follow the header here */
};

/* Raw string storage. */
struct rawstr {
    size_t len;
    size_t cap; /* bytes available in data (not counting the NUL kept after len) */
    char data[];
};

/* Creates the shared objects; call once at startup before anything else in storage/. */
void obj_init_shared(void);

/* Immortal shared integer v for 0 <= v < OBJ_SHARED_INTEGERS, else NULL. */
struct obj *obj_shared_int(long long v);

/* Takes another reference. Returns o. Immortal objects are untouched. */
static inline struct obj *obj_retain(struct obj *o)
{
    if (o->refcount != OBJ_IMMORTAL)
        o->refcount++;
    return o;
}
/* Drops a reference; frees the value at zero (type-specific free). */
void obj_release(struct obj *o);

/* New object header with refcount 1; the caller fills u. (For data types in storage/.) */
struct obj *obj_new(enum obj_type type, enum obj_enc enc, void *ptr);

/* OBJECT ENCODING's name for o ("int", "embstr", "raw", "listpack", ...). */
const char *obj_enc_name(const struct obj *o);
/* TYPE's name ("string", "list", "set", "zset", "hash"). */
const char *obj_type_name(const struct obj *o);

/* The LRU clock (seconds, wrapping at OBJ_LRU_MAX) that obj lru fields are compared to.
 * The server sets it once per event-loop pass. */
extern uint32_t obj_lru_clock;
/* Seconds since o was last touched, given the current clock. */
unsigned long long obj_idle_seconds(const struct obj *o);

/* Approximate bytes used by o and what it owns (MEMORY USAGE, DEBUG OBJECT serializedlength
 * estimates). samples: for aggregates, how many elements to sample (0 = all). */
size_t obj_memory_usage(const struct obj *o, size_t samples);

#endif
