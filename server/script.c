/* server/script.c: the Lua VM behind EVAL: sandbox, script cache, redis.* API, conversions.
 *
 * One Lua 5.1 state runs every script. Scripts are cached by the sha1 of their body, compiled
 * once (chunk name "@user_script", so errors read "user_script:LINE:") and kept in the Lua
 * registry. redis.call runs a command through the same handlers and dispatch_call() as a
 * client would, on a script-owned connection that has no socket: the reply bytes it collects
 * are parsed back into Lua values (parse_reply), and the script's return value is converted
 * to RESP for the caller (reply_value). Knows nothing of how EVAL's arguments are parsed
 * (cmd_script.c) and nothing of sockets: while a script runs past busy-reply-threshold the
 * count hook lets the event loop serve other clients, who get BUSY (script_reject_if_busy).
 *
 * Sandbox. Debian's stock Lua has no read-only tables, so kvd keeps every global in a hidden
 * table and makes the globals table and each library table an empty proxy whose metatable
 * reads through and refuses writes; next/pairs/rawget/rawset/setmetatable are replaced by
 * versions that see through (or refuse) proxies, so iteration behaves as in Redis.
 *
 * Redis 7.0 behaviours kept here (each checked against redis-server 7.0.15): error tables
 * {err="CODE msg"}, errors raised to the caller end with " script: <sha>, on @user_script:N.",
 * pcall turns an error table into its text, math.random is drand48 from the default state
 * (not reseeded per script), there is no `os` table. Start at script_run().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/script.h"

#include <ctype.h>
#include <errno.h>
#include <event2/event.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/commands.h"
#include "server/conn.h"
#include "server/dispatch.h"
#include "server/log.h"
#include "server/lua_libs.h"
#include "server/persist.h"
#include "server/reply.h"
#include "server/script_conv.h"
#include "server/server.h"
#include "storage/dict.h"
#include "storage/obj.h"
#include "storage/str.h"
#include "utils/mem.h"
#include "utils/mtime.h"
#include "utils/num.h"
#include "utils/sha1.h"

/* Instructions between two looks at the clock while a script runs. */
#define HOOK_COUNT 100000
/* A script run that allocates little still gives the collector a step every this many runs. */
#define GC_PERIOD 50

/* One cached script (value of the cache dict, keyed by the lowercase sha). */
struct script {
    uint32_t flags; /* enum script_flag */
    int fn_ref;     /* the compiled chunk, a reference in the Lua registry */
    size_t body_len;
};

/* The script being run, if any. */
struct run {
    bool active;
    bool read_only;   /* EVAL_RO or flags=no-writes */
    bool wrote;       /* a write command ran: SCRIPT KILL must refuse */
    bool busy;        /* past busy-reply-threshold: serving other clients */
    bool killed;      /* SCRIPT KILL (or SHUTDOWN) asked it to stop */
    int resp;         /* redis.setresp() */
    char sha[41];
    struct conn *caller;
    uint64_t start_us;
};

static struct {
    lua_State *L;
    struct dict *cache;
    long long cache_bytes;
    struct conn *client; /* the script client: redis.call's commands run on it */
    struct slice *argv;  /* redis.call's argument slices, reused */
    int argv_cap;
    char *flat;          /* reply bytes gathered from several output blocks */
    size_t flat_cap;
    int runs_since_gc;
    struct run run;
} S;

/* drand48's state: Redis seeds math.random nowhere, so scripts see the generator's default
 * state at startup and one sequence across every script run (7.0 no longer resets it). */
static uint64_t rand48_state = 0x1234ABCD330EULL;

/* Raised (as an ERR error table) into a script stopped by SCRIPT KILL or SHUTDOWN. */
static const char *const KILLED_TEXT = "Script killed by user with SCRIPT KILL...";
static const char *const READONLY_TEXT = "Attempt to modify a readonly table";

/* Registry keys (addresses are unique). */
static char REG_HIDDEN_GLOBALS, REG_PROXIES;

/* ---- allocation ----------------------------------------------------------------------------- */

/* Lua must see NULL on failure (it raises "not enough memory" and the script fails), so this
 * is the one place that calls realloc directly instead of the aborting mem_* wrappers. */
static void *lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

/* ---- errors --------------------------------------------------------------------------------- */

static void push_error_cstr(lua_State *L, const char *text)
{
    script_push_error(L, text, strlen(text));
}

/* Raises an error table built from text (see script_push_error). Does not return. */
static int raise_error(lua_State *L, const char *text)
{
    script_push_error(L, text, strlen(text));
    return lua_error(L);
}

/* ---- random --------------------------------------------------------------------------------- */

static int32_t rand48_next(void)
{
    rand48_state = (0x5DEECE66DULL * rand48_state + 0xB) & ((1ULL << 48) - 1);
    return (int32_t)(rand48_state >> 17);
}

/* math.random with Lua 5.1's argument rules over drand48, as Redis patches it. */
static int l_math_random(lua_State *L)
{
    double r = (double)(rand48_next() % INT32_MAX) / (double)INT32_MAX;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, r);
        break;
    case 1: {
        int u = luaL_checkint(L, 1);
        luaL_argcheck(L, 1 <= u, 1, "interval is empty");
        lua_pushnumber(L, floor(r * u) + 1);
        break;
    }
    case 2: {
        int l = luaL_checkint(L, 1);
        int u = luaL_checkint(L, 2);
        luaL_argcheck(L, l <= u, 2, "interval is empty");
        lua_pushnumber(L, floor(r * (u - l + 1)) + l);
        break;
    }
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    return 1;
}

