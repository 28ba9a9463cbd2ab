// The nodejs build through its real JS glue: what a Node user gets.
import test from 'node:test';
import assert from 'node:assert/strict';
import { pkg } from './load.mjs';

test('a valid request validates, prices and builds', () => {
  const req = { prompt: 'A herd of horses thundering across desert dunes, dust trailing behind, golden hour', happyhorse11Params: { duration: 10 } };
  const report = pkg.validate(req);
  assert.deepEqual(report, { ok: true, mode: 'text-to-video', errors: [], warnings: [] });
  assert.equal(pkg.estimateCost(req).credits, 310);
  const http = pkg.buildRequest(req, { apiKey: 'afk_test' });
  assert.equal(http.method, 'POST');
  assert.equal(http.url, 'https://api.apiframe.ai/v2/videos/generate');
  assert.equal(http.headers['X-API-Key'], 'afk_test');
  assert.match(http.headers['Idempotency-Key'], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(JSON.parse(http.body), { model: 'happyhorse-1.1', ...req });
});

test('an invalid request is refused with a HappyHorseError carrying the issues', () => {
  const req = { prompt: '[Image 3] spins', happyhorse11Params: { images: ['https://example.com/a.jpg', 'blob:https://example.com/x'], seed: -1 } };
  const report = pkg.validate(req);
  assert.equal(report.ok, false);
  assert.deepEqual(report.errors.map((i) => [i.path, i.code]), [
    ['happyhorse11Params.images[1]', 'IMAGE_LOCAL_FILE'],
    ['happyhorse11Params.seed', 'INVALID_SEED'],
    ['prompt', 'IMAGE_REFERENCE_OUT_OF_RANGE'],
  ]);
  assert.throws(() => pkg.buildRequest(req, { apiKey: 'afk_secret_value' }), (err) => {
    assert.ok(err instanceof Error);
    assert.ok(err instanceof pkg.HappyHorseError);
    assert.equal(err.name, 'HappyHorseError');
    assert.equal(err.code, 'INVALID_REQUEST');
    assert.equal(err.retryable, false);
    assert.deepEqual(err.issues, report.errors);
    assert.ok(!JSON.stringify(err).includes('afk_secret_value') && !err.message.includes('afk_secret_value'));
    return true;
  });
});

test('HappyHorseError is constructible by users too', () => {
  const e = new pkg.HappyHorseError('TIMEOUT', 'took too long', { jobId: 'j1' });
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'TIMEOUT');
  assert.equal(e.jobId, 'j1');
});

test('validate never throws, whatever it is given', () => {
  const weird = [undefined, null, 0, NaN, 10n, 'x', Symbol('s'), () => 1, [], new Map(), Object.create(null), { prompt: { toString() { throw new Error('x'); } } }];
  for (const v of weird) {
    const r = pkg.validate(v);
    assert.equal(r.ok, false);
    assert.ok(r.errors.length > 0);
  }
});

test('Client refuses bad options with issues, and never echoes the key', () => {
  assert.throws(() => new pkg.Client({ maxRetries: -1, baseUrl: 'ftp://x', apiKey: 'afk_secret\n' }), (err) => {
    assert.equal(err.code, 'INVALID_REQUEST');
    assert.deepEqual(err.issues.map((i) => i.path).sort(), ['options.apiKey', 'options.baseUrl', 'options.maxRetries']);
    assert.ok(!JSON.stringify(err.issues).includes('afk_secret'));
    return true;
  });
  const c = new pkg.Client();
  assert.equal(typeof c.submit, 'function');
});

test('client methods reject (never throw synchronously) on bad per-call options', async () => {
  const c = new pkg.Client({ baseUrl: 'http://127.0.0.1:9' });
  await assert.rejects(c.waitForJob('x', { timeoutMs: -5 }), (e) => e.code === 'INVALID_REQUEST' && e.issues[0].path === 'options.timeoutMs');
  await assert.rejects(c.submit({ prompt: 'x' }, { signal: 'nope' }), (e) => e.issues[0].path === 'options.signal');
  await assert.rejects(c.generate({ prompt: 'x' }, { onUpdate: 5 }), (e) => e.issues[0].path === 'options.onUpdate');
  await assert.rejects(c.submit({ prompt: 'x' }, { idempotencyKey: 'k'.repeat(256) }), (e) => e.issues[0].code === 'IDEMPOTENCY_KEY_TOO_LONG');
});

