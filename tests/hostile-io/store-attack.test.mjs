// An attacker's review of recorded jobs (issue 16, "a job outlives its
// page"): the API key never reaches the store, the BroadcastChannel or
// onStoreError; hostile stores and same-origin channel messages never throw
// through wasm, hang a call or grow memory; a crafted record never sends the
// key or a body elsewhere, never polls another path, never resends a body
// that fails validation; a resume never charges twice.
//
// Run: node --test tests/hostile-io/store-attack.test.mjs (after scripts/build.sh).
// Node 20 has BroadcastChannel but no navigator.locks: a test that needs
// another "tab" to hold the lock stubs navigator.locks with one that never
// grants it, and posts on a BroadcastChannel of the job's name.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { hh, assertNoSecret, whereShown } from './util.mjs';
import { hostileServer, json, ID, sleep } from './server.mjs';
import { loadWithMemory } from '../node/wasm-memory.mjs';

const SECRET = 'afk_attack_secret_2718281828';
const REQUEST = { prompt: 'A herd of horses thundering across desert dunes at golden hour' };
const HOUR = 3_600_000;
/** The Web Lock and BroadcastChannel name of a recorded job (core::job::record::claim_name). */
const claimName = (baseUrl, key) => `happyhorse:${baseUrl.length}:${baseUrl}|${key}`;
const OTHER_ID = '1e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c';

class MapStore {
  m = new Map();
  get length() { return this.m.size; }
  key(i) { return [...this.m.keys()][i] ?? null; }
  getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
  setItem(k, v) { this.m.set(k, String(v)); }
  removeItem(k) { this.m.delete(k); }
}

