// The npm/README.md recipes, each proven the way a user meets them: the
// built pkg/ is packed with `npm pack` (once), a fresh app is made in a temp
// dir from apps/<name>/ (+ apps/shared/), the tarball is `npm install`ed
// into it, the app is built with the real tool and run:
//   Vite 8 (vite build, and the vite dev server), webpack 5, esbuild:
//     a page doing `await init()`, validate, estimateCost and one
//     Client.generate against the fake API, plus a module worker doing the
//     same, in headless Chromium;
//   Rollup 4 (node-resolve + import-meta-assets, the worker its own entry),
//     and the same build without import-meta-assets, whose init() 404s;
//   Parcel 2 (parcel build, and the parcel serve dev server; init() in an
//     async function, as the dev server refuses a top-level await, which is
//     checked too);
//   a plain page with no bundler (the package folder served next to it);
//   Node ESM, and Node CommonJS with --no-experimental-require-module (how
//     Node 18 and Node < 20.19 load it);
//   Vitest 4 in its node and jsdom environments, each with and without
//     `server.deps.inline: ['happyhorse']` (a test file importing the
//     package, run by `vitest run`; it writes the check's answers to a file).
// Every test asserts the answers (ok, 310 credits for 10 s at 1080p, the
// job COMPLETED with the fake's video URL, onUpdate QUEUED … COMPLETED).
//
// Needs: scripts/build.sh (pkg/ and the fake), `npm ci` at the root
// (playwright-core), and the bundlers and Vitest: `npm ci --prefix tests/consumers`.
// Run: node --test tests/consumers/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, serveStatic } from '../page/browser.mjs';
import { startFake } from '../client/fake.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const apps = path.join(here, 'apps');
const INSTALL = 'npm ci --prefix tests/consumers';
/** Set CONSUMERS_KEEP=1 to keep the temp dirs (their paths are logged). */
const KEEP = !!process.env.CONSUMERS_KEEP;

/** A file under tests/consumers/node_modules, or a failure telling how to install it. */
function tool(rel) {
  const file = path.join(here, 'node_modules', rel);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`${INSTALL}\` (from the repo root) first`);
  return file;
}

// ---- child processes: always ended, with their output kept for failures --

const children = new Set();
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); });

/** The environment for child tools, without the npm_* variables of an enclosing `npm run`. */
function childEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1', ...extra };
}

