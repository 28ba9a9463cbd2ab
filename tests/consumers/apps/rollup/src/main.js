import init, { validate, estimateCost, Client } from 'happyhorse';
import { check, inWorker } from './page.js';
await init();
const fake = new URLSearchParams(location.search).get('fake');
// worker.js is the build's second entry, written next to main.js.
window.__result = await Promise.all([
  check({ validate, estimateCost, Client }, fake),
  inWorker(new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }), fake),
]).then(([page, worker]) => ({ page, worker }), (e) => ({ error: String(e?.stack || e) }));
