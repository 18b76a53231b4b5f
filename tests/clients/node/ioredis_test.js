// tests/clients/node/ioredis_test.js: kvd driven by ioredis 5 (version pinned in package-lock.json).
//
// Owns the ioredis checks: its connect sequence (SELECT, INFO ready check, CLIENT SETNAME),
// set/get, pipelines, MULTI/EXEC with WATCH, BLPOP woken by another connection, pub/sub
// with patterns. Knows nothing of kvd's internals; tests/clients/run.sh starts the server
// and passes its port. Reconnects are off and every await is bounded by within(), so a
// silent server fails the test instead of hanging it. Start at the steps list at the end.
// Usage: node ioredis_test.js PORT
//
// SPDX-License-Identifier: BSD-3-Clause
'use strict';
const Redis = require('ioredis');
const { check, checkTrue, within, errorOf, sleep, runSteps } = require('./check');

const PORT = Number(process.argv[2]);
const T = 5000; // ms bound on any one reply

function connect(extra = {}) {
  const r = new Redis({
    host: '127.0.0.1',
    port: PORT,
    db: 11,
    lazyConnect: true,
    connectTimeout: T,
    commandTimeout: T,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null, // a dropped connection fails the test, it is not retried
    ...extra,
  });
  r.on('error', () => {}); // surfaced through the rejected commands instead
  return r;
}

const opened = [];
async function open(extra) {
  const r = connect(extra);
  opened.push(r);
  await within(T, 'connect + ready check', r.connect());
  return r;
}

let r;

async function testConnect() {
  r = await open({ connectionName: 'kvd-ioredis' });
  check('ready check passed (INFO parsed, not loading)', 'ready', r.status);
  // the ready check's own parsing, applied to what the server sent
  const info = {};
  for (const line of (await r.info()).split('\r\n')) {
    const [k, ...v] = line.split(':');
    if (v.join(':')) info[k] = v.join(':');
  }
  check('INFO has loading:0', '0', info.loading);
  checkTrue('INFO has a redis_version', /^\d+\.\d+\.\d+$/.test(info.redis_version || ''), info.redis_version);
  check('connectionName was sent with CLIENT SETNAME', 'kvd-ioredis', await r.client('GETNAME'));
  await r.flushdb();
  await r.set('where', 'db11');
  const r0 = await open({ db: 0 });
  check('db option selects the database', [1, 0], [await r.exists('where'), await r0.exists('where')]);
  check('ping', 'PONG', await r.ping());
}

async function testStrings() {
  check('set/get', ['OK', 'bar'], [await r.set('foo', 'bar'), await r.get('foo')]);
  check('get of a missing key is null', null, await r.get('missing'));
  check('set EX then ttl', ['OK', 60], [await r.set('ex', '1', 'EX', 60), await r.ttl('ex')]);
  check('set NX on an existing key is null', null, await r.set('foo', 'x', 'NX'));
  check('mset/mget', ['OK', ['1', null, '2']], [await r.mset({ a: 1, b: 2 }), await r.mget('a', 'zz', 'b')]);
  check('incr/incrbyfloat', [2, '2.5'], [await r.incr('a'), await r.incrbyfloat('a', 0.5)]);
  check('getBuffer returns a Buffer', Buffer.from('bar'), await r.getBuffer('foo'));
  const bin = Buffer.from([0, 1, 2, 255, 13, 10]);
  await r.set('bin', bin);
  check('binary value round-trips', bin, await r.getBuffer('bin'));
  check('hset/hgetall returns an object', { f1: 'v1', f2: 'v2' },
    (await r.hset('h', { f1: 'v1', f2: 'v2' }), await r.hgetall('h')));
  check('zadd/zrange WITHSCORES', ['a', '1', 'b', '2.5'],
    (await r.zadd('z', 1, 'a', 2.5, 'b'), await r.zrange('z', 0, -1, 'WITHSCORES')));
  check('smembers', ['x', 'y'], (await r.sadd('s', 'y', 'x'), (await r.smembers('s')).sort()));
  check('WRONGTYPE error text', 'WRONGTYPE Operation against a key holding the wrong kind of value',
    await errorOf(r.lpush('foo', 'x')));
}

async function testPipeline() {
  const res = await within(T, 'pipeline', r.pipeline().set('p1', 'a').append('p1', 'b').get('p1')
    .lpush('foo', 'x').incr('pn').exec());
  check('pipeline results in order', [[null, 'OK'], [null, 2], [null, 'ab']], res.slice(0, 3));
  checkTrue('a failing command in a pipeline gives its error in place',
    res[3][0] instanceof Error && res[3][0].message.startsWith('WRONGTYPE'), res[3]);
  check('the command after the error still ran', [null, 1], res[4]);
  const p = r.pipeline();
  for (let i = 0; i < 1000; i++) p.set(`k${i}`, i);
  p.dbsize();
  const many = await within(T, 'pipeline of 1001', p.exec());
  check('a 1001-command pipeline', [1001, null], [many.length, many[1000][0]]);
  checkTrue('dbsize after it counts the keys', many[1000][1] >= 1000, many[1000]);
}

