/* server/aof.c: the append-only file: writing, fsync policy, loading, rewriting.
 *
 * Owns appenddirname/ (Redis 7.0's multi-part layout: one base file, incr files, a manifest),
 * the buffer of stream bytes fed by propagate.c during a loop pass, the fsync helper thread
 * of appendfsync everysec, the rewrite child and the aof_* INFO fields. It does not decide
 * what a command turns into (propagate.c) nor how values are encoded (storage/rdb_save.c
 * for an RDB-preamble base, storage/aof_rewrite.c for a base of commands).
 * Start at aof_before_sleep() for the write path, aof_load_at_startup() for loading and
 * aof_rewrite_start() / rewrite_done() for BGREWRITEAOF.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/aof.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "protocol/resp.h"
#include "server/commands.h"
#include "server/config.h"
#include "server/conn.h"
#include "server/dispatch.h"
#include "server/log.h"
#include "server/multi.h"
#include "server/persist.h"
#include "server/propagate.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/aof_rewrite.h"
#include "storage/rdb.h"
#include "utils/mem.h"
#include "utils/mtime.h"

enum aof_state { AOF_OFF, AOF_ON, AOF_WAIT_REWRITE };
enum { FSYNC_EVERYSEC = 0, FSYNC_ALWAYS = 1, FSYNC_NO = 2 }; /* config.c's fsyncs[] order */

/* A failed rewrite is retried after this long (Redis waits too, so a full disk is not hammered). */
#define REWRITE_RETRY_S 5
#define MAX_INCR 64

struct incr {
    long long seq;
    char *name; /* owned */
};

static struct {
    enum aof_state state;
    int fd;                      /* current incr file, -1 when none */
    struct buf buf;              /* fed this pass, not yet written */
    /* manifest (in memory; the file is rewritten whole on every change) */
    char *base_name;             /* NULL: no base */
    long long base_seq;
    char base_type;              /* 'b' */
    struct incr incrs[MAX_INCR];
    int nincr;
    long long incr_seq_max;
    long long pending_incr_seq;  /* WAIT_REWRITE: incr opened at the fork, not in the manifest */
    char *pending_incr_name;
    /* sizes for INFO and auto rewrite */
    long long base_size;         /* size of the AOF after the last load or rewrite */
    long long current_size;
    /* fsync */
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int job_fd;                  /* fd the helper must fsync, -1 none */
    bool job_running;
    bool unsynced;               /* written since the last fsync started */
    long long last_fsync_ms;
    long long delayed_fsync;
    /* status */
    bool last_write_ok;
    int last_write_errno;        /* why the last write failed: the MISCONF text names it */
    /* rewrite child */
    pid_t child_pid;
    long long child_start_s;
    long long rw_incr_seq;       /* first incr after the base being written */
    bool rw_scheduled;
    bool rw_preamble;            /* the running child writes an RDB base (else commands) */
    int cow_fd;                  /* read end of the child's copy-on-write report, -1 none */
    unsigned long long last_cow_size; /* the last successful child's report (INFO) */
    bool last_rw_ok;
    long long last_rw_secs;
    long long rewrites;
    long long rw_failures;       /* consecutive */
    long long last_rw_try_s;
    /* loading */
    struct conn *fake;
    uint64_t load_base;          /* bytes of the files loaded before the current one */
    bool load_aborted;           /* a shutdown was asked for while loading */
    char *hist[MAX_INCR];        /* 'h' files of a manifest Redis wrote: deleted at startup */
    int nhist;
} A = {.fd = -1, .job_fd = -1, .child_pid = -1, .cow_fd = -1, .last_write_ok = true, .last_rw_ok = true,
       .last_rw_secs = -1, .base_type = 'b'};

/* ---- names and the manifest -------------------------------------------------------------- */

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", server.appenddirname, name);
}

static char *name_new(long long seq, const char *kind)
{
    char tmp[1024];
    snprintf(tmp, sizeof(tmp), "%s.%lld.%s", server.appendfilename, seq, kind);
    return mem_strndup(tmp, strlen(tmp));
}

static void fsync_dir(void)
{
    int dfd = open(server.appenddirname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
}

static bool ensure_dir(void)
{
    if (mkdir(server.appenddirname, 0755) != 0 && errno != EEXIST) {
        log_warning("Can't open or create append-only dir %s: %s", server.appenddirname,
                    strerror(errno));
        return false;
    }
    return true;
}

/* Writes the manifest to a temp file and renames it over the real one, so a crash leaves
 * either the old or the new list, never half of one. */
static bool manifest_write(void)
{
    struct buf b;
    buf_init(&b);
    if (A.base_name != NULL)
        buf_printf(&b, "file %s seq %lld type %c\n", A.base_name, A.base_seq, A.base_type);
    for (int i = 0; i < A.nincr; i++)
        buf_printf(&b, "file %s seq %lld type i\n", A.incrs[i].name, A.incrs[i].seq);
    char tmp[1100], final[1100], name[1024];
    snprintf(name, sizeof(name), "temp-%s.manifest", server.appendfilename);
    path_of(tmp, sizeof(tmp), name);
    snprintf(name, sizeof(name), "%s.manifest", server.appendfilename);
    path_of(final, sizeof(final), name);
    bool ok = false;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        size_t len = buf_used(&b);
        ok = write(fd, buf_head(&b), len) == (ssize_t)len && fsync(fd) == 0;
        ok = close(fd) == 0 && ok;
        ok = ok && rename(tmp, final) == 0;
        if (!ok)
            unlink(tmp);
    }
    if (!ok)
        log_warning("Failed to write the AOF manifest %s: %s", final, strerror(errno));
    else
        fsync_dir();
    buf_deinit(&b);
    return ok;
}

static void manifest_clear(void)
{
    mem_free(A.base_name);
    A.base_name = NULL;
    for (int i = 0; i < A.nincr; i++)
        mem_free(A.incrs[i].name);
    A.nincr = 0;
}

