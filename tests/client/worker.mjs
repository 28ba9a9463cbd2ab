// A module Web Worker that runs a whole job with the package: no `window`,
// only the worker's global `fetch` and timers.
import init, { Client } from '/pkg/happyhorse.js';

self.onmessage = async ({ data }) => {
  try {
    await init({ module_or_path: '/pkg/happyhorse_bg.wasm' });
    const statuses = [];
    const job = await new Client({ baseUrl: data.fake }).generate(
      { prompt: 'A herd of horses thundering across desert dunes, golden hour' },
      { pollIntervalMs: 60, onUpdate: (j) => statuses.push(j.status) },
    );
    self.postMessage({ ok: true, hasWindow: typeof window !== 'undefined', status: job.status, jobId: job.jobId, videoUrls: job.videoUrls, statuses });
  } catch (e) {
    self.postMessage({ ok: false, error: `${e.code}: ${e.message}` });
  }
};
