/* server/persist.c: when and where RDB snapshots are written and read.
 *
 * Owns the background-save child (fork, its progress pipe read from the event loop, reaping
 * it from the cron), the synchronous save, save points, the MISCONF state after a failed
 * background save, loading at startup with -LOADING for clients meanwhile, and the numbers
 * INFO persistence shows. The bytes of the format are the business of storage/rdb_save.c
 * and rdb_load.c: this file never looks inside a value. The child only reads the keyspace
 * (rdb_save is read-only), so the pages it shares with the parent stay shared unless the
 * parent writes them.
 * Start at persist_bgsave_start(), persist_cron() and persist_load_at_startup().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/persist.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server/aof.h"
#include "server/cmd_server.h"
#include "server/config.h"
#include "server/log.h"
#include "server/server.h"
#include "storage/rdb.h"
#include "utils/mem.h"
#include "utils/mtime.h"

/* After a failed background save, save points wait this long before trying again (Redis's
 * CONFIG_BGSAVE_RETRY_DELAY), so a full disk is not hammered every cron tick. */
#define BGSAVE_RETRY_DELAY_S 5
/* How often the child reports progress, and how often it measures its copy-on-write size
 * (reading smaps_rollup walks the page tables: not free for a big process). */
#define CHILD_PROGRESS_US 100000
#define CHILD_COW_US 1000000

/* What the child writes into the pipe. Smaller than PIPE_BUF, so each write is atomic. */
struct child_msg {
    uint64_t keys;      /* keys written so far */
    uint64_t cow_bytes; /* Private_Dirty of the child */
    uint32_t final;     /* 1: the save finished (sent just before exiting 0) */
    uint32_t pad;
};

static struct {
    /* background child */
    pid_t child_pid;            /* -1: none */
    int pipe_fd;                /* read end, non-blocking; -1 when closed */
    struct event *pipe_ev;
    unsigned char pipe_part[sizeof(struct child_msg)];
    size_t pipe_part_len;
    long long child_start_s;    /* wall seconds when it was forked */
    long long dirty_at_fork;    /* server.dirty when forked: what a success may subtract */
    uint64_t keys_total;        /* keys in the keyspace at fork time */
    uint64_t keys_done;         /* reported by the child */
    uint64_t cow_size;          /* last reported copy-on-write bytes */
    uint64_t cow_peak;
    long long cow_updated_s;
    bool scheduled;             /* BGSAVE inside EXEC: start one from the cron */
    /* results */
    bool last_bgsave_ok;
    long long last_bgsave_try_s; /* when the last background save was started */
    long long last_bgsave_secs;  /* duration of the last one, -1 before any */
    long long saves;             /* saves started (SAVE and BGSAVE), as Redis's rdb_saves */
    uint64_t last_cow_size;
    long long latest_fork_usec;
    long long total_forks;
    /* loading */
    bool loading;
    bool serve_while_loading;
    long long loading_start_s;
    uint64_t loading_total;
    uint64_t loading_done;
    long long loading_rdb_used_mem;
    long long last_load_keys_loaded;
    long long last_load_keys_expired;
    uint64_t load_log_us;        /* when progress was last logged */
} S = {.child_pid = -1, .pipe_fd = -1, .last_bgsave_ok = true, .last_bgsave_secs = -1};

/* ---- save points ------------------------------------------------------------------------- */

struct save_point {
    long long seconds;
    long long changes;
};

/* Parses server.save_params ("3600 1 300 100") into at most max points; returns the count.
 * config.c validated the text, so anything odd here just ends the list. */
static int save_points(struct save_point *out, int max)
{
    const char *p = server.save_params != NULL ? server.save_params : "";
    int n = 0;
    while (n < max) {
        char *end;
        long long s = strtoll(p, &end, 10);
        if (end == p)
            break;
        p = end;
        long long c = strtoll(p, &end, 10);
        if (end == p)
            break;
        p = end;
        out[n].seconds = s;
        out[n].changes = c;
        n++;
    }
    return n;
}

