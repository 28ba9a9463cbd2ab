// Shared by the runtime tests: the fake upstream, child servers that are
// always stopped, and the scenarios every runtime must pass through
// createProxy (submit, poll, invalid body, forbidden paths, a full
// Client.generate), checked on the fake's request log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFake } from '../client/fake.mjs';
import { fakeControl } from '../client/control.mjs';
import { leaksKey } from '../client/scenarios.mjs';
import { pkg } from '../node/load.mjs';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..');
export const examples = path.join(root, 'examples');
export const KEY = 'afk_runtime_secret';
export const BASE_PATH = '/api/apiframe';
const MASKED_KEY = `afk_…(${KEY.length} chars)`;
const INSTALL = 'npm ci --prefix tests/runtimes';

/** A file under tests/runtimes/node_modules, or a failure telling how to install it. */
export function installed(rel) {
  const file = path.join(here, 'node_modules', rel);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`${INSTALL}\` (from the repo root) first`);
  return file;
}

/**
 * Whether `bin args` runs here: undefined if it does, else the reason (for a
 * skip). Only a binary that is installed but cannot execute on this machine
 * is a skip; a missing install is a failure (see `installed`).
 */
export function cannotRun(bin, args = ['--version']) {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 15_000 });
  if (r.error) return `${bin} cannot run here: ${r.error.message}`;
  if (r.status !== 0) return `${bin} ${args.join(' ')} exited with ${r.status ?? r.signal}: ${(r.stderr || r.stdout).trim().slice(0, 500)}`;
  return undefined;
}

// Everything started here is ended when this test file's process ends, even
// on a crash or an uncaught error. A file still running when its watchdog
// fires (a hang: every test has its own, shorter timeout) ends it all and
// fails, rather than keeping `node --test` waiting.
const children = new Set();
const stoppers = new Set();
// Children run in their own process group (spawned detached), so a signal
// reaches what they started too (next build's workers, for one).
function sendSignal(child, sig) {
  try {
    process.kill(-child.pid, sig);
  } catch {
    child.kill(sig);
  }
}
function endAll() {
  for (const child of children) sendSignal(child, 'SIGKILL');
  for (const stop of stoppers) stop();
}
process.on('exit', endAll);
let watchdog;
/** (Re)arms the watchdog: this file's process ends, failing, `ms` from now. Default 120 s. */
export function watchdogIn(ms) {
  clearTimeout(watchdog);
  watchdog = setTimeout(() => {
    console.error(`tests/runtimes: still running after ${ms} ms; stopping every process it started`);
    endAll();
    process.exit(1);
  }, ms).unref();
}
watchdogIn(120_000);

/** The fake Apiframe API, requiring KEY, with jobs that finish in ~10 ms. */
export async function startUpstream() {
  const fake = await startFake(['--api-key', KEY]);
  stoppers.add(fake.stop);
  const stop = () => {
    stoppers.delete(fake.stop);
    fake.stop();
  };
  const control = fakeControl(fake.url);
  try {
    await control.config({ timeScale: 600, jobSeconds: 6, queueSeconds: 1 });
  } catch (e) {
    stop();
    throw e;
  }
  return { url: fake.url, stop, control };
}

/** Awaits `promise` (a shutdown) for at most `ms`; reports, but does not throw, a failure. */
export async function stopWithin(promise, ms, what) {
  if (!promise) return;
  let timer;
  const result = await Promise.race([
    Promise.resolve(promise).then(() => 'done', (e) => `failed: ${e?.message ?? e}`),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve(`did not finish within ${ms} ms`), ms);
    }),
  ]);
  clearTimeout(timer);
  if (result !== 'done') console.error(`${what} ${result}`);
}

/**
 * Spawns a server that prints "listening on http://HOST:PORT" (or what
 * `ready` matches, the URL as its first group); resolves with its URL once
 * it does (within `readyMs`), else kills it and rejects with its output.
 * `stop()` ends it (SIGTERM, then SIGKILL after 3 s).
 */
