// Nothing a caller hands the client may throw through wasm: each case must
// settle (reject with a HappyHorseError) and raise no uncaught exception.
// Review found, and these check fixed (src/wasm/guard.js's request, send and parts, the guarded reads in
// src/io/cancel.rs and src/wasm/client.rs): a fetch replacement that throws
// synchronously or returns a non-promise, a Response whose getters throw,
// and a signal that passes `instanceof AbortSignal` but is not one (or whose
// `aborted` getter throws) each threw through wasm: an uncaughtException
// and a promise that never settled.
// Run: node tests/hostile-io/traps.test.mjs  (each case in its own child process)
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

const cases = {
  'fetch throws synchronously': `globalThis.fetch = () => { throw new TypeError('sync boom'); };
     return c.getJob(ID);`,
  'fetch returns undefined': `globalThis.fetch = () => undefined; return c.getJob(ID);`,
  'fetch returns a non-thenable object': `globalThis.fetch = () => ({ then: 5 }); return c.getJob(ID);`,
  'fetch resolves a Response whose headers getter throws': `
     class Evil extends Response { get headers() { throw new Error('headers getter'); } }
     globalThis.fetch = async () => new Evil('{}');
     return new hh.Client({ baseUrl: s.url, maxRetries: 0, timeoutMs: 300 }).getJob(ID);`,
  'signal: an object with AbortSignal.prototype': `return c.getJob(ID, { signal: Object.setPrototypeOf({}, AbortSignal.prototype) });`,
  'signal: a real AbortSignal whose aborted getter throws': `
     const sig = new AbortController().signal;
     Object.defineProperty(sig, 'aborted', { get() { throw new Error('aborted getter'); } });
     return c.getJob(ID, { signal: sig });`,
  'signal: addEventListener throws': `const sig = new AbortController().signal;
     sig.addEventListener = () => { throw new Error('ael'); }; return c.getJob(ID, { signal: sig });`,
  'onUpdate: a getter that throws': `return c.waitForJob(ID, { get onUpdate() { throw new Error('getter'); } });`,
  'onUpdate: throws on every call': `s.next(json(200, { id: ID, status: 'COMPLETED', result: 'https://x/v.mp4' }));
     return c.waitForJob(ID, { pollIntervalMs: 5, onUpdate() { throw new Error('ui'); } });`,
  'options: a Proxy whose traps throw': `return c.getJob(ID, new Proxy({}, { ownKeys() { throw 1; }, get() { throw 2; }, getOwnPropertyDescriptor() { throw 3; } }));`,
  'AbortController deleted from globalThis (NETWORK is fine; ABORTED after a retry is misleading)': `const ac = globalThis.AbortController; delete globalThis.AbortController;
     const p = new hh.Client({ baseUrl: s.url, maxRetries: 1 }).getJob(ID);
     return p.finally(() => (globalThis.AbortController = ac)).catch((e) => { if (e.code === 'ABORTED') throw new Error('ABORTED though nothing aborted: ' + e.message); throw e; });`,
  'setTimeout deleted from globalThis': `const st = globalThis.setTimeout; delete globalThis.setTimeout;
     return c.getJob(ID).finally(() => (globalThis.setTimeout = st));`,
};

if (process.argv[2] === 'child') {
  const name = process.argv[3];
  const { hostileServer, json, ID } = await import('./server.mjs');
  const { hh } = await import('./util.mjs');
  const uncaught = [];
  process.on('uncaughtException', (e) => uncaught.push(`${e?.constructor?.name}: ${e?.message}`));
  process.on('unhandledRejection', (e) => uncaught.push(`unhandledRejection ${e?.message}`));
  const s = await hostileServer();
  const c = new hh.Client({ baseUrl: s.url, maxRetries: 0 });
  const realFetch = globalThis.fetch;
  const realSetTimeout = globalThis.setTimeout;
  let state;
  try {
    const p = new Function('hh', 's', 'c', 'ID', 'json', cases[name])(hh, s, c, ID, json);
    state = await Promise.race([
      p.then(() => 'resolved', (e) => (e instanceof hh.HappyHorseError ? `rejected ${e.code}` : `rejected non-HappyHorseError ${e}`)),
      new Promise((r) => realSetTimeout(() => r('pending after 2 s'), 2000)),
    ]);
  } catch (e) {
    state = `threw synchronously ${e?.constructor?.name}: ${e?.message}`;
  }
  globalThis.fetch = realFetch;
  globalThis.setTimeout = realSetTimeout;
  // The module still works afterwards.
  s.next(json(404, { error: 'nf' }));
  const after = await c.getJob(ID).then(() => 'resolved', (e) => e.code);
  console.log(JSON.stringify({ state, uncaught, after }));
  await s.close();
  process.exit(0);
} else {
  for (const name of Object.keys(cases)) {
    test(name, () => {
      const r = spawnSync(process.execPath, [self, 'child', name], { encoding: 'utf8', timeout: 20000 });
      const line = r.stdout.trim().split('\n').pop();
      let out;
      try {
        out = JSON.parse(line);
      } catch {
        assert.fail(`child output: ${r.stdout} ${r.stderr}`);
      }
      assert.deepEqual(out.uncaught, [], `uncaught: ${out.uncaught.join(' | ')} (call ${out.state})`);
      assert.match(out.state, /^(resolved|rejected [A-Z_]+)$/, `the call ${out.state}`);
      assert.equal(out.after, 'NOT_FOUND', 'the module works afterwards');
    });
  }
}
