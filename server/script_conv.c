/* server/script_conv.c: Lua values to and from RESP, for the scripting engine.
 *
 * Owns Redis 7.0's conversion rules in both directions: a command's reply bytes (as the
 * script client collected them, RESP2 or RESP3) become Lua values for redis.call, and a
 * script's return value becomes the caller's reply. Knows nothing of the VM's state or of
 * how commands run (script.c); needs only a lua_State and a conn to reply to. Start at
 * script_parse_reply() and script_reply_value(); script_conv.h states the rules.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/script_conv.h"

#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/commands.h"
#include "server/conn.h"
#include "server/reply.h"
#include "utils/buf.h"

/* ---- errors --------------------------------------------------------------------------------- */

void script_push_error(lua_State *L, const char *s, size_t len)
{
    const char *code = "ERR";
    size_t code_len = 3;
    const char *msg = s;
    size_t msg_len = len;
    if (len > 0 && s[0] == '-') {
        const char *sp = memchr(s + 1, ' ', len - 1);
        if (sp == NULL) {
            msg = s + 1;
            msg_len = len - 1;
        } else {
            code = s + 1;
            code_len = (size_t)(sp - (s + 1));
            msg = sp + 1;
            msg_len = len - (size_t)(msg - s);
        }
    }
    while (msg_len > 0 && (msg[0] == '\r' || msg[0] == '\n')) {
        msg++;
        msg_len--;
    }
    while (msg_len > 0 && (msg[msg_len - 1] == '\r' || msg[msg_len - 1] == '\n'))
        msg_len--;
    luaL_Buffer b;
    lua_newtable(L);
    lua_pushliteral(L, "err");
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, code, code_len);
    luaL_addchar(&b, ' ');
    luaL_addlstring(&b, msg, msg_len);
    luaL_pushresult(&b);
    lua_rawset(L, -3);
}

/* ---- RESP reply -> Lua ---------------------------------------------------------------------- */

/* The CR ending the line that starts at p, or NULL if there is no CRLF before end. */
static const char *line_end(const char *p, const char *end)
{
    const char *cr = memchr(p, '\r', (size_t)(end - p));
    return (cr != NULL && cr + 1 < end && cr[1] == '\n') ? cr : NULL;
}

static bool parse_ll(const char *p, const char *e, long long *out)
{
    char tmp[32];
    size_t n = (size_t)(e - p);
    if (n == 0 || n >= sizeof(tmp))
        return false;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    char *endp;
    errno = 0;
    *out = strtoll(tmp, &endp, 10);
    return errno == 0 && *endp == '\0';
}

static const char *parse_reply(lua_State *L, const char *p, const char *end);

/* Pushes {field = <value at top>} in place of the value. */
static void wrap_in_field(lua_State *L, const char *field)
{
    lua_newtable(L);
    lua_insert(L, -2);
    lua_setfield(L, -2, field);
}

/* Parses n elements into a new table: as an array, a map (key/value pairs) or a set. */
static const char *parse_aggregate(lua_State *L, const char *p, const char *end, long long n,
                                   char kind)
{
    if (!lua_checkstack(L, 4))
        return NULL;
    lua_newtable(L);
    for (long long i = 1; i <= n && p != NULL; i++) {
        p = parse_reply(L, p, end);
        if (p == NULL)
            break;
        if (kind == '%') {
            p = parse_reply(L, p, end);
            if (p == NULL)
                break;
            if (lua_isnil(L, -2)) {
                lua_pop(L, 2); /* a null key cannot be stored in a Lua table */
                continue;
            }
            lua_rawset(L, -3);
        } else if (kind == '~') {
            if (lua_isnil(L, -1)) {
                lua_pop(L, 1);
                continue;
            }
            lua_pushboolean(L, 1);
            lua_rawset(L, -3);
        } else {
            lua_rawseti(L, -2, (int)i);
        }
    }
    if (p == NULL)
        return NULL;
    if (kind == '%')
        wrap_in_field(L, "map");
    else if (kind == '~')
        wrap_in_field(L, "set");
    return p;
}

/* Parses one reply from p and pushes it as Redis 7.0 converts it: integers to numbers, bulks
 * to strings, null bulk/array to false (RESP2) or nil (RESP3 null), status to {ok=}, error to
 * {err=}, RESP3 double/map/set/bignum/verbatim to {double=}/{map=}/{set=}/{big_number=}/
 * {verbatim_string={format=,string=}}, booleans to booleans; attributes are skipped. Returns
 * the byte after it, or NULL (nothing pushed) if the bytes are malformed. */