static int l_math_randomseed(lua_State *L)
{
    uint32_t seed = (uint32_t)luaL_checkint(L, 1);
    rand48_state = ((uint64_t)seed << 16) | 0x330E;
    return 0;
}

/* ---- read-only proxies ---------------------------------------------------------------------- */

/* Pushes the table a proxy stands for, or nothing and false if t is not a proxy. */
static bool push_proxied(lua_State *L, int t)
{
    if (!lua_istable(L, t))
        return false;
    lua_pushlightuserdata(L, &REG_PROXIES);
    lua_rawget(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, t);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    if (lua_istable(L, -1))
        return true;
    lua_pop(L, 1);
    return false;
}

/* __newindex of every proxy: the message carries the script position (luaL_error, level 1 is
 * the Lua code doing the assignment), as Redis's VM check does. */
static int l_readonly_newindex(lua_State *L)
{
    return luaL_error(L, "%s", READONLY_TEXT);
}

/* The raw functions' refusal has no position: Redis raises it inside the C function. */
static int readonly_error_nopos(lua_State *L)
{
    lua_pushstring(L, READONLY_TEXT);
    return lua_error(L);
}

/* __index of the globals proxy: a global that does not exist is an error, not nil. */
static int l_globals_index(lua_State *L)
{
    lua_pushlightuserdata(L, &REG_HIDDEN_GLOBALS);
    lua_rawget(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    if (!lua_isnil(L, -1))
        return 1;
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                      name != NULL ? name : "?");
}

/* Replaces the table at the top of the stack with a read-only proxy of it. index_fn, when
 * not NULL, replaces plain read-through (the globals' nonexistent-variable check). */
/* Makes the table at the top of the stack a read-only proxy of the table at index real (an
 * absolute index): reads go to index_fn, or straight through to real when it is NULL; writes
 * raise; the proxy is registered so that pairs/next can walk real. Leaves the stack as it
 * was. */
static void protect_as_proxy(lua_State *L, int real, lua_CFunction index_fn)
{
    lua_newtable(L); /* the proxy's metatable */
    if (index_fn != NULL)
        lua_pushcfunction(L, index_fn);
    else
        lua_pushvalue(L, real);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_readonly_newindex);
    lua_setfield(L, -2, "__newindex");
    /* getmetatable() answers this instead of the real metatable, which stays out of reach. */
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pushlightuserdata(L, &REG_PROXIES);
    lua_rawget(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, -2);
    lua_pushvalue(L, real);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

static void make_proxy(lua_State *L, lua_CFunction index_fn)
{
    int real = lua_gettop(L);
    lua_newtable(L); /* proxy */
    protect_as_proxy(L, real, index_fn);
    lua_replace(L, real);
}

static int l_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    int t = 1;
    if (push_proxied(L, 1))
        t = 3;
    lua_pushvalue(L, 2);
    if (lua_next(L, t))
        return 2;
    lua_pushnil(L);
    return 1;
}

static int l_pairs(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(1)); /* our next */
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int l_rawget(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    lua_settop(L, 2);
    int t = push_proxied(L, 1) ? 3 : 1;
    lua_pushvalue(L, 2);
    lua_rawget(L, t);
    return 1;
}

static int l_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    if (push_proxied(L, 1))
        return readonly_error_nopos(L);
    lua_rawset(L, 1);
    return 1;
}

