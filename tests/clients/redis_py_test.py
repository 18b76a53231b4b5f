#!/usr/bin/python3
# tests/clients/redis_py_test.py: kvd driven by redis-py (Debian python3-redis 4.3).
#
# Owns the redis-py end-to-end checks: the client's own connection handshake, its
# reply parsing per command family, pipelines, the WATCH retry helper, pub/sub and
# scan_iter. Knows nothing of kvd's internals; the server (kvd or redis-server) is
# started by tests/clients/run.sh, which passes its port. Every socket has a
# timeout and every wait is bounded, so a hung server fails the test instead of
# hanging it. Start reading at main().
# Usage: redis_py_test.py PORT. Prints "[ok]"/"[err]" lines and "redis-py: N
# checks passed"; exits 1 on any failure.
#
# SPDX-License-Identifier: BSD-3-Clause
import socket
import sys
import threading
import time
import traceback

import redis

PORT = 0
TIMEOUT = 10            # seconds, for every socket: a hung reply fails, not hangs
passed = 0
failed = 0


def check(name, expected, got):
    global passed, failed
    if expected == got:
        passed += 1
        print("[ok] " + name)
    else:
        failed += 1
        print("[err] " + name)
        print("      expected: %r" % (expected,))
        print("      got:      %r" % (got,))


def check_true(name, cond, detail):
    """A check whose failure shows detail rather than a bare False."""
    check(name, True, True) if cond else check(name, "condition true", detail)


def check_raises(name, exc_type, msg_prefix, fn):
    try:
        got = fn()
    except exc_type as e:
        check(name, msg_prefix, str(e)[:len(msg_prefix)])
        return
    check(name, "%s(%r...)" % (exc_type.__name__, msg_prefix), got)


def client(**kw):
    kw.setdefault("socket_timeout", TIMEOUT)
    kw.setdefault("socket_connect_timeout", TIMEOUT)
    return redis.Redis(host="127.0.0.1", port=PORT, db=kw.pop("db", 13), **kw)


# ---- connection -------------------------------------------------------------------

def test_localhost_db13():
    addrs = {a[4][0] for a in socket.getaddrinfo("localhost", PORT, type=socket.SOCK_STREAM)}
    check_true("localhost resolves to 127.0.0.1 (kvd binds it)", "127.0.0.1" in addrs, addrs)
    # exactly as the tutorials write it; redis-py sends SELECT 13 on connect
    r = redis.Redis(host="localhost", port=PORT, db=13)
    check("Redis(host='localhost', db=13).ping() is True", True, r.ping())
    r.flushdb()
    check("SET through the localhost client", True, r.set("tutorial", "hello"))
    check("GET returns bytes", b"hello", r.get("tutorial"))
    check("the key lives in db 13 only", (1, 0),
          (client(db=13).exists("tutorial"), client(db=0).exists("tutorial")))
    info = r.info()
    check_true("INFO parses and has redis_version", "redis_version" in info, sorted(info)[:20])
    check("INFO keyspace section parsed as a dict for db13", 1, r.info("keyspace").get("db13", {}).get("keys"))
    r.close()


# ---- strings ----------------------------------------------------------------------

