/* server/lua_libs.h: the Lua libraries kvd writes itself (struct, cmsgpack) and the two it
 * takes from Debian packages (cjson from lua-cjson, bit from lua-bitop).
 *
 * Each luaopen_* follows Lua 5.1's convention: call it through lua_call, it registers its
 * table as a global and leaves it on the stack. Only script.c opens them.
 */
#ifndef KVD_SERVER_LUA_LIBS_H
#define KVD_SERVER_LUA_LIBS_H

#include <lua.h>

int luaopen_struct(lua_State *L);   /* server/lua_struct.c */
int luaopen_cmsgpack(lua_State *L); /* server/lua_cmsgpack.c */
int luaopen_cjson(lua_State *L);    /* liblua5.1-cjson */
int luaopen_bit(lua_State *L);      /* liblua5.1-bitop */

#endif
