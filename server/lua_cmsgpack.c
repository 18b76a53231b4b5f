/* server/lua_cmsgpack.c: the `cmsgpack` Lua library scripts use: MessagePack pack/unpack.
 *
 * Written for kvd to behave as the library Redis 7.0 bundles (checked against redis-server
 * 7.0.15): integers take their smallest encoding (unsigned forms for positive values), other
 * numbers float32 when exact else float64, strings fixstr/str8/str16/str32, tables arrays when
 * their keys are exactly 1..n else maps, anything nested deeper than 16 tables packs as nil.
 * Unpacking refuses bin and ext types ("Bad data format in input."). Knows nothing of Redis;
 * script.c opens it. Start at mp_pack() and mp_unpack_full().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "server/lua_libs.h"
#include "utils/mem.h"

#define MP_MAX_NESTING 16

/* ---- packing -------------------------------------------------------------------------------- */

/* The output being built. Not a luaL_Buffer: packing walks tables with lua_next, which needs
 * stack slots a luaL_Buffer forbids between its calls. Nothing in packing raises, so the
 * buffer cannot leak through a longjmp. */
struct mpbuf {
    char *p;
    size_t len, cap;
};

static void addlstring(struct mpbuf *b, const char *s, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = mem_realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void addchar(struct mpbuf *b, char c)
{
    addlstring(b, &c, 1);
}

static void put_be(struct mpbuf *b, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--)
        addchar(b, (char)((v >> (8 * i)) & 0xff));
}

static void put_tag_be(struct mpbuf *b, unsigned char tag, uint64_t v, int bytes)
{
    addchar(b, (char)tag);
    put_be(b, v, bytes);
}

static void pack_int(struct mpbuf *b, int64_t v)
{
    if (v >= 0) {
        uint64_t u = (uint64_t)v;
        if (u <= 127)
            addchar(b, (char)u);
        else if (u <= 0xff)
            put_tag_be(b, 0xcc, u, 1);
        else if (u <= 0xffff)
            put_tag_be(b, 0xcd, u, 2);
        else if (u <= 0xffffffffULL)
            put_tag_be(b, 0xce, u, 4);
        else
            put_tag_be(b, 0xcf, u, 8);
        return;
    }
    uint64_t bits = (uint64_t)v;
    if (v >= -32)
        addchar(b, (char)(bits & 0xff));
    else if (v >= -128)
        put_tag_be(b, 0xd0, bits & 0xff, 1);
    else if (v >= -32768)
        put_tag_be(b, 0xd1, bits & 0xffff, 2);
    else if (v >= -2147483648LL)
        put_tag_be(b, 0xd2, bits & 0xffffffffULL, 4);
    else
        put_tag_be(b, 0xd3, bits, 8);
}

static void pack_number(struct mpbuf *b, double d)
{
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && (double)(int64_t)d == d) {
        pack_int(b, (int64_t)d);
        return;
    }
    float f = (float)d;
    if ((double)f == d) {
        uint32_t u;
        memcpy(&u, &f, sizeof(u));
        put_tag_be(b, 0xca, u, 4);
    } else {
        uint64_t u;
        memcpy(&u, &d, sizeof(u));
        put_tag_be(b, 0xcb, u, 8);
    }
}

static void pack_string(struct mpbuf *b, const char *s, size_t len)
{
    if (len < 32)
        addchar(b, (char)(0xa0 | len));
    else if (len <= 0xff)
        put_tag_be(b, 0xd9, len, 1);
    else if (len <= 0xffff)
        put_tag_be(b, 0xda, len, 2);
    else
        put_tag_be(b, 0xdb, len, 4);
    addlstring(b, s, len);
}

/* True if the table at index t has exactly the keys 1..n (an empty table counts). */
static bool table_is_array(lua_State *L, int t)
{
    double max = 0;
    double count = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TNUMBER) {
            lua_pop(L, 1);
            return false;
        }
        double k = lua_tonumber(L, -1);
        if (k <= 0 || floor(k) != k) {
            lua_pop(L, 1);
            return false;
        }
        if (k > max)
            max = k;
        count++;
    }
    return max == count;
}

static void pack_value(lua_State *L, struct mpbuf *b, int idx, int level);