test('a network failure is NETWORK after the retries, and retryable', async () => {
  const c = new pkg.Client({ baseUrl: 'http://127.0.0.1:9', maxRetries: 1 });
  await assert.rejects(c.getJob('00000000-0000-4000-8000-000000000000'), (e) => e.code === 'NETWORK' && e.retryable === true && e.jobId === '00000000-0000-4000-8000-000000000000');
});

test('the published package loads by name in Node, as ESM and CommonJS, even without require(esm)', async () => {
  const { mkdtempSync, mkdirSync, symlinkSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const os = await import('node:os');
  const path = await import('node:path');
  const { root } = await import('./load.mjs');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hh-consumer-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(path.join(root, 'pkg'), path.join(dir, 'node_modules', 'happyhorse'), 'dir');
  // Node 18 cannot require() an ES module; these flags make a newer Node behave the same.
  const old = ['--no-experimental-require-module', '--no-experimental-detect-module'];
  const run = (args) => execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8' }).trim();
  assert.equal(run([...old, '--input-type=module', '-e', "import { validate, Client } from 'happyhorse'; console.log(validate({ prompt: 'x' }).ok, typeof Client)"]), 'true function');
  assert.equal(run([...old, '-e', "const h = require('happyhorse'); try { h.buildRequest({}) } catch (e) { console.log(e instanceof h.HappyHorseError, e.code) }"]), 'true INVALID_REQUEST');
  // Isomorphic init: code written for the web build (`await init()`, `initSync()`) runs unchanged.
  assert.equal(run([...old, '--input-type=module', '-e', "import init, { initSync, validate } from 'happyhorse'; await init(); initSync(); console.log(typeof init, validate({ prompt: 'x' }).ok)"]), 'function true');
  assert.equal(run([...old, '-e', "const h = require('happyhorse'); h.default().then(() => { h.initSync(); console.log(typeof h.default, h.validate({ prompt: 'x' }).ok) })"]), 'function true');
});

test('a module written against the bundler example compiles under tsc --module nodenext --strict and runs in Node', async () => {
  const { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } = await import('node:fs');
  const { execFileSync, spawnSync } = await import('node:child_process');
  const os = await import('node:os');
  const path = await import('node:path');
  const { root } = await import('./load.mjs');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hh-nodenext-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(path.join(root, 'pkg'), path.join(dir, 'node_modules', 'happyhorse'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(path.join(dir, 'app.mts'), `import init, { validate, estimateCost, HappyHorseError, type Report } from 'happyhorse';
await init();
const report: Report = validate({ prompt: 'A herd of horses', happyhorse11Params: { duration: 10 } });
const credits: number = estimateCost({ prompt: 'x', happyhorse11Params: { duration: 10 } }).credits;
const isError: boolean = new HappyHorseError('TIMEOUT', 'x') instanceof Error;
console.log(report.ok, credits, isError);
`);
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const out = spawnSync(process.execPath, [tsc, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict', '--skipLibCheck', 'false', '--lib', 'es2022,dom', '--outDir', dir, path.join(dir, 'app.mts')], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stdout + out.stderr);
  assert.equal(execFileSync(process.execPath, [path.join(dir, 'app.mjs')], { cwd: dir, encoding: 'utf8' }).trim(), 'true 310 true');
});

test('the tarball ships two different .wasm files (page and server builds, each once), the licenses, a user README and a changelog; npm publish --dry-run is clean', async () => {
  const { execFileSync } = await import('node:child_process');
  const path = await import('node:path');
  const { root } = await import('./load.mjs');
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: path.join(root, 'pkg'), encoding: 'utf8' }));
  const files = packed.files.map((f) => f.path);
  assert.deepEqual(files.filter((f) => f.endsWith('.wasm')).sort(), ['happyhorse_bg.wasm', 'server/happyhorse_bg.wasm']);
  const { readFileSync } = await import('node:fs');
  const page = readFileSync(path.join(root, 'pkg', 'happyhorse_bg.wasm'));
  const server = readFileSync(path.join(root, 'pkg', 'server', 'happyhorse_bg.wasm'));
  assert.ok(!page.equals(server), 'the same build shipped twice');
  assert.ok(page.length < server.length, 'the page build leaves the server half out');
  for (const f of ['LICENSE-MIT', 'LICENSE-APACHE', 'README.md', 'CHANGELOG.md', 'node/happyhorse.mjs', 'node/happyhorse.d.mts', 'server/happyhorse.js', 'server/happyhorse.d.ts']) assert.ok(files.includes(f), f);
  const manifest = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: path.join(root, 'pkg'), encoding: 'utf8' }));
  assert.deepEqual(Object.keys(manifest).filter((k) => ['engines', 'homepage', 'bugs', 'repository', 'keywords', 'license'].includes(k)).sort(), ['bugs', 'engines', 'homepage', 'keywords', 'license', 'repository']);
  // Clean but for the login notice (no registry account here).
  const { spawnSync } = await import('node:child_process');
  const publish = spawnSync('npm', ['publish', '--dry-run'], { cwd: path.join(root, 'pkg'), encoding: 'utf8' });
  assert.equal(publish.status, 0, publish.stderr);
  const warnings = publish.stderr.split('\n').filter((l) => /npm (warn|error)/i.test(l) && !/logged in/.test(l));
  assert.deepEqual(warnings, []);
});

