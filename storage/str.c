/* storage/str.c: the string value type and its three encodings.
 *
 * Owns the choice between int, embstr and raw (Redis 7.0's tryObjectEncoding and
 * createStringObject rules, which OBJECT ENCODING exposes), reading the bytes of any
 * encoding, and the in-place growth behind APPEND and SETRANGE.
 * Knows nothing of keys, expiry or replies; the caller stores the results in the keyspace.
 * Start at str_new_encoded(); obj.h shows the memory layout.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "storage/str.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "utils/mem.h"

#define EMB_OFF offsetof(struct obj, u)

/* Redis grows strings by doubling below 1 MiB and by 1 MiB steps above, so a run of
 * APPENDs costs amortised O(1) without wasting half of a huge value. */
#define GROW_LINEAR_STEP (1024u * 1024u)

static inline unsigned char *emb_base(const struct obj *o)
{
    return (unsigned char *)o + EMB_OFF;
}

static struct obj *new_embstr(const char *p, size_t len)
{
    size_t need = EMB_OFF + 1 + len + 1;
    struct obj *o = mem_alloc(need < sizeof(struct obj) ? sizeof(struct obj) : need);
    o->type = OBJ_STRING;
    o->enc = OBJ_ENC_EMBSTR;
    o->lru = obj_lru_clock & OBJ_LRU_MAX;
    o->refcount = 1;
    unsigned char *b = emb_base(o);
    b[0] = (unsigned char)len;
    if (len)
        memcpy(b + 1, p, len);
    b[1 + len] = '\0';
    return o;
}

static struct rawstr *rawstr_new(const char *p, size_t len, size_t cap)
{
    struct rawstr *r = mem_alloc(sizeof(*r) + cap + 1);
    r->len = len;
    r->cap = cap;
    if (len)
        memcpy(r->data, p, len);
    r->data[len] = '\0';
    return r;
}

struct obj *str_new_raw(const char *p, size_t len)
{
    return obj_new(OBJ_STRING, OBJ_ENC_RAW, rawstr_new(p, len, len));
}

struct obj *str_new(const char *p, size_t len)
{
    if (len <= OBJ_EMBSTR_MAX)
        return new_embstr(p, len);
    return str_new_raw(p, len);
}

struct obj *str_new_int(long long v, bool allow_shared)
{
    if (allow_shared && v >= 0 && v < OBJ_SHARED_INTEGERS)
        return obj_shared_int(v);
    struct obj *o = obj_new(OBJ_STRING, OBJ_ENC_INT, NULL);
    o->u.ival = v;
    return o;
}

struct obj *str_new_encoded(const char *p, size_t len, bool allow_shared)
{
    long long v;
    /* num_str2ll is Redis's string2ll: "0123", " 1", "+1" and "-0" stay strings. */
    if (len <= 20 && len > 0 && num_str2ll(p, len, &v))
        return str_new_int(v, allow_shared);
    return str_new(p, len);
}

const char *str_bytes(const struct obj *o, char *tmp, size_t *len)
{
    switch (o->enc) {
    case OBJ_ENC_EMBSTR: {
        const unsigned char *b = emb_base(o);
        *len = b[0];
        return (const char *)b + 1;
    }
    case OBJ_ENC_INT:
        *len = num_ll2str(tmp, o->u.ival);
        return tmp;
    default: {
        const struct rawstr *r = o->u.ptr;
        *len = r->len;
        return r->data;
    }
    }
}

size_t str_len(const struct obj *o)
{
    switch (o->enc) {
    case OBJ_ENC_EMBSTR: return emb_base(o)[0];
    case OBJ_ENC_INT: return (size_t)num_ll_digits(o->u.ival);
    default: return ((const struct rawstr *)o->u.ptr)->len;
    }
}

bool str_to_ll(const struct obj *o, long long *out)
{
    if (o->enc == OBJ_ENC_INT) {
        *out = o->u.ival;
        return true;
    }
    char tmp[NUM_LL_MAXLEN];
    size_t len;
    const char *p = str_bytes(o, tmp, &len);
    return num_str2ll(p, len, out);
}

struct obj *str_unshare_take(struct obj *o)
{
    if (o->refcount == 1 && o->enc == OBJ_ENC_RAW)
        return o;
    char tmp[NUM_LL_MAXLEN];
    size_t len;
    const char *p = str_bytes(o, tmp, &len);
    struct obj *copy = str_new_raw(p, len);
    obj_release(o);
    return copy;
}

/* Makes room for `need` bytes of content in o's raw block. May move the block. */
static struct rawstr *reserve(struct obj *o, size_t need)
{
    struct rawstr *r = o->u.ptr;
    if (need <= r->cap)
        return r;
    size_t cap = need < GROW_LINEAR_STEP ? need * 2 : need + GROW_LINEAR_STEP;
    r = mem_realloc(r, sizeof(*r) + cap + 1);
    /* The allocator's size classes round up; claim the slack so later appends use it. */
    size_t usable = mem_usable(r);
    if (usable > sizeof(*r) + cap + 1)
        cap = usable - sizeof(*r) - 1;
    r->cap = cap;
    o->u.ptr = r;
    return r;
}

void str_append(struct obj *o, const char *p, size_t len)
{
    assert(o->enc == OBJ_ENC_RAW && o->refcount == 1);
    if (len == 0)
        return;
    struct rawstr *r = o->u.ptr;
    /* p may point into o itself (APPEND k with its own bytes): keep its offset over a move. */
    bool inside = p >= r->data && p < r->data + r->len;
    size_t off = inside ? (size_t)(p - r->data) : 0;
    size_t oldlen = r->len;
    r = reserve(o, oldlen + len);
    if (inside)
        p = r->data + off;
    memmove(r->data + oldlen, p, len);
    r->len = oldlen + len;
    r->data[r->len] = '\0';
}

void str_setrange(struct obj *o, size_t offset, const char *p, size_t len)
{
    assert(o->enc == OBJ_ENC_RAW && o->refcount == 1);
    /* Redis leaves the value untouched for an empty patch, even past the end. */
    if (len == 0)
        return;
    struct rawstr *r = o->u.ptr;
    size_t end = offset + len;
    bool inside = p >= r->data && p < r->data + r->len;
    size_t off = inside ? (size_t)(p - r->data) : 0;
    if (end > r->len) {
        size_t oldlen = r->len;
        r = reserve(o, end);
        if (inside)
            p = r->data + off;
        if (offset > oldlen)
            memset(r->data + oldlen, 0, offset - oldlen);
        r->len = end;
        r->data[end] = '\0';
    }
    memmove(r->data + offset, p, len);
}
