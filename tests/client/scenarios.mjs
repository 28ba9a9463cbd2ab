// The client's behaviour against the fake Apiframe server, one scenario per
// promise of the contract. Each runs unchanged in Node (the nodejs build)
// and in headless Chromium (the web build, cross-origin to the fake), and
// asserts on the fake's request log: what the client really sent.

function fail(message) { throw new Error(message); }
const assert = {
  ok: (v, m) => v || fail(m || `expected truthy, got ${JSON.stringify(v)}`),
  equal: (a, b, m) => a === b || fail(`${m ? m + ': ' : ''}expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`),
  deepEqual: (a, b, m) => JSON.stringify(a) === JSON.stringify(b) || fail(`${m ? m + ': ' : ''}expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`),
  async rejects(promise, check) {
    try { await promise; } catch (e) { check(e); return e; }
    fail('expected a rejection');
  },
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const HORSE = { prompt: 'A herd of horses thundering across desert dunes, dust trailing behind, golden hour', happyhorse11Params: { duration: 10 } };
/** A "180 s" job that takes 0.3 s. */
const FAST = { timeScale: 600, jobSeconds: 180, queueSeconds: 5, noise: 3, reportProgress: true };
const QUICK_POLL = { pollIntervalMs: 60 };

function client(ctx, extra = {}) {
  return new ctx.hh.Client({ baseUrl: ctx.fake.baseUrl, ...extra });
}

function isHH(ctx, e, code) {
  assert.ok(e instanceof Error, 'an Error');
  assert.ok(e instanceof ctx.hh.HappyHorseError, 'a HappyHorseError');
  assert.equal(e.code, code, `code (${e.message})`);
}

// Hostile servers: ctx.other is a second fake on another origin, the place
// a redirect points to; the harness checks it never sees an API request.
export const SECRET = 'afk_secret_hostile';
const ANY_UUID = '00000000-0000-4000-8000-000000000000';

function hostile(ctx, extra = {}) {
  return client(ctx, { apiKey: SECRET, maxRetries: 0, ...extra });
}

function throwsNow(fn, check) {
  try { fn(); } catch (e) { check(e); return e; }
  fail('expected a throw');
}

/** Every string an error shows: message, stack, String(), JSON, and each own property's value, however deep. */
function errorTexts(e) {
  const texts = [['message', e.message], ['stack', e.stack], ['String(err)', String(e)], ['JSON.stringify(err)', JSON.stringify(e)]];
  const seen = new Set();
  const walk = (v, path, depth) => {
    if (v === null || v === undefined || typeof v === 'function' || depth > 8) return;
    if (typeof v !== 'object') { texts.push([path, String(v)]); return; }
    if (seen.has(v)) return;
    seen.add(v);
    for (const k of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      let value;
      try { value = 'value' in d ? d.value : d.get?.call(v); } catch { continue; }
      walk(value, `${path}.${String(k)}`, depth + 1);
    }
  };
  walk(e, 'err', 0);
  return texts;
}

export function assertNoSecret(e, secret = SECRET) {
  for (const [where, text] of errorTexts(e)) assert.ok(!String(text).includes(secret), `${where} shows ${secret}: ${text}`);
}

/**
 * Whether `text` holds `secret` in any form a reader could undo: any case,
 * percent-encoded, JSON `\u` escapes, base64 or base64url at any alignment.
 */
export function leaksKey(text, secret = SECRET) {
  const low = secret.toLowerCase();
  const forms = [text, text.replace(/%([0-9a-f]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), text.replace(/\\u([0-9a-f]{4})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))];
  for (const run of text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
    for (let skip = 0; skip < 4; skip++) {
      let b64 = run.slice(skip).replace(/-/g, '+').replace(/_/g, '/');
      if (b64.length % 4 === 1) b64 = b64.slice(0, -1);
      try { forms.push(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '='))); } catch { /* not base64 */ }
    }
  }
  return forms.some((f) => f.toLowerCase().includes(low));
}

/** The forms the fake's `echo-key` fault spells the key in. */
const ECHO_FORMS = ['plain', 'upper', 'lower', 'percent', 'json-escape', 'base64', 'base64url'];

