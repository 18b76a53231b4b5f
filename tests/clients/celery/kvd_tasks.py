# tests/clients/celery/kvd_tasks.py: the Celery app and tasks the end-to-end test runs.
#
# Broker (db 0) and result backend (db 1) both point at the server under test, given as
# CELERY_TEST_URL (redis://127.0.0.1:PORT). Tasks that must leave a trace outside the result
# backend (retry counts, beat ticks, link callbacks, start times of the acks_late task) write to
# db 2 of the same server, so the driver can observe them without going through Celery.
# Imported by the worker (`celery -A kvd_tasks worker`), by beat and by driver.py.
#
# SPDX-License-Identifier: BSD-3-Clause
import os
import time

import redis
from celery import Celery

URL = os.environ.get("CELERY_TEST_URL", "redis://127.0.0.1:6399")
# Short, so the acks_late check sees a redelivery within seconds rather than the default hour.
VISIBILITY_TIMEOUT = float(os.environ.get("CELERY_TEST_VT", "4"))

app = Celery("kvd_tasks", broker=URL + "/0", backend=URL + "/1")
app.conf.update(
    broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=600,
    timezone="UTC",
    enable_utc=True,
    # Every connection attempt is bounded: a dead server must fail the test, not hang it.
    broker_connection_timeout=5,
    broker_connection_max_retries=3,
    redis_socket_connect_timeout=5,
    beat_schedule={"tick": {"task": "kvd_tasks.tick", "schedule": 1.0}},
    task_routes={"kvd_tasks.late": {"queue": "late"}},
)

_scratch = None


def scratch():
    """Client for db 2, where tasks record what the driver checks (one per process)."""
    global _scratch
    if _scratch is None:
        _scratch = redis.Redis.from_url(URL + "/2", socket_timeout=10)
    return _scratch


@app.task
def add(x, y):
    return x + y


@app.task
def mul(x, y):
    return x * y


@app.task
def tsum(values):
    return sum(values)


@app.task
def slow_add(x, y, seconds):
    time.sleep(seconds)
    return x + y


@app.task
def stamp(tag):
    """Returns when it ran, so countdown/eta checks compare against the worker's clock."""
    return {"tag": tag, "ran_at": time.time()}


@app.task
def record(value, key):
    """A link callback: the parent's result arrives as the first argument."""
    scratch().rpush(key, value)
    return value


@app.task
def boom(n):
    raise ValueError("boom %d" % n)


@app.task(bind=True, max_retries=5)
def flaky(self, key):
    """Fails the first two attempts, then returns how many attempts it took."""
    attempts = scratch().incr(key)
    if attempts <= 2:
        raise self.retry(exc=RuntimeError("attempt %d" % attempts), countdown=0.2)
    return {"attempts": attempts, "retries": self.request.retries}


@app.task
def tick():
    return scratch().incr("beat:ticks")


@app.task(bind=True, acks_late=True)
def late(self, key):
    """First delivery hangs until the driver SIGKILLs the worker; a redelivery finishes.

    Each start is logged with its time, so the driver can check the redelivery came after
    the visibility timeout and not before.
    """
    r = scratch()
    r.rpush(key + ":starts", repr(time.time()))
    if r.llen(key + ":starts") == 1:
        time.sleep(60)
    return {"starts": r.llen(key + ":starts"),
            "redelivered": bool(self.request.delivery_info.get("redelivered"))}

