/* server/config.c: every configuration directive, and the CONFIG command.
 *
 * Owns the directive table (one line per directive: type, limits, the struct server field it
 * sets or private storage for directives kvd accepts but does not act on yet), redis.conf
 * parsing, the `--name value` command line, and CONFIG GET/SET/RESETSTAT/REWRITE/HELP.
 * Knows nothing of how a setting is used: hooks only clamp or copy values.
 * Start at the table (cfg_table), then config_load_args() and cmd_config_set().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "server/aof.h"
#include "server/conn.h"
#include "server/notify.h"
#include "server/reply.h"
#include "server/server.h"
#include "storage/hash.h"
#include "storage/list.h"
#include "storage/set.h"
#include "storage/stream.h"
#include "storage/zset.h"
#include "utils/buf.h"
#include "utils/glob.h"
#include "utils/mem.h"
#include "utils/num.h"

enum cfg_type { CT_BOOL, CT_INT, CT_LL, CT_MEM, CT_ENUM, CT_STR, CT_SPECIAL };

enum cfg_flag {
    CF_IMMUTABLE = 1u << 0,  /* only from the file or the command line */
    CF_PROTECTED = 1u << 1,  /* CONFIG SET needs enable-protected-configs */
    CF_EMPTY_NULL = 1u << 2, /* string field: "" is stored as NULL */
    CF_ALWAYS_REWRITE = 1u << 3,
    CF_MULTI = 1u << 4,      /* value is several words (CONFIG SET splits it at spaces) */
};

struct cfg;
/* Parses argv into the setting. On failure sets *err to Redis's message and changes nothing. */
typedef bool cfg_set_fn(const struct cfg *cf, int argc, char **argv, bool loading,
                        const char **err);
/* Appends the value as CONFIG GET shows it. */
typedef void cfg_get_fn(const struct cfg *cf, struct buf *out);
/* Appends REWRITE lines (each ending in '\n') for the current value. */
typedef void cfg_rewrite_fn(const struct cfg *cf, struct buf *out);

struct cfg {
    const char *name;
    const char *alias;           /* older name (slave-*, *-ziplist-*), or NULL */
    enum cfg_type type;
    unsigned flags;              /* enum cfg_flag */
    long long min, max;          /* numeric limits, inclusive */
    void *ptr;                   /* field in struct server; NULL: kept in cfg_store */
    const char *const *names;    /* CT_ENUM: value i is names[i]; NULL-terminated */
    const char *def;             /* default, as config-file text (one argument) */
    bool (*apply)(const char **err); /* after a successful change; false: refused, and the
                                      * hook has put the old value back (appendonly) */
    cfg_set_fn *set;             /* CT_SPECIAL */
    cfg_get_fn *get;
    cfg_rewrite_fn *rewrite;
};

static const char *const yes_no_local[] = {"no", "yes", "local", NULL};
static const char *const loglevels[] = {"debug", "verbose", "notice", "warning", NULL};
static const char *const policies[] = {"volatile-lru", "volatile-lfu", "volatile-random",
                                       "volatile-ttl", "allkeys-lru", "allkeys-lfu",
                                       "allkeys-random", "noeviction", NULL};
static const char *const fsyncs[] = {"everysec", "always", "no", NULL};
static const char *const diskless_load[] = {"disabled", "on-empty-db", "swapdb", NULL};
static const char *const supervised[] = {"upstart", "systemd", "auto", "no", NULL};
static const char *const sanitize[] = {"no", "yes", "clients", NULL};
static const char *const oom_adj[] = {"no", "yes", "relative", "absolute", NULL};
static const char *const pubsub_default[] = {"allchannels", "resetchannels", NULL};
static const char *const endpoint_types[] = {"ip", "hostname", "unknown-endpoint", NULL};
static const char *const propagation[] = {"ignore", "panic", "panic-on-replicas", NULL};
static const char *const facilities[] = {"user", "local0", "local1", "local2", "local3",
                                         "local4", "local5", "local6", "local7", NULL};
static const char *const shutdown_modes[] = {"default", "save", "nosave", "now", "force",
                                             NULL};

#define MB (1024LL * 1024)

static cfg_set_fn set_bind, set_save, set_obuf, set_notify, set_dir, set_oom_values,
    set_percentiles, set_replicaof, set_sockperm;
static cfg_get_fn get_bind, get_save, get_obuf, get_dir, get_sockperm, get_notify;
static cfg_rewrite_fn rw_save, rw_obuf, rw_bind;
static void apply_hz(void);

#define BOOL(n, al, fl, field, d) \
    {.name = n, .alias = al, .type = CT_BOOL, .flags = fl, .ptr = field, .def = d}
#define INT(n, al, fl, lo, hi, field, d) \
    {.name = n, .alias = al, .type = CT_INT, .flags = fl, .min = lo, .max = hi, .ptr = field, .def = d}
#define LL(n, al, fl, lo, hi, field, d) \
    {.name = n, .alias = al, .type = CT_LL, .flags = fl, .min = lo, .max = hi, .ptr = field, .def = d}
#define MEM(n, al, fl, lo, hi, field, d) \
    {.name = n, .alias = al, .type = CT_MEM, .flags = fl, .min = lo, .max = hi, .ptr = field, .def = d}
#define ENUM(n, al, fl, nm, field, d) \
    {.name = n, .alias = al, .type = CT_ENUM, .flags = fl, .names = nm, .ptr = field, .def = d}
#define STR(n, al, fl, field, d) \
    {.name = n, .alias = al, .type = CT_STR, .flags = fl, .ptr = field, .def = d}
#define SPECIAL(n, al, fl, d, s, g, rw) \
    {.name = n, .alias = al, .type = CT_SPECIAL, .flags = fl, .def = d, .set = s, .get = g, .rewrite = rw}

/* The directives, in the order CONFIG REWRITE appends them. Those with a NULL field are
 * accepted and reported (so stock redis.conf files load) but not acted on yet. */
