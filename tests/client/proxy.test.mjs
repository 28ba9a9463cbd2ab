// Proxy mode: the page talks to the demo server without a key; the server
// forwards to the upstream (here a second fake standing in for
// api.apiframe.ai) adding the key from its own environment.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pkg } from '../node/load.mjs';
import { startFake } from './fake.mjs';
import { fakeControl } from './control.mjs';

const KEY = 'afk_upstream_secret';
let upstream, proxy, keyless;
before(async () => {
  upstream = await startFake(['--api-key', KEY]);
  proxy = await startFake(['--upstream', upstream.url], { APIFRAME_API_KEY: KEY });
  keyless = await startFake(['--upstream', upstream.url], { APIFRAME_API_KEY: '' });
  await fakeControl(upstream.url).config({ timeScale: 600, jobSeconds: 180, queueSeconds: 5 });
});
after(() => [upstream, proxy, keyless].forEach((f) => f?.stop()));

test('a keyless client runs a job through the proxy, which adds the key', async () => {
  const job = await new pkg.Client({ baseUrl: proxy.url }).generate({ prompt: 'a horse' }, { pollIntervalMs: 50 });
  assert.equal(job.status, 'COMPLETED');
  const upstreamLog = await fakeControl(upstream.url).apiLog();
  assert.ok(upstreamLog.length >= 2);
  assert.ok(upstreamLog.every((e) => e.headers['x-api-key'] === `afk_…(${KEY.length} chars)`), 'every upstream request carries the key');
  assert.ok(upstreamLog.every((e) => e.status !== 401));
  const proxyLog = await fakeControl(proxy.url).apiLog();
  assert.ok(proxyLog.every((e) => e.headers['x-api-key'] === undefined), 'the page never sent a key');
  assert.equal(upstreamLog[0].headers['idempotency-key'], proxyLog[0].headers['idempotency-key'], 'the Idempotency-Key is passed on');
});

test('without a key in its environment the proxy gets the upstream 401', async () => {
  await assert.rejects(new pkg.Client({ baseUrl: keyless.url }).submit({ prompt: 'a horse' }), (e) => e.code === 'UNAUTHORIZED' && e.status === 401);
});