/* Reads the manifest: 1 loaded, 0 absent, -1 malformed (logged). History lines ('h') name
 * files a finished rewrite left to delete: they are dropped. */
static int manifest_read(void)
{
    char path[1100], name[1024];
    snprintf(name, sizeof(name), "%s.manifest", server.appendfilename);
    path_of(path, sizeof(path), name);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return errno == ENOENT ? 0 : -1;
    manifest_clear();
    char line[2048];
    int rc = 1;
    while (fgets(line, sizeof(line), fp) != NULL) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char fname[1024], type;
        long long seq;
        if (sscanf(line, "file %1023s seq %lld type %c", fname, &seq, &type) != 3) {
            log_warning("Invalid AOF manifest file format");
            rc = -1;
            break;
        }
        if (type == 'b') {
            mem_free(A.base_name);
            A.base_name = mem_strndup(fname, strlen(fname));
            A.base_seq = seq;
        } else if (type == 'h' && A.nhist < MAX_INCR) {
            A.hist[A.nhist++] = mem_strndup(fname, strlen(fname));
        } else if (type == 'i' && A.nincr < MAX_INCR) {
            A.incrs[A.nincr].seq = seq;
            A.incrs[A.nincr].name = mem_strndup(fname, strlen(fname));
            A.nincr++;
            if (seq > A.incr_seq_max)
                A.incr_seq_max = seq;
        }
    }
    fclose(fp);
    return rc;
}