const b64 = (s, url = false) => Buffer.from(s).toString(url ? 'base64url' : 'base64');
const spellings = (s) => [
  s,
  s.toUpperCase(),
  [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
  [...s].map((c) => `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
  b64(s),
  b64(`x${s}`),
  b64(`xy${s}`, true),
];

/** Everything that left the client for the store, the channel or onStoreError. */
function assertNowhere(secret, { store, heard = [], reported = [] }) {
  for (const [k, v] of store.m) {
    assert.deepEqual(whereShown({ k, v }, secret), [], `the key in the store: ${k}`);
    for (const form of spellings(secret).slice(1)) assert.ok(!v.includes(form) && !k.includes(form), `a spelling of the key in the store: ${form}`);
  }
  for (const h of heard) assert.ok(!String(h).includes(secret), 'the key on the channel');
  for (const e of reported) assertNoSecret(e, secret, 'onStoreError');
}

/** Listens on the job's channel (Node 20's BroadcastChannel). */
function listen(name) {
  const heard = [];
  const ch = new BroadcastChannel(name);
  ch.onmessage = (e) => heard.push(e.data);
  return { heard, close: () => ch.close(), post: (m) => ch.postMessage(m) };
}

/** navigator.locks that never grants: another tab holds every job's lock. */
function lockHeldElsewhere() {
  const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  const requests = [];
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: {
      locks: {
        request(name, opts) {
          requests.push(name);
          return new Promise((_, reject) => opts?.signal?.addEventListener('abort', () => reject(new Error('AbortError'))));
        },
      },
    },
  });
  return {
    requests,
    restore: () => (had ? Object.defineProperty(globalThis, 'navigator', had) : delete globalThis.navigator),
  };
}

const job = (status, extra = {}) => ({ id: ID, status, progress: status === 'COMPLETED' ? 100 : 10, createdAt: new Date().toISOString(), ...extra });
const record = (baseUrl, key, extra = {}) => JSON.stringify({ v: 1, baseUrl, key, body: { model: 'happyhorse-1.1', ...REQUEST }, savedAt: Date.now(), ...extra });

let srv;
before(async () => { srv = await hostileServer(); });
after(() => srv.close());
beforeEach(() => { srv.queue.length = 0; srv.log.length = 0; });

// ---------------------------------------------------------------- promise 1

test('1a. a service that echoes the key in a job answer: never stored, broadcast or reported', async () => {
  for (const form of spellings(SECRET)) {
    srv.log.length = 0;
    const store = new MapStore();
    const reported = [];
    const key = `echo-${srv.log.length}-${Math.random().toString(36).slice(2)}`;
    const ch = listen(claimName(srv.url, key));
    srv.next(
      json(202, { jobId: ID, status: 'QUEUED' }),
      json(200, job('PROCESSING', { error: `debug ${form}`, model: form, [form]: 1 })),
      json(200, job('COMPLETED', { result: { videoUrl: 'https://cdn.example/v.mp4' }, note: form })),
    );
    const client = new hh.Client({ baseUrl: srv.url, apiKey: SECRET, store, maxRetries: 0, onStoreError: (e) => reported.push(e) });
    const done = await client.generate(REQUEST, { idempotencyKey: key, pollIntervalMs: 1 }).catch((e) => e);
    await sleep(20);
    ch.close();
    assert.equal(done.status, 'COMPLETED', form);
    assertNowhere(SECRET, { store, heard: ch.heard, reported });
    // The state that carries the key stays in memory, reported; the store
    // keeps the last state without it.
    assert.ok(reported.some((e) => e.code === 'STORAGE' && /memory only/.test(e.message)), form);
    assert.equal(JSON.parse([...store.m.values()][0]).job.status, 'QUEUED', form);
    assert.equal(client.jobs()[0].finished, true, form);
  }
});

test('1b. a request that carries the key, in any spelling: never stored or broadcast', async () => {
  for (const form of spellings(SECRET)) {
    const store = new MapStore();
    const reported = [];
    const key = `req-${Math.random().toString(36).slice(2)}`;
    const ch = listen(claimName(srv.url, key));
    srv.next(json(202, { jobId: ID, status: 'QUEUED' }));
    const client = new hh.Client({ baseUrl: srv.url, apiKey: SECRET, store, onStoreError: (e) => reported.push(e) });
    const r = await client.submit({ prompt: `my key is ${form}, keep it safe` }, { idempotencyKey: key });
    await sleep(10);
    ch.close();
    assert.equal(r.jobId, ID);
    assertNowhere(SECRET, { store, heard: ch.heard, reported });
    assert.equal(store.length, 0, `nothing stored for ${form}`);
    assert.equal(client.jobs()[0].idempotencyKey, key, 'kept in memory');
  }
});

test('1c. a key with characters JSON escapes (" and \\): its escaped spelling is never stored', async () => {
  for (const secret of ['afk_quote"d_secret_1234', 'afk_back\\slash_secret_1234']) {
    const store = new MapStore();
    srv.next(json(202, { jobId: ID, status: 'QUEUED' }));
    const client = new hh.Client({ baseUrl: srv.url, apiKey: secret, store });
    await client.submit({ prompt: `here: ${secret}` }, { idempotencyKey: 'escaped-1' });
    const escaped = JSON.stringify(secret).slice(1, -1);
    for (const v of store.m.values()) {
      assert.ok(!v.includes(secret) && !v.includes(escaped), `the key (${escaped}) in ${v}`);
      assert.ok(!JSON.stringify(JSON.parse(v)).includes(escaped));
    }
    assert.equal(store.length, 0);
  }
});

test('1d. an idempotency key that contains the API key: no onStoreError message quotes it', async () => {
  const reported = [];
  // A store whose errors quote the name they were given (as some wrappers do).
  const store = new MapStore();
  store.setItem = (k) => { throw new Error(`cannot write ${k}`); };
  store.removeItem = (k) => { throw new Error(`cannot remove ${k}`); };
  store.getItem = (k) => { throw new Error(`cannot read ${k}`); };
  srv.next(json(202, { jobId: ID, status: 'QUEUED' }));
  const client = new hh.Client({ baseUrl: srv.url, apiKey: SECRET, store, onStoreError: (e) => reported.push(e) });
  const key = `order-${SECRET}`;
  await client.submit(REQUEST, { idempotencyKey: key });
  client.jobs();
  client.forget(key);
  await client.resume(key).catch(() => {});
  assert.ok(reported.length >= 1);
  for (const e of reported) assertNoSecret(e, SECRET, 'onStoreError');
});

// ---------------------------------------------------------------- promise 2

test('2a. store keys of any length are never copied into wasm whole; memory stays flat', async () => {
  const prefix = `happyhorse:${srv.url}|`;
  const long = prefix + 'k'.repeat(96 << 20);
  let reads = 0;
  const store = { length: 3, key: () => long, getItem: () => { reads++; return null; }, setItem() {}, removeItem() {} };
  const { pkg, memory } = loadWithMemory();
  const client = new pkg.Client({ baseUrl: srv.url, store, onStoreError: () => {} });
  client.jobs();
  const mem = () => memory.buffer.byteLength;
  const before = mem();
  for (let i = 0; i < 5; i++) assert.deepEqual(client.jobs(), []);
  assert.ok(mem() - before < 16 << 20, `wasm memory grew ${(mem() - before) >> 20} MiB`);
  const after = mem();
  assert.ok(after < 64 << 20, `wasm memory is ${after >> 20} MiB: a 96 MiB key name was copied in`);
  assert.equal(reads, 0, 'no record is looked up under such a name');
});

test('2b. hostile store values: getters, Proxies, non-strings, objects whose toString throws', async () => {
  const prefix = `happyhorse:${srv.url}|`;
  const evil = { toString() { throw new Error('boom'); }, valueOf() { throw new Error('boom'); } };
  const stores = [
    { get length() { return evil; }, key: () => evil, getItem: () => evil, setItem() {}, removeItem() {} },
    { length: 2, key: (i) => (i ? Symbol('k') : evil), getItem: () => 5, setItem() {}, removeItem() {} },
    { length: 1, key: () => `${prefix}k`, getItem: () => ({ length: 3, toString: () => '{}' }), setItem() {}, removeItem() {} },
    { length: 1, key: () => `${prefix}k`, getItem: () => new Proxy({}, { get() { throw new Error('trap'); } }), setItem() {}, removeItem() {} },
    new Proxy(new MapStore(), { get(t, p) { if (p === 'getItem' || p === 'key' || p === 'setItem' || p === 'removeItem') return () => { throw evil; }; return Reflect.get(t, p); } }),
    { length: -1, key: () => null, getItem: () => record(srv.url, 'k', { body: 'not an object' }), setItem() {}, removeItem() {} },
  ];
  for (const [i, store] of stores.entries()) {
    const client = new hh.Client({ baseUrl: srv.url, store, onStoreError: () => { throw evil; } });
    assert.ok(Array.isArray(client.jobs()), `store ${i}`);
    assert.deepEqual(client.resumeAll().length, 0, `store ${i}`);
    const e = await client.resume('k').catch((e) => e);
    assert.equal(e.code, 'NOT_FOUND', `store ${i}`);
    srv.next(json(202, { jobId: ID, status: 'QUEUED' }));
    assert.equal((await client.submit(REQUEST)).jobId, ID, `store ${i}`);
  }
  assert.equal(hh.validate(REQUEST).ok, true, 'the module still works');
});

test('2c. a baseUrl that is a prefix of another: records are never mixed', async () => {
  const store = new MapStore();
  const a = '/api', b = '/api|x';
  // b's record, stored under a name that a's prefix also matches.
  store.setItem(`happyhorse:${b}|k`, record(b, 'k'));
  // A record claiming a's name but b's baseUrl, and one claiming another key.
  store.setItem(`happyhorse:${a}|x|k`, record(b, 'k'));
  store.setItem(`happyhorse:${a}|y`, record(a, 'z'));
  const clientA = new hh.Client({ baseUrl: a, store, onStoreError: () => {} });
  assert.deepEqual(clientA.jobs(), []);
  assert.equal((await clientA.resume('x|k').catch((e) => e)).code, 'NOT_FOUND');
  assert.equal((await clientA.resume('y').catch((e) => e)).code, 'NOT_FOUND');
  const clientB = new hh.Client({ baseUrl: b, store });
  assert.deepEqual(clientB.jobs().map((j) => j.idempotencyKey), ['k']);
});

/** A resume of a recorded job while another "tab" holds its lock and posts `messages`. */
async function resumeWhileHeld(messages, { timeoutMs = 800, key = 'held-1', jobId = ID } = {}) {
  const store = new MapStore();
  store.setItem(`happyhorse:${srv.url}|${key}`, record(srv.url, key, { jobId }));
  const locks = lockHeldElsewhere();
  const ch = listen(claimName(srv.url, key));
  const updates = [];
  try {
    const client = new hh.Client({ baseUrl: srv.url, apiKey: SECRET, store });
    const t0 = Date.now();
    const done = client.resume(key, { timeoutMs, onUpdate: (j) => updates.push(j) }).then((j) => j, (e) => e);
    await sleep(30);
    for (const m of messages) ch.post(m);
    const out = await done;
    return { out, ms: Date.now() - t0, updates, store, locks };
  } finally {
    ch.close();
    locks.restore();
  }
}

test('2d. hostile channel messages: ignored, the call ends at its timeout, nothing thrown', async () => {
  const other = (o) => JSON.stringify(o);
  const { out, ms, updates, locks } = await resumeWhileHeld([
    'x'.repeat(5 << 20),
    42, { v: 1 }, null, '{', '[]', 'null',
    other({ hello: 'world' }),
    record(srv.url, 'another-key', { jobId: ID, job: job('COMPLETED', { result: 'https://cdn.example/a.mp4' }) }),
    record('https://evil.example', 'held-1', { jobId: ID, job: job('COMPLETED', { result: 'https://evil.example/a.mp4' }) }),
    record(srv.url, 'held-1', { jobId: '../admin', job: { ...job('COMPLETED', { result: 'https://cdn.example/a.mp4' }), id: '../admin' } }),
    record(srv.url, 'held-1', { jobId: OTHER_ID, job: { ...job('COMPLETED', { result: 'https://cdn.example/a.mp4' }), id: OTHER_ID } }),
    record(srv.url, 'held-1', { v: 2, jobId: ID, job: job('COMPLETED', { result: 'https://cdn.example/a.mp4' }) }),
  ]);
  assert.equal(out.code, 'TIMEOUT', String(out?.message ?? out?.status));
  assert.ok(ms < 800 + 1000, `ended after ${ms} ms`);
  assert.deepEqual(updates, []);
  assert.deepEqual(srv.log, [], 'nothing sent while another tab holds the job');
  assert.deepEqual(locks.requests, [claimName(srv.url, 'held-1')]);
});

test('2e. a heard COMPLETED/FAILED record with a javascript: URL: no such URL reaches the caller', async () => {
  for (const status of ['COMPLETED', 'FAILED']) {
    const { out, updates } = await resumeWhileHeld([
      record(srv.url, 'held-1', { jobId: ID, job: job(status, { result: { videoUrl: 'javascript:alert(document.cookie)' }, error: 'x' }) }),
    ]);
    const urls = [...updates, out, out?.job].flatMap((j) => j?.videoUrls ?? []);
    assert.ok(!urls.some((u) => /^\s*javascript:/i.test(u)), `${status}: ${urls}`);
  }
  // The same from the service itself.
  srv.next(json(200, job('COMPLETED', { result: { videoUrl: 'JavaScript:alert(1)' } })));
  const client = new hh.Client({ baseUrl: srv.url, maxRetries: 0 });
  const j = await client.getJob(ID).catch((e) => e);
  assert.ok(!(j.videoUrls ?? j.job?.videoUrls ?? []).some((u) => /javascript:/i.test(u)), JSON.stringify(j.videoUrls));
  // An http(s) URL stays.
  srv.next(json(200, job('COMPLETED', { result: { videoUrl: 'http://cdn.example/v.mp4' } })));
  assert.deepEqual((await client.getJob(ID)).videoUrls, ['http://cdn.example/v.mp4']);
});

test('2f. a flooded channel: the call still ends at its timeout, memory stays flat', async () => {
  const junk = record(srv.url, 'held-1', { jobId: ID, job: job('PROCESSING', { pad: 'p'.repeat(64 << 10) }) });
  const flood = Array.from({ length: 3000 }, (_, i) => (i % 2 ? junk : 'y'.repeat(1 << 16)));
  const { out, ms } = await resumeWhileHeld(flood, { timeoutMs: 1500 });
  assert.equal(out.code, 'TIMEOUT');
  assert.ok(ms < 1500 + 3000, `ended after ${ms} ms`);
});

// ---------------------------------------------------------------- promise 3

test('3a. a crafted record never sends the key or body elsewhere, nor polls another path', async () => {
  const store = new MapStore();
  const base = srv.url;
  store.setItem(`happyhorse:${base}|elsewhere`, record('https://evil.example', 'elsewhere'));
  store.setItem(`happyhorse:${base}|path`, record(base, 'path', { jobId: '../../v1/admin?x=' }));
  store.setItem(`happyhorse:${base}|crlf\r\nx-evil: 1`, record(base, 'crlf\r\nx-evil: 1'));
  store.setItem(`happyhorse:${base}|`, record(base, ''));
  store.setItem(`happyhorse:${base}|ok`, record(base, 'ok', { jobId: ID, job: { ...job('PROCESSING'), id: ID } }));
  const client = new hh.Client({ baseUrl: base, apiKey: SECRET, store, maxRetries: 0, onStoreError: () => {} });
  assert.deepEqual(client.jobs().map((j) => j.idempotencyKey), ['ok']);
  srv.next(json(200, job('COMPLETED', { result: 'https://cdn.example/v.mp4' })));
  const resumed = client.resumeAll();
  assert.equal(resumed.length, 1);
  await resumed[0].done;
  assert.deepEqual(srv.log.map((e) => `${e.method} ${e.url}`), [`GET /v2/jobs/${ID}`]);
});

test('3b. a stored body that fails validation is never sent', async () => {
  const store = new MapStore();
  const bad = [
    { model: 'happyhorse-1.1' },
    { model: 'happyhorse-1.1', prompt: 'x', webhookUrl: 'javascript:alert(1)' },
    { model: 'gpt-image', prompt: 'A horse' },
    { model: 'happyhorse-1.1', prompt: 'A horse', happyhorse11Params: { duration: 99999 } },
  ];
  bad.forEach((body, i) => store.setItem(`happyhorse:${srv.url}|bad-${i}`, record(srv.url, `bad-${i}`, { body })));
  const client = new hh.Client({ baseUrl: srv.url, apiKey: SECRET, store, maxRetries: 0, onStoreError: () => {} });
  const resumed = client.resumeAll();
  await Promise.all(resumed.map((r) => r.done.catch(() => {})));
  for (let i = 0; i < bad.length; i++) await client.resume(`bad-${i}`).catch(() => {});
  assert.deepEqual(srv.log.map((e) => `${e.method} ${e.url}`), [], 'nothing sent');
});

// ---------------------------------------------------------------- promise 4

test('4a. a resend keeps the key, and never re-dates the submission (no resend past 23 h)', async () => {
  const store = new MapStore();
  const name = `happyhorse:${srv.url}|old-1`;
  const savedAt = Date.now() - 22 * HOUR;
  store.setItem(name, record(srv.url, 'old-1', { savedAt }));
  const client = new hh.Client({ baseUrl: srv.url, apiKey: SECRET, store, maxRetries: 0 });
  srv.next((req, res) => res.destroy());
  const e = await client.resume('old-1').catch((e) => e);
  assert.equal(e.code, 'NETWORK');
  assert.deepEqual(srv.log.map((x) => [x.method, x.headers['idempotency-key']]), [['POST', 'old-1']]);
  assert.equal(JSON.parse(store.getItem(name)).savedAt, savedAt, 'the submission keeps its first date');
  assert.equal(client.jobs()[0].savedAt, savedAt);
});

test('4b. records too old, or dated in the future, are never resent', async () => {
  for (const savedAt of [Date.now() - 23.5 * HOUR, Date.now() - 30 * 24 * HOUR, Date.now() + 48 * HOUR, 8.64e15]) {
    srv.log.length = 0;
    const store = new MapStore();
    store.setItem(`happyhorse:${srv.url}|k`, record(srv.url, 'k', { savedAt }));
    const client = new hh.Client({ baseUrl: srv.url, apiKey: SECRET, store, maxRetries: 0 });
    const e = await client.resume('k').catch((e) => e);
    assert.equal(e.code, 'CONFLICT', `savedAt ${savedAt}`);
    assert.deepEqual(srv.log, [], `savedAt ${savedAt}: nothing sent`);
  }
});
