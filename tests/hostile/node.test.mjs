// The hostile-input suite against the nodejs build (pkg-node/), each case in
// a worker thread stopped by a watchdog (a hang fails the case; the next
// case gets a fresh worker). Then recovery after a barrage of hostile calls,
// and wasm memory across a million validate calls (in fresh workers).
//
//   node --test tests/hostile/node.test.mjs
//   HOSTILE_ONLY='seed|toJSON' node --test tests/hostile/node.test.mjs   (a subset, by test name)
//   HOSTILE_SCALE=0.05 …    (shrinks the barrage and memory runs, for iterating)
//   HOSTILE_WATCHDOG_MS=5000 …   (the per-case hang guard)
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { createServer } from 'node:http';
import { cases, checkAnswers } from './cases.mjs';
import { settings, recoveryName, memoryNames, assertRecovery, assertMemory } from './settings.mjs';

const { only, watchdogMs, barrageCalls, memoryCalls, hostileMemoryCalls, warmup } = settings(process.env);

/** A loopback stand-in for the API: 404 in the service's error shape for every request. */
let api;
before(async () => {
  api = createServer((req, res) => {
    req.resume();
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Job not found"}');
  });
  await new Promise((r) => api.listen(0, '127.0.0.1', r));
});
after(async () => {
  await sandbox.stop();
  await new Promise((r) => api.close(r));
});

/** One worker at a time; replaced after a hang or a crash. */
class Sandbox {
  worker = null;
  ready = null;
  nextId = 1;

  start() {
    const baseUrl = `http://127.0.0.1:${api.address().port}`;
    const worker = new Worker(new URL('./node-worker.mjs', import.meta.url), { workerData: { baseUrl } });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    return this.ready;
  }

  /** Sends `message`; resolves to the answer, or { hang } / { crash } — the worker is then gone. */
  async run(message, timeoutMs) {
    if (!this.worker) await this.start();
    const info = await this.ready;
    const worker = this.worker;
    const id = this.nextId++;
    let timer;
    const answer = await new Promise((resolve) => {
      const onMessage = (m) => m.id === id && done(m);
      const onError = (e) => done({ crash: String(e?.stack ?? e) });
      const onExit = (code) => done({ crash: `the worker exited (${code})` });
      const done = (r) => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        resolve(r);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      timer = setTimeout(() => done({ hang: true }), timeoutMs);
      worker.postMessage({ id, ...message });
    });
    if (answer.hang || answer.crash) await this.stop();
    return { ...answer, info };
  }

  async stop() {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

const sandbox = new Sandbox();

for (const c of cases) {
  if (only && !only.test(c.name)) continue;
  test(c.name, async (t) => {
    const r = await sandbox.run({ op: 'case', name: c.name }, watchdogMs);
    if (r.hang) assert.fail(`no answer within ${watchdogMs} ms (hang guard); the worker was stopped`);
    if (r.crash) assert.fail(`the worker died: ${r.crash}`);
    t.diagnostic(`${r.ms.toFixed(1)} ms`);
    if (!r.ok) assert.fail(r.error);
  });
}

if (!only || only.test(recoveryName)) {
  test(recoveryName, async (t) => {
    // In the worker that ran the cases above (unless a hang replaced it).
    const r = await sandbox.run({ op: 'barrage', calls: barrageCalls }, 120000);
    if (r.hang) assert.fail('the barrage did not finish within 120 s (hang guard)');
    if (r.crash) assert.fail(`the worker died: ${r.crash}`);
    if (r.baselineError) assert.fail(`ordinary answers of a fresh instance threw: ${r.baselineError}`);
    checkAnswers(r.baseline);
    assertRecovery(t, r, barrageCalls);
  });
}

for (const [bodies, name] of Object.entries(memoryNames)) {
  if (only && !only.test(name)) continue;
  test(name, async (t) => {
    await sandbox.stop(); // a fresh instance: its memory has seen nothing yet
    const calls = bodies === 'plain' ? memoryCalls : hostileMemoryCalls;
    const r = await sandbox.run({ op: 'memory', bodies, warmup, calls }, 120000);
    if (r.hang) assert.fail('the memory run did not finish within 120 s (hang guard)');
    if (r.crash) assert.fail(`the worker died: ${r.crash}`);
    assertMemory(t, r);
  });
}