export async function startServer(name, cmd, args, { cwd, env = {}, readyMs = 30_000, ready = /listening on (http:\/\/[\w.:[\]-]+)/ } = {}) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    sendSignal(child, 'SIGTERM');
    const ac = new AbortController();
    await Promise.race([exited, delay(3000, undefined, { signal: ac.signal }).then(() => sendSignal(child, 'SIGKILL')).catch(() => {})]);
    ac.abort();
    await exited;
  };
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within ${readyMs} ms; output:\n${out}`)), readyMs);
      child.stdout.on('data', (d) => {
        out += d;
        const m = out.match(ready);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.stderr.on('data', (d) => {
        out += d;
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`${name} could not be started: ${e.message}`));
      });
      child.on('exit', (code, how) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? how}) before listening; output:\n${out}`));
      });
    });
    return { url, stop, output: () => out };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Runs `cmd args` to its end within `timeoutMs` (killed past it); rejects with its output unless it exits 0. */
export async function runToEnd(name, cmd, args, { cwd, env = {}, timeoutMs = 120_000 } = {}) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => sendSignal(child, 'SIGKILL'), timeoutMs);
  const [code, how] = await once(child, 'exit').catch((e) => [null, e.message]);
  clearTimeout(timer);
  children.delete(child);
  if (code !== 0) throw new Error(`${name} ${how === 'SIGKILL' ? `did not finish within ${timeoutMs} ms` : `exited with ${code ?? how}`}; output:\n${out}`);
  return out;
}

async function json(response) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    assert.fail(`not JSON (${response.status}): ${text.slice(0, 300)}`);
  }
}

/**
 * Registers the scenarios as tests. `ctx()` gives `{ base, fake }` once the
 * runtime is up: `base` is the proxy's mount (…/api/apiframe), `fake` the
 * upstream from `startUpstream`. `knownIssue.forwardedSubmit`, a reason,
 * marks the tests that need a submit to reach the upstream as todo (they
 * still run and report; they do not fail the run).
 */