/* setmetatable: refused on proxies, otherwise the base library's (upvalue 1). */
static int l_setmetatable(lua_State *L)
{
    if (push_proxied(L, 1))
        return readonly_error_nopos(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* ---- the script client's output ------------------------------------------------------------ */

/* The script client's queued output as one contiguous run of bytes (borrowed until the next
 * reset_output). */
static const char *gather_output(size_t *len)
{
    struct conn *c = S.client;
    *len = c->out_bytes;
    if (c->out_head != NULL && c->out_head->next == NULL && c->out_head->ref == NULL)
        return c->out_head->data + c->out_head->sent;
    if (S.flat_cap < c->out_bytes) {
        S.flat_cap = c->out_bytes;
        S.flat = mem_realloc(S.flat, S.flat_cap);
    }
    size_t off = 0;
    for (struct out_chunk *ch = c->out_head; ch != NULL; ch = ch->next) {
        const char *bytes = ch->data;
        if (ch->ref != NULL) {
            char tmp[NUM_LL_MAXLEN];
            size_t rlen;
            bytes = str_bytes(ch->ref, tmp, &rlen);
        }
        size_t n = ch->used - ch->sent;
        memcpy(S.flat + off, bytes + ch->sent, n);
        off += n;
    }
    return S.flat;
}

/* Drops the script client's output, keeping one standard block for the next call (no
 * allocator round trip per redis.call). */
static void reset_output(void)
{
    struct conn *c = S.client;
    struct out_chunk *keep = NULL;
    struct out_chunk *ch = c->out_head;
    while (ch != NULL) {
        struct out_chunk *next = ch->next;
        if (keep == NULL && ch->ref == NULL && ch->size == REPLY_CHUNK_SIZE) {
            keep = ch;
        } else {
            if (ch->ref != NULL)
                obj_release(ch->ref);
            mem_free(ch);
        }
        ch = next;
    }
    if (keep != NULL) {
        keep->next = NULL;
        keep->used = keep->sent = 0;
    }
    c->out_head = c->out_tail = keep;
    c->out_chunks = keep != NULL ? 1 : 0;
    c->out_bytes = 0;
    /* An output-buffer limit may have marked it: it is never closed, only reset. */
    c->flags &= ~(uint32_t)CONN_CLOSE_ASAP;
}

/* ---- redis.call / redis.pcall --------------------------------------------------------------- */

/* Why a redis.call is refused before it runs, or NULL when it may run. */
static const char *call_refusal(lua_State *L, int argc, struct cmd **out)
{
    if (argc == 0)
        return "ERR Please specify at least one argument for this redis lib call";
    if (argc > S.argv_cap) {
        S.argv_cap = argc < 16 ? 16 : argc;
        S.argv = mem_realloc(S.argv, (size_t)S.argv_cap * sizeof(*S.argv));
    }
    for (int i = 1; i <= argc; i++) {
        int t = lua_type(L, i);
        if (t == LUA_TNUMBER) {
            /* Redis formats numbers with %.17g, not Lua's %.14g. */
            char tmp[64];
            snprintf(tmp, sizeof(tmp), "%.17g", (double)lua_tonumber(L, i));
            lua_pushstring(L, tmp);
            lua_replace(L, i);
        } else if (t != LUA_TSTRING) {
            return "ERR Lua redis lib command arguments must be strings or integers";
        }
        size_t len;
        S.argv[i - 1].p = lua_tolstring(L, i, &len);
        S.argv[i - 1].len = len;
    }
    struct cmd *cmd = cmd_lookup(S.argv[0].p, S.argv[0].len);
    if (cmd != NULL && cmd->subcmds != NULL && argc >= 2)
        cmd = cmd_lookup_sub(cmd, S.argv[1].p, S.argv[1].len);
    if (cmd == NULL)
        return "ERR Unknown Redis command called from script";
    if (cmd->fn == NULL || (cmd->arity > 0 ? argc != cmd->arity : argc < -cmd->arity))
        return "ERR Wrong number of args calling Redis command from script";
    if (cmd->flags & CMD_NOSCRIPT)
        return "ERR This Redis command is not allowed from script";
    if ((cmd->flags & CMD_WRITE) && S.run.read_only)
        return "ERR Write commands are not allowed from read-only scripts.";
    /* a failed background save or AOF write stops a script's writes as it stops a client's */
    enum err disk_err;
    int disk_errno;
    if ((cmd->flags & CMD_WRITE) && persist_disk_error(&disk_err, &disk_errno)) {
        static char msg[512];
        snprintf(msg, sizeof(msg), err_format(disk_err), strerror(disk_errno));
        return msg;
    }
    *out = cmd;
    return NULL;
}

/* Runs the command in the Lua arguments and pushes its reply; *failed is set when that is an
 * error table. A refusal is replied on the script client like a command's error, so every
 * error redis.call/pcall produce is counted once, here; the table is marked so that handing
 * it back to the caller does not count it again (Redis 7.0's ignore_error_stats_update).
 * Raises only on Lua errors (memory). */
static void call_command(lua_State *L, bool *failed)
{
    struct conn *c = S.client;
    struct cmd *cmd = NULL;
    reset_output();
    const char *refusal = call_refusal(L, lua_gettop(L), &cmd);
    if (refusal != NULL) {
        reply_error_text(c, refusal, strlen(refusal));
        dispatch_forget_errors();
    } else {
        if (cmd->flags & CMD_WRITE)
            S.run.wrote = true;
        c->argv = S.argv;
        c->argc = lua_gettop(L);
        c->argv_mem = 0;
        dispatch_call(c, cmd);
        c->argv = NULL;
        c->argc = 0;
    }
    size_t len;
    const char *bytes = gather_output(&len);
    const char *after = script_parse_reply(L, bytes, bytes + len);
    *failed = len > 0 && bytes[0] == '-';
    reset_output();
    if (after == NULL) {
        push_error_cstr(L, "Internal error: unreadable reply");
        *failed = true;
        return;
    }
    if (*failed) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "ignore_error_stats_update");
    }
}

static int l_redis_call(lua_State *L)
{
    bool failed;
    call_command(L, &failed);
    if (failed)
        return lua_error(L);
    return 1;
}

static int l_redis_pcall(lua_State *L)
{
    bool failed;
    call_command(L, &failed);
    return 1;
}

/* ---- the rest of redis.* -------------------------------------------------------------------- */

/* error_reply and status_reply take exactly one string; otherwise they return (not raise)
 * an error table, as Redis 7.0 does. */
static bool single_string_arg(lua_State *L)
{
    if (lua_gettop(L) == 1 && lua_type(L, 1) == LUA_TSTRING)
        return true;
    push_error_cstr(L, "wrong number or type of arguments");
    return false;
}

static int l_redis_error_reply(lua_State *L)
{
    if (!single_string_arg(L))
        return 1;
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    if (len > 0 && s[0] == '-') {
        script_push_error(L, s, len);
        return 1;
    }
    /* Without a leading '-' the first word still becomes the code ("FOO x" -> FOO). */
    lua_pushliteral(L, "-");
    lua_pushvalue(L, 1);
    lua_concat(L, 2);
    s = lua_tolstring(L, -1, &len);
    script_push_error(L, s, len);
    return 1;
}

static int l_redis_status_reply(lua_State *L)
{
    if (!single_string_arg(L))
        return 1;
    lua_newtable(L);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "ok");
    return 1;
}

static int l_redis_sha1hex(lua_State *L)
{
    if (lua_gettop(L) != 1)
        return raise_error(L, "wrong number of arguments");
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    char hex[41];
    sha1_hex(s != NULL ? s : "", s != NULL ? len : 0, hex);
    lua_pushlstring(L, hex, 40);
    return 1;
}

