// tests/clients/node/check.js: the tiny check helpers the node client tests share.
//
// Owns counting, printing and bounding: check() compares with a deep equality,
// within() fails a promise that takes longer than its bound, so no test can hang.
// Knows nothing of Redis. Start at check().
//
// SPDX-License-Identifier: BSD-3-Clause
'use strict';
const assert = require('node:assert');
const util = require('node:util');

const counts = { passed: 0, failed: 0 };

function show(v) {
  return util.inspect(v, { depth: 6, breakLength: Infinity });
}

function check(name, expected, got) {
  try {
    assert.deepStrictEqual(got, expected);
    counts.passed++;
    console.log('[ok] ' + name);
  } catch (e) {
    counts.failed++;
    console.log('[err] ' + name);
    console.log('      expected: ' + show(expected));
    console.log('      got:      ' + show(got));
  }
}

function checkTrue(name, cond, detail) {
  if (cond) check(name, true, true);
  else check(name, 'condition true', detail);
}

// Resolves like p, or rejects after ms milliseconds.
function within(ms, what, p) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

// The error p rejects with (its message), or a marker when it resolves.
async function errorOf(p) {
  try {
    const v = await p;
    return { resolved: v };
  } catch (e) {
    return e.message;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Runs each named async step; an exception fails that step and the rest still run.
async function runSteps(label, steps) {
  const t0 = Date.now();
  for (const [name, fn] of steps) {
    try {
      await fn();
    } catch (e) {
      counts.failed++;
      console.log(`[err] ${name} threw: ${e && e.stack ? e.stack : e}`);
    }
  }
  console.log(`${label}: ${counts.passed} checks passed, ${counts.failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return counts.failed === 0 ? 0 : 1;
}

module.exports = { check, checkTrue, within, errorOf, sleep, runSteps };
