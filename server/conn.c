/* server/conn.c: accepting, reading, the input loop, writing and closing connections.
 *
 * The only file that touches client sockets. A readable socket is read into c->in and every
 * whole request in it is dispatched in order; replies pile up in the output queue (reply.c)
 * and are written once per loop pass by conn_flush_pending(), from server_before_sleep().
 * EV_WRITE is armed only when a write would block. Start at on_readable().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "server/blocking.h"
#include "server/multi.h"
#include "server/pubsub.h"
#include "server/dispatch.h"
#include "server/log.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/obj.h"
#include "storage/str.h"
#include "utils/mem.h"

#define READ_CHUNK (16 * 1024)
#define BIG_READ_CHUNK (256 * 1024) /* once a request is this big, read in larger steps */
#define MAX_ACCEPTS_PER_EVENT 1000
#define WRITE_IOV 64

static long long reap_wanted; /* conns marked CLOSE_ASAP since the last reap */

static void on_readable(evutil_socket_t fd, short what, void *arg);
static void on_writable(evutil_socket_t fd, short what, void *arg);
static void process_input(struct conn *c);

/* ---- listening and accepting ------------------------------------------------------------ */

static void format_addr(const struct sockaddr_storage *ss, char *dst, size_t size)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
        port = ntohs(s->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
        port = ntohs(s->sin6_port);
    }
    /* Redis writes IPv6 peers without brackets ("::1:41234"), and so do we. */
    snprintf(dst, size, "%s:%d", ip, port);
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)ss;
        return (ntohl(s->sin_addr.s_addr) >> 24) == 127;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
        if (IN6_IS_ADDR_LOOPBACK(&s->sin6_addr))
            return true;
        return IN6_IS_ADDR_V4MAPPED(&s->sin6_addr) && s->sin6_addr.s6_addr[12] == 127;
    }
    return true; /* unix sockets */
}

/* Refuses a connection with an error written straight to the socket, as Redis does. */
static void refuse(int fd, enum err e)
{
    char msg[2048];
    int n = snprintf(msg, sizeof(msg), "-%s\r\n", err_format(e));
    if (n > 0 && write(fd, msg, (size_t)n) < 0) {
        /* Best effort: the peer may already be gone. */
    }
    close(fd);
    server.stat_rejected_conn++;
}

static struct conn *conn_new(int fd, const struct sockaddr_storage *peer)
{
    struct conn *c = mem_calloc(1, sizeof(*c));
    c->id = server.next_client_id++;
    c->fd = fd;
    buf_init(&c->in);
    resp_parser_init(&c->parser);
    c->parser.max_bulk_len = server.proto_max_bulk_len;
    c->parser.unauthenticated = server.requirepass != NULL && server.requirepass[0] != '\0';
    c->authenticated = !c->parser.unauthenticated;
    c->proto = RESP2;
    c->db_id = 0;
    c->db = &server.ks.dbs[0];
    format_addr(peer, c->addr, sizeof(c->addr));
    struct sockaddr_storage local;
    socklen_t llen = sizeof(local);
    if (getsockname(fd, (struct sockaddr *)&local, &llen) == 0)
        format_addr(&local, c->laddr, sizeof(c->laddr));
    c->ctime_ms = c->last_interaction_ms = server.mstime;
    c->ev_read = event_new(server.base, fd, EV_READ | EV_PERSIST, on_readable, c);
    c->ev_write = event_new(server.base, fd, EV_WRITE | EV_PERSIST, on_writable, c);
    event_add(c->ev_read, NULL);

    c->next = server.clients;
    if (server.clients != NULL)
        server.clients->prev = c;
    server.clients = c;
    server.nclients++;
    return c;
}

