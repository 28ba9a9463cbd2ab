// Page side of the consumer apps: the shared check, and a module worker
// driven through it (the worker posts 'ready' once its `await init()` is
// done, then gets the fake's URL and answers with its own check's result).
export { check } from './check.js';

export function inWorker(worker, fakeUrl) {
  return new Promise((resolve, reject) => {
    worker.onerror = (e) => reject(new Error(`worker error: ${e.message || 'failed to load'}`));
    worker.onmessage = (e) => {
      if (e.data === 'ready') { worker.postMessage(fakeUrl); return; }
      worker.terminate();
      if (e.data?.error) reject(new Error(`in the worker: ${e.data.error}`));
      else resolve(e.data);
    };
  });
}
