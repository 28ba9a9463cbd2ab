// createProxy in Node, against the fake API as its upstream: what reaches
// the service (the fake's request log is the witness), what is answered
// locally, and what comes back. Both the WHATWG handler and its node:http
// adapter are exercised.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { pkg } from '../node/load.mjs';
import { startFake } from '../client/fake.mjs';
import { fakeControl } from '../client/control.mjs';

const KEY = 'afk_proxy_owner_key';
const MASKED = `afk_…(${KEY.length} chars)`;
const BASE = '/api/apiframe';
const HORSE = { prompt: 'A herd of horses thundering across desert dunes, golden hour', happyhorse11Params: { duration: 5 } };
const UUID = '0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c';

let fake;
let ctl;
let proxy;
let server;
let origin;

before(async () => {
  fake = await startFake();
  ctl = fakeControl(fake.url);
  proxy = pkg.createProxy({ apiKey: KEY, upstream: fake.url, basePath: BASE, maxCreditsPerJob: 400, allowedOrigins: ['https://app.example'] });
  server = createServer(proxy.node);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${server.address().port}`;
});
after(() => {
  server.close();
  fake.stop();
});
beforeEach(async () => {
  await ctl.reset();
  await ctl.config({ timeScale: 600, jobSeconds: 6, queueSeconds: 1 });
});

const upstreamLog = () => ctl.apiLog();
/** A request to the proxy through the WHATWG handler. */
const call = (path, init = {}) => proxy(new Request(`http://localhost${BASE}${path}`, init));
const post = (body, headers = {}) =>
  call('/v2/videos/generate', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

test('a valid submit is validated, forwarded with the owner key, and its answer passes back with x-request-id', async () => {
  const r = await post(HORSE, { 'idempotency-key': 'idem-1', 'x-api-key': 'afk_attackers_own_key_123', cookie: 'session=abc', connection: 'keep-alive, x-secret', 'x-secret': 'hop' });
  assert.equal(r.status, 202);
  const body = await r.json();
  assert.match(body.jobId, /^[0-9a-f-]{36}$/);
  assert.ok(r.headers.get('x-request-id'), 'x-request-id passes back');
  const log = await upstreamLog();
  assert.equal(log.length, 1);
  assert.equal(log[0].method, 'POST');
  assert.equal(log[0].path, '/v2/videos/generate');
  assert.equal(log[0].headers['x-api-key'], MASKED, 'the owner key, never the caller one');
  assert.equal(log[0].headers['idempotency-key'], 'idem-1');
  assert.equal(log[0].headers.cookie, undefined);
  assert.equal(log[0].headers['x-secret'], undefined);
  const poll = await call(`/v2/jobs/${body.jobId}`);
  assert.equal(poll.status, 200);
  assert.equal((await poll.json()).id, body.jobId);
});

test("the service's Date passes back, through the handler and the node:http adapter (the proxy's clock never stands in)", async () => {
  // The fake's clock set far from this machine's: a Date from it is the service's.
  await ctl.config({ serviceNowMs: Date.UTC(2031, 0, 1), timeScale: 1 });
  const submitted = await post(HORSE);
  assert.equal(submitted.status, 202);
  assert.match(submitted.headers.get('date'), /^Wed, 01 Jan 2031 00:00:0\d GMT$/);
  const { jobId } = await submitted.json();
  const polled = await fetch(`${origin}${BASE}/v2/jobs/${jobId}`);
  assert.equal(polled.status, 200);
  assert.match(polled.headers.get('date'), /^Wed, 01 Jan 2031 00:00:0\d GMT$/, 'one Date, the service\'s, not node:http\'s own');
  // Answered locally: the proxy's own clock (node:http's Date) is all there is.
  const local = await fetch(`${origin}${BASE}/v2/jobs/not-a-uuid`);
  assert.equal(local.status, 404);
  assert.doesNotMatch(local.headers.get('date') ?? '', /2031/);
});

test('every other method, path and traversal is answered locally; nothing reaches upstream', async () => {
  const cases = [
    ['GET', '/v2/me', 404],
    ['POST', '/v2/images/generate', 404],
    ['DELETE', '/v2/assets/abc', 404],
    ['GET', '/v2/../admin', 404],
    ['GET', '/v2/jobs/..', 404],
    ['GET', '/v2/jobs/%2e%2e', 404],
    ['GET', '/v2/jobs/not-a-uuid', 404],
    ['GET', `/v2/jobs/${UUID}/cancel`, 404],
    ['GET', '/v2/videos/generate', 405],
    ['PUT', '/v2/videos/generate', 405],
    ['DELETE', `/v2/jobs/${UUID}`, 405],
  ];
  for (const [method, path, status] of cases) {
    const r = await call(path, { method });
    assert.equal(r.status, status, `${method} ${path}`);
    const body = await r.json();
    assert.equal(typeof body.error, 'string', `${method} ${path}: the service's error shape`);
  }
  // Outside basePath, and raw paths over the node adapter (no URL normalising on the way).
  for (const path of ['/v2/videos/generate', `${BASE}/v2/jobs/../../v2/me`, `${BASE}//v2/videos/generate`, `${BASE}/v2/jobs/${UUID}%2f..`]) {
    const r = await fetch(`${origin}${path}`, { method: 'POST', body: '{}' });
    assert.ok([404, 405].includes(r.status), `${path}: ${r.status}`);
  }
  assert.deepEqual(await upstreamLog(), []);
});

test('an invalid body gets a 400 with details keyed by path; nothing upstream', async () => {
  const r = await post({ prompt: '', happyhorse11Params: { duration: 20, aspectRatio: '16:9' } });
  assert.equal(r.status, 400);
  const body = await r.json();
  assert.equal(body.error, 'Validation failed');
  assert.deepEqual(Object.keys(body.details).sort(), ['happyhorse11Params.aspectRatio', 'happyhorse11Params.duration', 'prompt']);
  assert.ok(body.details.prompt.every((m) => typeof m === 'string'));
  for (const bad of ['not json', '{"prompt":"a","prompt":"b"}', '[1,2]']) {
    const r2 = await post(bad);
    assert.equal(r2.status, 400, bad);
  }
  assert.deepEqual(await upstreamLog(), []);
});

test('a body over the credit cap gets a local 402 naming the estimate and the cap', async () => {
  const r = await post({ prompt: 'a horse', happyhorse11Params: { duration: 15 } });
  assert.equal(r.status, 402);
  const body = await r.json();
  assert.equal(body.creditsRequired, 465);
  assert.equal(body.maxCreditsPerJob, 400);
  assert.match(body.error, /465/);
  assert.deepEqual(await upstreamLog(), []);
});

test('an oversized body is refused (413), by length or by stream, before anything is forwarded', async () => {
  const big = JSON.stringify({ prompt: 'x'.repeat(70 * 1024) });
  assert.equal((await post(big)).status, 413);
  // Through the node adapter: a real socket, chunked, no Content-Length.
  const stream = new ReadableStream({
    start(c) {
      for (let i = 0; i < 80; i++) c.enqueue(new TextEncoder().encode('x'.repeat(1024)));
      c.close();
    },
  });
  const r = await fetch(`${origin}${BASE}/v2/videos/generate`, { method: 'POST', body: stream, duplex: 'half', headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 413);
  assert.deepEqual(await upstreamLog(), []);
});

test('a foreign Origin is refused (never reflected); a listed one gets CORS headers', async () => {
  const evil = await post(HORSE, { origin: 'https://evil.example' });
  assert.equal(evil.status, 403);
  assert.equal(evil.headers.get('access-control-allow-origin'), null);
  const pre = await call('/v2/videos/generate', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(pre.status, 403);
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
  assert.deepEqual(await upstreamLog(), []);
  const ok = await post(HORSE, { origin: 'https://app.example' });
  assert.equal(ok.status, 202);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example');
  assert.deepEqual(ok.headers.get('access-control-expose-headers').split(/, */).sort(), ['date', 'retry-after', 'x-request-id']);
  const preOk = await call('/v2/videos/generate', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
  assert.equal(preOk.status, 204);
  assert.equal(preOk.headers.get('access-control-allow-origin'), 'https://app.example');
  // Same origin (the proxy's own host), over the adapter: allowed, no CORS headers needed.
  const same = await fetch(`${origin}${BASE}/v2/videos/generate`, { method: 'POST', body: JSON.stringify(HORSE), headers: { origin, 'content-type': 'application/json' } });
  assert.equal(same.status, 202);
});

test('authorize denies with 401 and touches nothing upstream; may be async', async () => {
  const seen = [];
  const guarded = pkg.createProxy({
    apiKey: KEY,
    upstream: fake.url,
    basePath: BASE,
    authorize: async (request) => {
      seen.push(request.headers.get('authorization'));
      return request.headers.get('authorization') === 'Bearer good';
    },
  });
  const denied = await guarded(new Request(`http://localhost${BASE}/v2/videos/generate`, { method: 'POST', body: JSON.stringify(HORSE) }));
  assert.equal(denied.status, 401);
  const thrower = pkg.createProxy({ apiKey: KEY, upstream: fake.url, authorize: () => { throw new Error('boom'); } });
  assert.equal((await thrower(new Request(`http://localhost/v2/jobs/${UUID}`))).status, 401);
  assert.deepEqual(await upstreamLog(), []);
  const allowed = await guarded(new Request(`http://localhost${BASE}/v2/videos/generate`, { method: 'POST', body: JSON.stringify(HORSE), headers: { authorization: 'Bearer good' } }));
  assert.equal(allowed.status, 202);
  assert.deepEqual(seen, [null, 'Bearer good']);
});

test('onSubmit sees the estimate and report; a throw refuses with 403', async () => {
  const events = [];
  const logged = pkg.createProxy({ apiKey: KEY, upstream: fake.url, onSubmit: (e) => events.push(e) });
  const r = await logged(new Request('http://localhost/v2/videos/generate', { method: 'POST', body: JSON.stringify(HORSE) }));
  assert.equal(r.status, 202);
  assert.equal(events.length, 1);
  assert.equal(events[0].estimate.credits, 155);
  assert.equal(events[0].report.ok, true);
  assert.ok(events[0].request instanceof Request);
  const budget = pkg.createProxy({ apiKey: KEY, upstream: fake.url, onSubmit: async () => { throw new Error('over budget'); } });
  const refused = await budget(new Request('http://localhost/v2/videos/generate', { method: 'POST', body: JSON.stringify(HORSE) }));
  assert.equal(refused.status, 403);
  assert.equal((await upstreamLog()).length, 1);
});

test('upstream down is 502, slow is 504, a redirect is 502 and never followed; no key in any text', async () => {
  const down = pkg.createProxy({ apiKey: KEY, upstream: 'http://127.0.0.1:9' });
  const r1 = await down(new Request(`http://localhost/v2/jobs/${UUID}`));
  assert.equal(r1.status, 502);
  const t1 = await r1.text();
  assert.ok(!t1.includes(KEY));
  await ctl.fault({ route: 'jobs', kind: 'slow', delayMs: 3000 });
  const hasty = pkg.createProxy({ apiKey: KEY, upstream: fake.url, timeoutMs: 300 });
  const r2 = await hasty(new Request(`http://localhost/v2/jobs/${UUID}`));
  assert.equal(r2.status, 504);
  assert.ok(!(await r2.text()).includes(KEY));
  await ctl.reset();
  const other = await startFake();
  try {
    await ctl.fault({ route: 'generate', kind: 'redirect', status: 307, location: `${other.url}/v2/videos/generate` });
    const r3 = await post(HORSE);
    assert.equal(r3.status, 502);
    assert.deepEqual((await fakeControl(other.url).apiLog()), [], 'the redirect target saw nothing');
  } finally {
    other.stop();
  }
});

test('an upstream that echoes the key never gets it to the caller', async () => {
  await ctl.fault({ route: 'generate', kind: 'echo-key', status: 401 });
  const r = await post(HORSE);
  assert.equal(r.status, 401);
  const text = await r.text();
  assert.ok(!text.includes(KEY), text);
  assert.match(text, /\*\*\*/);
  for (const [, value] of r.headers) assert.ok(!value.includes(KEY));
});

test('a Client points at the proxy with nothing new, and buildRequest too', async () => {
  const client = new pkg.Client({ baseUrl: `${origin}${BASE}` });
  const job = await client.generate(HORSE, { pollIntervalMs: 20 });
  assert.equal(job.status, 'COMPLETED');
  const http = pkg.buildRequest(HORSE, { baseUrl: `${origin}${BASE}` });
  const r = await fetch(http.url, { method: http.method, headers: http.headers, body: http.body });
  assert.equal(r.status, 202);
  const log = await upstreamLog();
  assert.ok(log.every((e) => e.headers['x-api-key'] === MASKED));
});

test('createProxy refuses bad options at creation', () => {
  for (const options of [undefined, {}, { apiKey: '' }, { apiKey: KEY, upstream: 'ftp://x' }, { apiKey: KEY, upstream: 'https://u:p@h' }, { apiKey: KEY, basePath: '/a/../b' }, { apiKey: KEY, allowedOrigins: '*' }, { apiKey: KEY, authorize: 'yes' }]) {
    assert.throws(() => pkg.createProxy(options), (e) => e instanceof pkg.HappyHorseError && e.code === 'INVALID_REQUEST' && !e.message.includes(KEY), JSON.stringify(options));
  }
});
