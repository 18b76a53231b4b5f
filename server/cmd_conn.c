/* server/cmd_conn.c: connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT and
 * the CLIENT subcommands.
 *
 * Owns the per-connection state these commands change (protocol, name, db, auth, reply mode,
 * no-evict) and the text of CLIENT LIST / CLIENT INFO. It does not know how input is read or
 * output written (conn.c, reply.c), nor how a pause holds commands (dispatch.c): it only sets
 * server.pause. There is one user, "default", whose password is server.requirepass.
 * Start at cmd_hello() and cmd_client_kill(); client_info_append() builds one CLIENT LIST line.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/cmd_conn.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "server/args.h"
#include "server/blocking.h"
#include "server/multi.h"
#include "server/pubsub.h"
#include "server/commands.h"
#include "server/conn.h"
#include "server/reply.h"
#include "server/server.h"
#include "utils/buf.h"
#include "utils/mem.h"

/* Client types as CLIENT LIST TYPE and CLIENT KILL TYPE name them. kvd has no replication,
 * so no connection is ever a master or a replica, but the names are still accepted. */
enum client_type { CTYPE_NORMAL, CTYPE_REPLICA, CTYPE_PUBSUB, CTYPE_MASTER };

/* ---- helpers ---------------------------------------------------------------------------- */

static bool password_required(void)
{
    return server.requirepass != NULL && server.requirepass[0] != '\0';
}

/* Compares without stopping at the first difference, so reply timing says nothing about
 * how much of a guessed password was right. */
static bool password_matches(const struct slice *pass)
{
    const char *want = server.requirepass;
    size_t n = strlen(want);
    if (pass->len != n)
        return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)pass->p[i] ^ (unsigned char)want[i];
    return diff == 0;
}

/* Redis's rule for the default user: with no password every password is accepted; any other
 * user name does not exist and fails the same way a wrong password does. */
static bool credentials_valid(const struct slice *user, const struct slice *pass)
{
    if (user != NULL && !(user->len == 7 && memcmp(user->p, "default", 7) == 0))
        return false;
    return !password_required() || password_matches(pass);
}

static void mark_authenticated(struct conn *c)
{
    c->authenticated = true;
    c->parser.unauthenticated = false;
}

/* Names are shown unquoted in CLIENT LIST, whose fields are space separated: only printable
 * ASCII other than space is allowed. */
static bool client_name_valid(const struct slice *name)
{
    for (size_t i = 0; i < name->len; i++) {
        unsigned char ch = (unsigned char)name->p[i];
        if (ch < '!' || ch > '~')
            return false;
    }
    return true;
}

/* An empty name clears it, as in Redis. */
static void set_client_name(struct conn *c, const struct slice *name)
{
    mem_free(c->name);
    c->name = name->len == 0 ? NULL : mem_strndup(name->p, name->len);
}

static bool parse_client_type(const struct slice *a, enum client_type *out)
{
    if (arg_is(a, "normal"))
        *out = CTYPE_NORMAL;
    else if (arg_is(a, "slave") || arg_is(a, "replica"))
        *out = CTYPE_REPLICA;
    else if (arg_is(a, "pubsub"))
        *out = CTYPE_PUBSUB;
    else if (arg_is(a, "master"))
        *out = CTYPE_MASTER;
    else
        return false;
    return true;
}

/* MONITOR clients count as normal, as in Redis (they are replicas there, but not for TYPE). */
static enum client_type client_type_of(const struct conn *c)
{
    return (c->flags & CONN_PUBSUB) ? CTYPE_PUBSUB : CTYPE_NORMAL;
}

static bool slice_eq_cstr(const struct slice *a, const char *s)
{
    size_t n = strlen(s);
    return a->len == n && memcmp(a->p, s, n) == 0;
}

/* Ends c's connection: after this command's reply when c is the caller, else at the next
 * safe point (the victim may be mid-pipeline). */
static void kill_client(struct cmd_ctx *ctx, struct conn *victim)
{
    if (victim == ctx->c)
        victim->flags |= CONN_CLOSE_AFTER_REPLY;
    else
        conn_close_async(victim);
}

