// Fuzzes every export through the real JS glue with arbitrary JS values:
// nothing may throw anything but a HappyHorseError where an export documents
// a throw, no promise may reject with anything else, and the module must
// still answer afterwards (a wasm panic would abort it for good).
import test from 'node:test';
import assert from 'node:assert/strict';
import { pkg } from './load.mjs';

function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['prompt', 'model', 'happyhorse11Params', 'images', 'resolution', 'aspect_ratio', 'duration', 'seed', 'webhookUrl', 'webhookEvents', 'apiKey', 'baseUrl', 'idempotencyKey', 'timeoutMs', 'pollIntervalMs', 'maxRetries', 'signal', 'onUpdate', 'index', '__proto__', 'toJSON', ''];
const STRINGS = ['', ' ', 'x', '[Image 1]', '[image 99999999999999999999]', 'https://example.com/a.jpg', 'blob:x', 'file:///x', 'data:,', '\u0000\u0001\u0002\u0003', '\ud800', '🐎'.repeat(3000), '720p', '16:9', 'completed', 'happyhorse-1.1', '%zz', 'http://[::1]:80/'];

function value(r, depth = 0) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const kind = Math.floor(r() * (depth > 3 ? 9 : 13));
  switch (kind) {
    case 0: return undefined;
    case 1: return null;
    case 2: return r() < 0.5;
    case 3: return pick([0, -0, 1, 3, 15, 2.5, -1, NaN, Infinity, -Infinity, 2147483647, 2 ** 53, 1e308]);
    case 4: case 5: return pick(STRINGS);
    case 6: return pick([10n, Symbol('s'), () => 1, new Date(0), new Map(), new String('boxed')]);
    case 7: return pick([new Array(20000), Object.create(null), new Uint8Array(4)]);
    case 8: return pick([{ get prompt() { throw new Error('getter'); } }, new Proxy({}, { ownKeys() { throw new Error('keys'); } }), { toJSON() { throw new Error('toJSON'); } }]);
    case 9: case 10: {
      const o = {};
      const n = Math.floor(r() * 6);
      for (let i = 0; i < n; i++) o[pick(KEYS)] = value(r, depth + 1);
      if (r() < 0.05) o.self = o; // a cycle
      return o;
    }
    default: return Array.from({ length: Math.floor(r() * 5) }, () => value(r, depth + 1));
  }
}

function onlyHappyHorseErrors(fn) {
  try { fn(); } catch (e) {
    assert.ok(e instanceof pkg.HappyHorseError, `threw ${e && e.name}: ${e && e.message}`);
    assert.ok(typeof e.code === 'string' && typeof e.message === 'string');
  }
}

test('2000 arbitrary values through every synchronous export', () => {
  const r = rng(7);
  for (let i = 0; i < 2000; i++) {
    const v = value(r);
    const report = pkg.validate(v);
    assert.equal(typeof report.ok, 'boolean');
    assert.equal(report.ok, report.errors.length === 0);
    onlyHappyHorseErrors(() => pkg.estimateCost(v));
    onlyHappyHorseErrors(() => pkg.buildRequest(v, value(r)));
    onlyHappyHorseErrors(() => pkg.buildRequest({ prompt: 'x' }, v));
    onlyHappyHorseErrors(() => pkg.findImageReferences(v));
    onlyHappyHorseErrors(() => new pkg.Client(v));
  }
  assert.equal(pkg.validate({ prompt: 'still alive' }).ok, true);
});

test('arbitrary arguments to the async exports reject only with HappyHorseErrors', async () => {
  const r = rng(11);
  const client = new pkg.Client({ baseUrl: 'http://127.0.0.1:9', maxRetries: 0, timeoutMs: 200 });
  const settle = async (p) => {
    try { await p; } catch (e) { assert.ok(e instanceof pkg.HappyHorseError, `rejected with ${e && e.name}: ${e && e.message}`); }
  };
  for (let i = 0; i < 150; i++) {
    const v = value(r);
    const opts = r() < 0.5 ? value(r) : { timeoutMs: 50, pollIntervalMs: 10 };
    await Promise.all([
      settle(client.submit(v, opts)),
      settle(client.getJob(v, opts)),
      settle(client.waitForJob(v, opts)),
      settle(client.generate(v, opts)),
      settle(pkg.verifyWebhook(v)),
      settle(pkg.verifyWebhook({ apiKey: 'afk', body: v, signature: 'sha256=' + '0'.repeat(64) })),
    ]);
  }
  assert.equal(pkg.validate({ prompt: 'still alive' }).ok, true);
});