def test_strings(r):
    check("set/get", (True, "v1"), (r.set("s", "v1"), r.get("s")))
    check("get of a missing key is None", None, r.get("missing"))
    check("set nx on an existing key is None", None, r.set("s", "x", nx=True))
    check("set xx on an existing key", True, r.set("s", "v2", xx=True))
    check("set get=True returns the old value", "v2", r.set("s", "v3", get=True))
    check("set ex then ttl", (True, 100), (r.set("e", "1", ex=100), r.ttl("e")))
    r.set("p", "1", px=100000)
    check_true("set px then pttl in range", 99000 < r.pttl("p") <= 100000, r.pttl("p"))
    check("setex then ttl", (True, 50), (r.setex("sx", 50, "v"), r.ttl("sx")))
    check("mset/mget with a missing key", (True, ["1", None, "2"]),
          (r.mset({"m1": "1", "m2": "2"}), r.mget(["m1", "nope", "m2"])))
    check("msetnx fails when one key exists", False, r.msetnx({"m1": "x", "m9": "y"}))
    check("incr/incrby/decr/decrby", [1, 11, 10, 5],
          [r.incr("n"), r.incrby("n", 10), r.decr("n"), r.decrby("n", 5)])
    check("incrbyfloat returns a float", 5.5, r.incrbyfloat("n", 0.5))
    check("incrbyfloat keeps Redis's formatting", "5.5", r.get("n"))
    check_raises("incr of a non-integer is a ResponseError", redis.ResponseError,
                 "value is not an integer or out of range", lambda: r.incr("s"))
    check("append/strlen", (7, 7), (r.append("a", "hello, "), r.strlen("a")))
    check("getrange", "ell", r.getrange("a", 1, 3))
    check("setrange pads with zero bytes", (12, "hello, \x00\x00\x00wo"),
          (r.setrange("a", 10, "wo"), r.get("a")))
    check("getset", ("v3", "v4"), (r.getset("s", "v4"), r.get("s")))
    check("getdel", ("v4", None), (r.getdel("s"), r.get("s")))
    check("getex persist", ("1", -1), (r.getex("e", persist=True), r.ttl("e")))
    check("non-ASCII bytes round-trip", "h\u00e9llo \u2603", (r.set("u", "h\u00e9llo \u2603"), r.get("u"))[1])
    big = "x" * 1000000
    check("a 1 MB value round-trips", True, r.set("big", big) and r.get("big") == big)


# ---- keyspace ---------------------------------------------------------------------

def test_keyspace(r):
    r.flushdb()
    r.mset({"k1": "a", "k2": "b", "k3": "c"})
    check("exists counts keys", 2, r.exists("k1", "k2", "nope"))
    check("type of a string", "string", r.type("k1"))
    r.rpush("lk", "x")
    check("type of a list", "list", r.type("lk"))
    check("type of a missing key", "none", r.type("nope"))
    check("delete returns the count", 2, r.delete("k1", "k2", "nope"))
    check("rename", (True, "c"), (r.rename("k3", "k4"), r.get("k4")))
    check_raises("rename of a missing key", redis.ResponseError, "no such key",
                 lambda: r.rename("nope", "x"))
    r.set("k5", "d")
    check("renamenx onto an existing key", False, r.renamenx("k4", "k5"))
    check("expire/ttl/persist", (True, 30, True, -1),
          (r.expire("k4", 30), r.ttl("k4"), r.persist("k4"), r.ttl("k4")))
    check("ttl of a missing key", -2, r.ttl("nope"))
    check("keys with a pattern", ["k4", "k5"], sorted(r.keys("k*")))
    check("dbsize", 3, r.dbsize())
    check("randomkey is a key of this db", True, r.exists(r.randomkey()) == 1)
    check("unlink", 1, r.unlink("k5"))
    check("copy", (True, "c"), (r.copy("k4", "k6"), r.get("k6")))
    r.set("gone", "1", px=50)
    time.sleep(0.2)
    check("a key with a 50 ms TTL is gone after 200 ms", (None, 0), (r.get("gone"), r.exists("gone")))
    check("move to another db", (True, 0, "c"), (r.move("k6", 14), r.exists("k6"), client(db=14, decode_responses=True).get("k6")))
    client(db=14).delete("k6")


# ---- lists ------------------------------------------------------------------------