static void leave_monitor(struct conn *c)
{
    if (!(c->flags & CONN_MONITOR))
        return;
    for (struct conn **pp = &server.monitors; *pp != NULL; pp = &(*pp)->monitor_next) {
        if (*pp == c) {
            *pp = c->monitor_next;
            break;
        }
    }
    c->monitor_next = NULL;
    c->flags &= ~(uint32_t)CONN_MONITOR;
}

/* ---- CLIENT LIST / CLIENT INFO text ----------------------------------------------------- */

/* Redis prints flags in this fixed order, or "N" when none applies. */
static void append_flags(struct buf *b, const struct conn *c)
{
    char f[16];
    size_t n = 0;
    if (c->flags & CONN_MONITOR)
        f[n++] = 'O';
    if (c->flags & CONN_PUBSUB)
        f[n++] = 'P';
    if (c->flags & CONN_MULTI)
        f[n++] = 'x';
    if (c->flags & CONN_BLOCKED)
        f[n++] = 'b';
    if (c->flags & CONN_DIRTY_CAS)
        f[n++] = 'd';
    if (c->flags & CONN_CLOSE_AFTER_REPLY)
        f[n++] = 'c';
    if (c->flags & CONN_CLOSE_ASAP)
        f[n++] = 'A';
    if (c->flags & CONN_UNIX)
        f[n++] = 'U';
    if (c->flags & CONN_NO_EVICT)
        f[n++] = 'e';
    if (n == 0)
        f[n++] = 'N';
    buf_append(b, f, n);
}

/* Output queue figures in Redis's terms: obl is the first block (Redis's fixed buffer), oll
 * and omem the blocks queued behind it. */
static void output_figures(const struct conn *c, long long *obl, long long *oll, long long *omem)
{
    *obl = *oll = *omem = 0;
    const struct out_chunk *ch = c->out_head;
    if (ch == NULL)
        return;
    *obl = ch->ref == NULL ? (long long)(ch->used - ch->sent) : 0;
    for (ch = ch->next; ch != NULL; ch = ch->next) {
        (*oll)++;
        *omem += (long long)(sizeof(*ch) + (ch->ref != NULL ? ch->used : ch->size));
    }
}

/* One line of CLIENT LIST (no trailing newline), with the fields of Redis 7.0 in its order.
 * For the caller (ctx->c) cmd= names the running command. */
static void client_info_append(struct buf *b, const struct conn *cl, const struct cmd_ctx *ctx)
{
    long long now = server.mstime;
    long long obl, oll, omem;
    output_figures(cl, &obl, &oll, &omem);

    const char *cmdname = "NULL";
    if (cl == ctx->c && ctx->cmd != NULL)
        cmdname = ctx->cmd->fullname;
    else if (cl->last_cmd != NULL)
        cmdname = cl->last_cmd->fullname;

    long long qbuf = (long long)buf_used(&cl->in);
    long long qbuf_free = (long long)(cl->in.cap - cl->in.len);
    long long tot_mem = (long long)sizeof(*cl) + (long long)cl->in.cap + omem +
                        (long long)cl->argv_cap * (long long)sizeof(struct slice) + cl->argv_mem;
    if (cl->out_head != NULL)
        tot_mem += (long long)(sizeof(*cl->out_head) + cl->out_head->size);

    buf_printf(b, "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=",
               (unsigned long long)cl->id, cl->addr, cl->laddr, cl->fd,
               cl->name != NULL ? cl->name : "", (now - cl->ctime_ms) / 1000,
               (now - cl->last_interaction_ms) / 1000);
    append_flags(b, cl);
    size_t nsub, npsub, nssub; /* pub/sub: subscriptions by kind (pubsub.c) */
    pubsub_conn_counts(cl, &nsub, &npsub, &nssub);
    buf_printf(b, " db=%d sub=%zu psub=%zu ssub=%zu multi=%d qbuf=%lld qbuf-free=%lld argv-mem=%lld"
                  " multi-mem=0 rbs=%lld rbp=%lld obl=%lld oll=%lld omem=%lld tot-mem=%lld"
                  " events=%s cmd=%s user=default redir=-1 resp=%d",
               cl->db_id, nsub, npsub, nssub, multi_queued_count(cl), qbuf, qbuf_free, cl->argv_mem,
               (long long)cl->in.cap, (long long)cl->in.len, obl, oll, omem, tot_mem,
               (cl->flags & CONN_WRITE_ARMED) ? "rw" : "r", cmdname, (int)cl->proto);
}

