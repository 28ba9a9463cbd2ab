import init, { validate, estimateCost, Client } from 'happyhorse';
import wasmUrl from 'happyhorse/happyhorse_bg.wasm';   // esbuild --bundle --loader:.wasm=file
import { check, inWorker } from './page.js';
// esbuild's file loader gives a path relative to the bundle ("./happyhorse_bg-HASH.wasm"),
// which fetch() would resolve against the page: resolve it against the bundle instead.
await init({ module_or_path: new URL(wasmUrl, import.meta.url) });
const fake = new URLSearchParams(location.search).get('fake');
// esbuild leaves `new URL('./worker.js', import.meta.url)` alone: the worker
// is its own entry point, built next to main.js.
window.__result = await Promise.all([
  check({ validate, estimateCost, Client }, fake),
  inWorker(new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }), fake),
]).then(([page, worker]) => ({ page, worker }), (e) => ({ error: String(e?.stack || e) }));