static const struct cfg cfg_table[] = {
    /* network */
    SPECIAL("bind", NULL, CF_IMMUTABLE | CF_MULTI, "127.0.0.1 -::1", set_bind, get_bind, rw_bind),
    BOOL("protected-mode", NULL, 0, &server.protected_mode, "yes"),
    INT("port", NULL, CF_IMMUTABLE, 0, 65535, &server.port, "6379"),
    INT("tcp-backlog", NULL, CF_IMMUTABLE, 0, INT_MAX, &server.tcp_backlog, "511"),
    STR("unixsocket", NULL, CF_IMMUTABLE, NULL, ""),
    SPECIAL("unixsocketperm", NULL, CF_IMMUTABLE, "0", set_sockperm, get_sockperm, NULL),
    LL("timeout", NULL, 0, 0, INT_MAX, &server.timeout_s, "0"),
    LL("tcp-keepalive", NULL, 0, 0, INT_MAX, &server.tcp_keepalive_s, "300"),
    INT("socket-mark-id", NULL, 0, 0, UINT_MAX, NULL, "0"),
    STR("bind-source-addr", NULL, 0, NULL, ""),
    /* TLS (kvd has none; accepted so configs naming them load) */
    INT("tls-port", NULL, CF_IMMUTABLE, 0, 65535, NULL, "0"),
    STR("tls-cert-file", NULL, 0, NULL, ""),
    STR("tls-key-file", NULL, 0, NULL, ""),
    STR("tls-key-file-pass", NULL, 0, NULL, ""),
    STR("tls-client-cert-file", NULL, 0, NULL, ""),
    STR("tls-client-key-file", NULL, 0, NULL, ""),
    STR("tls-client-key-file-pass", NULL, 0, NULL, ""),
    STR("tls-dh-params-file", NULL, 0, NULL, ""),
    STR("tls-ca-cert-file", NULL, 0, NULL, ""),
    STR("tls-ca-cert-dir", NULL, 0, NULL, ""),
    STR("tls-protocols", NULL, 0, NULL, ""),
    STR("tls-ciphers", NULL, 0, NULL, ""),
    STR("tls-ciphersuites", NULL, 0, NULL, ""),
    BOOL("tls-prefer-server-ciphers", NULL, 0, NULL, "no"),
    BOOL("tls-session-caching", NULL, 0, NULL, "yes"),
    INT("tls-session-cache-size", NULL, 0, 0, INT_MAX, NULL, "20480"),
    INT("tls-session-cache-timeout", NULL, 0, 0, INT_MAX, NULL, "300"),
    BOOL("tls-cluster", NULL, 0, NULL, "no"),
    BOOL("tls-replication", NULL, 0, NULL, "no"),
    STR("tls-auth-clients", NULL, 0, NULL, "yes"),
    /* general */
    BOOL("daemonize", NULL, CF_IMMUTABLE, &server.daemonize, "no"),
    ENUM("supervised", NULL, CF_IMMUTABLE, supervised, NULL, "no"),
    STR("pidfile", NULL, CF_IMMUTABLE, &server.pidfile, ""),
    ENUM("loglevel", NULL, 0, loglevels, &server.loglevel, "notice"),
    STR("logfile", NULL, CF_IMMUTABLE, &server.logfile, ""),
    BOOL("syslog-enabled", NULL, CF_IMMUTABLE, NULL, "no"),
    STR("syslog-ident", NULL, CF_IMMUTABLE, NULL, "redis"),
    ENUM("syslog-facility", NULL, CF_IMMUTABLE, facilities, NULL, "local0"),
    BOOL("crash-log-enabled", NULL, 0, NULL, "yes"),
    BOOL("crash-memcheck-enabled", NULL, 0, NULL, "yes"),
    INT("databases", NULL, CF_IMMUTABLE, 1, INT_MAX, &server.databases, "16"),
    BOOL("always-show-logo", NULL, CF_IMMUTABLE, NULL, "no"),
    BOOL("set-proc-title", NULL, CF_IMMUTABLE, NULL, "yes"),
    STR("proc-title-template", NULL, 0, NULL, "{title} {listen-addr} {server-mode}"),
    STR("ignore-warnings", NULL, 0, NULL, ""),
    ENUM("enable-protected-configs", NULL, CF_IMMUTABLE, yes_no_local,
         &server.enable_protected_configs, "no"),
    ENUM("enable-debug-command", NULL, CF_IMMUTABLE, yes_no_local, &server.enable_debug_command,
         "no"),
    ENUM("enable-module-command", NULL, CF_IMMUTABLE, yes_no_local, NULL, "no"),
    /* snapshotting */
    SPECIAL("save", NULL, CF_MULTI, "3600 1 300 100 60 10000", set_save, get_save, rw_save),
    BOOL("stop-writes-on-bgsave-error", NULL, 0, &server.stop_writes_on_bgsave_err, "yes"),
    BOOL("rdbcompression", NULL, 0, &server.rdbcompression, "yes"),
    BOOL("rdbchecksum", NULL, CF_IMMUTABLE, &server.rdbchecksum, "yes"),
    /* Redis's hidden testing knobs, so suites that slow a load down run on both servers. */
    LL("key-load-delay", NULL, 0, INT_MIN, INT_MAX, &server.key_load_delay_us, "0"),
    LL("rdb-key-save-delay", NULL, 0, INT_MIN, INT_MAX, &server.rdb_key_save_delay_us, "0"),
    LL("loading-process-events-interval-bytes", NULL, 0, 1024, INT_MAX,
       &server.loading_events_interval_bytes, "2097152"),
    ENUM("sanitize-dump-payload", NULL, 0, sanitize, NULL, "no"),
    STR("dbfilename", NULL, CF_PROTECTED, &server.dbfilename, "dump.rdb"),
    BOOL("rdb-del-sync-files", NULL, 0, NULL, "no"),
    SPECIAL("dir", NULL, CF_PROTECTED | CF_ALWAYS_REWRITE, NULL, set_dir, get_dir, NULL),
    /* replication (not implemented: kvd is always a master) */
    SPECIAL("replicaof", "slaveof", CF_IMMUTABLE | CF_MULTI, "", set_replicaof, NULL, NULL),
    STR("masteruser", NULL, 0, NULL, ""),
    STR("masterauth", NULL, 0, NULL, ""),
    BOOL("replica-serve-stale-data", "slave-serve-stale-data", 0, NULL, "yes"),
    BOOL("replica-read-only", "slave-read-only", 0, NULL, "yes"),
    BOOL("repl-diskless-sync", NULL, 0, NULL, "yes"),
    INT("repl-diskless-sync-delay", NULL, 0, 0, INT_MAX, NULL, "5"),
    INT("repl-diskless-sync-max-replicas", NULL, 0, 0, INT_MAX, NULL, "0"),
    ENUM("repl-diskless-load", NULL, 0, diskless_load, NULL, "disabled"),
    INT("repl-ping-replica-period", "repl-ping-slave-period", 0, 1, INT_MAX, NULL, "10"),
    INT("repl-timeout", NULL, 0, 1, INT_MAX, NULL, "60"),
    BOOL("repl-disable-tcp-nodelay", NULL, 0, NULL, "no"),
    MEM("repl-backlog-size", NULL, 0, 1, LLONG_MAX, NULL, "1048576"),
    LL("repl-backlog-ttl", NULL, 0, 0, INT_MAX, NULL, "3600"),
    INT("replica-priority", "slave-priority", 0, 0, INT_MAX, NULL, "100"),
    BOOL("replica-announced", NULL, 0, NULL, "yes"),
    INT("min-replicas-to-write", "min-slaves-to-write", 0, 0, INT_MAX, NULL, "0"),
    INT("min-replicas-max-lag", "min-slaves-max-lag", 0, 0, INT_MAX, NULL, "10"),
    STR("replica-announce-ip", "slave-announce-ip", 0, NULL, ""),
    INT("replica-announce-port", "slave-announce-port", 0, 0, 65535, NULL, "0"),
    BOOL("replica-ignore-disk-write-errors", NULL, 0, NULL, "no"),
    BOOL("replica-ignore-maxmemory", "slave-ignore-maxmemory", 0, NULL, "yes"),
    BOOL("replica-lazy-flush", "slave-lazy-flush", 0, NULL, "no"),
    ENUM("propagation-error-behavior", NULL, 0, propagation, NULL, "ignore"),
    /* tracking, security */
    LL("tracking-table-max-keys", NULL, 0, 0, LLONG_MAX, NULL, "1000000"),
    LL("acllog-max-len", NULL, 0, 0, LLONG_MAX, NULL, "128"),
    STR("aclfile", NULL, CF_IMMUTABLE, NULL, ""),
    ENUM("acl-pubsub-default", NULL, 0, pubsub_default, NULL, "resetchannels"),
    STR("requirepass", NULL, CF_EMPTY_NULL, &server.requirepass, ""),
    /* clients, memory */
    LL("maxclients", NULL, 0, 1, UINT_MAX, &server.maxclients, "10000"),
    MEM("maxmemory", NULL, 0, 0, LLONG_MAX, &server.maxmemory, "0"),
    ENUM("maxmemory-policy", NULL, 0, policies, &server.maxmemory_policy, "noeviction"),
    LL("maxmemory-samples", NULL, 0, 1, INT_MAX, &server.maxmemory_samples, "5"),
    INT("maxmemory-eviction-tenacity", NULL, 0, 0, 100, NULL, "10"),
    MEM("maxmemory-clients", NULL, 0, 0, LLONG_MAX, NULL, "0"),
    INT("active-expire-effort", NULL, 0, 1, 10, NULL, "1"),
    BOOL("lazyfree-lazy-eviction", NULL, 0, NULL, "no"),
    BOOL("lazyfree-lazy-expire", NULL, 0, NULL, "no"),
    BOOL("lazyfree-lazy-server-del", NULL, 0, NULL, "no"),
    BOOL("lazyfree-lazy-user-del", NULL, 0, &server.lazyfree_lazy_user_del, "no"),
    BOOL("lazyfree-lazy-user-flush", NULL, 0, &server.lazyfree_lazy_user_flush, "no"),
    INT("io-threads", NULL, CF_IMMUTABLE, 1, 128, NULL, "1"),
    BOOL("io-threads-do-reads", NULL, CF_IMMUTABLE, NULL, "no"),
    ENUM("oom-score-adj", NULL, 0, oom_adj, NULL, "no"),
    SPECIAL("oom-score-adj-values", NULL, CF_MULTI, "0 200 800", set_oom_values, NULL, NULL),
    BOOL("disable-thp", NULL, 0, NULL, "yes"),
    /* append only file */
    /* appendonly: turning it on at runtime starts a rewrite (server/aof.c) */
    {.name = "appendonly", .type = CT_BOOL, .ptr = &server.appendonly, .def = "no",
     .apply = aof_apply_appendonly},
    STR("appendfilename", NULL, CF_IMMUTABLE, &server.appendfilename, "appendonly.aof"),
    STR("appenddirname", NULL, CF_IMMUTABLE, &server.appenddirname, "appendonlydir"),
    ENUM("appendfsync", NULL, 0, fsyncs, &server.appendfsync, "everysec"),
    BOOL("no-appendfsync-on-rewrite", NULL, 0, NULL, "no"),
    INT("auto-aof-rewrite-percentage", NULL, 0, 0, INT_MAX, &server.auto_aof_rewrite_perc, "100"),
    MEM("auto-aof-rewrite-min-size", NULL, 0, 0, LLONG_MAX, &server.auto_aof_rewrite_min_size,
        "67108864"),
    BOOL("aof-load-truncated", NULL, 0, &server.aof_load_truncated, "yes"),
    BOOL("aof-use-rdb-preamble", NULL, 0, &server.aof_use_rdb_preamble, "yes"),
    BOOL("aof-timestamp-enabled", NULL, 0, NULL, "no"),
    BOOL("aof-disable-auto-gc", NULL, 0, NULL, "no"),
    BOOL("aof-rewrite-incremental-fsync", NULL, 0, NULL, "yes"),
    BOOL("rdb-save-incremental-fsync", NULL, 0, NULL, "yes"),
    /* shutdown, scripting */
    ENUM("shutdown-on-sigint", NULL, 0, shutdown_modes, NULL, "default"),
    ENUM("shutdown-on-sigterm", NULL, 0, shutdown_modes, NULL, "default"),
    INT("shutdown-timeout", NULL, 0, 0, INT_MAX, NULL, "10"),
    LL("busy-reply-threshold", "lua-time-limit", 0, 0, LONG_MAX, &server.busy_reply_threshold_ms,
       "5000"),
    /* cluster (not implemented) */
    BOOL("cluster-enabled", NULL, CF_IMMUTABLE, NULL, "no"),
    STR("cluster-config-file", NULL, CF_IMMUTABLE, NULL, "nodes.conf"),
    LL("cluster-node-timeout", NULL, 0, 0, LLONG_MAX, NULL, "15000"),
    INT("cluster-port", NULL, CF_IMMUTABLE, 0, 65535, NULL, "0"),
    INT("cluster-replica-validity-factor", "cluster-slave-validity-factor", 0, 0, INT_MAX, NULL,
        "10"),
    INT("cluster-migration-barrier", NULL, 0, 0, INT_MAX, NULL, "1"),
    BOOL("cluster-allow-replica-migration", NULL, 0, NULL, "yes"),
    BOOL("cluster-require-full-coverage", NULL, 0, NULL, "yes"),
    BOOL("cluster-replica-no-failover", "cluster-slave-no-failover", 0, NULL, "no"),
    BOOL("cluster-allow-reads-when-down", NULL, 0, NULL, "no"),
    BOOL("cluster-allow-pubsubshard-when-down", NULL, 0, NULL, "yes"),
    MEM("cluster-link-sendbuf-limit", NULL, 0, 0, LLONG_MAX, NULL, "0"),
    STR("cluster-announce-ip", NULL, 0, NULL, ""),
    STR("cluster-announce-hostname", NULL, 0, NULL, ""),
    INT("cluster-announce-port", NULL, 0, 0, 65535, NULL, "0"),
    INT("cluster-announce-tls-port", NULL, 0, 0, 65535, NULL, "0"),
    INT("cluster-announce-bus-port", NULL, 0, 0, 65535, NULL, "0"),
    ENUM("cluster-preferred-endpoint-type", NULL, 0, endpoint_types, NULL, "ip"),
    /* monitoring */
    LL("slowlog-log-slower-than", NULL, 0, -1, LLONG_MAX, &server.slowlog_log_slower_than_us,
       "10000"),
    LL("slowlog-max-len", NULL, 0, 0, LONG_MAX, &server.slowlog_max_len, "128"),
    LL("latency-monitor-threshold", NULL, 0, 0, LLONG_MAX, &server.latency_monitor_threshold_ms,
       "0"),
    BOOL("latency-tracking", NULL, 0, NULL, "yes"),
    SPECIAL("latency-tracking-info-percentiles", NULL, CF_MULTI, "50 99 99.9", set_percentiles, NULL,
            NULL),
    SPECIAL("notify-keyspace-events", NULL, 0, "", set_notify, get_notify, NULL),
    /* data structure encodings */
    LL("hash-max-listpack-entries", "hash-max-ziplist-entries", 0, 0, LONG_MAX,
       &hash_max_listpack_entries, "512"),
    LL("hash-max-listpack-value", "hash-max-ziplist-value", 0, 0, LONG_MAX,
       &hash_max_listpack_value, "64"),
    INT("list-max-listpack-size", "list-max-ziplist-size", 0, INT_MIN, INT_MAX,
        &list_max_listpack_size, "-2"),
    INT("list-compress-depth", NULL, 0, 0, INT_MAX, &list_compress_depth, "0"),
    LL("set-max-intset-entries", NULL, 0, 0, LONG_MAX, &set_max_intset_entries, "512"),
    LL("zset-max-listpack-entries", "zset-max-ziplist-entries", 0, 0, LONG_MAX,
       &zset_max_listpack_entries, "128"),
    LL("zset-max-listpack-value", "zset-max-ziplist-value", 0, 0, LONG_MAX,
       &zset_max_listpack_value, "64"),
    MEM("hll-sparse-max-bytes", NULL, 0, 0, LONG_MAX, NULL, "3000"),
    MEM("stream-node-max-bytes", NULL, 0, 0, LONG_MAX, &stream_node_max_bytes, "4096"),
    LL("stream-node-max-entries", NULL, 0, 0, LLONG_MAX, &stream_node_max_entries, "100"),
    BOOL("activerehashing", NULL, 0, NULL, "yes"),
    SPECIAL("client-output-buffer-limit", NULL, CF_MULTI,
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", set_obuf,
            get_obuf, rw_obuf),
    MEM("client-query-buffer-limit", NULL, 0, MB, LLONG_MAX, &server.client_query_buffer_limit,
        "1073741824"),
    MEM("proto-max-bulk-len", NULL, 0, MB, LLONG_MAX, &server.proto_max_bulk_len, "536870912"),
    INT("hz", NULL, 0, 0, INT_MAX, &server.hz, "10"),
    BOOL("dynamic-hz", NULL, 0, &server.dynamic_hz, "yes"),
    /* defragmentation, lfu, cpu affinity, allocator */
    BOOL("activedefrag", NULL, 0, NULL, "no"),
    MEM("active-defrag-ignore-bytes", NULL, 0, 1, LLONG_MAX, NULL, "104857600"),
    INT("active-defrag-threshold-lower", NULL, 0, 0, 1000, NULL, "10"),
    INT("active-defrag-threshold-upper", NULL, 0, 0, 1000, NULL, "100"),
    INT("active-defrag-cycle-min", NULL, 0, 1, 99, NULL, "1"),
    INT("active-defrag-cycle-max", NULL, 0, 1, 99, NULL, "25"),
    LL("active-defrag-max-scan-fields", NULL, 0, 1, LONG_MAX, NULL, "1000"),
    INT("lfu-log-factor", NULL, 0, 0, INT_MAX, NULL, "10"),
    INT("lfu-decay-time", NULL, 0, 0, INT_MAX, NULL, "1"),
    BOOL("jemalloc-bg-thread", NULL, 0, NULL, "yes"),
    STR("server_cpulist", NULL, CF_IMMUTABLE, NULL, ""),
    STR("bio_cpulist", NULL, CF_IMMUTABLE, NULL, ""),
    STR("aof_rewrite_cpulist", NULL, CF_IMMUTABLE, NULL, ""),
    STR("bgsave_cpulist", NULL, CF_IMMUTABLE, NULL, ""),
};