/** A 401 whose body and `x-debug` header quote the key the client sent. */
export async function echoedKeyError(ctx, call = (c) => c.submit(HORSE)) {
  await ctx.fake.fault({ kind: 'echo-key' });
  const e = await assert.rejects(call(hostile(ctx)), (e) => isHH(ctx, e, 'UNAUTHORIZED'));
  assert.ok(e.message.includes('***'), `the key's place is masked: ${e.message}`);
  return e;
}

/** The call rejects on the redirect, and nothing at all reached the origin it named. */
async function refusesRedirect(ctx, promise) {
  const e = await assert.rejects(promise, (e) => isHH(ctx, e, 'BAD_RESPONSE'));
  assert.ok(/redirect/i.test(e.message), `the message says redirect: ${e.message}`);
  assert.deepEqual(await ctx.other.log(), [], 'no request reached the other origin');
  return e;
}

function redirectOnSubmit(status) {
  return async (ctx) => {
    await ctx.fake.fault({ route: 'generate', kind: 'redirect', status, location: `${ctx.other.baseUrl}/v2/videos/generate` });
    await refusesRedirect(ctx, hostile(ctx).submit(HORSE, { idempotencyKey: 'hostile-1' }));
    assert.deepEqual((await ctx.fake.apiLog()).map((e) => [e.method, e.status]), [['POST', status]]);
  };
}

/** A huge answer on submit, then on getJob, is BAD_RESPONSE; the next calls work. */
async function refusesHuge(ctx, fault) {
  const c = client(ctx, { maxRetries: 0 });
  await ctx.fake.fault({ route: 'generate', kind: 'huge', ...fault });
  await assert.rejects(c.submit(HORSE), (e) => isHH(ctx, e, 'BAD_RESPONSE'));
  const { jobId } = await c.submit(HORSE);
  await ctx.fake.fault({ route: 'jobs', kind: 'huge', ...fault });
  const e = await assert.rejects(c.getJob(jobId), (e) => isHH(ctx, e, 'BAD_RESPONSE'));
  assert.equal(e.jobId, jobId);
  assert.equal((await c.getJob(jobId)).jobId, jobId, 'a normal getJob right after');
  // POSTs only: Chromium's HTTP cache may send the GET after a cut-off body
  // for the same URL twice (not with `cache: 'no-store'`).
  const posts = (await ctx.fake.apiLog()).filter((e) => e.method === 'POST');
  assert.deepEqual(posts.map((e) => e.status), [202, 202], 'the huge submit was not retried');
}