def test_lists(r):
    check("rpush/lpush return the length", (3, 4), (r.rpush("l", "a", "b", "c"), r.lpush("l", "z")))
    check("lrange", ["z", "a", "b", "c"], r.lrange("l", 0, -1))
    check("llen/lindex", (4, "c", None), (r.llen("l"), r.lindex("l", -1), r.lindex("l", 99)))
    check("linsert before", 5, r.linsert("l", "before", "b", "ab"))
    check("lset", True, r.lset("l", 0, "y"))
    check("lpos", 2, r.lpos("l", "ab"))
    check("lrem", 1, r.lrem("l", 0, "ab"))
    check("ltrim", (True, ["a", "b"]), (r.ltrim("l", 1, 2), r.lrange("l", 0, -1)))
    check("lpop/rpop", ("a", "b", None), (r.lpop("l"), r.rpop("l"), r.lpop("l")))
    r.rpush("l2", 1, 2, 3, 4)
    check("lpop with a count", ["1", "2"], r.lpop("l2", 2))
    check("lmove", ("4", ["4"]), (r.lmove("l2", "l3", "RIGHT", "LEFT"), r.lrange("l3", 0, -1)))
    check("rpoplpush", "3", r.rpoplpush("l2", "l3"))

    t0 = time.monotonic()
    check("blpop times out with None", None, r.blpop(["empty"], timeout=0.3))
    check_true("blpop timeout waited about 0.3 s", 0.25 <= time.monotonic() - t0 < 3,
               time.monotonic() - t0)

    # a BLPOP woken by a push from another connection
    waiter = client(decode_responses=True)
    got = {}

    def block():
        t = time.monotonic()
        got["reply"] = waiter.blpop(["q1", "q2"], timeout=5)
        got["waited"] = time.monotonic() - t

    th = threading.Thread(target=block, daemon=True)
    th.start()
    time.sleep(0.3)
    check("the blocked client is counted in INFO", 1, r.info("clients")["blocked_clients"])
    check("rpush to the watched list returns 1", 1, r.rpush("q2", "job"))
    th.join(TIMEOUT)
    check("blpop woken by another connection returns (key, value)", ("q2", "job"), got.get("reply"))
    check_true("blpop was served promptly after the push", 0.2 < got.get("waited", 99) < 3,
               got.get("waited"))
    check("the pushed element was consumed", 0, r.llen("q2"))
    r.rpush("l3", "last")
    check("brpop returns at once when data is there", ("l3", "last"), r.brpop(["l3"], timeout=1))
    waiter.close()


# ---- hashes -----------------------------------------------------------------------

def test_hashes(r):
    check("hset with a mapping returns the new field count", 3, r.hset("h", mapping={"a": 1, "b": 2, "c": 3}))
    check("hset of an existing field returns 0", 0, r.hset("h", "a", 10))
    check("hget", ("10", None), (r.hget("h", "a"), r.hget("h", "zz")))
    check("hgetall returns a dict", {"a": "10", "b": "2", "c": "3"}, r.hgetall("h"))
    check("hmget", ["10", None, "3"], r.hmget("h", ["a", "zz", "c"]))
    check("hincrby/hincrbyfloat", (15, 2.5), (r.hincrby("h", "a", 5), r.hincrbyfloat("h", "b", 0.5)))
    check("hkeys/hvals", (["a", "b", "c"], ["15", "2.5", "3"]), (sorted(r.hkeys("h")), sorted(r.hvals("h"))))
    check("hlen/hexists/hstrlen", (3, True, False, 3), (r.hlen("h"), r.hexists("h", "a"), r.hexists("h", "q"), r.hstrlen("h", "b")))
    check("hsetnx", (False, True), (r.hsetnx("h", "a", 1), r.hsetnx("h", "d", 4)))
    check("hdel", 2, r.hdel("h", "c", "d", "nope"))
    check_true("hrandfield returns a field", r.hrandfield("h") in ("a", "b"), r.hrandfield("h"))
    check("hrandfield -5 with values returns 10 items", 10, len(r.hrandfield("h", -5, withvalues=True)))
    r.hset("bigh", mapping={"f%d" % i: "v%d" % i for i in range(300)})
    check("hscan_iter over a hash table of 300 fields", 300, len(dict(r.hscan_iter("bigh"))))
    check("hgetall of 300 fields", "v299", r.hgetall("bigh")["f299"])
    check_raises("hget on a string key is WRONGTYPE", redis.ResponseError,
                 "WRONGTYPE Operation against a key holding the wrong kind of value",
                 lambda: (r.set("str", "x"), r.hget("str", "a")))


# ---- sets -------------------------------------------------------------------------