#define CFG_COUNT (sizeof(cfg_table) / sizeof(cfg_table[0]))

/* Values of directives without a server field. */
static struct {
    long long n;
    char *s;
} cfg_store[CFG_COUNT];
/* CONFIG GET text of each default, for REWRITE's "differs from default" test. */
static char *cfg_defaults[CFG_COUNT];
/* While loading: the first "save" line replaces the default, later ones add to it. */
static bool save_seen_in_load;
static char *replicaof_text;
static char *percentiles_text;
static char *oom_values_text;
static int sockperm;

static size_t cfg_index(const struct cfg *cf) { return (size_t)(cf - cfg_table); }

/* ---- small text helpers ----------------------------------------------------------- */

static void set_string(char **slot, const char *v) /* replaces an owned string */
{
    char *copy = mem_strndup(v, strlen(v));
    mem_free(*slot);
    *slot = copy;
}

/* Splits v at single spaces, as Redis does for multi-value CONFIG SET arguments (so
 * doubled spaces give empty words, which the parsers reject). "" gives no words. */
static int split_spaces(const char *v, char ***out)
{
    int n = 0;
    char **words = NULL;
    if (*v != '\0') {
        const char *p = v;
        for (;;) {
            const char *sp = strchr(p, ' ');
            size_t len = sp != NULL ? (size_t)(sp - p) : strlen(p);
            words = mem_realloc(words, sizeof(char *) * (size_t)(n + 1));
            words[n++] = mem_strndup(p, len);
            if (sp == NULL)
                break;
            p = sp + 1;
        }
    }
    *out = words;
    return n;
}