export const scenarios = {
  async 'happy path: submit, updates in order, COMPLETED with a video URL'(ctx) {
    await ctx.fake.config(FAST);
    const updates = [];
    const job = await client(ctx).generate(HORSE, { ...QUICK_POLL, onUpdate: (j) => updates.push(j) });
    assert.equal(job.status, 'COMPLETED');
    assert.equal(job.progress, 100);
    assert.deepEqual(job.videoUrls, [`${ctx.fake.baseUrl}/media/sample.webm`]);
    assert.equal(job.creditCost, 310);
    assert.equal(job.raw.id, job.jobId);
    assert.equal(job.expired, false);
    const order = ['QUEUED', 'PROCESSING', 'COMPLETED'];
    const seen = updates.map((u) => order.indexOf(u.status));
    assert.ok(seen.every((s, i) => s >= 0 && (i === 0 || s >= seen[i - 1])), `statuses in order: ${updates.map((u) => u.status)}`);
    assert.equal(updates[0].status, 'QUEUED');
    assert.equal(updates.at(-1).status, 'COMPLETED');
    assert.ok(updates.every((u) => u.jobId === job.jobId));
    for (let i = 1; i < updates.length; i++) {
      const [a, b] = [updates[i - 1], updates[i]];
      assert.ok(a.status !== b.status || a.progress !== b.progress, 'onUpdate fires only on a change');
    }
    const log = await ctx.fake.apiLog();
    assert.equal(log[0].method, 'POST');
    assert.equal(log[0].path, '/v2/videos/generate');
    assert.ok(/^[0-9a-f-]{36}$/.test(log[0].headers['idempotency-key']), 'an Idempotency-Key UUID');
    assert.equal(log[0].headers['x-api-key'], undefined, 'no key header without apiKey');
    assert.ok(log.slice(1).every((e) => e.method === 'GET' && e.path === `/v2/jobs/${job.jobId}`));
    assert.equal(log.filter((e) => e.method === 'POST').length, 1);
  },

  async 'sends X-API-Key only when apiKey is set, and it is masked in the log'(ctx) {
    await ctx.fake.config(FAST);
    const accepted = await client(ctx, { apiKey: 'afk_test_123456' }).submit({ prompt: 'a horse' });
    assert.equal(accepted.status, 'QUEUED');
    const [post] = await ctx.fake.apiLog();
    assert.equal(post.headers['x-api-key'], 'afk_…(15 chars)');
  },

  async 'FAILED job rejects with JOB_FAILED carrying the job and its error'(ctx) {
    await ctx.fake.config(FAST);
    const e = await assert.rejects(client(ctx).generate({ prompt: 'a horse #fail' }, QUICK_POLL), (e) => isHH(ctx, e, 'JOB_FAILED'));
    assert.ok(/fake failure/.test(e.message), e.message);
    assert.equal(e.job.status, 'FAILED');
    assert.equal(e.job.jobId, e.jobId);
    assert.ok(e.job.error.length > 0);
  },

  async 'CANCELLED job rejects with JOB_CANCELLED'(ctx) {
    await ctx.fake.config(FAST);
    const e = await assert.rejects(client(ctx).generate({ prompt: 'a horse #cancel' }, QUICK_POLL), (e) => isHH(ctx, e, 'JOB_CANCELLED'));
    assert.equal(e.job.status, 'CANCELLED');
  },

  async '429 with Retry-After is honoured, under the same Idempotency-Key'(ctx) {
    await ctx.fake.fault({ route: 'generate', kind: 'status', status: 429, retryAfter: '1' });
    const accepted = await client(ctx).submit({ prompt: 'a horse' });
    assert.ok(accepted.jobId);
    const posts = (await ctx.fake.apiLog()).filter((e) => e.method === 'POST');
    assert.deepEqual(posts.map((p) => p.status), [429, 202]);
    assert.ok(posts[1].t - posts[0].t >= 950, `waited ${posts[1].t - posts[0].t} ms`);
    assert.equal(posts[0].headers['idempotency-key'], posts[1].headers['idempotency-key']);
  },

  async '503 twice, then success: three attempts, one key, one job'(ctx) {
    await ctx.fake.fault({ route: 'generate', kind: 'status', status: 503, count: 2 });
    const accepted = await client(ctx).submit({ prompt: 'a horse' }, { idempotencyKey: 'order-42' });
    const posts = (await ctx.fake.apiLog()).filter((e) => e.method === 'POST');
    assert.deepEqual(posts.map((p) => p.status), [503, 503, 202]);
    assert.ok(posts.every((p) => p.headers['idempotency-key'] === 'order-42'));
    const again = await client(ctx).submit({ prompt: 'a horse' }, { idempotencyKey: 'order-42' });
    assert.equal(again.jobId, accepted.jobId, 'the same key gives the same job');
  },

  async '401 is not retried'(ctx) {
    await ctx.fake.fault({ route: 'generate', kind: 'status', status: 401 });
    const e = await assert.rejects(client(ctx).submit({ prompt: 'a horse' }), (e) => isHH(ctx, e, 'UNAUTHORIZED'));
    assert.equal(e.status, 401);
    assert.equal(e.retryable, false);
    assert.ok(/^req_/.test(e.requestId), `requestId ${e.requestId}`);
    assert.equal((await ctx.fake.apiLog()).length, 1);
  },

  async '403 for an inactive key'(ctx) {
    const e = await assert.rejects(client(ctx, { apiKey: 'afk_inactive' }).submit({ prompt: 'a horse' }), (e) => isHH(ctx, e, 'FORBIDDEN'));
    assert.equal(e.status, 403);
  },

  async 'a POST whose answer is lost is retried under the same key and yields one job'(ctx) {
    await ctx.fake.config(FAST);
    await ctx.fake.fault({ route: 'generate', kind: 'drop-after' });
    const accepted = await client(ctx).submit({ prompt: 'a horse' });
    const posts = (await ctx.fake.apiLog()).filter((e) => e.method === 'POST');
    assert.equal(posts.length, 2);
    assert.equal(posts[0].status, 0, 'the first answer was never sent');
    assert.equal(posts[0].headers['idempotency-key'], posts[1].headers['idempotency-key']);
    const job = await client(ctx).waitForJob(accepted.jobId, QUICK_POLL);
    assert.equal(job.jobId, accepted.jobId);
  },

  async 'abort mid-wait stops at once and sends no further request'(ctx) {
    await ctx.fake.config({ ...FAST, timeScale: 30 });
    const controller = new AbortController();
    const c = client(ctx);
    const { jobId } = await c.submit({ prompt: 'a horse' });
    let updates = 0;
    const waiting = c.waitForJob(jobId, { pollIntervalMs: 50, signal: controller.signal, onUpdate: () => { updates++; } });
    while (updates < 2) await sleep(10);
    controller.abort();
    const t0 = Date.now();
    const e = await assert.rejects(waiting, (e) => isHH(ctx, e, 'ABORTED'));
    assert.ok(Date.now() - t0 < 200, 'rejected at once');
    assert.equal(e.jobId, jobId, 'the job is not forgotten');
    await sleep(50);
    const before = (await ctx.fake.apiLog()).length;
    await sleep(400);
    assert.equal((await ctx.fake.apiLog()).length, before, 'no request after the abort');
  },

  async 'a submit that fails still hands back its idempotency key, which recovers the job'(ctx) {
    await ctx.fake.config(FAST);
    await ctx.fake.fault({ route: 'generate', kind: 'drop-after', count: 3 }); // the job is made, every answer lost
    const c = client(ctx, { maxRetries: 2 });
    const e = await assert.rejects(c.submit({ prompt: 'a horse' }), (e) => isHH(ctx, e, 'NETWORK'));
    assert.ok(e.idempotencyKey, 'the key comes back');
    assert.equal(e.jobId, undefined);
    const again = await c.submit({ prompt: 'a horse' }, { idempotencyKey: e.idempotencyKey });
    const posts = (await ctx.fake.apiLog()).filter((p) => p.method === 'POST');
    assert.equal(posts.length, 4);
    assert.ok(posts.every((p) => p.headers['idempotency-key'] === e.idempotencyKey));
    const job = await c.waitForJob(again.jobId, QUICK_POLL);
    assert.equal(job.status, 'COMPLETED', 'the job made by the lost submit');
  },

  async 'an already aborted signal sends nothing'(ctx) {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(client(ctx).submit({ prompt: 'a horse' }, { signal: controller.signal }), (e) => isHH(ctx, e, 'ABORTED'));
    assert.equal((await ctx.fake.apiLog()).length, 0);
  },

  async 'timeout carries the jobId and waitForJob resumes it'(ctx) {
    await ctx.fake.config({ ...FAST, timeScale: 300 });
    const c = client(ctx);
    const e = await assert.rejects(c.generate({ prompt: 'a horse' }, { pollIntervalMs: 50, timeoutMs: 150 }), (e) => isHH(ctx, e, 'TIMEOUT'));
    assert.ok(e.jobId, 'TIMEOUT carries the jobId');
    const job = await c.waitForJob(e.jobId, QUICK_POLL);
    assert.equal(job.status, 'COMPLETED');
    assert.equal(job.jobId, e.jobId);
  },

  async 'transient poll errors do not end the wait'(ctx) {
    await ctx.fake.config(FAST);
    await ctx.fake.fault({ route: 'jobs', kind: 'status', status: 503, count: 2 });
    const job = await client(ctx).generate({ prompt: 'a horse' }, QUICK_POLL);
    assert.equal(job.status, 'COMPLETED');
    const gets = (await ctx.fake.apiLog()).filter((e) => e.method === 'GET');
    assert.deepEqual(gets.slice(0, 2).map((g) => g.status), [503, 503]);
  },

  async 'a Retry-After during a wait replaces the backoff step instead of adding to it'(ctx) {
    await ctx.fake.config({ ...FAST, timeScale: 60 });
    const c = client(ctx);
    const { jobId } = await c.submit({ prompt: 'a horse' });
    await ctx.fake.fault({ route: 'jobs', kind: 'status', status: 429, retryAfter: '1' });
    const job = await c.waitForJob(jobId, QUICK_POLL);
    assert.equal(job.status, 'COMPLETED');
    const gets = (await ctx.fake.apiLog()).filter((e) => e.method === 'GET');
    assert.equal(gets[0].status, 429);
    // 1 s as asked, not 1 s plus the 1 s backoff step (the fake logs its own ms).
    const gap = gets[1].t - gets[0].t;
    assert.ok(gap >= 950 && gap < 1800, `the poll after Retry-After: 1 came ${gap} ms later`);
  },

  async 'a Retry-After longer than the wait ends it at once with RATE_LIMITED, retryAfterMs and jobId'(ctx) {
    await ctx.fake.config(FAST);
    const c = client(ctx);
    const { jobId } = await c.submit({ prompt: 'a horse' });
    await ctx.fake.fault({ route: 'jobs', kind: 'status', status: 429, retryAfter: '120' });
    const started = Date.now();
    const e = await assert.rejects(c.waitForJob(jobId, { ...QUICK_POLL, timeoutMs: 20000 }), (e) => isHH(ctx, e, 'RATE_LIMITED'));
    assert.ok(Date.now() - started < 5000, 'it did not sleep through the Retry-After');
    assert.equal(e.jobId, jobId);
    assert.ok(e.retryAfterMs >= 119000 && e.retryAfterMs <= 120000, `retryAfterMs ${e.retryAfterMs}`);
  },

  async 'an answer about another job, or a COMPLETED job naming no video, is BAD_RESPONSE carrying the job'(ctx) {
    await ctx.fake.config(FAST);
    const c = client(ctx, { maxRetries: 0 });
    const { jobId } = await c.submit({ prompt: 'a horse' });
    await ctx.fake.fault({ route: 'jobs', kind: 'wrong-id' });
    const e1 = await assert.rejects(c.getJob(jobId), (e) => isHH(ctx, e, 'BAD_RESPONSE'));
    assert.equal(e1.jobId, jobId);
    assert.equal(e1.job.jobId, '00000000-0000-4000-8000-000000000000', 'the answer it refused');
    await ctx.fake.fault({ route: 'jobs', kind: 'no-url', count: 10 });
    const e2 = await assert.rejects(client(ctx, { maxPollFailures: 2 }).waitForJob(jobId, QUICK_POLL), (e) => isHH(ctx, e, 'BAD_RESPONSE'));
    assert.equal(e2.jobId, jobId);
    assert.equal(e2.job.status, 'COMPLETED');
    assert.deepEqual(e2.job.videoUrls, []);
  },

  async 'a 200 that is not JSON is BAD_RESPONSE after the allowed failures'(ctx) {
    await ctx.fake.config(FAST);
    const c = client(ctx, { maxPollFailures: 2 });
    const { jobId } = await c.submit({ prompt: 'a horse' });
    await ctx.fake.fault({ route: 'jobs', kind: 'nonjson', count: 5 });
    const e = await assert.rejects(c.waitForJob(jobId, QUICK_POLL), (e) => isHH(ctx, e, 'BAD_RESPONSE'));
    assert.equal(e.jobId, jobId);
    assert.equal((await ctx.fake.apiLog()).filter((g) => g.method === 'GET').length, 2);
    await ctx.fake.reset();
    await ctx.fake.fault({ route: 'jobs', kind: 'malformed' });
    await assert.rejects(client(ctx, { maxRetries: 0 }).getJob(jobId), (e) => isHH(ctx, e, 'BAD_RESPONSE'));
  },

  async 'an unknown status passes through to onUpdate'(ctx) {
    await ctx.fake.config(FAST);
    const statuses = [];
    const job = await client(ctx).generate({ prompt: 'a horse #status=UPSCALING' }, { ...QUICK_POLL, onUpdate: (j) => statuses.push(j.status) });
    assert.ok(statuses.includes('UPSCALING'), statuses.join());
    assert.equal(job.status, 'COMPLETED');
  },

  async 'a bare-string result is read as a video URL too'(ctx) {
    await ctx.fake.config(FAST);
    const job = await client(ctx).generate({ prompt: 'a horse #string-result' }, QUICK_POLL);
    assert.deepEqual(job.videoUrls, [`${ctx.fake.baseUrl}/media/sample.webm`]);
    assert.equal(typeof job.raw.result, 'string');
  },

  async '402 gives INSUFFICIENT_CREDITS with the figures, not retried'(ctx) {
    await ctx.fake.fault({ route: 'generate', kind: 'status', status: 402 });
    const e = await assert.rejects(client(ctx).submit(HORSE), (e) => isHH(ctx, e, 'INSUFFICIENT_CREDITS'));
    assert.equal(e.creditsRequired, 310);
    assert.equal(e.creditsAvailable, 12);
    assert.equal((await ctx.fake.apiLog()).length, 1);
  },

  async "a 400's details become issues"(ctx) {
    await ctx.fake.fault({ route: 'generate', kind: 'status', status: 400 });
    const e = await assert.rejects(client(ctx).submit(HORSE), (e) => isHH(ctx, e, 'INVALID_REQUEST'));
    assert.deepEqual(e.issues, [{ path: 'prompt', code: 'SERVER_REJECTED', message: 'Injected validation failure' }]);
    assert.equal(e.status, 400);
  },

  async 'an invalid request is refused before anything is sent'(ctx) {
    const e = await assert.rejects(client(ctx).generate({ prompt: '[Image 2] runs' }), (e) => isHH(ctx, e, 'INVALID_REQUEST'));
    assert.equal(e.issues[0].code, 'IMAGE_REFERENCE_WITHOUT_IMAGES');
    assert.equal((await ctx.fake.apiLog()).length, 0);
  },

  async 'verifyWebhook checks an independently computed signature'(ctx) {
    // HMAC-SHA256 keyed with SHA-256("afk_test") over '{"a":1}', from Node's crypto.
    const signature = 'sha256=e87367b2ce92e59148884c5bf1c32134abf3e782e727da40018efc3b1650c566';
    if (ctx.server !== ctx.hh) {
      // In a page: the page build has no server half; the server build does.
      assert.equal(ctx.hh.verifyWebhook, undefined);
      assert.equal(ctx.hh.createProxy, undefined);
    }
    ctx = { ...ctx, hh: ctx.server };
    assert.equal(await ctx.hh.verifyWebhook({ apiKey: 'afk_test', body: '{"a":1}', signature }), true);
    assert.equal(await ctx.hh.verifyWebhook({ apiKey: 'afk_test', body: '{"a":1}', signature: signature.slice(7).toUpperCase() }), true);
    assert.equal(await ctx.hh.verifyWebhook({ apiKey: 'afk_test', body: new TextEncoder().encode('{"a":1}'), signature }), true);
    assert.equal(await ctx.hh.verifyWebhook({ apiKey: 'afk_other', body: '{"a":1}', signature }), false);
    assert.equal(await ctx.hh.verifyWebhook({ apiKey: 'afk_test', body: '{"a":2}', signature }), false);
    assert.equal(await ctx.hh.verifyWebhook({ apiKey: 'afk_test', body: '{"a":1}', signature: 'sha256=zz' }), false);
    await assert.rejects(ctx.hh.verifyWebhook({ apiKey: 'afk_test', body: 5, signature }), (e) => isHH(ctx, e, 'INVALID_REQUEST'));
  },

  'hostile: a cross-origin 307 on submit is refused, not followed with the key': redirectOnSubmit(307),
  'hostile: a cross-origin 308 on submit is refused, not followed with the key': redirectOnSubmit(308),
  'hostile: a 303 on submit is refused, not followed': redirectOnSubmit(303),

  async 'hostile: a redirect on a poll is refused, not followed with the key'(ctx) {
    await ctx.fake.config(FAST);
    const c = hostile(ctx, { maxPollFailures: 2 });
    const { jobId } = await c.submit(HORSE);
    await ctx.fake.fault({ route: 'jobs', kind: 'redirect', status: 302, location: `${ctx.other.baseUrl}/v2/jobs/${jobId}`, count: 5 });
    const e = await refusesRedirect(ctx, c.waitForJob(jobId, { ...QUICK_POLL, timeoutMs: 5000 }));
    assert.equal(e.jobId, jobId);
    assert.equal((await ctx.fake.apiLog()).filter((g) => g.method === 'GET' && g.status !== 302).length, 0, 'every poll met the redirect');
  },

  async 'hostile: a 160 MiB answer (Content-Length) is BAD_RESPONSE, and the next calls work'(ctx) {
    await refusesHuge(ctx, {});
  },

  async 'hostile: a 160 MiB chunked answer (no length) is BAD_RESPONSE, and the next calls work'(ctx) {
    await refusesHuge(ctx, { chunked: true });
  },

  async 'hostile: a body that never ends is a TIMEOUT, and the next calls work'(ctx) {
    const c = client(ctx, { timeoutMs: 500, maxRetries: 0 });
    for (const [route, call] of [['generate', () => c.submit(HORSE)], ['jobs', () => c.getJob(ANY_UUID)]]) {
      await ctx.fake.fault({ route, kind: 'endless' });
      const t0 = Date.now();
      await assert.rejects(call(), (e) => isHH(ctx, e, 'TIMEOUT'));
      const took = Date.now() - t0;
      assert.ok(took >= 450 && took < 3000, `${route}: rejected after ${took} ms, timeoutMs 500`);
    }
    const { jobId } = await c.submit(HORSE);
    assert.equal((await c.getJob(jobId)).jobId, jobId);
  },

  async 'hostile: job ids that walk the path are refused before anything is sent'(ctx) {
    const c = hostile(ctx);
    for (const id of ['.', '..', '../me', '', '%2e%2e']) {
      await assert.rejects(c.getJob(id), (e) => isHH(ctx, e, 'INVALID_REQUEST'));
      await assert.rejects(c.waitForJob(id, { ...QUICK_POLL, timeoutMs: 2000 }), (e) => isHH(ctx, e, 'INVALID_REQUEST'));
    }
    assert.deepEqual(await ctx.fake.log(), [], 'no request at all');
  },

  async 'hostile: a server that echoes the key never gets it into the error'(ctx) {
    for (const call of [(c) => c.submit(HORSE), (c) => c.getJob(ANY_UUID)]) {
      const e = await echoedKeyError(ctx, call);
      assert.ok(e.message.includes('invalid API key: ***'), e.message);
      assertNoSecret(e);
    }
    assert.deepEqual((await ctx.fake.apiLog()).map((e) => e.status), [401, 401]);
  },

  async 'hostile: a server that echoes the key in any spelling never gets it into the error'(ctx) {
    assert.ok(leaksKey(`x ${btoa('..' + SECRET)} y`) && leaksKey([...SECRET].map((c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()).join('')), 'the detector finds what it must');
    for (const form of ECHO_FORMS) {
      for (const call of [(c) => c.submit(HORSE), (c) => c.getJob(ANY_UUID)]) {
        await ctx.fake.fault({ kind: 'echo-key', form });
        const e = await assert.rejects(call(hostile(ctx)), (e) => isHH(ctx, e, 'UNAUTHORIZED'));
        for (const [where, text] of errorTexts(e)) assert.ok(!leaksKey(String(text)), `${form}: ${where} shows the key: ${text}`);
      }
    }
  },

  async 'hostile: a baseUrl with credentials is refused without echoing them'(ctx) {
    // Names no message would use by chance ("user:pass@" may well be the
    // message's own example of what is refused).
    const [user, password] = ['hh_user_7f3a', 'hh_pw_9c1e'];
    const baseUrl = ctx.fake.baseUrl.replace('http://', `http://${user}:${password}@`);
    const attempts = { 'new Client': () => new ctx.hh.Client({ baseUrl }), buildRequest: () => ctx.hh.buildRequest({ prompt: 'x' }, { baseUrl }) };
    for (const [what, attempt] of Object.entries(attempts)) {
      const e = throwsNow(attempt, (e) => isHH(ctx, e, 'INVALID_REQUEST'));
      assert.ok(e.issues?.some((i) => i.path === 'options.baseUrl'), `${what}: an issue at options.baseUrl: ${JSON.stringify(e.issues)}`);
      assertNoSecret(e, user); // message, issues, stack and every other property
      assertNoSecret(e, password);
    }
    assert.deepEqual(await ctx.fake.log(), [], 'nothing sent');
  },
};
