# tests/clients/checks.py: the check runner the Celery and RQ drivers share.
#
# check(name, fn) runs one check and prints "[ok]" or "[err]" with the exception and the end of
# its traceback; expect() raises on a wrong value. `checks.passed` / `checks.failed` hold the
# counts for the driver's summary line.
#
# SPDX-License-Identifier: BSD-3-Clause
import sys
import time
import traceback

passed = 0
failed = 0


def check(name, fn):
    """Runs one check; a wrong value or any exception is a failure, reported with detail."""
    global passed, failed
    started = time.time()
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - every failure must be reported, not raised
        failed += 1
        print("[err] %s (%.1fs): %s: %s" % (name, time.time() - started, type(e).__name__, e))
        tb = traceback.format_exc().strip().splitlines()
        print("      " + "\n      ".join(tb[-6:]))
    else:
        passed += 1
        print("[ok] %s (%.1fs)" % (name, time.time() - started))
    sys.stdout.flush()


def expect(what, want, got):
    if want != got:
        raise AssertionError("%s: expected %r, got %r" % (what, want, got))
