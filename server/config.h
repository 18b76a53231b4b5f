/* server/config.h: configuration: built-in defaults, redis.conf-syntax files, `--name value`
 * overrides, and CONFIG GET / SET / RESETSTAT / REWRITE / HELP.
 *
 * Every directive lives in one table in config.c (name, alias, type, limits, the server field
 * it sets, whether it may change at runtime and what to do when it does).
 */
#ifndef KVD_SERVER_CONFIG_H
#define KVD_SERVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "server/commands.h"

/* Fills struct server's configuration fields with the built-in defaults. */
void config_init_defaults(void);
/* Parses the command line as redis-server does: [configfile] [--name value ...] (a value may
 * be several words: `--save 900 1 300 10`; "-" as configfile reads stdin). On error writes a
 * message naming the file line or the option into err and returns false. */
bool config_load_args(int argc, char **argv, char *err, size_t errlen);
/* Value of a directive as CONFIG GET prints it, appended to out (NUL-terminated); false if
 * unknown. */
bool config_get_value(const char *name, char *out, size_t outlen);

void cmd_config_get(struct cmd_ctx *ctx);
void cmd_config_set(struct cmd_ctx *ctx);
void cmd_config_resetstat(struct cmd_ctx *ctx);
void cmd_config_rewrite(struct cmd_ctx *ctx);
void cmd_config_help(struct cmd_ctx *ctx);

#endif
