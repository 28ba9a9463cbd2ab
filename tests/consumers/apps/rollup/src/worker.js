import init, { validate, estimateCost, Client } from 'happyhorse';
import { check } from './check.js';
await init();
self.onmessage = (e) => check({ validate, estimateCost, Client }, e.data).then(
  (result) => self.postMessage(result),
  (err) => self.postMessage({ error: String(err?.stack || err) }),
);
self.postMessage('ready');
