// The Parcel 2 recipe: init() inside an async function, not a top-level
// `await init()`, which Parcel's dev server refuses ("Unexpected reserved
// word": it wraps each module in a plain function).
import init, { validate, estimateCost, Client } from 'happyhorse';
import { check, inWorker } from './page.js';

async function main() {
  await init();
  const fake = new URLSearchParams(location.search).get('fake');
  return Promise.all([
    check({ validate, estimateCost, Client }, fake),
    inWorker(new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }), fake),
  ]);
}

main().then(([page, worker]) => (window.__result = { page, worker }), (e) => (window.__result = { error: String(e?.stack || e) }));
