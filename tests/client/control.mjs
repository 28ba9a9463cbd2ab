// Drives the fake's control routes (/__fake/*) with fetch: works from Node
// and from a page alike.
export function fakeControl(baseUrl) {
  const call = async (method, route, body) => {
    const r = await fetch(`${baseUrl}/__fake/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`fake ${route}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  return {
    baseUrl,
    reset: () => call('POST', 'reset', {}),
    config: (settings) => call('POST', 'config', settings),
    fault: (fault) => call('POST', 'faults', fault),
    log: () => call('GET', 'log'),
    /** The log's API entries only (method, path, headers, t, status). */
    apiLog: async () => (await call('GET', 'log')).filter((e) => e.path.startsWith('/v2/')),
  };
}