static const char *parse_reply(lua_State *L, const char *p, const char *end)
{
    if (p >= end || !lua_checkstack(L, 4))
        return NULL;
    char type = *p++;
    const char *le = line_end(p, end);
    if (le == NULL)
        return NULL;
    const char *next = le + 2;
    long long n = 0;
    switch (type) {
    case '+':
        lua_newtable(L);
        lua_pushlstring(L, p, (size_t)(le - p));
        lua_setfield(L, -2, "ok");
        return next;
    case '-':
        script_push_error(L, p - 1, (size_t)(le - (p - 1)));
        return next;
    case ':':
        if (!parse_ll(p, le, &n))
            return NULL;
        lua_pushnumber(L, (lua_Number)n);
        return next;
    case ',': {
        char tmp[64];
        size_t len = (size_t)(le - p);
        if (len >= sizeof(tmp))
            return NULL;
        memcpy(tmp, p, len);
        tmp[len] = '\0';
        lua_newtable(L);
        lua_pushnumber(L, strtod(tmp, NULL));
        lua_setfield(L, -2, "double");
        return next;
    }
    case '_':
        lua_pushnil(L);
        return next;
    case '#':
        lua_pushboolean(L, *p == 't');
        return next;
    case '(':
        lua_newtable(L);
        lua_pushlstring(L, p, (size_t)(le - p));
        lua_setfield(L, -2, "big_number");
        return next;
    case '$':
    case '=':
        if (!parse_ll(p, le, &n))
            return NULL;
        if (n < 0) {
            lua_pushboolean(L, 0);
            return next;
        }
        if ((long long)(end - next) < n + 2)
            return NULL;
        if (type == '$') {
            lua_pushlstring(L, next, (size_t)n);
        } else {
            if (n < 4)
                return NULL;
            lua_newtable(L);
            lua_pushlstring(L, next, 3);
            lua_setfield(L, -2, "format");
            lua_pushlstring(L, next + 4, (size_t)n - 4);
            lua_setfield(L, -2, "string");
            wrap_in_field(L, "verbatim_string");
        }
        return next + n + 2;
    case '*':
    case '%':
    case '~':
    case '>':
        if (!parse_ll(p, le, &n))
            return NULL;
        if (n < 0) {
            lua_pushboolean(L, 0);
            return next;
        }
        return parse_aggregate(L, next, end, n, type);
    case '|': /* attribute: Lua never sees it, the value after it stands alone */
        if (!parse_ll(p, le, &n))
            return NULL;
        next = parse_aggregate(L, next, end, n, '%');
        if (next == NULL)
            return NULL;
        lua_pop(L, 1);
        return parse_reply(L, next, end);
    default:
        return NULL;
    }
}

const char *script_parse_reply(lua_State *L, const char *p, const char *end)
{
    return parse_reply(L, p, end);
}

/* ---- Lua -> RESP ---------------------------------------------------------------------------- */

/* Lua numbers become integers by C truncation; what x86 gives for out-of-range values
 * (LLONG_MIN) is what Redis replies, made explicit here to stay defined behaviour. */
static long long number_to_ll(double d)
{
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
        return LLONG_MIN;
    return (long long)d;
}

/* Text with CR/LF turned into spaces (status and big-number lines must stay one line). */
static void reply_line(struct conn *c, char type, const char *s, size_t len)
{
    struct buf b;
    buf_init(&b);
    char *dst = buf_reserve(&b, len + 3);
    dst[0] = type;
    for (size_t i = 0; i < len; i++)
        dst[i + 1] = (s[i] == '\r' || s[i] == '\n') ? ' ' : s[i];
    dst[len + 1] = '\r';
    dst[len + 2] = '\n';
    buf_commit(&b, len + 3);
    reply_raw(c, buf_head(&b), buf_used(&b));
    buf_deinit(&b);
}

/* A double as Redis 7.0 replies it: %.17g (",inf" / "-nan" included), bulk in RESP2. */
static void reply_script_double(struct conn *c, double d)
{
    char text[64];
    int n;
    if (isinf(d))
        n = snprintf(text, sizeof(text), "%s", d > 0 ? "inf" : "-inf");
    else
        n = snprintf(text, sizeof(text), "%.17g", d);
    if (c->proto == RESP3)
        reply_line(c, ',', text, (size_t)n);
    else
        reply_bulk(c, text, (size_t)n);
}

/* Pushes t[field] without metamethods (a proxy's __index may raise, outside any pcall). */
static int raw_field(lua_State *L, int t, const char *field)
{
    lua_pushstring(L, field);
    lua_rawget(L, t < 0 ? t - 1 : t);
    return lua_type(L, -1);
}

static void reply_value(struct conn *c, lua_State *L, bool resp3);

/* An error for the caller. One that redis.call already counted (marked) is not counted
 * again, but the EVAL still counts as a failed call, as in Redis 7.0. */
void script_reply_error(struct conn *c, const char *s, size_t len, bool counted)
{
    if (!counted) {
        reply_error_text(c, s, len);
        return;
    }
    reply_line(c, '-', s, len);
    /* cur_cmd is the running EVAL; its statistics are the only thing changed through it. */
    if (c->cur_cmd != NULL)
        ((struct cmd *)c->cur_cmd)->failed_calls++;
}

bool script_error_is_counted(lua_State *L, int t)
{
    lua_pushstring(L, "ignore_error_stats_update");
    lua_rawget(L, t);
    bool counted = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return counted;
}

/* The verbatim_string field {format=, string=} at index v, if well formed: "=" in RESP3
 * (format cut or padded to 3 characters), a bulk in RESP2. False if it is not. */
