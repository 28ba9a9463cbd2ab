// Polling cost against the fake API: 100 jobs whose durations spread around
// 180 s (60–300 s, progress with noise, or none), run on a virtual clock —
// the fake runs SCALE× faster than real time and so do this process's
// `Date.now` and `setTimeout`, which the package's client reads through
// the global object — so 100 five-minute jobs take seconds. Requests are
// counted from the fake's own log (GETs of each job); detection lag is the
// virtual time from the job's completion to the client resolving.
import { createRequire } from 'node:module';
import path from 'node:path';
import { startFake } from '../tests/client/fake.mjs';
import { fakeControl } from '../tests/client/control.mjs';

const SCALE = 20;
const JOBS = 100;

/** Durations in seconds, bell-shaped over 60–300 (a seeded generator). */
export function durations(n = JOBS, seed = 20261125) {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x6d2b79f5) | 0) >>> 0) / 4294967296;
  return Array.from({ length: n }, () => Math.round(60 + ((rnd() + rnd() + rnd()) / 3) * 240));
}

function installVirtualClock() {
  const realNow = Date.now.bind(Date);
  const realSetTimeout = globalThis.setTimeout;
  const t0 = realNow();
  Date.now = () => t0 + (realNow() - t0) * SCALE;
  globalThis.setTimeout = (fn, ms = 0, ...args) => realSetTimeout(fn, ms / SCALE, ...args);
  return () => { Date.now = realNow; globalThis.setTimeout = realSetTimeout; };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The provider's documented loop (fixed 2 s) and its SDK's (2 s × 1.5 up to 5 s). */
async function loop(client, jobId, schedule) {
  let delay = schedule.first;
  for (;;) {
    await sleep(delay);
    const job = await client.getJob(jobId);
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status)) return job;
    delay = Math.min(delay * schedule.growth, schedule.cap);
  }
}

const STRATEGIES = {
  'happyhorse waitForJob': (client, jobId) => client.waitForJob(jobId, { timeoutMs: 3_600_000 }),
  'provider docs: fixed 2 s': (client, jobId) => loop(client, jobId, { first: 2000, growth: 1, cap: 2000 }),
  'provider SDK: 2 s ×1.5 → 5 s': (client, jobId) => loop(client, jobId, { first: 2000, growth: 1.5, cap: 5000 }),
};

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.round((s.length - 1) * p))]; };

export async function measurePolling(root) {
  const hh = createRequire(import.meta.url)(path.join(root, 'pkg-node', 'happyhorse.js'));
  const fake = await startFake();
  const control = fakeControl(fake.url);
  const seconds = durations();
  const results = [];
  try {
    for (const progress of [true, false]) {
      for (const [name, wait] of Object.entries(STRATEGIES)) {
        await control.reset();
        await control.config({ timeScale: SCALE, queueSeconds: 5, noise: 3, reportProgress: progress });
        const client = new hh.Client({ baseUrl: fake.url, maxRetries: 5, maxPollFailures: 20 });
        const restore = installVirtualClock();
        let runs;
        try {
          runs = await Promise.all(seconds.map(async (s, i) => {
            const key = `bench-${progress}-${i}`;
            const { jobId } = await client.submit({ prompt: `bench job ${i} #seconds=${s}` }, { idempotencyKey: key });
            const job = await wait(client, jobId);
            return { jobId, key, seconds: s, ok: job.status === 'COMPLETED' };
          }));
        } finally {
          restore();
        }
        const log = await control.apiLog();
        const gets = new Map();
        const lastGet = new Map();
        const posted = new Map();
        for (const e of log) {
          if (e.method === 'GET') {
            gets.set(e.path, (gets.get(e.path) ?? 0) + 1);
            lastGet.set(e.path, e.t);
          } else if (e.status === 202) {
            posted.set(e.headers['idempotency-key'], e.t);
          }
        }
        const requests = runs.map((r) => gets.get(`/v2/jobs/${r.jobId}`) ?? 0);
        // Server-side real milliseconds × SCALE = virtual time.
        const lags = runs.map((r) => ((lastGet.get(`/v2/jobs/${r.jobId}`) - posted.get(r.key)) * SCALE) / 1000 - r.seconds);
        results.push({
          strategy: name, progress,
          completed: runs.filter((r) => r.ok).length,
          requestsMean: requests.reduce((a, b) => a + b, 0) / requests.length,
          requestsP95: pct(requests, 0.95),
          lagP50: pct(lags, 0.5), lagP95: pct(lags, 0.95),
        });
      }
    }
  } finally {
    fake.stop();
  }
  return { scale: SCALE, jobs: JOBS, seconds: { min: Math.min(...seconds), max: Math.max(...seconds), mean: seconds.reduce((a, b) => a + b, 0) / seconds.length }, results };
}
