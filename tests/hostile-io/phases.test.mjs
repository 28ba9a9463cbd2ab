// A submitted job is never lost, and aborts/timeouts end calls on time:
// aborts at every phase, wait and request timeouts, Retry-After, redirects,
// big/trickling/non-UTF-8 bodies. Run: node --test tests/hostile-io/phases.test.mjs
// (and under GC pressure: node --expose-gc --test tests/hostile-io/phases.test.mjs;
// with --expose-gc, global.gc() runs every 200 ms).
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { hostileServer, json, raw, hang, trickle, ID, sleep } from './server.mjs';
import { hh, settle, HORSE } from './util.mjs';

let s, other, gcTimer;
before(async () => {
  [s, other] = await Promise.all([hostileServer(), hostileServer()]);
  if (typeof global.gc === 'function') gcTimer = setInterval(() => global.gc(), 200);
  console.log(`gc every 200 ms: ${typeof global.gc === 'function'}`);
});
after(async () => {
  clearInterval(gcTimer);
  await Promise.all([s.close(), other.close()]);
});
beforeEach(() => {
  s.queue.length = 0;
  s.log.length = 0;
  other.log.length = 0;
});
const client = (extra = {}) => new hh.Client({ baseUrl: s.url, maxRetries: 0, ...extra });
const accepted = json(202, { jobId: ID, status: 'QUEUED' });
const processing = (p = 10) => json(200, { id: ID, status: 'PROCESSING', progress: p });

/** Rejects within `ms` of `from` (performance.now()) with `code`; returns the error. */
async function rejectsBy(p, code, from, ms) {
  const [state, e] = await settle(p, ms + 5000);
  const took = performance.now() - from;
  assert.equal(state, 'rejected', `expected ${code}, got ${state} ${JSON.stringify(e)}`);
  assert.equal(e.code, code, `${e.code}: ${e.message}`);
  assert.ok(took <= ms, `${code} took ${took.toFixed(0)} ms, allowed ${ms}`);
  return e;
}

const posts = () => s.log.filter((r) => r.method === 'POST');

