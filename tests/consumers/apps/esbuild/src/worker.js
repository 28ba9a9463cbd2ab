import init, { validate, estimateCost, Client } from 'happyhorse';
import wasmUrl from 'happyhorse/happyhorse_bg.wasm';
import { check } from './check.js';
await init({ module_or_path: new URL(wasmUrl, import.meta.url) });
self.onmessage = (e) => check({ validate, estimateCost, Client }, e.data).then(
  (result) => self.postMessage(result),
  (err) => self.postMessage({ error: String(err?.stack || err) }),
);
self.postMessage('ready');
