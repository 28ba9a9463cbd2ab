// createProxy's node:http adapter under a stranger's traffic: a DNS-
// rebinding page (its own name as Host, pointing at 127.0.0.1), uploads the
// proxy never reads (a refused route, a hook still deciding), hooks that
// never settle, and a body trickled in. The fake API's log is the witness
// of what reached upstream.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import { pkg } from '../node/load.mjs';
import { startFake } from '../client/fake.mjs';
import { fakeControl } from '../client/control.mjs';

const KEY = 'afk_stranger_owner_key';
const HORSE = JSON.stringify({ prompt: 'A herd of horses thundering across desert dunes, golden hour' });
const MiB = 1 << 20;

let fake, ctl;
before(async () => {
  fake = await startFake();
  ctl = fakeControl(fake.url);
});
after(() => fake.stop());
beforeEach(() => ctl.reset());

/** `proxy.node` on 127.0.0.1; resolves to { port, close }. */
async function serve(options) {
  const proxy = pkg.createProxy({ apiKey: KEY, upstream: fake.url, ...options });
  const server = createServer(proxy.node);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { port: server.address().port, close: () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); }) };
}

/** One request with any Host; resolves to { status, body, ms }. */
function send(port, { method = 'POST', path = '/v2/videos/generate', headers = {}, body } = {}) {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, body: text, headers: res.headers, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('the DNS-rebinding shape is refused on loopback and nothing reaches upstream; loopback names and listed hosts pass', async () => {
  const open = await serve();
  try {
    const evil = `evil.example:${open.port}`;
    const refused = await send(open.port, { headers: { host: evil, origin: `http://${evil}` }, body: HORSE });
    assert.equal(refused.status, 403);
    assert.match(refused.body, /allowedHosts/);
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
    const poll = await send(open.port, { method: 'GET', path: '/v2/jobs/0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c', headers: { host: evil } });
    assert.equal(poll.status, 403);
    assert.deepEqual(await ctl.apiLog(), [], 'zero rebinding requests forwarded');
    for (const host of [`127.0.0.1:${open.port}`, `localhost:${open.port}`]) {
      const ok = await send(open.port, { headers: { host, origin: `http://${host}` }, body: HORSE });
      assert.equal(ok.status, 202, host);
    }
  } finally {
    await open.close();
  }
  const listed = await serve({ allowedHosts: ['evil.example'] });
  try {
    const evil = `evil.example:${listed.port}`;
    assert.equal((await send(listed.port, { headers: { host: evil, origin: `http://${evil}` }, body: HORSE })).status, 202, 'the owner listed it');
    assert.equal((await send(listed.port, { headers: { host: `other.example:${listed.port}` }, body: HORSE })).status, 403);
  } finally {
    await listed.close();
  }
});

/**
 * Streams `total` bytes at `path` as fast as the server takes them (never
 * faster: each write waits for 'drain'); resolves with the status, once the
 * server answered and the stream ended (it closes the connection).
 */
function upload(port, path, total, headers = {}) {
  return new Promise((resolve) => {
    let status = null, sent = 0, done = false;
    const finish = () => { if (!done) { done = true; resolve({ status, sent }); } };
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...headers } }, (res) => {
      status = res.statusCode;
      res.resume();
      res.on('end', () => { req.destroy(); finish(); });
    });
    req.on('error', finish);
    req.on('close', finish);
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const pump = () => {
      while (sent < total && !done) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      if (!done) req.end();
    };
    pump();
  });
}

test('256 MB streamed at refused routes (404, 405, cross-origin 403, refusing authorize) is never held: growth under 128 MB', async (t) => {
  const proxy = await serve({ authorize: () => false });
  try {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
    const runs = [
      upload(proxy.port, '/v2/me', 64 * MiB),
      upload(proxy.port, '/v2/jobs/0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c', 64 * MiB),
      upload(proxy.port, '/v2/videos/generate', 64 * MiB, { origin: 'https://evil.example' }),
      upload(proxy.port, '/v2/videos/generate', 64 * MiB),
    ];
    const results = await Promise.all(runs);
    clearInterval(sampler);
    assert.deepEqual(results.map((r) => r.status), [404, 405, 403, 401]);
    const growth = (peak - before) / MiB;
    t.diagnostic(`rss grew ${growth.toFixed(1)} MB at its peak for 256 MB sent at refused routes; bytes the server took in: ${results.map((r) => r.sent).join(', ')}`);
    assert.ok(growth < 128, `rss grew ${growth.toFixed(0)} MB`);
    // The server stopped taking the uploads: far less than 256 MB went out.
    assert.ok(results.every((r) => r.sent < 64 * MiB), `sent ${results.map((r) => r.sent)}`);
    assert.deepEqual(await ctl.apiLog(), []);
  } finally {
    await proxy.close();
  }
});

test('hooks that never settle are cut at hookTimeoutMs (503), with nothing forwarded', async () => {
  const never = () => new Promise(() => {});
  for (const hooks of [{ authorize: never }, { onSubmit: never }]) {
    const proxy = await serve({ ...hooks, hookTimeoutMs: 500 });
    try {
      const r = await send(proxy.port, { body: HORSE });
      assert.equal(r.status, 503, Object.keys(hooks)[0]);
      assert.match(r.body, /did not answer in time/);
      assert.ok(r.ms >= 450 && r.ms < 1500, `${r.ms} ms`);
    } finally {
      await proxy.close();
    }
  }
  assert.deepEqual(await ctl.apiLog(), []);
});

test('a trickled body is cut at bodyTimeoutMs (408), with nothing forwarded', async () => {
  const proxy = await serve({ bodyTimeoutMs: 700 });
  try {
    const t0 = performance.now();
    const status = await new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: proxy.port, method: 'POST', path: '/v2/videos/generate', headers: { 'content-type': 'application/json', 'content-length': String(HORSE.length) } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      let i = 0;
      const drip = setInterval(() => {
        if (i < HORSE.length && !req.destroyed) req.write(HORSE[i++]);
        else clearInterval(drip);
      }, 200);
      req.on('close', () => clearInterval(drip));
    });
    const ms = performance.now() - t0;
    assert.equal(status, 408);
    assert.ok(ms >= 650 && ms < 1700, `${ms} ms`);
    assert.deepEqual(await ctl.apiLog(), []);
  } finally {
    await proxy.close();
  }
});