static int l_redis_log(lua_State *L)
{
    int argc = lua_gettop(L);
    if (argc < 2)
        return raise_error(L, "redis.log() requires two arguments or more.");
    if (!lua_isnumber(L, 1))
        return raise_error(L, "First argument must be a number (log level).");
    int level = (int)lua_tonumber(L, 1);
    if (level < LL_DEBUG || level > LL_WARNING)
        return raise_error(L, "Invalid debug level.");
    if (level < (int)server.loglevel)
        return 0;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 2; i <= argc; i++) {
        size_t len;
        const char *s = lua_tolstring(L, i, &len);
        if (s == NULL)
            continue;
        if (i > 2)
            luaL_addchar(&b, ' ');
        luaL_addlstring(&b, s, len);
    }
    luaL_pushresult(&b);
    log_msg((enum log_level)level, "%s", lua_tostring(L, -1));
    return 0;
}

static int l_redis_setresp(lua_State *L)
{
    if (lua_gettop(L) != 1)
        return raise_error(L, "redis.setresp() requires one argument.");
    int v = (int)lua_tonumber(L, 1);
    if (v != 2 && v != 3)
        return raise_error(L, "RESP version must be 2 or 3.");
    S.run.resp = v;
    S.client->proto = v == 3 ? RESP3 : RESP2;
    return 0;
}

/* kvd has no replicas or AOF to steer, so only the argument check remains. */
static int l_redis_set_repl(lua_State *L)
{
    if (lua_gettop(L) != 1)
        return raise_error(L, "redis.set_repl() requires two arguments.");
    int flags = (int)lua_tonumber(L, 1);
    if (flags & ~3)
        return raise_error(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, "
                              "REPL_ALL or REPL_NONE.");
    return 0;
}

static int l_redis_replicate_commands(lua_State *L)
{
    lua_pushboolean(L, 1);
    return 1;
}

static int l_redis_breakpoint(lua_State *L)
{
    lua_pushboolean(L, 0);
    return 1;
}

static int l_redis_debug(lua_State *L)
{
    return 0;
}

/* No ACLs: every known command is allowed. */
static int l_redis_acl_check_cmd(lua_State *L)
{
    if (lua_gettop(L) < 1)
        return raise_error(L, "Please specify at least one argument for this redis lib call");
    size_t len;
    const char *name = lua_tolstring(L, 1, &len);
    struct cmd *cmd = name != NULL ? cmd_lookup(name, len) : NULL;
    if (cmd == NULL)
        return raise_error(L, "Invalid command passed to redis.acl_check_cmd()");
    lua_pushboolean(L, 1);
    return 1;
}

/* ---- running -------------------------------------------------------------------------------- */

/* Error handler of every script call: turns what was raised into {err=, source=, line=} with
 * the position of the Lua code that raised it (past C functions such as error or redis.call). */
static int l_error_handler(lua_State *L)
{
    lua_Debug ar;
    bool have = false;
    if (lua_getstack(L, 1, &ar)) {
        lua_getinfo(L, "Sl", &ar);
        have = true;
        if (strcmp(ar.what, "C") == 0) {
            have = lua_getstack(L, 2, &ar) != 0;
            if (have)
                lua_getinfo(L, "Sl", &ar);
        }
    }
    if (!lua_istable(L, 1)) {
        const char *s;
        char tmp[32];
        switch (lua_type(L, 1)) {
        case LUA_TSTRING:
        case LUA_TNUMBER: s = lua_tostring(L, 1); break;
        case LUA_TNIL: s = "nil"; break;
        case LUA_TBOOLEAN: s = lua_toboolean(L, 1) ? "true" : "false"; break;
        default:
            snprintf(tmp, sizeof(tmp), "%s", lua_typename(L, lua_type(L, 1)));
            s = tmp;
            break;
        }
        lua_newtable(L);
        lua_pushfstring(L, "ERR %s", s);
        lua_setfield(L, -2, "err");
        lua_replace(L, 1);
        lua_settop(L, 1);
    }
    if (have) {
        lua_pushstring(L, ar.source);
        lua_setfield(L, 1, "source");
        lua_pushnumber(L, ar.currentline);
        lua_setfield(L, 1, "line");
    }
    lua_settop(L, 1);
    return 1;
}

/* pcall as Redis 7.0 gives it to scripts: an error table comes back as its err text. A
 * killed script cannot catch its own end. */
static int l_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    if (S.run.killed)
        return raise_error(L, KILLED_TEXT);
    if (status != 0) {
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            if (lua_isstring(L, -1))
                lua_replace(L, -2);
            else
                lua_pop(L, 1);
        }
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    return lua_gettop(L);
}

static bool conn_alive(const struct conn *c)
{
    for (const struct conn *x = server.clients; x != NULL; x = x->next)
        if (x == c)
            return true;
    return false;
}

static void fire(struct event *ev, short what)
{
    event_callback_fn cb = event_get_callback(ev);
    cb(event_get_fd(ev), what, event_get_callback_arg(ev));
}

/* One non-blocking pass over the listeners and the clients' sockets, calling their libevent
 * callbacks by hand: the script runs inside a libevent callback, and libevent refuses to
 * re-enter its loop. The caller's socket is not read (its query buffer holds the running
 * EVAL's arguments); timers, the cron included (it would expire keys under the script), wait
 * for the script to end. */