static bool have_save_points(void)
{
    struct save_point sp[1];
    return save_points(sp, 1) > 0;
}

/* ---- writing a snapshot ------------------------------------------------------------------ */

struct child_progress {
    int fd;                /* pipe write end, -1 in the parent's synchronous save */
    uint64_t last_send_us;
    uint64_t last_cow_us;
    uint64_t cow;
};

/* Private_Dirty of this process in bytes, from /proc/self/smaps_rollup (what Redis reports
 * as copy-on-write size); 0 when the kernel has no such file. */
static uint64_t private_dirty_bytes(void)
{
    FILE *fp = fopen("/proc/self/smaps_rollup", "r");
    if (fp == NULL)
        return 0;
    char line[256];
    uint64_t kb = 0;
    while (fgets(line, sizeof(line), fp) != NULL) {
        unsigned long long v;
        if (sscanf(line, "Private_Dirty: %llu kB", &v) == 1) {
            kb = v;
            break;
        }
    }
    fclose(fp);
    return kb * 1024;
}

static void child_send(struct child_progress *cp, uint64_t keys, bool final)
{
    struct child_msg m = {.keys = keys, .cow_bytes = cp->cow, .final = final ? 1 : 0};
    ssize_t n;
    do {
        n = write(cp->fd, &m, sizeof(m));
    } while (n < 0 && errno == EINTR);
    /* A full pipe (parent busy) only loses a progress report; nothing to do about it. */
}

static bool save_progress(void *ud, uint64_t keys, uint64_t bytes)
{
    struct child_progress *cp = ud;
    if (server.rdb_key_save_delay_us > 0)
        usleep((useconds_t)server.rdb_key_save_delay_us);
    if (cp->fd < 0)
        return true;
    uint64_t now = mono_us();
    if (now - cp->last_cow_us >= CHILD_COW_US) {
        cp->cow = private_dirty_bytes();
        cp->last_cow_us = now;
    }
    if (now - cp->last_send_us >= CHILD_PROGRESS_US) {
        child_send(cp, keys, false);
        cp->last_send_us = now;
    }
    return true;
}

void persist_rdb_opts(struct rdb_save_opts *o, struct persist_aux *a, bool aof_base)
{
    snprintf(a->ctime_s, sizeof(a->ctime_s), "%lld", (long long)time(NULL));
    snprintf(a->used, sizeof(a->used), "%zu", mem_used());
    a->aux[0] = (struct rdb_aux){"redis-ver", KVD_REDIS_VERSION, strlen(KVD_REDIS_VERSION)};
    a->aux[1] = (struct rdb_aux){"redis-bits", sizeof(long) == 8 ? "64" : "32", 2};
    a->aux[2] = (struct rdb_aux){"ctime", a->ctime_s, strlen(a->ctime_s)};
    a->aux[3] = (struct rdb_aux){"used-mem", a->used, strlen(a->used)};
    a->aux[4] = (struct rdb_aux){"aof-base", aof_base ? "1" : "0", 1};
    rdb_save_opts_init(o);
    o->compress = server.rdbcompression;
    o->checksum = server.rdbchecksum;
    o->aux = a->aux;
    o->naux = sizeof(a->aux) / sizeof(a->aux[0]);
    /* Redis 7.0 writes IDLE or FREQ before every key under an LRU or LFU policy. */
    o->evict = persist_evict_field();
    o->lru_clock = obj_lru_clock;
    o->lfu_minutes = (uint32_t)((server.mstime / 60000) & 65535);
    char decay[24] = "1";
    config_get_value("lfu-decay-time", decay, sizeof(decay));
    o->lfu_decay_time = (unsigned)strtoul(decay, NULL, 10);
}

enum rdb_evict_field persist_evict_field(void)
{
    char name[64] = "";
    config_get_value("maxmemory-policy", name, sizeof(name));
    if (strstr(name, "lfu") != NULL)
        return RDB_EVICT_FREQ;
    return strstr(name, "lru") != NULL ? RDB_EVICT_IDLE : RDB_EVICT_NONE;
}

