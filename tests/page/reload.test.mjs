// The demo page (www/) and recorded jobs (issue 16, "a job outlives its
// page") in headless Chromium against the fake: a reload while the submit's
// answer is lost or during the wait, three tabs on one job, the polling tab
// closed midway, storage that throws or is full. Every test also reads the
// fake's log: one job per Idempotency-Key (one accepted submission, one job
// id polled), so nothing is charged twice.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launch } from './browser.mjs';
import { root } from '../node/load.mjs';
import { startFake } from '../client/fake.mjs';
import { fakeControl } from '../client/control.mjs';

const OUT = path.join(root, 'test-output');
// A job of 5 + 180 virtual seconds lasts about 9 s here: long enough to
// reload or close a tab during its wait, short enough for a test.
const SETTINGS = { timeScale: 20, jobSeconds: 180, queueSeconds: 5 };
const JOB_MS = 40000; // generous bound on one job's run on this page
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let fake, control, browser;
const contexts = [];

before(async () => {
  mkdirSync(OUT, { recursive: true });
  fake = await startFake();
  control = fakeControl(fake.url);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  fake?.stop();
});
beforeEach(async () => {
  while (contexts.length) await contexts.pop().close();
  await control.reset();
  await control.config(SETTINGS);
});

/** A fresh browser profile: its tabs share localStorage, Web Locks and BroadcastChannel. */
async function newContext({ width = 1280, height = 900, initScript } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  if (initScript) await context.addInitScript(initScript);
  contexts.push(context);
  context.errors = [];
  return context;
}

/** A tab on the demo, once it is ready; uncaught errors are kept in `context.errors`. */
async function openTab(context) {
  const page = await context.newPage();
  page.on('pageerror', (e) => context.errors.push(e));
  await page.goto(`${fake.url}/`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 15000 });
  return page;
}

async function generate(page, prompt = 'A herd of horses thundering across desert dunes, golden hour') {
  await page.fill('#prompt', prompt);
  await page.click('#generate');
}

const jobIdShown = (page) => page.waitForFunction(() => /^[0-9a-f-]{36}$/.test(document.querySelector('#job-id').textContent), null, { timeout: JOB_MS });
const completed = (page) => page.waitForSelector('#video:not([hidden])', { timeout: JOB_MS });
const status = (page) => page.textContent('#job-status');

/** What the fake saw: submissions by key, and the job ids polled. */
async function seen() {
  const log = await control.apiLog();
  const posts = log.filter((e) => e.method === 'POST' && e.path === '/v2/videos/generate');
  const gets = log.filter((e) => e.method === 'GET' && e.path.startsWith('/v2/jobs/'));
  return {
    log,
    posts,
    gets,
    keys: [...new Set(posts.map((p) => p.headers['idempotency-key']))],
    polled: [...new Set(gets.map((g) => g.path.slice('/v2/jobs/'.length)))],
    getsOf: (id) => gets.filter((g) => g.path === `/v2/jobs/${id}`).length,
  };
}

/** One job per key: every submission under one key, one of them accepted
 *  as new work or replayed (202), and one job id polled — the one shown. */
function assertOneJob(s, jobId, { accepted = 1 } = {}) {
  assert.equal(s.keys.length, 1, `one Idempotency-Key for every submission (${s.keys})`);
  assert.equal(s.posts.filter((p) => p.status === 202).length, accepted, `202s: ${s.posts.map((p) => p.status)}`);
  assert.deepEqual(s.polled, [jobId], 'one job id polled, the one shown');
}

const barFull = (page) => page.evaluate(() => {
  const bar = document.querySelector('#progress-bar').getBoundingClientRect().width;
  const track = document.querySelector('#progress').getBoundingClientRect().width;
  return { bar, track, full: track > 0 && Math.abs(bar - track) < 0.5 };
});

