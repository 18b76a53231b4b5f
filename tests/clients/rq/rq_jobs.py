# tests/clients/rq/rq_jobs.py: the job functions the RQ end-to-end test enqueues.
#
# Imported by `rq worker` (PYTHONPATH points here) and by driver.py; knows nothing of the
# server. Plain functions: RQ stores "rq_jobs.add" as the job's callable.
#
# SPDX-License-Identifier: BSD-3-Clause
import time


def add(x, y):
    return x + y


def concat(*parts):
    return "".join(parts)


def divide(x, y):
    return x / y


def stamp(tag):
    """Returns when it ran, so the enqueue_in check compares against the worker's clock."""
    return {"tag": tag, "ran_at": time.time()}


def slow(seconds):
    time.sleep(seconds)
    return seconds