/** Runs `cmd args` in `cwd`; resolves to { stdout, stderr, ms }, rejects with the output on failure or timeout. */
function run(cmd, args, { cwd, timeoutMs = 60_000, env } = {}) {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const ms = Date.now() - t0;
      if (code === 0) resolve({ stdout, stderr, ms });
      else reject(new Error(`${path.basename(cmd)} ${args.join(' ')} (in ${cwd}) ${signal ? `killed (${signal}) after ${ms} ms` : `exited with ${code}`}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
    });
  });
}

const node = (args, opts) => run(process.execPath, args, opts);
// npm's own CLI, run by this Node (as `npm` on PATH would be).
const npmCli = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
const npm = (args, opts) => (existsSync(npmCli) ? node([npmCli, ...args], opts) : run('npm', args, opts));

// ---- the package tarball and the apps -------------------------------------

const temps = [];
function tempDir(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), `hh-consumers-${prefix}-`));
  temps.push(dir);
  return dir;
}

let tarball;
async function packOnce() {
  const pkg = path.join(root, 'pkg');
  if (!existsSync(path.join(pkg, 'happyhorse_bg.wasm')) || !existsSync(path.join(pkg, 'node', 'happyhorse.js'))) {
    throw new Error(`${pkg} is not built: run scripts/build.sh`);
  }
  const dir = tempDir('pack');
  const { stdout } = await npm(['pack', pkg, '--pack-destination', dir, '--json', '--silent'], { cwd: dir });
  const [{ filename }] = JSON.parse(stdout);
  return path.join(dir, filename);
}

/**
 * A fresh app: apps/<name>/ copied into a temp dir, apps/shared/ into its
 * src/ (or its root if it has none), and the tarball installed (offline:
 * the package has no dependencies). Resolves to the app's directory.
 */
async function makeApp(name) {
  const dir = tempDir(name);
  cpSync(path.join(apps, name), dir, { recursive: true });
  const shared = existsSync(path.join(dir, 'src')) ? path.join(dir, 'src') : dir;
  cpSync(path.join(apps, 'shared'), shared, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }, null, 2));
  await npm(['install', tarball, '--offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], { cwd: dir });
  if (KEEP) console.log(`# ${name} app: ${dir}`);
  return dir;
}

/**
 * Links tools of tests/consumers/node_modules into an app's node_modules,
 * as the app's own devDependencies would be (its config or its test files
 * import them by name).
 */
function linkTools(dir, names) {
  for (const name of names) {
    const link = path.join(dir, 'node_modules', name);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(tool(name), link, 'dir');
  }
}

// ---- the fake API and the browser ------------------------------------------

let fake, browser;
before(async () => {
  tool('vite/package.json');
  // Each kept as soon as it is up, so `after` stops it even if another fails.
  await Promise.all([
    packOnce().then((t) => (tarball = t)),
    startFake().then((f) => (fake = f)),
    launch().then((b) => (browser = b)),
  ]);
  // A "6 s" job (1 s queued) takes ~10 ms; the client's default schedule
  // polls it once, 2 s after the submit.
  const r = await fetch(`${fake.url}/__fake/config`, { method: 'POST', body: JSON.stringify({ timeScale: 600, jobSeconds: 6, queueSeconds: 1 }) });
  assert.equal(r.status, 200, await r.text());
}, { timeout: 60_000 });
after(async () => {
  await browser?.close();
  fake?.stop();
  if (!KEEP) for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** The shared check's answers (apps/shared/check.js), from any consumer. */
function assertCheck(r, where) {
  const at = (m) => `${where}: ${m}`;
  assert.equal(r?.error, undefined, at(r?.error));
  assert.equal(r.ok, true, at(`validate().ok, errors ${JSON.stringify(r.errors)}`));
  assert.equal(r.mode, 'text-to-video', at('validate().mode'));
  assert.deepEqual(r.errors, [], at('validate().errors'));
  assert.ok(r.invalidCodes.includes('PROMPT_EMPTY'), at(`an empty prompt: ${r.invalidCodes}`));
  assert.equal(r.credits, 310, at('estimateCost().credits for 10 s at 1080p'));
  assert.equal(r.status, 'COMPLETED', at('generate() status'));
  assert.deepEqual(r.videoUrls, [`${fake.url}/media/sample.webm`], at('generate() videoUrls'));
  assert.equal(r.updates[0], 'QUEUED', at(`onUpdate: ${r.updates}`));
  assert.equal(r.updates.at(-1), 'COMPLETED', at(`onUpdate: ${r.updates}`));
}

/**
 * Opens `url` (with ?fake=) in a fresh page and waits for the app's
 * window.__result; fails on a page error, a console error or a failed
 * request. Resolves to { result, wasm } (wasm: the .wasm URLs fetched, page
 * and worker).
 */
async function runPage(url, { timeoutMs = 30_000 } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  const wasm = [];
  // A page error (say a failed `await init()`) ends the wait at once.
  let pageFailed;
  const failed = new Promise((_, reject) => (pageFailed = reject));
  failed.catch(() => {});
  page.on('pageerror', (e) => {
    problems.push(`page error: ${e.stack || e}`);
    pageFailed(new Error(`page error in ${url}:\n${problems.join('\n')}`));
  });
  // (Chromium asks every origin for /favicon.ico; its 404 is no problem.)
  const consoleError = (m) => m.type() === 'error' && !m.location()?.url?.endsWith('/favicon.ico');
  page.on('console', (m) => { if (consoleError(m)) problems.push(`console error: ${m.text()} (${m.location()?.url})`); });
  page.on('worker', (w) => w.on('console', (m) => { if (consoleError(m)) problems.push(`worker console error: ${m.text()}`); }));
  context.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  context.on('response', (r) => {
    if (r.url().endsWith('/favicon.ico')) return;
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    if (/\.wasm(\?|$)/.test(r.url())) wasm.push(`${r.url()} ${r.headers()['content-type']}`);
  });
  try {
    await page.goto(`${url}${url.includes('?') ? '&' : '?'}fake=${encodeURIComponent(fake.url)}`);
    try {
      await Promise.race([failed, page.waitForFunction(() => window.__result !== undefined, null, { timeout: timeoutMs, polling: 50 })]);
    } catch (e) {
      if (e.message.startsWith('page error')) throw e;
      throw new Error(`no result from ${url} in ${timeoutMs} ms:\n${problems.join('\n') || '(no errors seen)'}\n${e.message}`);
    }
    const result = await page.evaluate(() => window.__result);
    assert.equal(result.error, undefined, `${result.error}\n${problems.join('\n')}`);
    assert.deepEqual(problems, []);
    return { result, wasm };
  } finally {
    await context.close();
  }
}

function assertPageAndWorker({ result, wasm }, tool) {
  assertCheck(result.page, `${tool}, page`);
  assertCheck(result.worker, `${tool}, module worker`);
  assert.ok(wasm.length >= 1, `${tool}: the .wasm was fetched (${wasm})`);
}

/** The .wasm files a build emitted (anywhere under dist/). */
function emittedWasm(dist) {
  return readdirSync(dist, { recursive: true }).map(String).filter((f) => f.endsWith('.wasm'));
}

/** Serves `dist` (the static server of tests/page/browser.mjs) and runs the page. */
async function runBuilt(dist, file = 'index.html') {
  const server = await serveStatic(dist);
  try {
    return await runPage(`${server.url}/${file}`);
  } finally {
    await server.close();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

const timing = [];
function timed(name) {
  const t0 = Date.now();
  return () => timing.push(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
after(() => console.log(`# consumers: ${timing.join('; ')}`));

// ---- the recipes -----------------------------------------------------------

let viteApp;
const getViteApp = () => (viteApp ??= makeApp('vite'));

test('Vite 8: vite build; page + module worker in Chromium', { timeout: 120_000 }, async () => {
  const done = timed('vite build');
  const dir = await getViteApp();
  await node([tool('vite/bin/vite.js'), 'build'], { cwd: dir, timeoutMs: 90_000 });
  const dist = path.join(dir, 'dist');
  // One .wasm, emitted as an asset (the page and the worker share it).
  assert.equal(emittedWasm(dist).length, 1, `emitted: ${emittedWasm(dist)}`);
  assertPageAndWorker(await runBuilt(dist), 'vite build');
  done();
});

test('Vite 8: vite dev server; page + module worker in Chromium', { timeout: 120_000 }, async () => {
  const done = timed('vite dev');
  const dir = await getViteApp();
  const port = await freePort();
  const child = spawn(process.execPath, [tool('vite/bin/vite.js'), '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: dir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`vite dev did not start in 30 s:\n${out}`)), 30_000);
      const poll = setInterval(() => { if (out.includes(`127.0.0.1:${port}`)) { clearInterval(poll); clearTimeout(timer); resolve(); } }, 50);
      child.on('exit', (code) => { clearInterval(poll); clearTimeout(timer); reject(new Error(`vite dev exited with ${code}:\n${out}`)); });
    });
    const r = await runPage(`http://127.0.0.1:${port}/`);
    assertPageAndWorker(r, 'vite dev');
    // Served from the package itself (not pre-bundled into .vite/deps).
    assert.ok(r.wasm.every((w) => w.includes('/node_modules/happyhorse/happyhorse_bg.wasm')), r.wasm.join('\n'));
    assert.doesNotMatch(out, /error/i, out);
  } finally {
    child.kill();
    children.delete(child);
  }
  done();
});

test('webpack 5 (README: nothing to configure); page + module worker in Chromium', { timeout: 120_000 }, async () => {
  const done = timed('webpack');
  const dir = await makeApp('webpack');
  const { stdout, stderr } = await node([tool('webpack-cli/bin/cli.js'), '--config', 'webpack.config.js'], { cwd: dir, timeoutMs: 90_000 });
  // No error and no warning, bar webpack's size hints (the .wasm is near its 244 KiB mark).
  const warnings = (stdout + stderr).split(/\n(?=WARNING|ERROR)/).filter((b) => /^(WARNING|ERROR)/.test(b) && !/size limit|performance recommendations/i.test(b));
  assert.deepEqual(warnings, [], stdout + stderr);
  const dist = path.join(dir, 'dist');
  cpSync(path.join(dir, 'index.html'), path.join(dist, 'index.html'));
  assert.equal(emittedWasm(dist).length, 1, `emitted: ${emittedWasm(dist)}`);
  assertPageAndWorker(await runBuilt(dist), 'webpack');
  done();
});

test('esbuild --bundle --format=esm --loader:.wasm=file; page + module worker in Chromium', { timeout: 120_000 }, async () => {
  const done = timed('esbuild');
  const dir = await makeApp('esbuild');
  // The page (public/index.html) is not in the bundle's folder (public/build/):
  // the wasm URL must be resolved against the bundle, not the page.
  await run(tool('.bin/esbuild'), ['src/main.js', 'src/worker.js', '--bundle', '--format=esm', '--loader:.wasm=file', '--outdir=public/build'], { cwd: dir, timeoutMs: 60_000 });
  const build = path.join(dir, 'public', 'build');
  assert.equal(emittedWasm(build).length, 1, `emitted: ${emittedWasm(build)}`);
  const r = await runBuilt(path.join(dir, 'public'));
  assertPageAndWorker(r, 'esbuild');
  assert.ok(r.wasm.every((w) => w.includes('/build/happyhorse_bg-')), r.wasm.join('\n'));
  done();
});

test('a plain page, no bundler (node_modules/happyhorse served next to it); page + module worker', { timeout: 60_000 }, async () => {
  const done = timed('plain page');
  const dir = await makeApp('plain');
  const r = await runBuilt(dir);
  assertPageAndWorker(r, 'plain page');
  assert.equal(r.result.ok, 'true', 'the recipe\'s #ok text');
  done();
});

test('Rollup 4 + @rollup/plugin-node-resolve + @web/rollup-plugin-import-meta-assets; page + module worker in Chromium', { timeout: 120_000 }, async () => {
  const done = timed('rollup');
  const dir = await makeApp('rollup');
  linkTools(dir, ['@rollup/plugin-node-resolve', '@web/rollup-plugin-import-meta-assets']);
  const rollup = (config) => node([tool('rollup/dist/bin/rollup'), '--config', config], { cwd: dir, timeoutMs: 60_000 });
  await rollup('rollup.config.js');
  const dist = path.join(dir, 'dist');
  cpSync(path.join(dir, 'index.html'), path.join(dist, 'index.html'));
  // One .wasm, emitted as an asset (the page and the worker share the chunk that loads it).
  assert.equal(emittedWasm(dist).length, 1, `emitted: ${emittedWasm(dist)}`);
  const r = await runBuilt(dist);
  assertPageAndWorker(r, 'rollup');
  assert.ok(r.wasm.every((w) => /\/assets\/happyhorse_bg-[\w-]+\.wasm application\/wasm$/.test(w)), r.wasm.join('\n'));
  // Without the plugin the build passes but emits no .wasm: init() 404s.
  await rollup('rollup.bare.config.js');
  const bare = path.join(dir, 'dist-bare');
  assert.deepEqual(emittedWasm(bare), []);
  cpSync(path.join(dir, 'index.html'), path.join(bare, 'index.html'));
  await assert.rejects(runBuilt(bare), /HTTP 404: \S+\/happyhorse_bg\.wasm/);
  done();
});

let parcelApp;
const getParcelApp = () => (parcelApp ??= makeApp('parcel'));
// --no-autoinstall: Parcel would otherwise `npm install` a plugin it misses.
const parcelArgs = (...args) => [tool('parcel/lib/bin.js'), ...args, '--no-autoinstall'];

test('Parcel 2: parcel build (init() in an async function); page + module worker in Chromium', { timeout: 120_000 }, async () => {
  const done = timed('parcel build');
  const dir = await getParcelApp();
  await node(parcelArgs('build', 'index.html', '--dist-dir', 'dist'), { cwd: dir, timeoutMs: 90_000 });
  const dist = path.join(dir, 'dist');
  // One .wasm (Parcel follows the glue's `new URL('happyhorse_bg.wasm', import.meta.url)`).
  assert.equal(emittedWasm(dist).length, 1, `emitted: ${emittedWasm(dist)}`);
  assertPageAndWorker(await runBuilt(dist), 'parcel build');
  done();
});

test('Parcel 2: parcel serve (the dev server); page + module worker in Chromium, and a top-level await refused', { timeout: 120_000 }, async () => {
  const done = timed('parcel dev');
  const dir = await getParcelApp();
  const port = await freePort();
  const args = parcelArgs('serve', 'index.html', 'tla.html', '--dist-dir', 'dist-dev', '--host', '127.0.0.1', '--port', String(port));
  const child = spawn(process.execPath, args, { cwd: dir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    // Up once its first build is done ("Server running at …", then "Built in …").
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`parcel serve did not build in 60 s:\n${out}`)), 60_000);
      const poll = setInterval(() => { if (out.includes(`127.0.0.1:${port}`) && /Built in/.test(out)) { clearInterval(poll); clearTimeout(timer); resolve(); } }, 50);
      child.on('exit', (code) => { clearInterval(poll); clearTimeout(timer); reject(new Error(`parcel serve exited with ${code}:\n${out}`)); });
    });
    const r = await runPage(`http://127.0.0.1:${port}/index.html`);
    assertPageAndWorker(r, 'parcel dev');
    assert.ok(r.wasm.every((w) => w.startsWith(`http://127.0.0.1:${port}/happyhorse_bg.`)), r.wasm.join('\n'));
    // The recipe's reason: the same import with a top-level `await init()`.
    await assert.rejects(runPage(`http://127.0.0.1:${port}/tla.html`, { timeoutMs: 10_000 }), /SyntaxError: Unexpected reserved word/);
    assert.doesNotMatch(out, /error|🚨/i, out);
  } finally {
    child.kill();
    children.delete(child);
  }
  done();
});

let nodeApp;
const getNodeApp = () => (nodeApp ??= makeApp('node'));

test('Node ESM: import init, { … } from \'happyhorse\'', { timeout: 60_000 }, async () => {
  const done = timed('node esm');
  const dir = await getNodeApp();
  const { stdout } = await node(['esm.mjs', fake.url], { cwd: dir, timeoutMs: 30_000 });
  const { initType, result } = JSON.parse(stdout);
  assert.equal(initType, 'function', 'the default export is init');
  assertCheck(result, 'Node ESM');
  done();
});

test('Node CommonJS with --no-experimental-require-module (as Node 18): require(\'happyhorse\')', { timeout: 60_000 }, async () => {
  const done = timed('node cjs');
  const dir = await getNodeApp();
  const { stdout } = await node(['--no-experimental-require-module', 'cjs.cjs', fake.url], { cwd: dir, timeoutMs: 30_000 });
  const { resolved, errorClass, result } = JSON.parse(stdout);
  assert.equal(resolved, path.join('node_modules', 'happyhorse', 'node', 'happyhorse.js'), 'the CommonJS Node entry');
  assert.equal(errorClass, 'function', 'HappyHorseError is exported');
  assertCheck(result, 'Node CommonJS');
  done();
});

// ---- Vitest: the Node entry through Vite's module loading -------------------

let vitestApp;
// (Its test files import 'vitest'; Vitest loads jsdom from beside itself.)
const getVitestApp = () => (vitestApp ??= makeApp('vitest').then((dir) => (linkTools(dir, ['vitest']), dir)));

// Each environment with the recipe's `server.deps.inline: ['happyhorse']`
// (Vite loads the package itself: every export used to come back
// `undefined` there) and without it (Vitest's default: Node loads it).
// The app's test files are *.spec.js, which `node --test` does not collect.
for (const environment of ['node', 'jsdom']) {
  for (const inline of [true, false]) {
    const name = `Vitest 4, environment ${environment}, ${inline ? "server.deps.inline: ['happyhorse']" : 'the package externalized'}`;
    test(`${name}: import from 'happyhorse'${environment === 'node' ? " and 'happyhorse/server'" : ''}`, { timeout: 60_000 }, async () => {
      const done = timed(`vitest ${environment}${inline ? ' inline' : ''}`);
      const dir = await getVitestApp();
      const out = path.join(dir, `result-${environment}-${inline ? 'inline' : 'external'}.json`);
      const config = inline ? 'vitest.config.js' : 'vitest.external.config.js';
      await node([tool('vitest/vitest.mjs'), 'run', '--config', config, '--environment', environment, `src/${environment}.spec.js`], {
        cwd: dir, timeoutMs: 45_000, env: { HH_FAKE_URL: fake.url, HH_RESULT: out },
      });
      const r = JSON.parse(readFileSync(out, 'utf8'));
      assert.equal(r.environment, environment);
      assert.equal(r.initType, 'function', 'the default export is init');
      if (environment === 'node') assert.equal(r.createProxyType, 'function', "createProxy from 'happyhorse/server'");
      assertCheck(r.result, name);
      done();
    });
  }
}
