// Knobs and verdicts shared by the two drivers (node.test.mjs and
// browser.test.mjs); runs in Node only.
import assert from 'node:assert/strict';

export function settings(env) {
  const scale = Number(env.HOSTILE_SCALE ?? 1);
  assert.ok(scale > 0, 'HOSTILE_SCALE must be a positive number');
  const n = (x) => Math.max(1, Math.round(x * scale));
  return {
    only: env.HOSTILE_ONLY ? new RegExp(env.HOSTILE_ONLY, 'i') : null,
    watchdogMs: Number(env.HOSTILE_WATCHDOG_MS ?? 5000),
    barrageCalls: n(100000),
    memoryCalls: n(1000000),
    hostileMemoryCalls: n(100000),
    warmup: n(10000),
  };
}

export const recoveryName = 'recovery: after 100,000 hostile calls across all exports, every export answers ordinary input exactly as a fresh instance did';

export const memoryNames = {
  plain: 'memory: wasm memory is the same size before and after 1,000,000 validate calls on valid and invalid bodies (after 10,000 warm-up calls)',
  hostile: 'memory: wasm memory is the same size before and after 100,000 validate calls on hostile values, and validate never threw',
};

export function assertRecovery(t, r, calls) {
  t.diagnostic(`${r.calls} calls (every hostile value through every export, round after round, with ${r.runs} runs of the light cases) in ${(r.ms / 1000).toFixed(1)} s; ${r.escaped} calls escaped with something other than a HappyHorseError`);
  const failing = Object.entries(r.failing);
  if (failing.length) t.diagnostic(`cases failing during the barrage (see their own tests): ${failing.length}`);
  assert.ok(r.calls >= calls, `only ${r.calls} calls were made`);
  assert.deepEqual(r.mismatches, [], `answers changed after the barrage:\n${r.mismatches.join('\n')}`);
}

export function assertMemory(t, r) {
  t.diagnostic(`${r.calls} calls in ${(r.ms / 1000).toFixed(1)} s; memory ${r.before} → ${r.after} bytes; threw ${r.threw}`);
  const problems = [];
  if (r.threw) problems.push(`validate threw ${r.threw} times (first: ${r.firstThrow})`);
  if (r.after !== r.before) problems.push(`wasm memory grew from ${r.before} to ${r.after} bytes`);
  if (r.stillRight !== true) problems.push(`afterwards, ${r.stillRight}`);
  assert.deepEqual(problems, []);
}