export function proxyScenarios(ctx, { knownIssue = {} } = {}) {
  const needsSubmit = knownIssue.forwardedSubmit ? { todo: knownIssue.forwardedSubmit } : {};
  // What reached the fake during `fn` (its log lists every API request).
  async function upstreamDuring(fn) {
    const { fake } = ctx();
    const before = (await fake.control.log()).length;
    const result = await fn();
    return { result, seen: (await fake.control.log()).slice(before) };
  }

  function assertKeyed(entry) {
    assert.equal(entry.headers['x-api-key'], MASKED_KEY, `the configured key (${KEY.length} chars) reached the upstream on ${entry.method} ${entry.path}`);
  }

  async function submit(extraHeaders = {}) {
    const { base } = ctx();
    return fetch(`${base}/v2/videos/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...extraHeaders },
      body: JSON.stringify({ prompt: 'a horse galloping along a beach at dawn', happyhorse11Params: { resolution: '720p', duration: 5 } }),
    });
  }

  test('submit: a valid body is forwarded with the key (and only the allowed headers) → 202 {jobId}', needsSubmit, async () => {
    const { result, seen } = await upstreamDuring(async () => {
      const r = await submit({ 'x-api-key': 'afk_from_the_page', authorization: 'Bearer page-session', cookie: 'sid=page', 'idempotency-key': 'runtime-idem-1' });
      return { status: r.status, body: await json(r) };
    });
    assert.equal(result.status, 202, JSON.stringify(result.body));
    assert.match(result.body.jobId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(seen.length, 1, `exactly one upstream request: ${JSON.stringify(seen)}`);
    const [entry] = seen;
    assert.deepEqual([entry.method, entry.path, entry.status], ['POST', '/v2/videos/generate', 202]);
    assertKeyed(entry); // the page's own x-api-key (17 chars) was replaced, not passed on
    assert.equal(entry.headers['idempotency-key'], 'runtime-idem-1');
    assert.equal(entry.headers.authorization, undefined, 'the page\'s Authorization stays on this side');
    assert.equal(entry.headers.cookie, undefined, 'the page\'s cookies stay on this side');
  });

  test('poll: GET /v2/jobs/{id} is forwarded with the key → 200 job', needsSubmit, async () => {
    const { jobId } = await json(await submit());
    const { result, seen } = await upstreamDuring(async () => {
      const r = await fetch(`${ctx().base}/v2/jobs/${jobId}`);
      return { status: r.status, body: await json(r) };
    });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.equal(result.body.id, jobId);
    assert.equal(typeof result.body.status, 'string');
    assert.equal(seen.length, 1, `exactly one upstream request: ${JSON.stringify(seen)}`);
    assert.deepEqual([seen[0].method, seen[0].path, seen[0].status], ['GET', `/v2/jobs/${jobId}`, 200]);
    assertKeyed(seen[0]);
  });

  test('invalid body: 400 with details, answered locally (nothing upstream)', async () => {
    const { result, seen } = await upstreamDuring(async () => {
      const r = await fetch(`${ctx().base}/v2/videos/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a horse', happyhorse11Params: { resolution: '4k' } }),
      });
      return { status: r.status, body: await json(r) };
    });
    assert.equal(result.status, 400);
    assert.equal(typeof result.body.error, 'string');
    assert.ok(Array.isArray(result.body.details['happyhorse11Params.resolution']), `details name the field: ${JSON.stringify(result.body)}`);
    assert.deepEqual(seen, [], 'nothing reached the upstream');
  });

  test('forbidden paths: 404, answered locally (nothing upstream)', async () => {
    const { result, seen } = await upstreamDuring(async () => {
      const out = [];
      // /__fake/log exists on the upstream (it would leak its request log); /v2/account does not exist anywhere.
      for (const p of ['/__fake/log', '/v2/account', '/v2/jobs/not-a-uuid']) {
        const r = await fetch(`${ctx().base}${p}`);
        out.push([p, r.status, await json(r)]);
      }
      return out;
    });
    for (const [p, status, body] of result) {
      assert.equal(status, 404, `${p}: ${JSON.stringify(body)}`);
      assert.equal(typeof body.error, 'string', p);
    }
    assert.deepEqual(seen, [], 'nothing reached the upstream');
  });

  test('new Client({ baseUrl }) from Node runs a full generate() through it', needsSubmit, async () => {
    const { result: job, seen } = await upstreamDuring(() =>
      new pkg.Client({ baseUrl: ctx().base }).generate({ prompt: 'a horse in the snow' }, { pollIntervalMs: 20, timeoutMs: 20_000 }),
    );
    assert.equal(job.status, 'COMPLETED');
    assert.ok(job.videoUrls.length >= 1, JSON.stringify(job));
    assert.ok(seen.length >= 2, `a submit and at least one poll: ${JSON.stringify(seen)}`);
    assert.deepEqual([seen[0].method, seen[0].path], ['POST', '/v2/videos/generate']);
    for (const entry of seen.slice(1)) assert.deepEqual([entry.method, entry.path], ['GET', `/v2/jobs/${job.jobId}`]);
    seen.forEach(assertKeyed);
  });

  test('the upstream saw only forwarded submits and polls, all with the key', needsSubmit, async () => {
    const log = await ctx().fake.control.log();
    assert.ok(log.length >= 5);
    for (const entry of log) {
      assert.ok(
        (entry.method === 'POST' && entry.path === '/v2/videos/generate') || (entry.method === 'GET' && /^\/v2\/jobs\/[0-9a-f-]{36}$/.test(entry.path)),
        `unexpected upstream request ${entry.method} ${entry.path}`,
      );
      assertKeyed(entry);
      assert.notEqual(entry.status, 401);
    }
  });

  // Last: it leaves 401s in the upstream's log.
  test('an upstream that echoes the key, in any spelling, gets none of it to the caller', async () => {
    for (const form of ['plain', 'upper', 'lower', 'percent', 'json-escape', 'base64', 'base64url']) {
      await ctx().fake.control.fault({ kind: 'echo-key', form });
      const r = await fetch(`${ctx().base}/v2/jobs/0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c`);
      assert.equal(r.status, 401, form);
      const text = await r.text();
      assert.ok(!leaksKey(text, KEY), `${form}: the body carries the key: ${text}`);
      for (const [name, value] of r.headers) assert.ok(!leaksKey(value, KEY), `${form}: header ${name}: ${value}`);
    }
  });
}