test('abort before submit: ABORTED with idempotencyKey, nothing sent', async () => {
  const ac = new AbortController();
  ac.abort();
  const e = await rejectsBy(client().submit(HORSE, { signal: ac.signal }), 'ABORTED', performance.now(), 100);
  assert.match(e.idempotencyKey ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(s.log.length, 0);
});

test("abort during the submit's fetch: ABORTED within 100 ms, with the key that was sent", async () => {
  s.next(hang());
  const ac = new AbortController();
  const p = client().submit(HORSE, { signal: ac.signal, idempotencyKey: 'review-k1' });
  while (s.log.length === 0) await sleep(5);
  const t = performance.now();
  ac.abort();
  const e = await rejectsBy(p, 'ABORTED', t, 100);
  assert.equal(e.idempotencyKey, 'review-k1');
  assert.equal(posts()[0].headers['idempotency-key'], 'review-k1');
});

test("abort during the 202's body (headers sent, body trickling): ABORTED with idempotencyKey", async () => {
  s.next(trickle(50, 202));
  const ac = new AbortController();
  const p = client().submit(HORSE, { signal: ac.signal });
  while (s.log.length === 0) await sleep(5);
  await sleep(100);
  const t = performance.now();
  ac.abort();
  const e = await rejectsBy(p, 'ABORTED', t, 100);
  assert.equal(e.idempotencyKey, posts()[0].headers['idempotency-key']);
});

test('abort during a retry sleep: ABORTED within 100 ms; the retry used the same key and body', async () => {
  s.next(json(503, { error: 'busy' }), json(503, { error: 'busy' }, { 'retry-after': '30' }));
  const ac = new AbortController();
  const p = client({ maxRetries: 3 }).submit(HORSE, { signal: ac.signal });
  while (s.log.length < 2) await sleep(5);
  await sleep(50);
  const t = performance.now();
  ac.abort();
  const e = await rejectsBy(p, 'ABORTED', t, 100);
  const [a, b] = posts();
  assert.equal(a.headers['idempotency-key'], b.headers['idempotency-key']);
  assert.equal(a.body, b.body);
  assert.equal(e.idempotencyKey, a.headers['idempotency-key']);
  assert.equal(s.log.length, 2, 'no request after the abort');
});

test('abort during a poll of generate: ABORTED within 100 ms with jobId and the last state', async () => {
  s.next(accepted, hang());
  const ac = new AbortController();
  const p = client().generate(HORSE, { signal: ac.signal, pollIntervalMs: 10 });
  while (s.log.length < 2) await sleep(5);
  const t = performance.now();
  ac.abort();
  const e = await rejectsBy(p, 'ABORTED', t, 100);
  assert.equal(e.jobId, ID);
  assert.equal(e.job?.status, 'QUEUED');
});

test('abort inside onUpdate: ABORTED with jobId, no further request', async () => {
  s.next(accepted);
  const ac = new AbortController();
  const p = client().generate(HORSE, { signal: ac.signal, pollIntervalMs: 10, onUpdate: () => ac.abort() });
  const e = await rejectsBy(p, 'ABORTED', performance.now(), 200);
  assert.equal(e.jobId, ID);
  await sleep(50);
  assert.equal(s.log.length, 1);
});

test('onUpdate that throws does not stop the wait', async () => {
  s.next(accepted, processing(50), json(200, { id: ID, status: 'COMPLETED', progress: 100, result: 'https://cdn/v.mp4' }));
  let n = 0;
  const job = await client().generate(HORSE, { pollIntervalMs: 10, onUpdate: () => { n++; throw new Error('ui bug'); } });
  assert.equal(job.status, 'COMPLETED');
  assert.equal(n, 3);
});

test("a wait's timeoutMs ends it at the deadline with TIMEOUT + jobId (poll hanging)", async () => {
  s.next(hang());
  const t = performance.now();
  const e = await rejectsBy(client().waitForJob(ID, { timeoutMs: 500, pollIntervalMs: 10 }), 'TIMEOUT', t, 700);
  assert.ok(performance.now() - t >= 490);
  assert.equal(e.jobId, ID);
});

test("a wait's timeoutMs ends it at the deadline with TIMEOUT + jobId (job PROCESSING)", async () => {
  s.next(...Array.from({ length: 200 }, () => processing(10)));
  const t = performance.now();
  const e = await rejectsBy(client().waitForJob(ID, { timeoutMs: 600, pollIntervalMs: 50 }), 'TIMEOUT', t, 800);
  assert.equal(e.jobId, ID);
  assert.equal(e.job?.status, 'PROCESSING');
});

test('a transient poll failure shortly before the deadline ends the wait early with SERVER_ERROR instead of TIMEOUT at the deadline', async () => {
  // Wait 3 s, polls every 2 s: the poll at ~2 s gets a 503 (no Retry-After).
  // The next poll (~2 s later) would pass the deadline, so Wait::failed ends the wait
  // right there (~1 s early) with SERVER_ERROR — not the TIMEOUT a caller
  // resumes on (README's example: `if (e.code === 'TIMEOUT') resumeLater(e.jobId)`).
  s.next(json(503, { error: 'busy' }), ...Array.from({ length: 10 }, () => processing(10)));
  const t = performance.now();
  const [state, e] = await settle(client().waitForJob(ID, { timeoutMs: 3000, pollIntervalMs: 2000 }), 6000);
  const took = performance.now() - t;
  assert.equal(state, 'rejected');
  assert.equal(e.jobId, ID);
  assert.equal(e.code, 'TIMEOUT', `ended after ${took.toFixed(0)} ms of a 3000 ms wait with ${e.code} (retryAfterMs ${e.retryAfterMs}): ${e.message}`);
});

test('a request timeout (timeoutMs) ends a call within timeoutMs + 1 s even for a trickling body', async () => {
  s.next(trickle(50));
  const t = performance.now();
  const e = await rejectsBy(client({ timeoutMs: 500 }).getJob(ID), 'TIMEOUT', t, 1500);
  assert.equal(e.jobId, ID);
  s.next(trickle(50, 202));
  const t2 = performance.now();
  const e2 = await rejectsBy(client({ timeoutMs: 500 }).submit(HORSE), 'TIMEOUT', t2, 1500);
  assert.ok(e2.idempotencyKey);
});

test('a request timeout for a server that never sends headers', async () => {
  s.next(hang());
  const t = performance.now();
  await rejectsBy(client({ timeoutMs: 400 }).getJob(ID), 'TIMEOUT', t, 1400);
});

test('Retry-After: huge fails at once with retryAfterMs; garbage falls back to backoff; HTTP-date is honoured', async () => {
  s.next(json(429, { error: 'slow' }, { 'retry-after': '99999999999' }));
  let e = await rejectsBy(client({ maxRetries: 2 }).submit(HORSE), 'RATE_LIMITED', performance.now(), 300);
  assert.equal(e.retryAfterMs, 99999999999000);
  assert.ok(e.idempotencyKey);
  s.next(json(429, { error: 'slow' }, { 'retry-after': 'soon, maybe' }), accepted);
  let [state, v, took] = await settle(client({ maxRetries: 1 }).submit(HORSE));
  assert.equal(state, 'resolved');
  assert.ok(took < 1500, `garbage Retry-After: ${took}`);
  const date = new Date(Date.now() + 2000).toUTCString();
  s.next(json(503, { error: 'busy' }, { 'retry-after': date }), accepted);
  [state, v, took] = await settle(client({ maxRetries: 1 }).submit(HORSE), 5000);
  assert.equal(state, 'resolved');
  assert.ok(took >= 900 && took < 3500, `HTTP-date Retry-After waited ${took}`);
  // 400 nines are Infinity ms: no use as a wait (and `null` in JSON), so
  // read as no Retry-After at all: the backoff applies, as for garbage.
  s.next(json(429, { error: 'slow' }, { 'retry-after': '9'.repeat(400) }), accepted);
  [state, v, took] = await settle(client({ maxRetries: 1 }).submit(HORSE));
  assert.equal(state, 'resolved');
  assert.ok(took < 1500, `400-digit Retry-After: ${took}`);
});

test('3xx on submit and poll: BAD_RESPONSE, not retried, never followed', async () => {
  for (const status of [301, 302, 303, 307, 308, 300, 304]) {
    s.log.length = 0;
    s.next(raw(status, '{}', { location: `${other.url}/v2/videos/generate`, 'content-type': 'application/json' }));
    const e = await rejectsBy(client({ maxRetries: 2 }).submit(HORSE), 'BAD_RESPONSE', performance.now(), 500);
    assert.ok(e.idempotencyKey, `${status}`);
    assert.equal(s.log.length, 1, `${status} not retried`);
  }
  s.next(raw(302, '', { location: `${other.url}/v2/jobs/${ID}` }));
  const e = await rejectsBy(client({ maxRetries: 2 }).getJob(ID), 'BAD_RESPONSE', performance.now(), 500);
  assert.equal(e.jobId, ID);
  assert.equal(other.log.length, 0);
});

test('bodies: 1 MiB + 1 (with and without Content-Length), non-UTF-8, lying Content-Length', async () => {
  const big = Buffer.alloc((1 << 20) + 1, 0x20);
  s.next(raw(200, big, { 'content-type': 'application/json' }));
  let e = await rejectsBy(client().getJob(ID), 'BAD_RESPONSE', performance.now(), 2000);
  assert.equal(e.jobId, ID);
  s.next((req, res) => {
    res.writeHead(202, { 'content-type': 'application/json' });
    for (let i = 0; i < 20; i++) res.write(Buffer.alloc(100_000, 0x20));
    res.end('{}');
  });
  e = await rejectsBy(client({ maxRetries: 2 }).submit(HORSE), 'BAD_RESPONSE', performance.now(), 2000);
  assert.ok(e.idempotencyKey);
  assert.equal(s.log.length, 2, 'an oversized body is not retried');
  s.next(raw(200, Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])));
  e = await rejectsBy(client().getJob(ID), 'BAD_RESPONSE', performance.now(), 500);
  s.next(raw(404, Buffer.from([0xff, 0xfe, 0x00])));
  e = await rejectsBy(client().getJob(ID), 'NOT_FOUND', performance.now(), 500);
  s.next((req, res) => {
    res.writeHead(200, { 'content-length': '10' });
    res.end(JSON.stringify({ id: ID, status: 'PROCESSING' }));
  });
  const [state] = await settle(client().getJob(ID));
  assert.equal(state, 'rejected');
});

