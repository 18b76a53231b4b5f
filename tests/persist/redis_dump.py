#!/usr/bin/python3
# tests/persist/redis_dump.py: prints a live server's data in tests/tools/ksdump.h's canonical
# format (one sorted line per key: db type encoding expire_ms key elements...), and fills a
# server with every type and encoding Redis 7.0 writes. Used by tests/persist/interop.sh.
#   redis_dump.py dump PORT      redis_dump.py fill PORT      redis_dump.py group PORT
#   redis_dump.py restore REDIS_PORT KVD_PORT   (streams DUMPed/RESTOREd both ways)
# SPDX-License-Identifier: BSD-3-Clause
import sys

import redis


def esc(b):
    if len(b) == 0:
        return '""'
    return ''.join(chr(c) if 32 < c < 127 and c not in (0x5c, 0x22) else '\\x%02x' % c for c in b)


def dump(port):
    lines = []
    for db in range(16):
        r = redis.Redis(port=port, db=db, socket_timeout=10)
        for key in r.scan_iter(count=1000):
            t = r.type(key).decode()
            enc = r.object('encoding', key).decode()
            exp = r.execute_command('PEXPIRETIME', key)
            parts = ['%d %s %s %d %s' % (db, t, enc, exp, esc(key))]
            if t == 'string':
                parts.append(esc(r.get(key)))
            elif t == 'list':
                parts += [esc(x) for x in r.lrange(key, 0, -1)]
            elif t == 'set':
                parts += sorted(esc(x) for x in r.smembers(key))
            elif t == 'hash':
                parts += sorted(esc(f) + ' ' + esc(v) for f, v in r.hgetall(key).items())
            elif t == 'stream':
                i = r.xinfo_stream(key)
                parts.append('len=%d nodes=%d last=%s first=%s maxdel=%s added=%d' % (
                    i['length'], i['radix-tree-keys'], i['last-generated-id'].decode(),
                    i['recorded-first-entry-id'].decode(), i['max-deleted-entry-id'].decode(),
                    i['entries-added']))
                for eid, fields in r.xrange(key, '-', '+'):
                    parts.append(eid.decode())
                    parts += [esc(f) + ' ' + esc(v) for f, v in fields.items()]
            elif t == 'zset':
                for m, s in r.zrange(key, 0, -1, withscores=True):
                    parts.append(esc(m) + ' ' + '%.17g' % s)
            lines.append(' '.join(parts))
    for line in sorted(lines):
        print(line)


