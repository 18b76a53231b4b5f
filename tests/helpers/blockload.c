/* tests/helpers/blockload.c: load generator for blocking.tcl's tests at scale.
 *
 * Owns its own sockets and clock only: it links nothing from kvd and talks RESP2 over TCP,
 * so it runs the same against kvd and redis-server. One process, one epoll set, non-blocking
 * sockets; it raises RLIMIT_NOFILE to the hard limit so 10,000+ clients fit in one process
 * (the Tcl notifier cannot watch more than ~1,000 and 40 Tcl helpers starve a 2-CPU host).
 *
 *   blockload timers HOST PORT N MIN_MS SPREAD_MS
 *       N clients, each BLPOP on its own key with its own timeout spread over
 *       [MIN_MS, MIN_MS+SPREAD_MS) in microsecond steps; prints
 *       "arrived early worst_late_ms p99_late_ms" (lateness from the client's send).
 *   blockload drop HOST PORT TOTAL BATCH
 *       BATCH clients block (BLPOP, timeouts 0 or 30 s), INFO must show them all blocked,
 *       then all are reset (SO_LINGER 0: no TIME_WAIT, so 100,000 fit in the port range)
 *       and INFO must show them gone; repeated until TOTAL. Prints counts and time.
 *
 * Every wait is bounded; any failure prints a message to stderr and exits 1.
 * Start reading at main(), then connect_all().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Connections whose PING has not been answered yet. Kept under the server's listen backlog
 * (511 by default): past it the kernel drops handshakes and the client retries only after
 * a second, which would blur every figure. */
#define BLOCKLOAD_INFLIGHT 256

/* BLPOPs the timers mode sends before it waits for the server to have blocked them. */
#define BLOCKLOAD_CHUNK 250

struct client {
    int fd;
    int state;             /* CL_* */
    long long sent_us;     /* when the BLPOP was written */
    long long timeout_us;  /* the timeout it asked for */
    char in[64];           /* reply bytes so far; every expected reply is short */
    int inlen;
};

enum { CL_NONE, CL_CONNECTING, CL_READY, CL_BLOCKED, CL_DONE };

static struct sockaddr_in blockload_addr;
static int blockload_ep = -1;

static void blockload_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "blockload: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static long long blockload_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void blockload_raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        blockload_die("getrlimit: %s", strerror(errno));
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        blockload_die("setrlimit: %s", strerror(errno));
}

static void blockload_resolve(const char *host, const char *port)
{
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0)
        blockload_die("cannot resolve %s:%s: %s", host, port, gai_strerror(rc));
    memcpy(&blockload_addr, res->ai_addr, sizeof(blockload_addr));
    freeaddrinfo(res);
}

/* Writes all of s on a fresh socket; the socket buffer of a new connection always holds a
 * short command, so a short write is a failure, not a retry. */
static void blockload_send(int fd, const char *s, size_t len)
{
    ssize_t n = write(fd, s, len);
    if (n != (ssize_t)len)
        blockload_die("write: %s", n < 0 ? strerror(errno) : "short write");
}