test('findImageReferences gives JS string offsets, near misses included', () => {
  const prompt = '🐎 [Image 1] meets (image 2) and [Image 3]';
  const refs = pkg.findImageReferences(prompt);
  assert.deepEqual(refs.map((r) => [r.text, r.number, r.canonical, r.bracketed]), [
    ['[Image 1]', 1, true, true], ['(image 2)', 2, false, true], ['[Image 3]', 3, true, true],
  ]);
  for (const r of refs) assert.equal(prompt.slice(r.index, r.index + r.text.length), r.text);
  assert.throws(() => pkg.findImageReferences(42), (e) => e.code === 'INVALID_REQUEST' && e.issues[0].path === 'prompt');
});

test('the shipped glue exports no test hooks: no __wasmMemory, no __-prefixed name, in JS or declarations, and no __wasmMemory in the .wasm', async () => {
  const { readFileSync } = await import('node:fs');
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  const path = await import('node:path');
  const { root } = await import('./load.mjs');
  const pkgDir = path.join(root, 'pkg');
  const hooks = (names) => names.filter((n) => n.startsWith('__'));
  // What each entry really exports, loaded as a user's code would load it.
  // The web glue (pkg/, pkg/server/) fetches no .wasm until init(), so importing it here lists its exports.
  const entries = {
    'happyhorse.js': Object.keys(await import(pathToFileURL(path.join(pkgDir, 'happyhorse.js')))),
    'server/happyhorse.js': Object.keys(await import(pathToFileURL(path.join(pkgDir, 'server', 'happyhorse.js')))),
    'node/happyhorse.mjs': Object.keys(await import(pathToFileURL(path.join(pkgDir, 'node', 'happyhorse.mjs')))),
    'node/happyhorse.js': Object.keys(createRequire(import.meta.url)(path.join(pkgDir, 'node', 'happyhorse.js'))),
  };
  for (const [file, names] of Object.entries(entries)) {
    assert.ok(names.includes('validate'), `pkg/${file} lists no validate: the export listing is broken (${names.join(', ')})`);
    assert.deepEqual(hooks(names), [], `pkg/${file} exports test hooks`);
  }
  // The declarations: top-level exported names (`export default function
  // __wbg_init` exports `default`; InitOutput's members are the .wasm's
  // exports, wasm-bindgen's own `__wbindgen_*` among them, checked below).
  for (const file of ['happyhorse.d.ts', 'server/happyhorse.d.ts', 'node/happyhorse.d.ts', 'node/happyhorse.d.mts']) {
    const dts = readFileSync(path.join(pkgDir, file), 'utf8');
    const names = [...dts.matchAll(/^export (?:declare )?(?!default )(?:async )?(?:function|class|const|let|var|type|interface|enum) (\w+)/gm)].map((m) => m[1]);
    for (const [, list] of dts.matchAll(/^export (?:type )?\{([^}]*)\}/gm)) names.push(...list.split(',').map((s) => s.trim().split(/\s+as\s+/).pop()).filter(Boolean));
    assert.ok(names.includes('validate'), `pkg/${file} declares no validate: the declaration listing is broken (${names.join(', ')})`);
    assert.deepEqual(hooks(names), [], `pkg/${file} declares test hooks`);
    assert.ok(!dts.includes('__wasmMemory'), `pkg/${file} mentions __wasmMemory`);
  }
  for (const file of ['happyhorse_bg.wasm', 'server/happyhorse_bg.wasm']) {
    const exported = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(path.join(pkgDir, file)))).map((e) => e.name);
    assert.ok(exported.includes('memory'), `pkg/${file} lists no memory: the export listing is broken`);
    assert.ok(!exported.includes('__wasmMemory'), `pkg/${file} exports __wasmMemory`);
  }
});