/* Immortal shared integers keep no clock of their own (reads do not stamp them either). */
static void apply_lru_or_lfu(struct obj *o, bool lfu, long long freq, long long idle)
{
    if (o->refcount == OBJ_IMMORTAL)
        return;
    if (lfu) {
        if (freq >= 0) {
            uint32_t minutes = (uint32_t)((server.mstime / 60000) & 65535);
            o->lru = (minutes << 8) | (uint32_t)(freq & 255);
        }
    } else if (idle >= 0) {
        /* As Redis 7.0.15: a stamp before the clock's zero moves up by OBJ_LRU_MAX once
         * (so an idle time up to that reads back exactly through the wrapped reading), and
         * anything still negative keeps its low 24 bits. Measured there: IDLETIME 16777215
         * reads 0, 16777216 reads 1, 20000000 reads 3222784, 100000000 reads 16113920. */
        long long stamp = (long long)obj_lru_clock - idle;
        if (stamp < 0)
            stamp += OBJ_LRU_MAX;
        o->lru = (uint32_t)((unsigned long long)stamp & OBJ_LRU_MAX);
    }
}

void persist_set_lru_or_lfu(struct obj *o, long long freq, long long idle)
{
    apply_lru_or_lfu(o, persist_evict_field() == RDB_EVICT_FREQ, freq, idle);
}

/* rdb_evict_fn for loads; ud points to whether an LFU policy was in force when they began. */
static void on_evict(void *ud, struct obj *val, long long idle, int freq)
{
    apply_lru_or_lfu(val, *(const bool *)ud, freq, idle);
}

void persist_rdb_load_opts(struct rdb_load_opts *o)
{
    static bool lfu;
    lfu = persist_evict_field() == RDB_EVICT_FREQ;
    rdb_load_opts_init(o);
    o->verify_checksum = server.rdbchecksum;
    o->on_evict = on_evict;
    o->evict_ud = &lfu;
}

/* Writes the keyspace to dir/temp-<pid>.rdb, fsyncs it and renames it over dbfilename, so a
 * crash at any point leaves the previous snapshot whole. Logs and returns false on failure
 * (the temp file is removed). */
static bool write_snapshot(struct child_progress *cp)
{
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "temp-%d.rdb", (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        char cwd[1024];
        log_warning("Failed opening the temp RDB file %s (in server root dir %s) for saving: %s",
                    tmp, getcwd(cwd, sizeof(cwd)) != NULL ? cwd : "unknown", strerror(errno));
        return false;
    }
    struct persist_aux aux;
    struct rdb_save_opts o;
    persist_rdb_opts(&o, &aux, false);
    o.progress = save_progress;
    o.progress_ud = cp;
    /* rdb-key-save-delay is per key, as in Redis: tests use it to keep a child running. */
    if (server.rdb_key_save_delay_us > 0)
        o.progress_keys = 1;
    struct rdb_error err;
    enum rdb_status st = rdb_save_fd(&server.ks, &o, fd, NULL, &err);
    int saved_errno = st == RDB_OK ? 0 : err.sys_errno;
    if (st == RDB_OK && fsync(fd) != 0) {
        st = RDB_ERR_IO;
        saved_errno = errno;
    }
    if (close(fd) != 0 && st == RDB_OK) {
        st = RDB_ERR_IO;
        saved_errno = errno;
    }
    if (st != RDB_OK) {
        log_warning("Write error saving DB on disk: %s",
                    saved_errno != 0 ? strerror(saved_errno) : rdb_status_name(st));
        unlink(tmp);
        return false;
    }
    if (rename(tmp, server.dbfilename) != 0) {
        char cwd[1024];
        log_warning("Error moving temp DB file %s on the final destination %s (in server root "
                    "dir %s): %s", tmp, server.dbfilename,
                    getcwd(cwd, sizeof(cwd)) != NULL ? cwd : "unknown", strerror(errno));
        unlink(tmp);
        return false;
    }
    /* The rename is durable only once the directory entry is on disk. */
    int dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    log_notice("DB saved on disk");
    return true;
}