test('an answer about another job mid-wait: BAD_RESPONSE with jobId (the asked one)', async () => {
  // One such answer is taken as transient (BAD_RESPONSE is retryable) and polled again; three in a row end the wait.
  const otherJob = json(200, { id: '11111111-1111-4111-8111-111111111111', status: 'COMPLETED', result: 'https://x/v.mp4' });
  s.next(processing(10), otherJob, otherJob, otherJob);
  const e = await rejectsBy(client({ maxPollFailures: 3 }).waitForJob(ID, { pollIntervalMs: 10 }), 'BAD_RESPONSE', performance.now(), 5000);
  assert.equal(e.jobId, ID);
  assert.equal(e.job?.jobId, '11111111-1111-4111-8111-111111111111', 'e.job is the refused answer');
});

test('poll failures keep waiting, too many in a row end it with jobId', async () => {
  s.next(json(503, {}), json(500, {}), processing(20), json(200, { id: ID, status: 'COMPLETED', result: 'https://x/v.mp4' }));
  const job = await client().waitForJob(ID, { pollIntervalMs: 10 });
  assert.equal(job.status, 'COMPLETED');
  s.log.length = 0;
  s.next(...Array.from({ length: 10 }, () => json(503, {}, { 'retry-after': '0' })));
  const e = await rejectsBy(client({ maxPollFailures: 3 }).waitForJob(ID, { pollIntervalMs: 10 }), 'SERVER_ERROR', performance.now(), 3000);
  assert.equal(e.jobId, ID);
  assert.equal(s.log.length, 3);
});

test('generate: a dropped connection after the submit is retried with the same key and body; the job is kept', async () => {
  s.next((req, res) => res.destroy(), accepted, json(200, { id: ID, status: 'COMPLETED', result: 'https://x/v.mp4' }));
  const job = await client({ maxRetries: 1 }).generate(HORSE, { pollIntervalMs: 10 });
  assert.equal(job.jobId, ID);
  const [a, b] = posts();
  assert.equal(a.headers['idempotency-key'], b.headers['idempotency-key']);
  assert.equal(a.body, b.body);
});
