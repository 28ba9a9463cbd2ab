// createProxy (pkg-node): upstream headers, 504 on timeouts, 502 on
// redirects, and what of the key reaches the page.
// Run: node --expose-gc tests/hostile-io/proxy.test.mjs
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { hostileServer, json, raw, hang, trickle, ID, KEY, sleep } from './server.mjs';
import { hh, HORSE } from './util.mjs';
import { loadWithMemory } from '../node/wasm-memory.mjs';

let s, other, proxy;
const BASE = '/api/apiframe';
before(async () => {
  [s, other] = await Promise.all([hostileServer(), hostileServer()]);
  proxy = hh.createProxy({ apiKey: KEY, upstream: s.url, basePath: BASE, timeoutMs: 500 });
});
after(() => Promise.all([s.close(), other.close()]));
beforeEach(() => {
  s.queue.length = 0;
  s.log.length = 0;
});

const submitRequest = (headers = {}) =>
  new Request(`http://localhost${BASE}/v2/videos/generate`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(HORSE) });
const pollRequest = (headers = {}) => new Request(`http://localhost${BASE}/v2/jobs/${ID}`, { headers });

/** What the page sees: status, every header, and the body as the page would parse it. */
async function pageView(response) {
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: Object.fromEntries(response.headers), text, parsed };
}

// Headers the runtime's fetch adds on its own (undici; cache-control and
// pragma come from `cache: "no-store"`); everything else must be the proxy's four.
const RUNTIME = new Set(['host', 'connection', 'content-length', 'user-agent', 'accept-encoding', 'accept-language', 'sec-fetch-mode', 'transfer-encoding', 'cache-control', 'pragma']);

test('upstream calls carry exactly Accept/Content-Type/X-API-Key/Idempotency-Key and nothing from the caller', async () => {
  const hostile = { cookie: 'sid=1', authorization: 'Bearer page', 'x-api-key': 'afk_from_page', 'x-forwarded-for': '1.2.3.4', 'idempotency-key': 'page-key-1', 'x-custom': 'y', accept: 'text/html', 'content-type': 'application/json' };
  s.next(json(202, { jobId: ID, status: 'QUEUED' }), json(200, { id: ID, status: 'QUEUED' }));
  assert.equal((await proxy(submitRequest(hostile))).status, 202);
  assert.equal((await proxy(pollRequest(hostile))).status, 200);
  const [post, get] = s.log;
  const names = (h) => Object.keys(h).filter((n) => !RUNTIME.has(n)).sort();
  assert.deepEqual(names(post.headers), ['accept', 'content-type', 'idempotency-key', 'x-api-key']);
  assert.deepEqual(names(get.headers), ['accept', 'x-api-key']);
  assert.equal(post.headers['x-api-key'], KEY);
  assert.equal(post.headers.accept, 'application/json');
  assert.equal(post.headers['idempotency-key'], 'page-key-1');
  assert.deepEqual(JSON.parse(post.body), { model: 'happyhorse-1.1', ...HORSE });
  console.log('runtime-added headers upstream:', Object.keys(post.headers).filter((n) => RUNTIME.has(n)).join(', '));
});

test('timeouts give 504 (no headers, trickling body); redirects give 502 and are not followed', async () => {
  for (const [what, h] of [['no headers', hang()], ['trickling body', trickle(50)]]) {
    s.next(h);
    const t = performance.now();
    const r = await proxy(pollRequest());
    assert.equal(r.status, 504, what);
    assert.ok(performance.now() - t < 1500, `${what}: ${performance.now() - t} ms`);
  }
  for (const status of [301, 302, 303, 307, 308]) {
    s.next(raw(status, '{}', { location: `${other.url}/v2/jobs/${ID}` }));
    assert.equal((await proxy(pollRequest())).status, 502, `${status}`);
    s.next(raw(status, '{}', { location: `${other.url}/v2/videos/generate` }));
    assert.equal((await proxy(submitRequest())).status, 502, `${status} on submit`);
  }
  assert.equal(other.log.length, 0);
  s.next(raw(200, Buffer.alloc((1 << 20) + 10, 0x20)));
  assert.equal((await proxy(pollRequest())).status, 502);
});

test('held: an echoed key in a UTF-8 body is masked', async () => {
  s.next(json(401, { error: `invalid API key: ${KEY}` }));
  const v = await pageView(await proxy(pollRequest()));
  assert.ok(!v.text.includes(KEY) && v.text.includes('***'), v.text);
});

test('the key reaches the page through a body that is not valid UTF-8 (redaction is skipped)', async () => {
  const body = Buffer.concat([Buffer.from(`{"error":"invalid API key: ${KEY} `), Buffer.from([0xe9]), Buffer.from('"}')]);
  s.next(raw(401, body, { 'content-type': 'application/json; charset=iso-8859-1' }));
  const v = await pageView(await proxy(pollRequest()));
  assert.ok(!v.text.includes(KEY), `the page reads: ${v.text}`);
});

test('the key reaches the page through a JSON-escaped echo (\\/ or \\u escapes): the raw text is redacted, not what the page parses', async () => {
  const escaped = KEY.replace('_', '\\u005f');
  s.next(raw(401, `{"error":"invalid API key: ${escaped}"}`, { 'content-type': 'application/json' }));
  const v = await pageView(await proxy(pollRequest()));
  assert.ok(!JSON.stringify(v.parsed ?? '').includes(KEY) && !String(v.parsed?.error).includes(KEY), `the page parses: ${v.parsed?.error}`);
});

test('the key reaches the page through x-request-id (passed back unredacted)', async () => {
  s.next(json(200, { id: ID, status: 'QUEUED' }, { 'x-request-id': `req ${KEY}` }));
  const v = await pageView(await proxy(pollRequest()));
  assert.ok(!JSON.stringify(v.headers).includes(KEY), `headers the page sees: ${JSON.stringify(v.headers)}`);
});

test('each upstream exchange leaks wasm memory and externref slots (fresh module instance)', async () => {
  const { pkg: mod, memory, table } = loadWithMemory();
  const p = mod.createProxy({ apiKey: KEY, upstream: s.url, basePath: BASE });
  const snap = () => {
    global.gc?.();
    return { memory: memory.buffer.byteLength, table: table.length };
  };
  const fallback = json(404, { error: 'Job not found' });
  const go = async (n) => {
    for (let i = 0; i < n; i++) {
      s.next(fallback);
      await (await p(pollRequest())).arrayBuffer();
    }
  };
  await go(200);
  await sleep(50);
  const a = snap();
  await go(5000);
  await sleep(200);
  const b = snap();
  console.log('proxy, 5000 upstream exchanges:', JSON.stringify({ before: a, after: b }));
  assert.ok(b.memory <= a.memory + 64 * 1024, `wasm memory ${a.memory} → ${b.memory}`);
  assert.ok(b.table <= a.table + 64, `externref table ${a.table} → ${b.table}`);
});
