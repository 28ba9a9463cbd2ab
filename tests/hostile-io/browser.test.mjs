// The same attacks in headless Chromium (the page build, pkg/): an opaque
// redirect, abort timing, the per-exchange leak, a throwing fetch.
// The page and the API share one origin (the hostile server also serves the
// repository's files), so no CORS is involved.
// Run: node tests/hostile-io/browser.test.mjs
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../page/browser.mjs';
import { hostileServer, json, raw, hang, ID } from './server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const statics = async (req, res) => {
  const rel = new URL(req.url, 'http://x').pathname;
  if (rel === '/blank.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>review</title>');
  const file = path.join(root, path.normalize(rel));
  let bytes;
  try {
    bytes = await readFile(file);
  } catch {
    return void res.writeHead(404).end();
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(bytes);
};

let s, browser, page;
const errors = [];
before(async () => {
  s = await hostileServer((req, res) => (req.url.startsWith('/v2/') ? json(404, { error: 'Job not found' })(req, res) : statics(req, res)));
  browser = await launch();
  page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${s.url}/blank.html`);
  await page.evaluate(async () => {
    const m = await import('/pkg/happyhorse.js');
    // init() resolves to the instance's exports: its memory among them.
    const { memory } = await m.default();
    if (!(memory instanceof WebAssembly.Memory)) throw new Error('init() resolved to no wasm memory');
    window.hh = m;
    window.wasmMemory = memory;
  });
});
after(async () => {
  await browser?.close();
  await s.close();
});
beforeEach(() => {
  s.queue.length = 0;
  s.log.length = 0;
  errors.length = 0;
});

// Only API requests take queued handlers (the page's own files come first, at load).
const api = (...handlers) => s.next(...handlers);

test('a same-origin 302 under redirect: manual (opaqueredirect, status 0): BAD_RESPONSE, not retried, with jobId', async () => {
  api(raw(302, '', { location: `/v2/jobs/${ID}?followed=1` }));
  const r = await page.evaluate(async (ID) => {
    const c = new hh.Client({ baseUrl: location.origin, maxRetries: 2 });
    try {
      await c.getJob(ID);
      return { ok: true };
    } catch (e) {
      return { code: e.code, jobId: e.jobId, message: e.message, status: e.status };
    }
  }, ID);
  assert.equal(r.code, 'BAD_RESPONSE', JSON.stringify(r));
  assert.equal(r.jobId, ID);
  assert.deepEqual(s.log.filter((e) => e.url.startsWith('/v2/')).map((e) => e.url), [`/v2/jobs/${ID}`]);
});

test('abort during a hanging fetch ends the call within 100 ms', async () => {
  api(hang());
  const took = await page.evaluate(async (ID) => {
    const c = new hh.Client({ baseUrl: location.origin, maxRetries: 0 });
    const ac = new AbortController();
    const p = c.getJob(ID, { signal: ac.signal }).catch((e) => e.code);
    await new Promise((r) => setTimeout(r, 300));
    const t = performance.now();
    ac.abort();
    const code = await p;
    return { code, ms: performance.now() - t };
  }, ID);
  assert.equal(took.code, 'ABORTED');
  assert.ok(took.ms < 100, `${took.ms} ms`);
});

test('3000 completed exchanges: wasm memory stays flat', async () => {
  const r = await page.evaluate(async (ID) => {
    const c = new hh.Client({ baseUrl: location.origin, maxRetries: 0 });
    for (let i = 0; i < 200; i++) await c.getJob(ID).catch(() => {});
    const a = wasmMemory.buffer.byteLength;
    for (let i = 0; i < 3000; i++) await c.getJob(ID).catch(() => {});
    return { before: a, after: wasmMemory.buffer.byteLength };
  }, ID);
  console.log('chromium, 3000 getJob 404:', JSON.stringify(r));
  assert.ok(r.after <= r.before + 64 * 1024, `wasm memory ${r.before} → ${r.after}`);
});

test('a fetch that throws synchronously: the call rejects, no page error', async () => {
  const r = await page.evaluate(async (ID) => {
    const real = window.fetch;
    window.fetch = () => {
      throw new TypeError('sync boom');
    };
    try {
      const c = new hh.Client({ baseUrl: location.origin, maxRetries: 0 });
      return await Promise.race([c.getJob(ID).then(() => 'resolved', (e) => `rejected ${e.code}`), new Promise((r) => setTimeout(() => r('pending after 2 s'), 2000))]);
    } finally {
      window.fetch = real;
    }
  }, ID);
  assert.deepEqual(errors, []);
  assert.match(r, /^rejected [A-Z_]+$/);
});