static void serve_others(void)
{
    struct conn *saved = server.current;
    size_t cap = (size_t)server.nlisteners + (size_t)server.nclients;
    struct pollfd *pfd = mem_alloc((cap + 1) * sizeof(*pfd));
    struct conn **owner = mem_alloc((cap + 1) * sizeof(*owner));
    size_t n = 0;
    for (int i = 0; i < server.nlisteners; i++) {
        pfd[n] = (struct pollfd){.fd = event_get_fd(server.listeners[i]), .events = POLLIN};
        owner[n++] = NULL;
    }
    for (struct conn *c = server.clients; c != NULL && n < cap; c = c->next) {
        if (c == S.run.caller || (c->flags & CONN_CLOSE_ASAP))
            continue;
        short ev = 0;
        if (event_pending(c->ev_read, EV_READ, NULL))
            ev |= POLLIN;
        if (c->flags & CONN_WRITE_ARMED)
            ev |= POLLOUT;
        if (ev == 0)
            continue;
        pfd[n] = (struct pollfd){.fd = c->fd, .events = ev};
        owner[n++] = c;
    }
    if (poll(pfd, (nfds_t)n, 0) > 0) {
        for (size_t i = 0; i < n; i++) {
            short re = pfd[i].revents;
            if (re == 0)
                continue;
            if (owner[i] == NULL) {
                fire(server.listeners[i], EV_READ);
                continue;
            }
            struct conn *c = owner[i];
            if (!conn_alive(c))
                continue;
            if ((re & POLLOUT) && (c->flags & CONN_WRITE_ARMED))
                fire(c->ev_write, EV_WRITE);
            if ((re & (POLLIN | POLLERR | POLLHUP)) && conn_alive(c) &&
                event_pending(c->ev_read, EV_READ, NULL))
                fire(c->ev_read, EV_READ);
        }
    }
    mem_free(pfd);
    mem_free(owner);
    conn_flush_pending();
    conn_reap();
    server.current = saved;
}

static void enter_busy(void)
{
    S.run.busy = true;
    log_warning("Slow script detected: still in execution after %lld milliseconds. You can try "
                "killing the script using the SCRIPT KILL command. Script name is: %s.",
                (long long)((mono_us() - S.run.start_us) / 1000), S.run.sha);
    if (S.run.caller != NULL && S.run.caller->ev_read != NULL)
        event_del(S.run.caller->ev_read);
    if (server.cron_ev != NULL)
        event_del(server.cron_ev);
}