static void free_words(char **w, int n)
{
    for (int i = 0; i < n; i++)
        mem_free(w[i]);
    mem_free(w);
}

/* Appends s quoted the way redis.conf and the FATAL message show strings. */
static void append_repr(struct buf *out, const char *s, size_t len)
{
    buf_append(out, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '\\': buf_append_str(out, "\\\\"); break;
        case '"': buf_append_str(out, "\\\""); break;
        case '\n': buf_append_str(out, "\\n"); break;
        case '\r': buf_append_str(out, "\\r"); break;
        case '\t': buf_append_str(out, "\\t"); break;
        case '\a': buf_append_str(out, "\\a"); break;
        case '\b': buf_append_str(out, "\\b"); break;
        default:
            if (isprint(ch))
                buf_append(out, &s[i], 1);
            else
                buf_printf(out, "\\x%02x", ch);
        }
    }
    buf_append(out, "\"", 1);
}

static bool parse_ll(const char *s, long long *out)
{
    return num_str2ll(s, strlen(s), out);
}

/* Redis's memory values: digits with an optional b/k/kb/m/mb/g/gb unit, any case. k, m
 * and g are powers of 1000; kb, mb and gb powers of 1024. */
static bool parse_memory(const char *s, long long *out)
{
    size_t len = strlen(s), digits = 0;
    while (digits < len && isdigit((unsigned char)s[digits]))
        digits++;
    if (digits == 0 || digits > 19)
        return false;
    const char *unit = s + digits;
    long long mul;
    if (*unit == '\0' || strcasecmp(unit, "b") == 0) mul = 1;
    else if (strcasecmp(unit, "k") == 0) mul = 1000;
    else if (strcasecmp(unit, "kb") == 0) mul = 1024;
    else if (strcasecmp(unit, "m") == 0) mul = 1000 * 1000;
    else if (strcasecmp(unit, "mb") == 0) mul = 1024 * 1024;
    else if (strcasecmp(unit, "g") == 0) mul = 1000LL * 1000 * 1000;
    else if (strcasecmp(unit, "gb") == 0) mul = 1024LL * 1024 * 1024;
    else return false;
    char num[24];
    memcpy(num, s, digits);
    num[digits] = '\0';
    errno = 0;
    unsigned long long v = strtoull(num, NULL, 10);
    if (errno != 0 || v > (unsigned long long)LLONG_MAX / (unsigned long long)mul)
        return false;
    *out = (long long)v * mul;
    return true;
}

/* REWRITE writes memory values in the largest exact unit, as Redis does. */
static void append_memory(struct buf *out, long long v)
{
    if (v != 0 && v % (1024LL * 1024 * 1024) == 0)
        buf_printf(out, "%lldgb", v / (1024LL * 1024 * 1024));
    else if (v != 0 && v % (1024LL * 1024) == 0)
        buf_printf(out, "%lldmb", v / (1024LL * 1024));
    else if (v != 0 && v % 1024 == 0)
        buf_printf(out, "%lldkb", v / 1024);
    else
        buf_printf(out, "%lld", v);
}

/* ---- generic get/set ----------------------------------------------------------------- */

static long long *num_slot(const struct cfg *cf)
{
    return &cfg_store[cfg_index(cf)].n;
}

static void cfg_get(const struct cfg *cf, struct buf *out)
{
    switch (cf->type) {
    case CT_BOOL: {
        bool v = cf->ptr ? *(bool *)cf->ptr : *num_slot(cf) != 0;
        buf_append_str(out, v ? "yes" : "no");
        break;
    }
    case CT_INT:
        buf_printf(out, "%lld", cf->ptr ? (long long)*(int *)cf->ptr : *num_slot(cf));
        break;
    case CT_LL:
    case CT_MEM:
        buf_printf(out, "%lld", cf->ptr ? *(long long *)cf->ptr : *num_slot(cf));
        break;
    case CT_ENUM: {
        long long v = cf->ptr ? (long long)*(int *)cf->ptr : *num_slot(cf);
        buf_append_str(out, cf->names[v]);
        break;
    }
    case CT_STR: {
        const char *s = cf->ptr ? *(char **)cf->ptr : cfg_store[cfg_index(cf)].s;
        buf_append_str(out, s != NULL ? s : "");
        break;
    }
    case CT_SPECIAL:
        if (cf->get != NULL) {
            cf->get(cf, out);
        } else {
            const char *s = cfg_store[cfg_index(cf)].s;
            buf_append_str(out, s != NULL ? s : "");
        }
        break;
    }
}

static char *cfg_get_dup(const struct cfg *cf)
{
    struct buf b;
    buf_init(&b);
    cfg_get(cf, &b);
    char *s = mem_strndup(b.data != NULL ? buf_head(&b) : "", buf_used(&b));
    buf_deinit(&b);
    return s;
}

static char range_msg[128];

static bool check_range(const struct cfg *cf, long long v, const char **err)
{
    if (v < cf->min || v > cf->max) {
        snprintf(range_msg, sizeof(range_msg), "argument must be between %lld and %lld inclusive",
                 cf->min, cf->max);
        *err = range_msg;
        return false;
    }
    return true;
}

static char enum_msg[512];

/* Sets one directive from its arguments (argv[0] is the first value). */
static bool cfg_set(const struct cfg *cf, int argc, char **argv, bool loading, const char **err)
{
    if (cf->type == CT_SPECIAL)
        return cf->set(cf, argc, argv, loading, err);
    if (argc != 1) {
        *err = "wrong number of arguments";
        return false;
    }
    const char *v = argv[0];
    long long n = 0;
    switch (cf->type) {
    case CT_BOOL:
        if (strcasecmp(v, "yes") == 0) n = 1;
        else if (strcasecmp(v, "no") == 0) n = 0;
        else {
            *err = "argument must be 'yes' or 'no'";
            return false;
        }
        if (cf->ptr) *(bool *)cf->ptr = n != 0;
        else *num_slot(cf) = n;
        break;
    case CT_INT:
    case CT_LL:
        if (!parse_ll(v, &n)) {
            *err = "argument couldn't be parsed into an integer";
            return false;
        }
        if (!check_range(cf, n, err))
            return false;
        if (cf->ptr == NULL) *num_slot(cf) = n;
        else if (cf->type == CT_INT) *(int *)cf->ptr = (int)n;
        else *(long long *)cf->ptr = n;
        break;
    case CT_MEM:
        if (!parse_memory(v, &n)) {
            *err = "argument must be a memory value";
            return false;
        }
        if (!check_range(cf, n, err))
            return false;
        if (cf->ptr) *(long long *)cf->ptr = n;
        else *num_slot(cf) = n;
        break;
    case CT_ENUM: {
        int i;
        for (i = 0; cf->names[i] != NULL; i++)
            if (strcasecmp(v, cf->names[i]) == 0)
                break;
        if (cf->names[i] == NULL) {
            int off = snprintf(enum_msg, sizeof(enum_msg),
                               "argument(s) must be one of the following: ");
            for (int j = 0; cf->names[j] != NULL; j++)
                off += snprintf(enum_msg + off, sizeof(enum_msg) - (size_t)off, "%s%s",
                                j ? ", " : "", cf->names[j]);
            *err = enum_msg;
            return false;
        }
        if (cf->ptr) *(int *)cf->ptr = i;
        else *num_slot(cf) = i;
        break;
    }
    case CT_STR:
        if (cf->ptr == NULL) {
            set_string(&cfg_store[cfg_index(cf)].s, v);
        } else if ((cf->flags & CF_EMPTY_NULL) && *v == '\0') {
            mem_free(*(char **)cf->ptr);
            *(char **)cf->ptr = NULL;
        } else {
            set_string((char **)cf->ptr, v);
        }
        break;
    case CT_SPECIAL:
        break;
    }
    if (cf->apply != NULL) {
        if (!cf->apply(err))
            return false;
    } else if (cf->ptr == &server.hz)
        apply_hz();
    return true;
}