static void tune_socket(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (server.tcp_keepalive_s > 0) {
        int idle = (int)server.tcp_keepalive_s;
        int intvl = idle / 3 > 0 ? idle / 3 : 1;
        int cnt = 3;
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
    }
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
    for (int i = 0; i < MAX_ACCEPTS_PER_EVENT; i++) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof(peer);
        int fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                log_warning("Accepting client connection: %s", strerror(errno));
            return;
        }
        server.stat_connections++;
        if (server.nclients >= server.maxclients) {
            refuse(fd, ERR_MAX_CLIENTS);
            continue;
        }
        if (server.protected_mode && (server.requirepass == NULL || !server.requirepass[0]) &&
            !is_loopback(&peer)) {
            refuse(fd, ERR_DENIED);
            continue;
        }
        tune_socket(fd);
        struct conn *c = conn_new(fd, &peer);
        log_verbose("Accepted %s", c->addr);
    }
}

static int listen_one(const char *addr, bool optional)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res;
    char port[16];
    snprintf(port, sizeof(port), "%d", server.port);
    int rc = getaddrinfo(addr, port, &hints, &res);
    if (rc != 0) {
        if (!optional)
            log_warning("Could not create server TCP listening socket %s:%d: %s", addr,
                        server.port, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ai->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
            listen(fd, server.tcp_backlog) < 0) {
            int saved = errno;
            close(fd);
            fd = -1;
            errno = saved;
        }
    }
    if (fd < 0 && !(optional && (errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT ||
                                 errno == EPROTONOSUPPORT)))
        log_warning("Could not create server TCP listening socket %s:%d: %s", addr, server.port,
                    strerror(errno));
    freeaddrinfo(res);
    return fd;
}

bool conn_listen(void)
{
    for (int i = 0; i < server.nbind; i++) {
        const char *addr = server.bind[i];
        /* A leading '-' marks an address that may be missing on this host (Redis 7 syntax). */
        bool optional = addr[0] == '-';
        if (optional)
            addr++;
        if (strcmp(addr, "*") == 0)
            addr = "0.0.0.0";
        int fd = listen_one(addr, optional);
        if (fd < 0) {
            if (optional)
                continue;
            return false;
        }
        struct event *ev = event_new(server.base, fd, EV_READ | EV_PERSIST, on_accept, NULL);
        event_add(ev, NULL);
        server.listeners[server.nlisteners++] = ev;
    }
    if (server.nlisteners == 0)
        log_warning("Failed listening on port %d (tcp), aborting.", server.port);
    return server.nlisteners > 0;
}

void conn_unlisten(void)
{
    for (int i = 0; i < server.nlisteners; i++) {
        int fd = event_get_fd(server.listeners[i]);
        event_free(server.listeners[i]);
        close(fd);
    }
    server.nlisteners = 0;
}

/* ---- closing ------------------------------------------------------------------------------ */

static void unlink_pending(struct conn *c)
{
    struct conn **pp = &server.pending_writes;
    while (*pp != NULL && *pp != c)
        pp = &(*pp)->pending_next;
    if (*pp == c)
        *pp = c->pending_next;
    c->flags &= ~CONN_PENDING_WRITE;
}

static void unlink_monitor(struct conn *c)
{
    struct conn **pp = &server.monitors;
    while (*pp != NULL && *pp != c)
        pp = &(*pp)->monitor_next;
    if (*pp == c)
        *pp = c->monitor_next;
}

void conn_close(struct conn *c)
{
    if (c->flags & CONN_IN_COMMAND) {
        conn_close_async(c);
        return;
    }
    if (c->flags & CONN_PENDING_WRITE)
        unlink_pending(c);
    if (c->flags & CONN_MONITOR)
        unlink_monitor(c);
    /* A blocked (or just served, not yet resumed) conn leaves every wait queue. */
    blocking_conn_closed(c);
    multi_reset(c); /* frees the MULTI queue and unwatches its keys */
    pubsub_conn_reset(c); /* PUBLISH must never reach a freed conn */
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        server.clients = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    server.nclients--;
    if (server.current == c)
        server.current = NULL;

    event_free(c->ev_read);
    event_free(c->ev_write);
    close(c->fd);
    reply_free_output(c);
    buf_deinit(&c->in);
    resp_parser_deinit(&c->parser);
    mem_free(c->argv);
    mem_free(c->name);
    mem_free(c->lib_name);
    mem_free(c->lib_ver);
    mem_free(c);
}

