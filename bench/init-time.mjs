// `await init()` in a Vite production page, in headless Chromium: the page
// build (pkg/) installed into a fresh Vite app (bench/out/vite-init: the
// npm/README.md recipe's vite.config.js, one module that imports the package
// and awaits init()), built with `vite build` and served by `vite preview`
// on 127.0.0.1 (Vite from bench/node_modules).
//
// The page times `await init()` itself with performance.now(): from just
// before the call to just after it resolves, so fetching, compiling and
// instantiating the .wasm (the bundled JS has loaded by then). LOADS fresh
// page loads, each in a new browser context (no HTTP cache, no cached
// compiled code), after one uncounted warm-up load (the preview server's
// first reads, the browser's first wasm compile). p95 is by nearest rank.
//
// The .wasm's bytes on the wire come from the response as Chromium got it
// (its headers and the body's encoded size): `vite preview` compresses only
// text types, so it serves the .wasm uncompressed.
//   node bench/init-time.mjs     (this part alone, after scripts/build.sh)
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch } from '../tests/page/browser.mjs';

/** Counted page loads (BENCH_INIT_LOADS overrides). */
export const LOADS = Number(process.env.BENCH_INIT_LOADS) || 20;

const INDEX_HTML = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>happyhorse init()</title></head>
  <body><script type="module" src="/src/main.js"></script></body>
</html>
`;

// The timed call, and one call after it (so a page whose init() resolved
// without a working module is an error, not a fast sample).
const MAIN_JS = `import init, { estimateCost } from 'happyhorse';

const t0 = performance.now();
try {
  await init();
  const ms = performance.now() - t0;
  const wasm = performance.getEntriesByType('resource').filter((e) => /\\.wasm(\\?|$)/.test(e.name));
  const credits = estimateCost({ prompt: 'horses', happyhorse11Params: { duration: 10, resolution: '1080p' } }).credits;
  window.__init = { ms, fetchMs: wasm.length === 1 ? wasm[0].responseEnd - wasm[0].startTime : null, credits };
} catch (e) {
  window.__init = { error: String(e?.stack || e) };
}
`;

// The npm/README.md Vite recipe.
const VITE_CONFIG = `export default { optimizeDeps: { exclude: ['happyhorse'] }, build: { target: 'es2022' }, worker: { format: 'es' } };
`;

/** The environment for Vite, without the npm_* variables of an enclosing `npm run`. */
function childEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' };
}

/** Runs node with `args` in `cwd`; rejects with the output on failure. */
function node(args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`node ${args.join(' ')} (in ${cwd}) exited with ${code}:\n${out}`))));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** Starts `vite preview` on 127.0.0.1; resolves to { url, stop }. */
async function startPreview(vite, cwd) {
  const port = await freePort();
  const child = spawn(process.execPath, [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => { if (child.exitCode === null) child.kill(); };
  process.on('exit', stop);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`vite preview did not start in 30 s:\n${out}`)), 30_000);
      const poll = setInterval(() => { if (out.includes(`127.0.0.1:${port}`)) { clearInterval(poll); clearTimeout(timer); resolve(); } }, 50);
      child.on('exit', (code) => { clearInterval(poll); clearTimeout(timer); reject(new Error(`vite preview exited with ${code}:\n${out}`)); });
    });
  } catch (e) {
    stop();
    throw e;
  }
  return { url: `http://127.0.0.1:${port}/`, stop };
}