/* Redis clamps hz into 1..500 rather than refusing it. */
static void apply_hz(void)
{
    if (server.hz < 1)
        server.hz = 1;
    if (server.hz > 500)
        server.hz = 500;
}

/* ---- special directives ------------------------------------------------------------ */

static bool set_bind(const struct cfg *cf, int argc, char **argv, bool loading,
                     const char **err)
{
    if (argc > KVD_MAX_BIND) {
        *err = "Too many bind addresses specified.";
        return false;
    }
    for (int i = 0; i < server.nbind; i++)
        mem_free(server.bind[i]);
    server.nbind = 0;
    for (int i = 0; i < argc; i++)
        server.bind[server.nbind++] = mem_strndup(argv[i], strlen(argv[i]));
    return true;
}

static void get_bind(const struct cfg *cf, struct buf *out)
{
    for (int i = 0; i < server.nbind; i++) {
        if (i)
            buf_append(out, " ", 1);
        buf_append_str(out, server.bind[i]);
    }
}

static void rw_bind(const struct cfg *cf, struct buf *out)
{
    buf_append_str(out, "bind");
    for (int i = 0; i < server.nbind; i++)
        buf_printf(out, " %s", server.bind[i]);
    buf_append(out, "\n", 1);
}

static bool set_save(const struct cfg *cf, int argc, char **argv, bool loading,
                     const char **err)
{
    /* `save ""` clears every save point. */
    if (argc == 1 && argv[0][0] == '\0')
        argc = 0;
    if (argc % 2 != 0) {
        *err = "Invalid save parameters";
        return false;
    }
    struct buf b;
    buf_init(&b);
    if (loading && save_seen_in_load && server.save_params != NULL)
        buf_append_str(&b, server.save_params);
    for (int i = 0; i < argc; i++) {
        long long v;
        if (!parse_ll(argv[i], &v) || v < 0) {
            buf_deinit(&b);
            *err = "Invalid save parameters";
            return false;
        }
        if (buf_used(&b) > 0)
            buf_append(&b, " ", 1);
        buf_printf(&b, "%lld", v);
    }
    if (loading)
        save_seen_in_load = true;
    mem_free(server.save_params);
    server.save_params = mem_strndup(b.data != NULL ? buf_head(&b) : "", buf_used(&b));
    buf_deinit(&b);
    return true;
}

static void get_save(const struct cfg *cf, struct buf *out)
{
    buf_append_str(out, server.save_params != NULL ? server.save_params : "");
}

static void rw_save(const struct cfg *cf, struct buf *out)
{
    char **w;
    int n = split_spaces(server.save_params != NULL ? server.save_params : "", &w);
    if (n == 0)
        buf_append_str(out, "save \"\"\n");
    for (int i = 0; i + 1 < n; i += 2)
        buf_printf(out, "save %s %s\n", w[i], w[i + 1]);
    free_words(w, n);
}

static const char *const obuf_class_names[OBUF_CLASSES] = {"normal", "slave", "pubsub"};

static bool set_obuf(const struct cfg *cf, int argc, char **argv, bool loading,
                     const char **err)
{
    if (argc == 0 || argc % 4 != 0) {
        *err = "Wrong number of arguments in buffer limit configuration.";
        return false;
    }
    struct obuf_limit next[OBUF_CLASSES];
    memcpy(next, server.obuf_limits, sizeof(next));
    for (int i = 0; i < argc; i += 4) {
        int cls;
        if (strcasecmp(argv[i], "normal") == 0) cls = OBUF_NORMAL;
        else if (strcasecmp(argv[i], "slave") == 0 || strcasecmp(argv[i], "replica") == 0)
            cls = OBUF_REPLICA;
        else if (strcasecmp(argv[i], "pubsub") == 0) cls = OBUF_PUBSUB;
        else {
            *err = "Invalid client class specified in buffer limit configuration.";
            return false;
        }
        long long hard, soft, secs;
        if (!parse_memory(argv[i + 1], &hard) || !parse_memory(argv[i + 2], &soft) ||
            !parse_ll(argv[i + 3], &secs) || secs < 0) {
            *err = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
            return false;
        }
        next[cls].hard_bytes = hard;
        next[cls].soft_bytes = soft;
        next[cls].soft_seconds = secs;
    }
    memcpy(server.obuf_limits, next, sizeof(next));
    return true;
}

static void get_obuf(const struct cfg *cf, struct buf *out)
{
    for (int i = 0; i < OBUF_CLASSES; i++)
        buf_printf(out, "%s%s %lld %lld %lld", i ? " " : "", obuf_class_names[i],
                   server.obuf_limits[i].hard_bytes, server.obuf_limits[i].soft_bytes,
                   server.obuf_limits[i].soft_seconds);
}

static void rw_obuf(const struct cfg *cf, struct buf *out)
{
    for (int i = 0; i < OBUF_CLASSES; i++) {
        buf_printf(out, "client-output-buffer-limit %s ", obuf_class_names[i]);
        append_memory(out, server.obuf_limits[i].hard_bytes);
        buf_append(out, " ", 1);
        append_memory(out, server.obuf_limits[i].soft_bytes);
        buf_printf(out, " %lld\n", server.obuf_limits[i].soft_seconds);
    }
}

/* The flag letters and their canonical order live in notify.c, which owns the classes. */
static bool set_notify(const struct cfg *cf, int argc, char **argv, bool loading,
                       const char **err)
{
    if (argc != 1) {
        *err = "wrong number of arguments";
        return false;
    }
    if (!notify_set_config(argv[0])) {
        *err = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
        return false;
    }
    return true;
}

static void get_notify(const struct cfg *cf, struct buf *out)
{
    notify_get_config(out);
}

static bool set_dir(const struct cfg *cf, int argc, char **argv, bool loading,
                    const char **err)
{
    static char msg[256];
    if (argc != 1) {
        *err = "wrong number of arguments";
        return false;
    }
    if (chdir(argv[0]) != 0) {
        snprintf(msg, sizeof(msg), "%s", strerror(errno));
        *err = msg;
        return false;
    }
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd)) != NULL)
        set_string(&server.dir, cwd);
    return true;
}

static void get_dir(const struct cfg *cf, struct buf *out)
{
    char cwd[4096];
    /* A removed working dir reads as "", as in Redis 7.0 (getcwd fails): server.dir would
     * name a path that is no longer where files go. */
    buf_append_str(out, getcwd(cwd, sizeof(cwd)) != NULL ? cwd : "");
}

static bool set_oom_values(const struct cfg *cf, int argc, char **argv, bool loading,
                           const char **err)
{
    if (argc != 3) {
        *err = "wrong number of arguments";
        return false;
    }
    char text[64];
    long long v[3];
    for (int i = 0; i < 3; i++) {
        if (!parse_ll(argv[i], &v[i]) || v[i] < -2000 || v[i] > 2000) {
            *err = "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
            return false;
        }
    }
    snprintf(text, sizeof(text), "%lld %lld %lld", v[0], v[1], v[2]);
    set_string(&oom_values_text, text);
    cfg_store[cfg_index(cf)].s = oom_values_text;
    return true;
}

static bool set_percentiles(const struct cfg *cf, int argc, char **argv, bool loading,
                            const char **err)
{
    struct buf b;
    buf_init(&b);
    if (argc == 1 && argv[0][0] == '\0')
        argc = 0;
    for (int i = 0; i < argc; i++) {
        char *end;
        double d = strtod(argv[i], &end);
        if (argv[i][0] == '\0' || *end != '\0' || d < 0 || d > 100) {
            buf_deinit(&b);
            *err = "Invalid latency-tracking-info-percentiles parameters";
            return false;
        }
        buf_printf(&b, "%s%g", i ? " " : "", d);
    }
    set_string(&percentiles_text, b.data != NULL ? buf_cstr(&b) : "");
    cfg_store[cfg_index(cf)].s = percentiles_text;
    buf_deinit(&b);
    return true;
}