bool persist_save_sync(bool count)
{
    struct child_progress cp = {.fd = -1};
    /* rdb_saves counts SAVE and BGSAVE attempts, failed ones included, nothing else. */
    if (count)
        S.saves++;
    if (!write_snapshot(&cp))
        return false;
    server.dirty = 0;
    server.lastsave_s = time(NULL);
    S.last_bgsave_ok = true;
    return true;
}

/* ---- the background child ---------------------------------------------------------------- */

static void child_main(int wfd)
{
    /* libevent's handlers would only queue these for a loop the child never runs: the child
     * must die on them. */
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    /* Listening sockets closed, so a dead parent's port is free even while the child ends. */
    for (int i = 0; i < server.nlisteners; i++)
        close(event_get_fd(server.listeners[i]));
    struct child_progress cp = {.fd = wfd};
    cp.last_send_us = cp.last_cow_us = mono_us();
    bool ok = write_snapshot(&cp);
    if (ok) {
        cp.cow = private_dirty_bytes();
        log_notice("Fork CoW for RDB: current %llu MB, peak %llu MB, average %llu MB",
                   (unsigned long long)(cp.cow >> 20), (unsigned long long)(cp.cow >> 20),
                   (unsigned long long)(cp.cow >> 21));
        uint64_t keys = 0;
        for (int i = 0; i < server.ks.ndb; i++)
            keys += db_size(&server.ks.dbs[i]);
        child_send(&cp, keys, true);
    }
    close(wfd);
    /* _exit: no atexit handlers, no stdio flush of the parent's buffers, no frees. */
    _exit(ok ? 0 : 1);
}

static void handle_msg(const struct child_msg *m)
{
    S.keys_done = m->keys;
    S.cow_size = m->cow_bytes;
    if (m->cow_bytes > S.cow_peak)
        S.cow_peak = m->cow_bytes;
    S.cow_updated_s = server.mstime / 1000;
    if (m->final)
        S.last_cow_size = m->cow_bytes;
}

/* Reads every whole message available on the pipe. */
static void drain_pipe(void)
{
    if (S.pipe_fd < 0)
        return;
    unsigned char buf[sizeof(struct child_msg) * 32];
    for (;;) {
        size_t have = S.pipe_part_len;
        memcpy(buf, S.pipe_part, have);
        ssize_t n = read(S.pipe_fd, buf + have, sizeof(buf) - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        size_t total = have + (size_t)n, off = 0;
        while (total - off >= sizeof(struct child_msg)) {
            struct child_msg m;
            memcpy(&m, buf + off, sizeof(m));
            handle_msg(&m);
            off += sizeof(m);
        }
        S.pipe_part_len = total - off;
        memcpy(S.pipe_part, buf + off, S.pipe_part_len);
    }
}

static void on_pipe_readable(evutil_socket_t fd, short what, void *arg)
{
    drain_pipe();
}

static void close_pipe(void)
{
    if (S.pipe_ev != NULL) {
        event_free(S.pipe_ev);
        S.pipe_ev = NULL;
    }
    if (S.pipe_fd >= 0) {
        close(S.pipe_fd);
        S.pipe_fd = -1;
    }
    S.pipe_part_len = 0;
}

enum persist_bg persist_bgsave_start(void)
{
    if (S.child_pid != -1)
        return PERSIST_BG_IN_PROGRESS;
    if (aof_rewrite_in_progress())
        return PERSIST_BG_OTHER_CHILD;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        log_warning("Can't save in background: pipe: %s", strerror(errno));
        S.last_bgsave_ok = false;
        return PERSIST_BG_FAILED;
    }
    S.last_bgsave_try_s = server.mstime / 1000;
    S.dirty_at_fork = server.dirty;
    uint64_t keys = 0;
    for (int i = 0; i < server.ks.ndb; i++)
        keys += db_size(&server.ks.dbs[i]);
    fflush(stdout);
    uint64_t t0 = mono_us();
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child_main(fds[1]);
    }
    S.latest_fork_usec = (long long)(mono_us() - t0);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        S.last_bgsave_ok = false;
        log_warning("Can't save in background: fork: %s", strerror(errno));
        return PERSIST_BG_FAILED;
    }
    S.total_forks++;
    S.saves++;
    if (server.latency_monitor_threshold_ms > 0 &&
        S.latest_fork_usec / 1000 >= server.latency_monitor_threshold_ms)
        server_latency_add("fork", S.latest_fork_usec / 1000);
    S.child_pid = pid;
    /* Reads that stamp the LRU clock would copy the child's pages one by one (Redis too
     * leaves the clock alone while a child runs). */
    server.ks.lru_frozen = true;
    S.child_start_s = server.mstime / 1000;
    S.keys_total = keys;
    S.keys_done = 0;
    S.cow_size = S.cow_peak = 0;
    S.cow_updated_s = 0;
    S.scheduled = false;
    S.pipe_fd = fds[0];
    fcntl(S.pipe_fd, F_SETFL, fcntl(S.pipe_fd, F_GETFL) | O_NONBLOCK);
    S.pipe_ev = event_new(server.base, S.pipe_fd, EV_READ | EV_PERSIST, on_pipe_readable, NULL);
    event_add(S.pipe_ev, NULL);
    log_notice("Background saving started by pid %d", (int)pid);
    return PERSIST_BG_STARTED;
}