static void pack_table(lua_State *L, struct mpbuf *b, int t, int level)
{
    bool is_array = table_is_array(L, t);
    size_t n = lua_objlen(L, t);
    if (!is_array) {
        n = 0;
        lua_pushnil(L);
        while (lua_next(L, t)) {
            lua_pop(L, 1);
            n++;
        }
    }
    unsigned char small = is_array ? 0x90 : 0x80;
    unsigned char t16 = is_array ? 0xdc : 0xde;
    if (n < 16)
        addchar(b, (char)(small | n));
    else if (n <= 0xffff)
        put_tag_be(b, t16, n, 2);
    else
        put_tag_be(b, t16 + 1, n, 4);
    if (is_array) {
        for (size_t i = 1; i <= n; i++) {
            lua_rawgeti(L, t, (int)i);
            pack_value(L, b, lua_gettop(L), level + 1);
            lua_pop(L, 1);
        }
        return;
    }
    lua_pushnil(L);
    while (lua_next(L, t)) {
        int v = lua_gettop(L);
        pack_value(L, b, v - 1, level + 1);
        pack_value(L, b, v, level + 1);
        lua_pop(L, 1);
    }
}

static void pack_value(lua_State *L, struct mpbuf *b, int idx, int level)
{
    size_t len;
    const char *s;
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
        addchar(b, lua_toboolean(L, idx) ? (char)0xc3 : (char)0xc2);
        break;
    case LUA_TNUMBER:
        pack_number(b, lua_tonumber(L, idx));
        break;
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &len);
        pack_string(b, s, len);
        break;
    case LUA_TTABLE:
        /* Tables nested deeper than the limit pack as nil. */
        if (level <= MP_MAX_NESTING && lua_checkstack(L, 4))
            pack_table(L, b, idx, level);
        else
            addchar(b, (char)0xc0);
        break;
    default:
        addchar(b, (char)0xc0);
        break;
    }
}

/* cmsgpack.pack(v1, v2, ...): the encodings of every argument, concatenated. */
static int mp_pack(lua_State *L)
{
    int n = lua_gettop(L);
    if (n == 0)
        return luaL_argerror(L, 0, "MessagePack pack needs input.");
    struct mpbuf b = {0};
    for (int i = 1; i <= n; i++)
        pack_value(L, &b, i, 1);
    lua_pushlstring(L, b.p != NULL ? b.p : "", b.len);
    mem_free(b.p);
    return 1;
}

/* ---- unpacking ------------------------------------------------------------------------------ */

struct mp_cur {
    const unsigned char *p;
    size_t left;
};

static uint64_t get_be(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = (v << 8) | p[i];
    return v;
}

static void need(lua_State *L, struct mp_cur *c, size_t n)
{
    if (c->left < n)
        luaL_error(L, "Missing bytes in input.");
}

static void take(struct mp_cur *c, size_t n)
{
    c->p += n;
    c->left -= n;
}

static void unpack_value(lua_State *L, struct mp_cur *c);

static void unpack_array(lua_State *L, struct mp_cur *c, uint64_t n)
{
    lua_newtable(L);
    for (uint64_t i = 1; i <= n; i++) {
        unpack_value(L, c);
        lua_rawseti(L, -2, (int)i);
    }
}

static void unpack_map(lua_State *L, struct mp_cur *c, uint64_t n)
{
    lua_newtable(L);
    for (uint64_t i = 0; i < n; i++) {
        unpack_value(L, c);
        unpack_value(L, c);
        lua_settable(L, -3);
    }
}

/* Reads a big-endian length or number of bytes bytes after the tag. */
static uint64_t read_len(lua_State *L, struct mp_cur *c, int bytes)
{
    need(L, c, (size_t)bytes);
    uint64_t v = get_be(c->p, bytes);
    take(c, (size_t)bytes);
    return v;
}

static void unpack_str(lua_State *L, struct mp_cur *c, uint64_t len)
{
    need(L, c, len);
    lua_pushlstring(L, (const char *)c->p, len);
    take(c, len);
}