static bool set_replicaof(const struct cfg *cf, int argc, char **argv, bool loading,
                          const char **err)
{
    if (argc == 1 && argv[0][0] == '\0') {
        set_string(&replicaof_text, "");
    } else if (argc == 2) {
        char text[512];
        if (strcasecmp(argv[0], "no") == 0 && strcasecmp(argv[1], "one") == 0)
            text[0] = '\0';
        else
            snprintf(text, sizeof(text), "%s %s", argv[0], argv[1]);
        set_string(&replicaof_text, text);
    } else {
        *err = "wrong number of arguments";
        return false;
    }
    cfg_store[cfg_index(cf)].s = replicaof_text;
    return true;
}

static bool set_sockperm(const struct cfg *cf, int argc, char **argv, bool loading,
                         const char **err)
{
    if (argc != 1) {
        *err = "wrong number of arguments";
        return false;
    }
    char *end;
    errno = 0;
    long v = strtol(argv[0], &end, 8);
    if (argv[0][0] == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 0777) {
        *err = "Invalid socket file permissions";
        return false;
    }
    sockperm = (int)v;
    return true;
}

static void get_sockperm(const struct cfg *cf, struct buf *out)
{
    buf_printf(out, "%o", sockperm);
}

/* The words a value is set from: multi-word directives split at spaces ("" stays one empty
 * word, which they read as "none"); others take the value whole. */
static int value_words(const struct cfg *cf, const char *value, char ***out)
{
    int n = 0;
    if (cf->flags & CF_MULTI)
        n = split_spaces(value, out);
    if (n == 0) {
        *out = mem_alloc(sizeof(char *));
        (*out)[0] = mem_strndup(value, strlen(value));
        n = 1;
    }
    return n;
}

/* ---- lookup ---------------------------------------------------------------------- */

static const struct cfg *cfg_lookup(const char *name, size_t len)
{
    for (size_t i = 0; i < CFG_COUNT; i++) {
        const struct cfg *cf = &cfg_table[i];
        if ((strlen(cf->name) == len && strncasecmp(cf->name, name, len) == 0) ||
            (cf->alias != NULL && strlen(cf->alias) == len &&
             strncasecmp(cf->alias, name, len) == 0))
            return cf;
    }
    return NULL;
}

bool config_get_value(const char *name, char *out, size_t outlen)
{
    const struct cfg *cf = cfg_lookup(name, strlen(name));
    if (cf == NULL)
        return false;
    char *v = cfg_get_dup(cf);
    snprintf(out, outlen, "%s", v);
    mem_free(v);
    return true;
}

/* ---- defaults ---------------------------------------------------------------------- */

void config_init_defaults(void)
{
    char cwd[4096];
    for (size_t i = 0; i < CFG_COUNT; i++) {
        const struct cfg *cf = &cfg_table[i];
        const char *err = NULL;
        const char *def = cf->def;
        if (cf->set == set_dir)
            def = getcwd(cwd, sizeof(cwd)) != NULL ? cwd : ".";
        char **w;
        int n = value_words(cf, def, &w);
        bool ok = cfg_set(cf, n, w, false, &err);
        free_words(w, n);
        if (!ok) {
            fprintf(stderr, "kvd: bad built-in default for %s: %s\n", cf->name, err);
            abort();
        }
        mem_free(cfg_defaults[i]);
        cfg_defaults[i] = cfg_get_dup(cf);
    }
    server.active_expire_enabled = true;
}

/* ---- config file syntax -------------------------------------------------------------- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Splits a config line into words with redis.conf quoting: "..." with C escapes and \xHH,
 * '...' with only \' escaped. A closing quote must end the word. Returns -1 on unbalanced
 * quotes; otherwise the count, words in *out (free with free_words). */
static int split_line(const char *p, char ***out)
{
    char **words = NULL;
    int n = 0;
    struct buf cur;
    buf_init(&cur);
    for (;;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        bool inq = false, insq = false, done = false;
        buf_clear(&cur);
        while (!done) {
            if (inq) {
                if (*p == '\0')
                    goto fail;
                if (p[0] == '\\' && p[1] == 'x' && hex_digit(p[2]) >= 0 && hex_digit(p[3]) >= 0) {
                    char ch = (char)(hex_digit(p[2]) * 16 + hex_digit(p[3]));
                    buf_append(&cur, &ch, 1);
                    p += 3;
                } else if (p[0] == '\\' && p[1]) {
                    char ch;
                    p++;
                    switch (*p) {
                    case 'n': ch = '\n'; break;
                    case 'r': ch = '\r'; break;
                    case 't': ch = '\t'; break;
                    case 'b': ch = '\b'; break;
                    case 'a': ch = '\a'; break;
                    default: ch = *p; break;
                    }
                    buf_append(&cur, &ch, 1);
                } else if (*p == '"') {
                    if (p[1] && !isspace((unsigned char)p[1]))
                        goto fail;
                    done = true;
                } else {
                    buf_append(&cur, p, 1);
                }
            } else if (insq) {
                if (*p == '\0')
                    goto fail;
                if (p[0] == '\\' && p[1] == '\'') {
                    p++;
                    buf_append(&cur, "'", 1);
                } else if (*p == '\'') {
                    if (p[1] && !isspace((unsigned char)p[1]))
                        goto fail;
                    done = true;
                } else {
                    buf_append(&cur, p, 1);
                }
            } else {
                switch (*p) {
                case ' ': case '\n': case '\r': case '\t': case '\0':
                    done = true;
                    break;
                case '"': inq = true; break;
                case '\'': insq = true; break;
                default: buf_append(&cur, p, 1); break;
                }
            }
            if (*p)
                p++;
        }
        words = mem_realloc(words, sizeof(char *) * (size_t)(n + 1));
        words[n++] = mem_strndup(cur.data != NULL ? buf_head(&cur) : "", buf_used(&cur));
    }
    buf_deinit(&cur);
    *out = words;
    return n;
fail:
    buf_deinit(&cur);
    free_words(words, n);
    *out = NULL;
    return -1;
}

static bool read_file(FILE *fp, struct buf *out)
{
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        buf_append(out, chunk, n);
    return !ferror(fp);
}

static bool load_string(const char *text, int depth, char *err, size_t errlen);

static void fatal_line(char *err, size_t errlen, int linenum, const char *line, const char *msg)
{
    snprintf(err, errlen,
             "\n*** FATAL CONFIG FILE ERROR (Redis " KVD_REDIS_VERSION ") ***\n"
             "Reading the configuration file, at line %d\n>>> '%s'\n%s",
             linenum, line, msg);
}

static bool load_include(const char *path, int depth, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        snprintf(err, errlen, "Fatal error, can't open config file '%s': %s", path,
                 strerror(errno));
        return false;
    }
    struct buf b;
    buf_init(&b);
    bool ok = read_file(fp, &b);
    fclose(fp);
    ok = ok && load_string(b.data != NULL ? buf_cstr(&b) : "", depth + 1, err, errlen);
    buf_deinit(&b);
    return ok;
}