/** One fresh page load (a new context): the page's timings and the .wasm response. */
async function load(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = [];
    const wasm = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.stack || e}`));
    page.on('console', (m) => { if (m.type() === 'error' && !m.location()?.url?.endsWith('/favicon.ico')) problems.push(`console error: ${m.text()}`); });
    page.on('response', (r) => { if (/\.wasm(\?|$)/.test(r.url())) wasm.push(r); });
    await page.goto(url);
    await page.waitForFunction(() => window.__init !== undefined, null, { timeout: 60_000, polling: 20 });
    const r = await page.evaluate(() => window.__init);
    if (r.error || problems.length) throw new Error(`${url}: ${[r.error, ...problems].filter(Boolean).join('\n')}`);
    if (wasm.length !== 1) throw new Error(`${url}: ${wasm.length} .wasm responses (${wasm.map((w) => w.url()).join(', ')}), expected 1`);
    const [response] = wasm;
    const headers = await response.allHeaders();
    const sizes = await response.request().sizes();
    return {
      ...r,
      wasm: {
        status: response.status(),
        contentType: headers['content-type'] ?? null,
        contentEncoding: headers['content-encoding'] ?? null,
        contentLength: headers['content-length'] === undefined ? null : Number(headers['content-length']),
        bodyOnWire: sizes.responseBodySize,
        headersOnWire: sizes.responseHeadersSize,
      },
    };
  } finally {
    await context.close();
  }
}

/** Nearest-rank percentile of sorted numbers. */
const rank = (sorted, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

export async function measureInit(root) {
  const vite = path.join(root, 'bench', 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) throw new Error(`${vite} is missing: run \`npm ci --prefix bench\``);
  const viteVersion = JSON.parse(readFileSync(path.join(root, 'bench', 'node_modules', 'vite', 'package.json'), 'utf8')).version;
  const pkg = path.join(root, 'pkg');
  const builtWasm = readFileSync(path.join(pkg, 'happyhorse_bg.wasm'));

  // A fresh app every run: the package as a dependency, the recipe's config.
  const app = path.join(root, 'bench', 'out', 'vite-init');
  rmSync(app, { recursive: true, force: true });
  mkdirSync(path.join(app, 'src'), { recursive: true });
  cpSync(pkg, path.join(app, 'node_modules', 'happyhorse'), { recursive: true });
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'happyhorse-bench-init', private: true, type: 'module' }, null, 2) + '\n');
  writeFileSync(path.join(app, 'vite.config.js'), VITE_CONFIG);
  writeFileSync(path.join(app, 'index.html'), INDEX_HTML);
  writeFileSync(path.join(app, 'src', 'main.js'), MAIN_JS);
  await node([vite, 'build', '--logLevel', 'warn'], app);
  const emitted = readdirSync(path.join(app, 'dist'), { recursive: true }).map(String).filter((f) => f.endsWith('.wasm'));
  if (emitted.length !== 1) throw new Error(`vite build emitted ${emitted.length} .wasm files (${emitted.join(', ')}), expected 1`);
  if (!readFileSync(path.join(app, 'dist', emitted[0])).equals(builtWasm)) throw new Error(`vite build's ${emitted[0]} is not pkg/happyhorse_bg.wasm`);

  const server = await startPreview(vite, app);
  const browser = await launch();
  try {
    await load(browser, server.url); // warm-up, not counted
    const samples = [];
    for (let i = 0; i < LOADS; i++) samples.push(await load(browser, server.url));
    const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
    const fetchMs = samples.map((s) => s.fetchMs).filter((x) => x !== null).sort((a, b) => a - b);
    const stat = (xs) => (xs.length ? { median: rank(xs, 50), p95: rank(xs, 95), min: xs[0], max: xs.at(-1), n: xs.length } : null);
    // The .wasm as served: the same on every load, or the report says it varied.
    const wires = [...new Set(samples.map((s) => JSON.stringify(s.wasm)))].map((w) => JSON.parse(w));
    const credits = [...new Set(samples.map((s) => s.credits))];
    if (credits.length !== 1 || credits[0] !== 310) throw new Error(`estimateCost() after init() answered ${credits.join(', ')} credits, expected 310`);
    return {
      loads: LOADS, vite: viteVersion, browser: browser.version(), wasmFile: emitted[0],
      init: stat(ms), fetch: stat(fetchMs), wasm: wires[0], wasmVaried: wires.length > 1 ? wires : null,
      wasmRaw: builtWasm.length, wasmGz: gzipSync(builtWasm, { level: 9 }).length,
    };
  } finally {
    await browser.close();
    server.stop();
  }
}

const ms = (x) => `${x.toFixed(1)} ms`;
const bytes = (n) => `${n.toLocaleString('en-US')} B`;

/** Section 4 of bench/RESULTS.md. `load` is the 1-minute load average just after the run. */
export function initSection(I, load) {
  const lines = [];
  const row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push('## 4. `await init()` in a Vite production page (headless Chromium, the page build)', '');
  lines.push(`The page build installed into a fresh Vite ${I.vite} app (the npm/README.md recipe's \`vite.config.js\`) whose one module calls \`await init()\`, built with \`vite build\` and served by \`vite preview\` on 127.0.0.1. The page times the call with \`performance.now()\`, from just before it to just after it resolves: fetching, compiling and instantiating the \`.wasm\` (the bundled JS has loaded by then). ${I.loads} fresh page loads, each in a new browser context (nothing cached), after one uncounted warm-up load; Chromium ${I.browser}, 1-minute load average ${load.toFixed(1)} just after the run. p95 by nearest rank (the ${Math.ceil(0.95 * I.loads)}th of the ${I.loads} in order).`, '');
  row('', 'median', 'p95', 'min', 'max');
  row('---', '---:', '---:', '---:', '---:');
  row('**`await init()`**', `**${ms(I.init.median)}**`, `**${ms(I.init.p95)}**`, ms(I.init.min), ms(I.init.max));
  if (I.fetch) row('of which the `.wasm` fetch (Resource Timing: request start → last byte)', ms(I.fetch.median), ms(I.fetch.p95), ms(I.fetch.min), ms(I.fetch.max));
  const w = I.wasm;
  const encoding = w.contentEncoding ? `\`content-encoding: ${w.contentEncoding}\`` : 'no `content-encoding` (uncompressed)';
  lines.push('', `The \`.wasm\` (\`${I.wasmFile}\`) as \`vite preview\` served it, from the response: HTTP ${w.status}, \`content-type: ${w.contentType}\`, ${encoding}: **${bytes(w.bodyOnWire)} on the wire** (the body; ${bytes(w.headersOnWire)} of headers besides). The file is ${bytes(I.wasmRaw)}; gzip -9 it is ${bytes(I.wasmGz)}, what a server that compresses it would send.${I.wasmVaried ? ` **The response varied between loads**: ${I.wasmVaried.map((x) => JSON.stringify(x)).join('; ')}.` : ''}`, '');
  return lines;
}

// `node bench/init-time.mjs`: this part alone, as section 4.
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  const { loadavg } = await import('node:os');
  const r = await measureInit(root);
  console.log(initSection(r, loadavg()[0]).join('\n'));
}