test('a reload after every try of the submit lost its answer resumes the same key and body, gets the same job and finishes it', async () => {
  // drop-after: the fake makes the job, then closes the connection. The
  // page tries 3 times (maxRetries 2), each answer lost.
  await control.fault({ route: 'generate', kind: 'drop-after', count: 3 });
  const context = await newContext();
  const page = await openTab(context);
  await generate(page);
  await page.waitForSelector('#resume:not([hidden])', { timeout: JOB_MS });
  assert.match(await page.textContent('#job-error'), /NETWORK/);
  assert.equal(await page.textContent('#job-id'), '', 'no job id ever reached the page');
  let s = await seen();
  assert.deepEqual(s.posts.map((p) => p.status), [0, 0, 0], 'three submissions, every answer lost');
  const key = s.keys[0];
  const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('happyhorse:')));
  assert.deepEqual(stored, [`happyhorse:${fake.url}|${key}`], 'the submission is recorded under its key');

  await page.reload();
  await page.waitForSelector('body[data-ready=true]', { timeout: 15000 });
  await completed(page);
  assert.equal(await status(page), 'COMPLETED');
  const jobId = await page.textContent('#job-id');
  assert.match(jobId, UUID);
  s = await seen();
  assert.deepEqual(s.posts.map((p) => p.status), [0, 0, 0, 202], 'sent once more, answered with the job the first try made');
  assertOneJob(s, jobId);
  assert.equal(s.keys[0], key);
  assert.deepEqual(context.errors, []);
});

test('a reload during the wait finishes the job on the reloaded page, which goes on polling it', async () => {
  const context = await newContext();
  const page = await openTab(context);
  await generate(page);
  await jobIdShown(page);
  const jobId = await page.textContent('#job-id');
  // Wait for the first poll, so the reload comes in the middle of the wait.
  await page.waitForFunction(() => ['PROCESSING'].includes(document.querySelector('#job-status').textContent), null, { timeout: JOB_MS });
  const before = (await seen()).getsOf(jobId);
  assert.ok(before >= 1);

  await page.reload();
  await page.waitForSelector('body[data-ready=true]', { timeout: 15000 });
  assert.equal(await page.isVisible('#job'), true, 'the job panel is back at once');
  assert.equal(await page.textContent('#job-id'), jobId, 'the same job, shown from its record');
  assert.equal(await page.isDisabled('#generate'), true, 'one job at a time');
  await completed(page);
  assert.equal(await status(page), 'COMPLETED');
  assert.equal(await page.getAttribute('#video', 'src'), `${fake.url}/media/sample.webm`);
  const s = await seen();
  assert.ok(s.getsOf(jobId) > before, `the reloaded page polled (${before} GETs before the reload, ${s.getsOf(jobId)} in all)`);
  assertOneJob(s, jobId);
  assert.equal(s.posts.length, 1, 'no submission after the reload');
  assert.deepEqual(context.errors, []);
});

test('three tabs on one job poll it as often as one tab does, and all three see it complete', async () => {
  // One tab alone, for the count to compare with.
  const solo = await openTab(await newContext());
  await generate(solo);
  await jobIdShown(solo);
  const soloId = await solo.textContent('#job-id');
  await completed(solo);
  const soloGets = (await seen()).getsOf(soloId);
  await solo.context().close();
  await control.reset();
  await control.config(SETTINGS);

  // Three tabs of one profile: the first generates, the others open while
  // it runs and follow it.
  const context = await newContext();
  const first = await openTab(context);
  await generate(first);
  await jobIdShown(first);
  const jobId = await first.textContent('#job-id');
  const others = [await openTab(context), await openTab(context)];
  for (const tab of others) {
    assert.equal(await tab.isVisible('#job'), true, 'a new tab shows the running job');
    assert.equal(await tab.textContent('#job-id'), jobId);
  }
  const tabs = [first, ...others];
  await Promise.all(tabs.map(completed));
  for (const tab of tabs) {
    assert.equal(await status(tab), 'COMPLETED');
    assert.equal(await tab.textContent('#job-id'), jobId);
  }
  const s = await seen();
  const gets = s.getsOf(jobId);
  console.log(`# GETs for one job: one tab ${soloGets}, three tabs ${gets}`);
  assert.ok(Math.abs(gets - soloGets) <= 1, `three tabs polled ${gets} times, one tab ${soloGets}`);
  assertOneJob(s, jobId);
  assert.deepEqual(context.errors, []);
});