/* Applies redis.conf text line by line; stops at the first bad line. */
static bool load_string(const char *text, int depth, char *err, size_t errlen)
{
    int linenum = 0;
    const char *p = text;
    while (*p != '\0' || linenum == 0) {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
        linenum++;
        char *line = mem_strndup(p, len);
        /* trim as Redis does (spaces, tabs, CR, LF) */
        char *s = line;
        while (*s && strchr(" \t\r\n", *s))
            s++;
        size_t sl = strlen(s);
        while (sl > 0 && strchr(" \t\r\n", s[sl - 1]))
            s[--sl] = '\0';
        p = nl != NULL ? nl + 1 : p + len;
        if (*s == '\0' || *s == '#') {
            mem_free(line);
            if (nl == NULL)
                break;
            continue;
        }
        char **argv;
        int argc = split_line(s, &argv);
        const char *msg = NULL;
        if (argc < 0) {
            msg = "Unbalanced quotes in configuration line";
        } else if (argc > 0) {
            for (char *c = argv[0]; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            if (strcmp(argv[0], "include") == 0 && argc == 2) {
                if (depth > 8) {
                    msg = "Too many nested include directives";
                } else if (!load_include(argv[1], depth, err, errlen)) {
                    free_words(argv, argc);
                    mem_free(line);
                    return false;
                }
            } else {
                const struct cfg *cf = cfg_lookup(argv[0], strlen(argv[0]));
                if (cf == NULL)
                    msg = "Bad directive or wrong number of arguments";
                else if (argc < 2)
                    msg = "wrong number of arguments";
                else if ((cf->flags & CF_MULTI) && argc == 2 && argv[1][0] != '\0') {
                    /* `save "900 1 300 10"` (one quoted word) means the same as unquoted */
                    char **w;
                    int n = split_spaces(argv[1], &w);
                    cfg_set(cf, n, w, true, &msg);
                    free_words(w, n);
                } else {
                    cfg_set(cf, argc - 1, argv + 1, true, &msg);
                }
            }
            free_words(argv, argc);
        }
        if (msg != NULL) {
            fatal_line(err, errlen, linenum, s, msg);
            mem_free(line);
            return false;
        }
        mem_free(line);
        if (nl == NULL)
            break;
    }
    return true;
}

bool config_load_args(int argc, char **argv, char *err, size_t errlen)
{
    struct buf text, opts;
    buf_init(&text);
    buf_init(&opts);
    int j = 1;
    bool ok = true;
    save_seen_in_load = false;
    if (argc >= 2 && !(argv[1][0] == '-' && argv[1][1] == '-')) {
        const char *path = argv[1];
        j = 2;
        if (strcmp(path, "-") == 0) {
            ok = read_file(stdin, &text);
        } else {
            FILE *fp = fopen(path, "r");
            if (fp == NULL) {
                snprintf(err, errlen, "Fatal error, can't open config file '%s': %s", path,
                         strerror(errno));
                ok = false;
            } else {
                ok = read_file(fp, &text);
                fclose(fp);
                char *abs = realpath(path, NULL);
                mem_free(server.config_file);
                server.config_file = mem_strndup(abs ? abs : path, strlen(abs ? abs : path));
                free(abs);
            }
        }
    }
    /* Each --name starts a new line of config text; the words after it become quoted
     * arguments, so `--save 900 1` reads as `save "900" "1"`, as redis-server does. */
    for (; ok && j < argc; j++) {
        const char *a = argv[j];
        if (a[0] == '-' && a[1] == '-') {
            if (buf_used(&opts) > 0)
                buf_append(&opts, "\n", 1);
            buf_append_str(&opts, a + 2);
            buf_append(&opts, " ", 1);
            /* `--save` with no value (last, or followed by another option) means `save ""`. */
            if (strcasecmp(a, "--save") == 0 &&
                (j == argc - 1 || (argv[j + 1][0] == '-' && argv[j + 1][1] == '-')))
                buf_append_str(&opts, "\"\"");
        } else {
            append_repr(&opts, a, strlen(a));
            buf_append(&opts, " ", 1);
        }
    }
    if (ok && buf_used(&opts) > 0) {
        buf_append(&text, "\n", 1);
        buf_append(&text, buf_head(&opts), buf_used(&opts));
    }
    if (ok)
        ok = load_string(text.data != NULL ? buf_cstr(&text) : "", 0, err, errlen);
    buf_deinit(&text);
    buf_deinit(&opts);
    save_seen_in_load = false;
    return ok;
}

/* ---- CONFIG GET / SET --------------------------------------------------------------- */

struct match {
    const char *name;
    const struct cfg *cf;
};

static bool match_has(struct match *m, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(m[i].name, name) == 0)
            return true;
    return false;
}

void cmd_config_get(struct cmd_ctx *ctx)
{
    struct match *m = NULL;
    size_t n = 0, cap = 0;
    char **owned = mem_calloc((size_t)ctx->argc, sizeof(char *));
    for (int i = 2; i < ctx->argc; i++) {
        const struct slice *a = &ctx->argv[i];
        char *pat = mem_strndup(a->p, a->len);
        owned[i] = pat;
        if (strpbrk(pat, "[*?") == NULL) {
            /* An exact name is answered with the name as the client wrote it. */
            const struct cfg *cf = cfg_lookup(pat, a->len);
            if (cf != NULL && !match_has(m, n, pat)) {
                if (n == cap)
                    m = mem_realloc(m, sizeof(*m) * (cap = cap ? cap * 2 : 32));
                m[n++] = (struct match){pat, cf};
            }
            continue;
        }
        for (size_t k = 0; k < CFG_COUNT; k++) {
            const struct cfg *cf = &cfg_table[k];
            const char *names[2] = {cf->name, cf->alias};
            for (int t = 0; t < 2; t++) {
                if (names[t] == NULL || match_has(m, n, names[t]))
                    continue;
                if (!glob_match(pat, a->len, names[t], strlen(names[t]), true))
                    continue;
                if (n == cap)
                    m = mem_realloc(m, sizeof(*m) * (cap = cap ? cap * 2 : 32));
                m[n++] = (struct match){names[t], cf};
            }
        }
    }
    reply_map(ctx->c, (long long)n);
    struct buf v;
    buf_init(&v);
    for (size_t i = 0; i < n; i++) {
        reply_bulk_cstr(ctx->c, m[i].name);
        buf_clear(&v);
        cfg_get(m[i].cf, &v);
        reply_bulk(ctx->c, v.data != NULL ? buf_head(&v) : "", buf_used(&v));
    }
    buf_deinit(&v);
    for (int i = 0; i < ctx->argc; i++)
        mem_free(owned[i]);
    mem_free(owned);
    mem_free(m);
}

/* Value errors name the directive in lower case, as the alias when the client used it. */
static const char *typed_name(const struct cfg *cf, const struct slice *a)
{
    if (cf->alias != NULL && slice_is(*a, cf->alias))
        return cf->alias;
    return cf->name;
}

/* enable-protected-configs local: only clients on the loopback (or a unix socket). */
static bool protected_allowed(const struct conn *c)
{
    if (server.enable_protected_configs == PROTECTED_YES)
        return true;
    if (server.enable_protected_configs == PROTECTED_NO)
        return false;
    return (c->flags & CONN_UNIX) || strncmp(c->addr, "127.", 4) == 0 ||
           strncmp(c->addr, "::1", 3) == 0 || strncmp(c->addr, "[::1]", 5) == 0;
}

/* CONFIG SET applies every pair or none: all names are checked first, then values are set
 * one by one and, if one fails, the ones already set are restored from their old text. */
void cmd_config_set(struct cmd_ctx *ctx)
{
    if ((ctx->argc - 2) % 2 != 0) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    int npairs = (ctx->argc - 2) / 2;
    const struct cfg **cfs = mem_calloc((size_t)npairs, sizeof(*cfs));
    char **old = mem_calloc((size_t)npairs, sizeof(char *));
    char name[256];
    for (int i = 0; i < npairs; i++) {
        const struct slice *a = &ctx->argv[2 + 2 * i];
        snprintf(name, sizeof(name), "%.*s", (int)a->len, a->p);
        cfs[i] = cfg_lookup(a->p, a->len);
        if (cfs[i] == NULL) {
            reply_error(ctx->c, ERR_CONFIG_SET_UNKNOWN, name);
            goto done;
        }
        const char *why = NULL;
        if (cfs[i]->flags & CF_IMMUTABLE)
            why = "can't set immutable config";
        else if ((cfs[i]->flags & CF_PROTECTED) && !protected_allowed(ctx->c))
            why = "can't set protected config";
        for (int k = 0; why == NULL && k < i; k++)
            if (a->len == ctx->argv[2 + 2 * k].len &&
                strncasecmp(a->p, ctx->argv[2 + 2 * k].p, a->len) == 0)
                why = "duplicate parameter";
        if (why != NULL) {
            reply_error(ctx->c, ERR_CONFIG_SET_FAILED, name, why);
            goto done;
        }
    }
    for (int i = 0; i < npairs; i++) {
        const struct slice *v = &ctx->argv[3 + 2 * i];
        char *value = mem_strndup(v->p, v->len);
        old[i] = cfg_get_dup(cfs[i]);
        char **w;
        int n = value_words(cfs[i], value, &w);
        const char *err = NULL;
        bool ok = cfg_set(cfs[i], n, w, false, &err);
        free_words(w, n);
        mem_free(value);
        if (!ok) {
            reply_error(ctx->c, ERR_CONFIG_SET_FAILED, typed_name(cfs[i], &ctx->argv[2 + 2 * i]),
                        err);
            for (int k = i - 1; k >= 0; k--) {
                const char *ignored;
                char **ow;
                int on = value_words(cfs[k], old[k], &ow);
                cfg_set(cfs[k], on, ow, false, &ignored);
                free_words(ow, on);
            }
            goto done;
        }
    }
    reply_ok(ctx->c);
done:
    for (int i = 0; i < npairs; i++)
        mem_free(old[i]);
    mem_free(old);
    mem_free(cfs);
}