/* Reads what is there into c->in; returns false on EOF or a reset. */
static bool blockload_read(struct client *c)
{
    for (;;) {
        if (c->inlen >= (int)sizeof(c->in) - 1)
            blockload_die("unexpected reply: %.*s", c->inlen, c->in);
        ssize_t n = read(c->fd, c->in + c->inlen, sizeof(c->in) - 1 - (size_t)c->inlen);
        if (n > 0) {
            c->inlen += (int)n;
            c->in[c->inlen] = '\0';
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        return false;
    }
}

/* Takes a complete reply equal to want off the front of c->in: 1 taken, 0 not all there,
 * dies on anything else (an error reply, a wrong type). */
static int blockload_take(struct client *c, const char *want)
{
    int wl = (int)strlen(want);
    int cmp = c->inlen < wl ? c->inlen : wl;
    if (memcmp(c->in, want, (size_t)cmp) != 0)
        blockload_die("expected %s, got reply %.*s", want[0] == '+' ? "+PONG" : "a null array",
                      c->inlen, c->in);
    if (c->inlen < wl)
        return 0;
    memmove(c->in, c->in + wl, (size_t)(c->inlen - wl));
    c->inlen -= wl;
    return 1;
}

static void blockload_reset_close(struct client *c)
{
    /* RST instead of FIN: neither side keeps a TIME_WAIT port, so a run is not bounded by
     * the ephemeral port range. */
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    close(c->fd);
    c->fd = -1;
    c->state = CL_NONE;
}

/* Opens n clients and waits for each one's PONG (pipelined before extra, which may be
 * NULL), keeping at most BLOCKLOAD_INFLIGHT unanswered. Dies past deadline_us. */
static void connect_all(struct client *cl, int n, const char *(*extra)(int i), long long deadline_us)
{
    static const char ping[] = "*1\r\n$4\r\nPING\r\n";
    struct epoll_event evs[512];
    int opened = 0, ready = 0, inflight = 0;
    while (ready < n) {
        while (opened < n && inflight < BLOCKLOAD_INFLIGHT) {
            struct client *c = &cl[opened];
            c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (c->fd < 0)
                blockload_die("socket (client %d): %s", opened, strerror(errno));
            int one = 1;
            setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            /* Loopback completes the handshake inside connect() unless the backlog is full. */
            if (connect(c->fd, (struct sockaddr *)&blockload_addr, sizeof(blockload_addr)) != 0 &&
                errno != EINPROGRESS)
                blockload_die("connect (client %d): %s", opened, strerror(errno));
            c->state = CL_CONNECTING;
            c->inlen = 0;
            struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u32 = (uint32_t)opened};
            if (epoll_ctl(blockload_ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
                blockload_die("epoll_ctl: %s", strerror(errno));
            opened++;
            inflight++;
        }
        long long left_ms = (deadline_us - blockload_now_us()) / 1000;
        if (left_ms <= 0)
            blockload_die("timed out connecting: %d of %d clients answered PING", ready, n);
        int k = epoll_wait(blockload_ep, evs, 512, left_ms > 1000 ? 1000 : (int)left_ms);
        if (k < 0 && errno != EINTR)
            blockload_die("epoll_wait: %s", strerror(errno));
        for (int e = 0; e < k; e++) {
            struct client *c = &cl[evs[e].data.u32];
            if (c->state == CL_CONNECTING && (evs[e].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
                int err = 0;
                socklen_t el = sizeof(err);
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
                if (err != 0)
                    blockload_die("connect (client %u): %s", evs[e].data.u32, strerror(err));
                blockload_send(c->fd, ping, sizeof(ping) - 1);
                if (extra != NULL) {
                    const char *x = extra((int)evs[e].data.u32);
                    blockload_send(c->fd, x, strlen(x));
                }
                c->state = CL_READY;
                struct epoll_event ev = {.events = EPOLLIN, .data.u32 = evs[e].data.u32};
                epoll_ctl(blockload_ep, EPOLL_CTL_MOD, c->fd, &ev);
                continue;
            }
            if (c->state == CL_READY && (evs[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
                if (!blockload_read(c))
                    blockload_die("client %u closed by the server before PONG (maxclients?): %.*s",
                                  evs[e].data.u32, c->inlen, c->in);
                if (blockload_take(c, "+PONG\r\n")) {
                    c->state = CL_BLOCKED;
                    ready++;
                    inflight--;
                }
            }
        }
    }
}

/* ---- control connection: INFO clients ------------------------------------------------- */

static int ctl_fd = -1;

static void ctl_open(void)
{
    ctl_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ctl_fd < 0)
        blockload_die("socket: %s", strerror(errno));
    struct timeval tv = {.tv_sec = 10};
    setsockopt(ctl_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(ctl_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (connect(ctl_fd, (struct sockaddr *)&blockload_addr, sizeof(blockload_addr)) != 0)
        blockload_die("connect (control): %s", strerror(errno));
}

static long long info_field(const char *info, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = info; (p = strstr(p, name)) != NULL; p += nl) {
        if ((p == info || p[-1] == '\n') && p[nl] == ':')
            return atoll(p + nl + 1);
    }
    blockload_die("INFO clients has no %s field", name);
    return -1;
}

/* Reads connected_clients and blocked_clients from INFO clients (a 10 s receive timeout
 * bounds each call). */
static void ctl_info(long long *connected, long long *blocked)
{
    static const char cmd[] = "*2\r\n$4\r\nINFO\r\n$7\r\nclients\r\n";
    static char buf[8192];
    if (write(ctl_fd, cmd, sizeof(cmd) - 1) != (ssize_t)sizeof(cmd) - 1)
        blockload_die("write (control): %s", strerror(errno));
    size_t have = 0;
    long long want = -1;
    for (;;) {
        ssize_t n = read(ctl_fd, buf + have, sizeof(buf) - 1 - have);
        if (n <= 0)
            blockload_die("INFO clients: %s", n < 0 ? strerror(errno) : "connection closed");
        have += (size_t)n;
        buf[have] = '\0';
        char *crlf = strstr(buf, "\r\n");
        if (want < 0 && crlf != NULL) {
            if (buf[0] != '$')
                blockload_die("INFO clients: unexpected reply %s", buf);
            want = (crlf - buf) + 2 + atoll(buf + 1) + 2;
            if (want >= (long long)sizeof(buf))
                blockload_die("INFO clients reply too long");
        }
        if (want >= 0 && (long long)have >= want)
            break;
        if (have >= sizeof(buf) - 1)
            blockload_die("INFO clients reply too long");
    }
    *connected = info_field(buf, "connected_clients");
    *blocked = info_field(buf, "blocked_clients");
}

/* Polls INFO until blocked_clients == blocked (and connected_clients == connected unless
 * negative); dies after timeout_ms with what it last saw. */
static void ctl_wait(long long connected, long long blocked, long long timeout_ms, const char *what)
{
    long long deadline = blockload_now_us() + timeout_ms * 1000;
    long long cc, bc;
    for (;;) {
        ctl_info(&cc, &bc);
        if (bc == blocked && (connected < 0 || cc == connected))
            return;
        if (blockload_now_us() > deadline)
            blockload_die("%s: after %lld ms blocked_clients=%lld connected_clients=%lld, "
                          "expected %lld and %lld", what, timeout_ms, bc, cc, blocked, connected);
        usleep(5000);
    }
}

/* Polls INFO (no sleep: the round trip paces it) until at least blocked clients are
 * blocked; dies after timeout_ms. */
static void ctl_wait_blocked(long long blocked, long long timeout_ms)
{
    long long deadline = blockload_now_us() + timeout_ms * 1000;
    long long cc, bc;
    for (;;) {
        ctl_info(&cc, &bc);
        if (bc >= blocked)
            return;
        if (blockload_now_us() > deadline)
            blockload_die("BLPOPs not blocked after %lld ms: blocked_clients=%lld, expected %lld",
                          timeout_ms, bc, blocked);
    }
}

/* ---- timers mode ------------------------------------------------------------------------ */

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static int mode_timers(int n, long long min_ms, long long spread_ms)
{
    struct client *cl = calloc((size_t)n, sizeof(*cl));
    long long *late = calloc((size_t)n, sizeof(*late));
    if (cl == NULL || late == NULL)
        blockload_die("out of memory");
    /* Every client is connected and has answered PING before the first BLPOP goes out, so
     * accepting connections does not load the server while deadlines fall due. */
    connect_all(cl, n, NULL, blockload_now_us() + 60 * 1000000LL);

    /* The server sets each deadline when it reads the BLPOP, the client measures from its
     * write: sending all 10,000 at once would put the server's intake backlog (tens of ms on
     * a busy host) into every client-side figure. So the client sends in chunks and waits
     * until the server has blocked them all, keeping the two clocks within one chunk. */
    ctl_open();
    long long base_connected, base_blocked;
    ctl_info(&base_connected, &base_blocked);
    char cmd[128];
    for (int i = 0; i < n; i++) {
        if (i > 0 && i % BLOCKLOAD_CHUNK == 0)
            ctl_wait_blocked(base_blocked + i, 10000);
        /* Distinct timeouts in microsecond steps, sent in deadline order. */
        long long t_us = min_ms * 1000 + spread_ms * 1000 * i / n;
        char key[32], tmo[32];
        int kl = snprintf(key, sizeof(key), "bl:timer:%d", i);
        int tl = snprintf(tmo, sizeof(tmo), "%lld.%06lld", t_us / 1000000, t_us % 1000000);
        int cl_len = snprintf(cmd, sizeof(cmd), "*3\r\n$5\r\nBLPOP\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n",
                              kl, key, tl, tmo);
        cl[i].timeout_us = t_us;
        cl[i].sent_us = blockload_now_us();
        blockload_send(cl[i].fd, cmd, (size_t)cl_len);
    }

    /* The last deadline plus 10 s: a timer that never fires fails the run, it cannot hang it. */
    long long deadline = blockload_now_us() + (min_ms + spread_ms) * 1000 + 10 * 1000000LL;
    struct epoll_event evs[512];
    int arrived = 0, early = 0;
    while (arrived < n) {
        long long left_ms = (deadline - blockload_now_us()) / 1000;
        if (left_ms <= 0)
            break;
        int k = epoll_wait(blockload_ep, evs, 512, left_ms > 1000 ? 1000 : (int)left_ms);
        if (k < 0 && errno != EINTR)
            blockload_die("epoll_wait: %s", strerror(errno));
        long long now = blockload_now_us();
        for (int e = 0; e < k; e++) {
            struct client *c = &cl[evs[e].data.u32];
            if (c->state != CL_BLOCKED)
                continue;
            bool open = blockload_read(c);
            if (blockload_take(c, "*-1\r\n")) {
                c->state = CL_DONE;
                long long l = now - c->sent_us - c->timeout_us;
                /* The server counts whole milliseconds (the timeout is truncated to ms and
                 * so is its clock), so up to 2 ms early is its rounding, not a bug. */
                if (l < -2000)
                    early++;
                late[arrived++] = l;
                epoll_ctl(blockload_ep, EPOLL_CTL_DEL, c->fd, NULL);
            } else if (!open) {
                blockload_die("client %u closed by the server while blocked", evs[e].data.u32);
            }
        }
    }
    double worst = 0, p99 = 0;
    if (arrived > 0) {
        qsort(late, (size_t)arrived, sizeof(*late), cmp_ll);
        worst = late[arrived - 1] / 1000.0;
        p99 = late[(size_t)((arrived - 1) * 99LL / 100)] / 1000.0;
    }
    printf("%d %d %.2f %.2f\n", arrived, early, worst, p99);
    fflush(stdout);
    close(ctl_fd);
    for (int i = 0; i < n; i++)
        if (cl[i].fd >= 0)
            blockload_reset_close(&cl[i]);
    if (arrived < n)
        blockload_die("only %d of %d timed-out replies arrived in time", arrived, n);
    if (early > 0)
        blockload_die("%d replies arrived before their timeout", early);
    free(late);
    free(cl);
    return 0;
}

/* ---- drop mode -------------------------------------------------------------------------- */

/* The BLPOP of the drop test's client i: seven keys shared by many waiters plus one key
 * nobody fills, a third waiting forever and the rest 30 s, so the server has both waiter
 * queues and timers to clean up. */
static const char *drop_cmd(int i)
{
    static char cmd[96];
    const char *tmo = i % 3 == 0 ? "0" : "30";
    snprintf(cmd, sizeof(cmd), "*4\r\n$5\r\nBLPOP\r\n$2\r\nk%d\r\n$2\r\nkx\r\n$%zu\r\n%s\r\n", i % 7,
             strlen(tmo), tmo);
    return cmd;
}

static int mode_drop(long long total, int batch)
{
    struct client *cl = calloc((size_t)batch, sizeof(*cl));
    if (cl == NULL)
        blockload_die("out of memory");
    ctl_open();
    long long base_connected, base_blocked;
    ctl_info(&base_connected, &base_blocked);
    long long t0 = blockload_now_us();
    long long done = 0;
    int rounds = 0;
    while (done < total) {
        int n = total - done < batch ? (int)(total - done) : batch;
        connect_all(cl, n, drop_cmd, blockload_now_us() + 60 * 1000000LL);
        ctl_wait(base_connected + n, base_blocked + n, 30000, "clients did not all block");
        for (int i = 0; i < n; i++)
            blockload_reset_close(&cl[i]);
        ctl_wait(base_connected, base_blocked, 30000, "dropped clients were not all removed");
        done += n;
        rounds++;
    }
    printf("%lld clients blocked and dropped in %d rounds of up to %d, %lld ms\n", done, rounds,
           batch, (blockload_now_us() - t0) / 1000);
    fflush(stdout);
    close(ctl_fd);
    free(cl);
    return 0;
}

static long long blockload_arg(const char *s, long long min, const char *what)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s || v < min)
        blockload_die("bad %s: %s", what, s);
    return v;
}

int main(int argc, char **argv)
{
    if (argc != 7 && !(argc == 6 && strcmp(argv[1], "drop") == 0)) {
        fprintf(stderr, "usage: blockload timers HOST PORT N MIN_MS SPREAD_MS\n"
                        "       blockload drop HOST PORT TOTAL BATCH\n");
        return 2;
    }
    blockload_raise_nofile();
    blockload_resolve(argv[2], argv[3]);
    blockload_ep = epoll_create1(EPOLL_CLOEXEC);
    if (blockload_ep < 0)
        blockload_die("epoll_create1: %s", strerror(errno));
    if (strcmp(argv[1], "timers") == 0 && argc == 7)
        return mode_timers((int)blockload_arg(argv[4], 1, "N"), blockload_arg(argv[5], 1, "MIN_MS"),
                           blockload_arg(argv[6], 0, "SPREAD_MS"));
    if (strcmp(argv[1], "drop") == 0)
        return mode_drop(blockload_arg(argv[4], 1, "TOTAL"), (int)blockload_arg(argv[5], 1, "BATCH"));
    blockload_die("unknown mode %s", argv[1]);
    return 2;
}
