// Recorded jobs in Node (a Map-backed store, as the README shows), against
// the fake: a job whose submit answer was lost is resumed by a new client
// (a reload) under the same key and body, and the fake makes one job of it;
// a store that throws, is full, holds records it cannot read or hands back
// hostile values never fails a call, never throws through wasm, and is
// reported to onStoreError with code STORAGE; the API key is never stored.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { pkg as hh } from '../node/load.mjs';
import { startFake } from './fake.mjs';
import { fakeControl } from './control.mjs';

/** The `Storage` methods over a Map: what the README gives Node users. */
export class MapStore {
  #m = new Map();
  get length() { return this.#m.size; }
  key(i) { return [...this.#m.keys()][i] ?? null; }
  getItem(k) { return this.#m.has(k) ? this.#m.get(k) : null; }
  setItem(k, v) { this.#m.set(k, String(v)); }
  removeItem(k) { this.#m.delete(k); }
  values() { return [...this.#m.values()]; }
}

const SECRET = 'afk_store_test_secret_51c9';
const REQUEST = { prompt: 'A herd of horses thundering across desert dunes at golden hour' };
let fake, control;

before(async () => {
  fake = await startFake();
  control = fakeControl(fake.url);
});
after(() => fake?.stop());
beforeEach(async () => {
  await control.reset();
  await control.config({ timeScale: 300, jobSeconds: 30, queueSeconds: 1 });
});

test('a reload resumes a job whose submit answer was lost: same key, same body, one job', async () => {
  const store = new MapStore();
  await control.fault({ route: 'generate', kind: 'drop-after', count: 3 });
  const page1 = new hh.Client({ baseUrl: fake.url, apiKey: SECRET, store });
  const lost = await page1.generate(REQUEST, { idempotencyKey: 'reload-1' }).catch((e) => e);
  assert.equal(lost.code, 'NETWORK');
  assert.equal(lost.idempotencyKey, 'reload-1');
  const [recorded] = page1.jobs();
  assert.deepEqual([recorded.idempotencyKey, recorded.jobId, recorded.finished], ['reload-1', null, false]);
  assert.equal(recorded.request.prompt, REQUEST.prompt);

  // The page reloads: a new client over the same store.
  const page2 = new hh.Client({ baseUrl: fake.url, apiKey: SECRET, store });
  const updates = [];
  const resumed = page2.resumeAll({ onUpdate: (j) => updates.push(j.status) });
  assert.equal(resumed.length, 1);
  assert.equal(resumed[0].idempotencyKey, 'reload-1');
  const job = await resumed[0].done;
  assert.equal(job.status, 'COMPLETED');
  assert.ok(updates.length >= 1);

  const log = await control.apiLog();
  const posts = log.filter((e) => e.method === 'POST');
  assert.ok(posts.every((e) => e.headers['idempotency-key'] === 'reload-1'));
  // The fake answers a key replayed with another body 409: none here, so
  // the body sent again was the same.
  assert.deepEqual(posts.map((e) => e.status), [0, 0, 0, 202]);
  const jobIds = new Set(log.filter((e) => e.method === 'GET').map((e) => e.path));
  assert.equal(jobIds.size, 1, 'one job for the key');
  const [done] = page2.jobs();
  assert.deepEqual([done.jobId, done.finished, done.job.status], [job.jobId, true, 'COMPLETED']);
  for (const text of store.values()) assert.ok(!text.includes(SECRET), 'the API key is never stored');
});

test('submit then waitForJob keeps the record up to date; forget drops it', async () => {
  const store = new MapStore();
  const client = new hh.Client({ baseUrl: fake.url, store });
  const { jobId } = await client.submit(REQUEST, { idempotencyKey: 'sw-1' });
  assert.equal(client.jobs()[0].jobId, jobId);
  await client.waitForJob(jobId);
  assert.equal(client.jobs()[0].finished, true);
  assert.equal(client.jobs()[0].job.status, 'COMPLETED');
  assert.equal(client.forget('sw-1'), true);
  assert.equal(client.forget('sw-1'), false);
  assert.deepEqual(client.jobs(), []);
  assert.equal(store.length, 0);
  const missing = await client.resume('sw-1').catch((e) => e);
  assert.equal(missing.code, 'NOT_FOUND');
});

test('a refused submission leaves no record; a client without a store records nothing', async () => {
  const store = new MapStore();
  const client = new hh.Client({ baseUrl: fake.url, store });
  await control.fault({ route: 'generate', kind: 'status', status: 402 });
  const e = await client.generate(REQUEST).catch((e) => e);
  assert.equal(e.code, 'INSUFFICIENT_CREDITS');
  assert.deepEqual(client.jobs(), []);
  const plain = new hh.Client({ baseUrl: fake.url });
  await plain.generate(REQUEST);
  assert.deepEqual(plain.jobs(), []);
  assert.deepEqual(plain.resumeAll(), []);
});

/** A store whose every method (and `length`) throws. */
const throwing = {
  get length() { throw new Error('SecurityError: storage is disabled'); },
  key() { throw new Error('SecurityError'); },
  getItem() { throw new Error('SecurityError'); },
  setItem() { throw new Error('SecurityError'); },
  removeItem() { throw new Error('SecurityError'); },
};

test('storage that throws: the job completes in memory, STORAGE is reported once, nothing throws', async () => {
  const reported = [];
  const client = new hh.Client({ baseUrl: fake.url, store: throwing, onStoreError: (e) => reported.push(e) });
  const job = await client.generate(REQUEST);
  assert.equal(job.status, 'COMPLETED');
  assert.ok(reported.length >= 1 && reported.length <= 3, `${reported.length} reports`);
  for (const e of reported) {
    assert.ok(e instanceof hh.HappyHorseError);
    assert.equal(e.code, 'STORAGE');
  }
  const [kept] = client.jobs();
  assert.deepEqual([kept.finished, kept.job.status], [true, 'COMPLETED'], 'kept in memory');
  // The module is intact.
  assert.equal(hh.validate(REQUEST).ok, true);
});

test('storage filled to its quota: the job completes, kept in memory, reported', async () => {
  class Full extends MapStore {
    setItem() { const e = new Error('the quota has been exceeded'); e.name = 'QuotaExceededError'; throw e; }
  }
  const reported = [];
  const client = new hh.Client({ baseUrl: fake.url, store: new Full(), onStoreError: (e) => reported.push(e.message) });
  const job = await client.generate(REQUEST, { idempotencyKey: 'full-1' });
  assert.equal(job.status, 'COMPLETED');
  assert.equal(reported.length, 1, 'once, until the store works again');
  assert.match(reported[0], /QuotaExceededError/);
  assert.equal(client.jobs()[0].idempotencyKey, 'full-1');
});

test('records it cannot read or from another version are reported and left as they are', async () => {
  const store = new MapStore();
  const prefix = `happyhorse:${fake.url}|`;
  store.setItem(`${prefix}broken`, '{"v":1,');
  const future = JSON.stringify({ v: 2, baseUrl: fake.url, key: 'future', body: {}, savedAt: 1 });
  store.setItem(`${prefix}future`, future);
  store.setItem('unrelated', 'app data');
  const reported = [];
  const client = new hh.Client({ baseUrl: fake.url, store, onStoreError: (e) => reported.push(e.message) });
  assert.deepEqual(client.jobs(), []);
  assert.equal(reported.length, 2);
  assert.ok(reported.some((m) => /another version/.test(m)));
  assert.equal(store.getItem(`${prefix}future`), future, 'untouched');
  assert.equal(store.getItem('unrelated'), 'app data');
  // And new jobs are still recorded beside them.
  await client.generate(REQUEST, { idempotencyKey: 'beside' });
  assert.deepEqual(client.jobs().map((j) => j.idempotencyKey), ['beside']);
});

test('records are namespaced by baseUrl', async () => {
  const store = new MapStore();
  const a = new hh.Client({ baseUrl: fake.url, store });
  await a.submit(REQUEST, { idempotencyKey: 'ns-1' });
  const b = new hh.Client({ baseUrl: `${fake.url}/other`, store });
  assert.deepEqual(b.jobs(), []);
  assert.equal(a.jobs().length, 1);
});

test('hostile stores: bad option shapes are INVALID_REQUEST, hostile answers never throw', async () => {
  for (const store of [{}, 'localStorage', { getItem() {}, setItem() {} }]) {
    assert.throws(() => new hh.Client({ store }), (e) => e.code === 'INVALID_REQUEST' && e.issues[0].path === 'options.store');
  }
  assert.throws(() => new hh.Client({ store: new MapStore(), onStoreError: 5 }), (e) => e.issues[0].path === 'options.onStoreError');
  const hostile = [
    { length: 1e12, key: () => 'x'.repeat(1000), getItem: () => null, setItem() {}, removeItem() {} },
    { length: 3, key: () => `happyhorse:${fake.url}|k`, getItem: () => ({ toString() { throw new Error('boom'); } }), setItem() {}, removeItem() {} },
    { length: 1, key: () => `happyhorse:${fake.url}|k`, getItem: () => 'x'.repeat(5 << 20), setItem() {}, removeItem() {} },
    new Proxy({}, { get() { throw new Error('trap'); }, has() { throw new Error('trap'); } }),
  ];
  for (const [i, store] of hostile.entries()) {
    let client;
    try {
      client = new hh.Client({ baseUrl: fake.url, store, onStoreError: () => { throw new Error('the callback throws too'); } });
    } catch (e) {
      assert.equal(e.code, 'INVALID_REQUEST', `store ${i}`);
      continue;
    }
    assert.ok(Array.isArray(client.jobs()), `store ${i}`);
    const job = await client.generate(REQUEST);
    assert.equal(job.status, 'COMPLETED', `store ${i}`);
  }
  assert.equal(hh.validate(REQUEST).ok, true, 'the module still works');
});