void conn_close_async(struct conn *c)
{
    if (!(c->flags & CONN_CLOSE_ASAP)) {
        c->flags |= CONN_CLOSE_ASAP;
        reap_wanted++;
    }
}

void conn_reap(void)
{
    if (reap_wanted == 0)
        return;
    reap_wanted = 0;
    struct conn *c = server.clients;
    while (c != NULL) {
        struct conn *next = c->next;
        if ((c->flags & CONN_CLOSE_ASAP) && !(c->flags & CONN_IN_COMMAND))
            conn_close(c);
        else if (c->flags & CONN_CLOSE_ASAP)
            reap_wanted++;
        c = next;
    }
}

/* ---- input -------------------------------------------------------------------------------- */

static void protocol_error(struct conn *c)
{
    char text[128];
    resp_err_text(&c->parser, text, sizeof(text));
    log_verbose("Protocol error (%s) from client: id=%llu addr=%s", text,
                (unsigned long long)c->id, c->addr);
    reply_error(c, ERR_PROTOCOL, text);
    c->flags |= CONN_CLOSE_AFTER_REPLY;
    buf_clear(&c->in);
    resp_parser_reset(&c->parser);
}

static void set_argv(struct conn *c, const struct resp_req *req)
{
    if (req->argc > c->argv_cap) {
        int cap = c->argv_cap ? c->argv_cap : 8;
        while (cap < req->argc)
            cap *= 2;
        c->argv = mem_realloc(c->argv, sizeof(*c->argv) * (size_t)cap);
        c->argv_cap = cap;
    }
    const char *base = buf_head(&c->in);
    long long mem = 0;
    for (int i = 0; i < req->argc; i++) {
        c->argv[i].p = base + req->argv[i].off;
        c->argv[i].len = req->argv[i].len;
        mem += (long long)req->argv[i].len;
    }
    c->argc = req->argc;
    c->argv_mem = mem;
}

static void process_input(struct conn *c)
{
    c->flags |= CONN_IN_COMMAND;
    dispatch_begin_batch();
    while (buf_used(&c->in) > 0 &&
           !(c->flags & (CONN_CLOSE_ASAP | CONN_CLOSE_AFTER_REPLY | CONN_BLOCKED | CONN_PAUSED))) {
        struct resp_req req;
        size_t used = 0;
        enum resp_status st = resp_parse(&c->parser, buf_head(&c->in), buf_used(&c->in), &req, &used);
        if (st == RESP_INCOMPLETE)
            break;
        if (st == RESP_EPROTO) {
            protocol_error(c);
            break;
        }
        if (req.argc == 0) {
            buf_consume(&c->in, used);
            continue;
        }
        set_argv(c, &req);
        if (dispatch_command(c) == DISPATCH_HELD) {
            c->flags |= CONN_PAUSED;
            break;
        }
        c->argc = 0;
        buf_consume(&c->in, used);
    }
    c->flags &= ~CONN_IN_COMMAND;
    if (c->flags & CONN_CLOSE_ASAP)
        conn_close(c);
    else if ((c->flags & CONN_CLOSE_AFTER_REPLY) && !(c->flags & CONN_PENDING_WRITE))
        conn_want_write(c); /* nothing queued (REPLY OFF): the flush closes it */
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;
    if (c->flags & (CONN_CLOSE_AFTER_REPLY | CONN_CLOSE_ASAP)) {
        event_del(c->ev_read); /* Redis ignores input once it decided to close */
        return;
    }
    size_t want = buf_used(&c->in) >= BIG_READ_CHUNK ? BIG_READ_CHUNK : READ_CHUNK;
    char *dst = buf_reserve(&c->in, want);
    ssize_t n = read(fd, dst, want);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return;
        log_verbose("Reading from client: %s", strerror(errno));
        conn_close(c);
        return;
    }
    if (n == 0) {
        log_verbose("Client closed connection id=%llu addr=%s", (unsigned long long)c->id, c->addr);
        conn_close(c);
        return;
    }
    buf_commit(&c->in, (size_t)n);
    server.stat_net_input_bytes += n;
    server.stat_reads_processed++;
    c->last_interaction_ms = server.mstime;
    if ((long long)buf_used(&c->in) > server.client_query_buffer_limit) {
        log_warning("Closing client that reached max query buffer length: id=%llu addr=%s "
                    "qbuf=%zu", (unsigned long long)c->id, c->addr, buf_used(&c->in));
        conn_close(c);
        return;
    }
    if (c->flags & (CONN_PAUSED | CONN_BLOCKED))
        return;
    process_input(c);
}

