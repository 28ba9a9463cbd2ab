// createProxy in a Next.js production server: examples/nextjs (its route
// handler and next.config.mjs, as written) is copied to a scratch app under
// tests/runtimes (so next, react and typescript resolve from
// tests/runtimes/node_modules), with the package installed in the app's own
// node_modules/happyhorse as `npm install` would put it; then `next build`
// (Turbopack, type check included) and `next start`.
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from '../page/browser.mjs';
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root, here, examples, KEY, BASE_PATH, installed, startUpstream, startServer, runToEnd, watchdogIn, proxyScenarios } from './harness.mjs';

const nextBin = installed('next/dist/bin/next');
installed('typescript/package.json');
watchdogIn(240_000); // the build alone may take a minute on a cold, busy machine

// Next.js patches the global fetch; given a Request (which gloo-net passes),
// it re-sends the body as a stream, so the forwarded POST goes out with
// Transfer-Encoding: chunked. The fake reads chunked bodies (as servers do).
describe('createProxy in a Next.js production server — examples/nextjs', { timeout: 180_000 }, () => {
  let fake, server, base, app;
  before(
    async () => {
      fake = await startUpstream();
      app = mkdtempSync(path.join(here, '.next-app-'));
      cpSync(path.join(examples, 'nextjs', 'app'), path.join(app, 'app'), { recursive: true });
      cpSync(path.join(examples, 'nextjs', 'next.config.mjs'), path.join(app, 'example.config.mjs'));
      // The example's config, with Turbopack's root widened to where next itself is installed.
      writeFileSync(
        path.join(app, 'next.config.mjs'),
        `import config from './example.config.mjs';\nexport default { ...config, turbopack: { root: ${JSON.stringify(here)} } };\n`,
      );
      mkdirSync(path.join(app, 'node_modules'));
      cpSync(path.join(root, 'pkg'), path.join(app, 'node_modules', 'happyhorse'), { recursive: true });
      const env = { NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
      await runToEnd('next build', process.execPath, [nextBin, 'build'], { cwd: app, env, timeoutMs: 120_000 });
      server = await startServer('next start', process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', '0'], {
        cwd: app,
        env: { ...env, APIFRAME_API_KEY: KEY, APIFRAME_UPSTREAM: fake.url },
        ready: /Local:\s+(http:\/\/[\w.:[\]-]+)/,
      });
      base = server.url + BASE_PATH;
    },
    { timeout: 150_000 },
  );
  after(async () => {
    fake?.stop();
    await server?.stop();
    if (app) rmSync(app, { recursive: true, force: true });
  });
  proxyScenarios(() => ({ base, fake }));

  test('a client component validates, prices and runs a job in the browser through the route handler', { timeout: 60_000 }, async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${server.url}/`);
      await page.waitForFunction(() => /job=(COMPLETED|\w+)$|error/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: 45_000 });
      assert.equal(await page.textContent('#status'), 'ok=true credits=310 job=COMPLETED');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