def test_sets(r):
    check("sadd counts new members", 3, r.sadd("s1", "a", "b", "c"))
    r.sadd("s2", "b", "c", "d")
    check("smembers returns a set", {"a", "b", "c"}, r.smembers("s1"))
    check("sismember/smismember", (True, [True, False]), (r.sismember("s1", "a"), r.smismember("s1", ["b", "z"])))
    check("scard", 3, r.scard("s1"))
    check("sinter/sunion/sdiff", ({"b", "c"}, {"a", "b", "c", "d"}, {"a"}),
          (r.sinter("s1", "s2"), r.sunion("s1", "s2"), r.sdiff("s1", "s2")))
    check("sinterstore", (2, {"b", "c"}), (r.sinterstore("s3", ["s1", "s2"]), r.smembers("s3")))
    check("smove", (True, False), (r.smove("s1", "s2", "a"), r.sismember("s1", "a")))
    check("srem", 1, r.srem("s1", "b", "nope"))
    r.sadd("ints", *range(10))
    check("an integer set's members", {str(i) for i in range(10)}, r.smembers("ints"))
    popped = r.spop("ints", 3)
    check("spop with a count", (3, 7), (len(popped), r.scard("ints")))
    check("srandmember -20 repeats members", 20, len(r.srandmember("ints", -20)))
    r.sadd("bigs", *["m%d" % i for i in range(600)])
    check("sscan_iter over 600 members", 600, len(set(r.sscan_iter("bigs"))))
    check("sscan_iter with match", {"m59%d" % i for i in range(10)} | {"m59"},
          set(r.sscan_iter("bigs", match="m59*")))


# ---- sorted sets ------------------------------------------------------------------

def test_zsets(r):
    check("zadd with a mapping", 3, r.zadd("z", {"a": 1, "b": 2.5, "c": 3}))
    check("zscore returns a float", 2.5, r.zscore("z", "b"))
    check("zrange withscores", [("a", 1.0), ("b", 2.5), ("c", 3.0)], r.zrange("z", 0, -1, withscores=True))
    check("zrevrange", ["c", "b", "a"], r.zrevrange("z", 0, -1))
    check("zrangebyscore exclusive", ["b"], r.zrangebyscore("z", "(1", "(3"))
    check("zrangebyscore limit", ["b", "c"], r.zrangebyscore("z", "-inf", "+inf", start=1, num=2))
    check("zincrby", 4.0, r.zincrby("z", 3, "a"))
    check("zrank/zrevrank", (2, 0), (r.zrank("z", "a"), r.zrevrank("z", "a")))
    check("zcount", 2, r.zcount("z", 2, 3))
    check("zadd nx does not update", (0, 4.0), (r.zadd("z", {"a": 100}, nx=True), r.zscore("z", "a")))
    check("zadd gt ch", (1, 5.0), (r.zadd("z", {"a": 5}, gt=True, ch=True), r.zscore("z", "a")))
    check("zadd incr returns the new score", 6.0, r.zadd("z", {"a": 1}, incr=True))
    check("zmscore", [6.0, None], r.zmscore("z", ["a", "nope"]))
    check("infinite scores", [("ninf", float("-inf")), ("pinf", float("inf"))],
          (r.zadd("zi", {"pinf": float("inf"), "ninf": float("-inf")}), r.zrange("zi", 0, -1, withscores=True))[1])
    check("zpopmin", [("b", 2.5)], r.zpopmin("z"))
    check("zrem", 1, r.zrem("z", "c", "nope"))
    r.zadd("zu1", {"x": 1, "y": 2})
    r.zadd("zu2", {"y": 10, "w": 4})
    check("zunionstore with weights", (3, [("x", 1.0), ("w", 8.0), ("y", 22.0)]),
          (r.zunionstore("zu", {"zu1": 1, "zu2": 2}), r.zrange("zu", 0, -1, withscores=True)))
    check("zinterstore aggregate max", (1, [("y", 10.0)]),
          (r.zinterstore("zn", ["zu1", "zu2"], aggregate="MAX"), r.zrange("zn", 0, -1, withscores=True)))
    check("zrangebylex", ["b", "c"], (r.zadd("zl", {c: 0 for c in "abcd"}), r.zrangebylex("zl", "[b", "(d"))[1])
    check("bzpopmin returns (key, member, score)", ("zu", "x", 1.0), r.bzpopmin(["zu"], timeout=1))
    r.zadd("bigz", {"m%d" % i: i for i in range(200)})
    check("zscan_iter over 200 members", 200, len(dict(r.zscan_iter("bigz"))))
    check("zrange of a skiplist zset", [("m198", 198.0), ("m199", 199.0)], r.zrange("bigz", -2, -1, withscores=True))
    check("17-digit score precision", 0.1 + 0.2, (r.zadd("zp", {"m": 0.1 + 0.2}), r.zscore("zp", "m"))[1])


# ---- pipelines and transactions ---------------------------------------------------