def fill(port):
    r = redis.Redis(port=port, socket_timeout=10)
    ints = [b'0', b'-1', b'127', b'128', b'-129', b'32768', b'-32769', b'2147483648',
            b'-2147483649', b'9223372036854775807', b'-9223372036854775808', b'007', b'+1', b'-0']
    for i, v in enumerate(ints):
        r.set(b'int:%d' % i, v)
    r.set('empty', '')
    r.set('bin', b'a\x00b\xff\r\n z')
    r.set('s21', 'a' * 21)
    r.set('s45', 'a' * 45)
    r.set('big-compressible', 'abc' * 10000)
    r.set('big-random', bytes((i * 7919 + (i >> 3) * 31) % 251 for i in range(5000)))
    r.rpush('list:small', *ints, b'', b'x' * 100)
    r.rpush('list:big', *[('e%d' % i if i % 3 else str(i * 7 - 5000)) for i in range(20000)])
    r.rpush('list:bigelem', 'y' * 20000, 'z')
    # inner nodes stored LZF-compressed in the RDB
    r.config_set('list-compress-depth', 1)
    r.rpush('list:compressed', *['compressible-element-%d' % (i % 10) for i in range(5000)])
    r.config_set('list-compress-depth', 0)
    r.sadd('set:intset', *range(-5, 50))
    r.sadd('set:intset64', 9223372036854775807, -9223372036854775808, 5)
    r.sadd('set:table', *['m%d' % i for i in range(100)], '')
    r.sadd('set:bigints', *range(0, 3000, 3))
    r.zadd('zset:listpack', {'a': 0, 'b': 1.5, 'c': -2.25, 'd': 1e300, 'e': float('inf'),
                             'f': float('-inf'), 'g': 0.1, '42': 7, 'h': 1e17})
    r.zadd('zset:skiplist', {'member-%d' % i: i * 0.5 - 20 for i in range(300)})
    r.zadd('zset:longmember', {'q' * 65: 1, 'short': 2})
    r.hset('hash:listpack', mapping={'f1': 'v1', 'n': '-12345', '': 'empty-field', 'e': ''})
    r.hset('hash:table', mapping={'field:%d' % i: str(i * i) for i in range(600)})
    r.hset('hash:longvalue', 'long', 'v' * 65)
    # streams: several nodes, own-field entries, every integer width, a 16383-byte element
    # (3-byte back length), XDEL'd and trimmed entries, a wrapping ID delta, emptied streams
    for i in range(350):
        sid = '%d-%d' % (1000 + i // 3, i)
        if i % 5 == 4:
            r.xadd('stream:nodes', {'a': ints[i % len(ints)], 'b': 'x' * (i % 70), 'c': ''}, id=sid)
        else:
            r.xadd('stream:nodes', {'field': i * 1000 - 7, 'other': 'x' * (i % 70)}, id=sid)
    r.xdel('stream:nodes', *['%d-%d' % (1000 + i // 3, i) for i in range(0, 350, 7)])
    r.xadd('stream:nodes', {'big': 'h' * 16378}, id='5000-0')
    r.xadd('stream:nodes', {'bigger': 'h' * 19999, 'n': '-9223372036854775808'}, id='5000-1')
    for i in range(300):
        r.xadd('stream:trimmed', {'k': i}, id='7-%d' % i)
    r.execute_command('XTRIM', 'stream:trimmed', 'MINID', '~', '7-150')
    r.execute_command('XTRIM', 'stream:trimmed', 'MAXLEN', '130')
    r.xadd('stream:wrap', {'f': 'v'}, id='1-1')
    r.xadd('stream:wrap', {'f': 'v'}, id='18446744073709551615-3')
    r.xadd('stream:empty-xdel', {'f': 'v'}, id='5-5')
    r.xdel('stream:empty-xdel', '5-5')
    r.xadd('stream:empty-xtrim', {'f': 'v'}, id='9-0')
    r.xtrim('stream:empty-xtrim', 0)
    r.pexpireat('stream:wrap', 4102444800126)
    r.set('ttl:str', 'x')
    r.pexpireat('ttl:str', 4102444800123)
    r.pexpireat('hash:table', 4102444800125)
    for db in (1, 7, 15):
        rr = redis.Redis(port=port, db=db, socket_timeout=10)
        rr.set('db%d-key' % db, 'v%d' % db)
        rr.rpush('db%d-list' % db, 'a', 'b')
    redis.Redis(port=port, db=15, socket_timeout=10).pexpireat('db15-key', 4102444800999)


def group(port):
    """A stream with a consumer group, which kvd must refuse to load (naming the key)."""
    r = redis.Redis(port=port, socket_timeout=10)
    r.xadd('stream:with-group', {'f': 'v'}, id='1-0')
    r.xgroup_create('stream:with-group', 'grp', id='0')


def restore_both_ways(redis_port, kvd_port):
    """DUMP every stream of the filled Redis, RESTORE it into kvd and back (rdbcompression no
    on both, so payloads compare byte for byte). Prints one line per failure; exit status 1."""
    a = redis.Redis(port=redis_port, socket_timeout=10)
    k = redis.Redis(port=kvd_port, socket_timeout=10)
    for r in (a, k):
        r.config_set('rdbcompression', 'no')
    bad = 0
    keys = sorted(x for x in a.scan_iter(count=1000) if a.type(x) == b'stream')
    for key in keys:
        p = a.dump(key)
        k.restore(key, 0, p, replace=True)
        q = k.dump(key)
        if q != p:
            print('DUMP of %r differs after RESTORE into kvd (%d vs %d bytes)' % (key, len(q), len(p)))
            bad = 1
        a.restore(key + b':back', 0, q, replace=True)
        if a.xrange(key) != a.xrange(key + b':back') or \
                a.xinfo_stream(key)['entries-added'] != a.xinfo_stream(key + b':back')['entries-added']:
            print('kvd payload of %r restores differently in Redis' % key)
            bad = 1
        if k.xrange(key) != a.xrange(key):
            print('XRANGE of %r differs between kvd and Redis' % key)
            bad = 1
        a.delete(key + b':back')
    for r in (a, k):
        r.config_set('rdbcompression', 'yes')
    print('%d streams restored both ways' % len(keys))
    sys.exit(bad)


if __name__ == '__main__':
    if sys.argv[1] == 'restore':
        restore_both_ways(int(sys.argv[2]), int(sys.argv[3]))
    else:
        {'dump': dump, 'fill': fill, 'group': group}[sys.argv[1]](int(sys.argv[2]))
