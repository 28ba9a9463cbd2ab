// Validation speed in headless Chromium: validate() (JS↔wasm crossing
// included) beside validateFloor() from the `bench-floor` build (the crossing
// alone: same fields read, no checks) and an equivalent zod schema, all in
// the same page.
import { build } from 'esbuild';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { launch, serveStatic } from '../tests/page/browser.mjs';

/**
 * Whether bench/out/floor holds a floor build of the same source as pkg/:
 * { ok: true } or { ok: false, why }. bench/run removes the folder before
 * building it and logs the build to bench/out/floor.log.
 */
function floorBuild(root) {
  const dir = path.join(root, 'bench', 'out', 'floor');
  const log = path.join(root, 'bench', 'out', 'floor.log');
  if (!existsSync(path.join(dir, 'happyhorse_bg.wasm'))) {
    if (!existsSync(log)) return { ok: false, why: 'no floor build in bench/out/floor (bench/run builds it)' };
    const lines = readFileSync(log, 'utf8').split('\n');
    const error = lines.find((l) => /^error/.test(l.trim())) || lines.filter((l) => l.trim()).pop() || 'no output';
    return { ok: false, why: `the floor build failed (\`${error.trim()}\`; full log: bench/out/floor.log)` };
  }
  const pkgWasm = path.join(root, 'pkg', 'happyhorse_bg.wasm');
  if (statSync(path.join(dir, 'happyhorse_bg.wasm')).mtimeMs < statSync(pkgWasm).mtimeMs) {
    return { ok: false, why: 'bench/out/floor is older than pkg/ (a stale build of other source); rerun bench/run' };
  }
  return { ok: true };
}

export async function measureValidation(root) {
  await build({
    entryPoints: [path.join(root, 'bench', 'zod-schema.mjs')],
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2020',
    outfile: path.join(root, 'bench', 'out', 'zod-schema.js'), logLevel: 'silent',
  });
  const floor = floorBuild(root);
  const site = await serveStatic(root, { isolated: true });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${site.url}/bench/speed.html${floor.ok ? '' : '?floor=0'}`);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 300000 });
    const r = await page.evaluate(() => window.result);
    if (r.error) throw new Error(`bench/speed.html: ${r.error}${pageErrors.length ? ` (${pageErrors.join('; ')})` : ''}`);
    if (!floor.ok) r.floorStatus = floor.why;
    r.browser = browser.version();
    return r;
  } finally {
    await browser.close();
    await site.close();
  }
}
