/* server/script_conv.h: Lua values to and from RESP (Redis 7.0's rules), for script.c.
 *
 * Command reply -> Lua: integer -> number, bulk -> string, null bulk/array -> false (RESP2)
 * or nil (RESP3 null), status -> {ok=}, error -> {err=}, array -> table, and in RESP3
 * double -> {double=}, map -> {map={k=v}}, set -> {set={m=true}}, big number ->
 * {big_number=}, verbatim -> {verbatim_string={format=,string=}}, boolean -> boolean.
 * Lua -> reply: string -> bulk, number -> integer (truncated), true -> 1 (or #t after
 * setresp(3)), false/nil -> null (false is #f after setresp(3)), table -> first of err, ok,
 * double, big_number, verbatim_string, map, set, else an array up to the first nil.
 */
#ifndef KVD_SERVER_SCRIPT_CONV_H
#define KVD_SERVER_SCRIPT_CONV_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

struct conn;

/* Pushes {err = "CODE msg"} the way Redis 7.0 builds it from an error reply: "-CODE msg"
 * keeps its code, text without a leading '-' gets "ERR", CR/LF are trimmed from the ends. */
void script_push_error(lua_State *L, const char *s, size_t len);

/* Parses one reply at p (before end) and pushes it as a Lua value. Returns the byte after it,
 * or NULL (nothing pushed) if the bytes are malformed. */
const char *script_parse_reply(lua_State *L, const char *p, const char *end);

/* Replies the value at the top of L's stack to c and pops it. resp3: the script called
 * redis.setresp(3), which changes how booleans are sent. */
void script_reply_value(struct conn *c, lua_State *L, bool resp3);

/* An error reply for c. counted: an error redis.call already counted in the error statistics
 * (its table carries ignore_error_stats_update): not counted again, but the running command
 * counts as failed, as in Redis 7.0. */
void script_reply_error(struct conn *c, const char *s, size_t len, bool counted);
/* True if the error table at index t was already counted (see above). */
bool script_error_is_counted(lua_State *L, int t);

#endif