/* Decodes one value at the cursor and pushes it. */
static void unpack_value(lua_State *L, struct mp_cur *c)
{
    if (!lua_checkstack(L, 4))
        luaL_error(L, "Bad data format in input.");
    need(L, c, 1);
    unsigned char tag = c->p[0];
    take(c, 1);
    if (tag <= 0x7f) {
        lua_pushnumber(L, tag);
        return;
    }
    if (tag >= 0xe0) {
        lua_pushnumber(L, (int8_t)tag);
        return;
    }
    if ((tag & 0xe0) == 0xa0) {
        unpack_str(L, c, tag & 0x1f);
        return;
    }
    if ((tag & 0xf0) == 0x90) {
        unpack_array(L, c, tag & 0x0f);
        return;
    }
    if ((tag & 0xf0) == 0x80) {
        unpack_map(L, c, tag & 0x0f);
        return;
    }
    uint64_t v;
    switch (tag) {
    case 0xc0: lua_pushnil(L); return;
    case 0xc2: lua_pushboolean(L, 0); return;
    case 0xc3: lua_pushboolean(L, 1); return;
    case 0xcc: lua_pushnumber(L, (lua_Number)read_len(L, c, 1)); return;
    case 0xcd: lua_pushnumber(L, (lua_Number)read_len(L, c, 2)); return;
    case 0xce: lua_pushnumber(L, (lua_Number)read_len(L, c, 4)); return;
    /* uint64 goes through int64, as Redis's library reads it (all ones is -1) */
    case 0xcf: lua_pushnumber(L, (lua_Number)(int64_t)read_len(L, c, 8)); return;
    case 0xd0: lua_pushnumber(L, (int8_t)read_len(L, c, 1)); return;
    case 0xd1: lua_pushnumber(L, (int16_t)read_len(L, c, 2)); return;
    case 0xd2: lua_pushnumber(L, (int32_t)read_len(L, c, 4)); return;
    case 0xd3: lua_pushnumber(L, (lua_Number)(int64_t)read_len(L, c, 8)); return;
    case 0xca: {
        uint32_t u = (uint32_t)read_len(L, c, 4);
        float f;
        memcpy(&f, &u, sizeof(f));
        lua_pushnumber(L, f);
        return;
    }
    case 0xcb: {
        v = read_len(L, c, 8);
        double d;
        memcpy(&d, &v, sizeof(d));
        lua_pushnumber(L, d);
        return;
    }
    case 0xd9: unpack_str(L, c, read_len(L, c, 1)); return;
    case 0xda: unpack_str(L, c, read_len(L, c, 2)); return;
    case 0xdb: unpack_str(L, c, read_len(L, c, 4)); return;
    case 0xdc: unpack_array(L, c, read_len(L, c, 2)); return;
    case 0xdd: unpack_array(L, c, read_len(L, c, 4)); return;
    case 0xde: unpack_map(L, c, read_len(L, c, 2)); return;
    case 0xdf: unpack_map(L, c, read_len(L, c, 4)); return;
    default:
        luaL_error(L, "Bad data format in input.");
    }
}

/* Decodes up to limit values from byte offset. With limit and offset both 0 it decodes
 * everything and pushes only the values; otherwise it first pushes the next offset (-1 once
 * the input is used up), as Redis's library does (so limit 0 with an offset decodes none). */
static int unpack_generic(lua_State *L, int limit, int offset)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    if (offset < 0 || limit < 0)
        return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                          offset, (int)len);
    if ((size_t)offset > len)
        return luaL_error(L, "Start offset %d greater than input length %d.", offset, (int)len);
    bool all = limit == 0 && offset == 0;
    struct mp_cur c = {.p = (const unsigned char *)s + offset, .left = len - (size_t)offset};
    int base = lua_gettop(L);
    if (!all)
        lua_pushnil(L); /* the offset, set below */
    int n = 0;
    while (c.left > 0 && (all || n < limit)) {
        unpack_value(L, &c);
        n++;
    }
    if (all)
        return n;
    lua_pushnumber(L, c.left == 0 ? -1 : (lua_Number)(len - c.left));
    lua_replace(L, base + 1);
    return n + 1;
}

static int mp_unpack_full(lua_State *L)
{
    return unpack_generic(L, 0, 0);
}

static int mp_unpack_one(lua_State *L)
{
    int offset = (int)luaL_optinteger(L, 2, 0);
    lua_settop(L, 1);
    return unpack_generic(L, 1, offset);
}

static int mp_unpack_limit(lua_State *L)
{
    int limit = (int)luaL_checkinteger(L, 2);
    int offset = (int)luaL_optinteger(L, 3, 0);
    lua_settop(L, 1);
    return unpack_generic(L, limit, offset);
}

int luaopen_cmsgpack(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"pack", mp_pack},
        {"unpack", mp_unpack_full},
        {"unpack_one", mp_unpack_one},
        {"unpack_limit", mp_unpack_limit},
        {NULL, NULL},
    };
    lua_newtable(L);
    luaL_register(L, NULL, fns);
    lua_pushliteral(L, "cmsgpack");
    lua_setfield(L, -2, "_NAME");
    lua_pushliteral(L, "lua-cmsgpack 0.4.0");
    lua_setfield(L, -2, "_VERSION");
    lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
    lua_setfield(L, -2, "_COPYRIGHT");
    lua_pushliteral(L, "MessagePack C implementation for Lua");
    lua_setfield(L, -2, "_DESCRIPTION");
    return 1;
}
