// Proxy mode: the page talks to the demo server without a key; the server
// forwards to the upstream (here a second fake standing in for
// api.apiframe.ai) adding the key from its own environment.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pkg, root } from '../node/load.mjs';
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

test('an https upstream (like api.apiframe.ai) is reached over TLS, with the key added', async () => {
  const fixtures = path.join(root, 'tests', 'fixtures');
  const seen = [];
  // Stands in for the real service: TLS with a certificate from the test CA.
  const service = createServer({ key: readFileSync(path.join(fixtures, 'localhost.key')), cert: readFileSync(path.join(fixtures, 'localhost.pem')) }, (req, res) => {
    seen.push({ method: req.method, url: req.url, key: req.headers['x-api-key'], idem: req.headers['idempotency-key'] });
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-request-id', 'upstream-req-7');
    if (req.method === 'POST') {
      res.writeHead(202).end(JSON.stringify({ jobId: '0b6c1f5e-7a7e-4e43-9a4f-5d3c2b1a0f9e', status: 'QUEUED' }));
    } else {
      res.writeHead(200).end(JSON.stringify({ id: '0b6c1f5e-7a7e-4e43-9a4f-5d3c2b1a0f9e', status: 'COMPLETED', progress: 100, result: { videoUrl: 'https://cdn.example/v.mp4' } }));
    }
  });
  await new Promise((r) => service.listen(0, '127.0.0.1', r));
  const tlsProxy = await startFake(['--upstream', `https://127.0.0.1:${service.address().port}`, '--upstream-ca', path.join(fixtures, 'test-ca.pem')], { APIFRAME_API_KEY: KEY });
  try {
    const job = await new pkg.Client({ baseUrl: tlsProxy.url }).generate({ prompt: 'a horse' }, { pollIntervalMs: 20, idempotencyKey: 'tls-1' });
    assert.deepEqual(job.videoUrls, ['https://cdn.example/v.mp4']);
    assert.deepEqual(seen.map((s) => [s.method, s.key]), [['POST', KEY], ['GET', KEY]]);
    assert.equal(seen[0].idem, 'tls-1');
    const r = await fetch(`${tlsProxy.url}/v2/jobs/0b6c1f5e-7a7e-4e43-9a4f-5d3c2b1a0f9e`);
    assert.equal(r.headers.get('x-request-id'), 'upstream-req-7', "the service's request id reaches the page");
  } finally {
    tlsProxy.stop();
    service.close();
  }
});

test('an https upstream whose certificate is not trusted is a 502, not a leak', async () => {
  const fixtures = path.join(root, 'tests', 'fixtures');
  const service = createServer({ key: readFileSync(path.join(fixtures, 'localhost.key')), cert: readFileSync(path.join(fixtures, 'localhost.pem')) }, (req, res) => res.writeHead(500).end());
  await new Promise((r) => service.listen(0, '127.0.0.1', r));
  const untrusting = await startFake(['--upstream', `https://127.0.0.1:${service.address().port}`], { APIFRAME_API_KEY: KEY });
  try {
    await assert.rejects(new pkg.Client({ baseUrl: untrusting.url, maxRetries: 0 }).submit({ prompt: 'a horse' }), (e) => e.code === 'SERVER_ERROR' && e.status === 502 && /TLS/.test(e.message) && !e.message.includes(KEY));
  } finally {
    untrusting.stop();
    service.close();
  }
});
