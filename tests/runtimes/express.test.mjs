// createProxy on Node through Express: examples/express/server.mjs as
// written (`app.use('/api/apiframe', proxy.node)` before express.json()),
// importing 'happyhorse' as an installed package would (the nodejs build).
import { describe, before, after } from 'node:test';
import path from 'node:path';
import { here, examples, KEY, BASE_PATH, installed, startUpstream, startServer, proxyScenarios } from './harness.mjs';

installed('express/package.json');

describe('createProxy in Express on Node — examples/express/server.mjs', { timeout: 60_000 }, () => {
  let fake, server, base;
  before(
    async () => {
      fake = await startUpstream();
      server = await startServer(
        'node (examples/express/server.mjs)',
        process.execPath,
        ['--import', path.join(here, 'examples-loader.mjs'), path.join(examples, 'express', 'server.mjs')],
        { cwd: path.join(examples, 'express'), env: { APIFRAME_API_KEY: KEY, APIFRAME_UPSTREAM: fake.url, HOST: '127.0.0.1', PORT: '0' } },
      );
      base = server.url + BASE_PATH;
    },
    { timeout: 30_000 },
  );
  after(async () => {
    fake?.stop();
    await server?.stop();
  });
  proxyScenarios(() => ({ base, fake }));
});