static void leave_busy(void)
{
    S.run.busy = false;
    struct conn *c = S.run.caller;
    if (c != NULL && c->ev_read != NULL && !(c->flags & (CONN_CLOSE_ASAP | CONN_CLOSE_AFTER_REPLY)))
        event_add(c->ev_read, NULL);
    if (server.cron_ev != NULL) {
        int hz = server.hz > 0 ? server.hz : 10;
        struct timeval tv = {.tv_sec = 0, .tv_usec = 1000000 / hz};
        evtimer_add(server.cron_ev, &tv);
    }
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    if (S.run.killed || server.stopping) {
        S.run.killed = true;
        /* From now on every line raises again, so no pcall can swallow the kill. */
        lua_sethook(L, count_hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
        raise_error(L, KILLED_TEXT);
        return;
    }
    uint64_t now = mono_us();
    if (!S.run.busy && (long long)((now - S.run.start_us) / 1000) >= server.busy_reply_threshold_ms)
        enter_busy();
    if (S.run.busy)
        serve_others();
    if (S.run.killed || server.stopping) {
        S.run.killed = true;
        lua_sethook(L, count_hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
        raise_error(L, KILLED_TEXT);
    }
}

/* Replies the error a failed script run left at the top of the stack. */
static void reply_run_error(struct conn *c, lua_State *L)
{
    int base_top = lua_gettop(L);
    const char *err = NULL;
    size_t err_len = 0;
    const char *source = NULL;
    long long line = 0;
    bool has_line = false;
    if (lua_istable(L, -1)) {
        int t = lua_gettop(L);
        lua_getfield(L, t, "err");
        if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
            err = lua_tolstring(L, -1, &err_len);
        lua_getfield(L, t, "source");
        if (lua_type(L, -1) == LUA_TSTRING)
            source = lua_tostring(L, -1);
        lua_getfield(L, t, "line");
        if (lua_type(L, -1) == LUA_TNUMBER) {
            line = (long long)lua_tonumber(L, -1);
            has_line = true;
        }
    } else if (lua_isstring(L, -1)) {
        lua_pushfstring(L, "ERR %s", lua_tostring(L, -1));
        err = lua_tolstring(L, -1, &err_len);
    }
    if (err == NULL) {
        err = "ERR unknown error";
        err_len = strlen(err);
    }
    bool counted = lua_istable(L, base_top) && script_error_is_counted(L, base_top);
    struct buf b;
    buf_init(&b);
    buf_append(&b, err, err_len);
    char tail[160];
    int n;
    if (source != NULL && has_line)
        n = snprintf(tail, sizeof(tail), " script: %s, on %s:%lld.", S.run.sha, source, line);
    else
        n = snprintf(tail, sizeof(tail), " script: %s", S.run.sha);
    buf_append(&b, tail, (size_t)n);
    script_reply_error(c, buf_head(&b), buf_used(&b), counted);
    buf_deinit(&b);
}

/* Sets global name (in the hidden table) to a new array of the n slices. */
static void set_global_array(lua_State *L, const char *name, int n, const struct slice *v)
{
    lua_pushlightuserdata(L, &REG_HIDDEN_GLOBALS);
    lua_rawget(L, LUA_REGISTRYINDEX);
    lua_pushstring(L, name);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushlstring(L, v[i].p, v[i].len);
        lua_rawseti(L, -2, i + 1);
    }
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

static struct script *cache_lookup(const char *sha, size_t len)
{
    if (len != 40)
        return NULL;
    char low[40];
    for (int i = 0; i < 40; i++)
        low[i] = (char)tolower((unsigned char)sha[i]);
    struct dict_entry *e = dict_find(S.cache, low, 40);
    return e != NULL ? e->v.ptr : NULL;
}

void script_run(struct conn *c, const char *sha, size_t sha_len, int nkeys,
                const struct slice *keys, int nargs, const struct slice *args, bool read_only)
{
    struct script *s = cache_lookup(sha, sha_len);
    if (s == NULL) {
        reply_error(c, ERR_NOSCRIPT);
        return;
    }
    if (read_only && (s->flags & SCRIPT_HAS_SHEBANG) && !(s->flags & SCRIPT_NO_WRITES)) {
        reply_error(c, ERR_SCRIPT_RO_WRITE_FLAG);
        return;
    }
    if (S.run.active) {
        reply_error(c, ERR_BUSY_SCRIPT);
        return;
    }
    /* A script that declares flags and may write is refused up front under MISCONF; one
     * without a shebang finds out at its first write (Redis 7.0). */
    enum err disk_err;
    int disk_errno;
    if ((s->flags & SCRIPT_HAS_SHEBANG) && !(s->flags & SCRIPT_NO_WRITES) &&
        persist_disk_error(&disk_err, &disk_errno)) {
        reply_error(c, disk_err, strerror(disk_errno));
        return;
    }
    lua_State *L = S.L;
    int base = lua_gettop(L);
    set_global_array(L, "KEYS", nkeys, keys);
    set_global_array(L, "ARGV", nargs, args);

    S.run = (struct run){
        .active = true,
        .read_only = read_only || (s->flags & SCRIPT_NO_WRITES),
        .resp = 2,
        .caller = c,
        .start_us = mono_us(),
    };
    for (int i = 0; i < 40; i++)
        S.run.sha[i] = (char)tolower((unsigned char)sha[i]);
    S.run.sha[40] = '\0';
    S.client->proto = RESP2;
    S.client->flags &= ~(uint32_t)CONN_CLOSE_ASAP;
    conn_select(S.client, c->db_id);
    lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_COUNT);

    lua_pushcfunction(L, l_error_handler);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->fn_ref);
    int status = lua_pcall(L, 0, 1, base + 1);

    lua_sethook(L, NULL, 0, 0);
    if (S.run.busy)
        leave_busy();
    reset_output();
    if (status != 0)
        reply_run_error(c, L);
    else
        script_reply_value(c, L, S.run.resp == 3);
    lua_settop(L, base);
    S.run.active = false;
    S.run.caller = NULL;
    if (++S.runs_since_gc >= GC_PERIOD) {
        S.runs_since_gc = 0;
        lua_gc(L, LUA_GCSTEP, GC_PERIOD);
    }
}

/* ---- SCRIPT KILL and BUSY ------------------------------------------------------------------- */

void script_kill(struct conn *c)
{
    if (!S.run.active) {
        reply_error(c, ERR_NOTBUSY);
        return;
    }
    if (S.run.wrote) {
        reply_error(c, ERR_UNKILLABLE);
        return;
    }
    S.run.killed = true;
    reply_ok(c);
}

bool script_is_busy(void)
{
    return S.run.active && S.run.busy;
}

bool script_reject_if_busy(struct conn *c, const struct cmd *cmd)
{
    if (!script_is_busy())
        return false;
    bool allowed = (cmd->flags & CMD_ALLOW_BUSY) != 0;
    /* SHUTDOWN may pass only as SHUTDOWN NOSAVE: saving would snapshot a half-run script. */
    if (allowed && strcmp(cmd->name, "shutdown") == 0) {
        allowed = false;
        for (int i = 1; i < c->argc; i++)
            if (slice_is(c->argv[i], "nosave"))
                allowed = true;
    }
    if (allowed)
        return false;
    reply_error(c, ERR_BUSY_SCRIPT);
    return true;
}

/* ---- the VM --------------------------------------------------------------------------------- */

/* Opens a library; those that only return their table (Debian's cjson) get their global. */
static void open_lib(lua_State *L, const char *name, lua_CFunction fn)
{
    lua_pushcfunction(L, fn);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (name[0] != '\0' && lua_istable(L, -1))
        lua_setglobal(L, name);
    else
        lua_pop(L, 1);
}

static void set_fn(lua_State *L, const char *name, lua_CFunction fn)
{
    lua_pushcfunction(L, fn);
    lua_setfield(L, -2, name);
}

static void set_num(lua_State *L, const char *name, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, name);
}

