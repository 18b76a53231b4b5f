/* server/lua_struct.c: the `struct` Lua library scripts use: pack, unpack and size of binary
 * records described by a format string.
 *
 * Written for kvd to behave as the struct library Redis 7.0 bundles (checked against
 * redis-server 7.0.15). Format: '<' '>' '=' set the byte order (little, big, native), '!n'
 * the maximum alignment (n defaults to the platform's), ' ' is ignored; 'b'/'B' char,
 * 'h'/'H' short, 'l'/'L' long, 'T' size_t, 'i'/'I' int with an optional byte size n (1..32),
 * 'f' float, 'd' double, 's' zero-terminated string, 'cn' n chars ('c0': the whole string
 * when packing, a length taken from the previous number when unpacking), 'x' a zero byte.
 * Numeric options align to min(size, alignment). Knows nothing of Redis; script.c opens it.
 * Start at st_pack().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <ctype.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "server/lua_libs.h"

#define ST_MAXINTSIZE 32

/* The platform's largest alignment ('!' without a number). */
struct st_align_probe {
    char c;
    union {
        double d;
        void *p;
        long l;
    } u;
};
#define ST_MAXALIGN offsetof(struct st_align_probe, u)

struct st_header {
    bool little; /* byte order of the next options */
    int align;   /* maximum alignment */
};

static bool read_number(const char **fmt, int *out)
{
    if (!isdigit((unsigned char)**fmt))
        return false;
    int a = 0;
    while (isdigit((unsigned char)**fmt) && a < 100000)
        a = a * 10 + (*((*fmt)++) - '0');
    *out = a;
    return true;
}

static int opt_size(lua_State *L, const char **fmt, int def)
{
    int n;
    if (!read_number(fmt, &n))
        return def;
    if (n > ST_MAXINTSIZE)
        luaL_error(L, "integral size %d is larger than limit of %d", n, ST_MAXINTSIZE);
    return n;
}

/* Reads the next option, applying header options on the way; returns its size in bytes
 * (0 for 's' and 'c0', whose size depends on the data) and the option in *opt, or false at
 * the end of the format. */
static bool next_option(lua_State *L, const char **fmt, struct st_header *h, char *opt,
                        size_t *size)
{
    for (;;) {
        char c = **fmt;
        if (c == '\0')
            return false;
        (*fmt)++;
        *opt = c;
        switch (c) {
        case 'b': case 'B': case 'x': *size = 1; return true;
        case 'h': case 'H': *size = sizeof(short); return true;
        case 'l': case 'L': *size = sizeof(long); return true;
        case 'T': *size = sizeof(size_t); return true;
        case 'f': *size = sizeof(float); return true;
        case 'd': *size = sizeof(double); return true;
        case 's': *size = 0; return true;
        case 'c': *size = (size_t)opt_size(L, fmt, 1); return true;
        case 'i': case 'I': *size = (size_t)opt_size(L, fmt, (int)sizeof(int)); return true;
        case ' ': break;
        case '<': h->little = true; break;
        case '>': h->little = false; break;
        case '=': h->little = true; break; /* kvd runs on little-endian hosts */
        case '!': {
            int a;
            if (!read_number(fmt, &a))
                a = (int)ST_MAXALIGN;
            if (a <= 0 || (a & (a - 1)) != 0)
                luaL_error(L, "alignment %d is not a power of 2", a);
            h->align = a;
            break;
        }
        default:
            luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", c));
        }
    }
}

/* Padding needed before an option of size size at offset len. */
static size_t padding(char opt, size_t size, size_t len, const struct st_header *h)
{
    if (size <= 1 || opt == 'c' || opt == 's' || opt == 'x')
        return 0;
    size_t a = size < (size_t)h->align ? size : (size_t)h->align;
    if (a & (a - 1))
        return 0;
    return (a - (len & (a - 1))) & (a - 1);
}

static void put_int(luaL_Buffer *b, uint64_t v, size_t size, bool little, bool negative)
{
    char bytes[ST_MAXINTSIZE];
    for (size_t i = 0; i < size; i++) {
        unsigned char byte = i < 8 ? (unsigned char)(v >> (8 * i)) : (negative ? 0xff : 0);
        bytes[little ? i : size - 1 - i] = (char)byte;
    }
    luaL_addlstring(b, bytes, size);
}

static void put_float(luaL_Buffer *b, const void *p, size_t size, bool little)
{
    char bytes[8];
    memcpy(bytes, p, size);
    if (!little) {
        for (size_t i = 0; i < size / 2; i++) {
            char t = bytes[i];
            bytes[i] = bytes[size - 1 - i];
            bytes[size - 1 - i] = t;
        }
    }
    luaL_addlstring(b, bytes, size);
}

/* Converts without undefined behaviour: out-of-range values wrap as two's complement. */
static uint64_t number_bits(double d, bool *negative)
{
    *negative = d < 0;
    if (d >= 0)
        return d < 18446744073709551616.0 ? (uint64_t)d : UINT64_MAX;
    if (d >= -9223372036854775808.0)
        return (uint64_t)(int64_t)d;
    return (uint64_t)INT64_MIN;
}

