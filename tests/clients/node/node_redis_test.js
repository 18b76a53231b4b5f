// tests/clients/node/node_redis_test.js: kvd driven by node-redis v4 (redis 4.7 / @redis/client 1.6,
// pinned in package-lock.json).
//
// Owns the node-redis checks: its pipelined connect sequence (CLIENT SETNAME, two CLIENT SETINFO
// whose errors it ignores, SELECT), set/get, auto-pipelining and execAsPipeline, MULTI/EXEC
// with WATCH on an isolated connection, BLPOP woken by another connection, pub/sub, HELLO 2.
// node-redis v4 has only a RESP2 decoder (RESP3 came with v5), so there is no RESP3 step.
// Knows nothing of kvd's internals; tests/clients/run.sh starts the server and passes its port.
// Reconnects are off and every await is bounded by within(). Start at the steps list at the end.
// Usage: node node_redis_test.js PORT
//
// SPDX-License-Identifier: BSD-3-Clause
'use strict';
const { createClient, commandOptions } = require('redis');
const { check, checkTrue, within, errorOf, sleep, runSteps } = require('./check');

const PORT = Number(process.argv[2]);
const T = 5000; // ms bound on any one reply

const opened = [];
async function open(extra = {}) {
  const c = createClient({
    socket: { host: '127.0.0.1', port: PORT, connectTimeout: T, reconnectStrategy: false },
    database: 12,
    ...extra,
  });
  c.on('error', () => {}); // surfaced through the rejected commands instead
  opened.push(c);
  await within(T, 'connect', c.connect());
  return c;
}

let r;

async function testConnect() {
  r = await open({ name: 'kvd-node-redis' });
  check('isReady after connect', true, r.isReady);
  check('name was sent with CLIENT SETNAME', 'kvd-node-redis', await r.clientGetName());
  await r.flushDb();
  await r.set('where', 'db12');
  const r0 = await open({ database: 0 });
  check('database option selects the database', [1, 0], [await r.exists('where'), await r0.exists('where')]);
  check('ping', 'PONG', await r.ping());
  const hello = await r.hello({ protover: 2 });
  check('HELLO 2 fields as node-redis maps them', ['redis', 2, 'standalone', 'master', []],
    [hello.server, hello.proto, hello.mode, hello.role, hello.modules]);
  checkTrue('HELLO 2 reports a version and a client id',
    /^\d+\.\d+\.\d+$/.test(hello.version) && hello.id > 0, hello);
}

async function testStrings() {
  check('set/get', ['OK', 'bar'], [await r.set('foo', 'bar'), await r.get('foo')]);
  check('get of a missing key is null', null, await r.get('missing'));
  check('set with NX EX, XX KEEPTTL and GET options', ['OK', 'OK', 60, 'bar'],
    [await r.set('ex', '1', { NX: true, EX: 60 }), await r.set('ex', '2', { XX: true, KEEPTTL: true }),
      await r.ttl('ex'), await r.set('foo', 'baz', { GET: true })]);
  check('mGet', ['baz', null], await r.mGet(['foo', 'zz']));
  check('incr/incrByFloat', [1, '1.5'], [await r.incr('n'), await r.incrByFloat('n', 0.5)]);
  check('hSet/hGetAll', { f1: 'v1', f2: 'v2' }, (await r.hSet('h', { f1: 'v1', f2: 'v2' }), { ...(await r.hGetAll('h')) }));
  check('hGetAll of a missing key', {}, { ...(await r.hGetAll('nope')) });
  check('zAdd/zRangeWithScores', [{ value: 'a', score: 1 }, { value: 'b', score: 2.5 }],
    (await r.zAdd('z', [{ score: 2.5, value: 'b' }, { score: 1, value: 'a' }]), await r.zRangeWithScores('z', 0, -1)));
  check('sAdd/sIsMember/sMembers', [true, ['x', 'y']],
    (await r.sAdd('s', ['y', 'x']), [await r.sIsMember('s', 'x'), (await r.sMembers('s')).sort()]));
  check('WRONGTYPE error text', 'WRONGTYPE Operation against a key holding the wrong kind of value',
    await errorOf(r.lPush('foo', 'x')));
  const bin = Buffer.from([0, 1, 2, 255, 13, 10]);
  await r.set('bin', bin);
  check('binary value round-trips', bin, await r.get(commandOptions({ returnBuffers: true }), 'bin'));
}

