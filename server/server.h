/* server/server.h: the process-wide state (the only globals in kvd) and the event loop.
 *
 * Everything here belongs to server/; the layers below never see it. Start at main.c for
 * startup and server_before_sleep() for what happens on every loop pass.
 */
#ifndef KVD_SERVER_SERVER_H
#define KVD_SERVER_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "storage/db.h"
#include "storage/dict.h"
#include "utils/buf.h"

struct event_base;
struct event;
struct conn;

#define KVD_VERSION "0.1.0"
#define KVD_REDIS_VERSION "7.0.15" /* the Redis whose behaviour kvd matches; reported by INFO/HELLO */
#define KVD_MAX_BIND 16

enum obuf_class { OBUF_NORMAL = 0, OBUF_REPLICA = 1, OBUF_PUBSUB = 2, OBUF_CLASSES = 3 };

struct obuf_limit {
    long long hard_bytes;   /* 0 = none */
    long long soft_bytes;   /* 0 = none */
    long long soft_seconds;
};

enum log_level { LL_DEBUG = 0, LL_VERBOSE = 1, LL_NOTICE = 2, LL_WARNING = 3, LL_NOTHING = 4 };

/* enable-debug-command / enable-protected-configs values. */
enum protected_access { PROTECTED_NO = 0, PROTECTED_YES = 1, PROTECTED_LOCAL = 2 };

/* CLIENT PAUSE modes. */
enum pause_kind { PAUSE_OFF = 0, PAUSE_WRITE = 1, PAUSE_ALL = 2 };

struct slowlog_entry {
    struct slowlog_entry *next;
    long long id;
    long long time_s;
    long long duration_us;
    int argc;              /* as stored (at most 32, last may be "... (N more arguments)") */
    struct buf *argv;      /* argc owned buffers */
    char *peer;            /* "ip:port" */
    char *name;            /* client name or "" */
};

struct latency_sample {
    int32_t time_s;
    uint32_t latency_ms;
};
#define LATENCY_HISTORY 160
struct latency_event {
    char *name;
    struct latency_sample samples[LATENCY_HISTORY];
    int next;              /* ring position */
    int count;
    uint32_t max_ms;
};

struct server {
    /* ---- configuration (server/config.c owns parsing, CONFIG GET/SET/REWRITE) ---- */
    char *config_file;          /* absolute path, or NULL when started without one */
    char *bind[KVD_MAX_BIND];
    int nbind;
    int port;
    int tcp_backlog;
    bool protected_mode;
    int databases;
    long long maxclients;
    long long timeout_s;        /* idle client timeout, 0 = none */
    long long tcp_keepalive_s;
    char *requirepass;          /* NULL = no password */
    char *logfile;              /* "" = stdout */
    enum log_level loglevel;
    char *pidfile;
    bool daemonize;
    char *dir;
    char *dbfilename;
    char *save_params;          /* "3600 1 300 100": pairs of seconds and changes (persist.c) */
    bool rdbcompression;
    bool rdbchecksum;
    bool stop_writes_on_bgsave_err;
    long long key_load_delay_us;          /* testing aid: pause per load step (Redis's name) */
    long long rdb_key_save_delay_us;      /* testing aid: pause per key in a saving child */
    long long loading_events_interval_bytes; /* serve clients every this many bytes loaded */
    bool appendonly;
    char *appendfilename;
    char *appenddirname;        /* AOF files and manifest live here (server/aof.c) */
    int appendfsync;            /* 0 everysec, 1 always, 2 no (config's order) */
    int auto_aof_rewrite_perc;  /* 0: no automatic rewrite */
    long long auto_aof_rewrite_min_size;
    bool aof_load_truncated;
    bool aof_use_rdb_preamble;
    int hz;
    bool dynamic_hz;
    long long proto_max_bulk_len;
    long long client_query_buffer_limit;
    struct obuf_limit obuf_limits[OBUF_CLASSES];
    long long slowlog_log_slower_than_us;
    long long slowlog_max_len;
    long long latency_monitor_threshold_ms;
    enum protected_access enable_debug_command;
    enum protected_access enable_protected_configs;
    long long maxmemory;
    int maxmemory_policy;       /* index into config's policy names */
    long long maxmemory_samples;
    bool lazyfree_lazy_user_del;
    bool lazyfree_lazy_user_flush;
    bool active_expire_enabled;
    long long busy_reply_threshold_ms; /* a script past this lets others in (BUSY, SCRIPT KILL) */

    /* ---- runtime ---- */
    struct event_base *base;
    struct keyspace ks;
    pid_t pid;
    char run_id[41];
    long long start_time_ms;
    long long mstime;           /* cached wall ms, updated every loop pass and command */
    uint64_t next_client_id;
    struct conn *clients;       /* all connections (doubly linked via conn->prev/next) */
    long long nclients;
    struct conn *pending_writes; /* conns with output to flush before sleeping */
    struct conn *current;       /* conn whose command is running, or NULL */
    struct conn *monitors;      /* conns in MONITOR mode (linked via conn->monitor_next) */
    struct event *listeners[KVD_MAX_BIND];
    int nlisteners;
    struct event *cron_ev;
    long long cronloops;
    bool stopping;              /* leave the loop and exit */
    int shutdown_flags;

    enum pause_kind pause;
    long long pause_end_ms;

    long long dirty;            /* changes since the last save */
    long long lastsave_s;

    /* ---- statistics (INFO) ---- */
    long long stat_connections;
    long long stat_rejected_conn;
    long long stat_commands;
    long long stat_net_input_bytes;
    long long stat_net_output_bytes;
    long long stat_total_error_replies;
    long long stat_unexpected_error_replies;
    long long stat_reads_processed;
    long long stat_writes_processed;
    long long stat_keyspace_events;
    long long stat_io_reads;
    struct dict *errorstats;    /* error code ("ERR", "WRONGTYPE") -> count (v.i) */
    long long stat_peak_memory;
    /* instantaneous metrics: samples of counters taken by the cron */
    struct {
        long long last_time_ms;
        long long last_value[3];
        long long samples[3][16];
        int idx[3];
    } inst;

    struct slowlog_entry *slowlog;  /* newest first */
    long long slowlog_len;
    long long slowlog_next_id;
    struct dict *latency_events;    /* name -> struct latency_event * */
};

extern struct server server;

/* Runs before the loop sleeps: serves ready clients, flushes pending writes. */
void server_before_sleep(void);
/* Stops the loop after the current pass; SHUTDOWN and signals use it. */
void server_request_stop(void);
/* Updates server.mstime and the keyspace clock from the wall clock. */
void server_update_time(void);
/* The same from a monotonic reading (mono_us()) taken by the caller, using the offset measured
 * by the last server_update_time(). */
void server_update_time_mono(uint64_t mono);
/* The periodic duties (active expiry, rehash, client cron, metrics); main.c's timer calls it
 * server.hz times per second. */
void server_cron(void);
/* dict type of server.latency_events (values are struct latency_event *, owned). */
extern const struct dict_type server_latency_dict_type;

/* Record a latency event sample (LATENCY) if above the threshold. */
void server_latency_add(const char *event, long long ms);

#endif