static int conn_by_id_cmp(const void *a, const void *b)
{
    const struct conn *x = *(struct conn *const *)a, *y = *(struct conn *const *)b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Every connection, oldest first, whatever order server.clients keeps: Redis lists clients in
 * connection order. Caller frees the array. */
static struct conn **clients_by_id(size_t *n)
{
    size_t cnt = 0;
    for (struct conn *cl = server.clients; cl != NULL; cl = cl->next)
        cnt++;
    struct conn **all = mem_alloc((cnt ? cnt : 1) * sizeof(*all));
    size_t i = 0;
    for (struct conn *cl = server.clients; cl != NULL; cl = cl->next)
        all[i++] = cl;
    qsort(all, cnt, sizeof(*all), conn_by_id_cmp);
    *n = cnt;
    return all;
}

static struct conn *client_lookup_id(uint64_t id)
{
    for (struct conn *cl = server.clients; cl != NULL; cl = cl->next)
        if (cl->id == id)
            return cl;
    return NULL;
}

/* ---- PING, ECHO, QUIT, RESET, SELECT ---------------------------------------------------- */

/* PING [message] */
void cmd_ping(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    if (ctx->argc > 2) {
        reply_error(c, ERR_WRONG_ARITY, "ping");
        return;
    }
    /* A RESP2 subscriber can only read pushes, so its PONG comes as an array like them. */
    if ((c->flags & CONN_PUBSUB) && c->proto == RESP2) {
        reply_array(c, 2);
        reply_bulk(c, "pong", 4);
        if (ctx->argc == 2)
            reply_bulk(c, ctx->argv[1].p, ctx->argv[1].len);
        else
            reply_bulk(c, "", 0);
        return;
    }
    if (ctx->argc == 2)
        reply_bulk(c, ctx->argv[1].p, ctx->argv[1].len);
    else
        reply_simple(c, "PONG");
}

/* ECHO message */
void cmd_echo(struct cmd_ctx *ctx)
{
    reply_bulk(ctx->c, ctx->argv[1].p, ctx->argv[1].len);
}

/* QUIT */
void cmd_quit(struct cmd_ctx *ctx)
{
    reply_ok(ctx->c);
    ctx->c->flags |= CONN_CLOSE_AFTER_REPLY;
}

/* RESET: back to the state of a fresh connection. Keeps the id, the no-evict flag and the
 * statistics, as Redis does. */
void cmd_reset(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    leave_monitor(c);
    multi_reset(c); /* drops the MULTI queue and every WATCHed key */
    pubsub_conn_reset(c); /* drops every subscription silently, as Redis's RESET does */
    /* CONN_REPLY_SKIP stays: after CLIENT REPLY SKIP, Redis drops RESET's own reply too. */
    c->flags &= ~(uint32_t)(CONN_MULTI | CONN_DIRTY_EXEC | CONN_DIRTY_CAS | CONN_PUBSUB |
                            CONN_REPLY_OFF | CONN_REPLY_SKIP_NEXT);
    conn_select(c, 0);
    c->proto = RESP2;
    mem_free(c->name);
    c->name = NULL;
    if (password_required()) {
        c->authenticated = false;
        c->parser.unauthenticated = true;
    } else {
        mark_authenticated(c);
    }
    reply_simple(c, "RESET");
}

/* SELECT index */
void cmd_select(struct cmd_ctx *ctx)
{
    long long id;
    if (!arg_to_ll(&ctx->argv[1], &id)) {
        reply_error(ctx->c, ERR_NOT_INTEGER);
        return;
    }
    if (id < INT_MIN || id > INT_MAX) {
        reply_error(ctx->c, ERR_INT_RANGE, (long long)INT_MIN, (long long)INT_MAX);
        return;
    }
    if (!conn_select(ctx->c, (int)id)) {
        reply_error(ctx->c, ERR_DB_INDEX);
        return;
    }
    reply_ok(ctx->c);
}

/* ---- AUTH, HELLO ------------------------------------------------------------------------ */

/* AUTH [username] password */
void cmd_auth(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    if (ctx->argc > 3) {
        reply_error(c, ERR_SYNTAX);
        return;
    }
    /* The one-argument form is the legacy requirepass form, which makes no sense without a
     * password; the two-argument form goes through the user check instead. */
    if (ctx->argc == 2 && !password_required()) {
        reply_error(c, ERR_AUTH_NOPASS);
        return;
    }
    const struct slice *user = ctx->argc == 3 ? &ctx->argv[1] : NULL;
    const struct slice *pass = &ctx->argv[ctx->argc - 1];
    if (!credentials_valid(user, pass)) {
        reply_error(c, ERR_WRONGPASS);
        return;
    }
    mark_authenticated(c);
    reply_ok(c);
}

/* HELLO [protover [AUTH username password] [SETNAME clientname]] */
void cmd_hello(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    long long ver = c->proto;
    const struct slice *user = NULL, *pass = NULL, *name = NULL;

    if (ctx->argc >= 2) {
        if (!arg_to_ll(&ctx->argv[1], &ver)) {
            reply_error(c, ERR_HELLO_PROTO_NOT_INT);
            return;
        }
        if (ver < 2 || ver > 3) {
            reply_error(c, ERR_NOPROTO);
            return;
        }
    }
    for (int j = 2; j < ctx->argc; j++) {
        const struct slice *opt = &ctx->argv[j];
        int more = ctx->argc - j - 1;
        if (arg_is(opt, "auth") && more >= 2) {
            user = &ctx->argv[j + 1];
            pass = &ctx->argv[j + 2];
            j += 2;
        } else if (arg_is(opt, "setname") && more >= 1) {
            name = &ctx->argv[j + 1];
            /* Checked while parsing, so a bad name fails before authentication. */
            if (!client_name_valid(name)) {
                reply_error(c, ERR_CLIENT_NAME);
                return;
            }
            j++;
        } else {
            reply_error(c, ERR_HELLO_OPTION, (int)opt->len, opt->p);
            return;
        }
    }
    if (user != NULL) {
        if (!credentials_valid(user, pass)) {
            reply_error(c, ERR_WRONGPASS);
            return;
        }
        mark_authenticated(c);
    }
    if (!c->authenticated) {
        reply_error(c, ERR_HELLO_NOAUTH);
        return;
    }
    if (name != NULL)
        set_client_name(c, name);
    c->proto = (enum resp_proto)ver;

    reply_map(c, 7);
    reply_bulk_cstr(c, "server");
    reply_bulk_cstr(c, "redis");
    reply_bulk_cstr(c, "version");
    reply_bulk_cstr(c, KVD_REDIS_VERSION);
    reply_bulk_cstr(c, "proto");
    reply_int(c, ver);
    reply_bulk_cstr(c, "id");
    reply_int(c, (long long)c->id);
    reply_bulk_cstr(c, "mode");
    reply_bulk_cstr(c, "standalone");
    reply_bulk_cstr(c, "role");
    reply_bulk_cstr(c, "master");
    reply_bulk_cstr(c, "modules");
    reply_empty_array(c);
}

/* ---- CLIENT ----------------------------------------------------------------------------- */

/* CLIENT ID */
void cmd_client_id(struct cmd_ctx *ctx)
{
    reply_int(ctx->c, (long long)ctx->c->id);
}

/* CLIENT GETNAME */
void cmd_client_getname(struct cmd_ctx *ctx)
{
    if (ctx->c->name == NULL)
        reply_null(ctx->c);
    else
        reply_bulk_cstr(ctx->c, ctx->c->name);
}

/* CLIENT SETNAME name */
void cmd_client_setname(struct cmd_ctx *ctx)
{
    if (!client_name_valid(&ctx->argv[2])) {
        reply_error(ctx->c, ERR_CLIENT_NAME);
        return;
    }
    set_client_name(ctx->c, &ctx->argv[2]);
    reply_ok(ctx->c);
}

/* CLIENT INFO */
void cmd_client_info(struct cmd_ctx *ctx)
{
    struct buf b;
    buf_init(&b);
    client_info_append(&b, ctx->c, ctx);
    buf_append(&b, "\n", 1);
    reply_verbatim(ctx->c, buf_head(&b), buf_used(&b));
    buf_deinit(&b);
}

/* CLIENT LIST [TYPE type] | [ID id [id ...]] */
void cmd_client_list(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    struct buf b;
    buf_init(&b);

    if (ctx->argc > 3 && arg_is(&ctx->argv[2], "id")) {
        /* Validate every id before building anything; output follows argument order, a
         * repeated id repeats its line, unknown ids are skipped (as Redis does). */
        for (int j = 3; j < ctx->argc; j++) {
            long long id;
            if (!arg_to_ll(&ctx->argv[j], &id)) {
                reply_error(c, ERR_INVALID_CLIENT_ID);
                return;
            }
        }
        for (int j = 3; j < ctx->argc; j++) {
            long long id;
            arg_to_ll(&ctx->argv[j], &id);
            struct conn *cl = client_lookup_id((uint64_t)id);
            if (cl == NULL)
                continue;
            client_info_append(&b, cl, ctx);
            buf_append(&b, "\n", 1);
        }
    } else {
        bool filter = false;
        enum client_type want = CTYPE_NORMAL;
        if (ctx->argc == 4 && arg_is(&ctx->argv[2], "type")) {
            if (!parse_client_type(&ctx->argv[3], &want)) {
                reply_error(c, ERR_UNKNOWN_CLIENT_TYPE, (int)ctx->argv[3].len, ctx->argv[3].p);
                return;
            }
            filter = true;
        } else if (ctx->argc != 2) {
            reply_error(c, ERR_SYNTAX);
            return;
        }
        size_t n;
        struct conn **all = clients_by_id(&n);
        for (size_t i = 0; i < n; i++) {
            if (filter && client_type_of(all[i]) != want)
                continue;
            client_info_append(&b, all[i], ctx);
            buf_append(&b, "\n", 1);
        }
        mem_free(all);
    }
    reply_verbatim(c, b.data != NULL ? buf_head(&b) : "", buf_used(&b));
    buf_deinit(&b);
}

/* What CLIENT KILL's new form selects; unset fields match everything. */
struct kill_filter {
    bool has_id;
    uint64_t id;
    const struct slice *addr;
    const struct slice *laddr;
    bool has_type;
    enum client_type type;
    bool skipme;
};

/* Parses the option/value pairs of the new form. Replies and returns false on an error. */
static bool kill_filter_parse(struct cmd_ctx *ctx, struct kill_filter *f)
{
    struct conn *c = ctx->c;
    memset(f, 0, sizeof(*f));
    f->skipme = true;
    for (int i = 2; i < ctx->argc; i += 2) {
        const struct slice *opt = &ctx->argv[i];
        if (i + 1 >= ctx->argc) {
            reply_error(c, ERR_SYNTAX);
            return false;
        }
        const struct slice *val = &ctx->argv[i + 1];
        if (arg_is(opt, "id")) {
            long long id;
            if (!arg_to_ll(val, &id) || id <= 0) {
                reply_error(c, ERR_CLIENT_ID_POSITIVE);
                return false;
            }
            f->has_id = true;
            f->id = (uint64_t)id;
        } else if (arg_is(opt, "type")) {
            if (!parse_client_type(val, &f->type)) {
                reply_error(c, ERR_UNKNOWN_CLIENT_TYPE, (int)val->len, val->p);
                return false;
            }
            f->has_type = true;
        } else if (arg_is(opt, "addr")) {
            f->addr = val;
        } else if (arg_is(opt, "laddr")) {
            f->laddr = val;
        } else if (arg_is(opt, "user")) {
            /* Every connection is the default user's, so that name filters nothing. */
            if (!slice_eq_cstr(val, "default")) {
                reply_error(c, ERR_NO_SUCH_USER, (int)val->len, val->p);
                return false;
            }
        } else if (arg_is(opt, "skipme")) {
            if (arg_is(val, "yes"))
                f->skipme = true;
            else if (arg_is(val, "no"))
                f->skipme = false;
            else {
                reply_error(c, ERR_SYNTAX);
                return false;
            }
        } else {
            reply_error(c, ERR_SYNTAX);
            return false;
        }
    }
    return true;
}

static bool kill_filter_matches(const struct kill_filter *f, const struct conn *cl,
                                const struct conn *self)
{
    if (f->has_id && cl->id != f->id)
        return false;
    if (f->addr != NULL && !slice_eq_cstr(f->addr, cl->addr))
        return false;
    if (f->laddr != NULL && !slice_eq_cstr(f->laddr, cl->laddr))
        return false;
    if (f->has_type && client_type_of(cl) != f->type)
        return false;
    if (f->skipme && cl == self)
        return false;
    return true;
}

/* CLIENT KILL ip:port | CLIENT KILL <option value> ... */
void cmd_client_kill(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    if (ctx->argc == 3) {
        /* The old form: exactly one connection by peer address, the caller included, and a
         * status reply instead of a count. */
        for (struct conn *cl = server.clients; cl != NULL; cl = cl->next) {
            if (slice_eq_cstr(&ctx->argv[2], cl->addr)) {
                reply_ok(c);
                kill_client(ctx, cl);
                return;
            }
        }
        reply_error(c, ERR_NO_SUCH_CLIENT);
        return;
    }
    struct kill_filter f;
    if (!kill_filter_parse(ctx, &f))
        return;
    long long killed = 0;
    for (struct conn *cl = server.clients; cl != NULL; cl = cl->next) {
        if (!kill_filter_matches(&f, cl, c))
            continue;
        kill_client(ctx, cl);
        killed++;
    }
    reply_int(c, killed);
}

/* CLIENT REPLY ON|OFF|SKIP */
void cmd_client_reply(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    const struct slice *mode = &ctx->argv[2];
    if (arg_is(mode, "on")) {
        c->flags &= ~(uint32_t)(CONN_REPLY_OFF | CONN_REPLY_SKIP_NEXT | CONN_REPLY_SKIP);
        reply_ok(c);
    } else if (arg_is(mode, "off")) {
        /* No reply: the point of OFF is that this command is the first one silenced. */
        c->flags |= CONN_REPLY_OFF;
    } else if (arg_is(mode, "skip")) {
        if (!(c->flags & CONN_REPLY_OFF))
            c->flags |= CONN_REPLY_SKIP_NEXT;
    } else {
        reply_error(c, ERR_SYNTAX);
    }
}

/* CLIENT NO-EVICT ON|OFF */
void cmd_client_no_evict(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    if (arg_is(&ctx->argv[2], "on"))
        c->flags |= CONN_NO_EVICT;
    else if (arg_is(&ctx->argv[2], "off"))
        c->flags &= ~(uint32_t)CONN_NO_EVICT;
    else {
        reply_error(c, ERR_SYNTAX);
        return;
    }
    reply_ok(c);
}

/* CLIENT PAUSE timeout [WRITE|ALL] */
void cmd_client_pause(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    if (ctx->argc > 4) {
        reply_error(c, ERR_SUBCMD_SYNTAX, (int)ctx->argv[1].len, ctx->argv[1].p, "CLIENT");
        return;
    }
    enum pause_kind kind = PAUSE_ALL;
    /* Redis checks the mode before the timeout. */
    if (ctx->argc == 4) {
        if (arg_is(&ctx->argv[3], "write"))
            kind = PAUSE_WRITE;
        else if (!arg_is(&ctx->argv[3], "all")) {
            reply_error(c, ERR_PAUSE_MODE);
            return;
        }
    }
    long long timeout_ms;
    if (!arg_to_ll(&ctx->argv[2], &timeout_ms)) {
        reply_error(c, ERR_TIMEOUT_NOT_INT);
        return;
    }
    if (timeout_ms < 0) {
        reply_error(c, ERR_TIMEOUT_NEGATIVE);
        return;
    }
    long long now = server.mstime;
    /* Redis adds without an overflow check, so a huge timeout wraps into the past and the
     * pause is over at once; do the same without the signed-overflow UB. */
    long long end = (long long)((unsigned long long)now + (unsigned long long)timeout_ms);
    bool active = server.pause != PAUSE_OFF && server.pause_end_ms > now;
    if (active) {
        /* A second pause never shortens or weakens the one in force. */
        if (kind > server.pause)
            server.pause = kind;
        if (end > server.pause_end_ms)
            server.pause_end_ms = end;
    } else if (end > now) {
        server.pause = kind;
        server.pause_end_ms = end;
    }
    reply_ok(c);
}

/* CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: 1 if that client was blocked and now is not.
 * The target gets the timeout reply (default) or the UNBLOCKED error before our reply. */
void cmd_client_unblock(struct cmd_ctx *ctx)
{
    struct conn *c = ctx->c;
    if (ctx->argc > 4) {
        reply_error(c, ERR_SUBCMD_SYNTAX, (int)ctx->argv[1].len, ctx->argv[1].p, "CLIENT");
        return;
    }
    long long id;
    if (!arg_to_ll(&ctx->argv[2], &id)) {
        reply_error(c, ERR_NOT_INTEGER);
        return;
    }
    enum blocking_end how = BLOCKING_END_TIMEOUT;
    if (ctx->argc == 4) {
        if (arg_is(&ctx->argv[3], "error"))
            how = BLOCKING_END_ERROR;
        else if (!arg_is(&ctx->argv[3], "timeout")) {
            reply_error(c, ERR_UNBLOCK_REASON);
            return;
        }
    }
    struct conn *target = client_lookup_id((uint64_t)id);
    reply_int(c, target != NULL && blocking_unblock(target, how) ? 1 : 0);
}

/* CLIENT UNPAUSE */
void cmd_client_unpause(struct cmd_ctx *ctx)
{
    conn_unpause_all();
    reply_ok(ctx->c);
}

/* CLIENT HELP: one line per subcommand kvd implements, then an indented description. */
void cmd_client_help(struct cmd_ctx *ctx)
{
    static const char *const lines[] = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETNAME",
        "    Reply with the name of this connection, or null when it has none.",
        "ID",
        "    Reply with the numeric id of this connection.",
        "INFO",
        "    Reply with one CLIENT LIST line describing this connection.",
        "KILL <ip:port>",
        "    Close the connection whose peer address is <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Close every connection that matches all the given filters:",
        "    * ID <client-id>",
        "      The connection with this id.",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Connections from this peer address.",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Connections accepted on this local address.",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Connections of this type.",
        "    * USER <username>",
        "      Connections authenticated as this user.",
        "    * SKIPME (YES|NO)",
        "      Whether to spare the connection sending the command (default: yes).",
        "LIST [options ...]",
        "    Describe the client connections, one line each. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Only connections of this type.",
        "    * ID <client-id> [<client-id> ...]",
        "      Only connections with these ids.",
        "UNPAUSE",
        "    End a pause started by CLIENT PAUSE.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Hold the commands of every client (or only writes) for <timeout> ms.",
        "REPLY (ON|OFF|SKIP)",
        "    Turn replies to this connection on or off, or drop only the next one.",
        "SETNAME <name>",
        "    Name this connection (an empty name removes it).",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    End the wait of a client blocked in a blocking command.",
        "NO-EVICT (ON|OFF)",
        "    Exempt this connection from client eviction, or stop doing so.",
        "HELP",
        "    Print this help.",
    };
    reply_help(ctx->c, lines, sizeof(lines) / sizeof(lines[0]));
}