bool persist_bgsave_in_progress(void)
{
    return S.child_pid != -1;
}

void persist_bgsave_schedule(void)
{
    S.scheduled = true;
}

static void remove_temp_file(pid_t pid)
{
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "temp-%d.rdb", (int)pid);
    unlink(tmp);
}

/* The child ended (status from waitpid): Redis's success, error and killed-by-signal cases. */
static void child_done(int status)
{
    drain_pipe();
    close_pipe();
    long long now_s = server.mstime / 1000;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        log_notice("Background saving terminated with success");
        server.dirty -= S.dirty_at_fork;
        if (server.dirty < 0)
            server.dirty = 0;
        server.lastsave_s = time(NULL);
        S.last_bgsave_ok = true;
    } else if (WIFEXITED(status)) {
        log_warning("Background saving error");
        S.last_bgsave_ok = false;
    } else {
        int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        log_warning("Background saving terminated by signal %d", sig);
        remove_temp_file(S.child_pid);
        /* SIGUSR1 is how the server itself stops a child: not a failure. */
        if (sig != SIGUSR1)
            S.last_bgsave_ok = false;
    }
    S.last_bgsave_secs = now_s - S.child_start_s;
    S.child_pid = -1;
    server.ks.lru_frozen = false;
    S.keys_done = S.keys_total = 0;
    S.cow_size = S.cow_peak = 0;
}

void persist_kill_child(void)
{
    if (S.child_pid == -1)
        return;
    pid_t pid = S.child_pid;
    kill(pid, SIGUSR1);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    close_pipe();
    remove_temp_file(pid);
    S.child_pid = -1;
    server.ks.lru_frozen = false;
    S.keys_done = S.keys_total = 0;
    S.cow_size = S.cow_peak = 0;
}

void persist_cron(void)
{
    if (S.loading)
        return;
    if (S.child_pid != -1) {
        int status;
        pid_t r = waitpid(S.child_pid, &status, WNOHANG);
        if (r == S.child_pid)
            child_done(status);
        else if (r < 0 && errno == ECHILD)
            child_done(W_EXITCODE(1, 0));
        if (S.child_pid != -1)
            return;
    }
    /* One child at a time: an AOF rewrite delays save points and schedules. */
    if (aof_rewrite_in_progress())
        return;
    long long now_s = server.mstime / 1000;
    bool may_retry = S.last_bgsave_ok || now_s - S.last_bgsave_try_s > BGSAVE_RETRY_DELAY_S;
    if (S.scheduled && may_retry) {
        persist_bgsave_start();
        return;
    }
    struct save_point sp[32];
    int n = save_points(sp, 32);
    for (int i = 0; i < n; i++) {
        if (server.dirty >= sp[i].changes && now_s - server.lastsave_s > sp[i].seconds &&
            may_retry) {
            log_notice("%lld changes in %lld seconds. Saving...", sp[i].changes, sp[i].seconds);
            persist_bgsave_start();
            break;
        }
    }
}