/* struct.pack(fmt, v1, ...) */
static int st_pack(lua_State *L)
{
    const char *fmt = luaL_checkstring(L, 1);
    struct st_header h = {.little = true, .align = 1};
    int arg = 2;
    size_t total = 0;
    luaL_Buffer b;
    /* A nil first, as Redis's library does: a missing first value reads "got nil". */
    lua_pushnil(L);
    luaL_buffinit(L, &b);
    char opt;
    size_t size;
    while (next_option(L, &fmt, &h, &opt, &size)) {
        size_t pad = padding(opt, size, total, &h);
        total += pad;
        while (pad-- > 0)
            luaL_addchar(&b, '\0');
        switch (opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
            bool negative;
            uint64_t v = number_bits(luaL_checknumber(L, arg++), &negative);
            put_int(&b, v, size, h.little, negative);
            break;
        }
        case 'x':
            luaL_addchar(&b, '\0');
            break;
        case 'f': {
            float f = (float)luaL_checknumber(L, arg++);
            put_float(&b, &f, sizeof(f), h.little);
            break;
        }
        case 'd': {
            double d = luaL_checknumber(L, arg++);
            put_float(&b, &d, sizeof(d), h.little);
            break;
        }
        case 'c':
        case 's': {
            size_t l;
            const char *s = luaL_checklstring(L, arg, &l);
            if (opt == 's') {
                luaL_addlstring(&b, s, l);
                luaL_addchar(&b, '\0');
                size = l + 1;
            } else {
                if (size == 0)
                    size = l;
                /* Redis's library names the argument after this one. */
                luaL_argcheck(L, l >= size, arg + 1, "string too short");
                luaL_addlstring(&b, s, size);
            }
            arg++;
            break;
        }
        default:
            break;
        }
        total += size;
    }
    luaL_pushresult(&b);
    return 1;
}

static uint64_t get_int(const char *p, size_t size, bool little)
{
    uint64_t v = 0;
    size_t n = size < 8 ? size : 8;
    for (size_t i = 0; i < n; i++) {
        unsigned char byte = (unsigned char)p[little ? i : size - 1 - i];
        v |= (uint64_t)byte << (8 * i);
    }
    return v;
}

static void get_float(void *dst, const char *p, size_t size, bool little)
{
    char bytes[8];
    memcpy(bytes, p, size);
    if (!little) {
        for (size_t i = 0; i < size / 2; i++) {
            char t = bytes[i];
            bytes[i] = bytes[size - 1 - i];
            bytes[size - 1 - i] = t;
        }
    }
    memcpy(dst, bytes, size);
}

/* struct.unpack(fmt, data [, init]): the values, then the position after them (1-based). */
static int st_unpack(lua_State *L)
{
    const char *fmt = luaL_checkstring(L, 1);
    size_t ld;
    const char *data = luaL_checklstring(L, 2, &ld);
    lua_Integer init = luaL_optinteger(L, 3, 1);
    luaL_argcheck(L, init > 0, 3, "offset must be 1 or greater");
    size_t pos = (size_t)init - 1;
    struct st_header h = {.little = true, .align = 1};
    int n = 0;
    char opt;
    size_t size;
    lua_settop(L, 2);
    while (next_option(L, &fmt, &h, &opt, &size)) {
        pos += padding(opt, size, pos, &h);
        luaL_argcheck(L, pos <= ld && size <= ld - pos, 2, "data string too short");
        luaL_checkstack(L, 2, "too many results");
        switch (opt) {
        case 'b': case 'h': case 'l': case 'i': {
            uint64_t v = get_int(data + pos, size, h.little);
            if (size < 8 && (v >> (size * 8 - 1)) & 1)
                v |= ~(uint64_t)0 << (size * 8); /* sign-extend */
            lua_pushnumber(L, (lua_Number)(int64_t)v);
            n++;
            break;
        }
        case 'B': case 'H': case 'L': case 'T': case 'I':
            lua_pushnumber(L, (lua_Number)get_int(data + pos, size, h.little));
            n++;
            break;
        case 'x':
            break;
        case 'f': {
            float f;
            get_float(&f, data + pos, sizeof(f), h.little);
            lua_pushnumber(L, f);
            n++;
            break;
        }
        case 'd': {
            double d;
            get_float(&d, data + pos, sizeof(d), h.little);
            lua_pushnumber(L, d);
            n++;
            break;
        }
        case 'c':
            if (size == 0) {
                if (n == 0 || !lua_isnumber(L, -1))
                    return luaL_error(L, "format 'c0' needs a previous size");
                size = (size_t)lua_tonumber(L, -1);
                lua_pop(L, 1);
                n--;
                luaL_argcheck(L, pos <= ld && size <= ld - pos, 2, "data string too short");
            }
            lua_pushlstring(L, data + pos, size);
            n++;
            break;
        case 's': {
            const char *e = memchr(data + pos, '\0', ld - pos);
            if (e == NULL)
                return luaL_error(L, "unfinished string in data");
            size = (size_t)(e - (data + pos)) + 1;
            lua_pushlstring(L, data + pos, size - 1);
            n++;
            break;
        }
        default:
            break;
        }
        pos += size;
    }
    lua_pushnumber(L, (lua_Number)pos + 1);
    return n + 1;
}

/* struct.size(fmt): bytes a pack of fmt takes; 's' and 'c0' have no fixed size. */
static int st_size(lua_State *L)
{
    const char *fmt = luaL_checkstring(L, 1);
    struct st_header h = {.little = true, .align = 1};
    size_t total = 0;
    char opt;
    size_t size;
    while (next_option(L, &fmt, &h, &opt, &size)) {
        if (size == 0 && (opt == 's' || opt == 'c'))
            luaL_argerror(L, 1, lua_pushfstring(L, "option '%c' has no fixed size", opt));
        total += padding(opt, size, total, &h) + size;
    }
    lua_pushnumber(L, (lua_Number)total);
    return 1;
}

int luaopen_struct(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"pack", st_pack},
        {"unpack", st_unpack},
        {"size", st_size},
        {NULL, NULL},
    };
    lua_newtable(L);
    luaL_register(L, NULL, fns);
    return 1;
}