test('when the polling tab closes midway, another tab takes over and the job completes', async () => {
  const context = await newContext();
  const poller = await openTab(context);
  await generate(poller);
  await jobIdShown(poller);
  const jobId = await poller.textContent('#job-id');
  const followers = [await openTab(context), await openTab(context)];
  await poller.waitForFunction(() => document.querySelector('#job-status').textContent === 'PROCESSING', null, { timeout: JOB_MS });
  for (const tab of followers) {
    await tab.waitForFunction(() => document.querySelector('#job-status').textContent === 'PROCESSING', null, { timeout: JOB_MS });
  }
  const atClose = (await seen()).getsOf(jobId);
  for (const tab of followers) assert.notEqual(await status(tab), 'COMPLETED', 'closed while the job runs');
  await poller.close();
  await Promise.all(followers.map(completed));
  for (const tab of followers) assert.equal(await status(tab), 'COMPLETED');
  const s = await seen();
  assert.ok(s.getsOf(jobId) > atClose, `the polls went on (${atClose} before the close, ${s.getsOf(jobId)} in all)`);
  // One poller at a time: no two GETs of the job closer than the
  // schedule's 1 s minimum gap (less a little for timing), also across
  // the hand-over.
  const times = s.gets.map((g) => g.t);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.ok(gaps.every((g) => g >= 900), `gaps between polls: ${gaps.map(Math.round)}`);
  assertOneJob(s, jobId);
  assert.deepEqual(context.errors, []);
});

test('storage that throws: the job still completes, the page says jobs are kept in memory, and nothing is thrown', async () => {
  const context = await newContext({
    initScript: () => {
      const refuse = () => { throw new DOMException('The operation is insecure.', 'SecurityError'); };
      Storage.prototype.setItem = refuse;
      Storage.prototype.getItem = refuse;
    },
  });
  const page = await openTab(context);
  assert.equal(await page.textContent('#store-notice'), '', 'no notice before anything is stored');
  await generate(page);
  await completed(page);
  assert.equal(await status(page), 'COMPLETED');
  assert.equal(await page.isVisible('#store-notice'), true);
  assert.match(await page.textContent('#store-notice'), /kept in memory only/);
  assert.equal(await page.getAttribute('#store-notice', 'role'), 'status');
  const s = await seen();
  assertOneJob(s, await page.textContent('#job-id'));
  assert.deepEqual(context.errors, []);
});

test('a browser where reading localStorage throws: no store, the notice shows at once, the job completes', async () => {
  const context = await newContext({
    initScript: () => {
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('Access is denied for this document.', 'SecurityError'); } });
    },
  });
  const page = await openTab(context);
  assert.match(await page.textContent('#store-notice'), /kept in memory only/);
  await generate(page);
  await completed(page);
  assert.equal(await status(page), 'COMPLETED');
  assertOneJob(await seen(), await page.textContent('#job-id'));
  assert.deepEqual(context.errors, []);
});

test('storage filled to its quota: the job completes and the notice shows', async () => {
  const context = await newContext();
  const page = await openTab(context);
  const filled = await page.evaluate(() => {
    let n = 0;
    for (let size = 1 << 20; size >= 1; size >>= 1) {
      const junk = 'x'.repeat(size);
      for (;;) {
        try {
          localStorage.setItem(`junk-${n++}`, junk);
        } catch (e) {
          if (size === 1) return e.name;
          break;
        }
      }
    }
    return 'never full';
  });
  assert.equal(filled, 'QuotaExceededError');
  await generate(page);
  await completed(page);
  assert.equal(await status(page), 'COMPLETED');
  assert.match(await page.textContent('#store-notice'), /kept in memory only/);
  assert.match(await page.textContent('#store-notice'), /QuotaExceededError/);
  assertOneJob(await seen(), await page.textContent('#job-id'));
  assert.deepEqual(context.errors, []);
});

test('at 360 px a COMPLETED job\'s progress bar is full the moment it completes', async () => {
  await control.config({ timeScale: 200 });
  const context = await newContext({ width: 360, height: 800 });
  const page = await openTab(context);
  await generate(page);
  // Measured as the status turns COMPLETED, before any transition could end.
  const atCompletion = page.evaluate(() => new Promise((resolve) => {
    const status = document.querySelector('#job-status');
    new MutationObserver((_, o) => {
      if (status.textContent !== 'COMPLETED') return;
      o.disconnect();
      requestAnimationFrame(() => resolve({
        bar: document.querySelector('#progress-bar').getBoundingClientRect().width,
        track: document.querySelector('#progress').getBoundingClientRect().width,
        now: document.querySelector('#progress').getAttribute('aria-valuenow'),
      }));
    }).observe(status, { childList: true, characterData: true, subtree: true });
  }));
  await completed(page);
  const m = await atCompletion;
  assert.ok(m.track > 0 && Math.abs(m.bar - m.track) < 0.5, `bar ${m.bar}px of ${m.track}px`);
  assert.equal(m.now, '100');
  assert.equal((await barFull(page)).full, true);
  await page.screenshot({ path: path.join(OUT, 'demo-360-completed.png'), fullPage: true });
  assert.deepEqual(context.errors, []);
});