void conn_resume(struct conn *c)
{
    if (c->flags & (CONN_PAUSED | CONN_BLOCKED | CONN_CLOSE_ASAP))
        return;
    process_input(c);
}

void conn_unpause_all(void)
{
    server.pause = PAUSE_OFF;
    server.pause_end_ms = 0;
    struct conn *c = server.clients;
    while (c != NULL) {
        struct conn *next = c->next;
        if (c->flags & CONN_PAUSED) {
            c->flags &= ~CONN_PAUSED;
            conn_resume(c);
        }
        c = next;
    }
}

/* ---- output ------------------------------------------------------------------------------- */

void conn_want_write(struct conn *c)
{
    if (c->flags & CONN_PENDING_WRITE)
        return;
    c->flags |= CONN_PENDING_WRITE;
    c->pending_next = server.pending_writes;
    server.pending_writes = c;
}

static const char *chunk_bytes(const struct out_chunk *ch)
{
    if (ch->ref == NULL)
        return ch->data;
    char tmp[NUM_LL_MAXLEN];
    size_t len;
    return str_bytes(ch->ref, tmp, &len); /* raw strings only: the pointer outlives tmp */
}

/* Drops n written bytes from the head of the queue, freeing the blocks fully written. */
static void advance_output(struct conn *c, size_t n)
{
    c->out_bytes -= n;
    while (c->out_head != NULL) {
        struct out_chunk *ch = c->out_head;
        size_t left = ch->used - ch->sent;
        size_t k = n < left ? n : left;
        ch->sent += k;
        n -= k;
        if (ch->sent < ch->used)
            break;
        /* Keep the last standard block for the next replies: no allocator round trip per loop
         * pass for a busy client (conn_cron gives it back once the client is idle). */
        if (ch->next == NULL && ch->ref == NULL && ch->size == REPLY_CHUNK_SIZE) {
            ch->used = ch->sent = 0;
            break;
        }
        c->out_head = ch->next;
        if (c->out_head == NULL)
            c->out_tail = NULL;
        c->out_chunks--;
        if (ch->ref != NULL)
            obj_release(ch->ref);
        mem_free(ch);
    }
}

/* Writes as much queued output as the socket takes. False if c was closed. */
static bool write_output(struct conn *c)
{
    while (c->out_bytes > 0) {
        struct iovec iov[WRITE_IOV];
        int cnt = 0;
        for (struct out_chunk *ch = c->out_head; ch != NULL && cnt < WRITE_IOV; ch = ch->next) {
            if (ch->used == ch->sent)
                continue;
            iov[cnt].iov_base = (char *)chunk_bytes(ch) + ch->sent;
            iov[cnt].iov_len = ch->used - ch->sent;
            cnt++;
        }
        /* one chunk is the common case (small replies): plain write() skips the iovec copy */
        ssize_t n = cnt == 1 ? write(c->fd, iov[0].iov_base, iov[0].iov_len)
                             : writev(c->fd, iov, cnt);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            log_verbose("Error writing to client: %s", strerror(errno));
            conn_close(c);
            return false;
        }
        server.stat_net_output_bytes += n;
        server.stat_writes_processed++;
        advance_output(c, (size_t)n);
    }
    if (c->out_bytes == 0) {
        c->obuf_soft_since_ms = 0;
        if (c->flags & CONN_WRITE_ARMED) {
            event_del(c->ev_write);
            c->flags &= ~CONN_WRITE_ARMED;
        }
        if (c->flags & CONN_CLOSE_AFTER_REPLY) {
            conn_close(c);
            return false;
        }
    } else if (!(c->flags & CONN_WRITE_ARMED)) {
        event_add(c->ev_write, NULL);
        c->flags |= CONN_WRITE_ARMED;
    }
    return true;
}

