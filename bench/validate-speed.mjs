// Validation speed in headless Chromium: validate() (JS↔wasm crossing
// included) beside an equivalent zod schema, in the same page.
import { build } from 'esbuild';
import path from 'node:path';
import { launch, serveStatic } from '../tests/page/browser.mjs';

export async function measureValidation(root) {
  await build({
    entryPoints: [path.join(root, 'bench', 'zod-schema.mjs')],
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2020',
    outfile: path.join(root, 'bench', 'out', 'zod-schema.js'), logLevel: 'silent',
  });
  const site = await serveStatic(root, { isolated: true });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${site.url}/bench/speed.html`);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 120000 });
    const r = await page.evaluate(() => window.result);
    r.browser = browser.version();
    return r;
  } finally {
    await browser.close();
    await site.close();
  }
}