def test_pipelines(r):
    p = r.pipeline(transaction=False)
    p.set("pk", 1).incr("pk").get("pk").lpush("pl", "a", "b").lrange("pl", 0, -1).get("nope")
    check("non-transactional pipeline", [True, 2, "2", 2, ["b", "a"], None], p.execute())

    p = r.pipeline(transaction=False)
    for i in range(1000):
        p.set("pp%d" % i, i)
    p.get("pp999")
    res = p.execute()
    check("a 1001-command pipeline", (1001, "999"), (len(res), res[-1]))

    p = r.pipeline()  # transactional: MULTI ... EXEC
    p.set("tk", "a").append("tk", "b").get("tk").hset("th", "f", "v").hgetall("th")
    check("transactional pipeline", [True, 2, "ab", 1, {"f": "v"}], p.execute())

    p = r.pipeline()
    p.set("tk", "x").lpush("tk", "y").get("tk")
    res = p.execute(raise_on_error=False)
    check("a runtime error inside EXEC does not roll back", (True, "x"), (res[0], res[2]))
    check_true("the failing command's slot holds a WRONGTYPE ResponseError",
               isinstance(res[1], redis.ResponseError) and str(res[1]).startswith("WRONGTYPE"), res[1])

    p = r.pipeline()
    p.set("tk", "z").execute_command("GET")
    check_raises("a queued-command error makes EXEC fail with EXECABORT", redis.ResponseError,
                 "Command # 2 (GET) of pipeline caused error: wrong number of arguments for 'get' command",
                 p.execute)
    check("after EXECABORT nothing was applied", "x", r.get("tk"))


def test_watch(r):
    r.set("counter", 10)
    other = client()
    attempts = []

    def incr_counter(pipe):
        attempts.append(1)
        value = int(pipe.get("counter"))
        if len(attempts) == 1:
            other.incrby("counter", 100)  # a conflicting writer between WATCH and EXEC
        pipe.multi()
        pipe.set("counter", value + 1)

    res = r.transaction(incr_counter, "counter")
    check("transaction() retried once after the conflicting write", 2, len(attempts))
    check("transaction() result", [True], res)
    check("the retried transaction saw the other write", "111", r.get("counter"))

    with r.pipeline() as pipe:
        pipe.watch("counter")
        other.set("counter", 0)
        pipe.multi()
        pipe.set("counter", 5)
        check_raises("EXEC after a conflicting write raises WatchError", redis.WatchError, "Watched variable changed",
                     pipe.execute)
    check("the aborted transaction wrote nothing", "0", r.get("counter"))

    with r.pipeline() as pipe:
        pipe.watch("counter")
        pipe.multi()
        pipe.set("counter", 7)
        check("EXEC without a conflict succeeds", [True], pipe.execute())
    check("the value after an unconflicted WATCH", "7", r.get("counter"))
    other.close()


# ---- pub/sub ----------------------------------------------------------------------

