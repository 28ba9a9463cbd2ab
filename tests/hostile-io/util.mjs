// Shared helpers of the review tests.
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
export const hh = require('../../pkg-node/happyhorse.js');

/** Every string reachable from `v` (own properties, getters, arrays), with its path. */
export function texts(v, path = 'value') {
  const out = [];
  const seen = new Set();
  const walk = (x, p, depth) => {
    if (x === null || x === undefined || typeof x === 'function' || depth > 10) return;
    if (typeof x !== 'object') return void out.push([p, String(x)]);
    if (seen.has(x)) return;
    seen.add(x);
    for (const k of Reflect.ownKeys(x)) {
      out.push([`${p}[key]`, String(k)]);
      const d = Object.getOwnPropertyDescriptor(x, k);
      let val;
      try {
        val = 'value' in d ? d.value : d.get?.call(x);
      } catch {
        continue;
      }
      walk(val, `${p}.${String(k)}`, depth + 1);
    }
  };
  if (v instanceof Error) out.push([`${path}.stack`, String(v.stack)], [`String(${path})`, String(v)]);
  walk(v, path, 0);
  return out;
}

/** Where `secret` shows in `v`: a list of paths (empty when nowhere). */
export function whereShown(v, secret) {
  return texts(v).filter(([, t]) => t.includes(secret)).map(([p]) => p);
}

export function assertNoSecret(v, secret, what = '') {
  const at = whereShown(v, secret);
  assert.deepEqual(at, [], `${what} shows the key at ${at.join(', ')}`);
}

/** Settles `p` or says it is still pending after `ms`: [state, value-or-error, elapsed ms]. */
export async function settle(p, ms = 3000) {
  const t0 = performance.now();
  let timer;
  const r = await Promise.race([
    p.then(
      (v) => ['resolved', v],
      (e) => ['rejected', e],
    ),
    new Promise((r) => (timer = setTimeout(() => r(['pending', undefined]), ms))),
  ]);
  clearTimeout(timer);
  return [...r, performance.now() - t0];
}

export const HORSE = { prompt: 'A herd of horses thundering across desert dunes' };
