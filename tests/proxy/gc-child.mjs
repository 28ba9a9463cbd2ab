// Run by gc.test.mjs as `node --expose-gc gc-child.mjs`: timeouts and
// aborts against a hostile upstream on 127.0.0.1 while a full garbage
// collection runs every 200 ms. Node 20's fetch follows a Request's signal
// through a weak reference, so an abort that relies on it can be lost after
// a collection; the package must not. Prints one JSON line per call:
// { what, ms, result } (an HTTP status or an error code).
import { createServer } from 'node:http';
import { pkg } from '../node/load.mjs';

if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
const collector = setInterval(() => global.gc(), 200);

const UUID = '0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
// '/trickle': headers at once, then one byte every 500 ms, forever.
// '/hang': never answers at all.
const upstream = createServer((req, res) => {
  req.resume();
  if (req.url.startsWith('/hang')) return;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{');
  const drip = setInterval(() => res.write(' '), 500);
  res.on('close', () => clearInterval(drip));
});
await new Promise((ok) => upstream.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${upstream.address().port}`;

const report = (what, t0, result) => console.log(JSON.stringify({ what, ms: Math.round(performance.now() - t0), result }));
const code = (p) => p.then(() => 'resolved', (e) => e.code ?? String(e));

const proxy = pkg.createProxy({ apiKey: 'afk_gc_owner', upstream: `${base}/trickle`, timeoutMs: 2000 });
for (let batch = 0; batch < 3; batch++) {
  await Promise.all(Array.from({ length: 10 }, async () => {
    const t0 = performance.now();
    const r = await proxy(new Request(`http://127.0.0.1/v2/jobs/${UUID}`));
    report('proxy 504 at timeoutMs 2000', t0, r.status);
  }));
}

for (const path of ['hang', 'trickle']) {
  const client = new pkg.Client({ baseUrl: `${base}/${path}`, timeoutMs: 2000, maxRetries: 0 });
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    report(`getJob TIMEOUT at timeoutMs 2000 (${path})`, t0, await code(client.getJob(UUID)));
  }
  for (let i = 0; i < 3; i++) {
    const controller = new AbortController();
    const call = code(client.getJob(UUID, { signal: controller.signal }));
    await new Promise((ok) => setTimeout(ok, 1000));
    const t0 = performance.now();
    controller.abort();
    report(`getJob ABORTED after the abort (${path})`, t0, await call);
  }
}

// A wait asleep between polls (the first poll comes after 2 s), aborted at 1 s.
const waiting = new pkg.Client({ baseUrl: `${base}/hang`, timeoutMs: 2000 });
for (let i = 0; i < 3; i++) {
  const controller = new AbortController();
  const call = code(waiting.waitForJob(UUID, { signal: controller.signal }));
  await new Promise((ok) => setTimeout(ok, 1000));
  const t0 = performance.now();
  controller.abort();
  report('waitForJob ABORTED after the abort (asleep)', t0, await call);
}
const t0 = performance.now();
report('waitForJob TIMEOUT at its timeoutMs 3000', t0, await code(waiting.waitForJob(UUID, { timeoutMs: 3000 })));

clearInterval(collector);
upstream.closeAllConnections();
upstream.close();
