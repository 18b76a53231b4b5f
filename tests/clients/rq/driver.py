#!/usr/bin/python3
# tests/clients/rq/driver.py URL: the RQ (Debian python3-rq) checks, run by run.sh against a
# live `rq worker --with-scheduler` on queue "default".
#
# Covers enqueue, the worker running jobs, results, the failed-job registry, a dependency,
# enqueue_in through the scheduler and Queue.empty() (which RQ implements as a Lua script).
# Knows nothing of the server behind URL. Every wait is bounded. Start at main().
#
# SPDX-License-Identifier: BSD-3-Clause
import datetime
import math
import os
import sys
import time

import redis
from rq import Queue
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, FinishedJobRegistry, ScheduledJobRegistry

import rq_jobs

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks  # noqa: E402 - tests/clients/checks.py, shared with the other driver
from checks import check, expect  # noqa: E402

T = 20            # seconds any single job may take
BREAK = "--break" in sys.argv   # one wrong expectation on purpose: proves failures show

def worker_alive():
    """run.sh passes the worker's process group; a dead worker fails checks at once."""
    try:
        os.killpg(int(os.environ["RQ_WORKER_PGID"]), 0)
    except (KeyError, ValueError):
        return True
    except OSError:
        return False
    return True


def wait_status(job, statuses, timeout=T):
    """Polls the job hash until its status is one of statuses; returns that status."""
    end = time.time() + timeout
    while time.time() < end:
        if not worker_alive():
            raise AssertionError("the rq worker exited (see worker.log)")
        st = job.get_status(refresh=True)
        if st in statuses:
            return st
        time.sleep(0.05)
    raise AssertionError("job %s still %r after %d s" % (job.id, job.get_status(), timeout))


def main():
    conn = redis.Redis.from_url(sys.argv[1], socket_timeout=10)
    q = Queue("default", connection=conn)

    def c_enqueue_result():
        job = q.enqueue(rq_jobs.add, 2, 3)
        expect("status right after enqueue", JobStatus.QUEUED, job.get_status())
        expect("final status", JobStatus.FINISHED, wait_status(job, (JobStatus.FINISHED, JobStatus.FAILED)))
        expect("job.result", 6 if BREAK else 5, Job.fetch(job.id, connection=conn).result)
        if job.id not in FinishedJobRegistry(queue=q).get_job_ids():
            raise AssertionError("finished job not in the finished registry")

    def c_many():
        jobs = [q.enqueue(rq_jobs.concat, "a", str(i)) for i in range(20)]
        for j in jobs:
            wait_status(j, (JobStatus.FINISHED, JobStatus.FAILED))
        expect("20 results", ["a%d" % i for i in range(20)],
               [Job.fetch(j.id, connection=conn).result for j in jobs])

    def c_failed():
        job = q.enqueue(rq_jobs.divide, 1, 0)
        expect("final status", JobStatus.FAILED, wait_status(job, (JobStatus.FINISHED, JobStatus.FAILED)))
        reg = FailedJobRegistry(queue=q)
        if job.id not in reg.get_job_ids():
            raise AssertionError("failed job %s not in the failed registry %r" % (job.id, reg.get_job_ids()))
        job = Job.fetch(job.id, connection=conn)
        if "ZeroDivisionError" not in (job.exc_info or ""):
            raise AssertionError("exc_info lacks ZeroDivisionError: %r" % (job.exc_info,))
        # requeue from the registry: it fails again and comes back to the registry
        reg.requeue(job.id)
        if job.id in reg.get_job_ids():
            raise AssertionError("requeued job still in the failed registry")
        wait_status(job, (JobStatus.FAILED,))
        if job.id not in reg.get_job_ids():
            raise AssertionError("job that failed again is not back in the failed registry")

    def c_depends():
        first = q.enqueue(rq_jobs.slow, 0.5)
        second = q.enqueue(rq_jobs.add, 1, 1, depends_on=first)
        expect("dependent job waits", JobStatus.DEFERRED, second.get_status())
        wait_status(second, (JobStatus.FINISHED, JobStatus.FAILED))
        expect("dependent result", 2, Job.fetch(second.id, connection=conn).result)
        expect("dependency finished first", JobStatus.FINISHED, first.get_status(refresh=True))

    def c_enqueue_in():
        t0 = time.time()
        job = q.enqueue_in(datetime.timedelta(seconds=2), rq_jobs.stamp, "later")
        expect("status while scheduled", JobStatus.SCHEDULED, job.get_status())
        if job.id not in ScheduledJobRegistry(queue=q).get_job_ids():
            raise AssertionError("scheduled job not in the scheduled registry")
        wait_status(job, (JobStatus.FINISHED, JobStatus.FAILED))
        ran = Job.fetch(job.id, connection=conn).result["ran_at"]
        # RQ keeps the due time in whole seconds, so "not early" means not before floor(t0 + 2)
        if ran < math.floor(t0 + 2):
            raise AssertionError("enqueue_in(2 s) job ran %.2f s after enqueue" % (ran - t0))

    def c_empty():
        other = Queue("parked", connection=conn)      # no worker listens here
        for i in range(5):
            other.enqueue(rq_jobs.add, i, i)
        expect("parked count", 5, other.count)
        expect("Queue.empty() removed", 5, other.empty())
        expect("count after empty()", 0, other.count)

    check("enqueue, the worker runs it, result read back", c_enqueue_result)
    check("20 jobs processed with their results", c_many)
    check("a raising job lands in the failed-job registry; requeue", c_failed)
    check("depends_on runs the dependent job after its parent", c_depends)
    check("enqueue_in runs through the scheduler, not early", c_enqueue_in)
    check("Queue.empty() (a Lua script) drops parked jobs", c_empty)
    print("rq checks: %d passed, %d failed" % (checks.passed, checks.failed))
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
