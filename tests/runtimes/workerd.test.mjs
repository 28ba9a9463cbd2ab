// createProxy in workerd (Cloudflare's runtime, through Miniflare's Node
// API): the Worker is examples/cloudflare-worker/src/index.js as written,
// importing the package's server build (pkg/server/) as Wrangler would
// resolve 'happyhorse/server' for a Worker (no "node" condition:
// ./server/happyhorse.js) and 'happyhorse/server/happyhorse_bg.wasm' as a
// CompiledWasm module for initSync.
import { describe, before, after } from 'node:test';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { root, examples, KEY, BASE_PATH, installed, cannotRun, startUpstream, stopWithin, proxyScenarios } from './harness.mjs';

const require = createRequire(import.meta.url);
installed('miniflare/package.json');
installed('workerd/package.json');
const { Miniflare } = await import('miniflare');
const skip = cannotRun(require('workerd').default ?? require('workerd'), ['--version']);

const pkgDir = path.join(root, 'pkg', 'server');
const workerDir = path.join(examples, 'cloudflare-worker');

/**
 * The Worker's modules: its own file, then 'happyhorse/server' (the server
 * build's glue and snippets) and its wasm. workerd resolves every
 * specifier, bare ones too, against the importing module's name, so the
 * package's modules are named next to the Worker's ("src/happyhorse/server",
 * "src/happyhorse/snippets/…").
 */
function workerModules() {
  const main = path.join(workerDir, 'src', 'index.js');
  const dir = path.dirname(main);
  const snippets = readdirSync(path.join(pkgDir, 'snippets'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.js'));
  return [
    { type: 'ESModule', path: main, contents: readFileSync(main, 'utf8') },
    { type: 'ESModule', path: path.join(dir, 'happyhorse', 'server'), contents: readFileSync(path.join(pkgDir, 'happyhorse.js'), 'utf8') },
    ...snippets.map((f) => ({ type: 'ESModule', path: path.join(dir, 'happyhorse', 'snippets', f), contents: readFileSync(path.join(pkgDir, 'snippets', f), 'utf8') })),
    { type: 'CompiledWasm', path: path.join(dir, 'happyhorse', 'server', 'happyhorse_bg.wasm'), contents: readFileSync(path.join(pkgDir, 'happyhorse_bg.wasm')) },
  ];
}

describe('createProxy in workerd (Miniflare) — examples/cloudflare-worker', { skip, timeout: 60_000 }, () => {
  let fake, mf, base;
  before(
    async () => {
      fake = await startUpstream();
      mf = new Miniflare({
        modules: workerModules(),
        modulesRoot: workerDir,
        compatibilityDate: '2026-04-01',
        host: '127.0.0.1',
        port: 0,
        bindings: { APIFRAME_API_KEY: KEY, APIFRAME_UPSTREAM: fake.url },
      });
      base = new URL(BASE_PATH, await mf.ready).href;
    },
    { timeout: 30_000 },
  );
  after(async () => {
    fake?.stop();
    await stopWithin(mf?.dispose(), 10_000, 'Miniflare.dispose()');
  });
  proxyScenarios(() => ({ base, fake }));
});
