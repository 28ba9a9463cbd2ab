// Drives the fake's control routes (/__fake/*). From Node it fetches them
// directly. The fake refuses them to any cross-origin caller, so a test
// page (on another origin) gets a bridge from its Node test instead:
// `globalThis.__fakeControl`, exposed with playwright's `exposeFunction`
// (see `callFake`).
export async function callFake(baseUrl, method, route, body) {
  const r = await fetch(`${baseUrl}/__fake/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!r.ok) throw new Error(`fake ${route}: ${r.status} ${await r.text()}`);
  return r.json();
}

export function fakeControl(baseUrl) {
  const call = (method, route, body) => (globalThis.__fakeControl ?? callFake)(baseUrl, method, route, body);
  return {
    baseUrl,
    reset: () => call('POST', 'reset', {}),
    /** Sets what `settings` names; answers every setting, and the service
     * clock's now as `serviceNowMs` (`serviceNowMs` in `settings` sets it). */
    config: (settings) => call('POST', 'config', settings),
    /** The service clock's now (Unix ms): what the fake's `Date` headers and
     * `createdAt` are read from; it runs `timeScale`× real time. */
    serviceNowMs: async () => (await call('GET', 'config')).serviceNowMs,
    fault: (fault) => call('POST', 'faults', fault),
    log: () => call('GET', 'log'),
    /** The log's API entries only (method, path, headers, t, status). */
    apiLog: async () => (await call('GET', 'log')).filter((e) => e.path.startsWith('/v2/')),
  };
}