async function testMulti() {
  check('multi/exec', [[null, 'OK'], [null, 'm'], [null, 1]],
    await within(T, 'multi', r.multi().set('m', 'm').get('m').incr('mc').exec()));
  const err = await errorOf(r.multi().set('m', '1').lpush('m', 'x').get('m').exec());
  checkTrue('runtime error inside EXEC: the exec resolves, not rejects', typeof err === 'object', err);
  const res = err.resolved;
  check('runtime error inside EXEC does not roll back', [[null, 'OK'], [null, '1']], [res[0], res[2]]);
  checkTrue('the failing command holds its WRONGTYPE error', res[1][0] && res[1][0].message.startsWith('WRONGTYPE'), res[1]);
  check('a queued-command error aborts with EXECABORT',
    'EXECABORT Transaction discarded because of previous errors.',
    await errorOf(r.multi().set('m', '2').call('get').exec()));
  check('EXECABORT applied nothing', '1', await r.get('m'));

  const other = await open();
  await r.watch('w');
  await other.set('w', 'theirs');
  check('EXEC after a conflicting write to a WATCHed key is null', null,
    await within(T, 'watched exec', r.multi().set('w', 'mine').exec()));
  check('the conflicting value stays', 'theirs', await r.get('w'));
  await r.watch('w');
  check('EXEC with no conflict', [[null, 'OK']], await r.multi().set('w', 'mine').exec());
}

async function testBlpop() {
  const waiter = await open();
  const t0 = Date.now();
  check('blpop times out with null', null, await within(T, 'blpop timeout', waiter.blpop('empty', 0.3)));
  checkTrue('blpop waited about 0.3 s', Date.now() - t0 >= 250, Date.now() - t0);
  const pending = within(T, 'blpop wake-up', waiter.blpop('q1', 'q2', 5));
  await sleep(200);
  check('rpush to a list a client blocks on', 1, await r.rpush('q2', 'job'));
  check('blpop woken by another connection', ['q2', 'job'], await pending);
  check('the element was consumed', 0, await r.llen('q2'));
}

async function testPubsub() {
  const sub = await open();
  const got = [];
  sub.on('message', (ch, msg) => got.push(['message', ch, msg]));
  sub.on('pmessage', (pat, ch, msg) => got.push(['pmessage', pat, ch, msg]));
  check('subscribe resolves with the subscription count', 2, await within(T, 'subscribe', sub.subscribe('news', 'alerts')));
  check('psubscribe count', 3, await within(T, 'psubscribe', sub.psubscribe('ev.*')));
  check('publish to a subscribed channel', 1, await r.publish('news', 'hello'));
  check('publish to a pattern match', 1, await r.publish('ev.login', 'bob'));
  const deadline = Date.now() + T;
  while (got.length < 2 && Date.now() < deadline) await sleep(20);
  check('messages arrive in order', [['message', 'news', 'hello'], ['pmessage', 'ev.*', 'ev.login', 'bob']], got);
  // RESP2: a subscribed client's PING is answered by a ["pong", arg] array
  check('PING while subscribed replies a pong array', ['pong', ''], await within(T, 'subscribed ping', sub.ping()));
  // ioredis resolves an argument-less unsubscribe only once the count reaches 0, so name them
  check('unsubscribe returns the remaining count', 1, await within(T, 'unsubscribe', sub.unsubscribe('news', 'alerts')));
  check('punsubscribe all returns 0', 0, await within(T, 'punsubscribe', sub.punsubscribe()));
  check('after leaving subscribed mode normal commands work', 'db11', await sub.get('where'));
  check('publish to a channel no one listens to', 0, await r.publish('news', 'x'));
}

async function testScanStream() {
  const keys = await within(T, 'scanStream', new Promise((resolve, reject) => {
    const out = [];
    r.scanStream({ match: 'k1*', count: 100 })
      .on('data', (batch) => out.push(...batch))
      .on('end', () => resolve(out))
      .on('error', reject);
  }));
  check('scanStream finds k1, k10-k19, k100-k199 once each', 111, new Set(keys).size);
}

(async () => {
  const rc = await runSteps('ioredis ' + require('ioredis/package.json').version, [
    ['connect', testConnect],
    ['strings', testStrings],
    ['pipeline', testPipeline],
    ['multi', testMulti],
    ['blpop', testBlpop],
    ['pubsub', testPubsub],
    ['scanStream', testScanStream],
  ]);
  try {
    if (r) await within(T, 'flushdb', r.flushdb());
  } catch (e) { /* the step failures already say why */ }
  for (const c of opened) c.disconnect();
  process.exit(rc);
})();