void persist_after_flushall(void)
{
    persist_kill_child();
    if (have_save_points())
        persist_save_sync(false);
}

bool persist_disk_error(enum err *e, int *aof_errno)
{
    if (!S.last_bgsave_ok && server.stop_writes_on_bgsave_err && have_save_points()) {
        *e = ERR_MISCONF;
        *aof_errno = 0;
        return true;
    }
    *aof_errno = aof_write_error();
    *e = ERR_MISCONF_AOF;
    return *aof_errno != 0;
}

bool persist_shutdown(int flags)
{
    if (S.child_pid != -1) {
        log_warning("There is a child saving an .rdb. Killing it!");
        persist_kill_child();
    }
    /* A half-loaded dataset must never overwrite the file it came from. */
    if (S.loading)
        return true;
    bool save = (flags & SHUTDOWN_SAVE) || (have_save_points() && !(flags & SHUTDOWN_NOSAVE));
    if (!save)
        return true;
    log_notice("Saving the final RDB snapshot before exiting.");
    if (persist_save_sync(false))
        return true;
    if (flags & SHUTDOWN_FORCE) {
        log_warning("Error trying to save the DB. Exit anyway.");
        return true;
    }
    log_warning("Error trying to save the DB, can't exit.");
    return false;
}

/* ---- loading ----------------------------------------------------------------------------- */

static void on_aux(void *ud, const char *key, size_t klen, const char *val, size_t vlen)
{
    int vl = vlen > 64 ? 64 : (int)vlen;
    if (klen == 9 && memcmp(key, "redis-ver", 9) == 0) {
        log_notice("Loading RDB produced by version %.*s", vl, val);
    } else if (klen == 5 && memcmp(key, "ctime", 5) == 0) {
        long long age = (long long)time(NULL) - strtoll(val, NULL, 10);
        log_notice("RDB age %lld seconds", age < 0 ? 0 : age);
    } else if (klen == 8 && memcmp(key, "used-mem", 8) == 0) {
        S.loading_rdb_used_mem = strtoll(val, NULL, 10);
        log_notice("RDB memory usage when created %.2f Mb",
                   (double)S.loading_rdb_used_mem / (1024 * 1024));
    }
}

static bool load_progress(void *ud, uint64_t done, uint64_t total)
{
    S.loading_done = done;
    if (server.key_load_delay_us > 0)
        usleep((useconds_t)server.key_load_delay_us);
    uint64_t now = mono_us();
    if (now - S.load_log_us >= 5000000 && total > 0) {
        log_notice("Loading RDB: %.2f%% (%llu of %llu bytes)", (double)done * 100 / (double)total,
                   (unsigned long long)done, (unsigned long long)total);
        S.load_log_us = now;
    }
    if (S.serve_while_loading && server.base != NULL) {
        server_update_time();
        event_base_loop(server.base, EVLOOP_NONBLOCK);
        server_before_sleep();
    }
    return !server.stopping;
}

