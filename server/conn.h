/* server/conn.h: one client connection: query buffer, parser, output queue, flags.
 *
 * conn.c owns accepting, reading, the input loop, writing and closing. Replies are appended
 * through reply.h; nothing but conn.c writes to a socket.
 */
#ifndef KVD_SERVER_CONN_H
#define KVD_SERVER_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol/resp.h"
#include "protocol/resp_enc.h"
#include "utils/buf.h"
#include "utils/slice.h"

struct obj;
struct db;
struct cmd;

/* Output is a queue of chunks: byte blocks that replies are appended into, and references to
 * large string values written straight from the object (no copy). */
struct out_chunk {
    struct out_chunk *next;
    struct obj *ref; /* non-NULL: the bytes are this string object's (retained) */
    size_t size;     /* capacity of data (0 for ref chunks) */
    size_t used;     /* bytes filled (for ref chunks, the object's length) */
    size_t sent;     /* bytes already written */
    char data[];
};

enum conn_flag {
    CONN_CLOSE_AFTER_REPLY = 1u << 0, /* close once the output is written (QUIT, proto error) */
    CONN_CLOSE_ASAP = 1u << 1,        /* close at the next safe point, dropping output */
    CONN_PENDING_WRITE = 1u << 2,     /* on server.pending_writes */
    CONN_WRITE_ARMED = 1u << 3,       /* EV_WRITE is registered (a write would block) */
    CONN_MONITOR = 1u << 4,
    CONN_REPLY_OFF = 1u << 5,         /* CLIENT REPLY OFF */
    CONN_REPLY_SKIP_NEXT = 1u << 6,   /* CLIENT REPLY SKIP: skip the next command's reply */
    CONN_REPLY_SKIP = 1u << 7,        /* the current command's reply is skipped */
    CONN_NO_EVICT = 1u << 8,
    CONN_UNIX = 1u << 9,
    CONN_PAUSED = 1u << 10,           /* input is held by CLIENT PAUSE */
    CONN_BLOCKED = 1u << 11,          /* waiting in a blocking command */
    CONN_IN_COMMAND = 1u << 12,       /* a command of this conn is running (don't free) */
    CONN_PUBSUB = 1u << 13,           /* RESP2 subscribed mode */
    CONN_MULTI = 1u << 14,
    CONN_DIRTY_EXEC = 1u << 15,
    CONN_DIRTY_CAS = 1u << 16,
    CONN_NO_TOUCH = 1u << 17,
    CONN_DENY_BLOCKING = 1u << 18,    /* blocking commands act non-blocking (EXEC, scripts) */
};

struct conn {
    uint64_t id;
    int fd;
    uint32_t flags;
    struct event *ev_read;
    struct event *ev_write;
    struct conn *prev, *next;      /* server.clients */
    struct conn *pending_next;     /* server.pending_writes */
    struct conn *monitor_next;     /* server.monitors */

    struct buf in;                 /* query buffer; the current request starts at in.start */
    struct resp_parser parser;
    struct slice *argv;            /* slices of the current command (into in) */
    int argc;
    int argv_cap;

    struct out_chunk *out_head, *out_tail;
    size_t out_bytes;              /* bytes queued and not yet written */
    size_t out_chunks;
    long long obuf_soft_since_ms;  /* when the soft limit was first exceeded, 0 if not */

    enum resp_proto proto;
    bool authenticated;
    int db_id;
    struct db *db;
    char *name;                    /* CLIENT SETNAME, NULL if none */
    char *lib_name;                /* CLIENT SETINFO lib-name */
    char *lib_ver;
    char addr[64];                 /* "ip:port" of the peer */
    char laddr[64];                /* "ip:port" of our side */
    long long ctime_ms;            /* connection time */
    long long last_interaction_ms;
    const struct cmd *last_cmd;    /* cmd= in CLIENT LIST */
    const struct cmd *cur_cmd;
    long long argv_mem;            /* bytes of the current command's arguments */

    void *ext[4];                  /* per-feature state owned by later modules (blocking, multi) */
};

/* Starts listening on every server.bind address at server.port. Returns false (logged) if
 * none could be bound. */
bool conn_listen(void);
/* Stops listening (shutdown). */
void conn_unlisten(void);

/* Closes now (not while its command runs: then marks CLOSE_ASAP). Frees everything. */
void conn_close(struct conn *c);
/* Marks for closing at the next safe point. */
void conn_close_async(struct conn *c);
/* Puts c on the pending-write list (reply.c calls this). */
void conn_want_write(struct conn *c);
/* Writes pending output of every conn; arms EV_WRITE only for those that would block. */
void conn_flush_pending(void);
/* Closes conns marked CLOSE_ASAP. */
void conn_reap(void);
/* Resumes processing buffered input (after unblocking or unpausing). */
void conn_resume(struct conn *c);
/* Ends CLIENT PAUSE (UNPAUSE or expiry): clears server.pause and resumes held clients. */
void conn_unpause_all(void);
/* Cron duties: idle timeouts, output-buffer soft limits, shrinking idle buffers. */
void conn_cron(void);
/* Checks the output-buffer limits of c; closes it asynchronously (logged) if exceeded. */
bool conn_check_obuf_limits(struct conn *c);
/* Total bytes of query buffers and output queues (INFO clients/memory). */
void conn_totals(size_t *max_in, size_t *max_out, size_t *total_in, size_t *total_out);

/* Selects database id for c. False if out of range. */
bool conn_select(struct conn *c, int id);

#endif