/* ---- RESETSTAT, HELP ------------------------------------------------------------------ */

static void reset_cmd_stats(struct cmd *cmds, size_t n, bool terminated)
{
    for (size_t i = 0; terminated ? cmds[i].name != NULL : i < n; i++) {
        cmds[i].calls = cmds[i].usec = cmds[i].rejected_calls = cmds[i].failed_calls = 0;
        if (cmds[i].subcmds != NULL)
            reset_cmd_stats(cmds[i].subcmds, 0, true);
    }
}

void cmd_config_resetstat(struct cmd_ctx *ctx)
{
    server.stat_connections = 0;
    server.stat_rejected_conn = 0;
    server.stat_commands = 0;
    server.stat_net_input_bytes = 0;
    server.stat_net_output_bytes = 0;
    server.stat_total_error_replies = 0;
    server.stat_unexpected_error_replies = 0;
    server.stat_reads_processed = 0;
    server.stat_writes_processed = 0;
    server.stat_keyspace_events = 0;
    server.stat_io_reads = 0;
    server.stat_peak_memory = (long long)mem_used();
    memset(&server.inst, 0, sizeof(server.inst));
    server.ks.stat_expired_keys = 0;
    server.ks.stat_hits = 0;
    server.ks.stat_misses = 0;
    server.ks.stat_expired_stale_perc = 0;
    server.ks.stat_expire_cycle_time_used_us = 0;
    if (server.errorstats != NULL)
        dict_empty(server.errorstats);
    size_t n;
    struct cmd *all = commands_all(&n);
    reset_cmd_stats(all, n, false);
    reply_ok(ctx->c);
}

void cmd_config_help(struct cmd_ctx *ctx)
{
    static const char *const lines[] = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(ctx->c, lines, sizeof(lines) / sizeof(lines[0]));
}

/* ---- REWRITE ------------------------------------------------------------------------ */

#define REWRITE_SIGNATURE "# Generated by CONFIG REWRITE"

struct rw_state {
    char **lines;
    size_t n, cap;
    const struct cfg **owner; /* directive of each line, NULL for comments and unknown */
    bool has_tail;
};

static void rw_push(struct rw_state *st, char *line, const struct cfg *cf)
{
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 64;
        st->lines = mem_realloc(st->lines, sizeof(char *) * st->cap);
        st->owner = mem_realloc(st->owner, sizeof(*st->owner) * st->cap);
    }
    st->lines[st->n] = line;
    st->owner[st->n] = cf;
    st->n++;
}

/* The lines a directive's current value is written as. */
static void rw_lines(const struct cfg *cf, struct buf *out)
{
    if (cf->rewrite != NULL) {
        cf->rewrite(cf, out);
        return;
    }
    char *v = cfg_get_dup(cf);
    buf_append_str(out, cf->name);
    buf_append(out, " ", 1);
    if (cf->type == CT_MEM)
        append_memory(out, cf->ptr ? *(long long *)cf->ptr : *num_slot(cf));
    else if (cf->type == CT_STR || cf->set == set_dir || cf->set == set_notify)
        append_repr(out, v, strlen(v));
    else if (cf->type == CT_SPECIAL && v[0] == '\0')
        buf_append_str(out, "\"\"");
    else
        buf_append_str(out, v);
    buf_append(out, "\n", 1);
    mem_free(v);
}

/* Rewrites the config file as Redis does: each directive's lines replace its old lines in
 * place (surplus old lines become blank), new ones go after the signature comment at the
 * end, directives at their default and absent from the file are not added, and comments
 * and unknown lines are kept. */
static bool config_rewrite_file(const char *path, char *errbuf, size_t errlen)
{
    struct rw_state st = {0};
    FILE *fp = fopen(path, "r");
    if (fp != NULL) {
        struct buf b;
        buf_init(&b);
        read_file(fp, &b);
        fclose(fp);
        char *text = b.data != NULL ? buf_cstr(&b) : "";
        char *p = text;
        while (*p) {
            char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            char *line = mem_strndup(p, len);
            char *s = line;
            while (*s && strchr(" \t\r\n", *s))
                s++;
            size_t sl = strlen(s);
            while (sl > 0 && strchr(" \t\r\n", s[sl - 1]))
                s[--sl] = '\0';
            memmove(line, s, sl + 1);
            const struct cfg *owner = NULL;
            if (line[0] != '#' && line[0] != '\0') {
                char **w;
                int n = split_line(line, &w);
                if (n > 0)
                    owner = cfg_lookup(w[0], strlen(w[0]));
                if (n > 0)
                    free_words(w, n);
            } else if (strcmp(line, REWRITE_SIGNATURE) == 0) {
                st.has_tail = true;
            }
            rw_push(&st, line, owner);
            p = nl ? nl + 1 : p + len;
        }
        buf_deinit(&b);
    }
    struct buf lines;
    buf_init(&lines);
    for (size_t i = 0; i < CFG_COUNT; i++) {
        const struct cfg *cf = &cfg_table[i];
        char *cur = cfg_get_dup(cf);
        bool force = (cf->flags & CF_ALWAYS_REWRITE) || strcmp(cur, cfg_defaults[i]) != 0;
        mem_free(cur);
        bool in_file = false;
        for (size_t k = 0; k < st.n; k++)
            if (st.owner[k] == cf)
                in_file = true;
        if (!force && !in_file)
            continue;
        buf_clear(&lines);
        rw_lines(cf, &lines);
        char *all = buf_cstr(&lines);
        size_t slot = 0;
        for (char *ln = all; *ln;) {
            char *nl = strchr(ln, '\n');
            *nl = '\0';
            while (slot < st.n && st.owner[slot] != cf)
                slot++;
            if (slot < st.n) {
                mem_free(st.lines[slot]);
                st.lines[slot] = mem_strndup(ln, strlen(ln));
                st.owner[slot] = NULL; /* consumed */
                slot++;
            } else {
                if (!st.has_tail) {
                    rw_push(&st, mem_strndup(REWRITE_SIGNATURE, strlen(REWRITE_SIGNATURE)), NULL);
                    st.has_tail = true;
                }
                rw_push(&st, mem_strndup(ln, strlen(ln)), NULL);
            }
            ln = nl + 1;
        }
        /* old lines of this directive that the new value did not use */
        for (size_t k = 0; k < st.n; k++) {
            if (st.owner[k] == cf) {
                st.lines[k][0] = '\0';
                st.owner[k] = NULL;
            }
        }
    }
    buf_deinit(&lines);

    struct buf content;
    buf_init(&content);
    bool was_empty = false;
    for (size_t k = 0; k < st.n; k++) {
        /* runs of blank lines collapse into one, as Redis writes them */
        if (st.lines[k][0] == '\0') {
            if (was_empty)
                continue;
            was_empty = true;
        } else {
            was_empty = false;
        }
        buf_append_str(&content, st.lines[k]);
        buf_append(&content, "\n", 1);
    }
    for (size_t k = 0; k < st.n; k++)
        mem_free(st.lines[k]);
    mem_free(st.lines);
    mem_free(st.owner);

    /* Written to a temp file and renamed, so a crash never leaves half a config. */
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid());
    bool ok = false;
    FILE *out = fopen(tmp, "w");
    if (out != NULL) {
        size_t len = buf_used(&content);
        ok = (len == 0 || fwrite(buf_head(&content), 1, len, out) == len);
        ok = (fflush(out) == 0) && ok;
        ok = (fsync(fileno(out)) == 0) && ok;
        ok = (fclose(out) == 0) && ok;
        if (ok && rename(tmp, path) != 0)
            ok = false;
        if (!ok) {
            snprintf(errbuf, errlen, "%s", strerror(errno));
            unlink(tmp);
        }
    } else {
        snprintf(errbuf, errlen, "%s", strerror(errno));
    }
    buf_deinit(&content);
    return ok;
}

void cmd_config_rewrite(struct cmd_ctx *ctx)
{
    if (server.config_file == NULL) {
        reply_error(ctx->c, ERR_CONFIG_NO_FILE);
        return;
    }
    char err[256];
    if (!config_rewrite_file(server.config_file, err, sizeof(err))) {
        reply_error(ctx->c, ERR_CONFIG_REWRITE, err);
        return;
    }
    reply_ok(ctx->c);
}