/* Loads the file into ks. Returns the rdb status; on failure err says why. */
static enum rdb_status load_file(struct keyspace *ks, const char *path, struct rdb_error *err,
                                 bool *missing)
{
    *missing = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            *missing = true;
            return RDB_OK;
        }
        err->st = RDB_ERR_IO;
        err->sys_errno = errno;
        err->offset = 0;
        snprintf(err->msg, sizeof(err->msg), "Error opening %s: %s", path, strerror(errno));
        return RDB_ERR_IO;
    }
    struct stat sb;
    S.loading_total = fstat(fd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
    S.loading_done = 0;
    S.loading_start_s = time(NULL);
    S.loading_rdb_used_mem = 0;
    S.load_log_us = mono_us();
    S.loading = true;
    struct rdb_load_opts o;
    persist_rdb_load_opts(&o);
    o.drop_expired_ms = time_ms();
    o.progress = load_progress;
    if (server.loading_events_interval_bytes > 0)
        o.progress_bytes = (uint64_t)server.loading_events_interval_bytes;
    /* key-load-delay is per key in Redis; one progress step per value comes closest. */
    if (server.key_load_delay_us > 0)
        o.progress_bytes = 1;
    o.on_aux = on_aux;
    struct rdb_load_info info = {0};
    enum rdb_status st = rdb_load_fd(ks, fd, &o, &info, err);
    close(fd);
    S.loading = false;
    S.last_load_keys_loaded = (long long)info.keys_loaded;
    S.last_load_keys_expired = (long long)info.keys_expired;
    if (st == RDB_OK)
        log_notice("Done loading RDB, keys loaded: %lld, keys expired: %lld.",
                   (long long)info.keys_loaded, (long long)info.keys_expired);
    return st;
}

bool persist_load_at_startup(bool serve_clients)
{
    struct rdb_error err;
    bool missing;
    uint64_t t0 = mono_us();
    S.serve_while_loading = serve_clients;
    enum rdb_status st = load_file(&server.ks, server.dbfilename, &err, &missing);
    S.serve_while_loading = false;
    if (missing)
        return true;
    if (st == RDB_ERR_ABORTED)
        return false;
    if (st != RDB_OK) {
        log_warning("Error loading the RDB file %s: %s", server.dbfilename, err.msg);
        log_warning("Fatal error loading the DB (%s at offset %llu). Exiting.",
                    rdb_status_name(st), (unsigned long long)err.offset);
        exit(1);
    }
    log_notice("DB loaded from disk: %.3f seconds", (double)(mono_us() - t0) / 1e6);
    server.dirty = 0;
    return true;
}

/* Moves every key of from into server.ks, replacing same-named keys (the file wins, as
 * Redis's DEBUG RELOAD MERGE). from is left holding nothing it still owns alone. */
static void merge_keyspace(struct keyspace *from)
{
    for (int i = 0; i < from->ndb && i < server.ks.ndb; i++) {
        struct db *src = &from->dbs[i], *dst = &server.ks.dbs[i];
        struct dict_iter it;
        dict_iter_init(&it, src->keys, false);
        struct dict_entry *e;
        while ((e = dict_iter_next(&it)) != NULL) {
            db_set(dst, e->key, e->klen, e->v.ptr, 0);
            const struct dict_entry *x = dict_find_ro(src->expires, e->key, e->klen);
            if (x != NULL)
                db_set_expire(dst, e->key, e->klen, x->v.i);
        }
        dict_iter_done(&it);
    }
}

bool persist_load_now(bool merge, char *errmsg, size_t len)
{
    struct rdb_error err;
    bool missing;
    struct keyspace tmp;
    if (merge)
        keyspace_init(&tmp, server.ks.ndb);
    enum rdb_status st = load_file(merge ? &tmp : &server.ks, server.dbfilename, &err, &missing);
    if (merge) {
        if (st == RDB_OK && !missing)
            merge_keyspace(&tmp);
        keyspace_deinit(&tmp);
    }
    if (missing) {
        snprintf(errmsg, len, "no RDB file %s", server.dbfilename);
        log_warning("Failed loading RDB: %s not found", server.dbfilename);
        return false;
    }
    if (st != RDB_OK) {
        snprintf(errmsg, len, "%s", err.msg);
        log_warning("Error loading the RDB file %s: %s", server.dbfilename, err.msg);
        return false;
    }
    return true;
}

bool persist_is_loading(void)
{
    return S.loading;
}

/* ---- INFO -------------------------------------------------------------------------------- */

