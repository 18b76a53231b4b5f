/* server/server.c: the global state, the loop pass and the cron.
 *
 * Owns `struct server server`, what happens before the loop sleeps (server_before_sleep),
 * the periodic cron (active expiry, incremental rehash, client timeouts, metrics) and the
 * latency monitor samples. Start at server_before_sleep() and server_cron().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/server.h"

#include <event2/event.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "server/aof.h"
#include "server/blocking.h"
#include "server/conn.h"
#include "server/log.h"
#include "server/persist.h"
#include "storage/obj.h"
#include "utils/mem.h"
#include "utils/mtime.h"

struct server server;

/* Wall clock minus monotonic clock, refreshed once per loop pass: between passes the wall
 * time is derived from one monotonic read (clock reads are not free in a VM). */
static long long wall_minus_mono_us;

static void set_mstime(long long ms)
{
    server.mstime = ms;
    server.ks.now_ms = ms;
    obj_lru_clock = (uint32_t)((ms / 1000) & OBJ_LRU_MAX);
}

void server_update_time(void)
{
    long long wall = time_us();
    wall_minus_mono_us = wall - (long long)mono_us();
    set_mstime(wall / 1000);
}

void server_update_time_mono(uint64_t mono)
{
    set_mstime(((long long)mono + wall_minus_mono_us) / 1000);
}

void server_request_stop(void)
{
    server.stopping = true;
    if (server.base != NULL)
        event_base_loopbreak(server.base);
}

/* Active expiry runs in short slices so it never shows up as a latency spike: a slow cycle
 * from the cron, and, while a cycle keeps using its whole budget (a backlog of expired
 * keys), fast 1 ms cycles before sleeping, at most one every 2 ms. */
#define EXPIRE_SLOW_BUDGET_US 5000
#define EXPIRE_FAST_BUDGET_US 1000
#define EXPIRE_FAST_PERIOD_US 2000
static bool expire_backlog;
static uint64_t expire_fast_last_us;

static void run_expire_cycle(long long budget_us)
{
    uint64_t start = mono_us();
    keyspace_active_expire(&server.ks, budget_us);
    uint64_t end = mono_us();
    long long used = (long long)(end - start);
    expire_backlog = used >= budget_us * 9 / 10;
    if (server.latency_monitor_threshold_ms > 0 && used / 1000 >= server.latency_monitor_threshold_ms)
        server_latency_add("expire-cycle", used / 1000);
    expire_fast_last_us = end;
}

static void on_expire_wake(evutil_socket_t fd, short what, void *arg)
{
    /* Nothing to do: waking the loop makes server_before_sleep() run the next fast cycle. */
}

/* With a backlog, the loop must not sleep until the next cron tick. */
static void schedule_expire_wake(void)
{
    static struct event *wake;
    if (wake == NULL)
        wake = evtimer_new(server.base, on_expire_wake, NULL);
    struct timeval tv = {.tv_sec = 0, .tv_usec = EXPIRE_FAST_PERIOD_US};
    evtimer_add(wake, &tv);
}

static bool expire_allowed(void)
{
    return server.active_expire_enabled && server.ks.expire_enabled;
}

void server_before_sleep(void)
{
    server_update_time();
    if (expire_backlog && expire_allowed()) {
        if (mono_us() - expire_fast_last_us >= EXPIRE_FAST_PERIOD_US)
            run_expire_cycle(EXPIRE_FAST_BUDGET_US);
        if (expire_backlog)
            schedule_expire_wake();
    }
    if (server.pause != PAUSE_OFF && server.pause_end_ms <= server.mstime)
        conn_unpause_all();
    /* Serve ready keys (timers and CLIENT UNBLOCK may have queued work) and resume the
     * pipelines of unblocked clients before their replies are written. */
    blocking_before_sleep();
    conn_reap();
    /* AOF before replies: with appendfsync always no reply leaves ahead of its fsync. */
    aof_before_sleep();
    conn_flush_pending();
    conn_reap();
}

static void latency_free_val(union dict_val *v)
{
    struct latency_event *ev = v->ptr;
    if (ev == NULL)
        return;
    mem_free(ev->name);
    mem_free(ev);
}

const struct dict_type server_latency_dict_type = {.free_val = latency_free_val};

void server_latency_add(const char *event, long long ms)
{
    if (server.latency_events == NULL)
        return;
    size_t len = strlen(event);
    bool existed;
    struct dict_entry *e = dict_add(server.latency_events, event, len, &existed);
    struct latency_event *ev = e->v.ptr;
    if (ev == NULL) {
        ev = mem_calloc(1, sizeof(*ev));
        ev->name = mem_strndup(event, len);
        e->v.ptr = ev;
    }
    int32_t now = (int32_t)(server.mstime / 1000);
    /* One sample per second per event: a second sample in the same second keeps the max. */
    int last = (ev->next + LATENCY_HISTORY - 1) % LATENCY_HISTORY;
    if (ev->count > 0 && ev->samples[last].time_s == now) {
        if ((uint32_t)ms > ev->samples[last].latency_ms)
            ev->samples[last].latency_ms = (uint32_t)ms;
    } else {
        ev->samples[ev->next].time_s = now;
        ev->samples[ev->next].latency_ms = (uint32_t)ms;
        ev->next = (ev->next + 1) % LATENCY_HISTORY;
        if (ev->count < LATENCY_HISTORY)
            ev->count++;
    }
    if ((uint32_t)ms > ev->max_ms)
        ev->max_ms = (uint32_t)ms;
}

/* Instantaneous metrics: a sample of each counter's rate every 100 ms, averaged over 16. */
static void track_instantaneous(void)
{
    long long now = server.mstime;
    long long elapsed = now - server.inst.last_time_ms;
    if (elapsed < 100)
        return;
    long long values[3] = {server.stat_commands, server.stat_net_input_bytes,
                           server.stat_net_output_bytes};
    for (int i = 0; i < 3; i++) {
        long long delta = values[i] - server.inst.last_value[i];
        server.inst.samples[i][server.inst.idx[i]] =
            server.inst.last_time_ms == 0 ? 0 : delta * 1000 / elapsed;
        server.inst.idx[i] = (server.inst.idx[i] + 1) % 16;
        server.inst.last_value[i] = values[i];
    }
    server.inst.last_time_ms = now;
}

void server_cron(void)
{
    server_update_time();
    server.cronloops++;
    track_instantaneous();
    if (expire_allowed())
        run_expire_cycle(EXPIRE_SLOW_BUDGET_US);
    keyspace_rehash(&server.ks, 1000);
    /* Shrinking tables while a snapshot child runs would copy their pages for nothing. */
    if (server.cronloops % 10 == 0 && !persist_bgsave_in_progress() && !aof_rewrite_in_progress())
        keyspace_resize(&server.ks);
    persist_cron();
    aof_cron();
    conn_cron();
    size_t used = mem_used();
    if ((long long)used > server.stat_peak_memory)
        server.stat_peak_memory = (long long)used;
}