static long long file_size(const char *name)
{
    char path[1100];
    path_of(path, sizeof(path), name);
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* ---- fsync helper thread ------------------------------------------------------------------ */

/* The helper's verdict on its last fsync, 0 or an errno: written by the helper, read by the
 * loop (MISCONF check per command, INFO, cron), so it lives outside the mutex'd job state.
 * A later successful fsync clears it, which is how writes resume (as Redis 7.0's bio). */
static atomic_int fsync_bg_errno;
/* What the loop last saw of fsync_bg_errno: the log lines are written on its changes, from
 * the main thread (the log is not made for two writers). */
static int fsync_bg_errno_seen;
/* DEBUG AOF-FSYNC-FAIL: an errno every background fsync reports after it ran, 0 off. */
static atomic_int fsync_fail_hook;

static void fsync_bg_report(int rc, int err)
{
    int hook = atomic_load(&fsync_fail_hook);
    if (hook != 0) {
        rc = -1;
        err = hook;
    }
    /* A closed (and maybe reused) fd is not a failed fsync of the AOF: Redis ignores these. */
    if (rc != 0 && err != EBADF && err != EINVAL)
        atomic_store(&fsync_bg_errno, err);
    else
        atomic_store(&fsync_bg_errno, 0);
}

/* everysec: fdatasync runs here so the loop never waits for the disk. */
static void *fsync_main(void *arg)
{
    pthread_mutex_lock(&A.mu);
    for (;;) {
        while (A.job_fd < 0)
            pthread_cond_wait(&A.cv, &A.mu);
        int fd = A.job_fd;
        A.job_running = true;
        pthread_mutex_unlock(&A.mu);
        int rc = fdatasync(fd);
        fsync_bg_report(rc, rc != 0 ? errno : 0);
        pthread_mutex_lock(&A.mu);
        A.job_fd = -1;
        A.job_running = false;
        pthread_cond_broadcast(&A.cv);
    }
    return NULL;
}

static void fsync_thread_start(void)
{
    if (A.thread_started)
        return;
    pthread_mutex_init(&A.mu, NULL);
    pthread_cond_init(&A.cv, NULL);
    /* Signals stay with the main thread (libevent's handlers). */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    A.thread_started = pthread_create(&A.thread, NULL, fsync_main, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static bool fsync_busy(void)
{
    if (!A.thread_started)
        return false;
    pthread_mutex_lock(&A.mu);
    bool busy = A.job_fd >= 0 || A.job_running;
    pthread_mutex_unlock(&A.mu);
    return busy;
}

/* Waits for a queued or running background fsync: before its fd is closed. */
static void fsync_wait(void)
{
    if (!A.thread_started)
        return;
    pthread_mutex_lock(&A.mu);
    while (A.job_fd >= 0 || A.job_running)
        pthread_cond_wait(&A.cv, &A.mu);
    pthread_mutex_unlock(&A.mu);
}

static void fsync_in_background(void)
{
    fsync_thread_start();
    if (!A.thread_started) {
        int rc = fdatasync(A.fd);
        fsync_bg_report(rc, rc != 0 ? errno : 0);
        return;
    }
    pthread_mutex_lock(&A.mu);
    A.job_fd = A.fd;
    pthread_cond_signal(&A.cv);
    pthread_mutex_unlock(&A.mu);
}

/* ---- the write path ------------------------------------------------------------------------ */

void aof_feed(const char *p, size_t n)
{
    if (A.state == AOF_OFF)
        return;
    buf_append(&A.buf, p, n);
}

/* A write that stopped part way (disk full, RLIMIT_FSIZE): as Redis 7.0 does, the partial
 * command is cut off again so the file never ends mid-command while the error lasts, the
 * whole buffer stays for the retry, and a short write is reported as ENOSPC. If the cut
 * fails, the written part is kept and only the rest is retried. */
static void write_failed(size_t done, size_t len, int err)
{
    if (done > 0) {
        if (A.last_write_ok)
            log_warning("Short write while writing to the AOF file: (nwritten=%zu, expected=%zu)",
                        done, len);
        struct stat sb;
        if (fstat(A.fd, &sb) != 0 || ftruncate(A.fd, sb.st_size - (off_t)done) != 0) {
            buf_consume(&A.buf, done);
            A.current_size += (long long)done;
            A.unsynced = true;
        }
        err = ENOSPC;
    } else if (A.last_write_ok) {
        log_warning("Error writing to the AOF file: %s", strerror(err));
    }
    A.last_write_ok = false;
    A.last_write_errno = err;
}

/* Writes the whole buffer. On failure keeps what was not written for the next try. */
static bool write_pending(void)
{
    if (A.fd < 0)
        return false;
    size_t done = 0, len = buf_used(&A.buf);
    while (done < len) {
        ssize_t n = write(A.fd, buf_head(&A.buf) + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            write_failed(done, len, n < 0 ? errno : ENOSPC);
            return false;
        }
        done += (size_t)n;
    }
    if (len > 0) {
        A.current_size += (long long)len;
        A.unsynced = true;
    }
    buf_clear(&A.buf);
    if (!A.last_write_ok)
        log_warning("AOF write error looks solved, Redis can write again.");
    A.last_write_ok = true;
    if (A.buf.cap > (4u << 20)) {
        buf_deinit(&A.buf);
        buf_init(&A.buf);
    }
    return true;
}

/* no-appendfsync-on-rewrite yes: while a child writes to the disk, the AOF is written but
 * not fsynced (with every policy, as Redis); the next pass after the child ends catches up. */
static bool fsync_held_by_child(void)
{
    if (A.child_pid == -1 && !persist_bgsave_in_progress())
        return false;
    char v[8];
    return config_get_value("no-appendfsync-on-rewrite", v, sizeof(v)) && strcmp(v, "yes") == 0;
}

static void fsync_per_policy(bool force)
{
    if (A.fd < 0 || !A.unsynced || fsync_held_by_child())
        return;
    if (server.appendfsync == FSYNC_ALWAYS) {
        /* Group commit: every command of this pass is on disk before any reply is sent. */
        if (fdatasync(A.fd) != 0) {
            log_warning("Can't recover from AOF fsync error when the AOF fsync policy is "
                        "'always' (%s). Exiting...", strerror(errno));
            exit(1);
        }
        A.unsynced = false;
        A.last_fsync_ms = server.mstime;
    } else if (server.appendfsync == FSYNC_EVERYSEC) {
        if (!force && server.mstime - A.last_fsync_ms < 1000)
            return;
        if (fsync_busy()) {
            A.delayed_fsync++;
            return;
        }
        fsync_in_background();
        A.unsynced = false;
        A.last_fsync_ms = server.mstime;
    }
}

void aof_before_sleep(void)
{
    if (A.state == AOF_OFF || buf_used(&A.buf) == 0)
        return;
    if (!write_pending()) {
        if (server.appendfsync == FSYNC_ALWAYS) {
            log_warning("Can't recover from AOF write error when the AOF fsync policy is "
                        "'always'. Exiting...");
            exit(1);
        }
        return;
    }
    fsync_per_policy(false);
}

/* Switches writing to a new file: what was fed goes to the old one first. */
static void switch_fd(int fd)
{
    if (A.fd >= 0) {
        write_pending();
        fsync_wait();
        if (server.appendfsync != FSYNC_NO)
            fdatasync(A.fd);
        close(A.fd);
    }
    A.fd = fd;
    A.unsynced = false;
    propagate_reset_db();
}

static int open_incr(const char *name)
{
    char path[1100];
    path_of(path, sizeof(path), name);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        log_warning("Can't open the append-only file %s: %s", name, strerror(errno));
    return fd;
}

/* ---- writing a base file (the rewrite child, and startup without any file) ----------------- */

/* rdb-key-save-delay slows the rewrite child per key too, as in Redis (its base is an RDB):
 * tests use it to keep a rewrite running. */
static bool base_key_delay(void *ud, uint64_t keys, uint64_t bytes)
{
    usleep((useconds_t)server.rdb_key_save_delay_us);
    return true;
}

static bool rewrite_key_delay(void *ud, uint64_t keys)
{
    usleep((useconds_t)server.rdb_key_save_delay_us);
    return true;
}

static bool write_all(void *ud, const char *p, size_t n)
{
    int fd = *(int *)ud;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* aof-use-rdb-preamble no: the dataset as commands, as Redis 7.0's rewrite writes it. */
static bool write_base_commands(int fd)
{
    bool delay = server.rdb_key_save_delay_us > 0;
    if (!aof_rewrite_save(&server.ks, write_all, &fd,
                          delay ? rewrite_key_delay : NULL, NULL, NULL)) {
        log_warning("Error writing the AOF base: %s", strerror(errno));
        return false;
    }
    return fsync(fd) == 0;
}

static bool write_base_fd(int fd, bool preamble)
{
    if (!preamble)
        return write_base_commands(fd);
    struct persist_aux aux;
    struct rdb_save_opts o;
    persist_rdb_opts(&o, &aux, true);
    if (server.rdb_key_save_delay_us > 0) {
        o.progress = base_key_delay;
        o.progress_keys = 1;
    }
    struct rdb_error err;
    enum rdb_status st = rdb_save_fd(&server.ks, &o, fd, NULL, &err);
    if (st != RDB_OK) {
        log_warning("Error writing the AOF base: %s",
                    err.sys_errno ? strerror(err.sys_errno) : rdb_status_name(st));
        return false;
    }
    return fsync(fd) == 0;
}

/* Writes the base to tmp_path, as RDB (preamble) or as commands. */
static bool write_base_file(const char *tmp_path, bool preamble)
{
    int fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        log_warning("Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): %s",
                    strerror(errno));
        return false;
    }
    bool ok = write_base_fd(fd, preamble);
    ok = close(fd) == 0 && ok;
    if (!ok)
        unlink(tmp_path);
    return ok;
}

/* ---- loading -------------------------------------------------------------------------------- */

static struct conn *fake_conn(void)
{
    if (A.fake == NULL) {
        struct conn *c = mem_calloc(1, sizeof(*c));
        c->fd = -1;
        /* Never written to a socket: "already pending" keeps reply.c from queueing it. */
        c->flags = CONN_PENDING_WRITE | CONN_DENY_BLOCKING;
        c->authenticated = true;
        c->proto = RESP2;
        snprintf(c->addr, sizeof(c->addr), "aof");
        A.fake = c;
    }
    conn_select(A.fake, 0);
    return A.fake;
}

enum load_rc { LOAD_OK, LOAD_TRUNCATED, LOAD_BAD };

/* Runs one command of the file the way Redis does, through the handler alone: commandstats,
 * slowlog, MONITOR and total_commands_processed count what clients ran, not the replay. */
static void replay(struct conn *c, struct cmd *cmd)
{
    struct cmd_ctx ctx = {.c = c, .db = c->db, .argc = c->argc, .argv = c->argv, .cmd = cmd};
    struct conn *outer = server.current;
    server.current = c;
    c->cur_cmd = cmd;
    c->last_cmd = cmd;
    cmd->fn(&ctx);
    c->cur_cmd = NULL;
    server.current = outer;
}

/* Loading progress (INFO loading_*, clients served with -LOADING) every so many bytes, or
 * every command with key-load-delay. False when a shutdown was asked for. */
static bool load_step(uint64_t done, uint64_t *last)
{
    uint64_t every = server.loading_events_interval_bytes > 0
                         ? (uint64_t)server.loading_events_interval_bytes
                         : 2 * 1024 * 1024;
    if (server.key_load_delay_us <= 0 && done - *last < every)
        return true;
    *last = done;
    if (persist_loading_progress(done))
        return true;
    A.load_aborted = true;
    return false;
}

/* Runs the commands in p[0..len). *valid receives the end of the last whole command outside
 * an unfinished MULTI (where a truncated file may be cut). */
static enum load_rc run_commands(const char *path, char *p, size_t len, size_t *valid,
                                 uint64_t done_before)
{
    uint64_t last_step = done_before;
    struct conn *c = fake_conn();
    struct resp_parser parser;
    resp_parser_init(&parser);
    parser.max_bulk_len = LLONG_MAX / 2;
    struct resp_req req;
    size_t off = 0, multi_off = 0;
    bool in_multi = false;
    enum load_rc rc = LOAD_OK;
    int cap = 0;
    struct slice *argv = NULL;
    *valid = 0;
    while (off < len) {
        size_t used;
        enum resp_status st = resp_parse(&parser, p + off, len - off, &req, &used);
        if (st == RESP_INCOMPLETE) {
            rc = LOAD_TRUNCATED;
            break;
        }
        if (st == RESP_EPROTO || req.is_inline) {
            rc = LOAD_BAD;
            break;
        }
        size_t start = off;
        off += used;
        if (req.argc == 0)
            continue;
        if (req.argc > cap) {
            cap = req.argc;
            argv = mem_realloc(argv, (size_t)cap * sizeof(*argv));
        }
        for (int i = 0; i < req.argc; i++)
            argv[i] = (struct slice){p + start + req.argv[i].off, req.argv[i].len};
        struct cmd *cmd = cmd_lookup(argv[0].p, argv[0].len);
        if (cmd != NULL && cmd->subcmds != NULL && req.argc >= 2)
            cmd = cmd_lookup_sub(cmd, argv[1].p, argv[1].len);
        if (cmd == NULL || cmd->fn == NULL) {
            log_warning("Unknown command '%.*s' reading the append only file %s",
                        (int)(argv[0].len > 64 ? 64 : argv[0].len), argv[0].p, path);
            exit(1);
        }
        /* A transaction is replayed only once its EXEC is read: a file cut inside one must
         * not leave half of it applied. */
        if (cmd->fn == cmd_multi) {
            in_multi = true;
            multi_off = off;
            continue;
        }
        if (cmd->fn == cmd_exec) {
            if (in_multi) {
                in_multi = false;
                size_t end = start;
                enum load_rc r2 = LOAD_OK;
                struct resp_parser p2;
                resp_parser_init(&p2);
                p2.max_bulk_len = LLONG_MAX / 2;
                size_t o2 = multi_off;
                while (o2 < end) {
                    struct resp_req rq;
                    size_t u2;
                    if (resp_parse(&p2, p + o2, end - o2, &rq, &u2) != RESP_OK) {
                        r2 = LOAD_BAD;
                        break;
                    }
                    struct slice av[rq.argc > 0 ? rq.argc : 1];
                    for (int i = 0; i < rq.argc; i++)
                        av[i] = (struct slice){p + o2 + rq.argv[i].off, rq.argv[i].len};
                    o2 += u2;
                    struct cmd *ic = cmd_lookup(av[0].p, av[0].len);
                    if (ic != NULL && ic->subcmds != NULL && rq.argc >= 2)
                        ic = cmd_lookup_sub(ic, av[1].p, av[1].len);
                    if (ic == NULL || ic->fn == NULL) {
                        r2 = LOAD_BAD;
                        break;
                    }
                    c->argv = av;
                    c->argc = rq.argc;
                    replay(c, ic);
                    reply_free_output(c);
                }
                resp_parser_deinit(&p2);
                if (r2 != LOAD_OK) {
                    rc = r2;
                    break;
                }
            }
            *valid = off;
            continue;
        }
        if (in_multi)
            continue;
        c->argv = argv;
        c->argc = req.argc;
        replay(c, cmd);
        reply_free_output(c);
        *valid = off;
        if (!load_step(done_before + off, &last_step))
            break;
    }
    if (rc == LOAD_OK && in_multi)
        rc = LOAD_TRUNCATED;
    c->argv = NULL;
    c->argc = 0;
    mem_free(argv);
    resp_parser_deinit(&parser);
    return rc;
}

static bool read_whole(const char *path, char **out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return false;
    }
    size_t n = (size_t)sb.st_size, got = 0;
    char *p = mem_alloc(n + 1);
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    *out = p;
    *len = got;
    return true;
}

/* Loads one file of the set. is_last: a truncated tail may be cut (aof-load-truncated). */
static void load_one(const char *name, bool is_last)
{
    char path[1100];
    path_of(path, sizeof(path), name);
    char *p;
    size_t len;
    if (!read_whole(path, &p, &len)) {
        log_warning("The AOF file %s doesn't exist", name);
        exit(1);
    }
    size_t off = 0;
    if (len >= 5 && memcmp(p, "REDIS", 5) == 0) {
        log_notice("Reading RDB base file on AOF loading...");
        struct rdb_load_opts o;
        persist_rdb_load_opts(&o); /* applies IDLE/FREQ too, as Redis's preamble load */
        struct rdb_error err;
        struct rdb_load_info info;
        if (rdb_load_mem(&server.ks, p, len, &o, &info, &off, &err) != RDB_OK) {
            log_warning("Error reading the RDB base file %s, AOF loading aborted: %s", name,
                        err.msg);
            exit(1);
        }
        log_notice("Reading the remaining AOF tail...");
        if (!persist_loading_progress(A.load_base + off)) {
            A.load_aborted = true;
            mem_free(p);
            return;
        }
    }
    size_t valid = off;
    enum load_rc rc = run_commands(path, p + off, len - off, &valid, A.load_base + off);
    valid += off;
    mem_free(p);
    A.load_base += len;
    if (A.load_aborted)
        return;
    if (rc == LOAD_BAD) {
        log_warning("Bad file format reading the append only file %s: make a backup of your "
                    "AOF file, then use ./redis-check-aof --fix <filename.manifest>", name);
        exit(1);
    }
    if (rc == LOAD_TRUNCATED) {
        if (!is_last || !server.aof_load_truncated) {
            log_warning("Unrecoverable error reading the append only file %s: File truncated",
                        name);
            exit(1);
        }
        log_warning("!!! Warning: short read while loading the AOF file %s!!!", name);
        log_warning("!!! Truncating the AOF %s at offset %llu !!!", name,
                    (unsigned long long)valid);
        if (truncate(path, (off_t)valid) != 0) {
            log_warning("Error truncating the AOF file %s: %s", name, strerror(errno));
            exit(1);
        }
        log_warning("AOF %s loaded anyway because aof-load-truncated is enabled", name);
    }
}

static void unlink_name(const char *name);

/* Redis < 7.0 kept a single appendonly.aof in dir: as Redis 7.0 does, it moves into
 * appenddirname as the base of a new manifest (written first, so a crash before the rename
 * is redone at the next start: the manifest then names a base that is not there yet). */
static void upgrade_old_file(void)
{
    struct stat sb;
    if (stat(server.appendfilename, &sb) != 0 || !S_ISREG(sb.st_mode))
        return;
    char path[1100];
    path_of(path, sizeof(path), server.appendfilename);
    bool redo = A.base_name != NULL && A.nincr == 0 &&
                strcmp(A.base_name, server.appendfilename) == 0 && access(path, F_OK) != 0;
    if (!redo && (A.base_name != NULL || A.nincr > 0))
        return;
    if (!ensure_dir())
        exit(1);
    manifest_clear();
    A.base_name = mem_strndup(server.appendfilename, strlen(server.appendfilename));
    A.base_seq = 1;
    A.base_type = 'b';
    if (!manifest_write())
        exit(1);
    if (rename(server.appendfilename, path) != 0) {
        log_warning("Error trying to move the old AOF file %s into dir %s: %s",
                    server.appendfilename, server.appenddirname, strerror(errno));
        exit(1);
    }
    fsync_dir();
    log_notice("Successfully migrated an old-style AOF file (%s) into the AOF directory (%s).",
               server.appendfilename, server.appenddirname);
}

/* History files a Redis rewrite left listed ('h'): the manifest is rewritten without them,
 * then they are deleted, as Redis does once the AOF is open. */
static void drop_history(void)
{
    if (A.nhist == 0)
        return;
    bool ok = manifest_write();
    for (int i = 0; i < A.nhist; i++) {
        if (ok) {
            unlink_name(A.hist[i]);
            log_notice("Removing the history file %s in the background", A.hist[i]);
        }
        mem_free(A.hist[i]);
    }
    A.nhist = 0;
}

bool aof_load_at_startup(void)
{
    int m = manifest_read();
    if (m < 0) {
        log_warning("Error reading the AOF manifest of %s", server.appenddirname);
        exit(1);
    }
    if (!server.appendonly)
        return false;
    A.state = AOF_ON;
    propagate_set_on(false); /* loading replays; it writes nothing */
    upgrade_old_file();
    if (A.base_name != NULL || A.nincr > 0) {
        uint64_t t0 = mono_us();
        int total = (A.base_name != NULL) + A.nincr;
        int idx = 0;
        uint64_t bytes = A.base_name != NULL ? (uint64_t)file_size(A.base_name) : 0;
        for (int i = 0; i < A.nincr; i++)
            bytes += (uint64_t)file_size(A.incrs[i].name);
        persist_loading_begin(bytes);
        if (A.base_name != NULL) {
            load_one(A.base_name, ++idx == total);
            A.base_size = file_size(A.base_name);
        }
        for (int i = 0; i < A.nincr && !A.load_aborted; i++) {
            load_one(A.incrs[i].name, ++idx == total);
            A.base_size += file_size(A.incrs[i].name);
        }
        /* Shutdown while loading: the loading state stays, so nothing saves half a dataset. */
        if (A.load_aborted)
            return true;
        persist_loading_end();
        A.current_size = A.base_size;
        log_notice("DB loaded from append only file: %.3f seconds",
                   (double)(mono_us() - t0) / 1e6);
        server.dirty = 0;
    } else {
        /* No AOF yet: an empty base and the first incr file, as Redis 7.0 creates them. */
        if (!ensure_dir())
            exit(1);
        manifest_clear();
        A.base_seq = 1;
        A.base_name = name_new(1, server.aof_use_rdb_preamble ? "base.rdb" : "base.aof");
        char path[1100];
        path_of(path, sizeof(path), A.base_name);
        if (!write_base_file(path, server.aof_use_rdb_preamble))
            exit(1);
        log_notice("Creating AOF base file %s on server start", A.base_name);
        A.base_size = A.current_size = file_size(A.base_name);
    }
    if (A.nincr == 0) {
        A.incr_seq_max++;
        A.incrs[0].seq = A.incr_seq_max;
        A.incrs[0].name = name_new(A.incr_seq_max, "incr.aof");
        A.nincr = 1;
        log_notice("Creating AOF incr file %s on server start", A.incrs[0].name);
        int fd = open_incr(A.incrs[0].name);
        if (fd < 0 || !manifest_write())
            exit(1);
        A.fd = fd;
    } else {
        A.fd = open_incr(A.incrs[A.nincr - 1].name);
        if (A.fd < 0)
            exit(1);
    }
    drop_history();
    propagate_set_on(true);
    return true;
}

/* ---- rewriting ------------------------------------------------------------------------------ */

/* In dir itself (the working directory), not in appenddirname: Redis 7.0 writes it there and
 * renames it into appenddirname, so a read-only dir fails a rewrite in both, and a child
 * killed mid-rewrite leaves its file where Redis users look for it. */
static void tmp_base_path(char *out, size_t cap, pid_t pid)
{
    snprintf(out, cap, "temp-rewriteaof-bg-%d.aof", (int)pid);
}

static void child_main(int cow_wfd)
{
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    for (int i = 0; i < server.nlisteners; i++)
        close(event_get_fd(server.listeners[i]));
    char tmp[1100];
    tmp_base_path(tmp, sizeof(tmp), getpid());
    bool ok = write_base_file(tmp, A.rw_preamble);
    if (ok) {
        log_notice("Successfully created the temporary AOF base file %s", tmp);
        /* The parent reads this once it reaps the child: aof_last_cow_size. */
        uint64_t cow = persist_child_cow_bytes();
        log_notice("Fork CoW for AOF rewrite: current %llu MB, peak %llu MB, average %llu MB",
                   (unsigned long long)(cow >> 20), (unsigned long long)(cow >> 20),
                   (unsigned long long)(cow >> 21));
        if (cow_wfd >= 0) {
            ssize_t w = write(cow_wfd, &cow, sizeof(cow));
            (void)w;
        }
    }
    _exit(ok ? 0 : 1);
}

/* A rewrite that cannot even start (no appenddirname, no new incr file) is a failed one for
 * INFO aof_last_bgrewrite_status, as in Redis 7.0; only a failed child counts in
 * aof_rewrites_consecutive_failures. It waits REWRITE_RETRY_S like one. */
static enum aof_rw start_failed(void)
{
    A.last_rw_ok = false;
    A.last_rw_try_s = server.mstime / 1000;
    return AOF_RW_FAILED;
}

enum aof_rw aof_rewrite_start(void)
{
    if (A.child_pid != -1)
        return AOF_RW_IN_PROGRESS;
    if (persist_bgsave_in_progress()) {
        A.rw_scheduled = true;
        return AOF_RW_SCHEDULED;
    }
    if (!ensure_dir())
        return start_failed();
    A.last_rw_try_s = server.mstime / 1000;
    /* The parent keeps appending to a new incr file from the fork on: the child's base holds
     * everything before it. */
    long long seq = A.incr_seq_max + 1;
    char *name = name_new(seq, "incr.aof");
    int fd = open_incr(name);
    if (fd < 0) {
        mem_free(name);
        return start_failed();
    }
    if (A.state == AOF_ON) {
        if (A.nincr == MAX_INCR) {
            close(fd);
            mem_free(name);
            return start_failed();
        }
        A.incrs[A.nincr].seq = seq;
        A.incrs[A.nincr].name = name;
        A.nincr++;
        if (!manifest_write()) {
            A.nincr--;
            close(fd);
            char path[1100];
            path_of(path, sizeof(path), name);
            unlink(path);
            mem_free(name);
            return start_failed();
        }
    } else {
        /* Turning the AOF on: the incr file joins the manifest with the new base. An earlier
         * failed attempt's file holds commands the new base will contain: dropped. */
        if (A.pending_incr_name != NULL) {
            char path[1100];
            path_of(path, sizeof(path), A.pending_incr_name);
            unlink(path);
            mem_free(A.pending_incr_name);
        }
        A.pending_incr_name = name;
        A.pending_incr_seq = seq;
    }
    A.incr_seq_max = seq;
    switch_fd(fd);
    A.rw_preamble = server.aof_use_rdb_preamble;
    int cow[2] = {-1, -1};
    if (pipe2(cow, O_CLOEXEC) != 0)
        cow[0] = cow[1] = -1; /* only INFO's aof_last_cow_size is lost */
    fflush(stdout);
    uint64_t t0 = mono_us();
    pid_t pid = fork();
    if (pid == 0) {
        if (cow[0] >= 0)
            close(cow[0]);
        child_main(cow[1]);
    }
    if (cow[1] >= 0)
        close(cow[1]);
    if (pid >= 0)
        persist_note_fork((long long)(mono_us() - t0));
    else if (cow[0] >= 0)
        close(cow[0]);
    A.cow_fd = pid >= 0 ? cow[0] : -1;
    if (A.cow_fd >= 0)
        fcntl(A.cow_fd, F_SETFL, fcntl(A.cow_fd, F_GETFL) | O_NONBLOCK);
    if (pid < 0) {
        log_warning("Can't rewrite append only file in background: fork: %s", strerror(errno));
        A.last_rw_ok = false;
        A.rw_failures++;
        return AOF_RW_FAILED;
    }
    A.child_pid = pid;
    A.rewrites++; /* Redis counts rewrites started, failed ones too */
    /* reads stop stamping the LRU clock while the child runs: no pages copied for it */
    server.ks.lru_frozen = true;
    A.child_start_s = server.mstime / 1000;
    A.rw_incr_seq = seq;
    A.rw_scheduled = false;
    log_notice("Background append only file rewriting started by pid %d", (int)pid);
    return AOF_RW_STARTED;
}

void aof_rewrite_schedule(void)
{
    A.rw_scheduled = true;
}

bool aof_rewrite_in_progress(void)
{
    return A.child_pid != -1;
}

int aof_write_error(void)
{
    if (A.state == AOF_OFF)
        return 0;
    /* A failed write() names its own errno; otherwise the helper's failed fsync, whose data
     * may never have reached the disk, refuses writes the same way (Redis 7.0). */
    return !A.last_write_ok ? A.last_write_errno : atomic_load(&fsync_bg_errno);
}

void aof_debug_fsync_fail(int err)
{
    atomic_store(&fsync_fail_hook, err);
}

/* Cron: logs the helper's fsync failing and recovering, and retries a failed fsync once a
 * second. The retry is needed because writes are refused meanwhile, so nothing else would
 * ask for an fsync and the error would stay (Redis 7.0 waits for some other write, e.g. an
 * expired key's DEL, to trigger one). */
static void fsync_bg_check(void)
{
    int err = atomic_load(&fsync_bg_errno);
    if (err != fsync_bg_errno_seen) {
        if (err == 0)
            log_warning("AOF fsync error looks solved, Redis can write again.");
        else if (fsync_bg_errno_seen == 0)
            log_warning("Fail to fsync the AOF file: %s", strerror(err));
        fsync_bg_errno_seen = err;
    }
    if (err != 0 && A.fd >= 0 && !fsync_busy() && !fsync_held_by_child() &&
        server.mstime - A.last_fsync_ms >= 1000) {
        fsync_in_background();
        A.unsynced = false;
        A.last_fsync_ms = server.mstime;
    }
}

static void unlink_name(const char *name)
{
    char path[1100];
    path_of(path, sizeof(path), name);
    unlink(path);
}

/* The child succeeded: its file becomes the base, the manifest keeps only the incr files
 * written since the fork, older files are deleted once the new manifest is on disk. */
static bool rewrite_install(void)
{
    char tmp[1100], path[1100];
    tmp_base_path(tmp, sizeof(tmp), A.child_pid);
    long long new_seq = A.base_seq + 1;
    char *new_base = name_new(new_seq, A.rw_preamble ? "base.rdb" : "base.aof");
    path_of(path, sizeof(path), new_base);
    if (rename(tmp, path) != 0) {
        log_warning("Error trying to rename the temporary AOF base file: %s", strerror(errno));
        unlink(tmp);
        mem_free(new_base);
        return false;
    }
    char *old_base = A.base_name;
    long long old_base_seq = A.base_seq;
    struct incr old[MAX_INCR];
    int nold = 0, nkeep = 0;
    for (int i = 0; i < A.nincr; i++) {
        if (A.incrs[i].seq < A.rw_incr_seq)
            old[nold++] = A.incrs[i];
        else
            A.incrs[nkeep++] = A.incrs[i];
    }
    A.nincr = nkeep;
    if (A.state == AOF_WAIT_REWRITE && A.pending_incr_name != NULL) {
        A.incrs[A.nincr].seq = A.pending_incr_seq;
        A.incrs[A.nincr].name = A.pending_incr_name;
        A.nincr++;
        A.pending_incr_name = NULL;
    }
    A.base_name = new_base;
    A.base_seq = new_seq;
    if (!manifest_write()) {
        /* Keep the old set: it is still complete on disk. */
        unlink(path);
        mem_free(new_base);
        A.base_name = old_base;
        A.base_seq = old_base_seq;
        for (int i = 0; i < nold; i++)
            A.incrs[A.nincr++] = old[i];
        return false;
    }
    if (old_base != NULL) {
        unlink_name(old_base);
        mem_free(old_base);
    }
    for (int i = 0; i < nold; i++) {
        unlink_name(old[i].name);
        mem_free(old[i].name);
    }
    A.base_size = file_size(A.base_name);
    A.current_size = A.base_size;
    for (int i = 0; i < A.nincr; i++)
        A.current_size += file_size(A.incrs[i].name);
    return true;
}

/* Closes the child's copy-on-write pipe, keeping its report when the child succeeded. */
static void cow_collect(bool ok)
{
    if (A.cow_fd < 0)
        return;
    uint64_t cow;
    ssize_t n;
    do {
        n = read(A.cow_fd, &cow, sizeof(cow));
    } while (n < 0 && errno == EINTR);
    if (ok && n == (ssize_t)sizeof(cow))
        A.last_cow_size = (unsigned long long)cow;
    close(A.cow_fd);
    A.cow_fd = -1;
}

static void rewrite_done(int status)
{
    long long now_s = server.mstime / 1000;
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    cow_collect(ok);
    if (ok && A.state == AOF_OFF) {
        /* appendonly is off (turned off meanwhile, or BGREWRITEAOF without it): nothing
         * would read the result. */
        char tmp[1100];
        tmp_base_path(tmp, sizeof(tmp), A.child_pid);
        unlink(tmp);
        if (A.pending_incr_name != NULL) {
            unlink_name(A.pending_incr_name);
            mem_free(A.pending_incr_name);
            A.pending_incr_name = NULL;
        }
        switch_fd(-1);
    } else if (ok && rewrite_install()) {
        if (A.state == AOF_WAIT_REWRITE)
            log_notice("Background AOF rewrite finished successfully");
        A.state = AOF_ON;
        A.last_rw_ok = true;
        A.rw_failures = 0;
        log_notice("Background AOF rewrite terminated with success");
    } else {
        char tmp[1100];
        tmp_base_path(tmp, sizeof(tmp), A.child_pid);
        unlink(tmp);
        if (WIFSIGNALED(status))
            log_warning("Background AOF rewrite terminated by signal %d", WTERMSIG(status));
        else
            log_warning("Background AOF rewrite terminated with error");
        A.last_rw_ok = false;
        A.rw_failures++;
        /* Turning the AOF on still needs a base: try again later. */
        if (A.state == AOF_WAIT_REWRITE)
            A.rw_scheduled = true;
    }
    A.last_rw_secs = now_s - A.child_start_s;
    A.child_pid = -1;
    server.ks.lru_frozen = false;
}

static void kill_child(void)
{
    if (A.child_pid == -1)
        return;
    kill(A.child_pid, SIGUSR1);
    int status;
    while (waitpid(A.child_pid, &status, 0) < 0 && errno == EINTR) {
    }
    cow_collect(false);
    char tmp[1100];
    tmp_base_path(tmp, sizeof(tmp), A.child_pid);
    unlink(tmp);
    A.child_pid = -1;
    server.ks.lru_frozen = false;
}

void aof_cron(void)
{
    if (persist_is_loading())
        return;
    if (A.child_pid != -1) {
        int status;
        pid_t r = waitpid(A.child_pid, &status, WNOHANG);
        if (r == A.child_pid)
            rewrite_done(status);
        else if (r < 0 && errno == ECHILD)
            rewrite_done(W_EXITCODE(1, 0));
    }
    long long now_s = server.mstime / 1000;
    if (A.rw_scheduled && A.child_pid == -1 && !persist_bgsave_in_progress() &&
        (A.last_rw_ok || now_s - A.last_rw_try_s >= REWRITE_RETRY_S)) {
        aof_rewrite_start();
        return;
    }
    if (A.state == AOF_OFF)
        return;
    /* A pass that wrote nothing still owes the fsync of everysec. */
    if (buf_used(&A.buf) > 0)
        aof_before_sleep();
    else if (A.unsynced && server.appendfsync == FSYNC_EVERYSEC)
        fsync_per_policy(false);
    fsync_bg_check();
    if (A.child_pid != -1 || persist_bgsave_in_progress())
        return;
    if (A.state == AOF_ON && server.auto_aof_rewrite_perc > 0 &&
        A.current_size > server.auto_aof_rewrite_min_size &&
        (A.last_rw_ok || now_s - A.last_rw_try_s >= REWRITE_RETRY_S)) {
        long long base = A.base_size > 0 ? A.base_size : 1;
        long long growth = (A.current_size * 100 / base) - 100;
        if (growth >= server.auto_aof_rewrite_perc) {
            log_notice("Starting automatic rewriting of AOF on %lld%% growth", growth);
            aof_rewrite_start();
        }
    }
}

/* ---- on/off at runtime ---------------------------------------------------------------------- */

static void stop_aof(void)
{
    switch_fd(-1);
    buf_clear(&A.buf);
    kill_child();
    if (A.pending_incr_name != NULL) {
        unlink_name(A.pending_incr_name);
        mem_free(A.pending_incr_name);
        A.pending_incr_name = NULL;
    }
    A.rw_scheduled = false;
    A.state = AOF_OFF;
    propagate_set_on(false);
}

bool aof_apply_appendonly(const char **err)
{
    if (server.base == NULL)
        return true; /* reading the config file: startup decides */
    if (server.appendonly && A.state == AOF_OFF) {
        /* The files the failed fsync was about are gone from use: new ones start clean. */
        if (atomic_exchange(&fsync_bg_errno, 0) != 0) {
            log_warning("AOF reopen, just ignore the AOF fsync error in bio job");
            fsync_bg_errno_seen = 0;
        }
        A.state = AOF_WAIT_REWRITE;
        propagate_set_on(true);
        if (A.child_pid != -1)
            kill_child(); /* a rewrite of the old set: its base would miss nothing, but simpler */
        /* Redis 7.0 refuses CONFIG SET when the rewrite cannot start (no appenddirname, no
         * incr file, no fork) and leaves the AOF off; a failing child is retried instead. */
        if (aof_rewrite_start() == AOF_RW_FAILED) {
            stop_aof();
            server.appendonly = false;
            log_warning("Redis needs to enable the AOF but can't trigger a background AOF "
                        "rewrite operation. Check the above logs for more info about the error.");
            log_warning("Failed applying new configuration. Possibly related to new appendonly "
                        "setting. Restoring previous settings.");
            *err = "Unable to turn on AOF. Check server logs.";
            return false;
        }
    } else if (!server.appendonly && A.state != AOF_OFF) {
        stop_aof();
    }
    return true;
}

/* ---- INFO and shutdown ---------------------------------------------------------------------- */

void aof_info(struct buf *out)
{
    bool child = A.child_pid != -1;
    long long now_s = server.mstime / 1000;
    buf_printf(out,
               "aof_enabled:%d\r\n"
               "aof_rewrite_in_progress:%d\r\n"
               "aof_rewrite_scheduled:%d\r\n"
               "aof_last_rewrite_time_sec:%lld\r\n"
               "aof_current_rewrite_time_sec:%lld\r\n"
               "aof_last_bgrewrite_status:%s\r\n"
               "aof_rewrites:%lld\r\n"
               "aof_rewrites_consecutive_failures:%lld\r\n"
               "aof_last_write_status:%s\r\n"
               "aof_last_cow_size:%llu\r\n"
               "module_fork_in_progress:0\r\n"
               "module_fork_last_cow_size:0\r\n",
               A.state != AOF_OFF ? 1 : 0, child ? 1 : 0, A.rw_scheduled ? 1 : 0,
               A.last_rw_secs, child ? now_s - A.child_start_s : -1LL,
               A.last_rw_ok ? "ok" : "err", A.rewrites, A.rw_failures,
               A.last_write_ok && atomic_load(&fsync_bg_errno) == 0 ? "ok" : "err",
               A.last_cow_size);
    if (A.state != AOF_OFF)
        buf_printf(out,
                   "aof_current_size:%lld\r\n"
                   "aof_base_size:%lld\r\n"
                   "aof_pending_rewrite:%d\r\n"
                   "aof_buffer_length:%zu\r\n"
                   "aof_pending_bio_fsync:%d\r\n"
                   "aof_delayed_fsync:%lld\r\n",
                   A.current_size, A.base_size, A.rw_scheduled ? 1 : 0, buf_used(&A.buf),
                   fsync_busy() ? 1 : 0, A.delayed_fsync);
}

size_t aof_buffer_mem(void)
{
    return A.buf.cap;
}

void aof_shutdown(void)
{
    kill_child();
    if (A.state != AOF_OFF && A.fd >= 0) {
        write_pending();
        fsync_wait();
        fdatasync(A.fd);
    }
}