def get_message(p, timeout=2.0):
    """The next message on p other than None, or None after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = p.get_message(timeout=0.1)
        if m is not None:
            return m
    return None


def test_pubsub(r):
    sub_client = client(decode_responses=True)
    p = sub_client.pubsub()
    p.subscribe("news", "alerts")
    check("subscribe confirmation 1", {"type": "subscribe", "pattern": None, "channel": "news", "data": 1}, get_message(p))
    check("subscribe confirmation 2", {"type": "subscribe", "pattern": None, "channel": "alerts", "data": 2}, get_message(p))
    check("publish returns the receiver count", 1, r.publish("news", "hello"))
    check("message received", {"type": "message", "pattern": None, "channel": "news", "data": "hello"}, get_message(p))
    check("get_message with nothing pending returns None", None, p.get_message(timeout=0.2))

    p.psubscribe("ev.*")
    check("psubscribe confirmation", {"type": "psubscribe", "pattern": None, "channel": "ev.*", "data": 3}, get_message(p))
    check("publish to a pattern match", 1, r.publish("ev.login", "bob"))
    check("pmessage received", {"type": "pmessage", "pattern": "ev.*", "channel": "ev.login", "data": "bob"}, get_message(p))
    check("pubsub numsub/numpat/channels", ([("news", 1), ("nobody", 0)], 1, ["alerts", "news"]),
          (r.pubsub_numsub("news", "nobody"), r.pubsub_numpat(), sorted(r.pubsub_channels())))

    p.ping("hc")  # what health checks send on a subscribed connection
    check("PING in subscribed mode replies a pong message", {"type": "pong", "pattern": None, "channel": None, "data": "hc"}, get_message(p))

    p.unsubscribe("news")
    check("unsubscribe confirmation", {"type": "unsubscribe", "pattern": None, "channel": "news", "data": 2}, get_message(p))
    check("publish to the left channel reaches nobody", 0, r.publish("news", "x"))
    p.punsubscribe()
    check("punsubscribe confirmation", {"type": "punsubscribe", "pattern": None, "channel": "ev.*", "data": 1}, get_message(p))
    p.unsubscribe()
    check("last unsubscribe confirmation", {"type": "unsubscribe", "pattern": None, "channel": "alerts", "data": 0}, get_message(p))
    p.close()

    # handlers and ignore_subscribe_messages, as applications use them
    got = []
    p = sub_client.pubsub(ignore_subscribe_messages=True)
    p.subscribe(**{"jobs": lambda m: got.append(m["data"])})
    p.psubscribe(**{"jobs.*": lambda m: got.append(m["channel"])})
    check("subscribe messages are ignored", None, p.get_message(timeout=0.5))
    r.publish("jobs", "1")
    r.publish("jobs.a", "2")
    deadline = time.monotonic() + 3
    while len(got) < 2 and time.monotonic() < deadline:
        p.get_message(timeout=0.1)
    check("handlers saw both messages in order", ["1", "jobs.a"], got)
    p.close()

    # redis-py's health check: PING redis-py-health-check, answered by a pong message
    hc = client(health_check_interval=1, decode_responses=True)
    p = hc.pubsub(ignore_subscribe_messages=True)
    p.subscribe("hc")
    p.get_message(timeout=0.5)
    time.sleep(1.2)
    r.publish("hc", "after-health-check")
    check("a message arrives after the health check", "after-health-check", (get_message(p) or {}).get("data"))
    p.close()
    hc.close()
    sub_client.close()


# ---- scan_iter --------------------------------------------------------------------

def test_scan_iter(r):
    r.flushdb()
    p = r.pipeline(transaction=False)
    for i in range(1000):
        p.set("user:%d" % i, i)
    for i in range(50):
        p.hset("obj:%d" % i, "f", i)
    p.execute()
    users = list(r.scan_iter(match="user:*", count=100))
    check("scan_iter(match) finds every matching key once", (1000, 1000), (len(users), len(set(users))))
    check("scan_iter(match) returns only matches", True, all(k.startswith("user:") for k in users))
    check("scan_iter without a match walks the whole db", 1050, len(set(r.scan_iter())))
    check("scan_iter(_type='hash')", {"obj:%d" % i for i in range(50)}, set(r.scan_iter(_type="hash")))
    check("scan_iter with no match", [], list(r.scan_iter(match="nothing:*")))


# ---- lock (SET NX PX + a Lua release, as Celery's restore does) -------------------

def test_lock(r):
    lock = r.lock("lk", timeout=5, blocking_timeout=1)
    check("Lock.acquire", True, lock.acquire())
    check("a second lock on the same name cannot be taken", False, r.lock("lk", blocking_timeout=0.2).acquire())
    lock.release()
    check("Lock.release (EVALSHA) frees the key", 0, r.exists("lk"))


def main():
    global PORT
    if len(sys.argv) != 2:
        print("usage: redis_py_test.py PORT", file=sys.stderr)
        return 2
    PORT = int(sys.argv[1])
    t0 = time.monotonic()
    run_step(test_localhost_db13)
    r = client(decode_responses=True)
    r.flushdb()
    steps = [test_strings, test_keyspace, test_lists, test_hashes, test_sets, test_zsets,
             test_pipelines, test_watch, test_pubsub, test_scan_iter, test_lock]
    for t in steps:
        run_step(lambda: t(r), t.__name__)
    r.flushdb()
    r.close()
    print("redis-py %s: %d checks passed, %d failed (%.1f s)"
          % (redis.__version__, passed, failed, time.monotonic() - t0))
    return 1 if failed else 0


def run_step(fn, name=None):
    global failed
    try:
        fn()
    except Exception:
        failed += 1
        print("[err] %s raised:" % (name or fn.__name__))
        print("      " + traceback.format_exc().replace("\n", "\n      "))


if __name__ == "__main__":
    sys.exit(main())