void persist_info(struct buf *out)
{
    bool child = S.child_pid != -1;
    long long now_s = server.mstime / 1000;
    double perc = child && S.keys_total > 0 ? (double)S.keys_done * 100 / (double)S.keys_total
                                            : 0;
    buf_printf(out,
               "loading:%d\r\n"
               "async_loading:0\r\n"
               "current_cow_peak:%llu\r\n"
               "current_cow_size:%llu\r\n"
               "current_cow_size_age:%lld\r\n"
               "current_fork_perc:%.2f\r\n"
               "current_save_keys_processed:%llu\r\n"
               "current_save_keys_total:%llu\r\n"
               "rdb_changes_since_last_save:%lld\r\n"
               "rdb_bgsave_in_progress:%d\r\n"
               "rdb_last_save_time:%lld\r\n"
               "rdb_last_bgsave_status:%s\r\n"
               "rdb_last_bgsave_time_sec:%lld\r\n"
               "rdb_current_bgsave_time_sec:%lld\r\n"
               "rdb_saves:%lld\r\n"
               "rdb_last_cow_size:%llu\r\n"
               "rdb_last_load_keys_expired:%lld\r\n"
               "rdb_last_load_keys_loaded:%lld\r\n",
               S.loading ? 1 : 0, child ? (unsigned long long)S.cow_peak : 0ULL,
               child ? (unsigned long long)S.cow_size : 0ULL,
               child && S.cow_updated_s > 0 ? now_s - S.cow_updated_s : 0LL, perc,
               child ? (unsigned long long)S.keys_done : 0ULL,
               child ? (unsigned long long)S.keys_total : 0ULL, server.dirty, child ? 1 : 0,
               server.lastsave_s, S.last_bgsave_ok ? "ok" : "err", S.last_bgsave_secs,
               child ? now_s - S.child_start_s : -1LL, S.saves,
               (unsigned long long)S.last_cow_size, S.last_load_keys_expired,
               S.last_load_keys_loaded);
}

void persist_info_loading(struct buf *out)
{
    if (!S.loading)
        return;
    long long elapsed = (long long)time(NULL) - S.loading_start_s;
    long long eta;
    if (elapsed == 0 || S.loading_done == 0)
        eta = 1;
    else
        eta = (long long)((double)(S.loading_total - S.loading_done) /
                          ((double)S.loading_done / (double)elapsed));
    buf_printf(out,
               "loading_start_time:%lld\r\n"
               "loading_total_bytes:%llu\r\n"
               "loading_rdb_used_mem:%lld\r\n"
               "loading_loaded_bytes:%llu\r\n"
               "loading_loaded_perc:%.2f\r\n"
               "loading_eta_seconds:%lld\r\n",
               S.loading_start_s, (unsigned long long)S.loading_total, S.loading_rdb_used_mem,
               (unsigned long long)S.loading_done,
               (double)S.loading_done / (double)(S.loading_total + 1) * 100, eta);
}

long long persist_latest_fork_usec(void)
{
    return S.latest_fork_usec;
}

long long persist_total_forks(void)
{
    return S.total_forks;
}

void persist_note_fork(long long usec)
{
    S.latest_fork_usec = usec;
    S.total_forks++;
    if (server.latency_monitor_threshold_ms > 0 &&
        usec / 1000 >= server.latency_monitor_threshold_ms)
        server_latency_add("fork", usec / 1000);
}

uint64_t persist_child_cow_bytes(void)
{
    return private_dirty_bytes();
}

void persist_loading_begin(uint64_t total_bytes)
{
    S.loading_total = total_bytes;
    S.loading_done = 0;
    S.loading_start_s = time(NULL);
    S.loading_rdb_used_mem = 0;
    S.load_log_us = mono_us();
    S.loading = true;
    S.serve_while_loading = true;
}

bool persist_loading_progress(uint64_t done_bytes)
{
    return load_progress(NULL, done_bytes, S.loading_total);
}

void persist_loading_end(void)
{
    S.loading = false;
    S.serve_while_loading = false;
}

void persist_deinit(void)
{
    close_pipe();
}
