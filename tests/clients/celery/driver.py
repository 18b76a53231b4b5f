#!/usr/bin/python3
# tests/clients/celery/driver.py: the Celery checks, run by run.sh against a live worker.
#
# `driver.py checks TMPDIR` runs every functional check against the worker(s) and beat that
# run.sh started; the acks_late check starts, SIGKILLs and restarts its own worker on the
# "late" queue, in its own process group whose id it writes to TMPDIR/pgids/ so run.sh can
# kill it too if this script dies. `driver.py bench` submits 2,000 tasks and prints tasks/s.
# Knows nothing of the server behind CELERY_TEST_URL. Every wait is bounded. Start at main().
#
# SPDX-License-Identifier: BSD-3-Clause
import datetime
import os
import signal
import subprocess
import sys
import time

from celery import chain, chord, group
from celery.exceptions import TaskRevokedError
from celery.result import ResultSet

import kvd_tasks

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks  # noqa: E402 - tests/clients/checks.py, shared with the other driver
from checks import check, expect  # noqa: E402
from kvd_tasks import (add, boom, flaky, late, mul, record, scratch, slow_add, stamp,
                       tsum)

HERE = os.path.dirname(os.path.abspath(__file__))
T = 20            # seconds any single result may take
BENCH_N = 2000
# `--break` makes one expectation wrong on purpose: proves a failing check is reported.
BREAK = "--break" in sys.argv

def wait_until(what, cond, timeout):
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("%s: not true within %.0f s" % (what, timeout))


def worker_alive(tmp):
    try:
        with open(os.path.join(tmp, "pgids", "worker")) as f:
            os.killpg(int(f.read()), 0)
    except (OSError, ValueError):
        return False
    return True


def wait_worker(tmp, timeout=40):
    """The worker is up once a task round-trips; retried because the first may be lost
    while queues are being declared. Gives up at once if the worker has exited."""
    end = time.time() + timeout
    last = None
    while time.time() < end:
        if not worker_alive(tmp):
            raise RuntimeError("the worker exited (see worker.log)")
        try:
            expect("first task", 0, add.delay(0, 0).get(timeout=min(3, max(1, end - time.time()))))
            return
        except Exception as e:  # noqa: BLE001
            last = e
    raise RuntimeError("worker not answering within %d s: %r" % (timeout, last))


# ---- basic calls -----------------------------------------------------------------------

def c_delay_get():
    r = add.delay(4, 4)
    expect("add.delay(4, 4).get()", 9 if BREAK else 8, r.get(timeout=T))
    expect("ready() after get()", True, r.ready())
    expect("state", "SUCCESS", r.state)


def c_ready_before():
    r = slow_add.delay(1, 1, 1.0)
    expect("ready() right after delay()", False, r.ready())
    expect("slow_add result", 2, r.get(timeout=T))
    expect("ready() after get()", True, r.ready())


def c_signature():
    expect("add.s(2, 2).delay().get()", 4, add.s(2, 2).delay().get(timeout=T))


def c_partial():
    expect("add.s(2).delay(8).get()", 10, add.s(2).delay(8).get(timeout=T))


def c_group():
    got = group(add.s(i, i) for i in range(10))().get(timeout=T)
    expect("group of 10", [2 * i for i in range(10)], got)


def c_chain():
    got = chain(add.s(1, 2), add.s(3), mul.s(2))().get(timeout=T)
    expect("(1+2+3)*2", 12, got)


def c_chord():
    got = chord(add.s(i, i) for i in range(5))(tsum.s()).get(timeout=T)
    expect("chord sum of 2i for i<5", 20, got)


# ---- scheduling: countdown, eta, expires (submitted together to share the wait) --------

