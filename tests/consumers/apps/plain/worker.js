import init, { validate, estimateCost, Client } from './node_modules/happyhorse/happyhorse.js';
import { check } from './check.js';
await init();
self.onmessage = (e) => check({ validate, estimateCost, Client }, e.data).then(
  (result) => self.postMessage(result),
  (err) => self.postMessage({ error: String(err?.stack || err) }),
);
self.postMessage('ready');
