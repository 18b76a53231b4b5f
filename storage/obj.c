/* storage/obj.c: the refcounted value header, shared integers and per-type release.
 *
 * Owns struct obj's lifetime: creation of bare headers, the immortal small integers, the
 * switch that frees a value by type, deep copies (obj_dup), names for OBJECT/TYPE and the
 * memory estimate behind MEMORY USAGE. String encodings themselves live in str.c.
 * Knows nothing of keys, databases, connections or replies.
 * Start at obj_release(); obj.h documents the layout (embstr bytes follow the header).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/obj.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "storage/db.h"
#include "storage/hash.h" /* hash: OBJ_HASH cases */
#include "storage/list.h" /* list: OBJ_LIST cases */
#include "storage/set.h"  /* set: OBJ_SET cases */
#include "storage/str.h"
#include "storage/stream.h" /* stream: OBJ_STREAM cases */
#include "storage/zset.h" /* zset: OBJ_ZSET cases */
#include "utils/mem.h"

uint32_t obj_lru_clock;

/* Immortal, never freed; a static array keeps them out of the allocator and contiguous. */
static struct obj shared_ints[OBJ_SHARED_INTEGERS];
static bool shared_ready;

void obj_init_shared(void)
{
    if (shared_ready)
        return;
    for (int i = 0; i < OBJ_SHARED_INTEGERS; i++) {
        shared_ints[i].type = OBJ_STRING;
        shared_ints[i].enc = OBJ_ENC_INT;
        shared_ints[i].lru = 0;
        shared_ints[i].refcount = OBJ_IMMORTAL;
        shared_ints[i].u.ival = i;
    }
    shared_ready = true;
}

struct obj *obj_shared_int(long long v)
{
    if (v < 0 || v >= OBJ_SHARED_INTEGERS)
        return NULL;
    if (!shared_ready)
        obj_init_shared();
    return &shared_ints[v];
}

struct obj *obj_new(enum obj_type type, enum obj_enc enc, void *ptr)
{
    struct obj *o = mem_alloc(sizeof(*o));
    o->type = type;
    o->enc = enc;
    o->lru = obj_lru_clock & OBJ_LRU_MAX;
    o->refcount = 1;
    o->u.ptr = ptr;
    return o;
}

/* Frees what the value owns beyond its header. Every new type adds its case here. */
static void free_payload(struct obj *o)
{
    switch (o->type) {
    case OBJ_STRING:
        if (o->enc == OBJ_ENC_RAW)
            mem_free(o->u.ptr);
        /* int keeps the value in the header; embstr's bytes share the header's block */
        return;
    case OBJ_LIST: /* list */
        list_free(o->u.ptr);
        return;
    case OBJ_ZSET: /* zset */
        zset_free(o->u.ptr, o->enc);
        return;
    case OBJ_HASH: /* hash */
        hash_free(o->u.ptr, o->enc);
        return;
    case OBJ_SET: /* set */
        set_free(o->u.ptr, o->enc);
        return;
    case OBJ_STREAM: /* stream */
        stream_free(o->u.ptr);
        return;
    }
    /* A type without a free routine would leak silently; stop loudly instead. */
    fprintf(stderr, "kvd: obj_release: no free routine for type %u\n", (unsigned)o->type);
    abort();
}

void obj_release(struct obj *o)
{
    if (o->refcount == OBJ_IMMORTAL)
        return;
    assert(o->refcount > 0);
    if (--o->refcount > 0)
        return;
    free_payload(o);
    mem_free(o);
}

struct obj *obj_dup(const struct obj *o)
{
    switch (o->type) {
    case OBJ_STRING:
        switch (o->enc) {
        case OBJ_ENC_INT:
            /* An immortal integer is already a value nobody can change. */
            if (o->refcount == OBJ_IMMORTAL)
                return (struct obj *)o;
            return str_new_int(o->u.ival, false);
        case OBJ_ENC_EMBSTR: {
            char tmp[NUM_LL_MAXLEN];
            size_t len;
            const char *p = str_bytes(o, tmp, &len);
            return str_new(p, len);
        }
        default: {
            const struct rawstr *r = o->u.ptr;
            return str_new_raw(r->data, r->len);
        }
        }
    case OBJ_LIST: /* list */
        return list_dup(o);
    case OBJ_ZSET: /* zset */
        return zset_dup(o);
    case OBJ_HASH: /* hash */
        return hash_dup(o);
    case OBJ_SET: /* set */
        return set_dup(o);
    case OBJ_STREAM: /* stream */
        return stream_dup(o);
    }
    fprintf(stderr, "kvd: obj_dup: no copy routine for type %u\n", (unsigned)o->type);
    abort();
}

const char *obj_enc_name(const struct obj *o)
{
    switch (o->enc) {
    case OBJ_ENC_RAW: return "raw";
    case OBJ_ENC_INT: return "int";
    case OBJ_ENC_HT: return "hashtable";
    case OBJ_ENC_EMBSTR: return "embstr";
    case OBJ_ENC_QUICKLIST: return "quicklist";
    case OBJ_ENC_INTSET: return "intset";
    case OBJ_ENC_SKIPLIST: return "skiplist";
    case OBJ_ENC_LISTPACK: return "listpack";
    case OBJ_ENC_STREAM: return "stream";
    }
    return "unknown";
}

const char *obj_type_name(const struct obj *o)
{
    switch (o->type) {
    case OBJ_STRING: return "string";
    case OBJ_LIST: return "list";
    case OBJ_SET: return "set";
    case OBJ_ZSET: return "zset";
    case OBJ_HASH: return "hash";
    case OBJ_STREAM: return "stream";
    }
    return "unknown";
}

unsigned long long obj_idle_seconds(const struct obj *o)
{
    uint32_t now = obj_lru_clock & OBJ_LRU_MAX;
    /* The 24-bit clock wraps every ~194 days; an older stamp than now means it wrapped. */
    if (now >= o->lru)
        return now - o->lru;
    return (unsigned long long)now + (OBJ_LRU_MAX - o->lru);
}

size_t obj_memory_usage(const struct obj *o, size_t samples)
{
    switch (o->type) {
    case OBJ_STRING:
        if (o->refcount == OBJ_IMMORTAL)
            return sizeof(*o); /* Redis counts a shared integer's header too */
        if (o->enc == OBJ_ENC_RAW)
            return mem_usable(o) + mem_usable(o->u.ptr);
        return mem_usable(o);
    case OBJ_LIST: /* list */
        return list_memory_usage(o, samples);
    case OBJ_ZSET: /* zset */
        return zset_memory_usage(o, samples);
    case OBJ_HASH: /* hash */
        return hash_memory_usage(o, samples);
    case OBJ_SET: /* set */
        return set_memory_usage(o, samples);
    case OBJ_STREAM: /* stream */
        return stream_memory_usage(o, samples);
    }
    return sizeof(*o);
}