static void register_redis_api(lua_State *L)
{
    lua_newtable(L);
    set_fn(L, "call", l_redis_call);
    set_fn(L, "pcall", l_redis_pcall);
    set_fn(L, "error_reply", l_redis_error_reply);
    set_fn(L, "status_reply", l_redis_status_reply);
    set_fn(L, "sha1hex", l_redis_sha1hex);
    set_fn(L, "log", l_redis_log);
    set_fn(L, "setresp", l_redis_setresp);
    set_fn(L, "set_repl", l_redis_set_repl);
    set_fn(L, "replicate_commands", l_redis_replicate_commands);
    set_fn(L, "breakpoint", l_redis_breakpoint);
    set_fn(L, "debug", l_redis_debug);
    set_fn(L, "acl_check_cmd", l_redis_acl_check_cmd);
    set_num(L, "LOG_DEBUG", LL_DEBUG);
    set_num(L, "LOG_VERBOSE", LL_VERBOSE);
    set_num(L, "LOG_NOTICE", LL_NOTICE);
    set_num(L, "LOG_WARNING", LL_WARNING);
    set_num(L, "REPL_NONE", 0);
    set_num(L, "REPL_AOF", 1);
    set_num(L, "REPL_SLAVE", 2);
    set_num(L, "REPL_REPLICA", 2);
    set_num(L, "REPL_ALL", 3);
    lua_pushstring(L, KVD_REDIS_VERSION);
    lua_setfield(L, -2, "REDIS_VERSION");
    int maj = 0, min = 0, pat = 0;
    sscanf(KVD_REDIS_VERSION, "%d.%d.%d", &maj, &min, &pat);
    set_num(L, "REDIS_VERSION_NUM", (maj << 16) | (min << 8) | pat);
    lua_setglobal(L, "redis");
}

/* Moves every global into the hidden table and turns the globals table and the library
 * tables into read-only proxies (see the header comment). */
static void protect_globals(lua_State *L)
{
    /* hidden = a copy of every global, library tables replaced by proxies */
    lua_newtable(L);
    int hidden = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, LUA_GLOBALSINDEX)) {
        if (lua_istable(L, -1) && !lua_rawequal(L, -1, LUA_GLOBALSINDEX))
            make_proxy(L, NULL);
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, hidden);
    }
    /* Strings index the string library through its proxy (so getmetatable("").__index ==
     * string, as in Redis), and getmetatable("") hands out a proxy of the metatable. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushliteral(L, LUA_STRLIBNAME);
    lua_rawget(L, hidden);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, -1);
    make_proxy(L, NULL);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    lua_pushlightuserdata(L, &REG_HIDDEN_GLOBALS);
    lua_pushvalue(L, hidden);
    lua_rawset(L, LUA_REGISTRYINDEX);

    /* Empty the real globals table and give it the protecting metatable. */
    for (;;) {
        lua_pushnil(L);
        if (!lua_next(L, LUA_GLOBALSINDEX))
            break;
        lua_pop(L, 1);
        lua_pushnil(L);
        lua_rawset(L, LUA_GLOBALSINDEX);
    }
    /* the emptied globals become a proxy of hidden, and _G names them */
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    protect_as_proxy(L, hidden, l_globals_index);
    lua_pushliteral(L, "_G");
    lua_pushvalue(L, -2);
    lua_rawset(L, hidden);
    lua_pop(L, 2);
}

static lua_State *vm_new(void)
{
    lua_State *L = lua_newstate(lua_alloc, NULL);
    if (L == NULL) {
        log_warning("Failed creating the Lua VM.");
        exit(1);
    }
    lua_pushlightuserdata(L, &REG_PROXIES);
    lua_newtable(L);
    lua_newtable(L);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);

    open_lib(L, "", luaopen_base);
    open_lib(L, LUA_TABLIBNAME, luaopen_table);
    open_lib(L, LUA_STRLIBNAME, luaopen_string);
    open_lib(L, LUA_MATHLIBNAME, luaopen_math);
    open_lib(L, "cjson", luaopen_cjson);
    open_lib(L, "bit", luaopen_bit);
    open_lib(L, "struct", luaopen_struct);
    open_lib(L, "cmsgpack", luaopen_cmsgpack);

    static const char *const removed[] = {"dofile", "loadfile", "print", "getfenv", "setfenv",
                                          "newproxy", "module", "require", NULL};
    for (int i = 0; removed[i] != NULL; i++) {
        lua_pushnil(L);
        lua_setglobal(L, removed[i]);
    }
    lua_getglobal(L, LUA_MATHLIBNAME);
    set_fn(L, "random", l_math_random);
    set_fn(L, "randomseed", l_math_randomseed);
    lua_pop(L, 1);

    lua_pushcfunction(L, l_pcall);
    lua_setglobal(L, "pcall");
    lua_pushcfunction(L, l_next);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "next");
    lua_pushcclosure(L, l_pairs, 1);
    lua_setglobal(L, "pairs");
    lua_pushcfunction(L, l_rawget);
    lua_setglobal(L, "rawget");
    lua_pushcfunction(L, l_rawset);
    lua_setglobal(L, "rawset");
    lua_getglobal(L, "setmetatable");
    lua_pushcclosure(L, l_setmetatable, 1);
    lua_setglobal(L, "setmetatable");
    lua_pushcfunction(L, l_error_handler);
    lua_setglobal(L, "__redis__err__handler");

    register_redis_api(L);
    protect_globals(L);
    return L;
}

static void free_script(union dict_val *v)
{
    mem_free(v->ptr);
}

static const struct dict_type cache_type = {.free_val = free_script};

void script_init(void)
{
    S.L = vm_new();
    S.cache = dict_new(&cache_type);
    S.cache_bytes = 0;
    struct conn *c = mem_calloc(1, sizeof(*c));
    c->fd = -1;
    /* The script client is never written to a socket: marking it as already pending keeps
     * reply.c from queueing it on server.pending_writes. DENY_BLOCKING makes blocking commands
     * answer at once, as inside MULTI. */
    c->flags = CONN_PENDING_WRITE | CONN_DENY_BLOCKING;
    c->authenticated = true;
    c->proto = RESP2;
    snprintf(c->addr, sizeof(c->addr), "lua");
    conn_select(c, 0);
    S.client = c;
}

