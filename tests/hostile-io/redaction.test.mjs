// The API key in any error field: review found fields Error::redact did not
// cover (e.job.status, videoUrls, jobId; e.jobId) and a 202 jobId used as a
// path; both are fixed and checked here.
// Run: node --test tests/hostile-io/redaction.test.mjs
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { hostileServer, json, ID, KEY } from './server.mjs';
import { hh, whereShown, assertNoSecret, HORSE } from './util.mjs';

let s;
before(async () => (s = await hostileServer()));
after(() => s.close());
beforeEach(() => {
  s.queue.length = 0;
  s.log.length = 0;
});
const client = (extra = {}) => new hh.Client({ baseUrl: s.url, apiKey: KEY, maxRetries: 0, ...extra });

async function rejection(p) {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

test('e.job.status and e.job.videoUrls are not redacted (Job::redact covers only error and raw)', async () => {
  s.next(json(200, { id: ID, status: KEY, progress: 10, result: KEY }), json(404, { error: 'gone' }));
  const e = await rejection(client().waitForJob(ID, { pollIntervalMs: 10 }));
  assert.equal(e.code, 'NOT_FOUND');
  assert.equal(e.jobId, ID);
  assertNoSecret(e, KEY, 'the NOT_FOUND after a job whose status/result echo the key');
});

test('e.job.jobId of an answer about another job is not redacted', async () => {
  s.next(json(200, { id: KEY, status: 'PROCESSING' }));
  const e = await rejection(client().getJob(ID));
  assert.equal(e.code, 'BAD_RESPONSE');
  assertNoSecret(e, KEY, 'BAD_RESPONSE (another job)');
});

test('generate: a 202 whose jobId is the key puts the key in e.jobId (and in the poll URL)', async () => {
  s.log.length = 0;
  s.next(json(202, { jobId: KEY, status: 'QUEUED' }), json(404, { error: 'gone' }));
  const e = await rejection(client().generate(HORSE, { pollIntervalMs: 10 }));
  assertNoSecret(e, KEY, `generate's ${e.code}`);
});

test('generate: a 202 jobId that is not a UUID is polled as a path (../, ?, #): same-origin path injection with X-API-Key', async () => {
  s.log.length = 0;
  s.next(json(202, { jobId: '../../admin/delete?all=1#', status: 'QUEUED' }), json(404, { error: 'gone' }));
  const e = await rejection(client().generate(HORSE, { pollIntervalMs: 10 }));
  const polled = s.log.filter((r) => r.method === 'GET').map((r) => r.url);
  // Expected: the 202 is refused (BAD_RESPONSE with idempotencyKey), nothing polled outside /v2/jobs/{uuid}.
  assert.deepEqual(polled.filter((u) => !/^\/v2\/jobs\/[0-9a-f-]{36}$/i.test(u)), [], `polled ${polled} (e.code ${e.code}, e.jobId ${e.jobId})`);
});

test('generate: a 202 whose jobId is not a UUID is refused at once (BAD_RESPONSE with the idempotency key), so no TIMEOUT ever names an id waitForJob would refuse', async () => {
  s.next(json(202, { jobId: 'job-1', status: 'QUEUED' }));
  const e = await rejection(client({ timeoutMs: 60000 }).generate(HORSE, { timeoutMs: 300 }));
  assert.equal(e.code, 'BAD_RESPONSE');
  assert.ok(e.idempotencyKey, 'submitting again with this key gets the job');
  assert.equal(e.jobId, undefined);
});

test('held: echoed key in error body, x-request-id, details, 402 figures, FAILED error text is redacted', async () => {
  const c = client();
  s.next(json(401, { error: `bad key ${KEY}`, details: { [KEY]: [KEY] } }, { 'x-request-id': KEY, 'x-debug': KEY }));
  assertNoSecret(await rejection(c.getJob(ID)), KEY, '401');
  s.next(json(200, { id: ID, status: 'FAILED', error: `policy ${KEY}`, [KEY]: { [KEY]: [KEY] } }, { 'x-request-id': KEY }));
  const failed = await rejection(c.waitForJob(ID, { pollIntervalMs: 10 }));
  assert.equal(failed.code, 'JOB_FAILED');
  assertNoSecret(failed, KEY, 'JOB_FAILED');
  s.next(json(400, { error: 'Validation failed', details: { prompt: [KEY] } }));
  assertNoSecret(await rejection(c.submit(HORSE)), KEY, '400 details');
});

test('by design, not redacted: onUpdate payloads and the resolved job carry whatever the server echoes', async () => {
  const updates = [];
  s.next(json(200, { id: ID, status: 'PROCESSING', progress: 5, note: KEY }), json(200, { id: ID, status: 'COMPLETED', progress: 100, result: 'https://cdn/v.mp4', note: KEY }));
  const job = await client().waitForJob(ID, { pollIntervalMs: 10, onUpdate: (j) => updates.push(j) });
  // Recorded, not asserted: a finding of low severity (the key is the caller's own, in its own process).
  console.log(`resolved job shows key at: ${whereShown(job, KEY)}; updates at: ${whereShown(updates, KEY)}`);
  assert.ok(whereShown(job, KEY).length > 0, 'the resolved job is not redacted (documenting current behaviour)');
});
