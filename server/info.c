/* server/info.c: the INFO command's text.
 *
 * Owns the section list (names, order, which ones "default", "all" and "everything" mean)
 * and the field names and number formats of Redis 7.0.15, so tools that scrape INFO read
 * kvd unchanged. Only reads server state; it changes nothing but the memory peak.
 * Start at cmd_info(), then info_generate() and the section table.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/info.h"

#include <event2/event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "server/blocking.h"
#include "server/config.h"
#include "server/aof.h"
#include "server/persist.h"
#include "server/pubsub.h"
#include "server/conn.h"
#include "server/reply.h"
#include "server/script.h"
#include "server/server.h"
#include "storage/db.h"
#include "storage/obj.h"
#include "utils/mem.h"
#include "utils/mtime.h"
#include "utils/rand.h"

typedef void section_fn(struct buf *out);

static section_fn sec_server, sec_clients, sec_memory, sec_persistence, sec_stats,
    sec_replication, sec_cpu, sec_modules, sec_commandstats, sec_errorstats, sec_latencystats,
    sec_cluster, sec_keyspace;

enum { SEC_DEFAULT = 1u << 0, SEC_ALL = 1u << 1 };

/* Redis's order; commandstats and latencystats are not in the default set. */
static const struct {
    const char *name;
    const char *title;
    section_fn *fn;
    unsigned in;
} sections[] = {
    {"server", "Server", sec_server, SEC_DEFAULT | SEC_ALL},
    {"clients", "Clients", sec_clients, SEC_DEFAULT | SEC_ALL},
    {"memory", "Memory", sec_memory, SEC_DEFAULT | SEC_ALL},
    {"persistence", "Persistence", sec_persistence, SEC_DEFAULT | SEC_ALL},
    {"stats", "Stats", sec_stats, SEC_DEFAULT | SEC_ALL},
    {"replication", "Replication", sec_replication, SEC_DEFAULT | SEC_ALL},
    {"cpu", "CPU", sec_cpu, SEC_DEFAULT | SEC_ALL},
    {"modules", "Modules", sec_modules, SEC_DEFAULT | SEC_ALL},
    {"commandstats", "Commandstats", sec_commandstats, SEC_ALL},
    {"errorstats", "Errorstats", sec_errorstats, SEC_DEFAULT | SEC_ALL},
    {"latencystats", "Latencystats", sec_latencystats, SEC_ALL},
    {"cluster", "Cluster", sec_cluster, SEC_DEFAULT | SEC_ALL},
    {"keyspace", "Keyspace", sec_keyspace, SEC_DEFAULT | SEC_ALL},
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

/* ---- helpers ------------------------------------------------------------------------ */

/* Redis's bytesToHuman: B below 1K, then two decimals with K, M, G, T, P. */
static void human_bytes(char *dst, size_t len, double n)
{
    static const char units[] = "KMGTP";
    if (n < 1024) {
        snprintf(dst, len, "%lluB", (unsigned long long)n);
        return;
    }
    int u = -1;
    while (n >= 1024 && u < 4) {
        n /= 1024;
        u++;
    }
    snprintf(dst, len, "%.2f%c", n, units[u]);
}

static long long inst_avg(int metric)
{
    long long sum = 0;
    for (int i = 0; i < 16; i++)
        sum += server.inst.samples[metric][i];
    return sum / 16;
}

static const char *master_replid(void)
{
    static char id[41];
    if (id[0] == '\0') {
        rand_hex(id, 40);
        id[40] = '\0';
    }
    return id;
}

/* ---- sections ---------------------------------------------------------------------- */

static void sec_server(struct buf *out)
{
    struct utsname u;
    if (uname(&u) != 0)
        memset(&u, 0, sizeof(u));
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = '\0';
    long long uptime = (server.mstime - server.start_time_ms) / 1000;
    const char *api = server.base != NULL ? event_base_get_method(server.base) : "";
    buf_printf(out,
               "redis_version:%s\r\n"
               "redis_git_sha1:00000000\r\n"
               "redis_git_dirty:0\r\n"
               "redis_build_id:0\r\n"
               "redis_mode:standalone\r\n"
               "os:%s %s %s\r\n"
               "arch_bits:%d\r\n"
               "monotonic_clock:POSIX clock_gettime\r\n"
               "multiplexing_api:%s\r\n"
               "atomicvar_api:c11-builtin\r\n"
               "gcc_version:%d.%d.%d\r\n"
               "process_id:%lld\r\n"
               "process_supervised:no\r\n"
               "run_id:%s\r\n"
               "tcp_port:%d\r\n"
               "server_time_usec:%lld\r\n"
               "uptime_in_seconds:%lld\r\n"
               "uptime_in_days:%lld\r\n"
               "hz:%d\r\n"
               "configured_hz:%d\r\n"
               "lru_clock:%u\r\n"
               "executable:%s\r\n"
               "config_file:%s\r\n"
               "io_threads_active:0\r\n",
               KVD_REDIS_VERSION, u.sysname, u.release, u.machine, (int)(sizeof(long) * 8), api,
#ifdef __GNUC__
               __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__,
#else
               0, 0, 0,
#endif
               (long long)server.pid, server.run_id, server.port, time_us(), uptime,
               uptime / 86400, server.hz, server.hz, (unsigned)obj_lru_clock, exe,
               server.config_file != NULL ? server.config_file : "");
}

static void sec_clients(struct buf *out)
{
    size_t max_in = 0, max_out = 0, total_in = 0, total_out = 0;
    conn_totals(&max_in, &max_out, &total_in, &total_out);
    long long blocked = blocking_count();
    buf_printf(out,
               "connected_clients:%lld\r\n"
               "cluster_connections:0\r\n"
               "maxclients:%lld\r\n"
               "client_recent_max_input_buffer:%zu\r\n"
               "client_recent_max_output_buffer:%zu\r\n"
               "blocked_clients:%lld\r\n"
               "tracking_clients:0\r\n"
               "clients_in_timeout_table:%lld\r\n",
               server.nclients, server.maxclients, max_in, max_out, blocked,
               blocking_count_with_timeout());
}

static void sec_memory(struct buf *out)
{
    long long used = (long long)mem_used();
    long long rss = (long long)mem_rss();
    if (used > server.stat_peak_memory)
        server.stat_peak_memory = used;
    long long peak = server.stat_peak_memory;
    long long sysmem = (long long)sysconf(_SC_PHYS_PAGES) * (long long)sysconf(_SC_PAGESIZE);
    size_t max_in, max_out, total_in = 0, total_out = 0;
    conn_totals(&max_in, &max_out, &total_in, &total_out);
    long long overhead = (long long)(total_in + total_out);
    long long dataset = used > overhead ? used - overhead : 0;
    char h_used[32], h_rss[32], h_peak[32], h_sys[32], h_max[32];
    human_bytes(h_used, sizeof(h_used), (double)used);
    human_bytes(h_rss, sizeof(h_rss), (double)rss);
    human_bytes(h_peak, sizeof(h_peak), (double)peak);
    human_bytes(h_sys, sizeof(h_sys), (double)sysmem);
    human_bytes(h_max, sizeof(h_max), (double)server.maxmemory);
    char policy[64] = "noeviction";
    config_get_value("maxmemory-policy", policy, sizeof(policy));
    long long lua_vm = script_vm_bytes(), lua_cache = script_cache_bytes();
    char h_lua[32], h_scripts[32];
    human_bytes(h_lua, sizeof(h_lua), (double)lua_vm);
    human_bytes(h_scripts, sizeof(h_scripts), (double)lua_cache);
    double frag = used > 0 ? (double)rss / (double)used : 0;
    buf_printf(out,
               "used_memory:%lld\r\n"
               "used_memory_human:%s\r\n"
               "used_memory_rss:%lld\r\n"
               "used_memory_rss_human:%s\r\n"
               "used_memory_peak:%lld\r\n"
               "used_memory_peak_human:%s\r\n"
               "used_memory_peak_perc:%.2f%%\r\n"
               "used_memory_overhead:%lld\r\n"
               "used_memory_startup:0\r\n"
               "used_memory_dataset:%lld\r\n"
               "used_memory_dataset_perc:%.2f%%\r\n"
               "allocator_allocated:%lld\r\n"
               "allocator_active:%lld\r\n"
               "allocator_resident:%lld\r\n"
               "total_system_memory:%lld\r\n"
               "total_system_memory_human:%s\r\n"
               "used_memory_lua:%lld\r\n"
               "used_memory_vm_eval:%lld\r\n"
               "used_memory_lua_human:%s\r\n"
               "used_memory_scripts_eval:%lld\r\n"
               "number_of_cached_scripts:%lld\r\n"
               "number_of_functions:0\r\n"
               "number_of_libraries:0\r\n"
               "used_memory_vm_functions:0\r\n"
               "used_memory_vm_total:%lld\r\n"
               "used_memory_vm_total_human:%s\r\n"
               "used_memory_functions:0\r\n"
               "used_memory_scripts:%lld\r\n"
               "used_memory_scripts_human:%s\r\n"
               "maxmemory:%lld\r\n"
               "maxmemory_human:%s\r\n"
               "maxmemory_policy:%s\r\n"
               "allocator_frag_ratio:1.00\r\n"
               "allocator_frag_bytes:0\r\n"
               "allocator_rss_ratio:%.2f\r\n"
               "allocator_rss_bytes:%lld\r\n"
               "rss_overhead_ratio:1.00\r\n"
               "rss_overhead_bytes:0\r\n"
               "mem_fragmentation_ratio:%.2f\r\n"
               "mem_fragmentation_bytes:%lld\r\n"
               "mem_not_counted_for_evict:0\r\n"
               "mem_replication_backlog:0\r\n"
               "mem_total_replication_buffers:0\r\n"
               "mem_clients_slaves:0\r\n"
               "mem_clients_normal:%lld\r\n"
               "mem_cluster_links:0\r\n"
               "mem_aof_buffer:%zu\r\n"
               "mem_allocator:%s\r\n"
               "active_defrag_running:0\r\n"
               "lazyfree_pending_objects:0\r\n"
               "lazyfreed_objects:0\r\n",
               used, h_used, rss, h_rss, peak, h_peak,
               peak > 0 ? (double)used * 100 / (double)peak : 0, overhead, dataset,
               used > 0 ? (double)dataset * 100 / (double)used : 0, used, used, rss, sysmem,
               h_sys, lua_vm, lua_vm, h_lua, lua_cache, script_cached_count(), lua_vm, h_lua,
               lua_cache, h_scripts, server.maxmemory, h_max, policy, frag, rss - used, frag,
               rss - used,
               overhead, aof_buffer_mem(), mem_allocator_name());
}

static void sec_persistence(struct buf *out)
{
    persist_info(out);
    aof_info(out); /* aof_* and module_fork_* lines (server/aof.c) */
    persist_info_loading(out);
}

static void sec_stats(struct buf *out)
{
    buf_printf(out,
               "total_connections_received:%lld\r\n"
               "total_commands_processed:%lld\r\n"
               "instantaneous_ops_per_sec:%lld\r\n"
               "total_net_input_bytes:%lld\r\n"
               "total_net_output_bytes:%lld\r\n"
               "total_net_repl_input_bytes:0\r\n"
               "total_net_repl_output_bytes:0\r\n"
               "instantaneous_input_kbps:%.2f\r\n"
               "instantaneous_output_kbps:%.2f\r\n"
               "instantaneous_input_repl_kbps:0.00\r\n"
               "instantaneous_output_repl_kbps:0.00\r\n"
               "rejected_connections:%lld\r\n"
               "sync_full:0\r\n"
               "sync_partial_ok:0\r\n"
               "sync_partial_err:0\r\n"
               "expired_keys:%lld\r\n"
               "expired_stale_perc:%.2f\r\n"
               "expired_time_cap_reached_count:0\r\n"
               "expire_cycle_cpu_milliseconds:%lld\r\n"
               "evicted_keys:0\r\n"
               "evicted_clients:0\r\n"
               "total_eviction_exceeded_time:0\r\n"
               "current_eviction_exceeded_time:0\r\n"
               "keyspace_hits:%lld\r\n"
               "keyspace_misses:%lld\r\n"
               "pubsub_channels:%zu\r\n"
               "pubsub_patterns:%zu\r\n"
               "pubsubshard_channels:%zu\r\n"
               "latest_fork_usec:%lld\r\n"
               "total_forks:%lld\r\n"
               "migrate_cached_sockets:0\r\n"
               "slave_expires_tracked_keys:0\r\n"
               "active_defrag_hits:0\r\n"
               "active_defrag_misses:0\r\n"
               "active_defrag_key_hits:0\r\n"
               "active_defrag_key_misses:0\r\n"
               "total_active_defrag_time:0\r\n"
               "current_active_defrag_time:0\r\n"
               "tracking_total_keys:0\r\n"
               "tracking_total_items:0\r\n"
               "tracking_total_prefixes:0\r\n"
               "unexpected_error_replies:%lld\r\n"
               "total_error_replies:%lld\r\n"
               "dump_payload_sanitizations:0\r\n"
               "total_reads_processed:%lld\r\n"
               "total_writes_processed:%lld\r\n"
               "io_threaded_reads_processed:0\r\n"
               "io_threaded_writes_processed:0\r\n"
               "reply_buffer_shrinks:0\r\n"
               "reply_buffer_expands:0\r\n",
               server.stat_connections, server.stat_commands, inst_avg(0),
               server.stat_net_input_bytes, server.stat_net_output_bytes,
               (double)inst_avg(1) / 1024, (double)inst_avg(2) / 1024, server.stat_rejected_conn,
               server.ks.stat_expired_keys, server.ks.stat_expired_stale_perc * 100,
               server.ks.stat_expire_cycle_time_used_us / 1000, server.ks.stat_hits,
               server.ks.stat_misses, pubsub_channel_count(), pubsub_pattern_count(),
               pubsub_shard_channel_count(), persist_latest_fork_usec(), persist_total_forks(),
               server.stat_unexpected_error_replies,
               server.stat_total_error_replies, server.stat_reads_processed,
               server.stat_writes_processed);
}

static void sec_replication(struct buf *out)
{
    buf_printf(out,
               "role:master\r\n"
               "connected_slaves:0\r\n"
               "master_failover_state:no-failover\r\n"
               "master_replid:%s\r\n"
               "master_replid2:0000000000000000000000000000000000000000\r\n"
               "master_repl_offset:0\r\n"
               "second_repl_offset:-1\r\n"
               "repl_backlog_active:0\r\n"
               "repl_backlog_size:1048576\r\n"
               "repl_backlog_first_byte_offset:0\r\n"
               "repl_backlog_histlen:0\r\n",
               master_replid());
}

static void sec_cpu(struct buf *out)
{
    struct rusage self, children, thread;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
#ifdef RUSAGE_THREAD
    getrusage(RUSAGE_THREAD, &thread);
#else
    thread = self;
#endif
#define TV(t) ((double)(t).tv_sec + (double)(t).tv_usec / 1000000.0)
    buf_printf(out,
               "used_cpu_sys:%.6f\r\n"
               "used_cpu_user:%.6f\r\n"
               "used_cpu_sys_children:%.6f\r\n"
               "used_cpu_user_children:%.6f\r\n"
               "used_cpu_sys_main_thread:%.6f\r\n"
               "used_cpu_user_main_thread:%.6f\r\n",
               TV(self.ru_stime), TV(self.ru_utime), TV(children.ru_stime),
               TV(children.ru_utime), TV(thread.ru_stime), TV(thread.ru_utime));
#undef TV
}

static void sec_modules(struct buf *out)
{
    (void)out;
}

static void cmdstat_line(struct buf *out, const struct cmd *c)
{
    if (c->calls == 0 && c->failed_calls == 0 && c->rejected_calls == 0)
        return;
    buf_printf(out,
               "cmdstat_%s:calls=%lld,usec=%lld,usec_per_call=%.2f,rejected_calls=%lld,"
               "failed_calls=%lld\r\n",
               c->fullname[0] ? c->fullname : c->name, c->calls, c->usec,
               c->calls ? (double)c->usec / (double)c->calls : 0.0, c->rejected_calls,
               c->failed_calls);
}

static void sec_commandstats(struct buf *out)
{
    size_t n;
    struct cmd *all = commands_all(&n);
    for (size_t i = 0; i < n; i++) {
        cmdstat_line(out, &all[i]);
        if (all[i].subcmds != NULL)
            for (struct cmd *s = all[i].subcmds; s->name != NULL; s++)
                cmdstat_line(out, s);
    }
}

static int cmp_entry_names(const void *a, const void *b)
{
    const struct dict_entry *x = *(const struct dict_entry *const *)a;
    const struct dict_entry *y = *(const struct dict_entry *const *)b;
    return strcmp(x->key, y->key);
}

/* Sorted by code, as Redis's radix tree yields them. */
static void sec_errorstats(struct buf *out)
{
    if (server.errorstats == NULL || dict_size(server.errorstats) == 0)
        return;
    size_t n = dict_size(server.errorstats), k = 0;
    struct dict_entry **es = mem_alloc(sizeof(*es) * n);
    struct dict_iter it;
    dict_iter_init(&it, server.errorstats, false);
    struct dict_entry *e;
    while ((e = dict_iter_next(&it)) != NULL && k < n)
        es[k++] = e;
    dict_iter_done(&it);
    qsort(es, k, sizeof(*es), cmp_entry_names);
    for (size_t i = 0; i < k; i++)
        buf_printf(out, "errorstat_%s:count=%lld\r\n", es[i]->key, (long long)es[i]->v.i);
    mem_free(es);
}

/* kvd keeps no per-command latency histograms yet: the section is present but empty. */
static void sec_latencystats(struct buf *out)
{
    (void)out;
}

static void sec_cluster(struct buf *out)
{
    buf_append_str(out, "cluster_enabled:0\r\n");
}

static void sec_keyspace(struct buf *out)
{
    for (int i = 0; i < server.ks.ndb; i++) {
        struct db *db = &server.ks.dbs[i];
        size_t keys = db_size(db);
        if (keys == 0)
            continue;
        buf_printf(out, "db%d:keys=%zu,expires=%zu,avg_ttl=%lld\r\n", i, keys,
                   db_expires_size(db), db->avg_ttl);
    }
}

/* ---- selection --------------------------------------------------------------------- */

/* Writes the chosen sections (want[i] true) in Redis's order, a blank line between them. */
static void generate(struct buf *out, const bool *want)
{
    int written = 0;
    for (size_t i = 0; i < NSECTIONS; i++) {
        if (!want[i])
            continue;
        if (written++)
            buf_append_str(out, "\r\n");
        buf_printf(out, "# %s\r\n", sections[i].title);
        sections[i].fn(out);
    }
}

/* Marks what one INFO argument selects. */
static void select_section(bool *want, const char *name, size_t len)
{
    bool everything = len == 10 && strncasecmp(name, "everything", len) == 0;
    bool all = len == 3 && strncasecmp(name, "all", len) == 0;
    bool deflt = len == 7 && strncasecmp(name, "default", len) == 0;
    for (size_t i = 0; i < NSECTIONS; i++) {
        if ((everything || all) && (sections[i].in & SEC_ALL))
            want[i] = true;
        else if (deflt && (sections[i].in & SEC_DEFAULT))
            want[i] = true;
        else if (strlen(sections[i].name) == len && strncasecmp(sections[i].name, name, len) == 0)
            want[i] = true;
    }
}

void info_generate(struct buf *out, const char *section)
{
    bool want[NSECTIONS] = {false};
    select_section(want, section, strlen(section));
    generate(out, want);
}

void cmd_info(struct cmd_ctx *ctx)
{
    bool want[NSECTIONS] = {false};
    if (ctx->argc == 1)
        select_section(want, "default", 7);
    for (int i = 1; i < ctx->argc; i++)
        select_section(want, ctx->argv[i].p, ctx->argv[i].len);
    struct buf out;
    buf_init(&out);
    generate(&out, want);
    reply_verbatim(ctx->c, out.data != NULL ? buf_head(&out) : "", buf_used(&out));
    buf_deinit(&out);
}
