#!/usr/bin/python3
# utils/scripts/fanout.py: PUBLISH fan-out timing for utils/scripts/bench.
#
# Owns one measurement: SUBSCRIBERS connections SUBSCRIBEd to one channel (held
# by a forked child with epoll, so 10,000 of them cost a few MB), then the
# parent sends PUBLISHES publishes one at a time and checks that every reply
# counts all receivers. The child reads concurrently and reports when every
# subscriber holds every message, byte-exact (fixed-size payloads, so each
# socket must receive an exact byte count, and its last message is compared).
# Knows nothing of kvd; speaks RESP2 over raw sockets. Start at main().
#
#   /usr/bin/python3 utils/scripts/fanout.py PORT [SUBSCRIBERS] [PUBLISHES]
#                                              [PAYLOAD_BYTES] [TIMEOUT_S]
#
# Prints one line "connect_s=.. publish_s=.. publishes_per_s=.. e2e_s=.."
# and exits 0, or prints "fanout: error: ..." on stderr and exits 1. Every wait
# is bounded by TIMEOUT_S; the child is killed by its PID on any failure.
#
# SPDX-License-Identifier: BSD-3-Clause
import os
import resource
import select
import signal
import socket
import sys
import time

CHANNEL = b"fanout"
BATCH = 200  # connects in flight before waiting for their confirmations: stays under any listen backlog


def fail(msg):
    sys.stderr.write("fanout: error: %s\n" % msg)
    sys.exit(1)


def resp_cmd(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def payload(i, size):
    return b"%0*d" % (size, i)


def message(i, size):
    p = payload(i, size)
    return b"*3\r\n$7\r\nmessage\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(CHANNEL), CHANNEL, len(p), p)


def subscriber(port, nsubs, npub, size, deadline, report):
    """Child: hold the subscribers, write 'R' when all are confirmed, then 'D <monotonic>' when all read everything."""
    confirm = b"*3\r\n$9\r\nsubscribe\r\n$%d\r\n%s\r\n:1\r\n" % (len(CHANNEL), CHANNEL)
    msglen = len(message(0, size))
    last = message(npub - 1, size) if npub > 0 else confirm
    want = len(confirm) + npub * msglen
    ep = select.epoll()
    socks = {}
    got = {}
    tail = {}

    def pump(waiting_for, timeout):
        """Reads until every fd in waiting_for has at least its target; drops satisfied fds from the set."""
        while waiting_for:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            for fd, _ev in ep.poll(min(left, timeout)):
                data = socks[fd].recv(65536)
                if not data:
                    raise RuntimeError("subscriber connection closed by the server after %d bytes" % got[fd])
                got[fd] += len(data)
                tail[fd] = (tail[fd] + data)[-len(last):]
                if got[fd] > want:
                    raise RuntimeError("subscriber got %d bytes, expected %d" % (got[fd], want))
                target = waiting_for.get(fd)
                if target is not None and got[fd] >= target:
                    del waiting_for[fd]
        return True

    try:
        for start in range(0, nsubs, BATCH):
            batch = {}
            for _ in range(min(BATCH, nsubs - start)):
                s = socket.create_connection(("127.0.0.1", port), timeout=max(0.1, deadline - time.monotonic()))
                s.sendall(resp_cmd(b"SUBSCRIBE", CHANNEL))
                s.setblocking(False)
                fd = s.fileno()
                socks[fd] = s
                got[fd] = 0
                tail[fd] = b""
                ep.register(fd, select.EPOLLIN)
                batch[fd] = len(confirm)
            if not pump(batch, 1.0):
                raise RuntimeError("timed out waiting for SUBSCRIBE confirmations (%d connected)" % len(socks))
        for fd in socks:
            if got[fd] != len(confirm) or not confirm.endswith(tail[fd]):
                raise RuntimeError("unexpected SUBSCRIBE reply %r" % tail[fd])
        os.write(report, b"R\n")
        pending = {fd: want for fd in socks}
        if not pump(pending, 1.0):
            short = sum(1 for fd in socks if got[fd] < want)
            raise RuntimeError("timed out: %d subscribers still short of all %d messages" % (short, npub))
        done = time.monotonic()
        for fd in socks:
            if tail[fd] != last:
                raise RuntimeError("last message differs: %r" % tail[fd])
        os.write(report, b"D %.9f\n" % done)
    except (OSError, RuntimeError) as e:
        os.write(report, b"E %s\n" % str(e).encode())


def read_line(fd, deadline):
    buf = b""
    while not buf.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 4096)
        if not chunk:
            return buf or None
        buf += chunk
    return buf.decode().strip()


def main():
    if len(sys.argv) < 2:
        fail("usage: fanout.py PORT [SUBSCRIBERS] [PUBLISHES] [PAYLOAD_BYTES] [TIMEOUT_S]")
    port = int(sys.argv[1])
    nsubs = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    npub = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    size = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 120.0
    deadline = time.monotonic() + timeout

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < nsubs + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, nsubs + 64), hard))

    rd, wr = os.pipe()
    t_connect = time.monotonic()
    child = os.fork()
    if child == 0:
        os.close(rd)
        try:
            subscriber(port, nsubs, npub, size, deadline, wr)
        finally:
            os._exit(0)
    os.close(wr)

    def give_up(msg):
        try:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
        except OSError:
            pass
        fail(msg)

    line = read_line(rd, deadline)
    if line is None or not line.startswith("R"):
        give_up("subscribers not ready: %s" % (line or "timeout"))
    connect_s = time.monotonic() - t_connect

    pub = socket.create_connection(("127.0.0.1", port), timeout=max(0.1, deadline - time.monotonic()))
    expect = b":%d\r\n" % nsubs
    t0 = time.monotonic()
    for i in range(npub):
        pub.sendall(resp_cmd(b"PUBLISH", CHANNEL, payload(i, size)))
        reply = b""
        while not reply.endswith(b"\r\n"):
            pub.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = pub.recv(256)
            except socket.timeout:
                give_up("PUBLISH %d: no reply before the deadline" % i)
            if not chunk:
                give_up("PUBLISH %d: connection closed" % i)
            reply += chunk
        if reply != expect:
            give_up("PUBLISH %d replied %r, expected %r" % (i, reply, expect))
    t1 = time.monotonic()
    pub.close()

    line = read_line(rd, deadline)
    if line is None or not line.startswith("D "):
        give_up("subscribers did not finish: %s" % (line or "timeout"))
    e2e = float(line[2:]) - t0
    os.waitpid(child, 0)
    publish_s = t1 - t0
    print("connect_s=%.3f publish_s=%.3f publishes_per_s=%.1f e2e_s=%.3f"
          % (connect_s, publish_s, npub / publish_s if publish_s > 0 else 0.0, e2e))


if __name__ == "__main__":
    main()