void script_deinit(void)
{
    if (S.L == NULL)
        return;
    lua_close(S.L);
    S.L = NULL;
    dict_free(S.cache);
    S.cache = NULL;
    reply_free_output(S.client);
    mem_free(S.client);
    S.client = NULL;
    mem_free(S.argv);
    S.argv = NULL;
    S.argv_cap = 0;
    mem_free(S.flat);
    S.flat = NULL;
    S.flat_cap = 0;
}

void script_flush(void)
{
    lua_close(S.L);
    S.L = vm_new();
    dict_empty(S.cache);
    S.cache_bytes = 0;
}

/* ---- the cache and the shebang -------------------------------------------------------------- */

static const struct {
    const char *name;
    uint32_t flag;
} shebang_flags[] = {
    {"no-writes", SCRIPT_NO_WRITES},
    {"allow-oom", SCRIPT_ALLOW_OOM},
    {"allow-stale", SCRIPT_ALLOW_STALE},
    {"no-cluster", SCRIPT_NO_CLUSTER},
    {"allow-cross-slot-keys", SCRIPT_ALLOW_CROSS_SLOT},
};

/* Parses "#!lua [flags=a,b]" on the first line. Returns the length of that line (the body
 * compiles from its newline on, so line numbers stay right), 0 without a shebang, or -1 with
 * err set. */
static long parse_shebang(const char *body, size_t len, uint32_t *flags, char *err, size_t esz)
{
    *flags = 0;
    if (len < 2 || body[0] != '#' || body[1] != '!')
        return 0;
    const char *nl = memchr(body, '\n', len);
    if (nl == NULL) {
        snprintf(err, esz, "ERR Invalid script shebang");
        return -1;
    }
    size_t line_len = (size_t)(nl - body);
    /* words separated by spaces; the first is the engine */
    size_t i = 0;
    size_t w = 0;
    while (w < line_len && body[w] != ' ')
        w++;
    if (w != 5 || memcmp(body, "#!lua", 5) != 0) {
        snprintf(err, esz, "ERR Unexpected engine in script shebang: %.*s", (int)w, body);
        return -1;
    }
    i = w;
    *flags = SCRIPT_HAS_SHEBANG;
    while (i < line_len) {
        while (i < line_len && body[i] == ' ')
            i++;
        if (i >= line_len)
            break;
        size_t s = i;
        while (i < line_len && body[i] != ' ')
            i++;
        const char *word = body + s;
        size_t wl = i - s;
        if (wl < 6 || memcmp(word, "flags=", 6) != 0) {
            snprintf(err, esz, "ERR Unknown lua shebang option: %.*s", (int)wl, word);
            return -1;
        }
        const char *f = word + 6;
        const char *fend = word + wl;
        while (f < fend) {
            const char *comma = memchr(f, ',', (size_t)(fend - f));
            const char *e = comma != NULL ? comma : fend;
            size_t fl = (size_t)(e - f);
            bool known = false;
            for (size_t k = 0; k < sizeof(shebang_flags) / sizeof(shebang_flags[0]); k++) {
                if (strlen(shebang_flags[k].name) == fl &&
                    memcmp(shebang_flags[k].name, f, fl) == 0) {
                    *flags |= shebang_flags[k].flag;
                    known = true;
                }
            }
            if (!known) {
                snprintf(err, esz, "ERR Unexpected flag in script shebang: %.*s", (int)fl, f);
                return -1;
            }
            if (comma == NULL)
                break;
            f = comma + 1;
            if (f == fend) { /* a trailing comma names an empty flag */
                snprintf(err, esz, "ERR Unexpected flag in script shebang: ");
                return -1;
            }
        }
    }
    return (long)line_len;
}

bool script_load(const char *body, size_t len, char sha[41], char *err, size_t err_size)
{
    sha1_hex(body, len, sha);
    if (dict_find(S.cache, sha, 40) != NULL)
        return true;
    uint32_t flags;
    long skip = parse_shebang(body, len, &flags, err, err_size);
    if (skip < 0)
        return false;
    lua_State *L = S.L;
    if (luaL_loadbuffer(L, body + skip, len - (size_t)skip, "@user_script") != 0) {
        snprintf(err, err_size, "ERR Error compiling script (new function): %s",
                 lua_tostring(L, -1));
        lua_pop(L, 1);
        return false;
    }
    struct script *s = mem_alloc(sizeof(*s));
    s->flags = flags;
    s->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    s->body_len = len;
    dict_add(S.cache, sha, 40, NULL)->v.ptr = s;
    S.cache_bytes += (long long)(sizeof(*s) + len + 40 + sizeof(struct dict_entry));
    return true;
}

bool script_exists(const char *sha, size_t len)
{
    return cache_lookup(sha, len) != NULL;
}

/* ---- INFO ----------------------------------------------------------------------------------- */

long long script_vm_bytes(void)
{
    if (S.L == NULL)
        return 0;
    return (long long)lua_gc(S.L, LUA_GCCOUNT, 0) * 1024 + lua_gc(S.L, LUA_GCCOUNTB, 0);
}

long long script_cache_bytes(void)
{
    return S.cache_bytes;
}

long long script_cached_count(void)
{
    return S.cache != NULL ? (long long)dict_size(S.cache) : 0;
}
