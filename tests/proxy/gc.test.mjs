// Timeouts and aborts hold under garbage collection (gc-child.mjs runs them
// with --expose-gc and a full collection every 200 ms): the proxy answers
// 504 within timeoutMs + 1 s, the client rejects with TIMEOUT within
// timeoutMs + 1 s and with ABORTED within 100 ms of the abort.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gc-child.mjs');

test('timeouts and aborts arrive on time with a GC every 200 ms', { timeout: 120_000 }, () => {
  const run = spawnSync(process.execPath, ['--expose-gc', child], { encoding: 'utf8', timeout: 110_000 });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 30 + 12 + 3 + 1, run.stdout);
  for (const { what, ms, result } of lines) {
    if (what.startsWith('proxy')) {
      assert.equal(result, 504, what);
      assert.ok(ms >= 1900 && ms <= 3000, `${what}: ${ms} ms`);
    } else if (what.includes('TIMEOUT at timeoutMs 2000')) {
      assert.equal(result, 'TIMEOUT', what);
      assert.ok(ms >= 1900 && ms <= 3000, `${what}: ${ms} ms`);
    } else if (what.includes('ABORTED')) {
      assert.equal(result, 'ABORTED', what);
      assert.ok(ms <= 100, `${what}: ${ms} ms`);
    } else {
      assert.equal(result, 'TIMEOUT', what);
      assert.ok(ms >= 2900 && ms <= 4000, `${what}: ${ms} ms`);
    }
  }
});