async function testPipelines() {
  // commands issued in the same tick go out as one write (auto-pipelining)
  const sets = [];
  for (let i = 0; i < 1000; i++) sets.push(r.set(`k${i}`, String(i)));
  const res = await within(T, 'auto-pipelined sets', Promise.all(sets));
  check('1000 auto-pipelined SETs', 1000, res.filter((x) => x === 'OK').length);
  check('and the last value', '999', await r.get('k999'));
  check('execAsPipeline', ['OK', 2, 'ab'],
    await within(T, 'execAsPipeline', r.multi().set('p', 'a').append('p', 'b').get('p').execAsPipeline()));
}

async function testMulti() {
  check('multi/exec', ['OK', 'm', 1], await within(T, 'multi', r.multi().set('m', 'm').get('m').incr('mc').exec()));
  check('a queued-command error aborts with EXECABORT',
    'EXECABORT Transaction discarded because of previous errors.',
    await errorOf(r.multi().set('m', '2').addCommand(['GET']).exec()));
  check('EXECABORT applied nothing', 'm', await r.get('m'));
  const other = await open();
  const conflicted = await errorOf(r.executeIsolated(async (iso) => {
    await iso.watch('w');
    await other.set('w', 'theirs');
    return iso.multi().set('w', 'mine').exec();
  }));
  check('EXEC after a conflicting write to a WATCHed key is a WatchError',
    'One (or more) of the watched keys has been changed', conflicted);
  check('the conflicting value stays', 'theirs', await r.get('w'));
  const clean = await r.executeIsolated(async (iso) => {
    await iso.watch('w');
    return iso.multi().set('w', 'mine').exec();
  });
  check('EXEC with no conflict', ['OK'], clean);
}

async function testBlpop() {
  const iso = commandOptions({ isolated: true });
  const t0 = Date.now();
  check('blPop times out with null', null, await within(T, 'blPop timeout', r.blPop(iso, 'empty', 0.3)));
  checkTrue('blPop waited about 0.3 s', Date.now() - t0 >= 250, Date.now() - t0);
  const pending = within(T, 'blPop wake-up', r.blPop(iso, ['q1', 'q2'], 5));
  await sleep(200);
  check('rPush to a list a client blocks on', 1, await r.rPush('q2', 'job'));
  check('blPop woken by another connection', { key: 'q2', element: 'job' }, await pending);
  check('the element was consumed', 0, await r.lLen('q2'));
}

async function testPubsub() {
  const sub = r.duplicate();
  sub.on('error', () => {});
  opened.push(sub);
  await within(T, 'subscriber connect', sub.connect());
  const got = [];
  await within(T, 'subscribe', sub.subscribe(['news', 'alerts'], (msg, ch) => got.push(['message', ch, msg])));
  await within(T, 'pSubscribe', sub.pSubscribe('ev.*', (msg, ch) => got.push(['pmessage', ch, msg])));
  check('numsub sees the subscriber', { news: 1, nobody: 0 }, { ...(await r.pubSubNumSub(['news', 'nobody'])) });
  check('publish to a subscribed channel', 1, await r.publish('news', 'hello'));
  check('publish to a pattern match', 1, await r.publish('ev.login', 'bob'));
  const deadline = Date.now() + T;
  while (got.length < 2 && Date.now() < deadline) await sleep(20);
  check('messages arrive in order', [['message', 'news', 'hello'], ['pmessage', 'ev.login', 'bob']], got);
  await within(T, 'unsubscribe', sub.unsubscribe(['news', 'alerts']));
  await within(T, 'pUnsubscribe', sub.pUnsubscribe('ev.*'));
  check('publish after unsubscribing reaches nobody', 0, await r.publish('news', 'x'));
  check('after leaving subscribed mode normal commands work', 'db12', await sub.get('where'));
}

async function testScanIterator() {
  const keys = [];
  await within(T, 'scanIterator', (async () => {
    for await (const k of r.scanIterator({ MATCH: 'k1*', COUNT: 100 })) keys.push(k);
  })());
  check('scanIterator finds k1, k10-k19, k100-k199 once each', [111, 111], [keys.length, new Set(keys).size]);
}

(async () => {
  const rc = await runSteps('node-redis ' + require('redis/package.json').version, [
    ['connect', testConnect],
    ['strings', testStrings],
    ['pipelines', testPipelines],
    ['multi', testMulti],
    ['blpop', testBlpop],
    ['pubsub', testPubsub],
    ['scanIterator', testScanIterator],
  ]);
  try {
    if (r) await within(T, 'flushDb', r.flushDb());
  } catch (e) { /* the step failures already say why */ }
  for (const c of opened) {
    try { await within(1000, 'disconnect', c.disconnect()); } catch (e) { /* already closed */ }
  }
  process.exit(rc);
})();