def c_scheduled():
    t0 = time.time()
    cd = stamp.apply_async(("countdown",), countdown=2)
    eta_at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2)
    eta = stamp.apply_async(("eta",), eta=eta_at)
    exp = add.apply_async((1, 1), countdown=2, expires=1)
    time.sleep(max(0.0, t0 + 1.0 - time.time()))
    if time.time() < t0 + 1.8:     # a loaded machine may have taken that long to submit
        expect("countdown task ready after 1 s of 2", False, cd.ready())
        expect("eta task ready after 1 s of 2", False, eta.ready())
    ran = cd.get(timeout=T)["ran_at"]
    if ran < t0 + 2:
        raise AssertionError("countdown=2 task ran %.3f s after submit" % (ran - t0))
    ran = eta.get(timeout=T)["ran_at"]
    if ran < eta_at.timestamp():
        raise AssertionError("eta task ran %.3f s before its eta" % (eta_at.timestamp() - ran))
    try:
        v = exp.get(timeout=T)
    except TaskRevokedError:
        pass
    else:
        raise AssertionError("expired task ran and returned %r" % (v,))
    expect("expired task state", "REVOKED", exp.state)


def c_link():
    key = "link:%f" % time.time()
    r = add.apply_async((2, 3), link=record.s(key))
    expect("parent result", 5, r.get(timeout=T))
    got = wait_until("link callback recorded", lambda: scratch().lrange(key, 0, -1), T)
    expect("link callback got the parent's result", [b"5"], got)


# ---- failures ----------------------------------------------------------------------------

def c_raises():
    r = boom.delay(7)
    try:
        v = r.get(timeout=T)
    except ValueError as e:
        expect("exception text", "boom 7", str(e))
    else:
        raise AssertionError("boom returned %r instead of raising" % (v,))
    expect("state", "FAILURE", r.state)
    if "ValueError" not in (r.traceback or ""):
        raise AssertionError("traceback lacks ValueError: %r" % (r.traceback,))


def c_retry():
    key = "flaky:%f" % time.time()
    got = flaky.delay(key).get(timeout=T)
    expect("retried twice then succeeded", {"attempts": 3, "retries": 2}, got)


# ---- remote control and beat ---------------------------------------------------------------

def celery_cli(*args, timeout=30):
    env = dict(os.environ, PYTHONPATH=HERE)
    p = subprocess.run([sys.executable, "-m", "celery", "-A", "kvd_tasks"] + list(args),
                       cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout, text=True)
    return p.returncode, p.stdout


def c_inspect_ping():
    rc, out = celery_cli("inspect", "ping", "--timeout", "2")
    if rc != 0 or "main@" not in out or "pong" not in out:
        raise AssertionError("celery inspect ping: rc=%d output=%r" % (rc, out[-600:]))


def c_beat():
    first = int(scratch().get("beat:ticks") or 0)
    if first < 1:
        first = int(wait_until("first beat tick", lambda: scratch().get("beat:ticks"), 15))
    wait_until("two more beat ticks", lambda: int(scratch().get("beat:ticks") or 0) >= first + 2, 10)


# ---- acks_late + SIGKILL + redelivery after the visibility timeout -------------------------

