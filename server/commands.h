/* server/commands.h: the command table and what a handler receives.
 *
 * commands.c holds one table line per command (designated initialisers), grouped as the
 * Redis docs group them; container commands (CLIENT, CONFIG, ...) have subcommand tables.
 * dispatch.c looks commands up and checks arity, flags and state before calling cmd->fn.
 */
#ifndef KVD_SERVER_COMMANDS_H
#define KVD_SERVER_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "utils/slice.h"

struct conn;
struct db;
struct cmd;

/* What a handler gets. argv are slices of the client's query buffer: valid until the handler
 * returns. Copy (e.g. str_new) what must outlive it. */
struct cmd_ctx {
    struct conn *c;
    struct db *db;
    int argc;
    const struct slice *argv;
    struct cmd *cmd;
};

typedef void cmd_fn(struct cmd_ctx *ctx);

/* Command flags (COMMAND INFO names them). */
enum cmd_flag {
    CMD_WRITE = 1u << 0,
    CMD_READONLY = 1u << 1,
    CMD_DENYOOM = 1u << 2,
    CMD_ADMIN = 1u << 3,
    CMD_PUBSUB = 1u << 4,
    CMD_NOSCRIPT = 1u << 5,
    CMD_BLOCKING = 1u << 6,
    CMD_LOADING = 1u << 7,
    CMD_STALE = 1u << 8,
    CMD_SKIP_MONITOR = 1u << 9,
    CMD_SKIP_SLOWLOG = 1u << 10,
    CMD_FAST = 1u << 11,
    CMD_NO_AUTH = 1u << 12,
    CMD_MAY_REPLICATE = 1u << 13,
    CMD_SENTINEL = 1u << 14,
    CMD_NO_MANDATORY_KEYS = 1u << 15,
    CMD_NO_MULTI = 1u << 16,
    CMD_ALLOW_BUSY = 1u << 17,
    CMD_PROTECTED = 1u << 18, /* DEBUG: needs enable-debug-command */
    CMD_MOVABLE_KEYS = 1u << 19,
    CMD_ONLY_SENTINEL = 1u << 20,
};

struct cmd {
    const char *name;       /* lowercase; for a subcommand just its own name ("list") */
    cmd_fn *fn;             /* NULL for a container whose subcommands do the work */
    int arity;              /* Redis's: N exact, -N at least N (counting the name) */
    uint32_t flags;         /* enum cmd_flag */
    int first_key, last_key, key_step; /* legacy key positions, 0 0 0 if none */
    /* Movable-keys commands: writes the argv positions of the keys (argv[0] is the command
     * name) into out, at most max of them, and returns how many; 0 when the arguments name
     * none (COMMAND GETKEYS then errs unless CMD_NO_MANDATORY_KEYS). NULL: use the legacy
     * positions above. */
    int (*getkeys)(const struct slice *argv, int argc, int *out, int max);
    const char *acl;        /* ACL categories, space separated ("@write @string @slow") */
    const char *group;      /* docs group: "string", "generic", "connection", "server", ... */
    const char *since;
    const char *complexity;
    const char *summary;    /* one line, our own words */
    const char *syntax;     /* arguments after the name, Redis docs notation, for COMMAND DOCS */
    struct cmd *subcmds;    /* container: array ended by an entry with name NULL */
    struct cmd *parent;     /* set by commands_init() for subcommands */
    char fullname[48];      /* "client|list" or "get": set by commands_init() */
    /* INFO commandstats */
    long long calls, usec, rejected_calls, failed_calls;
};

/* Builds the lookup table. Call once at startup. */
void commands_init(void);
/* The command named name (any case), or NULL. */
struct cmd *cmd_lookup(const char *name, size_t len);
/* The subcommand of parent named name (any case), or NULL. */
struct cmd *cmd_lookup_sub(const struct cmd *parent, const char *name, size_t len);
/* Every top-level command, for COMMAND, INFO commandstats; *n receives the count. */
struct cmd *commands_all(size_t *n);

#endif
