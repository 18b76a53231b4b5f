/* server/dispatch.h: from a parsed request to a handler call.
 *
 * dispatch.c looks the command up, applies Redis's checks in Redis's order (unknown command or
 * subcommand, arity, authentication, CLIENT PAUSE), runs the handler and keeps the statistics
 * (commandstats, slowlog, MONITOR, latency). conn.c calls it once per request.
 */
#ifndef KVD_SERVER_DISPATCH_H
#define KVD_SERVER_DISPATCH_H

#include <stdbool.h>

struct conn;

enum dispatch_result {
    DISPATCH_DONE, /* the request was handled (replied, or rejected with an error) */
    DISPATCH_HELD, /* CLIENT PAUSE holds it: leave the bytes in the query buffer, retry later */
};

/* Call before a run of requests (one read's worth): takes the clocks that the following
 * dispatch_command() calls use as their start time. */
void dispatch_begin_batch(void);

/* Runs the request in c->argv[0..argc). */
enum dispatch_result dispatch_command(struct conn *c);

/* Runs cmd on c->argv[0..argc) and keeps its statistics, without the checks of
 * dispatch_command() and without serving blocked clients (EXEC runs its queued commands
 * through this; blocked clients are served after EXEC as a whole). Added for multi.c. */
struct cmd;
void dispatch_call(struct conn *c, struct cmd *cmd);

/* True if c's next command would be held by the current CLIENT PAUSE. */
bool dispatch_is_paused_for(struct conn *c);

/* An error reply counted inside a command without being that command's own failure (a
 * script's refused redis.call, counted where it happens): the running command is not marked
 * failed for it. Added for script.c. */
void dispatch_forget_errors(void);

#endif