static void on_writable(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;
    write_output(c);
}

void conn_flush_pending(void)
{
    while (server.pending_writes != NULL) {
        struct conn *c = server.pending_writes;
        server.pending_writes = c->pending_next;
        c->flags &= ~CONN_PENDING_WRITE;
        if (c->flags & CONN_CLOSE_ASAP)
            continue; /* reaped next */
        if (c->flags & CONN_WRITE_ARMED)
            continue; /* on_writable drains it when the socket has room */
        write_output(c);
    }
}

/* ---- limits, cron, totals ----------------------------------------------------------------- */

bool conn_check_obuf_limits(struct conn *c)
{
    if (c->flags & CONN_CLOSE_ASAP)
        return true;
    const struct obuf_limit *l = &server.obuf_limits[(c->flags & CONN_PUBSUB) ? OBUF_PUBSUB : OBUF_NORMAL];
    long long used = (long long)c->out_bytes;
    bool hard = l->hard_bytes > 0 && used >= l->hard_bytes;
    bool soft = false;
    if (l->soft_bytes > 0 && used >= l->soft_bytes) {
        if (c->obuf_soft_since_ms == 0)
            c->obuf_soft_since_ms = server.mstime;
        else
            soft = server.mstime - c->obuf_soft_since_ms > l->soft_seconds * 1000;
    } else {
        c->obuf_soft_since_ms = 0;
    }
    if (!hard && !soft)
        return false;
    log_warning("Client id=%llu addr=%s scheduled to be closed ASAP for overcoming of output "
                "buffer limits.", (unsigned long long)c->id, c->addr);
    conn_close_async(c);
    return true;
}

void conn_cron(void)
{
    struct conn *c = server.clients;
    while (c != NULL) {
        struct conn *next = c->next;
        if (server.timeout_s > 0 && !(c->flags & (CONN_BLOCKED | CONN_PUBSUB | CONN_MONITOR)) &&
            server.mstime - c->last_interaction_ms > server.timeout_s * 1000) {
            log_verbose("Closing idle client id=%llu addr=%s", (unsigned long long)c->id, c->addr);
            conn_close(c);
        } else {
            if (c->out_bytes > 0)
                conn_check_obuf_limits(c);
            /* An idle client gives back its kept reply block. */
            if (c->out_bytes == 0 && c->out_head != NULL &&
                server.mstime - c->last_interaction_ms > 2000)
                reply_free_output(c);
            /* Give back a big idle query buffer. */
            if (buf_used(&c->in) == 0 && c->in.cap > 64 * 1024)
                buf_deinit(&c->in);
        }
        c = next;
    }
    conn_reap();
}

void conn_totals(size_t *max_in, size_t *max_out, size_t *total_in, size_t *total_out)
{
    size_t mi = 0, mo = 0, ti = 0, to = 0;
    for (struct conn *c = server.clients; c != NULL; c = c->next) {
        size_t in = c->in.cap;
        size_t out = c->out_bytes;
        if (in > mi)
            mi = in;
        if (out > mo)
            mo = out;
        ti += in;
        to += out;
    }
    *max_in = mi;
    *max_out = mo;
    *total_in = ti;
    *total_out = to;
}

bool conn_select(struct conn *c, int id)
{
    if (id < 0 || id >= server.ks.ndb)
        return false;
    c->db_id = id;
    c->db = &server.ks.dbs[id];
    return true;
}