static bool reply_verbatim_field(struct conn *c, lua_State *L, int v)
{
    if (raw_field(L, v, "format") != LUA_TSTRING || raw_field(L, v, "string") != LUA_TSTRING)
        return false;
    size_t flen, len;
    const char *fmt = lua_tolstring(L, -2, &flen);
    const char *s = lua_tolstring(L, -1, &len);
    if (c->proto == RESP3) {
        char hdr[64];
        char f3[3] = {' ', ' ', ' '};
        memcpy(f3, fmt, flen < 3 ? flen : 3);
        int h = snprintf(hdr, sizeof(hdr), "=%zu\r\n%c%c%c:", len + 4, f3[0], f3[1], f3[2]);
        reply_raw(c, hdr, (size_t)h);
        reply_raw(c, s, len);
        reply_raw(c, "\r\n", 2);
    } else {
        reply_bulk(c, s, len);
    }
    return true;
}

/* The map or set table at index m: every key (and value, for a map). */
static void reply_map_or_set(struct conn *c, lua_State *L, int m, bool is_map, bool resp3)
{
    long long n = 0;
    lua_pushnil(L);
    while (lua_next(L, m)) {
        n++;
        lua_pop(L, 1);
    }
    if (is_map)
        reply_map(c, n);
    else
        reply_set(c, n);
    lua_pushnil(L);
    while (lua_next(L, m)) {
        lua_pushvalue(L, -2); /* convert a copy: lua_next needs the key untouched */
        reply_value(c, L, resp3);
        if (is_map)
            reply_value(c, L, resp3);
        else
            lua_pop(L, 1);
    }
}

/* Pushes t[name] (without metamethods) and returns true if it has the given type; pushes
 * nothing otherwise. */
static bool has_field(lua_State *L, int t, const char *name, int type)
{
    if (raw_field(L, t, name) == type)
        return true;
    lua_pop(L, 1);
    return false;
}

/* The table at the top of the stack (not popped), by the first field it has of err, ok,
 * double, big_number, verbatim_string, map, set; else as an array up to the first nil. */
static void reply_table(struct conn *c, lua_State *L, bool resp3)
{
    int t = lua_gettop(L);
    size_t len;
    const char *s;
    if (has_field(L, t, "err", LUA_TSTRING)) {
        s = lua_tolstring(L, -1, &len);
        script_reply_error(c, s, len, script_error_is_counted(L, t));
    } else if (has_field(L, t, "ok", LUA_TSTRING)) {
        s = lua_tolstring(L, -1, &len);
        reply_line(c, '+', s, len);
    } else if (has_field(L, t, "double", LUA_TNUMBER)) {
        reply_script_double(c, lua_tonumber(L, -1));
    } else if (has_field(L, t, "big_number", LUA_TSTRING)) {
        s = lua_tolstring(L, -1, &len);
        if (c->proto == RESP3)
            reply_line(c, '(', s, len);
        else
            reply_bulk(c, s, len);
    } else if (has_field(L, t, "verbatim_string", LUA_TTABLE) &&
               reply_verbatim_field(c, L, lua_gettop(L))) {
        /* replied */
    } else if (has_field(L, t, "map", LUA_TTABLE)) {
        reply_map_or_set(c, L, lua_gettop(L), true, resp3);
    } else if (has_field(L, t, "set", LUA_TTABLE)) {
        reply_map_or_set(c, L, lua_gettop(L), false, resp3);
    } else {
        /* An array: elements 1..n up to the first nil. Counted first: a deferred header
         * per nested table would cost an output block each. */
        lua_settop(L, t);
        int n = 0;
        for (;;) {
            lua_rawgeti(L, t, n + 1);
            bool end = lua_isnil(L, -1);
            lua_pop(L, 1);
            if (end)
                break;
            n++;
        }
        reply_array(c, n);
        for (int i = 1; i <= n; i++) {
            lua_rawgeti(L, t, i);
            reply_value(c, L, resp3);
        }
    }
    lua_settop(L, t);
}

/* Replies the value at the top of L's stack to c and pops it. */
static void reply_value(struct conn *c, lua_State *L, bool resp3)
{
    if (!lua_checkstack(L, 4)) {
        lua_pop(L, 1);
        reply_error_text(c, "ERR reached lua stack limit", 27);
        return;
    }
    size_t len;
    switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
        const char *s = lua_tolstring(L, -1, &len);
        reply_bulk(c, s, len);
        break;
    }
    case LUA_TBOOLEAN:
        if (resp3)
            reply_bool(c, lua_toboolean(L, -1));
        else if (lua_toboolean(L, -1))
            reply_int(c, 1);
        else
            reply_null(c);
        break;
    case LUA_TNUMBER:
        reply_int(c, number_to_ll(lua_tonumber(L, -1)));
        break;
    case LUA_TTABLE:
        reply_table(c, L, resp3);
        break;
    default:
        reply_null(c);
        break;
    }
    lua_pop(L, 1);
}

void script_reply_value(struct conn *c, lua_State *L, bool resp3)
{
    reply_value(c, L, resp3);
}