class LateWorker:
    """A one-process worker on the "late" queue, in its own process group."""

    def __init__(self, tmp, n):
        self.pgid_file = os.path.join(tmp, "pgids", "late-%d" % n)
        log = open(os.path.join(tmp, "late-worker-%d.log" % n), "w")
        env = dict(os.environ, PYTHONPATH=HERE)
        # no TERM/INT between the spawn and the pgid file: run.sh could not find the group
        stop_signals = {signal.SIGTERM, signal.SIGINT}
        signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
        self.p = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kvd_tasks", "worker", "-Q", "late",
             "-c", "1", "-P", "prefork", "-n", "late%d@%%h" % n, "-l", "INFO",
             "--without-mingle", "--without-gossip"],
            cwd=HERE, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals))
        log.close()
        with open(self.pgid_file, "w") as f:
            f.write("%d\n" % self.p.pid)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals)

    def kill(self, sig=signal.SIGKILL):
        """Kills the whole group (pool children too) and reaps the leader, bounded."""
        try:
            os.killpg(self.p.pid, sig)
        except ProcessLookupError:
            pass
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait(timeout=10)
        # pool children are not ours to reap; wait for the group to be empty
        end = time.time() + 10
        while time.time() < end:
            try:
                os.killpg(self.p.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        try:
            os.unlink(self.pgid_file)
        except FileNotFoundError:
            pass


def c_acks_late(tmp):
    r = scratch()
    key = "late:%f" % time.time()
    w1 = LateWorker(tmp, 1)
    w2 = None
    try:
        # the worker is consuming once a task routed to its queue round-trips
        expect("late worker up", 2, add.apply_async((1, 1), queue="late").get(timeout=40))
        res = late.delay(key)
        wait_until("late task started", lambda: r.llen(key + ":starts") >= 1, T)
        started = float(r.lindex(key + ":starts", 0))
        broker = kvd_tasks.app.connection().default_channel.client
        if broker.hlen("unacked") < 1 or broker.zcard("unacked_index") < 1:
            raise AssertionError("task running with acks_late but no unacked entry (hash %d, zset %d)"
                                 % (broker.hlen("unacked"), broker.zcard("unacked_index")))
        w1.kill(signal.SIGKILL)
        # nobody consumes "late" now: the message must sit in unacked until the timeout
        time.sleep(max(0.0, started + kvd_tasks.VISIBILITY_TIMEOUT + 0.5 - time.time()))
        expect("starts while no late worker ran", 1, r.llen(key + ":starts"))
        # a restarted worker restores unacked messages older than the timeout at startup
        w2 = LateWorker(tmp, 2)
        got = res.get(timeout=40)
        expect("second delivery finished", 2, got["starts"])
        expect("second delivery is flagged redelivered", True, got["redelivered"])
        second = float(r.lindex(key + ":starts", 1))
        if second < started + kvd_tasks.VISIBILITY_TIMEOUT:
            raise AssertionError("redelivered %.2f s after first start, before the %.0f s timeout"
                                 % (second - started, kvd_tasks.VISIBILITY_TIMEOUT))
        wait_until("unacked hash emptied after the ack",
                   lambda: broker.hlen("unacked") == 0 and broker.zcard("unacked_index") == 0, T)
        expect("unacked_mutex released (its release is redis-py's Lua script)", 0,
               broker.exists("unacked_mutex"))
    finally:
        w1.kill()
        if w2 is not None:
            w2.kill(signal.SIGTERM)


# ---- benchmark ---------------------------------------------------------------------------------

def bench(label, tmp):
    wait_worker(tmp)
    t0 = time.time()
    results = [add.delay(i, 1) for i in range(BENCH_N)]
    t_sent = time.time()
    got = ResultSet(results).get(timeout=180)
    t1 = time.time()
    expect("all %d results" % BENCH_N, [i + 1 for i in range(BENCH_N)], got)
    print("bench %s: %d tasks submitted in %.2f s, all results in %.2f s: %.0f tasks/s"
          % (label, BENCH_N, t_sent - t0, t1 - t0, BENCH_N / (t1 - t0)))


def main():
    mode = sys.argv[1]
    if mode == "bench":
        bench(sys.argv[2], sys.argv[3])
        return 0
    tmp = sys.argv[2]
    wait_worker(tmp)
    check("add.delay(4, 4).get() == 8, ready() after", c_delay_get)
    check("ready() is False before a 1 s task finishes, True after", c_ready_before)
    check("signature add.s(2, 2).delay()", c_signature)
    check("partial add.s(2).delay(8)", c_partial)
    check("group of 10", c_group)
    check("chain add|add|mul", c_chain)
    check("chord of 5 into tsum", c_chord)
    check("countdown and eta not run early; expired task revoked", c_scheduled)
    check("link callback gets the result", c_link)
    check("an exception raised in a task reaches .get()", c_raises)
    check("a task that retries twice then succeeds", c_retry)
    check("celery inspect ping answers over pub/sub", c_inspect_ping)
    check("celery beat produces periodic runs", c_beat)
    check("acks_late task redelivered after SIGKILL and the visibility timeout",
          lambda: c_acks_late(tmp))
    print("celery checks: %d passed, %d failed" % (checks.passed, checks.failed))
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
